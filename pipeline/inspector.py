"""`facts inspect`: ingest + normalize + extract one input, no database.

contract: one JSON object per document: {"article": {...}, "entities": [...],
"quantities": [...], "times": [...], "events": [...]}; a .jsonl input gives one
object per record, in input order, each carrying the record's `id`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Iterator

from .config import Settings
from .engine import process_documents
from .failures import read_guarded
from .ingest import documents_from_bytes
from .records import ArticleFailed, IngestError, Processed

ARTICLE_FIELDS = ("article_id", "source_id", "path", "title", "outlet", "author", "published", "updated",
                  "language", "url", "fmt", "encoding", "n_words", "clean_text")


def sniff_format(data: bytes) -> str:
    """Guess the format of stdin: jsonl, json, html or txt."""
    head = data.lstrip()[:2048].decode("utf-8", "ignore").lower()
    if head.startswith("{"):
        first = data.lstrip().split(b"\n", 1)[0].strip()
        return "jsonl" if first.endswith(b"}") else "json"
    if head.startswith("[") and head[1:].lstrip().startswith("{"):
        return "json"
    if head.startswith("<") and ("<html" in head or "<!doctype" in head or "<body" in head or "<p" in head):
        return "html"
    return "txt"


def inspect_input(path: str, settings: Settings, *, stdin_bytes: bytes | None = None, fmt: str | None = None,
                  raw: bool = False, published: str | None = None) -> Iterator[dict[str, Any]]:
    """Yield one JSON-ready dict per document of the input (errors as {'error': ...})."""
    if stdin_bytes is not None:
        kind = fmt or sniff_format(stdin_bytes)
        docs = documents_from_bytes(stdin_bytes, "<stdin>", kind, settings.ingest)
    else:
        docs = read_guarded([Path(path)], settings.ingest)
    for result in process_documents(docs, settings, workers=1, raw=raw, published=published):
        yield error_json(result) if isinstance(result, (IngestError, ArticleFailed)) else to_json(result)


def error_json(e: IngestError | ArticleFailed) -> dict[str, Any]:
    """A rejection, or (with "bug": true and the traceback) an input the code failed on."""
    out = {"error": e.error, "message": e.message, "path": e.path, "line": e.line}
    if isinstance(e, ArticleFailed):
        out.update(bug=True, traceback=e.traceback)
    return out


def to_json(p: Processed) -> dict[str, Any]:
    a = p.article
    article = {k: getattr(a, k) for k in ARTICLE_FIELDS}
    article["format"] = article.pop("fmt")
    x = p.extraction
    out: dict[str, Any] = {}
    if p.doc.source_id is not None or p.doc.line is not None:
        out["id"] = p.doc.source_id
        out["line"] = p.doc.line
    article["sections"] = [dataclasses.asdict(s) for s in a.sections]
    out.update({
        "article": article,
        "entities": [dataclasses.asdict(e) for e in x.entities],
        "quantities": [dataclasses.asdict(q) for q in x.quantities],
        "times": [dataclasses.asdict(t) for t in x.times],
        "events": [dataclasses.asdict(e) for e in x.events],
    })
    return out
