"""Shared fixtures: real settings, the real corpus, one real run into a real DuckDB file."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import load_settings
from pipeline.runner import run_batch

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FACTS = [sys.executable, "-m", "pipeline.cli"]


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory, settings):
    """The real pipeline over the real corpus, once per session (read-only use)."""
    db = tmp_path_factory.mktemp("corpus") / "facts.duckdb"
    summary = run_batch([CORPUS], db, settings, workers=1)
    assert summary.new == 5, summary
    return db


@pytest.fixture(scope="session")
def corpus_summary(corpus_db):
    return corpus_db


def invoke(*args: str, input: bytes | str | None = None):
    """Run the CLI in-process, as a user would from the shell."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def run_files(folder: Path, files: dict[str, str]) -> Path:
    """Write these files (name -> text) into folder, `facts run` them into folder/facts.duckdb
    with one worker, assert the run succeeded, and return the database path."""
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = folder / "facts.duckdb"
    result = invoke("run", *(str(folder / name) for name in files), "--db", str(db), "--workers", "1")
    assert result.exit_code == 0, result.output
    return db


def make_articles(folder: Path, n: int, chars: int = 2500) -> list[Path]:
    """n distinct real-text articles cut from the corpus files (each starts with its own header)."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    paths = []
    for i in range(n):
        src = texts[i % len(texts)]
        start = (i // len(texts)) * chars % max(1, len(src) - chars)
        body = src[start:start + chars]
        p = folder / f"article_{i:03d}.txt"
        p.write_text(f"Article number {i}\n\n{body}\n", encoding="utf-8")
        paths.append(p)
    return paths


def spawn_run(*args: str, env_extra: dict | None = None) -> subprocess.Popen:
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.Popen([*FACTS, "run", *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def wait_for_lines(proc: subprocess.Popen, needle: str, count: int, timeout: float = 120.0) -> list[str]:
    """Read the run's progress lines until `needle` was seen `count` times."""
    lines = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if sum(needle in l for l in lines) >= count:
            return lines
    raise AssertionError(f"never saw {count} x {needle!r}: {lines}")


def start_run_article_by_article(tmp_path: Path, n: int, db: Path) -> subprocess.Popen:
    """A `facts run` subprocess over n articles that commits (and reports) one at a time."""
    make_articles(tmp_path / "in", n)
    cfg = tmp_path / "small_batches.toml"
    cfg.write_text("[run]\nwrite_batch = 1\nbatch_size = 1\n")
    return spawn_run(tmp_path / "in", "--db", db, "--workers", "1", "--config", cfg)


def kill_run_after(tmp_path: Path, n: int, db: Path, stored: int) -> None:
    """Start a run over n articles written one at a time and SIGKILL it once `stored` are in."""
    proc = start_run_article_by_article(tmp_path, n, db)
    try:
        wait_for_lines(proc, ": new", stored)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

