"""The public Python surface: what `facts` does, as calls that return records and DataFrames.

    import pipeline
    doc = pipeline.extract("Huawei shipped 700,000 Ascend chips in 2025.", published="2026-03-01")
    pipeline.run("corpus", db="outputs/facts.duckdb")
    facts = pipeline.open("outputs/facts.duckdb").frame("v_facts")

Every `facts` command is one of these calls plus printing. Problems the user can fix raise the
library's own exceptions (pipeline.errors), with the message the CLI prints.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pyarrow as pa

from .config import Settings, load_settings, resolve_workers
from .errors import (ConfigError, DatabaseMissing, ExtractionFailed, InputRejected, InvalidArgument, PipelineError,
                     QueryError)
from .records import Article, ArticleExtraction, ArticleFailed, IngestError, Processed
from .runner import RunSummary

DEFAULT_DB = "outputs/facts.duckdb"
Config = Settings | str | os.PathLike | None


@dataclass(frozen=True)
class Document:
    """One extracted document: the article (clean text, metadata) and what was found in it."""

    processed: Processed = field(repr=False)

    @property
    def article(self) -> Article:
        return self.processed.article

    @property
    def extraction(self) -> ArticleExtraction:
        return self.processed.extraction

    @property
    def entities(self):
        return self.extraction.entities

    @property
    def quantities(self):
        return self.extraction.quantities

    @property
    def times(self):
        return self.extraction.times

    @property
    def events(self):
        return self.extraction.events

    def to_dict(self) -> dict[str, Any]:
        """The JSON object `facts inspect` prints for this document, as json.loads reads it
        (lists, not the records' tuples)."""
        from .inspector import to_json

        return json.loads(json.dumps(to_json(self.processed), ensure_ascii=False))

    def __repr__(self) -> str:
        a = self.article
        return (f"Document({a.title or a.article_id!r}, {len(self.entities)} entities, "
                f"{len(self.quantities)} quantities, {len(self.times)} times, {len(self.events)} events)")


def settings_from(config: Config = None) -> Settings:
    """Settings as given, or config/pipeline.toml with this TOML file on top (None: defaults)."""
    if isinstance(config, Settings):
        return config
    if config is not None and not isinstance(config, (str, os.PathLike)):
        raise InvalidArgument(f"config is Settings or the path of a TOML file, not {type(config).__name__}")
    if config is not None and Path(config).is_dir():
        raise ConfigError(f"{config}: is a folder; config is one TOML file")
    return load_settings(config)


def published_day(value: str | date | None) -> str | None:
    """A publication date as YYYY-MM-DD, or InvalidArgument (a misspelt date is not silently none)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        v = value.strip()
        try:
            if len(v) == 10:
                return date.fromisoformat(v).isoformat()
        except ValueError:
            pass
        raise InvalidArgument(f"published {value!r} is not a date as YYYY-MM-DD")
    raise InvalidArgument(f"published is a date or 'YYYY-MM-DD', not {type(value).__name__} {value!r}")


def extract(text_or_html: str | bytes, *, published: str | date | None = None, format: str | None = None,
            raw: bool = False, config: Config = None) -> Document:
    """Extract one document (plain text, HTML or one JSON object; `format` guessed when None).

    `published` (YYYY-MM-DD) anchors relative times when the text has no date of its own;
    `raw` keeps the whole text (no boilerplate removal). Raises InputRejected for an input
    that cannot be used, ExtractionFailed for a bug in facts."""
    docs = list(extract_many([text_or_html], published=published, format=format, raw=raw, config=config))
    if len(docs) != 1:
        raise InputRejected("many_documents", f"<input> holds {len(docs)} documents: use extract_many()")
    return docs[0]


def extract_many(items: Iterable[str | bytes | os.PathLike | BinaryIO], *, published: str | date | None = None,
                 format: str | None = None, raw: bool = False, config: Config = None,
                 on_error: str = "raise") -> Iterator[Document | PipelineError]:
    """Extract a stream of inputs, in order, the model loaded once and fed in batches.

    An item is a text (str or bytes), a file path (read as `facts run` reads it: the format
    from the extension), or a binary file object (named by its `.name`). A JSON-lines item
    gives one Document per record. A bad item raises (on_error="raise"), is left out ("skip"),
    or comes out in its place as the exception ("return", what `facts inspect` prints); the
    message names the file and line, or the item by position ("<input 3>"). Arguments are
    checked at the call, not at the first item."""
    if on_error not in ("raise", "skip", "return"):
        raise InvalidArgument("on_error is 'raise', 'skip' or 'return'")
    if isinstance(items, (str, bytes, bytearray, os.PathLike)) or not hasattr(items, "__iter__"):
        raise InvalidArgument("extract_many takes an iterable of inputs (texts, bytes, paths, files); "
                              "for one input use extract()")
    day = published_day(published)
    settings = settings_from(config)
    return _extract_stream(items, day, format, raw, settings, on_error)


def _extract_stream(items, day: str | None, format: str | None, raw: bool, settings: Settings,
                    on_error: str) -> Iterator[Document | PipelineError]:
    from .engine import extractor_for

    extractor = extractor_for(settings)

    def docs():
        for i, item in enumerate(items, start=1):
            yield from _documents(item, i, format, settings)

    stream = docs()
    while chunk := list(islice(stream, max(1, settings.run.batch_size))):
        for result in extractor.process(chunk, raw=raw, published=day):
            if isinstance(result, Processed):
                yield Document(result)
            elif on_error == "raise":
                raise as_exception(result)
            elif on_error == "return":
                yield as_exception(result)


def _documents(item, i: int, format: str | None, settings: Settings):
    """The raw documents (or rejections) of one item of extract_many."""
    from .failures import read_guarded
    from .ingest import FORMATS, documents_from_bytes
    from .inspector import sniff_format

    if isinstance(item, os.PathLike):
        yield from read_guarded([Path(item)], settings.ingest)
        return
    if hasattr(item, "read"):
        data, name = item.read(), str(getattr(item, "name", "") or f"<input {i}>")
        data = data.encode("utf-8") if isinstance(data, str) else data  # a text file object (io.StringIO)
        if not isinstance(data, (bytes, bytearray)):
            raise InvalidArgument(f"<input {i}>: its read() gave {type(data).__name__}, not text or bytes")
    elif isinstance(item, (str, bytes, bytearray, memoryview)):
        data, name = (item.encode("utf-8") if isinstance(item, str) else bytes(item)), f"<input {i}>"
    else:
        raise InvalidArgument(f"<input {i}> is {type(item).__name__}: give a text, bytes, a path or a file object")
    kind = format or FORMATS.get(Path(name).suffix.lower()) or sniff_format(data)
    yield from documents_from_bytes(data, name, kind, settings.ingest)


def as_exception(result: IngestError | ArticleFailed) -> InputRejected | ExtractionFailed:
    """A rejected input or a failed one (a bug) as the library's exception."""
    if isinstance(result, ArticleFailed):
        return ExtractionFailed(result.message, result.traceback, result.error, result.path, result.line)
    return InputRejected(result.error, result.message, result.path, result.line)


def run(paths: str | os.PathLike | Iterable[str | os.PathLike] = "corpus", db: str | os.PathLike = DEFAULT_DB, *,
        workers: int | None = None, config: Config = None, progress: Callable[[str, str], None] | None = None,
        force: bool = False, engine: str = "local", ray_address: str | None = None) -> RunSummary:
    """Process files and folders into the database, as `facts run` does; returns its summary.

    Bad inputs do not raise: they are in `summary.errors` (and ingest_errors), a path that names
    nothing among others too; arguments that cannot be used raise InvalidArgument. `progress` is
    called with (where, status) per document; `workers` None takes [run] workers (0: one per
    core)."""
    from .runner import run_batch

    settings = settings_from(config)
    if not isinstance(db, (str, os.PathLike)) or not str(db).strip():
        raise InvalidArgument(f"db is the path of the database file, not {db!r}")
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 0):
        raise InvalidArgument(f"workers is a whole number, 0 for one per core, not {workers!r}")
    targets = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    for t in targets:
        if not isinstance(t, (str, os.PathLike)):
            raise InvalidArgument(f"paths are files or folders, not {type(t).__name__}")
    if not any(Path(t).exists() for t in targets):  # one missing among others is recorded; none is no run
        raise InvalidArgument(f"{', '.join(map(str, targets)) or 'no paths'}: no such file or folder")
    n = 0 if engine == "ray" and ray_address and workers is None else resolve_workers(settings, workers)
    summary = run_batch(targets, db, settings, workers=n, force=force, progress=progress, engine=engine,
                        ray_address=ray_address)
    summary.workers = n
    return summary


def open(db: str | os.PathLike = DEFAULT_DB, *, config: Config = None) -> Database:  # noqa: A001
    """A handle on a database `run` made: read it as DataFrames, reconcile, export, report."""
    return Database(db, config=config)


class Database:
    """A facts database. Reads go through a read-only connection opened per call (so a
    `facts run` elsewhere is never blocked for long); only `reconcile` writes."""

    def __init__(self, path: str | os.PathLike, *, config: Config = None):
        self.path = Path(path)
        if not self.path.exists():
            raise DatabaseMissing(f"{self.path}: no such database (create it with `facts run`)")
        self.settings = settings_from(config)

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r})"

    def sql(self, query: str, *, timeout: float | None = None) -> pd.DataFrame | None:
        """Run one reading statement (SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE) read-only, no other
        files or databases, within the [query] limits (`timeout` seconds overrides the setting); a
        DataFrame, or None for no result."""
        from .query import run_query

        return run_query(self.path, query, self.settings.query, timeout)

    def tables(self) -> list[str]:
        """The tables and views, tables first."""
        from .store import store

        with store.Store(self.path, read_only=True) as database:
            return database.tables()

    def frame(self, name: str) -> pd.DataFrame:
        """A whole table or view ('v_facts', 'entities', ...) as a DataFrame."""
        return self.sql(f'SELECT * FROM "{self._known(name)}"')

    def arrow(self, name_or_query: str) -> pa.Table:
        """A table or view, or the result of a query, as an Arrow table."""
        from .query import run_sandboxed

        query = name_or_query
        if name_or_query in self.tables():
            query = f'SELECT * FROM "{name_or_query}"'
        return run_sandboxed(self.path, query, lambda rel: rel.to_arrow_table(), self.settings.query)

    def stats(self) -> dict[str, Any]:
        """What `facts stats --json` prints: counts, outlets, dates, top entities, last run."""
        from .stats import corpus_stats

        return corpus_stats(self.path)

    def reconcile(self, *, full: bool = False) -> dict[str, int]:
        """Bring links, facts, stories and conflicts up to date (only the decisions and regions
        changed articles touch, links behind included; `full` relinks and rebuilds everything).
        Returns row counts, with `entities`, `reconciled_articles` and `settings_changed` (1 when
        the matching settings differ from those the stored facts were built with)."""
        from .reconcile import update
        from .runlock import run_lock
        from .store import store

        s = self.settings
        with run_lock(str(self.path)):
            with store.Store(self.path, wait_seconds=s.run.lock_wait_seconds) as database:
                counts = update(database.con, s, full=full)
                database.checkpoint()
        return counts

    def export(self, out_dir: str | os.PathLike, *, table: str = "all", format: str = "parquet",
               overwrite: bool = False) -> list[tuple[str, Path, int]]:
        """Write tables as Parquet, CSV or JSON lines (one file each); (table, path, rows) each."""
        from .export import export_tables

        return export_tables(self.path, table, format, out_dir, self.settings, overwrite=overwrite)

    def report(self, out: str | os.PathLike = "outputs/report.html") -> Path:
        """Write the self-contained HTML report; returns its path."""
        from .report import write_report

        return write_report(self.path, out)

    def _known(self, name: str) -> str:
        names = self.tables()
        if name not in names:
            raise QueryError(f"{self.path} has no table or view {name!r} (it has: {', '.join(names)})")
        return name
