"""`facts stats`: what is in the database, at a glance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .store import store


def corpus_stats(db_path: str | Path, top: int = 10) -> dict[str, Any]:
    with store.Store(db_path, read_only=True) as database:
        con = database.con
        tables = [t for t in database.tables() if not t.startswith("v_") and t != "meta"]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchall()[0][0] for t in tables}
        outlets = con.execute(
            "SELECT coalesce(outlet, '(unknown)') AS outlet, count(*) AS articles FROM articles "
            "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
        lo, hi, undated = con.execute(
            "SELECT min(published), max(published), count(*) FILTER (WHERE published IS NULL) FROM articles").fetchall()[0]
        top_entities = con.execute(
            "SELECT name, type, n_articles, n_mentions FROM entities "
            "ORDER BY n_articles DESC, n_mentions DESC, name LIMIT ?", [top]).fetchall()
        last_run = con.execute(
            "SELECT run_id, status, started_at, finished_at, n_new, n_unchanged, n_replaced, n_rejected FROM runs "
            "ORDER BY started_at DESC LIMIT 1").fetchall()
        last_run = last_run[0] if last_run else None
        return {
            "database": str(db_path),
            "schema_version": store.stored_version(con),
            "counts": counts,
            "outlets": [{"outlet": o, "articles": n} for o, n in outlets],
            "published": {"first": lo.isoformat() if lo else None, "last": hi.isoformat() if hi else None,
                          "undated_articles": undated},
            "top_entities": [{"name": n, "type": t, "articles": a, "mentions": m} for n, t, a, m in top_entities],
            "last_run": None if last_run is None else dict(zip(
                ("run_id", "status", "started_at", "finished_at", "new", "unchanged", "replaced", "rejected"),
                [str(v) if i in (2, 3) and v is not None else v for i, v in enumerate(last_run)])),
        }
