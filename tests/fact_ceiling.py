"""Where each hand-read fact is lost, stage by stage: the ceiling of reconciliation as built.

  .venv/bin/python tests/fact_ceiling.py DB [--split train|dev] [--show N]

DB: the database `../shared/dev/score .venv/bin/facts ecbplus[-train] --keep DIR` leaves in DIR.
For every gold fact of ../shared/dev/facts/ecbplus_{split}_facts.jsonl, each pair of its mentions
in two reports (an 'agree' fact: two mentions of one value; a conflict: two of two values) is
followed through the pipeline, and the fact is counted at the furthest stage any of its pairs
reaches:

  not extracted    a side has no stored item on its figure (a quantity or a dated event)
  two stories      both extracted, the two reports in two stories
  not compared     one story, but the pair is no candidate (values judged neither compatible
                   nor clashing, or no shared kind of thing for a clash)
  below threshold  a candidate the learned model scores under its threshold
  merged / apart   conflicts: the two sides in one stored fact; merges: scored above the
                   threshold but kept apart by the grouping (no chaining, one article a side)
  found            joined in one stored fact (agree) / flagged as a conflict pair (conflict)

With a perfect pair model the figure would be `found + below threshold` (+ `not compared` with
perfect candidates): the rest is lost before any decision is made. Run it on the training split
to read the misses (the dev split: counts only, to measure).
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from learn_fact_model import DEV, gold_spans, kept_items  # noqa: E402
from pipeline.reconcile.grouping import (FactModel, all_features, candidate_pairs, conflict_features,  # noqa: E402
                                         model_name)

STAGES = ("not extracted", "two stories", "not compared", "below threshold", "merged / apart", "found")


def stages(db: str | Path, split: str) -> tuple[dict[str, collections.Counter], dict[tuple[str, str], list[dict]]]:
    """({verdict: {stage: facts}}, {(verdict, stage): the gold facts}) for a kept database."""
    gold = [json.loads(line) for line in open(DEV / "facts" / f"ecbplus_{split}_facts.jsonl", encoding="utf-8")
            if line.strip()]
    con = duckdb.connect(str(db), read_only=True)
    docs = dict(con.execute("SELECT source_id, raw_text FROM articles").fetchall())
    doc_of = dict(con.execute("SELECT article_id, source_id FROM articles").fetchall())
    spans = gold_spans(gold, docs)
    fx, items, raw, story_of = kept_items(con)
    fact_of = dict(con.execute("SELECT item_id, fact_id FROM fact_sources").fetchall())
    flagged = {frozenset(r) for r in con.execute(
        "SELECT sa.item_id, sb.item_id FROM conflicts c JOIN fact_sources sa ON sa.fact_id = c.fact_id_a "
        "AND sa.quote = c.quote_a JOIN fact_sources sb ON sb.fact_id = c.fact_id_b AND sb.quote = c.quote_b").fetchall()}
    model = FactModel.load(ROOT / "config" / "fact_model.toml")

    on_mark: dict[tuple, list] = collections.defaultdict(list)  # (gold fact, doc, norm) -> items on it, as the scorer reads
    for it in items:
        d = doc_of[it.article_id]
        rs, re_ = raw[it.id]
        for s, e, gi, norm in spans.get(d, []):
            if rs is not None and s < re_ and rs < e:
                on_mark[(gi, d, norm)].append(it)
    scored: dict[frozenset, tuple[str, float]] = {}
    for p in candidate_pairs(items, story_of, fx):
        if p.compatible:
            scored[frozenset((p.a.id, p.b.id))] = ("merge", model.probability(model_name(p.a, "merge"), all_features(p)))
        elif p.clash:
            scored[frozenset((p.a.id, p.b.id))] = ("conflict", model.probability(model_name(p.a, "conflict"),
                                                                                 conflict_features(p)))

    def stage(x, y, conflict: bool) -> str:
        if x is None or y is None:
            return "not extracted"
        if story_of.get(x.article_id) != story_of.get(y.article_id):
            return "two stories"
        key = frozenset((x.id, y.id))
        if conflict and key in flagged:
            return "found"
        if not conflict and fact_of.get(x.id) is not None and fact_of.get(x.id) == fact_of.get(y.id):
            return "found"
        what, prob = scored.get(key, (None, 0.0))
        if conflict and fact_of.get(x.id) is not None and fact_of.get(x.id) == fact_of.get(y.id):
            return "merged / apart"
        if what != ("conflict" if conflict else "merge"):
            return "not compared"
        threshold = model.conflict_threshold if conflict else model.merge_threshold
        return "merged / apart" if prob >= threshold and not conflict else "below threshold"

    table = {"agree": collections.Counter(), "conflict": collections.Counter()}
    shown = collections.defaultdict(list)
    for gi, g in enumerate(gold):
        if g.get("identifier"):
            continue
        conflict = g["verdict"] == "conflict"
        best = STAGES[0]
        mentions = [m for m in g["mentions"] if m["doc"] in docs]
        for m1, m2 in itertools.combinations(mentions, 2):
            n1, n2 = json.dumps(m1["norm"]), json.dumps(m2["norm"])
            if m1["doc"] == m2["doc"] or conflict and n1 == n2:  # agreeing values may be written apart (2 mi, 3.2 km)
                continue
            for x in on_mark.get((gi, m1["doc"], n1)) or [None]:
                for y in on_mark.get((gi, m2["doc"], n2)) or [None]:
                    st = stage(x, y, conflict)
                    if STAGES.index(st) > STAGES.index(best):
                        best = st
        table[g["verdict"]][best] += 1
        shown[(g["verdict"], best)].append(g)
    con.close()
    return table, shown


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--split", default="train", choices=("train", "dev"))
    ap.add_argument("--show", type=int, default=0, help="print N facts per stage (train only)")
    a = ap.parse_args()
    table, shown = stages(a.db, a.split)
    for verdict, counts in table.items():
        total = sum(counts.values())
        print(f"{a.split} {verdict} facts ({total}): " + ", ".join(f"{s} {counts[s]}" for s in STAGES))
        print(f"  ceiling with a perfect pair model: {(counts['found'] + counts['below threshold']) / total:.3f}; "
              f"with perfect candidates too: "
              f"{(counts['found'] + counts['below threshold'] + counts['not compared']) / total:.3f}; "
              f"as run: {counts['found'] / total:.3f}")
    if a.show and a.split == "train":
        for (verdict, st), gs in sorted(shown.items()):
            print(f"== {verdict}: {st}")
            for g in gs[:a.show]:
                print(f"  {g['subtopic']} {g['fact']} | " + " || ".join(m["quote"][:60] for m in g["mentions"][:3]))


if __name__ == "__main__":
    main()
