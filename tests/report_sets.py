"""Score cross-source reconciliation on invented report sets (tests/fixtures/report_sets*.json*).

    .venv/bin/python tests/report_sets.py                 # run `facts run` into a temporary DB, then score
    .venv/bin/python tests/report_sets.py --db rs.duckdb  # score a DB already built from report_sets.jsonl
    .venv/bin/python tests/report_sets.py --show          # also each gold pair's outcome
    .venv/bin/python tests/report_sets.py --json          # last line: one JSON object of the figures

What it measures (the gold's "about" says how the gold was written):

- merge: a gold pair is predicted merged when both sides have the same non-null fact. Recall =
  merged merge pairs / all merge pairs (a side with no fact is a miss). Precision = merged merge
  pairs / (those + merged pairs among the distinct and conflict lists).
- conflicts: recall = gold conflicts whose two facts make a `conflicts` row (either order) / gold
  conflicts; precision = conflict rows that match a gold conflict / all conflict rows (the DB holds
  only this file). Each false conflict row is printed with its quotes; flagged distinct pairs and
  flagged merge pairs are counted too.
- stories: B3 precision/recall/F1 of `story_articles` (when the table exists) against the gold
  stories; an article in no story counts as a singleton.

How a gold side is found. `articles.source_id` is the JSON record's own "id" (checked on a real
run: `SELECT source_id, clean_text FROM articles` gives "rs01_a", ...; `source_key` is
"<path>#<id>"). The figure's offset is clean_text.find(context) + context.find(figure). A value
side's fact is the fact of the stored quantity overlapping the figure (nearest start); a date
side's fact is the fact of the dated event whose span contains the figure (the one whose date is
the time expression at the figure, else the nearest). A context that is not in the article's
source text at all is a gold error and stops the script. A context that is in the raw text but
not in clean_text (page cleaning cut that paragraph: found on 2026-12-02 for lead paragraphs of
three articles, cut as `meta`/`header` head lines) is reported loudly and scored as a side with
no fact; `--strict` makes it an error instead.

Standard library + duckdb only. Exits 0 whatever the figures are: it measures, it does not judge.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "tests" / "fixtures" / "report_sets.jsonl"
GOLD = ROOT / "tests" / "fixtures" / "report_sets_gold.json"
LISTS = ("merge", "distinct", "conflicts")


class GoldError(Exception):
    """The gold does not fit the articles (a typo in a context, an unknown id)."""


def load_gold(path: Path = GOLD) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_articles(path: Path = ARTICLES) -> dict[str, dict]:
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out[rec["id"]] = rec
    return out


def facts_command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "facts"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "pipeline.cli"]


def build_db(db: Path, articles: Path = ARTICLES, workers: int | None = None) -> None:
    """`facts run articles --db db` in a subprocess; raises when it fails."""
    cmd = [*facts_command(), "run", str(articles), "--db", str(db)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")


# ----------------------------------------------------------------------------- locating sides

@dataclass
class Located:
    side: dict
    kind: str
    article_id: str | None = None
    start: int | None = None
    end: int | None = None
    cut: bool = False  # in the raw text, not in clean_text
    fact_id: str | None = None
    item: dict = field(default_factory=dict)  # what the fact was read from (quantity or event)


class Db:
    def __init__(self, path: Path):
        self.con = duckdb.connect(str(path), read_only=True)
        self.articles = {sid: (aid, clean or "", raw or "") for aid, sid, clean, raw in self.con.execute(
            "SELECT article_id, source_id, clean_text, raw_text FROM articles").fetchall()}
        self.source_of = {aid: sid for sid, (aid, _, _) in self.articles.items()}
        self.facts = {r[0]: dict(zip(("fact_id", "kind", "measure", "value", "low", "high", "unit", "time_scope",
                                      "n_sources"), r))
                      for r in self.con.execute("SELECT fact_id, kind, measure, value, low, high, unit, time_scope, "
                                                "n_sources FROM facts").fetchall()}
        self.fact_articles: dict[str, set[str]] = {}
        for fid, aid in self.con.execute("SELECT DISTINCT fact_id, article_id FROM fact_sources").fetchall():
            self.fact_articles.setdefault(fid, set()).add(self.source_of.get(aid, aid))

    def close(self) -> None:
        self.con.close()

    def table_exists(self, name: str) -> bool:
        return bool(self.con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall())

    def locate(self, side: dict, kind: str, strict: bool = False) -> Located:
        loc = Located(side, kind)
        if side["id"] not in self.articles:
            raise GoldError(f"no article with source_id {side['id']!r} in the database")
        aid, clean, raw = self.articles[side["id"]]
        loc.article_id = aid
        fig = side["context"].find(side["figure"])
        if fig < 0:
            raise GoldError(f"{side['id']}: figure {side['figure']!r} not in its context {side['context']!r}")
        pos = clean.find(side["context"])
        if pos < 0:
            if side["context"] in raw and not strict:
                loc.cut = True
                return loc
            raise GoldError(f"{side['id']}: context not in clean_text: {side['context']!r}")
        loc.start, loc.end = pos + fig, pos + fig + len(side["figure"])
        if kind == "date":
            self._event_fact(loc)
        else:
            self._quantity_fact(loc)
        return loc

    def _quantity_fact(self, loc: Located) -> None:
        hit = self.con.execute("""
            SELECT s.fact_id, q.text, q.value, q.unit, q.measure FROM quantities q
            JOIN fact_sources s ON s.item_id = q.quantity_id
            WHERE q.article_id = ? AND q.start_char < ? AND ? < q.end_char
            ORDER BY abs(q.start_char - ?) LIMIT 1""", [loc.article_id, loc.end, loc.start, loc.start]).fetchall()
        if hit:
            loc.fact_id = hit[0][0]
            loc.item = dict(zip(("fact_id", "text", "value", "unit", "measure"), hit[0]))

    def _event_fact(self, loc: Located) -> None:
        rows = self.con.execute("""
            SELECT s.fact_id, e.trigger, e.date, e.start_date, e.end_date, e.start_char, e.end_char FROM events e
            JOIN fact_sources s ON s.item_id = e.event_id
            WHERE e.article_id = ? AND e.start_char <= ? AND ? <= e.end_char""",
                                [loc.article_id, loc.start, loc.end]).fetchall()
        if not rows:
            return
        times = {(r[0], r[1]) for r in self.con.execute("""
            SELECT start_date, end_date FROM times
            WHERE article_id = ? AND start_char < ? AND ? < end_char""",
                                                        [loc.article_id, loc.end, loc.start]).fetchall()}
        best = min(rows, key=lambda r: ((r[3], r[4]) not in times, abs(r[5] - loc.start), r[6] - r[5]))
        loc.fact_id = best[0]
        loc.item = {"fact_id": best[0], "text": f"{best[1]} @ {best[2]}", "trigger": best[1], "date": best[2]}


# ----------------------------------------------------------------------------- scoring

@dataclass
class PairOutcome:
    list: str
    pair: dict
    a: Located
    b: Located

    @property
    def merged(self) -> bool:
        return self.a.fact_id is not None and self.a.fact_id == self.b.fact_id

    @property
    def missing(self) -> bool:
        return self.a.fact_id is None or self.b.fact_id is None

    def key(self) -> frozenset[str] | None:
        if self.missing or self.merged:
            return None
        return frozenset((self.a.fact_id, self.b.fact_id))


def _ratio(n: int, d: int) -> float | None:
    return n / d if d else None


def b3(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of a clustering (item -> cluster) against the gold's, over the gold items."""
    items = list(gold)
    pred = {it: pred.get(it, f"absent:{it}") for it in items}  # an article in no predicted cluster is alone
    pred_members: dict[str, set[str]] = {}
    gold_members: dict[str, set[str]] = {}
    for it in items:
        pred_members.setdefault(pred[it], set()).add(it)
        gold_members.setdefault(gold[it], set()).add(it)
    p = r = 0.0
    for it in items:
        ps, gs = pred_members[pred[it]], gold_members[gold[it]]
        both = len(ps & gs)
        p += both / len(ps)
        r += both / len(gs)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(db_path: Path, gold: dict | None = None, strict: bool = False) -> dict:
    """Every figure, plus the outcomes and rows behind them (for printing)."""
    gold = gold or load_gold()
    db = Db(db_path)
    try:
        outcomes: dict[str, list[PairOutcome]] = {}
        for name in LISTS:
            outcomes[name] = [PairOutcome(name, p, db.locate(p["a"], p.get("kind", "value"), strict),
                                          db.locate(p["b"], p.get("kind", "value"), strict))
                              for p in gold[name]]
        conflict_rows = db.con.execute(
            "SELECT conflict_id, fact_id_a, fact_id_b, reason, quote_a, quote_b FROM conflicts").fetchall()
        flagged = {frozenset((r[1], r[2])) for r in conflict_rows}
        gold_conflict_keys = {o.key() for o in outcomes["conflicts"]} - {None}

        merged_pos = sum(o.merged for o in outcomes["merge"])
        merged_neg = sum(o.merged for name in ("distinct", "conflicts") for o in outcomes[name])
        found = sum(o.key() in flagged for o in outcomes["conflicts"] if o.key())
        true_rows = [r for r in conflict_rows if frozenset((r[1], r[2])) in gold_conflict_keys]
        false_rows = [r for r in conflict_rows if frozenset((r[1], r[2])) not in gold_conflict_keys]

        stories = None
        if db.table_exists("story_articles"):
            rows = db.con.execute("SELECT story_id, article_id FROM story_articles").fetchall()
            pred = {sid: f"singleton:{sid}" for sid in db.articles}
            for story_id, aid in rows:
                if aid in db.source_of:
                    pred[db.source_of[aid]] = story_id
            gold_of = {aid: str(i) for i, members in enumerate(gold["stories"]) for aid in members}
            p, r, f = b3(pred, gold_of)
            stories = {"p": p, "r": r, "f1": f, "n_pred": len(set(pred[a] for a in gold_of)),
                       "n_gold": len(gold["stories"]), "pred": pred}

        all_sides = [s for name in LISTS for o in outcomes[name] for s in (o.a, o.b)]
        return {
            "outcomes": outcomes,
            "merge_tp": merged_pos, "merge_fp": merged_neg,
            "merge_p": _ratio(merged_pos, merged_pos + merged_neg),
            "merge_r": _ratio(merged_pos, len(outcomes["merge"])),
            "conflict_found": found,
            "conflict_r": _ratio(found, len(outcomes["conflicts"])),
            "conflict_p": _ratio(len(true_rows), len(conflict_rows)),
            "n_conflicts": len(conflict_rows),
            "false_conflicts": [_describe_row(db, r) for r in false_rows],
            "flagged_distinct": [o for o in outcomes["distinct"] if o.key() in flagged],
            "flagged_merge": [o for o in outcomes["merge"] if o.key() in flagged],
            "flagged_keys": flagged,
            "stories": stories,
            "story_b3_f1": stories["f1"] if stories else None,
            "n_sides": len(all_sides),
            "sides_cut": sorted({(s.side["id"], s.side["context"]) for s in all_sides if s.cut}),
            "sides_without_fact": sum(s.fact_id is None and not s.cut for s in all_sides),
            "facts": db.facts, "fact_articles": db.fact_articles,
        }
    finally:
        db.close()


def _describe_row(db: Db, row) -> dict:
    _, fa, fb, reason, qa, qb = row
    return {"reason": reason, "quote_a": qa, "quote_b": qb,
            "articles_a": sorted(db.fact_articles.get(fa, ())), "articles_b": sorted(db.fact_articles.get(fb, ())),
            "fact_a": db.facts.get(fa, {}), "fact_b": db.facts.get(fb, {})}


# ----------------------------------------------------------------------------- printing

def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _fact_text(res: dict, loc: Located) -> str:
    if loc.cut:
        return "CUT from clean_text"
    if loc.fact_id is None:
        return "no fact"
    f = res["facts"].get(loc.fact_id, {})
    arts = ",".join(sorted(res["fact_articles"].get(loc.fact_id, ())))
    if f.get("kind") == "event":
        return f"event {loc.item.get('text')} [{loc.fact_id[:6]} in {arts}]"
    value = f.get("value") if f.get("value") is not None else (f.get("low"), f.get("high"))
    return (f"{loc.item.get('text')!r} = {loc.item.get('value')} {loc.item.get('unit') or ''}, in fact "
            f"{loc.fact_id[:6]} ({value} {f.get('unit') or ''} '{f.get('measure') or ''}'; articles {arts})")


def report(res: dict, show: bool = False, out=None) -> None:
    out = out or sys.stdout
    o = res["outcomes"]
    w = lambda s="": print(s, file=out)
    w(f"gold: {len(o['merge'])} merge, {len(o['distinct'])} distinct, {len(o['conflicts'])} conflict pairs; "
      f"{res['n_sides']} sides, {res['sides_without_fact']} with no fact, {len(res['sides_cut'])} distinct "
      f"contexts cut from clean_text")
    if res["sides_cut"]:
        w("  WARNING: these contexts are in the raw text but not in clean_text (page cleaning cut them); "
          "their sides count as having no fact:")
        for sid, ctx in res["sides_cut"]:
            w(f"    {sid}: {ctx!r}")
    w(f"merge:     P {_fmt(res['merge_p'])}  R {_fmt(res['merge_r'])}  "
      f"(merged {res['merge_tp']}/{len(o['merge'])} merge pairs; {res['merge_fp']} distinct/conflict pairs merged)")
    by_kind = Counter((x.pair.get("kind", "value"), x.merged) for x in o["merge"])
    by_trap = Counter((x.pair.get("trap") or "plain", x.merged) for x in o["merge"])
    w("  merge recall by kind: " + ", ".join(
        f"{k} {by_kind[(k, True)]}/{by_kind[(k, True)] + by_kind[(k, False)]}" for k in ("value", "date")))
    w("  merge recall by trap: " + ", ".join(
        f"{t} {by_trap[(t, True)]}/{by_trap[(t, True)] + by_trap[(t, False)]}"
        for t in sorted({t for t, _ in by_trap})))
    neg = [x for name in ("distinct", "conflicts") for x in o[name] if x.merged]
    for x in neg:
        w(f"  wrongly merged ({x.list}, {x.pair.get('trap') or x.pair.get('kind')}): {x.a.side['id']} "
          f"{x.a.side['figure']!r} / {x.b.side['id']} {x.b.side['figure']!r}  ({x.pair['note']})")
    w(f"conflicts: P {_fmt(res['conflict_p'])}  R {_fmt(res['conflict_r'])}  "
      f"(found {res['conflict_found']}/{len(o['conflicts'])} gold conflicts; {res['n_conflicts']} conflict rows, "
      f"{len(res['false_conflicts'])} not in the gold; flagged traps: {len(res['flagged_distinct'])} distinct "
      f"pairs, {len(res['flagged_merge'])} merge pairs)")
    for row in res["false_conflicts"]:
        w(f"  false conflict ({row['reason']}): {row['quote_a']!r} [{','.join(row['articles_a'])}] vs "
          f"{row['quote_b']!r} [{','.join(row['articles_b'])}]  measure {row['fact_a'].get('measure')!r} / "
          f"{row['fact_b'].get('measure')!r}")
    for x in res["flagged_distinct"] + res["flagged_merge"]:
        w(f"  flagged {x.list} pair: {x.a.side['id']} {x.a.side['figure']!r} / {x.b.side['id']} "
          f"{x.b.side['figure']!r}  ({x.pair['note']})")
    st = res["stories"]
    if st is None:
        w("stories: no story_articles table")
    else:
        w(f"stories:   B3 P {st['p']:.3f}  R {st['r']:.3f}  F1 {st['f1']:.3f}  "
          f"({st['n_pred']} predicted, {st['n_gold']} gold stories)")
        groups: dict[str, list[str]] = {}
        for aid, sid in st["pred"].items():
            groups.setdefault(sid, []).append(aid)
        w("  predicted: " + "  ".join("{" + ",".join(sorted(g)) + "}" for g in sorted(groups.values(), key=min)))
    if show:
        for name in LISTS:
            w(f"\n{name} pairs:")
            for x in o[name]:
                flag = x.key() is not None and x.key() in res["flagged_keys"]
                status = ("MERGED" if x.merged else "missing" if x.missing else "apart") + (" FLAGGED" if flag else "")
                w(f"  [{status}] {x.pair['note']}")
                w(f"      a {x.a.side['id']} {x.a.side['figure']!r}: {_fact_text(res, x.a)}")
                w(f"      b {x.b.side['id']} {x.b.side['figure']!r}: {_fact_text(res, x.b)}")


def summary(res: dict) -> dict:
    return {k: res[k] for k in ("merge_p", "merge_r", "conflict_p", "conflict_r", "n_conflicts", "story_b3_f1")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="an existing database built from tests/fixtures/report_sets.jsonl")
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--workers", type=int, default=None, help="passed to facts run")
    ap.add_argument("--show", action="store_true", help="list each gold pair's outcome with the facts' values")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object on the last line")
    ap.add_argument("--strict", action="store_true", help="a context cut from clean_text is an error")
    args = ap.parse_args(argv)
    gold = load_gold(args.gold)
    if args.db:
        if not args.db.exists():
            ap.error(f"{args.db} does not exist")
        res = score(args.db, gold, args.strict)
    else:
        with tempfile.TemporaryDirectory(prefix="report_sets_") as tmp:
            db = Path(tmp) / "rs.duckdb"
            build_db(db, workers=args.workers)
            res = score(db, gold, args.strict)
    report(res, show=args.show)
    if args.json:
        print(json.dumps(summary(res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
