"""Hardening: `facts query` touches no other file, killed runs are marked, exports are whole or absent.

Real DuckDB files, the real CLI, real subprocesses killed with SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from conftest import FACTS, ROOT, invoke, kill_run_after
from pipeline.errors import ReadOnlyViolation
from pipeline.query import run_query
from pipeline.runner import run_batch
from pipeline.store import store


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder with its hash: what a statement must leave as it was."""
    return {str(p.relative_to(folder)): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def sandbox(tmp_path, corpus_db):
    """A copy of the corpus db, another db with rows, and a csv and a parquet file beside them."""
    db = tmp_path / "facts.duckdb"
    shutil.copy(corpus_db, db)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE articles AS SELECT range AS id FROM range(3)")
    con.execute(f"COPY articles TO '{tmp_path / 'data.parquet'}' (FORMAT parquet)")
    con.close()
    (tmp_path / "data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return tmp_path, db


HOSTILE = [
    "ATTACH '{dir}/other.duckdb' AS o (READ_WRITE); DELETE FROM o.articles",
    "ATTACH '{dir}/other.duckdb' AS o",
    "ATTACH '{dir}/new.duckdb' AS n",
    "ATTACH '{dir}/facts.duckdb' AS again",  # the same file: DuckDB alone would allow this one
    "COPY articles TO '{dir}/out.csv'",
    "COPY (SELECT 1) TO '{dir}/facts.duckdb.tmp/x.csv'",
    "EXPORT DATABASE '{dir}/dump'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "FROM '{dir}/data.parquet'",
    "FROM '{dir}/data.csv'",
    "SELECT count(*) FROM glob('{dir}/*')",
    "SET enable_external_access = true",
    "RESET lock_configuration",
    "INSTALL httpfs",
    "LOAD parquet",
    # issue 33: the statement filter saw EXPLAIN / PREPARE / EXECUTE and let these write files
    "EXPLAIN ANALYZE COPY (SELECT * FROM articles) TO '{dir}/facts.duckdb.tmp/leak.csv'",
    "PREPARE p AS COPY articles TO '{dir}/facts.duckdb.tmp/x.csv'; EXECUTE p",
    "CREATE TEMP TABLE t AS SELECT 1", "CREATE TEMP VIEW v AS SELECT 1", "CREATE TEMP MACRO m(x) AS x",
    "CREATE TEMP SEQUENCE s", "UPDATE EXTENSIONS", "CALL pragma_version()", "SET threads = 1",
    "SELECT 1; SELECT 2",
]


@pytest.mark.parametrize("sql", HOSTILE)
def test_query_cannot_reach_other_files_or_databases(sandbox, sql):
    folder, db = sandbox
    before = tree(folder)
    result = invoke("query", sql.format(dir=folder), "--db", db)
    assert result.exit_code == 1
    assert result.output.startswith("Error: refused:") and result.output.count("\n") == 1, result.output
    assert tree(folder) == before  # nothing written, created or emptied
    con = duckdb.connect(str(folder / "other.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchall() == [(3,)]
    con.close()


@pytest.mark.parametrize("sql", [
    "ATTACH '{dir}/other.duckdb' AS o (READ_WRITE)", "ATTACH '{dir}/new.duckdb' AS n",
    "COPY articles TO '{dir}/out.csv'", "EXPORT DATABASE '{dir}/dump'",
])
def test_the_sandboxed_connection_alone_blocks_files(sandbox, sql):
    """DuckDB's own settings refuse these even without run_query's statement check."""
    folder, db = sandbox
    before = tree(folder)
    con = store.connect(db, read_only=True, sandbox=True)
    try:
        with pytest.raises(ReadOnlyViolation):
            try:
                con.sql(sql.format(dir=folder))
            except duckdb.Error as exc:
                raise store.sql_error(exc) from None
        assert con.execute("SELECT current_setting('enable_external_access'), "
                           "current_setting('lock_configuration')").fetchall() == [(False, True)]
    finally:
        con.close()
    assert tree(folder) == before


@pytest.mark.parametrize("sql", [
    "SELECT count(*) AS n FROM articles", "SELECT * FROM v_timeline LIMIT 3", "SELECT * FROM v_facts LIMIT 3",
    "SELECT * FROM v_conflicts", "DESCRIBE articles", "SHOW TABLES", "SUMMARIZE entities",
    "SELECT strftime(max(ingested_at), '%Y') FROM articles",
])
def test_query_still_reads_tables_and_views(sandbox, sql):
    folder, db = sandbox
    result = invoke("query", sql, "--db", db, "--format", "csv")
    assert result.exit_code == 0, result.output
    # a header and rows; v_conflicts may be empty on the corpus (its one conflict, the translations'
    # Intel loss, is an xfail of the learned conflict model: tests/test_reconcile.py)
    assert len(result.stdout.splitlines()) >= (1 if "v_conflicts" in sql else 2)
    assert result.stdout.split(",")[0].strip()


def test_run_query_raises_the_domain_error(sandbox):
    folder, db = sandbox
    with pytest.raises(ReadOnlyViolation, match="ATTACH"):
        run_query(db, f"ATTACH '{folder}/other.duckdb' AS o")
    assert run_query(db, "SELECT count(*) AS n FROM articles")["n"].tolist() == [5]


def test_a_query_past_its_time_limit_is_stopped_with_one_line(sandbox):
    folder, db = sandbox
    t0 = time.monotonic()
    result = invoke("query", "SELECT count(*) FROM range(100000000000) a, range(100000) b", "--db", db,
                    "--timeout", "1")
    assert result.exit_code == 1
    assert result.output.startswith("Error: the query ran longer than 1 s") and result.output.count("\n") == 1
    assert time.monotonic() - t0 < 60  # stopped, not run to the end (hours)


def test_a_query_over_its_memory_limit_fails_with_one_line(sandbox):
    folder, db = sandbox
    cfg = folder / "small.toml"
    cfg.write_text('[query]\nmemory_limit = "20MB"\nmax_temp_size = "0KB"\n', encoding="utf-8")
    result = invoke("query", "SELECT list(range) FROM range(50000000)", "--db", db, "--config", cfg)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output
    assert "memory" in result.output


@pytest.mark.parametrize("content, message", [
    (None, "longer than"),  # /dev/zero: endless
    (b"SELECT '\xff\xfe'", "not UTF-8 text"),
])
def test_a_sql_file_that_cannot_be_sql_is_one_line(sandbox, content, message):
    folder, db = sandbox
    path = Path("/dev/zero") if content is None else folder / "q.sql"
    if content is not None:
        path.write_bytes(content)
    result = invoke("query", "--file", path, "--db", db)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: {message}") and result.output.count("\n") == 1, result.output


# --- killed runs ---------------------------------------------------------------------------

def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)  # as the runs table stores it


@pytest.mark.slow
def test_a_killed_run_is_marked_interrupted_by_the_next_run(tmp_path, settings):
    db = tmp_path / "killed.duckdb"
    kill_run_after(tmp_path, 12, db, stored=2)
    con = duckdb.connect(str(db), read_only=True)
    [(killed_id, status)] = con.execute("SELECT run_id, status FROM runs").fetchall()
    con.close()
    assert status == "running"

    before = _utcnow()
    resumed = run_batch([tmp_path / "in"], db, settings, workers=1)
    assert resumed.status == "complete"

    con = duckdb.connect(str(db), read_only=True)
    rows = dict((r[0], r[1:]) for r in con.execute(
        "SELECT run_id, status, interrupted_seen_at, finished_at FROM runs").fetchall())
    con.close()
    status, seen_at, finished_at = rows[killed_id]
    assert status == "interrupted" and finished_at is None  # when it died is unknown
    assert before <= seen_at <= _utcnow()
    assert rows[resumed.run_id][0] == "complete" and rows[resumed.run_id][1] is None


def _as_version_1(db: Path) -> None:
    """Turn a fresh db into what the previous schema wrote: no interrupted_seen_at, version 1."""
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE runs DROP COLUMN interrupted_seen_at")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('dead', now()::TIMESTAMP, 'running')")
    con.execute("CHECKPOINT")
    con.close()


def test_a_version_1_database_opens_and_is_upgraded(tmp_path, corpus_db, settings):
    db = tmp_path / "v1.duckdb"
    shutil.copy(corpus_db, db)
    _as_version_1(db)
    # read-only commands open it as it is
    assert invoke("query", "SELECT status FROM runs WHERE run_id = 'dead'", "--db", db,
                  "--format", "csv").stdout == "status\nrunning\n"
    assert invoke("stats", "--db", db).exit_code == 0
    # the next run adds the column, marks the dead run and records itself
    summary = run_batch([], db, settings, workers=1)
    con = duckdb.connect(str(db), read_only=True)
    assert store.stored_version(con) == store.SCHEMA_VERSION
    runs = dict((r[0], r[1:]) for r in con.execute("SELECT run_id, status, interrupted_seen_at FROM runs").fetchall())
    con.close()
    assert runs["dead"][0] == "interrupted" and runs["dead"][1] is not None
    assert runs[summary.run_id] == ("complete", None)


# --- exports -------------------------------------------------------------------------------

def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_a_normal_export_leaves_whole_files_and_no_temp(corpus_db, tmp_path):
    out = tmp_path / "export"
    assert invoke("export", "--table", "all", "--format", "parquet", "--out", out, "--db", corpus_db).exit_code == 0
    assert _leftovers(out) == []
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{out / 'articles.parquet'}'").fetchall() == [(5,)]
    # --overwrite replaces in place, still through a temp file
    again = invoke("export", "--table", "entities", "--format", "csv", "--out", out, "--db", corpus_db, "--overwrite")
    assert again.exit_code == 0 and _leftovers(out) == []


def _db_with_view(src: Path, dest: Path, view: str) -> Path:
    shutil.copy(src, dest)
    con = duckdb.connect(str(dest))
    con.execute(view)
    con.execute("CHECKPOINT")
    con.close()
    return dest


def test_a_failing_export_leaves_neither_target_nor_temp(corpus_db, tmp_path):
    """The COPY fails part-way: DuckDB drops its own output then, and the temp file goes too."""
    db = _db_with_view(corpus_db, tmp_path / "bad.duckdb",
                       "CREATE VIEW v_bad AS SELECT i, CASE WHEN i = 900000 THEN error('boom') END AS e "
                       "FROM range(1000000) t(i)")
    out = tmp_path / "export"
    result = invoke("export", "--table", "v_bad", "--format", "csv", "--out", out, "--db", db)
    assert result.exit_code == 1 and result.output.startswith("Error: ") and "boom" in result.output
    assert result.output.count("\n") == 1
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_a_killed_export_never_leaves_a_target_that_looks_complete(corpus_db, tmp_path):
    """SIGKILL while COPY writes: the target is absent, the leftover is a hidden temp file,
    and the next export of that table removes it and writes the whole file."""
    db = _db_with_view(corpus_db, tmp_path / "slow.duckdb",
                       "CREATE TABLE knob AS SELECT 50000000 AS n; "
                       "CREATE VIEW v_slow AS SELECT i, md5(i::VARCHAR) AS h FROM range((SELECT n FROM knob)) t(i)")
    out = tmp_path / "export"
    out.mkdir()
    proc = subprocess.Popen([*FACTS, "export", "--table", "v_slow", "--format", "csv", "--out", str(out),
                             "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _leftovers(out) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "the export ended before it could be killed"
        [temp] = _leftovers(out)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert temp == f".v_slow.csv.tmp-{proc.pid}" and (out / temp).exists()
    assert not (out / "v_slow.csv").exists()

    con = duckdb.connect(str(db))
    con.execute("UPDATE knob SET n = 1000")
    con.close()
    result = invoke("export", "--table", "v_slow", "--format", "csv", "--out", out, "--db", db)
    assert result.exit_code == 0, result.output
    assert _leftovers(out) == []
    assert len((out / "v_slow.csv").read_text().splitlines()) == 1 + 1000


def test_an_export_removes_stale_temps_but_not_a_live_exports(corpus_db, tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = out / f".entities.csv.tmp-{dead.pid}"
    stale.write_text("partial")
    writer = subprocess.Popen(["sleep", "60"])  # stands for another export still writing
    try:
        live = out / f".entities.csv.tmp-{writer.pid}"
        live.write_text("partial")
        assert invoke("export", "--table", "entities", "--format", "csv", "--out", out, "--db", corpus_db).exit_code == 0
        assert not stale.exists() and live.read_text() == "partial"
    finally:
        writer.kill()
        writer.wait()
    con = duckdb.connect(str(corpus_db), read_only=True)
    [(n,)] = con.execute("SELECT count(*) FROM entities").fetchall()
    con.close()
    assert len((out / "entities.csv").read_text().splitlines()) == 1 + n


@pytest.mark.slow
def test_ctrl_c_stops_a_running_query(sandbox):
    """DuckDB holds the main thread in C while it runs; the query runs on a helper thread so the
    interrupt reaches it."""
    folder, db = sandbox
    proc = subprocess.Popen([*FACTS, "query", "SELECT count(*) FROM range(100000000000) a, range(100000) b",
                             "--db", str(db), "--timeout", "600"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(4)  # started and running
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("Ctrl-C did not stop the query")
    assert proc.returncode == 130 and "Interrupted: the query was stopped." in err and "Traceback" not in err
