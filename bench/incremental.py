"""Incremental cost: the second `facts run` on an unchanged corpus as a share of the first.

Both runs in one go, on N distinct articles (default 200 whole corpus copies).
The last line is one JSON object.

    python bench/incremental.py [--n 200] [--chars K] [--workers W]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import facts_run, make_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--chars", type=int, default=None, help="cut each article to this many characters")
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, db = Path(tmp) / "corpus", str(Path(tmp) / "b.duckdb")
        make_corpus(folder, args.n, args.chars)
        first, _ = facts_run(str(folder), "--db", db, "--workers", str(args.workers))
        second, _ = facts_run(str(folder), "--db", db, "--workers", str(args.workers))
    share = second / first
    print(f"first run {first:.1f}s, second run (unchanged) {second:.1f}s: share {share:.1%}")
    print(json.dumps({"articles": args.n, "first_s": round(first, 2), "second_s": round(second, 2),
                      "incremental_share": round(share, 4)}))


if __name__ == "__main__":
    main()
