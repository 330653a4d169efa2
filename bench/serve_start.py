"""`facts serve` on a 10,000-article database: seconds to the first page, cold and warm, and
the cost of keeping the view current after a small batch.

The database is the rows of a real run copied until it holds N articles (as
report_scale.py does). Three figures, from one run of this script:
  cold  - no served view yet: `facts serve` answers while it builds the view table by table
          (the reader's tables first), and the seconds until the view is complete;
  warm  - the view exists but the database moved since (a batch was added): answers at
          once from the last view, the refresh runs behind it;
  batch - the refresh after 50 articles' figures changed: seconds and rows copied.
No timing is asserted anywhere.

    python bench/serve_start.py [--articles 10000] [--base outputs/facts.duckdb]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from report_scale import base_copy, multiply  # noqa: E402
from pipeline.serve import view  # noqa: E402


def first_page_seconds(db: Path, until_built: bool = False) -> tuple[float, float | None]:
    """Start `facts serve` and time until /facts answers 200 (and, with until_built, until the
    view's first build is complete); then stop it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - t0 < 600:
            if proc.poll() is not None:
                raise SystemExit(f"facts serve exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/facts", timeout=30) as r:
                    if r.status == 200:
                        first = time.perf_counter() - t0
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("no answer in 600 s")
        if not until_built:
            return first, None
        while "fingerprint" not in view.stored_state(view.view_path_for(db)):
            if time.perf_counter() - t0 > 1200:
                raise SystemExit("the view was not built in 1200 s")
            time.sleep(0.2)
        return first, time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def refresh_after_a_batch(db: Path, refresh: bool = True) -> view.Refreshed | None:
    """Change the figures of 50 articles, as a batch replacing them would, and refresh the view."""
    con = duckdb.connect(str(db))
    con.execute("UPDATE quantities SET value = value + 1 WHERE article_id IN "
                "(SELECT article_id FROM articles ORDER BY article_id LIMIT 50)")
    con.close()
    return view.refresh(db, view.view_path_for(db)) if refresh else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--base", type=Path, default=ROOT / "outputs" / "facts.duckdb")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = base_copy(args.base, Path(tmp) / "base.duckdb")
        per_copy = duckdb.connect(str(base), read_only=True).execute("SELECT count(*) FROM articles").fetchone()[0]
        db = Path(tmp) / "big.duckdb"
        articles = multiply(base, db, max(1, round(args.articles / per_copy)))
        cold, built = first_page_seconds(db, until_built=True)
        size = view.view_path_for(db).stat().st_size
        batch = refresh_after_a_batch(db)  # the view's refresh after 50 articles changed
        refresh_after_a_batch(db, refresh=False)  # moved again: the view is stale at the next start
        warm, _ = first_page_seconds(db)  # served at once from the last view, refreshed behind
    result = {"articles": articles, "cold_first_page_s": round(cold, 1), "cold_view_built_s": round(built, 1),
              "warm_first_page_s": round(warm, 1),
              "view_mb": round(size / 1e6), "batch_refresh_s": round(batch.seconds, 2),
              "batch_rows_copied": sum(batch.copied.values())}
    print(f"{articles} articles: first page {result['cold_first_page_s']} s cold (the view, {result['view_mb']} MB, "
          f"complete after {result['cold_view_built_s']} s), {result['warm_first_page_s']} s warm; "
          f"refresh after 50 articles changed "
          f"{result['batch_refresh_s']} s ({result['batch_rows_copied']:,} rows copied)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
