"""`facts report`: the database as one self-contained HTML page (no server, no network).

Reading and rendering are separate: `read_report` turns the database into typed
records, `render_report` streams them through the Jinja2 templates in
`pipeline/templates/`. Article texts are not rendered in Python: each article's
text and spans go into a JSON block that the page's script turns into highlighted
DOM only when the article is opened, so the page stays fast at thousands of
articles and the file grows linearly with the corpus.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .errors import ExportError
from .report_svg import TimelineMark, timeline_charts
from .store import store

TOP_ENTITIES = 100
ARTICLE_BATCH = 100  # articles fetched per query, so memory does not grow with the corpus
CONTEXT_CHARS = 300  # characters read either side of a quote to find its sentence
LINK_CHARS = 48  # longest source-link text
KINDS = ("ent", "qty", "tim", "cut")  # span kinds in the article JSON, indexed by number
_SENTENCE_END = re.compile(r"(?:[.!?。！？](?=\s)|\n)")


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


# ---------------------------------------------------------------- spans


def layout_spans(spans: Iterable[tuple[int, int, int, str]], length: int) -> list[tuple[int, int, int, str]]:
    """Keep spans that nest properly, so the page can never emit mis-nested tags.

    Sorted by start, longer first; a span that crosses the end of the one
    enclosing it is dropped (the outer, earlier span wins), as are empty or
    out-of-range spans. Identical duplicates are kept once.
    """
    kept: list[tuple[int, int, int, str]] = []
    stack: list[int] = []  # ends of the open spans
    seen: set[tuple[int, int, int]] = set()
    for s, e, k, label in sorted(spans, key=lambda x: (x[0], -x[1], x[2])):
        if s is None or e is None or not 0 <= s < e <= length or (s, e, k) in seen:
            continue
        while stack and stack[-1] <= s:
            stack.pop()
        if stack and e > stack[-1]:
            continue
        seen.add((s, e, k))
        stack.append(e)
        kept.append((s, e, k, label))
    return kept


def json_for_script(obj: Any) -> Markup:
    """JSON that is safe inside <script type="application/json">: no `<` at all, so no `</script>`."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# ---------------------------------------------------------------- reading


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def read_overview(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> Overview:
    tables = [t for t in store.USER_TABLES if t in set(store.table_names(con))]  # not the bookkeeping
    counts = {t: _rows(con, f'SELECT count(*) FROM "{t}"')[0][0] for t in tables}
    outlets = _rows(con, "SELECT coalesce(outlet, '(unknown)'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC, 1")
    lo, hi, undated = _rows(con, "SELECT min(published), max(published), "
                                 "count(*) FILTER (WHERE published IS NULL) FROM articles")[0]
    errors = [IngestErrorRow(*r) for r in _rows(
        con, "SELECT path, line, error, message FROM ingest_errors ORDER BY recorded_at, path, line")]
    return Overview(str(db_path), counts.get("articles", 0), [(o, n) for o, n in outlets], lo, hi, undated,
                    counts, errors)


def granularity(start: date, end: date) -> str:
    """The precision of a dated period, by its length: "late 2024" (Sep-Dec) is not a whole year."""
    days = (end - start).days
    for limit, name in ((1, "day"), (31, "month"), (92, "quarter"), (184, "half"), (366, "year")):
        if days <= limit:
            return name
    return "years"


def read_timeline(con: duckdb.DuckDBPyConnection) -> list[TimelineEvent]:
    rows = _rows(con, "SELECT t.event_id, t.article_id, t.start_date, coalesce(t.end_date, t.start_date + 1), t.date, "
                      "t.trigger, t.actors, t.status, t.text, coalesce(t.title, a.path), t.start_char, t.end_char "
                      "FROM v_timeline t JOIN articles a USING (article_id) "
                      "ORDER BY t.start_date, t.end_date, t.event_id")
    out = []
    for eid, aid, start, end, value, trigger, actors, status, text, title, s, e in rows:
        names = [a.get("name", "") for a in json.loads(actors)] if actors else []
        end = end if end > start else start
        out.append(TimelineEvent(eid, aid, start, end, value or "", granularity(start, end), trigger or "",
                                 names, status, text or "", title, s, e))
    return out


def read_entities(con: duckdb.DuckDBPyConnection, top: int = TOP_ENTITIES) -> list[EntityRow]:
    rows = _rows(con, "SELECT name, type, aliases, n_articles, n_mentions FROM entities "
                      "ORDER BY n_articles DESC, n_mentions DESC, name LIMIT ?", [top])
    return [EntityRow(n, t, [a for a in (al or []) if a != n], na, nm) for n, t, al, na, nm in rows]


def _sentence_cut(before: str, after: str) -> tuple[str, str]:
    """Trim the context windows to the sentence around the quote."""
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = before[ends[-1].end():]
    m = _SENTENCE_END.search(after)
    if m:
        after = after[:m.end()]
    return before.lstrip(), after.rstrip()


def _quotes_for(con: duckdb.DuckDBPyConnection, fact_ids: Sequence[str]) -> dict[str, list[Quote]]:
    """Each fact's sources, quote plus sentence, cut from clean_text in SQL (no whole text in Python)."""
    if not fact_ids:
        return {}
    rows = _rows(con, f"""
        SELECT fs.fact_id, fs.article_id, coalesce(a.title, a.path), fs.start_char, fs.end_char,
               substr(a.clean_text, greatest(fs.start_char - {CONTEXT_CHARS}, 0) + 1,
                      fs.start_char - greatest(fs.start_char - {CONTEXT_CHARS}, 0)),
               substr(a.clean_text, fs.start_char + 1, fs.end_char - fs.start_char),
               substr(a.clean_text, fs.end_char + 1, {CONTEXT_CHARS})
        FROM fact_sources fs JOIN articles a USING (article_id)
        WHERE fs.fact_id IN (SELECT unnest(?))
        ORDER BY fs.fact_id, a.published NULLS LAST, fs.article_id, fs.start_char""", [list(fact_ids)])
    out: dict[str, list[Quote]] = {}
    for fid, aid, title, s, e, before, quote, after in rows:
        b, a = _sentence_cut(before or "", after or "")
        out.setdefault(fid, []).append(Quote(aid, title, b, quote or "", a, s, e))
    return out


def read_facts(con: duckdb.DuckDBPyConnection) -> list[FactRow]:
    rows = _rows(con, "SELECT fact_id, value, low, high, unit, subject_name, measure, time_scope, n_sources, "
                      "n_independent_sources FROM v_facts WHERE kind = 'quantity' "
                      "ORDER BY n_independent_sources DESC, n_sources DESC, subject_name NULLS LAST, measure, fact_id")
    quotes = _quotes_for(con, [r[0] for r in rows])
    return [FactRow(*r, quotes=quotes.get(r[0], [])) for r in rows]


def read_conflicts(con: duckdb.DuckDBPyConnection) -> list[ConflictRow]:
    rows = _rows(con, "SELECT conflict_id, reason, kind, detail, measure, subject_name, fact_id_a, value_a, unit_a, "
                      "quote_a, fact_id_b, value_b, unit_b, quote_b FROM v_conflicts "
                      "ORDER BY reason, kind, subject_name, conflict_id")
    ids = sorted({r[6] for r in rows} | {r[10] for r in rows})
    quotes = _quotes_for(con, ids)
    scopes = dict(_rows(con, "SELECT fact_id, time_scope FROM facts WHERE fact_id IN (SELECT unnest(?))", [ids]))

    def side(fid, value, unit, quote) -> ConflictSide:
        sources = quotes.get(fid, [])
        matching = [q for q in sources if q.quote.strip() == (quote or "").strip()]
        return ConflictSide(fid, value, unit, scopes.get(fid), quote, matching or sources)

    return [ConflictRow(*r[:6], side(*r[6:10]), side(*r[10:14])) for r in rows]


def read_stories(con: duckdb.DuckDBPyConnection) -> list[StoryRow]:
    """Stories of more than one article first (most independent sources), each with its articles."""
    members: dict[str, list[StoryArticle]] = {}
    for sid, aid, title, outlet, published in _rows(
            con, "SELECT s.story_id, a.article_id, a.title, a.outlet, a.published FROM story_articles s "
                 "JOIN articles a USING (article_id) ORDER BY a.published NULLS LAST, a.path, a.article_id"):
        members.setdefault(sid, []).append(StoryArticle(aid, title, outlet, published))
    rows = _rows(con, "SELECT story_id, label, first_published, last_published, n_articles, n_independent_sources "
                      "FROM stories ORDER BY n_independent_sources DESC, n_articles DESC, first_published, story_id")
    return [StoryRow(*r, articles=members.get(r[0], [])) for r in rows]


def _article_doc(row: tuple, spans: dict[str, list], raw_spans: dict[str, list],
                 n_items: dict[str, dict[str, int]]) -> ArticleDoc:
    aid, title, outlet, published, path, n_words, clean, raw = row
    clean, raw = clean or "", raw or ""
    labels: dict[str, int] = {}  # each distinct hover label once per article; spans point at it

    def packed(items: list, length: int) -> list[tuple[int, int, int, int]]:
        return [(s, e, k, labels.setdefault(label, len(labels))) for s, e, k, label in layout_spans(items, length)]

    payload = {"clean": clean, "spans": packed(spans.get(aid, []), len(clean)),
               "raw": raw, "rawSpans": packed(raw_spans.get(aid, []), len(raw))}
    payload["labels"] = list(labels)
    return ArticleDoc(aid, title, outlet, published, path, n_words, n_items.get(aid, {}), json_for_script(payload))


def _spans_of(con: duckdb.DuckDBPyConnection, ids: list[str]) -> tuple[dict, dict, dict]:
    """Entity, quantity and time spans (clean and raw offsets) and section spans (raw) of some articles."""
    spans: dict[str, list] = {}
    raw_spans: dict[str, list] = {}
    n_items: dict[str, dict[str, int]] = {}
    queries = (
        (0, "SELECT article_id, start_char, end_char, raw_start, raw_end, "
            "coalesce(entity_name, text) || ' (' || coalesce(entity_type, label, '?') || ')' FROM mentions"),
        (1, "SELECT article_id, start_char, end_char, raw_start, raw_end, "
            "trim(concat_ws(' ', CAST(value AS VARCHAR), unit, CASE WHEN measure IS NOT NULL THEN '· ' || measure END)) "
            "FROM quantities"),
        (2, "SELECT article_id, start_char, end_char, raw_start, raw_end, "
            "concat_ws(' ', type, value) FROM times"),
    )
    for kind, sql in queries:
        for aid, s, e, rs, re_, label in _rows(con, sql + " WHERE article_id IN (SELECT unnest(?))", [ids]):
            spans.setdefault(aid, []).append((s, e, kind, label or ""))
            raw_spans.setdefault(aid, []).append((rs, re_, kind, label or ""))
            counts = n_items.setdefault(aid, {})
            counts[KINDS[kind]] = counts.get(KINDS[kind], 0) + 1
    for aid, s, e, label in _rows(con, "SELECT article_id, raw_start, raw_end, kind || coalesce(': ' || label, '') "
                                       "FROM sections WHERE article_id IN (SELECT unnest(?))", [ids]):
        raw_spans.setdefault(aid, []).append((s, e, 3, f"cut: {label}"))
    return spans, raw_spans, n_items


def iter_articles(db_path: str | Path, batch: int = ARTICLE_BATCH) -> Iterator[ArticleDoc]:
    """Articles in publication order, read in batches on their own read-only connection."""
    con = store.connect(db_path, read_only=True)
    try:
        ids = [r[0] for r in _rows(con, "SELECT article_id FROM articles ORDER BY published NULLS LAST, path, article_id")]
        for i in range(0, len(ids), batch):
            chunk = ids[i:i + batch]
            rows = {r[0]: r for r in _rows(
                con, "SELECT article_id, title, outlet, published, path, n_words, clean_text, raw_text FROM articles "
                     "WHERE article_id IN (SELECT unnest(?))", [chunk])}
            spans, raw_spans, n_items = _spans_of(con, chunk)
            for aid in chunk:
                if aid in rows:
                    yield _article_doc(rows[aid], spans, raw_spans, n_items)
    finally:
        con.close()


def read_report(db_path: str | Path) -> Report:
    """Everything but the article texts, which `iter_articles` streams while the page is written."""
    con = store.connect(db_path, read_only=True)
    try:
        return Report(read_overview(con, db_path), read_timeline(con), read_entities(con), read_facts(con),
                      read_stories(con), read_conflicts(con), iter_articles(db_path))
    finally:
        con.close()


# ---------------------------------------------------------------- rendering


def fmt_number(v: float | None) -> str:
    """A figure as people write it: 1,590 / 16.4 billion / 0.12."""
    if v is None:
        return ""
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(v) >= size:
            return f"{v / size:,.3f}".rstrip("0").rstrip(".") + " " + word
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.4f}".rstrip("0").rstrip(".")


def short_label(text: str | None, limit: int = LINK_CHARS) -> str:
    """A source link's text: titles repeat on every quote, so they are cut to keep the page small."""
    text = text or "source"
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def fact_value(f: FactRow) -> str:
    if f.value is None and f.low is not None and f.high is not None:
        return f"{fmt_number(f.low)}–{fmt_number(f.high)}"
    return fmt_number(f.value)


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("pipeline", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = fmt_number
    env.filters["short"] = short_label
    env.globals["fact_value"] = fact_value
    return env


def _timeline_marks(events: Sequence[TimelineEvent]) -> list[TimelineMark]:
    return [TimelineMark(e.event_id, e.start, e.end, e.granularity,
                         f"{e.date} · {e.trigger}" + (f" · {', '.join(e.actors)}" if e.actors else ""))
            for e in events]


def render_report(report: Report) -> Iterator[str]:
    """The page, in pieces (articles are read while it is written)."""
    template = _environment().get_template("report.html.j2")
    return template.generate(r=report, charts=timeline_charts(_timeline_marks(report.timeline)), kinds=KINDS)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a read-only place: there is nothing of ours to remove
        pass


def write_report(db_path: str | Path, out_path: str | Path) -> Path:
    """Build the report of the database at db_path into out_path; returns the path written."""
    out = Path(out_path)
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give the report's file name (e.g. {out / 'report.html'})")
    report = read_report(db_path)
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as fh:
            for piece in render_report(report):
                fh.write(piece)
        tmp.replace(out)
    except OSError as exc:
        _remove(tmp)
        raise ExportError(f"{out}: cannot be written ({exc.strerror or exc})") from None
    except BaseException:
        _remove(tmp)
        raise
    return out
