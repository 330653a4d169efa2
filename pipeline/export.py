"""Export tables and views with DuckDB COPY: parquet, csv or jsonl files, one per table."""

from __future__ import annotations

from pathlib import Path

from .config import Settings
from .errors import ExportError
from .store import store

FORMATS = {"parquet": ("parquet", "(FORMAT parquet)"),
           "csv": ("csv", "(FORMAT csv, HEADER true)"),
           "jsonl": ("jsonl", "(FORMAT json)")}
# What `--table all` exports: the cleaned articles and every fact table.
EXPORT_TABLES = ("articles", "sections", "entities", "mentions", "quantities", "times", "events",
                 "facts", "fact_sources", "conflicts", "article_links", "ingest_errors")


def export_tables(db_path: str | Path, table: str, fmt: str, out_dir: str | Path, settings: Settings, *,
                  overwrite: bool = False) -> list[tuple[str, Path, int]]:
    """Write each table to out_dir/<table>.<ext>; return (table, file, rows)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}' (use one of {', '.join(FORMATS)})")
    ext, options = FORMATS[fmt]
    out = Path(out_dir)
    con = store.connect(db_path, read_only=True)
    try:
        known = store.table_names(con)
        tables = list(EXPORT_TABLES) if table == "all" else [table]
        for t in tables:
            if t not in known:
                raise ExportError(f"no table or view named '{t}' in {db_path} (have: {', '.join(known)})")
        targets = [(t, out / f"{t}.{ext}") for t in tables]
        existing = [str(p) for _, p in targets if p.exists()]
        if existing and not overwrite:
            raise ExportError(f"{', '.join(existing)} already exist(s); pass --overwrite to replace")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for t, target in targets:
            select = _select(con, t, settings)
            n = con.execute(f"SELECT count(*) FROM ({select})").fetchall()[0][0]
            path = str(target).replace("'", "''")
            con.execute(f"COPY ({select}) TO '{path}' {options}")
            written.append((t, target, n))
        return written
    finally:
        con.close()


def _select(con, table: str, settings: Settings) -> str:
    if table == "articles" and settings.export.articles_exclude:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles' "
            "ORDER BY ordinal_position").fetchall()]
        keep = [c for c in cols if c not in settings.export.articles_exclude]
        return f"SELECT {', '.join(chr(34) + c + chr(34) for c in keep)} FROM articles ORDER BY article_id"
    return f'SELECT * FROM "{table}"'
