"""DuckDB storage: schema, connections, one transaction per article.

The write connection is opened per batch of articles and released between
batches, so readers can query during a long run; exclusivity between runs is
a separate advisory lock file (see runlock.py). Rows go in as Arrow tables
(`INSERT ... BY NAME`), never row by row.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

import duckdb
import pyarrow as pa

from ..errors import (DatabaseLocked, DatabaseMissing, DatabaseUnreadable, QueryError, ReadOnlyViolation,
                      SchemaVersionError, StorageError)
from ..records import ArticleFailed, IngestError, Processed, content_id

SCHEMA_FILE = Path(__file__).with_name("schema.sql")
SCHEMA_SQL = SCHEMA_FILE.read_text(encoding="utf-8")
SCHEMA_VERSION = int(re.search(r"--\s*schema_version:\s*(\d+)", SCHEMA_SQL).group(1))

# Tables whose rows belong to one article, child tables first (deleted in this order).
ARTICLE_TABLES = ("mentions", "quantities", "times", "events", "sections", "articles")
# Item tables: table -> (id column, record attribute on ArticleExtraction).
ITEM_TABLES = {"quantities": "quantity_id", "times": "time_id", "events": "event_id"}


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _lock_message(db_path: str, exc: Exception) -> str:
    holder = re.search(r"\(PID (\d+)\)", str(exc))
    who = f" (process {holder.group(1)})" if holder else ""
    return (f"{db_path} is in use by another process{who}: DuckDB allows one writer per file, "
            "and no reader while it writes. Wait for it to finish, or use another --db.")


# Opening settings of a sandboxed (`facts query`) connection: no file, URL, extension or other
# database beyond this one. Applied at open, before any statement can run.
SANDBOX_CONFIG = {"enable_external_access": False}


# The tables a user reads (exported by `--table all`, counted in the report); the others
# (link_keys, story_postings, reconcile_articles, meta) are the pipeline's bookkeeping.
USER_TABLES = ("articles", "sections", "entities", "entity_links", "mentions", "quantities", "times", "events",
               "facts", "fact_sources", "conflicts", "article_links", "stories", "story_articles", "ingest_errors")

_STORAGE = ("No space left on device", "Disk quota exceeded", "Read-only file system", "Permission denied")


def is_storage_error(exc: BaseException) -> bool:
    """A write the disk refused (full, read-only, no permission): the user's to fix, not a bug."""
    return isinstance(exc, (duckdb.Error, OSError)) and any(m in str(exc) for m in _STORAGE)


def storage_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:  # a file of ours beside the database (export, report, lock)
        return f"{exc.filename}: cannot be written ({exc.strerror or exc})"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"the database cannot be written: {text}. Articles committed before this are kept; free space " \
           "(or use a writable place) and run again: unchanged articles are skipped"


def check_database_file(db_path: str | Path) -> None:
    """Refuse a file that is not a DuckDB database before anything is created beside it."""
    path = Path(db_path)
    if path.is_dir():
        raise DatabaseUnreadable(f"{path}: is a folder, not a DuckDB database file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseUnreadable(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if head and head[8:12] != b"DUCK":
        raise DatabaseUnreadable(f"{path}: not a DuckDB database file (is --db the right path?)")


def _open_failed(db: str, exc: duckdb.IOException, what: str) -> StorageError | DatabaseUnreadable:
    """Why a database could not be opened: the disk refused, or the file is not a whole database."""
    if is_storage_error(exc):
        return StorageError(f"{db}: {storage_message(exc)}")
    return DatabaseUnreadable(f"{db}: {what} ({str(exc).splitlines()[0]})")


def connect(db_path: str | Path, *, read_only: bool = False, wait_seconds: float = 0.0,
            sandbox: bool = False, limits=None) -> duckdb.DuckDBPyConnection:
    """Open the DB; a held lock becomes DatabaseLocked (after waiting up to wait_seconds).

    sandbox=True (read-only only) is for user SQL: external access is off from the start and
    the configuration is locked after our own settings, so no statement can turn it back on.
    """
    db = str(db_path)
    if sandbox and not read_only:
        raise ValueError("a sandboxed connection is read-only")
    if read_only and not Path(db).exists():
        raise DatabaseMissing(f"{db}: no such database (create it with `facts run`)")
    check_database_file(db)
    if not read_only:
        try:
            Path(db).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"{db}: cannot create its folder ({exc.strerror or exc})") from None
    deadline = time.monotonic() + wait_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(db, read_only=read_only, config=SANDBOX_CONFIG if sandbox else {})
            break
        except duckdb.ConnectionException as exc:
            # DuckDB shares one instance per file in a process: settings must match an open one.
            if "different configuration" not in str(exc):
                raise
            raise QueryError(f"{db} is already open in this process with other settings "
                             "(e.g. a sandboxed `facts query` connection); close that connection first") from None
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise _open_failed(db, exc, "cannot be opened as a DuckDB database") from None
            if time.monotonic() >= deadline:
                raise DatabaseLocked(_lock_message(db, exc)) from None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    try:
        con.execute("SET TimeZone = 'UTC'")
        check_version(con, db)
        if sandbox:
            if limits is not None:  # QuerySettings: DuckDB's own memory and spill limits
                con.execute("SET memory_limit = ?", [limits.memory_limit])
                con.execute("SET max_temp_directory_size = ?", [limits.max_temp_size])
            con.execute("SET lock_configuration = true")
        if not read_only:
            ensure_schema(con)
    except duckdb.IOException as exc:  # a truncated or damaged file reads short
        con.close()
        raise _open_failed(db, exc, "damaged, cannot be read as a DuckDB database") from None
    except Exception:
        con.close()
        raise
    return con


# The pipeline's own state in the `meta` table, one key each; read and written only here.
STATE_KEYS = ("schema_version",   # the schema.sql version the file was set up with
              "link_settings",    # [link] settings and link model the cross-article links were made with
              "reconcile_settings")  # what the stored facts were matched with (settings, tables, rules' code)


def read_state(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    if key not in STATE_KEYS:
        raise ValueError(f"unknown state key {key!r}")
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def write_state(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Set one state key (inside the caller's transaction, with the rows it describes)."""
    if key not in STATE_KEYS:
        raise ValueError(f"unknown state key {key!r}")
    con.execute("DELETE FROM meta WHERE key = ?", [key])
    con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])


class Store:
    """One open facts database, as sqlite-utils' Database is for SQLite: the connection (`con`),
    its transactions, the pipeline's state and, opened with sandbox=True, the read-only
    connection user SQL runs on. Closed when its `with` block ends.

        with Store(path, read_only=True) as db:
            db.con.execute("SELECT count(*) FROM facts")
    """

    def __init__(self, path: str | Path, *, read_only: bool = False, wait_seconds: float = 0.0,
                 sandbox: bool = False, limits=None):
        self.path = str(path)
        self.read_only = read_only
        self.con = connect(path, read_only=read_only, wait_seconds=wait_seconds, sandbox=sandbox, limits=limits)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def transaction(self):
        return transaction(self.con)

    def state(self, key: str) -> str | None:
        return read_state(self.con, key)

    def set_state(self, key: str, value: str) -> None:
        write_state(self.con, key, value)

    def tables(self) -> list[str]:
        return table_names(self.con)

    def checkpoint(self) -> None:
        self.con.execute("CHECKPOINT")


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchall()[0][0]
    if not has_meta:
        return None
    version = read_state(con, "schema_version")
    return int(version) if version is not None else None


def check_version(con: duckdb.DuckDBPyConnection, db: str) -> None:
    version = stored_version(con)
    if version is not None and version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{db} has schema version {version}, newer than this facts knows ({SCHEMA_VERSION}). "
            "Upgrade facts to open it, or use another --db.")


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Apply schema.sql (idempotent) and record its version; checkpoint after DDL."""
    if stored_version(con) == SCHEMA_VERSION:
        return
    with transaction(con):
        con.execute(SCHEMA_SQL)
        write_state(con, "schema_version", str(SCHEMA_VERSION))
    con.execute("CHECKPOINT")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> int:
    """Bulk insert by column name through Arrow."""
    if not rows:
        return 0
    data = pa.Table.from_pylist(rows)
    con.register("_facts_rows", data)
    try:
        con.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _facts_rows')
    finally:
        con.unregister("_facts_rows")
    return len(rows)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back on any error or interrupt,
    so a crash leaves the tables as they were before it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException as exc:
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # a failed COMMIT has ended the transaction already: the first error is the one to tell
        if isinstance(exc, duckdb.Error) and is_storage_error(exc):
            raise StorageError(storage_message(exc)) from None
        raise


def replace_tables(con: duckdb.DuckDBPyConnection, rows_by_table: dict[str, list[dict[str, Any]]]) -> None:
    """Replace the whole content of these tables in one transaction (reconciliation's output)."""
    with transaction(con):
        for table, rows in rows_by_table.items():
            con.execute(f'DELETE FROM "{table}"')
            insert_rows(con, table, rows)


def existing_articles(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], set[str]]:
    """(source_key -> article_id, all stored article_ids)."""
    rows = con.execute("SELECT source_key, article_id FROM articles").fetchall()
    return {k: a for k, a in rows}, {a for _, a in rows}


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _item_rows(items: Iterable[Any], id_col: str, article_id: str, run_id: str) -> list[dict[str, Any]]:
    """One row per record, field by field (the records are flat: `dataclasses.asdict`'s deep
    copy cost a tenth of a run's main process)."""
    rows = []
    for item in items:
        row = {name: getattr(item, name) for name in _field_names(type(item))}
        row[id_col] = row.pop("id")
        row["start_char"] = row.pop("start")
        row["end_char"] = row.pop("end")
        row["article_id"] = article_id
        row["run_id"] = run_id
        for k, v in row.items():
            if isinstance(v, tuple):
                row[k] = list(v)
        if "actors" in row:  # the article's entities; linking sets the corpus ones
            row["actor_entity_ids"] = sorted({a["id"] for a in row["actors"] if a.get("id")})
            row["actors"] = json.dumps(row["actors"], ensure_ascii=False)
        if "subject_entity_id" in row:  # the article's entity; linking sets the corpus one
            row["subject_article_entity_id"] = row["subject_entity_id"]
        rows.append(row)
    return rows


def article_rows(p: Processed, run_id: str) -> dict[str, list[dict[str, Any]]]:
    """All rows of one processed article, by table."""
    a, x = p.article, p.extraction
    rows: dict[str, list[dict[str, Any]]] = {
        "articles": [{
            "article_id": a.article_id, "source_id": a.source_id, "source_key": a.source_key,
            "path": a.path, "title": a.title, "outlet": a.outlet, "author": a.author,
            "published": a.published, "updated": a.updated, "language": a.language, "url": a.url, "format": a.fmt,
            "encoding": a.encoding, "raw_text": a.raw_text, "clean_text": a.clean_text,
            "n_chars": len(a.clean_text), "n_words": a.n_words, "status": a.status, "run_id": run_id, "ingested_at": _now(),
        }],
        "sections": [{
            "section_id": content_id(a.article_id, "section", s.raw_start, s.raw_end),
            "article_id": a.article_id, "kind": s.kind, "label": s.label, "text": s.text,
            "raw_start": s.raw_start, "raw_end": s.raw_end, "run_id": run_id,
        } for s in a.sections],
        "mentions": [{
            "mention_id": m.id, "article_id": a.article_id, "entity_id": e.id, "article_entity_id": e.id,
            "entity_name": e.name, "entity_type": e.type, "text": m.text, "label": m.label,
            "start_char": m.start, "end_char": m.end, "raw_start": m.raw_start, "raw_end": m.raw_end,
            "run_id": run_id,
        } for e in x.entities for m in e.mentions],
    }
    for table, id_col in ITEM_TABLES.items():
        rows[table] = _item_rows(getattr(x, table), id_col, a.article_id, run_id)
    return rows


def write_article(con: duckdb.DuckDBPyConnection, p: Processed, run_id: str,
                  replaces: Iterable[str] = ()) -> dict[str, int]:
    """One transaction: drop the article's old versions (and itself, on --force), insert it."""
    drop = sorted({p.article.article_id, *replaces})
    rows = article_rows(p, run_id)
    counts: dict[str, int] = {}
    with transaction(con):
        marks = ", ".join("?" for _ in drop)
        for table in ARTICLE_TABLES:
            con.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", drop)
        for table in reversed(ARTICLE_TABLES):
            counts[table] = insert_rows(con, table, rows.get(table, []))
    return counts


def record_errors(con: duckdb.DuckDBPyConnection, errors: list[IngestError | ArticleFailed], run_id: str) -> int:
    """Rejections and failures (a failure keeps its traceback) in one transaction."""
    rows = [{"run_id": run_id, "path": e.path, "line": e.line, "error": e.error,
             "message": e.message, "recorded_at": _now(), "traceback": getattr(e, "traceback", None) or None}
            for e in errors]
    with transaction(con):
        n = insert_rows(con, "ingest_errors", rows)
    return n


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, paths: list[str], settings: dict, version: str) -> None:
    con.execute(
        "INSERT INTO runs (run_id, started_at, status, paths, settings, facts_version) VALUES (?, ?, 'running', ?, ?, ?)",
        [run_id, _now(), paths, json.dumps(settings), version])


def mark_dead_runs(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Mark runs still `running` as interrupted, noting when that was seen; return their ids.

    Call only while holding the run lock (runlock.py): then no live process owns such a row,
    its run was killed before it could finish. finished_at stays NULL: when it died is unknown.
    """
    rows = con.execute(
        "UPDATE runs SET status = 'interrupted', interrupted_seen_at = ? WHERE status = 'running' RETURNING run_id",
        [_now()]).fetchall()
    return sorted(r[0] for r in rows)


def finish_run(con: duckdb.DuckDBPyConnection, run_id: str, status: str, counts: dict[str, int],
               rows_written: dict[str, int]) -> None:
    con.execute(
        "UPDATE runs SET finished_at = ?, status = ?, n_new = ?, n_unchanged = ?, n_replaced = ?, "
        "n_rejected = ?, n_failed = ?, rows_written = ? WHERE run_id = ?",
        [_now(), status, counts.get("new", 0), counts.get("unchanged", 0), counts.get("replaced", 0),
         counts.get("rejected", 0), counts.get("failed", 0), json.dumps(rows_written), run_id])


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
        "ORDER BY table_type, table_name").fetchall()]


def sql_error(exc: duckdb.Error) -> QueryError | ReadOnlyViolation:
    """A DuckDB error on user SQL as the domain error, one line: what the read-only, sandboxed
    connection blocks becomes ReadOnlyViolation, the rest QueryError."""
    msg = str(exc)
    first = msg.splitlines()[0] if msg else type(exc).__name__
    if "read-only" in msg or "read only" in msg:
        return ReadOnlyViolation(
            "refused: the database is opened read-only by `facts query`; "
            f"statements that change it are not allowed ({first})")
    if isinstance(exc, duckdb.PermissionException):
        return ReadOnlyViolation(
            "refused: `facts query` reads only this database, not other files, URLs, "
            f"databases or extensions; use `facts export` to write files ({first})")
    if "configuration has been locked" in msg:
        return ReadOnlyViolation(f"refused: `facts query` cannot change DuckDB settings ({first})")
    if isinstance(exc, duckdb.OutOfMemoryException) or "Out of Memory" in msg:
        return QueryError(f"the query needs more memory than its limit ([query] memory_limit; {first})")
    return QueryError(msg)
