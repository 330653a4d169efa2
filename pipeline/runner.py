"""The batch: files -> documents -> extraction -> DuckDB, one transaction per article.

1. Take the run lock, open the DB, record the run, read which articles it has.
2. Stream documents; skip unchanged ones (same content hash), send the rest to
   the engine; rejects go to ingest_errors.
3. Write results in batches; each article is its own transaction that also
   deletes the versions it replaces. The write connection is released between
   batches.
4. Rebuild derived tables (entities), mark the run complete, CHECKPOINT.

A crash or Ctrl-C leaves only whole articles; the next run redoes the rest.
"""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .version import __version__
from .config import IngestSettings, Settings
from .engine import process_documents
from .failures import read_guarded
from .ingest import discover, shown_name
from .reconcile import update
from .records import ArticleFailed, IngestError, Processed, RawDocument
from .runlock import run_lock
from .store import store

# Called with (path or path:line, status) per document; one with a `start(total)` method is told
# the number of documents first (the CLI's bar).
ProgressFn = Callable[[str, str], None]


@dataclass
class RunSummary:
    run_id: str
    db_path: str
    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    rejected: int = 0
    failed: int = 0  # inputs the code failed on (bugs): the run ends non-zero
    rows: dict[str, int] = field(default_factory=dict)
    errors: list[IngestError | ArticleFailed] = field(default_factory=list)
    errors_stored: int = 0
    seconds: float = 0.0
    status: str = "running"
    reconciled: int = 0  # articles whose regions reconciliation redid
    settings_changed: bool = False  # the stored facts were built with other matching settings
    workers: int = 0  # extraction processes used (0: a Ray cluster's)

    @property
    def counts(self) -> dict[str, int]:
        return {"new": self.new, "unchanged": self.unchanged, "replaced": self.replaced, "rejected": self.rejected,
                "failed": self.failed}

    @property
    def failures(self) -> list[ArticleFailed]:
        return [e for e in self.errors if isinstance(e, ArticleFailed)]


def count_inputs(paths: list[Path], settings: IngestSettings) -> int:
    """Documents expected (files, plus records of .jsonl files): for the progress bar.
    Counted by ingest's own rules (lines, regular files only: a FIFO cannot block it)."""
    from .ingest import count_documents

    return sum(count_documents(p, settings) for p in paths)


def run_batch(paths: Iterable[str | Path], db_path: str | Path, settings: Settings, *,
              workers: int = 1, force: bool = False, progress: ProgressFn | None = None,
              engine: str = "local", ray_address: str | None = None) -> RunSummary:
    """Process files/folders into the DB; see the module docstring for the stages.

    engine="ray" extracts on Ray actors (local, or the cluster at ray_address);
    this process stays the only writer either way.
    """
    files = discover(paths, settings.ingest)
    if hasattr(progress, "start"):  # a bar wants the number of documents first (.jsonl lines read once more)
        progress.start(count_inputs(files, settings.ingest))
    db = str(db_path)
    summary = RunSummary(run_id=uuid.uuid4().hex[:16], db_path=db)
    t0 = time.perf_counter()
    note = progress or (lambda where, status: None)
    with run_lock(db):
        with store.Store(db, wait_seconds=settings.run.lock_wait_seconds) as database:
            con = database.con
            store.mark_dead_runs(con)  # under the run lock, any `running` row is a killed run's
            store.start_run(con, summary.run_id, [shown_name(p) for p in files], settings.to_dict(), __version__)
            by_key, known = store.existing_articles(con)
        summary.status = "failed"
        if workers > 1 or engine != "local":
            _prefetch("datasketch")  # reconciliation's MinHash pulls in scipy (~1 s): load it while workers extract
        try:
            results = _engine(engine, ray_address)
            _process(files, db, settings, summary, by_key, known, workers, force, note, results)
            summary.status = "complete"
        except KeyboardInterrupt:
            summary.status = "interrupted"
            raise
        finally:
            summary.seconds = time.perf_counter() - t0
            _finish(db, settings, summary)
    return summary


def _process(files: list[Path], db: str, settings: Settings, summary: RunSummary,
             by_key: dict[str, str], known: set[str], workers: int, force: bool, note: ProgressFn,
             results: Callable = process_documents) -> None:
    replaces: dict[str, str] = {}  # new article_id -> old article_id it replaces
    seen: set[str] = set()

    def todo() -> Iterator[RawDocument | ArticleFailed]:
        for item in read_guarded(files, settings.ingest):
            if isinstance(item, IngestError):
                _reject(item, summary, note)
                continue
            if isinstance(item, ArticleFailed):
                yield item  # passes through the engine in its place, counted there
                continue
            if item.article_id in seen or (item.article_id in known and not force):
                summary.unchanged += 1
                note(_where(item.path, item.line), "unchanged")
                continue
            seen.add(item.article_id)
            old = by_key.get(item.source_key)
            if old is not None and old != item.article_id:
                replaces[item.article_id] = old
            yield item

    batch: list[Processed] = []
    for result in results(todo(), settings, workers=workers):
        if isinstance(result, (IngestError, ArticleFailed)):
            _reject(result, summary, note)
            continue
        batch.append(result)
        if len(batch) >= settings.run.write_batch:
            _write(db, settings, batch, summary, replaces, note)
            batch = []
    if batch:
        _write(db, settings, batch, summary, replaces, note)


def _reject(item: IngestError | ArticleFailed, summary: RunSummary, note: ProgressFn) -> None:
    summary.errors.append(item)
    if isinstance(item, ArticleFailed):
        summary.failed += 1
        note(_where(item.path, item.line), f"failed: {item.message}")
    else:
        summary.rejected += 1
        note(_where(item.path, item.line), f"rejected: {item.message}")


def _prefetch(module: str) -> None:
    """Import a module on a daemon thread while this process mostly waits on its workers;
    an import that fails here fails again, with its message, where the module is used."""
    def load() -> None:
        try:
            importlib.import_module(module)
        except Exception:
            pass

    threading.Thread(target=load, name=f"prefetch-{module}", daemon=True).start()


def _engine(name: str, ray_address: str | None) -> Callable:
    if name == "local":
        return process_documents
    if name == "ray":
        from functools import partial

        from .ray_engine import process_documents_ray

        return partial(process_documents_ray, address=ray_address)
    raise ValueError(f"unknown engine {name!r}: local or ray")


def _where(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else path


def _write(db: str, settings: Settings, batch: list[Processed], summary: RunSummary,
           replaces: dict[str, str], note: ProgressFn) -> None:
    with store.Store(db, wait_seconds=settings.run.lock_wait_seconds) as database:
        con = database.con
        _store_errors(con, summary)
        for p in batch:
            old = replaces.get(p.article.article_id)
            counts = store.write_article(con, p, summary.run_id, [old] if old else [])
            for table, n in counts.items():
                summary.rows[table] = summary.rows.get(table, 0) + n
            if old:
                summary.replaced += 1
                note(_where(p.doc.path, p.doc.line), "replaced")
            else:
                summary.new += 1
                note(_where(p.doc.path, p.doc.line), "new")


def _store_errors(con, summary: RunSummary) -> None:
    """Rejections so far go in with each write batch, so a crash keeps them too."""
    fresh = summary.errors[summary.errors_stored:]
    if fresh:
        store.record_errors(con, fresh, summary.run_id)
        summary.errors_stored = len(summary.errors)
    summary.rows["ingest_errors"] = summary.errors_stored


def _finish(db: str, settings: Settings, summary: RunSummary) -> None:
    with store.Store(db, wait_seconds=settings.run.lock_wait_seconds) as database:
        con = database.con
        _store_errors(con, summary)
        counts = update(con, settings)  # also what an earlier killed run or command left behind
        summary.rows["entities"] = counts.pop("entities")
        summary.reconciled = counts.pop("reconciled_articles", 0)
        summary.settings_changed = bool(counts.pop("settings_changed", 0))
        summary.rows.update(counts)
        store.finish_run(con, summary.run_id, summary.status, summary.counts, summary.rows)
        database.checkpoint()
