"""A --db that is no database, a damaged one, a full disk: one `Error:` line naming the file and
the cause, never a traceback, and nothing created beside a file that is not ours (issue 33)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CORPUS, invoke

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


def _small_disk(folder: Path, size: str) -> bool:
    folder.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


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
