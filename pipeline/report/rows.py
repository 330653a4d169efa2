"""The report's typed records: what the readers give the renderer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from markupsafe import Markup


@dataclass(frozen=True)
class IngestErrorRow:
    path: str
    line: int | None
    error: str
    message: str


@dataclass(frozen=True)
class Overview:
    database: str
    n_articles: int
    outlets: list[tuple[str, int]]
    first: date | None
    last: date | None
    undated: int
    counts: dict[str, int]
    errors: list[IngestErrorRow]


@dataclass(frozen=True)
class TimelineEvent:
    event_id: str
    article_id: str
    start: date
    end: date  # exclusive
    date: str  # the TimeML value as stored
    granularity: str  # day | month | quarter | half | year | years, from the length of the period
    trigger: str
    actors: list[str]
    status: str | None
    text: str
    title: str | None
    start_char: int
    end_char: int


@dataclass(frozen=True)
class EntityRow:
    name: str
    type: str
    aliases: list[str]
    n_articles: int
    n_mentions: int


@dataclass(frozen=True)
class Quote:
    """A quoted span with the rest of its sentence, cut exactly at the stored offsets."""

    article_id: str
    title: str | None
    before: str
    quote: str
    after: str
    start_char: int
    end_char: int


@dataclass(frozen=True)
class FactRow:
    fact_id: str
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    subject: str | None
    measure: str | None
    time_scope: str | None
    n_sources: int
    n_independent: int
    quotes: list[Quote] = field(default_factory=list)


@dataclass(frozen=True)
class ConflictSide:
    fact_id: str
    value: float | None
    unit: str | None
    time_scope: str | None  # the date an event fact is placed at
    quote: str | None
    sources: list[Quote]


@dataclass(frozen=True)
class StoryArticle:
    article_id: str
    title: str | None
    outlet: str | None
    published: date | None


@dataclass(frozen=True)
class StoryRow:
    """Articles that report one happening, with the span of their publication dates."""

    story_id: str
    label: str | None
    first: date | None
    last: date | None
    n_articles: int
    n_independent: int
    articles: list[StoryArticle]


@dataclass(frozen=True)
class ConflictRow:
    conflict_id: str
    reason: str
    kind: str | None  # contradiction, update (a later report raised a count), rounding
    detail: str | None
    measure: str | None
    subject: str | None
    a: ConflictSide
    b: ConflictSide


@dataclass(frozen=True)
class ArticleDoc:
    """One article's header, and its text and spans as a JSON string for the page script."""

    article_id: str
    title: str | None
    outlet: str | None
    published: date | None
    path: str | None
    n_words: int | None
    n_items: dict[str, int]
    payload: Markup


@dataclass(frozen=True)
class Report:
    overview: Overview
    timeline: list[TimelineEvent]
    entities: list[EntityRow]
    facts: list[FactRow]
    stories: list[StoryRow]
    conflicts: list[ConflictRow]
    articles: Iterable[ArticleDoc]  # read lazily while the page is written
