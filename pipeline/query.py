"""`facts query`: read-only SQL and output formatting."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from .errors import QueryError, ReadOnlyViolation
from .store import store

MAX_COL_WIDTH = 60  # table output: longer cells are cut with an ellipsis

# Statements that reach beyond the database. The sandboxed connection already fails them (no
# external access); refusing them by parsed type also covers what DuckDB still allows without
# external access: attaching this same file again, or COPY into its `.tmp` folder.
REFUSED_STATEMENTS = {
    duckdb.StatementType.ATTACH: "ATTACH", duckdb.StatementType.DETACH: "DETACH",
    duckdb.StatementType.COPY: "COPY", duckdb.StatementType.COPY_DATABASE: "COPY FROM DATABASE",
    duckdb.StatementType.EXPORT: "EXPORT DATABASE", duckdb.StatementType.LOAD: "INSTALL/LOAD",
}


def run_query(db_path: str | Path, sql: str) -> pd.DataFrame | None:
    """Run user SQL read-only, with no access to other files, databases or settings."""
    con = store.connect(db_path, read_only=True, sandbox=True)
    try:
        refuse_outside_statements(con, sql)
        return store.run_sql(con, sql)
    finally:
        con.close()


def refuse_outside_statements(con, sql: str) -> None:
    """Refuse, by parsed statement type, what reaches beyond this database."""
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(str(exc)) from None
    for st in statements:
        if st.type in REFUSED_STATEMENTS:
            raise ReadOnlyViolation(
                f"refused: {REFUSED_STATEMENTS[st.type]} is not allowed in `facts query`, which reads only "
                "this database (use `facts export` to write files)")


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, pd.Timestamp) and v == v.normalize():
        return v.date().isoformat()  # DATE columns come back as midnight timestamps
    if hasattr(v, "tolist"):  # lists come back as numpy arrays
        v = v.tolist()
    s = (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else str(v)).replace("\n", " ")
    return s if len(s) <= MAX_COL_WIDTH else s[: MAX_COL_WIDTH - 1] + "…"


def format_frame(frame: pd.DataFrame | None, fmt: str) -> str:
    if frame is None:
        return ""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt in ("json", "jsonl"):
        records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
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
