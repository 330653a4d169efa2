"""Peak memory of `facts run` at N and 10xN articles: streaming means it stays flat.

Peak RSS is sampled every 0.1 s over the whole process tree (the writer and its
extraction workers). Articles are K-character windows of the corpus files
(default 2,500), so 2,000 of them run in a few minutes. The last line is one
JSON object.

    python bench/memory.py [--small 200] [--large 2000] [--chars 2500] [--workers W]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from common import facts_run, make_corpus


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--small", type=int, default=200)
    ap.add_argument("--large", type=int, default=2000)
    ap.add_argument("--chars", type=int, default=2500)
    ap.add_argument("--workers", type=int, default=0)
    args = ap.parse_args()
    peaks = {}
    for n in (args.small, args.large):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "corpus"
            make_corpus(folder, n, args.chars)
            seconds, peak = facts_run(str(folder), "--db", str(Path(tmp) / "b.duckdb"),
                                      "--workers", str(args.workers))
        peaks[n] = peak
        print(f"{n:>6} articles: peak RSS {peak / 2**20:,.0f} MiB ({seconds:.0f}s)")
    ratio = peaks[args.large] / peaks[args.small]
    print(f"peak at {args.large} / peak at {args.small}: {ratio:.3f}")
    print(json.dumps({"articles_small": args.small, "articles_large": args.large,
                      "peak_mib_small": round(peaks[args.small] / 2**20), "peak_mib_large": round(peaks[args.large] / 2**20),
                      "memory_ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
