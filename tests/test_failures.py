"""A bug in the code is not bad input: the input it failed on is recorded as failed with its
traceback, the batch goes on, and the command ends non-zero and says so.

The bug is injected by wrapping one of facts' own functions (real spaCy, real DuckDB)."""

from __future__ import annotations

import json

import duckdb
import pytest

import pipeline.extraction
import pipeline.ingest
from conftest import invoke
from pipeline.runner import run_batch

GOOD = "Huawei said on Monday that its revenue rose 12 percent in 2025, helped by phone sales in China.\n"
MARKER = "Zorblax"  # the article the injected bug fails on


@pytest.fixture
def buggy_extraction(monkeypatch):
    stage = pipeline.extraction
    real = stage.extract_articles

    def extract_articles(nlp, articles, settings, *args, **kwargs):
        articles = list(articles)
        if any(MARKER in a.clean_text for a in articles):
            raise RuntimeError("injected bug")
        return real(nlp, articles, settings, *args, **kwargs)

    monkeypatch.setattr(stage, "extract_articles", extract_articles)


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (d / "b_bug.txt").write_text(GOOD.replace("Huawei", MARKER), encoding="utf-8")
    (d / "c_empty.txt").write_text("", encoding="utf-8")
    (d / "d_good.txt").write_text(GOOD.replace("Monday", "Tuesday"), encoding="utf-8")
    return d


def test_a_bug_fails_one_article_and_is_recorded_apart_from_rejections(buggy_extraction, folder, tmp_path, settings):
    db = tmp_path / "f.duckdb"
    summary = run_batch([folder], db, settings, workers=1)
    assert (summary.new, summary.rejected, summary.failed) == (2, 1, 1)
    con = duckdb.connect(str(db), read_only=True)
    errors = con.execute("SELECT path, error, message, traceback FROM ingest_errors ORDER BY path").fetchall()
    assert [(p.rsplit("/", 1)[-1], e) for p, e, _, _ in errors] == [("b_bug.txt", "extract_failed"), ("c_empty.txt", "empty")]
    _, _, message, trace = errors[0]
    assert "a bug in facts" in message and "RuntimeError: injected bug" in trace
    assert errors[1][3] is None  # a rejection has no traceback
    assert con.execute("SELECT status, n_failed, n_rejected FROM runs").fetchall() == [("complete", 1, 1)]


def test_run_exits_non_zero_and_says_a_bug_failed_an_input(buggy_extraction, folder, tmp_path):
    result = invoke("run", folder, "--db", tmp_path / "f.duckdb", "--workers", "1")
    assert result.exit_code == 3, result.output
    assert "2 new, 0 unchanged, 0 replaced, 1 rejected, 1 FAILED" in result.stdout
    assert "1 input failed on a bug in facts, not on bad input" in result.stderr
    assert "RuntimeError: injected bug" in result.stderr


def test_rejections_alone_still_exit_zero(folder, tmp_path):
    result = invoke("run", folder, "--db", tmp_path / "f.duckdb", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "3 new, 0 unchanged, 0 replaced, 1 rejected articles" in result.stdout


def test_inspect_marks_a_bug_and_exits_3(buggy_extraction, folder):
    result = invoke("inspect", folder / "b_bug.txt")
    assert result.exit_code == 3
    out = json.loads(result.stdout)
    assert out["error"] == "extract_failed" and out["bug"] is True and "injected bug" in out["traceback"]


def test_a_bug_while_reading_one_file_keeps_the_others(monkeypatch, folder, tmp_path, settings):
    real = pipeline.ingest.read_documents

    def read_documents(paths, ingest_settings):
        for item in real(paths, ingest_settings):
            if getattr(item, "path", "").endswith("b_bug.txt"):
                raise KeyError("injected reader bug")
            yield item

    monkeypatch.setattr(pipeline.ingest, "read_documents", read_documents)
    summary = run_batch([folder], tmp_path / "f.duckdb", settings, workers=1)
    assert (summary.new, summary.rejected, summary.failed) == (2, 1, 1)
    [failure] = summary.failures
    assert failure.error == "read_failed" and "KeyError" in failure.traceback
