"""Reconciliation time at 1k and 10k articles' worth of mentions, measured in one run.

The stored rows of a real run over corpus/ (5 articles) are copied into "topics":
each topic is the 5 articles again with its own entity ids, its own values
(scaled by a topic factor), its own dates (shifted), its own names (every
word marked with the topic) and its own words (every word of five letters or
more marked; short common words stay shared, as between unrelated articles), so facts restate each other inside a
topic, as in the corpus, and not across topics. Then `reconcile()` runs over 1k and 10k articles.
Prints seconds of each, per-item cost and the growth factor normalised by the
size ratio (1.0 = linear); the last line is one JSON object.

    python bench/reconcile_scale.py [--small 1000] [--large 10000] [--base DB]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import load_settings  # noqa: E402
from pipeline.reconcile import reconcile  # noqa: E402
from pipeline.store import store  # noqa: E402

# A topic's values are scaled by its own factor in [1, 1.5), spread by the golden ratio so no two
# topics' factors stand in a simple ratio: with a linear factor (1 + 0.0137 t) round figures of
# different topics coincide (10 x f(t) = 11 x f(t')), which chained hundreds of topics into one
# region, a coincidence real unrelated articles do not show at that rate.
_FACTOR = "(1 + ((t * 0.6180339887498949) % 1) * 0.5)"
# Names are marked with 8 letters of a hash of the topic: a number would leave two topics' long
# names one edit apart ("Huawei105", "Huawei106"), spelling variants real names rarely are.
_NAME_MARK = "left(md5(CAST(t AS VARCHAR)), 8)"
# Per table: the columns rewritten for topic t (others are copied as they are).
REWRITE = {
    "articles": {"article_id": "article_id || '_' || t", "source_key": "source_key || '_' || t",
                 "path": "path || '_' || t",
                 "clean_text": r"regexp_replace(clean_text, '([^\W\d_]\w{4,})', '\1' || t, 'g')"},
    "mentions": {"mention_id": "mention_id || '_' || t", "article_id": "article_id || '_' || t",
                 "entity_id": "entity_id || '_' || t", "article_entity_id": "article_entity_id || '_' || t",
                 "entity_name": rf"regexp_replace(entity_name, '(\w+)', '\1' || {_NAME_MARK}, 'g')",
                 "text": rf"regexp_replace(text, '(\w+)', '\1' || {_NAME_MARK}, 'g')"},
    "quantities": {"quantity_id": "quantity_id || '_' || t", "article_id": "article_id || '_' || t",
                   "subject_entity_id": "subject_entity_id || '_' || t",
                   "value": f"value * {_FACTOR}", "low": f"low * {_FACTOR}", "high": f"high * {_FACTOR}"},
    "events": {"event_id": "event_id || '_' || t", "article_id": "article_id || '_' || t",
               "actors": "regexp_replace(actors, '(\"id\": \"[^\"]+)', '\\1_' || t, 'g')",
               "start_date": "start_date + to_days(CAST(t AS INTEGER))",
               "end_date": "end_date + to_days(CAST(t AS INTEGER))"},
}


def base_db(tmp: Path, given: str | None) -> Path:
    if given:
        return Path(given)
    db = tmp / "base.duckdb"
    subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "corpus", "--db", str(db)], cwd=ROOT,
                   check=True, capture_output=True)
    return db


def scaled_db(base: Path, out: Path, n_articles: int) -> int:
    """Copy base rows into enough topics for n_articles; returns the number of items."""
    con = store.connect(out)
    insert_topics(con, base, 0, max(1, round(n_articles / articles_per_topic(con, base))))
    n = con.execute("SELECT (SELECT count(*) FROM quantities) + (SELECT count(*) FROM events)").fetchall()[0][0]
    con.close()
    return n


def articles_per_topic(con, base: Path) -> int:
    """Articles in the base database: one topic's worth."""
    con.execute(f"ATTACH '{base}' AS base (READ_ONLY)")
    try:
        return con.execute("SELECT count(*) FROM base.articles").fetchall()[0][0]
    finally:
        con.execute("DETACH base")


def insert_topics(con, base: Path, first: int, last: int) -> int:
    """Insert topics first..last-1 of the base rows (each table rewritten by REWRITE); returns
    the number of articles added."""
    con.execute(f"ATTACH '{base}' AS base (READ_ONLY)")
    try:
        for table, cols in REWRITE.items():
            names = [r[0] for r in con.execute(f"DESCRIBE base.{table}").fetchall()]
            select = ", ".join(f"{cols[c]} AS {c}" if c in cols else c for c in names)
            con.execute(f"INSERT INTO {table} BY NAME SELECT {select} "
                        f"FROM base.{table}, (SELECT range AS t FROM range({first}, {last}))")
        return con.execute("SELECT count(*) FROM base.articles").fetchall()[0][0] * (last - first)
    finally:
        con.execute("DETACH base")


def timed_reconcile(db: Path, fx: Path) -> float:
    con = store.connect(db)
    t0 = time.perf_counter()
    reconcile(con, fx, fx.parent / "units.toml")
    seconds = time.perf_counter() - t0
    con.close()
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--base", help="A DB from `facts run corpus/` (default: made here)")
    args = ap.parse_args()
    fx = load_settings().config_dir / "fx_rates.csv"
    with tempfile.TemporaryDirectory() as tmp:
        base = base_db(Path(tmp), args.base)
        figures = {}
        for label, n in (("small", args.small), ("large", args.large)):
            db = Path(tmp) / f"{label}.duckdb"
            items = scaled_db(base, db, n)
            seconds = timed_reconcile(db, fx)
            figures[label] = (n, items, seconds)
            print(f"{n:>6} articles, {items:>8,} items: reconcile {seconds:.2f}s "
                  f"({seconds / items * 1e6:.1f} µs/item)")
    (n1, i1, s1), (n2, i2, s2) = figures["small"], figures["large"]
    growth = (s2 / s1) / (i2 / i1)
    print(f"time x{s2 / s1:.1f} for items x{i2 / i1:.1f}: growth vs linear {growth:.2f}")
    print(json.dumps({"articles_small": n1, "articles_large": n2, "items_small": i1, "items_large": i2,
                      "seconds_small": round(s1, 3), "seconds_large": round(s2, 3),
                      "growth_vs_linear": round(growth, 3)}))


if __name__ == "__main__":
    main()
