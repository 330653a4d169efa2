"""Experiment (issue 17): does a learned line classifier beat prose.py on plain-text pages?

    .venv/bin/python bench/experiments/pages_line_model.py

Labels come from trafilatura on each dev page's own HTML (a plain-text line is body when
trafilatura's text holds it), not from the gold. Features are the evidence the issue lists
(length, stop-word share in the page's language, sentence punctuation, digits, capitals,
separators, repeats, position, the lines around, the marker rules' kind, prose.py's runs). A
one-hidden-layer network (numpy) is trained with 5-fold cross-validation grouped by site, so
every page is predicted by a model that never saw its site. It prints the pages scorer's
segment line for: prose.py today, the labels themselves (the ceiling of imitating
trafilatura), and the cross-validated model. Reads ../shared/dev; writes nothing.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import sys
import tempfile
import urllib.parse
import zlib
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from devgate import DEV  # noqa: E402
from devpages import PAGES, run_scorer, write_predictions  # noqa: E402
import pipeline.normalize.normalizer as normalizer  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.ingest import decode  # noqa: E402
from pipeline.normalize import Normalizer  # noqa: E402
from pipeline.normalize.boilerplate import marker_key, segment  # noqa: E402
from pipeline.normalize.clean import clean_plain  # noqa: E402
from pipeline.normalize.prose import prose_lines  # noqa: E402
from pipeline.text.stopwords import stoplist  # noqa: E402

_SENT = re.compile(r"[.!?…。！？][\"'”’»)]*$")
_EDGE = "\"'()[]«»„“”‚‘’.,;:!?¿¡…-–—"
_SEP = re.compile(r"[|›»·•/\\>→]")
_URLISH = re.compile(r"https?://|www\.|@|©|\.com\b", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•·▪►]|\d{1,2}[.)])\s")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
KINDS = ["title", "byline", "meta", "ui", "related", "qa", "social", "attribution", "header", "summary", "foreign"]


def line_features(t: str, stops) -> list[float]:
    words = t.split()
    n, eff = len(words), len(t) + 2 * len(_CJK.findall(t))
    letters = [c for c in t if c.isalpha()]
    sw = (sum(w.strip(_EDGE).lower() in stops for w in words) / n) if (stops and n) else 0.0
    return [math.log1p(eff), math.log1p(n), sw, float(bool(_SENT.search(t))), float(t.rstrip().endswith(":")),
            sum(c.isdigit() for c in t) / max(1, len(t)), sum(c.isupper() for c in letters) / max(1, len(letters)),
            sum(w[:1].isupper() for w in words) / max(1, n), min(3, len(_SEP.findall(t))) / 3,
            float(bool(_URLISH.search(t))), float(bool(_BULLET.match(t))), sw * math.log1p(eff),
            sum(c in ",;" for c in t) / max(1, n)]


def page_features(texts, stops, keep, kinds) -> np.ndarray:
    n = len(texts)
    base = np.array([line_features(t, stops) for t in texts])
    seen = Counter(" ".join(t.split()).casefold() for t in texts)
    rep = np.array([[float(seen[" ".join(t.split()).casefold()] > 1)] for t in texts])
    pos = np.array([[i / max(1, n - 1), math.log1p(i), math.log1p(n - 1 - i)] for i in range(n)])
    kp = np.array([[float(k) if keep is not None else 0.5] for k in (keep or [0] * n)])
    kd = np.array([[float(k == x) for x in KINDS] for k in kinds]).reshape(n, len(KINDS))
    parts = [base, rep, pos, kp, kd]
    for off in (-3, -2, -1, 1, 2, 3):
        j = np.arange(n) + off
        valid = ((j >= 0) & (j < n)).astype(float)[:, None]
        j = np.clip(j, 0, n - 1)
        parts += [base[j][:, [0, 2, 3, 11]] * valid, kp[j] * valid]
    for w in (5, 15):
        cs = np.vstack([np.zeros((1, 3)), np.cumsum(base[:, [0, 2, 11]], axis=0)])
        lo, hi = np.clip(np.arange(n) - w, 0, n), np.clip(np.arange(n) + w + 1, 0, n)
        parts.append((cs[hi] - cs[lo]) / (hi - lo)[:, None])
    parts.append(np.tile([math.log1p(n), base[:, 2].mean(), (base[:, 0] > math.log1p(80)).mean(),
                          float(bool(stops)), float(keep is not None)], (n, 1)))
    return np.hstack(parts)


def fit(X, y, w, hidden=32, epochs=15, lr=3e-3, l2=1e-4, batch=512, seed=0) -> dict:
    """A one-hidden-layer network, Adam, log loss weighted by line length."""
    rng = np.random.default_rng(seed)
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Z = (X - mu) / sd
    p = [rng.normal(0, Z.shape[1] ** -0.5, (Z.shape[1], hidden)), np.zeros(hidden),
         rng.normal(0, hidden ** -0.5, hidden), np.zeros(1)]
    m, v, t = [np.zeros_like(a) for a in p], [np.zeros_like(a) for a in p], 0
    for _ in range(epochs):
        order = rng.permutation(len(Z))
        for s in range(0, len(Z), batch):
            i = order[s:s + batch]
            h = np.maximum(0, Z[i] @ p[0] + p[1])
            g = (1 / (1 + np.exp(-(h @ p[2] + p[3][0]))) - y[i]) * w[i] / w[i].sum()
            gh = np.outer(g, p[2]) * (h > 0)
            grads = [Z[i].T @ gh + l2 * p[0], gh.sum(0), h.T @ g + l2 * p[2], np.array([g.sum()])]
            t += 1
            for k, gk in enumerate(grads):
                m[k] = 0.9 * m[k] + 0.1 * gk
                v[k] = 0.999 * v[k] + 0.001 * gk * gk
                p[k] -= lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
    return {"mu": mu, "sd": sd, "p": p}


def predict(model, X) -> np.ndarray:
    p = model["p"]
    h = np.maximum(0, ((X - model["mu"]) / model["sd"]) @ p[0] + p[1])
    return 1 / (1 + np.exp(-(h @ p[2] + p[3][0])))


def site(url: str) -> str:
    u = url.replace("hard::", "")
    if "web.archive.org/web/" in u:
        u = u.split("/", 5)[-1]
    host = urllib.parse.urlparse(u if "://" in u else "http://" + u).netloc.lower()
    return ".".join(host.split(".")[-2:])


def score(chosen: dict) -> str:
    """The pages scorer's segment line, with prose.py's answer replaced by `chosen` (lines -> keep)."""
    original = normalizer.prose_lines
    normalizer.prose_lines = lambda lines, lang, st: chosen.get(tuple(lines), original(lines, lang, st))
    try:
        out = Path(tempfile.mkdtemp()) / "pred.jsonl"
        write_predictions(out)
    finally:
        normalizer.prose_lines = original
    r = run_scorer(out, capture=True)
    r.check_returncode()
    return r.stdout.splitlines()[1]


def main() -> int:
    if not PAGES.exists():
        print(f"no dev pages at {PAGES}")
        return 0
    settings = load_settings()
    norm = Normalizer(settings)
    import trafilatura

    rows = []
    for line in open(PAGES, encoding="utf-8"):
        page = json.loads(line)
        raw, _ = decode(gzip.decompress((DEV / "pages" / page["html_file"]).read_bytes()), settings.ingest)
        extracted = [marker_key(t) for t in (trafilatura.extract(raw, include_tables=True) or "").split("\n")]
        whole, joined = set(extracted), " \n ".join(extracted)
        mt = clean_plain(page["text"])
        lay = segment(mt.text, norm.rules)
        texts = [l.text for l in lay.lines]
        if not texts:
            continue
        lang = norm.detect_language(mt.text)
        name = norm.rules.prose.stoplists.get(lang or "")
        stops = stoplist(name) if name else None
        keep = prose_lines(texts, lang, norm.rules.prose)
        labels = [bool(k) and (k in whole or (len(k) >= 20 and k in joined)) for k in map(marker_key, texts)]
        rows.append((texts, page_features(texts, stops, keep, [l.kind for l in lay.lines]),
                     np.array(labels, float), site(page["url"])))
    print(f"{len(rows)} pages, {len({r[3] for r in rows})} sites, {sum(len(r[0]) for r in rows)} lines")
    folds = [zlib.crc32(r[3].encode()) % 5 for r in rows]
    chosen = {}
    for k in range(5):
        train = [r for r, f in zip(rows, folds) if f != k]
        X = np.vstack([r[1] for r in train])
        model = fit(X, np.concatenate([r[2] for r in train]), np.minimum(1 + X[:, 0], 7))
        for r, f in zip(rows, folds):
            if f == k:
                chosen[tuple(r[0])] = list(predict(model, r[1]) > 0.5)
    print("prose.py today:        ", score({}))
    print("trafilatura's labels:  ", score({tuple(r[0]): list(r[2] > 0.5) for r in rows}))
    print("learned, CV by site:   ", score(chosen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
