"""Incremental reconciliation (issue 22), real spaCy and real DuckDB files: the report sets
(tests/fixtures/report_sets.jsonl, 39 invented articles in 14 stories) in 1, 3 and 10 batches
give the same tables, ids included (entity links and corpus entity ids too); a batch redoes only the regions it touches; an unchanged
corpus redoes nothing; a SIGKILL inside the reconciling transaction leaves the state before the
batch, and the next run completes it."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT, invoke

ARTICLES = ROOT / "tests" / "fixtures" / "report_sets.jsonl"
TABLES = ("facts", "fact_sources", "conflicts", "article_links", "stories", "story_articles",
          "entity_links", "entities")


def batches(folder: Path, n: int) -> list[Path]:
    """The report sets dealt into n files (article i goes to batch i mod n: every story is split)."""
    lines = ARTICLES.read_text(encoding="utf-8").splitlines()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"batch_{i:02d}.jsonl"
        path.write_text("\n".join(lines[i::n]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def run(db: Path, *paths: Path):
    result = invoke("run", *paths, "--db", db, "--workers", "1")
    assert result.exit_code == 0, result.output
    return result


def tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in TABLES}
        got["mentions"] = sorted(con.execute("SELECT mention_id, entity_id FROM mentions").fetchall())
        return got
    finally:
        con.close()


@pytest.fixture(scope="module")
def one_go(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("one_go")
    db = folder / "facts.duckdb"
    run(db, *batches(folder / "in", 1))
    return db


@pytest.mark.parametrize("n", [3, 10])
def test_batches_give_the_tables_of_one_go(one_go, tmp_path, n):
    db = tmp_path / "facts.duckdb"
    for path in batches(tmp_path / "in", n):
        run(db, path)
    expected, got = tables(one_go), tables(db)
    assert sum(map(len, expected.values())) > 500  # facts, stories, conflicts and links, not empty tables
    assert expected["conflicts"] and expected["article_links"] and len(expected["stories"]) >= 10
    assert expected["entity_links"]  # cross-article links to compare, not an empty table
    for table in (*TABLES, "mentions"):
        assert got[table] == expected[table], table


def test_a_batch_redoes_only_the_regions_it_touches(one_go, tmp_path):
    lines = ARTICLES.read_text(encoding="utf-8").splitlines()
    first, last = tmp_path / "first.jsonl", tmp_path / "last.jsonl"
    first.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    last.write_text(lines[-1] + "\n", encoding="utf-8")
    db = tmp_path / "facts.duckdb"
    run(db, first)
    con = duckdb.connect(str(db), read_only=True)
    story_ids = dict(con.execute("SELECT article_id, story_id FROM story_articles").fetchall())
    con.close()
    output = run(db, last).output
    con = duckdb.connect(str(db), read_only=True)
    [(region_size,)] = con.execute("""
        SELECT count(*) FROM reconcile_articles WHERE region_id =
            (SELECT region_id FROM reconcile_articles r JOIN articles a USING (article_id)
             WHERE a.source_id = 'rs14_c')""").fetchall()
    after = dict(con.execute("SELECT article_id, story_id FROM story_articles").fetchall())
    con.close()
    assert 1 <= region_size < len(lines)
    assert f"reconciled: the regions of {region_size} articles redone" in output
    unchanged = [a for a in story_ids if after.get(a) == story_ids[a]]
    assert len(unchanged) >= len(lines) - 1 - region_size  # ids of untouched stories stay
    assert tables(db) == tables(one_go)


def test_an_unchanged_corpus_redoes_nothing(one_go, tmp_path):
    import shutil

    db = tmp_path / "facts.duckdb"
    shutil.copy(one_go, db)
    output = run(db, *batches(tmp_path / "in", 1)).output
    assert "39 unchanged" in output and "reconciled:" not in output
    result = invoke("reconcile", "--db", db)
    assert result.exit_code == 0 and "reconciled_articles 0" in result.output


def test_a_forced_rerun_relinks_and_reconciles_what_it_rewrote(one_go, tmp_path):
    """`--force` rewrites articles under the same ids: their entity links and facts are redone
    (not left as the bare rewrite stored them), and the tables are those of one go."""
    db = tmp_path / "facts.duckdb"
    first, second = batches(tmp_path / "in", 2)
    run(db, first, second)
    output = invoke("run", second, "--db", db, "--workers", "1", "--force").output
    assert "reconciled: the regions of" in output
    expected, got = tables(one_go), tables(db)
    for table in (*TABLES, "mentions"):
        assert got[table] == expected[table], table


def test_changed_matching_settings_are_reported_and_full_applies_them(one_go, tmp_path):
    import shutil

    db = tmp_path / "facts.duckdb"
    shutil.copy(one_go, db)
    config = tmp_path / "stricter.toml"
    config.write_text("[stories]\nthreshold = 0.9\n", encoding="utf-8")
    result = invoke("reconcile", "--db", db, "--config", config)
    assert result.exit_code == 0 and "differ from those the stored facts were built with" in result.output
    result = invoke("reconcile", "--db", db, "--config", config, "--full")
    assert result.exit_code == 0 and "differ" not in result.output and "reconciled_articles 39" in result.output
    con = duckdb.connect(str(db), read_only=True)
    [(n_stories,)] = con.execute("SELECT count(*) FROM stories").fetchall()
    con.close()
    assert n_stories > len(tables(one_go)["stories"])  # a stricter threshold: more, smaller stories


PAUSE_IN_RECONCILE = """
import sys, time
from pathlib import Path
from pipeline.config import load_settings
from pipeline.reconcile import facts
from pipeline.runner import run_batch

write = facts._write

def write_then_wait(*args, **kwargs):  # all rows written, the transaction not yet committed
    write(*args, **kwargs)
    Path(sys.argv[3]).write_text("writing", encoding="utf-8")
    time.sleep(120)

facts._write = write_then_wait
run_batch([Path(sys.argv[1])], Path(sys.argv[2]), load_settings(), workers=1)
"""


def test_a_kill_inside_an_incremental_reconcile_keeps_the_state_before_and_the_next_run_completes(one_go, tmp_path):
    first, second = batches(tmp_path / "in", 2)
    db = tmp_path / "facts.duckdb"
    run(db, first)
    before = tables(db)
    marker = tmp_path / "inside"
    proc = subprocess.Popen([sys.executable, "-c", PAUSE_IN_RECONCILE, str(second), str(db), str(marker)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the run never reached reconciliation"
            time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    reconciled = ("facts", "fact_sources", "conflicts", "article_links", "stories", "story_articles")
    after_kill = tables(db)  # the database opens; its facts are those before the batch (linking
    assert {t: after_kill[t] for t in reconciled} == {t: before[t] for t in reconciled}  # committed apart)
    output = run(db, first, second).output
    assert "39 unchanged" in output and "reconciled: the regions of" in output
    assert tables(db) == tables(one_go)


ECB_DEV = Path(os.environ.get("FACTS_DEV", ROOT.parent / "shared" / "dev")) / "ecbplus" / "dev.jsonl"


@pytest.mark.long
@pytest.mark.skipif(not ECB_DEV.exists(), reason="dev folder (FACTS_DEV) not available")
def test_real_news_in_shuffled_batches_gives_the_tables_of_one_go(tmp_path):
    """ECB+ dev (197 real news documents, 16 happenings, many cross-article entity links), read
    from the dev folder, never copied here: 4 shuffled batches against one go, every table."""
    lines = ECB_DEV.read_text(encoding="utf-8").splitlines()
    random.Random(7).shuffle(lines)
    whole = tmp_path / "all.jsonl"
    whole.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run(tmp_path / "one.duckdb", whole)
    for i in range(4):
        part = tmp_path / f"part_{i}.jsonl"
        part.write_text("\n".join(lines[i::4]) + "\n", encoding="utf-8")
        run(tmp_path / "four.duckdb", part)
    expected, got = tables(tmp_path / "one.duckdb"), tables(tmp_path / "four.duckdb")
    assert len(expected["entity_links"]) > 100 and len(expected["facts"]) > 500
    for table in (*TABLES, "mentions"):
        assert got[table] == expected[table], table
