"""Learn the cross-article link model (config/link_model.toml) on the ECB+ training topics and
print how it does on topics it has not seen: leave-one-topic-out over train + dev.

  .venv/bin/python tests/learn_link_model.py TRAIN_DB DEV_DB [--write]

TRAIN_DB, DEV_DB: the databases `../shared/dev/score .venv/bin/facts ecbplus-train --keep DIR` and
`... ecbplus --keep DIR` leave (ecbplus-train.duckdb, ecbplus.duckdb). Linking is redone here
from their stored mentions, so the databases may have been built with any link model.

Every link an article's entity could make (entities.link_candidates: alias, short form, acronym,
spelling variant) is a training example, labelled from the ECB+ entity gold: the entity's
mentions in its article and the target's mentions in the other articles of its topic, aligned to
gold mentions as the scorer aligns them, fall in one gold cluster (1) or in two (0); examples
with a side not aligned are left out. Logistic regression (numpy, the fact model's fit with a
stronger L2); the threshold is the one with the best F1 of the decisions on the topics fitted.

Printed: the leave-one-topic-out figure over the 33 topics of train + dev (each topic's links
chosen by a model fitted on the other 32, scored together by ../shared/dev/scorers/crossdoc.py,
people and things: HUMAN, NON_HUMAN), beside the dev figure of the model fitted on train alone
(the one written), and the same two figures for the rule it replaced (a candidate links when
its articles share the most context, at least one entity). `--write` writes the train model.
Nothing of the dev split is fitted for the written model.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from learn_fact_model import DEV, fit, predict  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.reconcile.entities import LINK_FEATURES, Candidate, _rows, choose_links, link_candidates  # noqa: E402

GROUPS = "HUMAN,NON_HUMAN"
L2 = 10.0  # a few hundred labelled links: chosen by the leave-one-topic-out figure (1: 0.867 / 0.889, 3: 0.869 /
# 0.894, 10 and 30: 0.873 / 0.901, CoNLL / link F1; measured before the nameparser candidates)


def topic_of(doc_id: str) -> str:
    return doc_id.split("_")[0]


def align(gold_mentions: list[dict], spans: list[tuple[int, int, str]]) -> dict[int, str]:
    """span index -> gold cluster, one to one, greatest character overlap (IoU) first."""
    pairs = []
    for i, (s, e, _) in enumerate(spans):
        for j, m in enumerate(gold_mentions):
            ov = min(e, m["end"]) - max(s, m["start"])
            if ov > 0:
                pairs.append((-ov / (max(e, m["end"]) - min(s, m["start"])), i, j))
    out, used = {}, set()
    for _, i, j in sorted(pairs):
        if i not in out and j not in used:
            out[i] = gold_mentions[j]["cluster"]
            used.add(j)
    return out


class Split:
    """One kept database with its gold: mention spans, their gold clusters, the link candidates."""

    def __init__(self, db: str, gold_path: Path, settings) -> None:
        self.gold = [json.loads(line) for line in open(gold_path, encoding="utf-8") if line.strip()]
        gold_by_id = {g["id"]: g for g in self.gold}
        con = duckdb.connect(db, read_only=True)
        self.source = dict(con.execute("SELECT article_id, source_id FROM articles").fetchall())
        rows = con.execute("SELECT article_id, raw_start, raw_end, article_entity_id FROM mentions "
                           "WHERE raw_start IS NOT NULL ORDER BY ALL").fetchall()
        self.candidates = link_candidates(_rows(con), settings.link)
        con.close()
        self.spans: dict[str, list[tuple[int, int, str]]] = collections.defaultdict(list)
        for aid, s, e, ent in rows:
            self.spans[aid].append((s, e, ent))
        # (article, article entity) -> gold clusters of its aligned mentions
        self.clusters: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
        for aid, spans in self.spans.items():
            g = gold_by_id.get(str(self.source[aid]))
            if g is None:
                continue
            for i, cluster in align(g["mentions"], spans).items():
                self.clusters[(aid, spans[i][2])][cluster] += 1
        self.by_entity: dict[tuple[str, str], collections.Counter] = collections.defaultdict(collections.Counter)
        for (aid, ent), c in self.clusters.items():  # (topic, entity) -> clusters over its articles
            self.by_entity[(topic_of(str(self.source[aid])), ent)].update(c)

    def label(self, c: Candidate) -> int | None:
        own = self.clusters.get((c.article_id, c.entity))
        topic = topic_of(str(self.source[c.article_id]))
        theirs = self.by_entity.get((topic, c.target), collections.Counter()) - self.clusters.get(
            (c.article_id, c.target), collections.Counter())
        if not own or not theirs:
            return None
        return int(own.most_common(1)[0][0] == theirs.most_common(1)[0][0])

    def predictions(self, links) -> list[dict]:
        target = {(x.article_id, x.article_entity_id): x.entity_id for x in links}
        out = []
        for aid, spans in self.spans.items():
            out.append({"id": str(self.source[aid]), "entities": [
                {"start": s, "end": e, "canonical_id": target.get((aid, ent), ent)} for s, e, ent in spans]})
        return out


def features(cands: list[Candidate]) -> np.ndarray:
    return np.array([[c.features.get(n, 0.0) for n in LINK_FEATURES] for c in cands])


def best_f1_threshold(p: np.ndarray, y: np.ndarray) -> float:
    best = (0.0, 0.5)
    for t in np.arange(0.05, 0.96, 0.01):
        k = p >= t
        tp = float((k & (y == 1)).sum())
        prec, rec = (tp / k.sum() if k.sum() else 0.0), tp / max(1.0, float((y == 1).sum()))
        f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if f > best[0]:
            best = (f, round(float(t), 2))
    return best[1]


def train(cands: list[Candidate], labels: list[int]) -> tuple[np.ndarray, float]:
    x, y = features(cands), np.array(labels, dtype=float)
    w = fit(x, y, L2)
    return w, best_f1_threshold(predict(x, w), y)


def chooser(w: np.ndarray):
    def probability(f: dict[str, float]) -> float:
        return float(predict(np.array([[f.get(n, 0.0) for n in LINK_FEATURES]]), w)[0])
    return probability


def rule(f: dict[str, float]) -> float:
    """The rule the model replaced: the candidate whose articles share the most context, at least one."""
    return 1.0 if f["top"] and f["shared_any"] else 0.0


def score(preds: list[dict], gold: list[dict]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        p, g = Path(tmp) / "pred.jsonl", Path(tmp) / "gold.jsonl"
        p.write_text("".join(json.dumps(d) + "\n" for d in preds), encoding="utf-8")
        g.write_text("".join(json.dumps(d) + "\n" for d in gold), encoding="utf-8")
        out = subprocess.run([sys.executable, str(DEV / "scorers" / "crossdoc.py"), str(p), "--gold", str(g),
                              "--groups", GROUPS, "--json"], capture_output=True, text=True, check=True)
    ent = json.loads(out.stdout)["entities"]
    return ent["aligned"]["conll_f1"], ent["crossdoc"]["f1"]


def ceiling(splits: dict[str, Split], gold_all: list[dict]) -> None:
    """What no link model can pass: the candidates decided as the gold says (a link is made when one
    of the entity's candidates is right), and every article entity aligned to gold joined to the
    others of its gold cluster in its topic (what is left is the mentions: spans, within-article
    grouping, entities never extracted)."""
    preds, grouped = [], []
    for sp in splits.values():
        right = [c for c in sp.candidates if sp.label(c) == 1]
        preds += sp.predictions(choose_links(right, lambda f: 1.0, 0.5))
        for aid, spans in sp.spans.items():
            topic = topic_of(str(sp.source[aid]))
            doc = {"id": str(sp.source[aid]), "entities": []}
            for s, e, ent in spans:
                c = sp.clusters.get((aid, ent))
                cid = f"{topic}/{c.most_common(1)[0][0]}" if c else f"{aid}/{ent}"
                doc["entities"].append({"start": s, "end": e, "canonical_id": cid})
            grouped.append(doc)
    print("ceiling, train + dev, people and things: perfect decisions on the candidates: aligned CoNLL F1 "
          "{:.3f}, link F1 {:.3f}; every entity joined to its gold cluster: {:.3f}, {:.3f}".format(
              *score(preds, gold_all), *score(grouped, gold_all)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("train_db")
    ap.add_argument("dev_db")
    ap.add_argument("--write", action="store_true", help="write config/link_model.toml (fitted on train)")
    ap.add_argument("--ceiling", action="store_true", help="also print what perfect link decisions would reach: "
                    "on the candidates as generated, and with every article entity joined to its gold cluster")
    ap.add_argument("--dump", metavar="FILE", help="write the held-out predictions of the training topics here "
                    "(the crossdoc scorer's format), to read the errors")
    a = ap.parse_args()
    settings = load_settings()
    splits = {"train": Split(a.train_db, DEV / "ecbplus" / "train.jsonl", settings),
              "dev": Split(a.dev_db, DEV / "ecbplus" / "dev.jsonl", settings)}
    examples = []  # (split, topic, candidate, label)
    for name, sp in splits.items():
        for c in sp.candidates:
            examples.append((name, topic_of(str(sp.source[c.article_id])), c, sp.label(c)))
    labelled = [(n, t, c, y) for n, t, c, y in examples if y is not None]
    topics = sorted({t for _, t, _, _ in examples}, key=lambda t: int(t) if t.isdigit() else t)
    print(f"{len(examples)} candidate links, {len(labelled)} labelled ({sum(y for *_, y in labelled)} right), "
          f"{len(topics)} topics")

    # leave one topic out over train + dev
    loto_links = {name: [] for name in splits}
    for t in topics:
        rest = [(c, y) for _, tt, c, y in labelled if tt != t]
        w, thr = train([c for c, _ in rest], [y for _, y in rest])
        for name in splits:
            held = [c for n, tt, c, _ in examples if n == name and tt == t]
            loto_links[name] += choose_links(held, chooser(w), thr)
    gold_all = splits["train"].gold + splits["dev"].gold
    preds = splits["train"].predictions(loto_links["train"]) + splits["dev"].predictions(loto_links["dev"])
    conll, link = score(preds, gold_all)
    if a.dump:
        Path(a.dump).write_text("".join(json.dumps(d) + "\n" for d in splits["train"].predictions(loto_links["train"])),
                                encoding="utf-8")
    print(f"leave-one-topic-out, train + dev ({len(topics)} topics), people and things: aligned CoNLL F1 {conll:.3f}, "
          f"cross-doc link F1 {link:.3f}")
    conll_t, link_t = score(splits["train"].predictions(loto_links["train"]), splits["train"].gold)
    print(f"  of which the 25 training topics (no rule was read off them): aligned CoNLL F1 {conll_t:.3f}, "
          f"cross-doc link F1 {link_t:.3f}")
    rule_preds = [d for name, sp in splits.items() for d in sp.predictions(choose_links(sp.candidates, rule, 0.5))]
    conll_r, link_r = score(rule_preds, gold_all)
    print(f"  the rule it replaced, same topics: aligned CoNLL F1 {conll_r:.3f}, cross-doc link F1 {link_r:.3f}")

    if a.ceiling:
        ceiling(splits, gold_all)

    # fitted on train, measured on dev
    tr = [(c, y) for n, _, c, y in labelled if n == "train"]
    w, thr = train([c for c, _ in tr], [y for _, y in tr])
    dev = splits["dev"]
    conll_d, link_d = score(dev.predictions(choose_links(dev.candidates, chooser(w), thr)), dev.gold)
    conll_dr, link_dr = score(dev.predictions(choose_links(dev.candidates, rule, 0.5)), dev.gold)
    print(f"fitted on train, dev (197 reports), people and things: aligned CoNLL F1 {conll_d:.3f}, "
          f"cross-doc link F1 {link_d:.3f} (the rule: {conll_dr:.3f}, {link_dr:.3f})")
    print("weights: " + ", ".join(f"{n} {v:+.2f}" for n, v in zip(LINK_FEATURES, w)) + f"; threshold {thr}")
    if a.write:
        path = ROOT / "config" / "link_model.toml"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("# Written by tests/learn_link_model.py on the ECB+ training topics (575 reports, 25 topics,\n"
                     "# entity coreference gold); the threshold is the best F1 of the decisions there. Do not\n"
                     "# edit by hand: relearn. p = 1 / (1 + exp(-sum(weight * feature))); an article's entity\n"
                     "# links to its likeliest candidate when p >= threshold (pipeline/reconcile/entities.py).\n\n")
            fh.write(f"threshold = {thr}\n\n[weights]\n" + "".join(f"{n} = {round(float(v), 4)}\n"
                                                                 for n, v in zip(LINK_FEATURES, w)))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
