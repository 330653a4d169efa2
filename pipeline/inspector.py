"""`facts inspect`'s JSON: one extracted document (api.Document.to_dict) or one error.

contract: one JSON object per document: {"article": {...}, "entities": [...],
"quantities": [...], "times": [...], "events": [...]}; a .jsonl input gives one
object per record, in input order, each carrying the record's `id`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .errors import ExtractionFailed, InputRejected
from .records import Processed

ARTICLE_FIELDS = ("article_id", "source_id", "path", "title", "outlet", "author", "published", "updated",
                  "language", "url", "fmt", "encoding", "n_words", "status", "clean_text")


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


def error_json(e: InputRejected | ExtractionFailed) -> dict[str, Any]:
    """A rejection, or (with "bug": true and the traceback) an input the code failed on."""
    out = {"error": e.code, "message": str(e), "path": e.path, "line": e.line}
    if isinstance(e, ExtractionFailed):
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
