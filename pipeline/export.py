"""Export tables and views with DuckDB COPY: parquet, csv or jsonl files, one per table."""

from __future__ import annotations

import glob
import os
from pathlib import Path

import duckdb

from .config import Settings
from .errors import ExportError
from .store import store

FORMATS = {"parquet": ("parquet", "(FORMAT parquet)"),
           "csv": ("csv", "(FORMAT csv, HEADER true)"),
           "jsonl": ("jsonl", "(FORMAT json)")}
# What `--table all` exports: the cleaned articles and every table a user reads.
EXPORT_TABLES = store.USER_TABLES
# A file being written is `.<table>.<ext>.tmp-<pid>` next to its target (see _copy_whole).
TEMP_MARK = ".tmp-"


def export_tables(db_path: str | Path, table: str, fmt: str, out_dir: str | Path, settings: Settings, *,
                  overwrite: bool = False) -> list[tuple[str, Path, int]]:
    """Write each table to out_dir/<table>.<ext>; return (table, file, rows)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}' (use one of {', '.join(FORMATS)})")
    ext, options = FORMATS[fmt]
    out = Path(out_dir)
    with store.Store(db_path, read_only=True) as database:
        con = database.con
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
            _remove_stale_temps(target)
            select = _select(con, t, settings)
            try:
                n = con.execute(f"SELECT count(*) FROM ({select})").fetchall()[0][0]
                _copy_whole(con, select, options, target)
            except (duckdb.Error, OSError) as exc:
                raise ExportError(f"{target}: {str(exc).splitlines()[0]}") from None
            written.append((t, target, n))
        return written


def _temp_path(target: Path, pid: int) -> Path:
    """Hidden, in the target's folder (so os.replace is a rename), and named by its writer."""
    return target.with_name(f".{target.name}{TEMP_MARK}{pid}")


def _copy_whole(con, select: str, options: str, target: Path) -> None:
    """COPY into a temp file and rename it into place: the target is whole or absent, never cut
    short by a kill or an error (a killed export leaves only a hidden temp file)."""
    tmp = _temp_path(target, os.getpid())
    try:
        path = str(tmp).replace("'", "''")
        con.execute(f"COPY ({select}) TO '{path}' {options}")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())  # the bytes are on disk before the name says they are done
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _remove_stale_temps(target: Path) -> None:
    """Delete this target's temp files left by exports that were killed (their pid is gone);
    a live export's temp file is left alone."""
    for tmp in target.parent.glob(f".{glob.escape(target.name)}{TEMP_MARK}*"):
        pid = tmp.name.rsplit(TEMP_MARK, 1)[1]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _select(con, table: str, settings: Settings) -> str:
    if table == "articles" and settings.export.articles_exclude:
        cols = [r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles' "
            "ORDER BY ordinal_position").fetchall()]
        keep = [c for c in cols if c not in settings.export.articles_exclude]
        return f"SELECT {', '.join(chr(34) + c + chr(34) for c in keep)} FROM articles ORDER BY article_id"
    return f'SELECT * FROM "{table}"'
