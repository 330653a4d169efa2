"""Typed records passed between stages: the only contract between modules.

Offsets: `start`/`end` index the article's clean text; `raw_start`/`raw_end`
index the decoded raw text (None where a span has no exact raw counterpart).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


def content_id(*parts: object, n: int = 16) -> str:
    """Stable hex id from the parts (sha256)."""
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:n]


@dataclass(frozen=True)
class Metadata:
    """What the input itself says about an article (JSON fields, HTML meta)."""

    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date YYYY-MM-DD when known
    outlet: str | None = None
    author: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class RawDocument:
    """One input document, decoded. A .jsonl file yields one per record."""

    path: str
    source_key: str  # identity of the slot: the path, or path#id for a JSON record
    raw_text: str
    article_id: str  # content hash of raw_text
    encoding: str
    fmt: str  # txt | html | json
    source_id: str | None = None
    line: int | None = None
    meta: Metadata = field(default_factory=Metadata)


@dataclass(frozen=True)
class IngestError:
    """An input that was rejected; stored in ingest_errors, never stops a batch."""

    path: str
    error: str  # short code: empty, binary, too_large, unreadable, bad_json, ...
    message: str
    line: int | None = None


@dataclass(frozen=True)
class ArticleFailed:
    """An input the code failed on: a bug in facts, not a problem with the input.

    Recorded in ingest_errors with its traceback like a rejection, but counted apart: the
    batch goes on, and the run ends non-zero and says so.
    """

    path: str
    error: str  # read_failed | normalize_failed | extract_failed
    message: str
    line: int | None = None
    traceback: str = ""


@dataclass(frozen=True)
class Section:
    """A block of the raw text kept out of the body (summary, qa, boilerplate)."""

    kind: str
    text: str
    raw_start: int
    raw_end: int
    label: str | None = None


@dataclass(frozen=True)
class Article:
    """A normalized article: clean text, metadata and the clean->raw offset map."""

    article_id: str
    source_key: str
    path: str
    raw_text: str
    clean_text: str
    raw_starts: tuple[int, ...]  # raw start offset of each clean character
    raw_ends: tuple[int, ...]  # raw end offset of each clean character
    fmt: str
    encoding: str
    source_id: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    url: str | None = None
    sections: tuple[Section, ...] = ()
    n_words: int = 0
    status: str = "ok"

    def raw_span(self, start: int, end: int) -> tuple[int | None, int | None]:
        """Raw offsets of clean_text[start:end]; None for an empty or unmapped span."""
        if start >= end or end > len(self.raw_starts):
            return None, None
        return self.raw_starts[start], self.raw_ends[end - 1]


@dataclass(frozen=True)
class Mention:
    id: str
    text: str
    start: int
    end: int
    raw_start: int | None
    raw_end: int | None
    label: str  # the label the model or a rule gave this mention


@dataclass(frozen=True)
class Entity:
    """An article-level canonical entity and its mentions."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Quantity:
    id: str
    text: str
    start: int
    end: int
    raw_start: int | None
    raw_end: int | None
    value: float | None
    low: float | None = None
    high: float | None = None
    qualifier: str = "exact"
    change: str | None = None
    unit: str | None = None
    unit_family: str | None = None
    per_unit: str | None = None
    scale: str | None = None
    subject: str | None = None
    subject_entity_id: str | None = None
    time_scope: str | None = None
    measure: str | None = None
    sentence: str | None = None
    verb: str | None = None  # lemma of the clause's verb ("died", "were injured"): what happened to the counted


@dataclass(frozen=True)
class TimeExpr:
    id: str
    text: str
    start: int
    end: int
    raw_start: int | None
    raw_end: int | None
    type: str  # DATE | TIME | DURATION | SET
    value: str | None
    start_date: str | None = None
    end_date: str | None = None
    granularity: str | None = None
    anchored: bool = True


@dataclass(frozen=True)
class Event:
    id: str
    text: str
    start: int
    end: int
    raw_start: int | None
    raw_end: int | None
    trigger: str
    date: str | None
    trigger_start: int | None = None  # clean-text offsets of the trigger word
    trigger_end: int | None = None
    date_stated: bool = False  # the date is written out, not relative to the dateline ("Friday")
    theme: str | None = None  # lemma of what the event happens to: its object, else its subject
    start_date: str | None = None
    end_date: str | None = None
    actors: tuple[dict[str, Any], ...] = ()
    quantities: tuple[str, ...] = ()
    status: str = "occurred"


@dataclass(frozen=True)
class ArticleExtraction:
    """Everything extracted from one article; plain records, no spaCy objects."""

    article_id: str
    entities: tuple[Entity, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    events: tuple[Event, ...] = ()


@dataclass(frozen=True)
class Processed:
    """An article with its extraction, ready to store."""

    doc: RawDocument
    article: Article
    extraction: ArticleExtraction
