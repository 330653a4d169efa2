"""The database -> the report's records, read in batches so memory does not grow with the corpus."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import duckdb
from markupsafe import Markup

from ..store import store
from .rows import (ArticleDoc, ConflictRow, ConflictSide, EntityRow, FactRow, IngestErrorRow, Overview, Quote,
                   Report, StoryArticle, StoryRow, TimelineEvent)


TOP_ENTITIES = 100


ARTICLE_BATCH = 100  # articles fetched per query, so memory does not grow with the corpus


CONTEXT_CHARS = 300  # characters read either side of a quote to find its sentence


KINDS = ("ent", "qty", "tim", "cut")  # span kinds in the article JSON, indexed by number


_SENTENCE_END = re.compile(r"(?:[.!?。！？](?=\s)|\n)")


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
    with store.Store(db_path, read_only=True) as database:
        con = database.con
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


def read_report(db_path: str | Path) -> Report:
    """Everything but the article texts, which `iter_articles` streams while the page is written."""
    with store.Store(db_path, read_only=True) as database:
        con = database.con
        return Report(read_overview(con, db_path), read_timeline(con), read_entities(con), read_facts(con),
                      read_stories(con), read_conflicts(con), iter_articles(db_path))


def json_for_script(obj: Any) -> Markup:
    """JSON that is safe inside <script type="application/json">: no `<` at all, so no `</script>`."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
