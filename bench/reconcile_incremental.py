"""Incremental reconciliation: adding a batch to a large database, against a full rebuild, in one run.

The stored rows of a real run over corpus/ are copied into "topics" as bench/reconcile_scale.py
does (each topic: the 5 articles with their own entity ids, values, dates and marked words).
A database of `--base` articles is reconciled in full; then `--add` articles (new topics) are
inserted and reconciled incrementally (only the regions they touch), then the same database is
rebuilt in full. Prints both times and their ratio; the last line is one JSON object with
`share` (incremental time / full rebuild time). Cross-article entity linking, which `facts run`
does before reconciling, is timed apart, incremental and full, and `share_with_linking` takes
both steps together.

    python bench/reconcile_incremental.py [--base 10000] [--add 100] [--corpus-db DB]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reconcile_scale import articles_per_topic, base_db, insert_topics  # noqa: E402
from pipeline.config import load_settings  # noqa: E402
from pipeline.reconcile import link_entities, load_link_model, reconcile  # noqa: E402
from pipeline.store import store  # noqa: E402


def timed(fn) -> tuple[float, dict]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--base", type=int, default=10000, help="articles in the database before the batch")
    ap.add_argument("--add", type=int, default=100, help="articles in the batch")
    ap.add_argument("--corpus-db", help="a DB from `facts run corpus/` (default: made here)")
    args = ap.parse_args()
    settings = load_settings()
    fx, units = settings.config_dir / "fx_rates.csv", settings.config_dir / "units.toml"
    with tempfile.TemporaryDirectory() as tmp:
        base = base_db(Path(tmp), args.corpus_db)
        db = Path(tmp) / "bench.duckdb"
        con = store.connect(db)
        per_topic = articles_per_topic(con, base)
        topics, extra = max(1, round(args.base / per_topic)), max(1, round(args.add / per_topic))
        n_base = insert_topics(con, base, 0, topics)
        link_entities(con, settings.link, load_link_model(settings.config_dir), full=True)
        first_full, _ = timed(lambda: reconcile(con, fx, units, settings=settings, full=True))
        n_added = insert_topics(con, base, topics, topics + extra)
        link_inc, _ = timed(lambda: link_entities(con, settings.link, load_link_model(settings.config_dir)))
        incremental, counts = timed(lambda: reconcile(con, fx, units, settings=settings))
        link_full, _ = timed(lambda: link_entities(con, settings.link, load_link_model(settings.config_dir), full=True))
        full, _ = timed(lambda: reconcile(con, fx, units, settings=settings, full=True))
        con.close()
    share = incremental / full
    both = (link_inc + incremental) / (link_full + full)
    print(f"{n_base:,} articles reconciled in full: {first_full:.2f}s")
    print(f"+{n_added} articles: incremental reconcile {incremental:.2f}s "
          f"({counts.get('reconciled_articles', 0)} articles redone); full rebuild {full:.2f}s; share {share:.3f}")
    print(f"cross-article entity linking: incremental {link_inc:.2f}s, full {link_full:.2f}s; "
          f"linking and reconcile together: share {both:.3f}")
    print(json.dumps({"articles_base": n_base, "articles_added": n_added,
                      "articles_redone": counts.get("reconciled_articles", 0),
                      "incremental_seconds": round(incremental, 3), "full_seconds": round(full, 3),
                      "linking_incremental_seconds": round(link_inc, 3), "linking_full_seconds": round(link_full, 3),
                      "share_with_linking": round(both, 4), "share": round(share, 4)}))


if __name__ == "__main__":
    main()
