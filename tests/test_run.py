"""Batch semantics of `facts run` on the real corpus and real DuckDB files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import CORPUS, invoke, kill_run_after, make_articles, start_run_article_by_article, wait_for_lines
from pipeline.runner import run_batch

TABLES = ("articles", "mentions", "entities", "sections", "quantities", "times", "events")


def snapshot(db, tables=TABLES):
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for t in tables:
            cols = [c for c in (r[0] for r in con.execute(
                f"SELECT column_name FROM information_schema.columns WHERE table_name = '{t}'").fetchall())
                if c not in ("run_id", "ingested_at")]
            out[t] = sorted(con.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def test_corpus_run_stores_articles_and_mentions(corpus_db):
    con = duckdb.connect(str(corpus_db), read_only=True)
    n_articles, n_mentions, n_entities = con.execute(
        "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM mentions), (SELECT count(*) FROM entities)"
    ).fetchall()[0]
    assert n_articles == 5
    assert n_mentions > 300 and n_entities > 100
    # contract: offsets give back the surface, in the clean text exactly
    bad = con.execute("""
        SELECT count(*) FROM mentions m JOIN articles a USING (article_id)
        WHERE substr(a.clean_text, m.start_char + 1, m.end_char - m.start_char) != m.text
    """).fetchall()[0][0]
    assert bad == 0
    # and in the raw text, up to whitespace the cleaner folded or inserted (CJK glued to Latin)
    bad_raw = con.execute("""
        SELECT count(*) FROM mentions m JOIN articles a USING (article_id)
        WHERE regexp_replace(substr(a.raw_text, m.raw_start + 1, m.raw_end - m.raw_start), '\\s+', '', 'g')
           != regexp_replace(m.text, '\\s+', '', 'g')
    """).fetchall()[0][0]
    assert bad_raw == 0
    # article identity is the sha256 of the decoded raw text
    import hashlib
    for aid, raw in con.execute("SELECT article_id, raw_text FROM articles").fetchall():
        assert aid == hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
    assert con.execute("SELECT status FROM runs").fetchall() == [("complete",)]
    con.close()


def test_a_finished_run_leaves_no_lock_file_beside_the_database(corpus_db):
    """The run lock is removed while still held (issue 34: `.lock` files stayed beside every
    database); a second run waiting on an unlinked file opens the path again (runlock.py)."""
    assert not Path(f"{corpus_db}.lock").exists()


def test_rerun_inserts_nothing_and_tables_are_identical(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(CORPUS, corpus)
    db = tmp_path / "f.duckdb"
    first = invoke("run", corpus, "--db", db, "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "5 new, 0 unchanged, 0 replaced, 0 rejected" in first.stdout
    before = snapshot(db)
    second = invoke("run", corpus, "--db", db, "--workers", "1")
    assert second.exit_code == 0
    assert "0 new, 5 unchanged, 0 replaced, 0 rejected" in second.stdout
    assert snapshot(db) == before

    # editing one file replaces exactly that article's rows
    edited = corpus / "001_94624d9e0a2585ee.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nHuawei announced a new Ascend chip in Shenzhen.\n",
                      encoding="utf-8")
    third = invoke("run", corpus, "--db", db, "--workers", "1")
    assert "0 new, 4 unchanged, 1 replaced, 0 rejected" in third.stdout
    after = snapshot(db)
    con = duckdb.connect(str(db), read_only=True)
    paths = con.execute("SELECT path, count(*) FROM articles GROUP BY path").fetchall()
    new_id = con.execute("SELECT article_id FROM articles WHERE path = ?", [str(edited)]).fetchall()[0][0]
    con.close()
    assert len(paths) == 5 and all(n == 1 for _, n in paths)
    old_ids = {r[0] for r in before["articles"]} - {r[0] for r in after["articles"]}
    assert len(old_ids) == 1
    old_id = old_ids.pop()
    for t in ("mentions",):
        # rows of the four untouched articles are exactly as before
        idx = 1  # article_id is the second column of mentions
        keep_before = [r for r in before[t] if r[idx] != old_id]
        keep_after = [r for r in after[t] if r[idx] != new_id]
        assert keep_before == keep_after
        assert not [r for r in after[t] if r[idx] == old_id]
        assert [r for r in after[t] if r[idx] == new_id]


def test_force_reextracts_without_duplicating(tmp_path, settings):
    db = tmp_path / "f.duckdb"
    files = make_articles(tmp_path / "in", 3)
    run_batch(files, db, settings, workers=1)
    before = snapshot(db, ("articles", "mentions"))
    again = run_batch(files, db, settings, workers=1, force=True)
    assert (again.new, again.unchanged) == (3, 0)
    assert snapshot(db, ("articles", "mentions")) == before


def test_workers_give_the_same_tables_as_one_process(tmp_path, settings):
    files = make_articles(tmp_path / "in", 6)
    run_batch(files, tmp_path / "one.duckdb", settings, workers=1)
    run_batch(files, tmp_path / "two.duckdb", settings, workers=2)
    assert snapshot(tmp_path / "one.duckdb") == snapshot(tmp_path / "two.duckdb")


@pytest.mark.slow
def test_sigkill_mid_run_leaves_whole_articles_and_next_run_completes(tmp_path, settings):
    db = tmp_path / "killed.duckdb"
    kill_run_after(tmp_path, 16, db, stored=3)

    con = duckdb.connect(str(db), read_only=True)  # opens (WAL replayed)
    stored = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    orphans = con.execute(
        "SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT article_id FROM articles)").fetchall()[0][0]
    status = con.execute("SELECT status FROM runs").fetchall()
    con.close()
    assert 3 <= stored < 16, stored
    assert orphans == 0
    assert status == [("running",)]  # the killed run never finished

    resumed = run_batch([tmp_path / "in"], db, settings, workers=1)
    assert resumed.unchanged == stored and resumed.new == 16 - stored

    # whole articles: the killed-then-resumed DB equals an uninterrupted one
    reference = tmp_path / "reference.duckdb"
    run_batch([tmp_path / "in"], reference, settings, workers=1)
    assert snapshot(db) == snapshot(reference)


@pytest.mark.slow
def test_second_run_on_a_held_db_fails_at_once(tmp_path, settings):
    db = tmp_path / "held.duckdb"
    first = start_run_article_by_article(tmp_path, 10, db)
    try:
        wait_for_lines(first, ": new", 1)
        second = invoke("run", CORPUS, "--db", db, "--workers", "1")
        assert first.poll() is None  # it failed while the first was still running, without waiting
        assert second.exit_code == 1
        assert "being written by another `facts run`" in second.output
        assert str(db) in second.output
    finally:
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert "10 new, 0 unchanged, 0 replaced, 0 rejected" in out
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM articles").fetchall()[0][0] == 10
    assert con.execute("SELECT count(*) FROM runs").fetchall()[0][0] == 1
    con.close()


def test_query_while_another_process_writes_names_the_problem(tmp_path, corpus_db):
    import subprocess
    import sys

    db = tmp_path / "copy.duckdb"
    shutil.copy(corpus_db, db)
    holder = subprocess.Popen([sys.executable, "-c",
                               "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)",
                               str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = invoke("query", "SELECT count(*) FROM articles", "--db", db)
        assert result.exit_code == 1
        assert f"{db} is in use by another process" in result.output
        assert "Traceback" not in result.output
    finally:
        holder.kill()
        holder.wait()
    assert invoke("query", "SELECT count(*) AS n FROM articles", "--db", db, "--format", "csv").stdout == "n\n5\n"


def test_the_writer_does_not_import_the_extraction_libraries():
    """With workers, only the worker processes need spaCy, lingua and trafilatura; the writer
    imports the CLI, the runner and reconciliation without them (a second less of start-up)."""
    import subprocess
    import sys

    code = ("import sys, pipeline.cli, pipeline.runner, pipeline.reconcile, pipeline.engine; "
            "print(sorted(m for m in ('spacy', 'lingua', 'trafilatura') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out
