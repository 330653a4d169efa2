"""Reconciliation: one fact per real-world fact, with all its sources; conflicts flagged.

The passes, in order (modules of this package):
1. Items (items.py): stored quantities (with their corpus entity) and dated events.
2. Blocking (blocking.py): quantities by (subject entity, unit family, time scope) and by
   value; only items in one block are compared, a large block by sorted neighbourhood, so
   the cost grows with the number of items, not its square.
3. Same fact (rules.py): measures alike and values compatible once in one unit (currencies
   to USD by year, config/fx_rates.csv), at the precision they were stated, with
   approximations and bounds.
4. Article links (links.py), then stories (stories.py): the articles on one happening.
5. Within a story, weaker evidence merges figures, and events with one trigger and nested
   dates are one event.
6. Conflicts (conflicts.py): the same statement with values or written-out dates that cannot
   both hold, within one story, each with why.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb

from ..config import Settings, load_settings
from ..records import content_id
from .blocking import WINDOW, Clusters, blocks_of, first_block, groups_of, neighbours, value_key
from .conflicts import conflict_rows
from .items import Item, load_fx, load_items, load_synonyms
from .links import article_components, article_links
from .rules import (APPROX_TOLERANCE, STORY_SENTENCE_ALIKE, disagree, distinctive, events_alike, half_step,
                    item_bounds, measure_head, measures_alike, needs_alike_sentences, same_unit, sentences_alike,
                    unit_says_what, values_compatible, words_compatible)
from .stories import build_stories, stopwords_for


def reconcile(con: duckdb.DuckDBPyConnection, fx_path: Path, units_path: Path | None = None, *,
              settings: Settings | None = None) -> dict[str, int]:
    """Rebuild facts, fact_sources, conflicts, article_links and stories from the stored items.

    The cyclic garbage collector is paused meanwhile: the items make no cycles, and its
    full passes over hundreds of thousands of live objects made the cost superlinear.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _reconcile(con, fx_path, load_synonyms(units_path), settings or load_settings())
    finally:
        if enabled:
            gc.enable()


def _reconcile(con: duckdb.DuckDBPyConnection, fx_path: Path, synonyms: dict[str, str],
               settings: Settings) -> dict[str, int]:
    fx = load_fx(fx_path)
    items = load_items(con, synonyms)
    blocks: dict[tuple, list[Item]] = defaultdict(list)
    by_value: dict[str, list[tuple[float, Item]]] = defaultdict(list)
    for it in items:
        for key in blocks_of(it):
            blocks[key].append(it)
        unit_value = value_key(it, fx)
        if unit_value is not None:
            by_value[unit_value[0]].append((unit_value[1], it))
    uf = Clusters(items)
    conflicts: list[tuple[Item, Item, str]] = []
    for key, members in blocks.items():
        for a, b in neighbours(members, lambda m: (measure_head(m), item_bounds(m, fx)[0][:2], m.article_id)):
            if a.article_id == b.article_id or not measures_alike(a, b):
                continue  # one article states a figure once; repeats inside it are not sources
            if values_compatible(a, b, fx):
                if needs_alike_sentences(a, b) and not sentences_alike(a, b):
                    continue
                uf.union(a.id, b.id)
            elif a.entity_id and a.family == b.family and (same_unit(a, b) or a.family == "currency") \
                    and measure_head(a) == measure_head(b) and sentences_alike(a, b):
                conflicts.append((a, b, "value"))  # the same statement, another figure
    for ranked in by_value.values():  # the same figure: the same fact if the two sentences say alike things
        ranked.sort(key=lambda xv: (xv[0], xv[1].article_id))
        for i, (x, a) in enumerate(ranked):
            for y, b in ranked[i + 1:i + 1 + WINDOW]:
                if y > x * (1 + APPROX_TOLERANCE):
                    break
                if a.article_id == b.article_id or (needs_alike_sentences(a, b) and not sentences_alike(a, b)):
                    continue
                if (measures_alike(a, b) or sentences_alike(a, b)) and values_compatible(a, b, fx):
                    uf.union_apart(a, b)
    links = article_links(con, groups_of(items, uf))
    components = article_components(links)
    names = dict(con.execute("SELECT entity_id, name FROM entities").fetchall())
    stories, story_articles = build_stories(con, settings.stories, stopwords_for(settings.config_dir),
                                            components, names)
    story_of = {r["article_id"]: r["story_id"] for r in story_articles}
    events: dict[tuple, list[Item]] = defaultdict(list)  # one happening's events: same story, same trigger
    for it in items:
        if it.kind == "event":
            events[(story_of.get(it.article_id, it.article_id), it.measure)].append(it)
    published = dict(con.execute("SELECT article_id, CAST(published AS DATE) FROM articles").fetchall())
    _story_quantities(items, story_of, uf, fx, conflicts, published)
    for members in events.values():
        for a, b in neighbours(members, lambda m: (m.extra["start"] or date.min, m.article_id)):
            if a.article_id == b.article_id:
                continue
            same, clash = events_alike(a, b)
            if same:
                uf.union(a.id, b.id)
            elif clash:
                conflicts.append((a, b, "date"))
    groups = groups_of(items, uf)
    fact_of: dict[str, str] = {}
    facts, sources = [], []
    for members in groups.values():
        rep = min(members, key=lambda m: (m.unit is None, m.article_id, m.start))  # a stated unit over a bare amount
        fid = content_id("fact", rep.kind, first_block(rep), ",".join(sorted(m.id for m in members)[:1]))
        for m in members:
            fact_of[m.id] = fid
        arts = {m.article_id for m in members}
        facts.append({
            "fact_id": fid, "kind": rep.kind, "subject_entity_id": rep.entity_id, "measure": rep.measure or None,
            "value": rep.value, "low": rep.low, "high": rep.high, "unit": rep.unit, "time_scope": rep.scope,
            "n_sources": len(arts), "n_independent_sources": len({components.get(a, a) for a in arts}),
        })
        sources.extend({"fact_id": fid, "article_id": m.article_id, "item_id": m.id, "quote": m.quote,
                        "start_char": m.start, "end_char": m.end} for m in members)
    conflict_list = conflict_rows(conflicts, fact_of, sources, story_of, fx)
    _write(con, facts, sources, conflict_list, links, stories, story_articles)
    return {"facts": len(facts), "fact_sources": len(sources), "conflicts": len(conflict_list),
            "article_links": len(links), "stories": len(stories)}


def _story_quantities(items: list[Item], story_of: dict[str, str], uf: Clusters, fx: dict,
                      conflicts: list[tuple[Item, Item, str]], published: dict[str, date | None]) -> None:
    """Figures of one story: one happening, so weaker evidence suffices.

    Compared within (story, unit) by sorted value, each with its next WINDOW (linear). Two
    figures from two articles with compatible values and one time scope are one fact when
    both are distinctive as stated (41,212; 6.4; $612 million), or, with no two named
    subjects, when their measures or sentences agree, or their unit says what was measured
    and their measure words do not contradict each other. Incompatible values are a conflict when `disagree` says so and the
    sentences are alike."""
    by_story: dict[tuple, list[tuple[float, Item]]] = defaultdict(list)
    for it in items:
        if it.kind != "quantity":
            continue
        uv = value_key(it, fx)
        if uv is None:
            continue
        key = "count" if it.family in (None, "count") else uv[0]  # "6.4 quake", "6.4-magnitude", "6.4"
        by_story[(story_of.get(it.article_id, it.article_id), key)].append((uv[1], it))
    for ranked in by_story.values():
        ranked.sort(key=lambda xv: (xv[0], xv[1].article_id))
        for i, (x, a) in enumerate(ranked):
            for y, b in ranked[i + 1:i + 1 + WINDOW]:
                if a.article_id == b.article_id:
                    continue
                same_subject = not (a.entity_id and b.entity_id and a.entity_id != b.entity_id)
                one_scope = bool(a.scope) != bool(b.scope)  # a scope stated on one side only
                if (a.scope or "") != (b.scope or "") and not one_scope:
                    # two years, often one the parse attached to the figure ("the 4.7-kilometre
                    # bridge, begun in 2019"): one fact only when the figure itself is distinctive
                    # and said of one subject; never a conflict
                    if same_subject and a.qualifier == b.qualifier == "exact" and distinctive(a.value) \
                            and distinctive(b.value) and same_unit(a, b) and values_compatible(a, b, fx):
                        uf.union_apart(a, b)
                    continue
                if (a.unit or "").lower() != (b.unit or "").lower() and a.family in (None, "count"):
                    # counts of differently named things: one figure only if distinctive as stated
                    if a.qualifier == b.qualifier == "exact" and distinctive(a.value) and distinctive(b.value) \
                            and abs(a.value - b.value) <= max(half_step(a.value), half_step(b.value)):
                        uf.union_apart(a, b)
                    continue
                if values_compatible(a, b, fx):
                    if distinctive(a.value) and distinctive(b.value) \
                            or same_subject and (measures_alike(a, b) or sentences_alike(a, b)) \
                            or same_subject and words_compatible(a, b) and unit_says_what(a):
                        uf.union_apart(a, b)
                elif same_subject and not one_scope and disagree(a, b, x, y, published) \
                        and sentences_alike(a, b, STORY_SENTENCE_ALIKE):
                    conflicts.append((a, b, "value"))


def _write(con, facts, sources, conflicts, links, stories, story_articles) -> None:
    from ..store.store import replace_tables

    replace_tables(con, {"facts": facts, "fact_sources": sources, "conflicts": conflicts, "article_links": links,
                         "stories": stories, "story_articles": story_articles})
