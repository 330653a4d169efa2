"""Learn the fact model (config/fact_model.toml) on the ECB+ training topics, choosing the
thresholds by leave-one-topic-out, and print the cross-validated pair figures.

  .venv/bin/python tests/learn_fact_model.py DB [--write]

DB: the database `../shared/dev/score .venv/bin/facts ecbplus-train --keep DIR` leaves in DIR
(ecbplus-train.duckdb). Labels come from ../shared/dev/facts/ecbplus_train_facts.jsonl (hand-read
figures and dates that several reports state): two items are one fact (`merge`) when they sit on
mentions of one gold fact with one normalised value; two whose values clash are a conflict
(`conflict`) when they sit on mentions of one gold conflict with two values. An item is on a mention as the scorer reads it (raw offsets overlapping the figure); an event by its time
expression. Every candidate pair the reconciler would score is a training pair, so the classes
are weighed as they occur. Logistic regression (L2, Newton steps, numpy) per item kind.

Thresholds: merge at the best F(0.5) of the held-out-topic merge pairs whose two sides are both
on gold mentions (precision first: a wrong merge hides a disagreement), conflict at the best
F(0.5) of held-out clash pairs being gold conflicts among thresholds whose held-out precision
is at least CONFLICT_MIN_PRECISION (a reader should be able to trust a flagged disagreement more
often than not). Nothing from the dev split is read.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.reconcile.grouping import all_features, candidate_pairs, conflict_features, feature_names  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.reconcile.items import load_fx, load_items, load_measure_classes, load_synonyms  # noqa: E402
from pipeline.reconcile.rules import Matching  # noqa: E402

DEV = ROOT.parent / "shared" / "dev"
L2 = 1.0
CONFLICT_MIN_PRECISION = 0.5  # a flagged conflict is right at least half the time on held-out topics
ROUNDING_TOLERANCE = 0.1  # not learned: a reader's "past the stated precision" (README of the gold)


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> np.ndarray:
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        g = x.T @ (p - y) + l2 * w
        h = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def predict(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))


def best_threshold(p: np.ndarray, y: np.ndarray, beta: float = 0.5,
                   min_precision: float = 0.0) -> tuple[float, float, float, float]:
    """The threshold of best F(beta) among those whose precision is at least min_precision."""
    best = (0.95, 0.0, 0.0, 0.0)
    for t in np.arange(0.05, 0.96, 0.01):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        prec = tp / pred.sum() if pred.sum() else 0.0
        rec = tp / (y == 1).sum() if (y == 1).sum() else 0.0
        f = (1 + beta ** 2) * prec * rec / (beta ** 2 * prec + rec) if prec + rec else 0.0
        if f > best[3] and prec >= min_precision:
            best = (round(float(t), 2), prec, rec, f)
    return best


def gold_spans(gold: list[dict], docs: dict[str, str]) -> dict[str, list[tuple[int, int, int, str]]]:
    by_doc = collections.defaultdict(list)
    for gi, g in enumerate(gold):
        for m in g["mentions"]:
            if m["doc"] not in docs:
                continue  # a report the run did not store (a duplicate text)
            text = docs[m["doc"]]
            q = text.find(m["quote"])
            v = m["quote"].find(str(m["value"])) if m.get("value") else -1
            s, e = (q + v, q + v + len(str(m["value"]))) if v >= 0 else (q, q + len(m["quote"]))
            by_doc[m["doc"]].append((s, e, gi, json.dumps(m["norm"])))
    return by_doc


def kept_items(con: duckdb.DuckDBPyConnection) -> tuple[dict, list, dict[str, tuple[int, int]], dict[str, str]]:
    """(fx rates, the items reconciliation compares, item id -> raw offsets, article -> story) of a
    kept database."""
    rules = load_settings().reconcile
    fx = Matching(load_fx(ROOT / "config" / "fx_rates.csv"), rules)
    units = ROOT / "config" / "units.toml"
    items = load_items(con, load_synonyms(units), None, load_measure_classes(units), near_chars=rules.near_chars)
    raw = {}
    for table, key in (("quantities", "quantity_id"), ("events", "event_id")):
        for iid, rs, re_ in con.execute(f"SELECT {key}, raw_start, raw_end FROM {table}").fetchall():
            raw[iid] = (rs, re_)
    story_of = dict(con.execute("SELECT article_id, story_id FROM story_articles").fetchall())
    return fx, items, raw, story_of


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--write", action="store_true", help="write config/fact_model.toml")
    ap.add_argument("--curve", action="store_true", help="print held-out conflict precision and recall by threshold")
    a = ap.parse_args()
    gold = [json.loads(l) for l in open(DEV / "facts" / "ecbplus_train_facts.jsonl", encoding="utf-8") if l.strip()]
    con = duckdb.connect(a.db, read_only=True)
    docs = dict(con.execute("SELECT source_id, raw_text FROM articles").fetchall())
    happening = {d["id"]: d["subtopic"] for d in map(json.loads, open(DEV / "ecbplus" / "train.jsonl", encoding="utf-8"))}
    doc_of = dict(con.execute("SELECT article_id, source_id FROM articles").fetchall())
    spans = gold_spans(gold, docs)
    fx, items, raw, story_of = kept_items(con)

    def on(it) -> set[tuple[int, str]]:
        d = doc_of[it.article_id]
        rs, re_ = raw[it.id]
        said = it.extra.get("said") if it.kind == "event" else None
        if said and rs is not None:
            k = docs[d].find(said, rs, re_)
            if k >= 0:
                rs, re_ = k, k + len(said)
        return {(gi, norm) for s, e, gi, norm in spans.get(d, []) if rs is not None and s < re_ and rs < e}

    marks = {it.id: on(it) for it in items}
    rows = collections.defaultdict(list)  # kind -> [(topic, frame features, merge features, compat, clash, y_frame, y_merge, y_conflict)]
    for p in candidate_pairs(items, story_of, fx):
        ma, mb = marks[p.a.id], marks[p.b.id]
        facts_a, facts_b = {g for g, _ in ma}, {g for g, _ in mb}
        shared = facts_a & facts_b
        kind = "event" if p.a.kind == "event" else "quantity"
        topic = doc_of[p.a.article_id].split("_")[0]
        y_conf = any(gold[g]["verdict"] == "conflict" for g in shared) and not (ma & mb)
        one = happening.get(doc_of[p.a.article_id]) == happening.get(doc_of[p.b.article_id])
        hit = frozenset(g for g in shared if gold[g]["verdict"] == "conflict") if y_conf else frozenset()
        rows[kind].append((topic, conflict_features(p), all_features(p), p.compatible, p.clash, int(bool(shared)),
                           int(bool(ma & mb)), int(y_conf), bool(ma and mb), one, hit))
    out = {}
    thresholds = {}
    lines = []
    merged_p, merged_y, clash_p, clash_y, clash_hit = [], [], [], [], []
    for kind, rs in rows.items():
        topics = np.array([r[0] for r in rs])
        compat = np.array([r[3] for r in rs])
        clash = np.array([r[4] for r in rs])
        for what, fi, yi in (("conflict", 1, 7), ("merge", 2, 6)):
            names = feature_names(kind, what)
            x = np.array([[r[fi].get(n, 0.0) for n in names] for r in rs])
            y = np.array([r[yi] for r in rs], dtype=float)
            use = compat if what == "merge" else clash
            held = np.zeros(len(rs))
            for t in sorted(set(topics)):
                tr, te = use & (topics != t), topics == t
                held[te] = predict(x[te], fit(x[tr], y[tr]))
            w = fit(x[use], y[use])
            out[f"{kind}_{what}"] = {n: round(float(v), 4) for n, v in zip(names, w)}
            if what == "merge":
                # as the scorer (both sides on gold mentions), within one happening: a pair of two
                # happenings is the stories' error (measured apart), not this model's
                judged = use & np.array([r[8] and r[9] for r in rs])
                merged_p.append(held[judged]); merged_y.append(y[judged])
            else:
                same = clash & np.array([r[9] for r in rs])
                clash_p.append(held[same]); clash_y.append(y[same])
                clash_hit.extend(r[10] for r, k in zip(rs, same) if k)
            lines.append(f"{kind} {what}: {int(use.sum())} pairs, {int(y[use].sum())} positive")
    t_m = best_threshold(np.concatenate(merged_p), np.concatenate(merged_y))
    t_c = best_threshold(np.concatenate(clash_p), np.concatenate(clash_y), min_precision=CONFLICT_MIN_PRECISION)
    n_conf = sum(g["verdict"] == "conflict" for g in gold)

    def facts_found(t: float) -> int:
        return len(set().union(*(h for p, h in zip(np.concatenate(clash_p), clash_hit) if p >= t)))
    if a.curve:
        cp, cy = np.concatenate(clash_p), np.concatenate(clash_y)
        for t in (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5):
            k = cp >= t
            print(f"conflict threshold {t}: flagged {int(k.sum())}, precision {cy[k].mean() if k.sum() else 0:.3f}, "
                  f"recall {cy[k].sum() / cy.sum():.3f}, gold conflicts found {facts_found(t)} of {n_conf}")
    thresholds = {"merge": t_m[0], "conflict": t_c[0], "rounding_tolerance": ROUNDING_TOLERANCE}
    print("\n".join(lines))
    print(f"leave-one-topic-out, merge pairs: threshold {t_m[0]} precision {t_m[1]:.3f} recall {t_m[2]:.3f} F0.5 {t_m[3]:.3f}")
    print(f"leave-one-topic-out, clash pairs as conflicts: threshold {t_c[0]} precision {t_c[1]:.3f} "
          f"recall {t_c[2]:.3f} F0.5 {t_c[3]:.3f} ({int(np.concatenate(clash_y).sum())} gold-conflict pairs); "
          f"gold conflicts found {facts_found(t_c[0])} of {n_conf}")
    if a.write:
        path = ROOT / "config" / "fact_model.toml"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("# Written by tests/learn_fact_model.py on the ECB+ training topics (575 reports, 50\n"
                     "# happenings, hand-read facts); thresholds chosen by leave-one-topic-out. Do not edit\n"
                     "# by hand: relearn. Logistic weights: p = 1 / (1 + exp(-sum(weight * feature))).\n\n")
            fh.write("[thresholds]\n" + "".join(f"{k} = {v}\n" for k, v in thresholds.items()))
            for name, ws in out.items():
                fh.write(f"\n[{name}]\n" + "".join(f"{k} = {v}\n" for k, v in ws.items()))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
