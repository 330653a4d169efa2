"""A --db that is no database, a damaged one, a full disk: one `Error:` line naming the file and
the cause, never a traceback, and nothing created beside a file that is not ours (issue 33)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, invoke

COMMANDS = [["stats"], ["query", "SELECT 1"], ["export", "--out", "{tmp}/out"], ["report", "--out", "{tmp}/r.html"],
            ["reconcile"], ["run", str(CORPUS)]]


def one_error_line(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.output.startswith("Error: "), result.output
    assert result.output.count("\n") == 1, result.output
    for n in needles:
        assert n in result.output, result.output


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_db_that_is_not_a_duckdb_file_is_one_line_and_nothing_beside_it(tmp_path, args):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", encoding="utf-8")
    result = invoke(*[a.format(tmp=tmp_path) for a in args], "--db", notes)
    one_error_line(result, "notes.txt", "not a DuckDB database")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no notes.txt.lock, no .wal
    assert notes.read_text(encoding="utf-8") == "my notes\n"


def test_a_truncated_database_is_one_line(tmp_path, corpus_db):
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(Path(corpus_db).read_bytes()[:300_000])
    for args in (["stats"], ["query", "SELECT count(*) FROM articles"], ["run", str(CORPUS)]):
        one_error_line(invoke(*args, "--db", cut), "cut.duckdb")


def _small_disk(folder: Path, size: str, *options: str) -> bool:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}", *options)), "tmpfs",
                           str(folder)], capture_output=True)
    return done.returncode == 0


def test_a_read_only_place_is_one_line_for_every_command_that_writes(tmp_path, corpus_db):
    """(root ignores folder permissions, so a read-only filesystem is mounted; skipped where
    mounting is not allowed)"""
    ro = tmp_path / "ro"
    if shutil.which("mount") is None or not _small_disk(ro, "1m", "ro"):
        pytest.skip("cannot mount a read-only filesystem here")
    try:
        one_error_line(invoke("run", CORPUS, "--db", ro / "facts.duckdb"), "facts.duckdb.lock", "Read-only")
        one_error_line(invoke("export", "--db", corpus_db, "--out", ro / "out"), "cannot be written", "Read-only")
        one_error_line(invoke("export", "--db", corpus_db, "--out", ro), "Read-only")
        one_error_line(invoke("report", "--db", corpus_db, "--out", ro / "r.html"), "r.html: cannot be written")
    finally:
        subprocess.run(["umount", str(ro)], capture_output=True)


@pytest.mark.slow
def test_a_full_disk_is_one_line_and_the_next_run_completes(tmp_path):
    """A 3 MB filesystem (tmpfs; skipped where mounting is not allowed) fills during the run."""
    disk = tmp_path / "disk"
    if shutil.which("mount") is None or not _small_disk(disk, "3m"):
        pytest.skip("cannot mount a small filesystem here")
    try:
        result = invoke("run", CORPUS, "--db", disk / "facts.duckdb", "--workers", "1")
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        last = result.output.splitlines()[-1]  # after the progress lines
        assert last.startswith("Error: the database cannot be written") and "No space left on device" in last
        stats = invoke("stats", "--db", disk / "facts.duckdb")  # what was committed is readable
        assert stats.exit_code == 0, stats.output
        subprocess.run(["mount", "-o", "remount,size=200m", str(disk)], check=True)  # space freed
        again = invoke("run", CORPUS, "--db", disk / "facts.duckdb", "--workers", "1")
        assert again.exit_code == 0, again.output
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


# --- arguments of the API and the CLI (issue 33 item 7) -------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda p: p.extract(None), "NoneType"),
    (lambda p: p.extract("Hello", published="garbage"), "not a date"),
    (lambda p: p.extract("Hello", published="2026-02-30"), "not a date"),
    (lambda p: p.extract("Hello", published=20260101), "not int"),
    (lambda p: p.extract("Hello", config=ROOT / "config"), "is a folder"),
    (lambda p: p.run(CORPUS, db=None), "db is the path"),
    (lambda p: p.run(CORPUS, db="x.duckdb", workers=-1), "workers"),
    (lambda p: p.run("/no/such/dir", db="x.duckdb"), "no such file or folder"),
    (lambda p: p.extract_many("one text"), "iterable"),
])
def test_api_arguments_raise_the_projects_errors(call, message, tmp_path, monkeypatch):
    import pipeline
    from pipeline.errors import PipelineError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(PipelineError, match=message):
        call(pipeline)
    assert not any(tmp_path.iterdir())  # no database named None, none for a missing folder


def test_a_text_file_object_is_read_like_a_text():
    import io

    import pipeline

    assert pipeline.extract(io.StringIO("Huawei opened a lab in Shenzhen.")).article.clean_text == \
        "Huawei opened a lab in Shenzhen."


def test_a_report_into_a_folder_is_one_error_and_leaves_nothing(tmp_path, corpus_db):
    import pipeline
    from pipeline.errors import ExportError

    out = tmp_path / "reports"
    out.mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        pipeline.open(corpus_db).report(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]  # no reports.part


def test_inspect_refuses_an_impossible_published_date(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Sales rose on Monday.", encoding="utf-8")
    result = invoke("inspect", f, "--published", "2026-13-45")
    assert result.exit_code == 2 and "not a date" in result.output


def test_joiners_inside_a_number_and_bidi_controls_are_not_text():
    """"2\u200d500" is one number; display controls do not reach clean_text; a joiner between
    letters (scripts need it) stays."""
    import pipeline
    from pipeline.normalize.clean import clean_plain

    doc = pipeline.extract("Sales reached 2\u200d500 cars\u2060 in Ohio.\u202e Tesla said.")
    assert doc.article.clean_text == "Sales reached 2500 cars in Ohio. Tesla said."
    assert [q.value for q in doc.quantities] == [2500]
    assert clean_plain("\u0915\u094d\u200d\u0937").text == "\u0915\u094d\u200d\u0937"
