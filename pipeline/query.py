"""`facts query`: read-only SQL and output formatting."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from .config import QuerySettings, load_settings
from .errors import QueryError, QueryTimeout, ReadOnlyViolation
from .store import store

MAX_COL_WIDTH = 60  # table output: longer cells are cut with an ellipsis

ALLOWED = "a single SELECT (or WITH ... SELECT, FROM ..., VALUES, DESCRIBE, SHOW, SUMMARIZE)"


def run_query(db_path: str | Path, sql: str, limits: QuerySettings | None = None,
              timeout: float | None = None) -> pd.DataFrame | None:
    """Run user SQL read-only, with no access to other files, databases or settings."""
    return run_sandboxed(db_path, sql, lambda rel: rel.df(), limits, timeout)


def run_sandboxed(db_path: str | Path, sql: str, fetch: Callable, limits: QuerySettings | None = None,
                  timeout: float | None = None):
    """The one way user SQL runs: an allow-listed statement on a sandboxed read-only connection
    with DuckDB's memory and spill limits, stopped after `timeout` seconds or on Ctrl-C.

    The statement runs on a helper thread so this one can interrupt it: a long DuckDB call holds
    the main thread in C, where neither a timer nor Ctrl-C reaches it."""
    limits = limits or load_settings().query
    seconds = limits.timeout_seconds if timeout is None else timeout
    database = store.Store(db_path, read_only=True, sandbox=True, limits=limits)
    con = database.con
    try:
        allow_only_select(con, sql)
        done: dict[str, object] = {}

        def work() -> None:
            try:
                rel = con.sql(sql)
                done["value"] = fetch(rel) if rel is not None else None
            except BaseException as exc:  # handed to the caller's thread, raised there
                done["error"] = exc

        worker = threading.Thread(target=work, name="facts-query", daemon=True)
        worker.start()
        deadline = time.monotonic() + seconds if seconds and seconds > 0 else None
        try:
            while worker.is_alive():
                worker.join(0.05)
                if deadline is not None and time.monotonic() > deadline and worker.is_alive():
                    _stop(con, worker)
                    raise QueryTimeout(f"the query ran longer than {seconds:g} s and was stopped (raise the limit "
                                       "with `facts query --timeout SECONDS`, or [query] timeout_seconds)")
        except KeyboardInterrupt:
            _stop(con, worker)
            raise
        error = done.get("error")
        if isinstance(error, duckdb.Error):
            raise store.sql_error(error) from None
        if error is not None:
            raise error
        return done.get("value")
    finally:
        try:
            database.close()
        except duckdb.Error:  # still finishing the interrupted statement: it is closed with the process
            pass


def read_sql_file(path: str | Path, max_bytes: int) -> str:
    """The SQL of a file: at most `max_bytes` read (a device or a huge file never hangs us), UTF-8."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise QueryError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise QueryError(f"{path}: longer than {max_bytes:,} bytes, the most SQL read ([query] max_sql_bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _stop(con, worker: threading.Thread) -> None:
    """Interrupt the running statement until its thread ends (an interrupt that lands between
    two of DuckDB's executions of one query is lost, so it is repeated)."""
    end = time.monotonic() + 30
    while worker.is_alive() and time.monotonic() < end:
        con.interrupt()
        worker.join(0.1)


def allow_only_select(con, sql: str) -> None:
    """Refuse, by parsed statement type, everything but one reading statement: an allow-list, so
    a statement DuckDB adds later is refused until someone decides it is safe."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc).splitlines()[0]) from None
    if len(statements) != 1:
        raise ReadOnlyViolation(f"refused: `facts query` runs one statement at a time ({len(statements)} given): "
                                f"{ALLOWED}")
    try:
        kind = statements[0].type
    except ValueError:  # a statement type this duckdb's Python API cannot even name
        raise ReadOnlyViolation(f"refused: `facts query` runs only {ALLOWED}") from None
    if kind != duckdb.StatementType.SELECT:
        raise ReadOnlyViolation(f"refused: {kind.name} is not allowed: `facts query` opens the database read-only "
                                f"and runs only {ALLOWED} (use `facts export` to write files)")


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, pd.Timestamp) and v == v.normalize():
        return v.date().isoformat()  # DATE columns come back as midnight timestamps
    if hasattr(v, "tolist"):  # lists come back as numpy arrays
        v = v.tolist()
    s = (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else str(v)).replace("\n", " ")
    return s if len(s) <= MAX_COL_WIDTH else s[: MAX_COL_WIDTH - 1] + "…"


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """DATE columns come back as midnight timestamps: written as YYYY-MM-DD, as the database
    holds them, not "2026-11-14T00:00:00.000"; other timestamps to the second."""
    out = frame
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            values = frame[col].dropna()
            midnight = bool(len(values)) and bool((values == values.dt.normalize()).all())
            text = frame[col].dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S")
            out = out.assign(**{col: text.where(frame[col].notna(), None)})
    return out


def format_frame(frame: pd.DataFrame | None, fmt: str) -> str:
    if frame is None:
        return ""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt in ("json", "jsonl"):
        records = json.loads(_dates_as_text(frame).to_json(orient="records", date_format="iso", force_ascii=False))
        if fmt == "json":
            return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    cols = [str(c) for c in frame.columns]
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(cols)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]

    def line(cells):
        return "  ".join(c.rjust(w) if num else c.ljust(w)
                         for c, w, num in zip(cells, widths, numeric)).rstrip()

    out = [line(cols), "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"
