"""The served view: a SQLite copy of the facts database that datasette reads.

Why a copy: datasette reads SQLite, and a process holding the DuckDB file open would
block `facts run` from writing it. The copy is refreshed from a short read-only look at
the DuckDB file, and only where content changed: every served table is cut into parts
(an article's rows, a story's facts) whose digest, computed in DuckDB, is kept beside
the copy; a part whose digest moved is deleted and copied again. Each refresh is one
SQLite transaction, so a reader sees the old view or the new one, never half of each,
and a refresh that dies leaves the old view in place.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from ..store import store

BATCH_ROWS = 20_000  # rows fetched from DuckDB and inserted per call
FULL_COPY_SHARE = 0.5  # past this share of a table's parts changed, the table is copied whole


@dataclass(frozen=True)
class Table:
    """One served table: the DuckDB query that fills it and how datasette should link it."""

    name: str
    select: str  # DuckDB SELECT giving the served columns
    key: str | None = None  # SQLite PRIMARY KEY: datasette gives each row its page
    part: str | None = None  # column whose value groups rows refreshed together; None: the table is one part
    refs: dict[str, str] = field(default_factory=dict)  # column -> table whose key it holds
    indexes: tuple[str, ...] = ()  # further columns to index (what datasette filters and counts on)


_QUOTE_ARTICLE = ("(SELECT min(s.article_id) FROM fact_sources s WHERE s.fact_id = c.fact_id_{x} "
                  "AND s.quote = c.quote_{x})")

# In the order a reader opens them: a view built from nothing shows these first (refresh stepwise).
TABLES: tuple[Table, ...] = (
    Table("stories", "SELECT * FROM stories", key="story_id"),
    Table("story_articles", "SELECT * FROM story_articles", refs={"story_id": "stories", "article_id": "articles"}),
    # a conflict says what it is about and which article each quote is read from
    Table("conflicts",
          "SELECT c.*, fa.story_id, fa.subject_entity_id, fa.measure, fa.time_scope, "
          f"{_QUOTE_ARTICLE.format(x='a')} AS article_a, {_QUOTE_ARTICLE.format(x='b')} AS article_b "
          "FROM conflicts c LEFT JOIN facts fa ON fa.fact_id = c.fact_id_a",
          key="conflict_id", part="story_id",
          refs={"fact_id_a": "facts", "fact_id_b": "facts", "story_id": "stories", "subject_entity_id": "entities",
                "article_a": "articles", "article_b": "articles"}),
    Table("facts", "SELECT * FROM facts", key="fact_id", part="story_id",
          refs={"subject_entity_id": "entities", "story_id": "stories"}),
    # a source says its fact's story, so a story's page links its quotes too
    Table("fact_sources", "SELECT fs.*, f.story_id FROM fact_sources fs LEFT JOIN facts f USING (fact_id)",
          part="story_id", refs={"fact_id": "facts", "article_id": "articles", "story_id": "stories"}),
    Table("entities", "SELECT * FROM entities", key="entity_id"),
    Table("articles", "SELECT * EXCLUDE (raw_text) FROM articles", key="article_id", part="article_id"),
    Table("article_links", "SELECT * FROM article_links",
          refs={"article_id_a": "articles", "article_id_b": "articles"}),
    Table("ingest_errors", "SELECT * EXCLUDE (traceback) FROM ingest_errors", indexes=("error",)),
    Table("events", "SELECT * FROM events", key="event_id", part="article_id", refs={"article_id": "articles"}),
    Table("times", "SELECT * FROM times", key="time_id", part="article_id", refs={"article_id": "articles"}),
    Table("quantities", "SELECT * FROM quantities", key="quantity_id", part="article_id",
          refs={"article_id": "articles", "subject_entity_id": "entities"}),
    Table("sections", "SELECT * FROM sections", key="section_id", part="article_id",
          refs={"article_id": "articles"}),
    Table("entity_links", "SELECT * FROM entity_links", part="article_id",
          refs={"article_id": "articles", "entity_id": "entities"}),
    Table("mentions", "SELECT * FROM mentions", key="mention_id", part="article_id",
          refs={"article_id": "articles", "entity_id": "entities"}),
)

_SQLITE_TYPES = {"INTEGER": "INTEGER", "BIGINT": "INTEGER", "SMALLINT": "INTEGER", "TINYINT": "INTEGER",
                 "BOOLEAN": "INTEGER", "DOUBLE": "REAL", "FLOAT": "REAL", "DECIMAL": "REAL"}


def view_path_for(db_path: str | Path) -> Path:
    """Where the served view of a database lives by default: beside it, NAME.served.sqlite."""
    db = Path(db_path)
    return db.with_name(db.stem + ".served.sqlite")


def source_fingerprint(db_path: str | Path) -> str:
    """Size and modification time of the DuckDB file and its WAL: cheap, and moves on every commit."""
    parts = []
    for p in (Path(db_path), Path(str(db_path) + ".wal")):
        try:
            st = p.stat()
            parts.append(f"{st.st_size}:{st.st_mtime_ns}")
        except FileNotFoundError:
            parts.append("-")
    return "|".join(parts)


@dataclass
class Refreshed:
    """What one refresh did: rows copied per table (tables left as they were are absent)."""

    copied: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    rebuilt: bool = False  # the copy was made from nothing (first time, or the view's shape changed)


def _columns(con: duckdb.DuckDBPyConnection, table: Table) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table.select}").fetchall()]


def _as_sqlite(name: str, duck_type: str) -> str:
    """The DuckDB expression that gives a column as SQLite stores it (lists and JSON as JSON text)."""
    col = f'"{name}"'
    if duck_type.endswith("]") or duck_type.startswith(("STRUCT", "MAP", "JSON")):
        return f"to_json({col})::VARCHAR"
    if duck_type == "DATE":
        return f"strftime({col}, '%Y-%m-%d')"
    if duck_type.startswith("TIMESTAMP"):
        return f"strftime({col}, '%Y-%m-%d %H:%M:%S')"
    if duck_type == "BOOLEAN":
        return f"{col}::INTEGER"
    return col


def _ddl(table: Table, columns: list[tuple[str, str]]) -> list[str]:
    return [_create_table(table, columns), *_create_indexes(table)]


def _create_table(table: Table, columns: list[tuple[str, str]]) -> str:
    cols = []
    for name, duck_type in columns:
        sqlite_type = _SQLITE_TYPES.get(duck_type.split("(")[0], "TEXT")
        cols.append(f'"{name}" {sqlite_type}' + (" PRIMARY KEY" if name == table.key else ""))
    cols += [f'FOREIGN KEY ("{c}") REFERENCES "{t}"("{_key_of(t)}")' for c, t in table.refs.items()]
    return f'CREATE TABLE "{table.name}" ({", ".join(cols)})'


def _create_indexes(table: Table) -> list[str]:
    """Indexes on what datasette filters and counts by (built after a whole copy: faster than during)."""
    cols = dict.fromkeys([*([table.part] if table.part and table.part != table.key else []),
                          *table.refs, *table.indexes])
    return [f'CREATE INDEX IF NOT EXISTS "idx_{table.name}_{c}" ON "{table.name}"("{c}")' for c in cols]


def _key_of(name: str) -> str:
    return next(t.key for t in TABLES if t.name == name)


def _part_expr(table: Table) -> str:
    return f"coalesce(CAST(\"{table.part}\" AS VARCHAR), '')" if table.part else "''"


def _digests(con: duckdb.DuckDBPyConnection, table: Table, columns: list[tuple[str, str]]) -> dict[str, str]:
    """Part -> digest of its rows (count and the sum of row hashes: order-free, duplicates count)."""
    row_hash = "hash(" + ", ".join(f'"{n}"' for n, _ in columns) + ")"
    rows = con.execute(f"SELECT {_part_expr(table)} AS p, count(*) || ':' || sum({row_hash}::HUGEINT) "
                       f"FROM ({table.select}) GROUP BY p").fetchall()
    return dict(rows)


def _rows(con: duckdb.DuckDBPyConnection, table: Table, columns: list[tuple[str, str]],
          parts: list[str] | None) -> Iterator[list[tuple]]:
    select = ", ".join(_as_sqlite(n, t) for n, t in columns)
    sql = f"SELECT {select} FROM ({table.select})"
    params: list = []
    if parts is not None:
        sql += f" WHERE {_part_expr(table)} IN (SELECT unnest(?::VARCHAR[]))"
        params = [parts]
    if table.key:  # in key order, SQLite appends to its primary-key tree instead of inserting all over it
        sql += f' ORDER BY "{table.key}"'

    cur = con.execute(sql, params)
    while batch := cur.fetchmany(BATCH_ROWS):
        yield batch


def _shape(columns_by_table: dict[str, list[tuple[str, str]]]) -> str:
    """A digest of the served tables' DDL: a view of another shape is built again from nothing."""
    text = "\n".join(s for t in TABLES for s in _ddl(t, columns_by_table[t.name]))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _open_view(path: Path) -> sqlite3.Connection:
    view = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    view.execute("PRAGMA journal_mode = WAL")  # readers keep reading the old view while a refresh writes
    view.execute("PRAGMA synchronous = NORMAL")
    return view


def _stored_state(view: sqlite3.Connection) -> dict[str, str]:
    try:
        return dict(view.execute("SELECT key, value FROM _facts_view").fetchall())
    except sqlite3.DatabaseError:  # no view made yet, or a file that is not one (refresh says so)
        return {}


def refresh(db_path: str | Path, view_path: str | Path,
            progress: Callable[[str], None] | None = None, stepwise: bool = False) -> Refreshed:
    """Bring the view at view_path up to date with the database at db_path.

    A refresh of an existing view is one transaction. With stepwise=True a view built from
    nothing is committed table by table instead, in TABLES' order (what a reader opens first),
    so a server can show what is copied while the rest comes; `building` in `_facts_view` says
    how far, and a build cut short is finished by the next refresh (the parts copied are kept).
    Raises DatabaseLocked when a run holds the database (the caller tries again later)."""
    t0 = time.perf_counter()
    view_path = Path(view_path)
    fingerprint = source_fingerprint(db_path)
    with store.Store(db_path, read_only=True) as database:
        con = database.con
        con.execute("BEGIN TRANSACTION")  # one snapshot of the database for every table read
        columns = {t.name: _columns(con, t) for t in TABLES}
        shape = _shape(columns)
        view = _open_view(view_path)
        try:
            state = _stored_state(view)
            rebuild = state.get("shape") != shape
            done = Refreshed(rebuilt=rebuild)
            view.execute("BEGIN IMMEDIATE")
            try:
                if rebuild:
                    _create(view, columns, shape)
                for i, table in enumerate(TABLES):
                    if stepwise and rebuild:  # what is copied so far becomes visible
                        view.execute("INSERT OR REPLACE INTO _facts_view VALUES ('building', ?)",
                                     [f"{i} of {len(TABLES)} tables copied, {table.name} next"])
                        view.execute("COMMIT")
                        view.execute("BEGIN IMMEDIATE")
                    n = _refresh_table(con, view, table, columns[table.name], progress)
                    if n is not None:
                        done.copied[table.name] = n
                view.execute("DELETE FROM _facts_view WHERE key = 'building'")
                view.executemany("INSERT OR REPLACE INTO _facts_view VALUES (?, ?)",
                                 [("source", str(Path(db_path).resolve())), ("fingerprint", fingerprint),
                                  ("refreshed_at", time.strftime("%Y-%m-%d %H:%M:%S"))])
                view.execute("COMMIT")
            except BaseException:
                view.execute("ROLLBACK")
                raise
        finally:
            view.close()
    done.seconds = time.perf_counter() - t0
    return done


def stored_state(view_path: str | Path) -> dict[str, str]:
    """What a view says of itself: its shape, source, the source's fingerprint, when refreshed."""
    if not Path(view_path).exists():
        return {}
    view = sqlite3.connect(f"file:{view_path}?mode=ro", uri=True)
    try:
        return _stored_state(view)
    finally:
        view.close()


def is_current(db_path: str | Path, view_path: str | Path) -> bool:
    """Whether the view was made from the database as it is now (by the files' fingerprint)."""
    return stored_state(view_path).get("fingerprint") == source_fingerprint(db_path)


def _create(view: sqlite3.Connection, columns: dict[str, list[tuple[str, str]]], shape: str) -> None:
    names = [r[0] for r in view.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%'").fetchall()]
    for name in names:
        view.execute(f'DROP TABLE "{name}"')
    view.execute("CREATE TABLE _facts_view (key TEXT PRIMARY KEY, value TEXT)")
    view.execute("CREATE TABLE _facts_view_parts (tbl TEXT, part TEXT, digest TEXT, PRIMARY KEY (tbl, part))")
    view.execute("INSERT INTO _facts_view VALUES ('shape', ?)", [shape])
    for table in TABLES:
        view.execute(_create_table(table, columns[table.name]))


def _refresh_table(con: duckdb.DuckDBPyConnection, view: sqlite3.Connection, table: Table,
                   columns: list[tuple[str, str]], progress: Callable[[str], None] | None) -> int | None:
    """Copy the parts of one table whose digest moved; returns rows copied, None if none moved."""
    new = _digests(con, table, columns)
    old = dict(view.execute("SELECT part, digest FROM _facts_view_parts WHERE tbl = ?", [table.name]).fetchall())
    changed = [p for p, d in new.items() if old.get(p) != d]
    gone = [p for p in old if p not in new]
    if not changed and not gone:
        return None
    whole = table.part is None or len(changed) + len(gone) > FULL_COPY_SHARE * max(len(new), 1)
    t0 = time.perf_counter()
    if whole:
        for (index,) in view.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                     "AND name LIKE 'idx_%'", [table.name]).fetchall():
            view.execute(f'DROP INDEX "{index}"')
        view.execute(f'DELETE FROM "{table.name}"')
        view.execute("DELETE FROM _facts_view_parts WHERE tbl = ?", [table.name])
    else:
        view.execute("CREATE TEMP TABLE IF NOT EXISTS _parts (part TEXT PRIMARY KEY)")
        view.execute("DELETE FROM temp._parts")
        view.executemany("INSERT INTO temp._parts VALUES (?)", [(p,) for p in changed + gone])
        view.execute(f'DELETE FROM "{table.name}" WHERE "{table.part}" IN (SELECT part FROM temp._parts)')
        if "" in changed or "" in gone:
            view.execute(f'DELETE FROM "{table.name}" WHERE "{table.part}" IS NULL')
        view.execute("DELETE FROM _facts_view_parts WHERE tbl = ? AND part IN (SELECT part FROM temp._parts)",
                     [table.name])
    insert = f'INSERT INTO "{table.name}" VALUES ({", ".join("?" * len(columns))})'
    copied = 0
    for batch in _rows(con, table, columns, None if whole else changed):
        view.executemany(insert, batch)
        copied += len(batch)
    for stmt in _create_indexes(table):
        view.execute(stmt)
    view.executemany("INSERT INTO _facts_view_parts VALUES (?, ?, ?)",
                     [(table.name, p, d) for p, d in (new.items() if whole else ((p, new[p]) for p in changed))])
    if progress:
        progress(f"{table.name}: {copied:,} rows ({'all' if whole else len(changed) + len(gone)} of "
                 f"{len(new):,} parts) in {time.perf_counter() - t0:.1f} s")
    return copied


def remove(view_path: str | Path) -> None:
    """Delete a view and its SQLite side files."""
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(str(view_path) + suffix)
        except FileNotFoundError:
            pass
