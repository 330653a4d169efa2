"""`facts report` at 200 and 2,000 articles: build time and file size should grow linearly.

The stored rows of a real run (default outputs/facts.duckdb) are copied T times,
each copy with its own hex-suffixed ids (articles, items, facts), so the report
sees T times the articles, spans, events and facts. Prints seconds, megabytes
and the growth factors normalised by the size ratio (1.0 = linear); the last
line is one JSON object. No timing is asserted anywhere.

    python bench/report_scale.py [--small 200] [--large 2000] [--base outputs/facts.duckdb]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from pipeline.report import write_report  # noqa: E402

SUFFIX = "printf('%04x', t)"
# Per table: the id columns that get the copy's suffix (others are copied as they are).
IDS = {
    "articles": ["article_id", "path", "source_key"],
    "sections": ["section_id", "article_id"],
    "mentions": ["mention_id", "article_id", "entity_id"],
    "quantities": ["quantity_id", "article_id", "subject_entity_id"],
    "times": ["time_id", "article_id"],
    "events": ["event_id", "article_id"],
    "entities": ["entity_id"],
    "facts": ["fact_id", "subject_entity_id"],
    "fact_sources": ["fact_id", "article_id", "item_id"],
    "conflicts": ["conflict_id", "fact_id_a", "fact_id_b"],
}


def multiply(base: Path, out: Path, copies: int) -> int:
    """A copy of base with every table in IDS repeated `copies` times; returns the article count."""
    shutil.copy(base, out)
    con = duckdb.connect(str(out))
    try:
        for table, ids in IDS.items():
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall()]
            select = ", ".join(f"{c} || {SUFFIX}" if c in ids else c for c in cols)
            con.execute(f"CREATE TEMP TABLE src AS SELECT * FROM {table}")
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT {select} FROM src, range({copies}) r(t)")
            con.execute("DROP TABLE src")
        con.execute("CHECKPOINT")
        return con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    finally:
        con.close()


def base_copy(base: Path, to: Path) -> Path:
    """A copy of a real run's database to multiply (never the user's file itself); made from
    corpus/ when there is none yet (no `make run`)."""
    if base.exists():
        shutil.copy(base, to)
    else:
        subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(ROOT / "corpus"), "--db", str(to)],
                       cwd=ROOT, check=True, capture_output=True)
    return to


def measure(base: Path, n: int, work: Path) -> dict:
    per_copy = duckdb.connect(str(base), read_only=True).execute("SELECT count(*) FROM articles").fetchall()[0][0]
    copies = max(1, round(n / per_copy))
    db = work / f"r{n}.duckdb"
    articles = multiply(base, db, copies)
    t0 = time.perf_counter()
    out = write_report(db, work / f"r{n}.html")
    seconds = time.perf_counter() - t0
    return {"articles": articles, "seconds": round(seconds, 2), "mb": round(out.stat().st_size / 1e6, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=200)
    ap.add_argument("--large", type=int, default=2000)
    ap.add_argument("--base", type=Path, default=ROOT / "outputs" / "facts.duckdb")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = base_copy(args.base, Path(tmp) / "base.duckdb")
        small, large = measure(base, args.small, Path(tmp)), measure(base, args.large, Path(tmp))
    ratio = large["articles"] / small["articles"]
    result = {"small": small, "large": large,
              "time_growth_per_size": round(large["seconds"] / small["seconds"] / ratio, 2),
              "size_growth_per_size": round(large["mb"] / small["mb"] / ratio, 2)}
    for k in ("small", "large"):
        r = result[k]
        print(f"{r['articles']:>6} articles: {r['seconds']:>6.2f}s  {r['mb']:>7.2f} MB")
    print(f"growth / size ratio: time {result['time_growth_per_size']}, size {result['size_growth_per_size']} (1.0 = linear)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
