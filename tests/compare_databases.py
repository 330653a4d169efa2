"""Are two facts databases the same? Every user-facing table, row by row, ignoring only what
differs between any two runs (run ids and clock times). For refactors that must not change
behaviour: run the corpus (or `score ecbplus --keep DIR`) before and after, then

    python tests/compare_databases.py BEFORE.duckdb AFTER.duckdb [--ignore-paths]

--ignore-paths leaves out where the inputs were (articles.path, source_key): two runs of the
same files copied to two folders (as `score ... --keep DIR` does) differ only there.

Prints one line per table (same, or how many rows differ, with a few) and exits 1 on any difference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.store.store import USER_TABLES  # noqa: E402

VOLATILE = {"run_id", "ingested_at", "recorded_at"}  # differ between any two runs of one input


def rows(db: Path, table: str, ignore: set[str]) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in VOLATILE | ignore]
        got = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
    finally:
        con.close()
    return cols, sorted((tuple(map(repr, r)) for r in got))  # lists and dicts compared by their text


def main() -> int:
    before, after = map(Path, sys.argv[1:3])
    ignore = {"path", "source_key"} if "--ignore-paths" in sys.argv[3:] else set()
    differ = 0
    for table in USER_TABLES:
        cols_a, a = rows(before, table, ignore)
        cols_b, b = rows(after, table, ignore)
        if cols_a != cols_b:
            print(f"{table}: columns differ: {sorted(set(cols_a) ^ set(cols_b))}")
            differ += 1
            continue
        set_a, set_b = set(a), set(b)
        only_a = [r for r in a if r not in set_b]
        only_b = [r for r in b if r not in set_a]
        if only_a or only_b or len(a) != len(b):
            differ += 1
            print(f"{table}: {len(a)} vs {len(b)} rows, {len(only_a)} only before, {len(only_b)} only after")
            for r in (only_a[:2] + only_b[:2]):
                print("   ", str(r)[:300])
        else:
            print(f"{table}: same ({len(a)} rows)")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
