"""Run normalize + extract over a stream of documents, locally.

workers=1 runs in this process. workers>1 starts a process pool (spawn), loads
the model once per worker, and sends documents in chunks; at most two chunks
per worker are in flight, so memory stays flat however large the corpus.
Results come back in input order. A failure inside one article becomes an
ArticleFailed (a bug, with its traceback) for that article; the others go on.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing as mp
import sys
from collections import deque
from contextlib import contextmanager
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Iterable, Iterator

from .config import Settings
from .model import resolve_model
from .failures import failure
from .records import Article, ArticleExtraction, ArticleFailed, IngestError, Processed, RawDocument

Result = Processed | IngestError | ArticleFailed
Item = RawDocument | IngestError | ArticleFailed

_WORKER: dict = {}
_EXTRACTORS: dict[str, "Extractor"] = {}  # settings -> Extractor: the model loads once per process


def extractor_for(settings: Settings) -> "Extractor":
    """The process's extractor for these settings (building one loads spaCy and the unit registry,
    seconds; an API user or a test calling run() again should not pay it again)."""
    key = json.dumps(settings.to_dict(), sort_keys=True, default=str)
    extractor = _EXTRACTORS.get(key)
    if extractor is None:
        extractor = _EXTRACTORS[key] = Extractor(settings)
    return extractor


class Extractor:
    """normalize + extract for batches of documents, with the model loaded once."""

    def __init__(self, settings: Settings, *, raw: bool = False, published: str | None = None):
        self.settings = settings
        self.raw = raw
        self.published = published
        # spaCy, lingua and trafilatura load here, in the process that extracts: the writer
        # of a multi-worker run never imports them.
        from . import extraction
        from .normalize import Normalizer

        self._stage = extraction  # its functions looked up per call (a test wraps one)
        self.normalize = Normalizer(settings)
        self.nlp = self._stage.build_nlp(settings)

    def process(self, docs: list[Item], *, raw: bool | None = None, published: str | None = None) -> list[Result]:
        """Results in input order; rejections and failures in the input pass through in place.
        `raw` and `published` override the extractor's own for these documents."""
        raw = self.raw if raw is None else raw
        published = published or self.published
        results: list[Result | None] = [None] * len(docs)
        ready: list[tuple[int, Article]] = []
        for i, doc in enumerate(docs):
            if isinstance(doc, (IngestError, ArticleFailed)):
                results[i] = doc
                continue
            try:
                art = self.normalize(doc, raw=raw, published=published)
            except Exception as exc:  # a bug: this article fails, the others go on
                results[i] = failure(doc.path, doc.line, "normalize_failed", exc)
                continue
            if not art.clean_text.strip():
                results[i] = IngestError(doc.path, "no_body", f"{_where(doc)}: no article text left after cleaning", doc.line)
                continue
            if art.language and art.language not in self.settings.extract.languages:
                # English rules on French text invent entities ("La SNCF prévoit de faire"): stored, not read
                art = dataclasses.replace(art, status="language_not_extracted")
                results[i] = Processed(doc=doc, article=art, extraction=ArticleExtraction(art.article_id))
                continue
            ready.append((i, art))
        try:
            extracted = list(self._stage.extract_articles(self.nlp, [a for _, a in ready], self.settings))
        except Exception:
            extracted = []
            for _, art in ready:  # isolate the article that fails
                try:
                    extracted.extend(self._stage.extract_articles(self.nlp, [art], self.settings))
                except Exception as exc:
                    extracted.append(exc)  # type: ignore[arg-type]
        for (i, art), ext in zip(ready, extracted):
            doc = docs[i]
            results[i] = failure(doc.path, doc.line, "extract_failed", ext) if isinstance(ext, Exception) \
                else Processed(doc=doc, article=art, extraction=ext)
        return [r for r in results if r is not None]


def _where(doc: RawDocument) -> str:
    return f"{doc.path}:{doc.line}" if doc.line is not None else doc.path


def _init_worker(settings: Settings, raw: bool, published: str | None) -> None:
    _WORKER["extractor"] = Extractor(settings, raw=raw, published=published)


def _ready() -> None:
    """A task that only waits for the worker's initializer: submitted once per worker at start."""


@contextmanager
def _main_script_hidden() -> Iterator[None]:
    """Spawned workers re-run the parent's __main__ module (a user's script without an
    `if __name__ == "__main__":` guard runs `pipeline.run` again in every worker, which fails).
    The workers need only this module, so the main module's file and spec are hidden from
    multiprocessing while they start."""
    main = sys.modules.get("__main__")
    saved = {k: getattr(main, k) for k in ("__file__", "__spec__") if main is not None and hasattr(main, k)}
    try:
        if "__file__" in saved:
            del main.__file__
        if "__spec__" in saved:
            main.__spec__ = None
        yield
    finally:
        for k, v in saved.items():
            setattr(main, k, v)


def _work(docs: list[RawDocument]) -> list[Result]:
    return _WORKER["extractor"].process(docs)


def _chunks(items: Iterable[RawDocument], n: int) -> Iterator[list[RawDocument]]:
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk


def process_documents(docs: Iterable[Item], settings: Settings, *, workers: int = 1,
                      raw: bool = False, published: str | None = None) -> Iterator[Result]:
    """Stream documents through normalize + extract; yields results in input order.

    IngestErrors and ArticleFaileds may be mixed into the input: they come out in their place.
    """
    chunk_size = max(1, settings.run.batch_size)
    if workers <= 1:
        extractor = None
        for chunk in _chunks(docs, chunk_size):
            extractor = extractor or extractor_for(settings)
            yield from extractor.process(chunk, raw=raw, published=published)
        return
    resolve_model(settings)  # fail here, clearly, not inside every worker
    chunk_size = max(1, chunk_size // 4)  # smaller chunks spread a small batch over the workers
    ctx = mp.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                               initargs=(settings, raw, published))
    pending: deque[Future] = deque()
    try:
        with _main_script_hidden():  # every worker starts here, none later
            for ready in [pool.submit(_ready) for _ in range(workers)]:
                ready.result()
        for chunk in _chunks(docs, chunk_size):
            pending.append(pool.submit(_work, chunk))
            while len(pending) >= workers * 2:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
