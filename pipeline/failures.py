"""Bugs apart from bad input.

An input problem is an IngestError, raised on purpose by the code that found it. Any other
exception while one input is read, normalized or extracted is a bug in facts: it becomes an
ArticleFailed for that input only, with the traceback, so the batch goes on but nobody
mistakes a broken release for a batch of bad files.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Iterable, Iterator

from .config import IngestSettings
from .records import ArticleFailed, IngestError, RawDocument


def failure(path: str, line: int | None, code: str, exc: BaseException) -> ArticleFailed:
    where = f"{path}:{line}" if line is not None else path
    return ArticleFailed(path, code, f"{where}: {code.replace('_', ' ')} (a bug in facts, not in the input): "
                         f"{type(exc).__name__}: {exc}", line,
                         "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


def read_guarded(paths: Iterable[Path], settings: IngestSettings,
                 ) -> Iterator[RawDocument | IngestError | ArticleFailed]:
    """ingest.read_documents, one file at a time: a bug while reading one file keeps what
    that file gave so far and goes on with the next file."""
    from .ingest import read_documents, shown_name

    for path in paths:
        try:
            yield from read_documents([path], settings)
        except Exception as exc:
            yield failure(shown_name(path), None, "read_failed", exc)
