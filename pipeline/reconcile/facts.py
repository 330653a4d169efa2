"""Reconciliation: one fact per real-world fact, with all its sources; conflicts flagged.

What is redone (regions.py): the regions a batch touches (related articles), or all of them
with `full`; every comparison below is between articles of one region, so the result does not
depend on how the corpus was split into batches.

The passes, in order (modules of this package):
1. Items (items.py): stored quantities (with their corpus entity, clause verb and measure
   class) and dated events (with the time expression that dates them).
2. Shared figures across a region (blocking.py, rules.py): the same figure in alike
   statements; evidence only for article links (links.py: copies, restatements), so that
   copies count once.
3. Stories (stories.py): the articles on one happening.
4. Facts (grouping.py, frames.py): within a story, items joined by a model learned on the
   ECB+ training topics (config/fact_model.toml), never chaining two values that cannot both
   hold; across stories only with one stated subject and time scope.
5. Conflicts (conflicts.py): pairs of one frame whose values or dates cannot both hold, within
   one story, each with its kind and why.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

import duckdb

from ..config import Settings, load_settings
from ..records import content_id
from ..store.store import insert_rows, read_state, transaction, write_state
from . import regions
from .blocking import WINDOW, Clusters, blocks_of, first_block, groups_of, neighbours, value_key
from .conflicts import conflict_rows
from .items import Item, load_fx, load_items, load_measure_classes, load_synonyms
from .links import article_components, article_links
from .frames import measure_key
from .grouping import FactModel, group
from .rules import (Matching, item_bounds, measure_head, measures_alike, needs_alike_sentences,
                    sentences_alike, values_compatible)
from ..text.stopwords import stopwords_for
from .stories import build_stories, load_features, similarities


@lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    """The code that decides what merges (this package, name keys, text helpers): any change to it
    makes the stored facts stale, with no number to remember to raise."""
    root = Path(__file__).resolve().parent.parent
    sources = sorted([*root.joinpath("reconcile").glob("*.py"), root / "names.py", *root.joinpath("text").glob("*.py")])
    return content_id("rules", *(f"{p.name}\n{p.read_text(encoding='utf-8')}" for p in sources))


def _model_path(settings: Settings) -> Path:
    """The learned fact model of the run's config folder (config/fact_model.toml)."""
    return Path(settings.config_dir) / "fact_model.toml"

_OUTPUT = ("facts", "fact_sources", "conflicts", "article_links", "stories", "story_articles")


def reconcile(con: duckdb.DuckDBPyConnection, fx_path: Path, units_path: Path | None = None, *,
              settings: Settings | None = None, full: bool = False) -> dict[str, int]:
    """Bring facts, fact_sources, conflicts, article_links and stories up to date with the stored
    articles, in one transaction: only the regions (regions.py) that new, replaced, removed or
    relinked articles touch are redone, or everything when `full` or when nothing was reconciled
    yet. Returns row counts of what was rebuilt, `reconciled_articles`, and `settings_changed`
    (1 when the matching settings differ from those the stored facts were built with: then only
    a full rebuild applies them everywhere).

    The cyclic garbage collector is paused meanwhile: the items make no cycles, and its
    full passes over hundreds of thousands of live objects made the cost superlinear.
    """
    settings = settings or load_settings()
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _reconcile(con, fx_path, units_path, settings, full)
    finally:
        if enabled:
            gc.enable()


def matching_fingerprint(settings: Settings, fx_path: Path, units_path: Path | None) -> str:
    """What the merging depends on besides the articles: settings, unit and rate tables, rules."""
    files = [Path(p).read_bytes().decode("utf-8", "replace") for p in (fx_path, units_path, _model_path(settings))
             if p and Path(p).exists()]
    return content_id("matching", rules_fingerprint(), repr(settings.stories), repr(settings.reconcile), *files)


def _reconcile(con: duckdb.DuckDBPyConnection, fx_path: Path, units_path: Path | None, settings: Settings,
               full: bool) -> dict[str, int]:
    st = settings.stories
    stops = stopwords_for(settings.config_dir)
    fingerprint = matching_fingerprint(settings, fx_path, units_path)
    stored = read_state(con, "reconcile_settings")
    now = regions.signatures(con)
    state = regions.stored_state(con)
    full = full or not state or not stored
    with transaction(con):
        if full:
            gone = set(state)
            vectors, info, names = load_features(con, st, stops)
            con.execute("DELETE FROM story_postings")
            regions.insert_postings(con, vectors)
            scope = set(vectors)
        else:
            dirty, gone = regions.changed(state, now)
            if not dirty and not gone:
                return {"reconciled_articles": 0, "settings_changed": int(stored != fingerprint)}
            new_vectors = load_features(con, st, stops, sorted(dirty))[0]
            crossed = regions.replace_postings(con, new_vectors, gone, st.max_postings)
            candidates = regions.candidates(con, dirty, st.max_postings)
            vectors, info, names = load_features(con, st, stops, sorted(candidates | dirty))
            df = regions.feature_counts(con, sorted({k for v in vectors.values() for k in v}))
            related = {x for pair in similarities(vectors, info, st, df, among=dirty) for x in pair}
            touched = dirty | crossed | related
            scope = (touched | regions.members_of(state, touched | gone)) & set(now)
            vectors, info, names = load_features(con, st, stops, sorted(scope))
        df = regions.feature_counts(con, sorted({k for v in vectors.values() for k in v}))
        sims = similarities(vectors, info, st, df)
        region_of = regions.regions_of(sorted(scope), sims)
        out = _facts(con, scope, region_of, vectors, info, names, sims, Matching(load_fx(fx_path), settings.reconcile), load_synonyms(units_path),
                     load_measure_classes(units_path), FactModel.load(_model_path(settings)), settings)
        _write(con, out, scope | gone, full)
        con.execute("DELETE FROM reconcile_articles WHERE article_id IN (SELECT unnest(?))", [list(scope | gone)])
        insert_rows(con, "reconcile_articles", [{"article_id": a, "signature": now[a], "region_id": region_of[a]}
                                                for a in sorted(scope)])
        if full:
            write_state(con, "reconcile_settings", fingerprint)
    counts = {table: len(rows) for table, rows in out.items()}
    counts["reconciled_articles"] = len(scope)
    counts["settings_changed"] = int(not full and stored != fingerprint)
    return counts


def _facts(con: duckdb.DuckDBPyConnection, scope: set[str], region_of: dict[str, str], vectors, info, names, sims,
           mt: Matching, synonyms: dict[str, str], classes: dict[str, str], model: FactModel,
           settings: Settings) -> dict[str, list[dict]]:
    """The reconciled rows of the articles in scope, every comparison within one region."""
    items = load_items(con, synonyms, sorted(scope), classes, near_chars=settings.reconcile.near_chars)
    blocks: dict[tuple, list[Item]] = defaultdict(list)
    by_value: dict[tuple, list[tuple[float, Item]]] = defaultdict(list)
    for it in items:
        region = region_of[it.article_id]
        for key in blocks_of(it):
            blocks[(region, *key)].append(it)
        unit_value = value_key(it, mt)
        if unit_value is not None:
            by_value[(region, unit_value[0])].append((unit_value[1], it))
    # Shared figures across a region: evidence that two articles restate each other (article
    # links, and so which sources are independent), found before stories exist. Facts themselves
    # are grouped afterwards, frame by frame, within stories (grouping.py).
    uf = Clusters(items)
    for key, members in blocks.items():
        for a, b in neighbours(members, lambda m: (measure_head(m), item_bounds(m, mt)[0][:2], m.article_id)):
            if a.article_id == b.article_id or not measures_alike(a, b, mt):
                continue  # one article states a figure once; repeats inside it are not sources
            if values_compatible(a, b, mt) and not (needs_alike_sentences(a, b) and not sentences_alike(a, b, mt)):
                uf.union(a.id, b.id)
    for ranked in by_value.values():  # the same figure: the same fact if the two sentences say alike things
        ranked.sort(key=lambda xv: (xv[0], xv[1].article_id))
        for i, (x, a) in enumerate(ranked):
            for y, b in ranked[i + 1:i + 1 + WINDOW]:
                if y > x * (1 + mt.settings.approx_tolerance):
                    break
                if a.article_id == b.article_id or (needs_alike_sentences(a, b) and not sentences_alike(a, b, mt)):
                    continue
                if (measures_alike(a, b, mt) or sentences_alike(a, b, mt)) and values_compatible(a, b, mt):
                    uf.union_apart(a, b)
    links = article_links(con, groups_of(items, uf), region_of, settings.reconcile)
    components = article_components(links)
    stories, story_articles = build_stories(sorted(scope), vectors, info, names, sims, settings.stories, components)
    story_of = {r["article_id"]: r["story_id"] for r in story_articles}
    published = {a: i.published for a, i in info.items()}
    group_of, candidates = group(items, story_of, mt, model, published)
    members_of: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        members_of[group_of[it.id]].append(it)
    fact_of: dict[str, str] = {}
    facts, sources = [], []
    for members in members_of.values():
        rep = min(members, key=lambda m: (m.unit is None, m.article_id, m.start))  # a stated unit over a bare amount
        fid = content_id("fact", rep.kind, first_block(rep), ",".join(sorted(m.id for m in members)[:1]))
        for m in members:
            fact_of[m.id] = fid
        arts = {m.article_id for m in members}
        stories_of = sorted({story_of.get(a) for a in arts if story_of.get(a)})
        facts.append({
            "fact_id": fid, "kind": rep.kind, "story_id": stories_of[0] if len(stories_of) == 1 else None,
            "subject_entity_id": rep.entity_id, "measure": measure_key(rep) or rep.measure or None,
            "value": rep.value, "low": rep.low, "high": rep.high, "unit": rep.unit, "time_scope": rep.scope,
            "n_sources": len(arts), "n_independent_sources": len({components.get(a, a) for a in arts}),
        })
        sources.extend({"fact_id": fid, "article_id": m.article_id, "item_id": m.id, "quote": m.quote,
                        "start_char": m.start, "end_char": m.end} for m in members)
    conflict_list = conflict_rows(candidates, fact_of, sources, story_of, mt)
    return {"facts": facts, "fact_sources": sources, "conflicts": conflict_list, "article_links": links,
            "stories": stories, "story_articles": story_articles}


def _write(con: duckdb.DuckDBPyConnection, out: dict[str, list[dict]], redone: set[str], full: bool) -> None:
    """Replace the rows of the redone articles (all rows when full) by `out`; the caller holds
    the transaction."""
    if full:
        for table in _OUTPUT:
            con.execute(f'DELETE FROM "{table}"')
    else:
        con.execute("CREATE TEMP TABLE _redone AS SELECT unnest(?) AS article_id", [sorted(redone)])
        con.execute("CREATE TEMP TABLE _old_facts AS SELECT DISTINCT fact_id FROM fact_sources "
                    "WHERE article_id IN (SELECT article_id FROM _redone)")
        con.execute("CREATE TEMP TABLE _old_stories AS SELECT DISTINCT story_id FROM story_articles "
                    "WHERE article_id IN (SELECT article_id FROM _redone)")
        con.execute("DELETE FROM conflicts WHERE fact_id_a IN (SELECT fact_id FROM _old_facts) "
                    "OR fact_id_b IN (SELECT fact_id FROM _old_facts)")
        con.execute("DELETE FROM fact_sources WHERE fact_id IN (SELECT fact_id FROM _old_facts)")
        con.execute("DELETE FROM facts WHERE fact_id IN (SELECT fact_id FROM _old_facts)")
        con.execute("DELETE FROM article_links WHERE article_id_a IN (SELECT article_id FROM _redone) "
                    "OR article_id_b IN (SELECT article_id FROM _redone)")
        con.execute("DELETE FROM story_articles WHERE story_id IN (SELECT story_id FROM _old_stories)")
        con.execute("DELETE FROM stories WHERE story_id IN (SELECT story_id FROM _old_stories)")
        for t in ("_redone", "_old_facts", "_old_stories"):
            con.execute(f"DROP TABLE {t}")
    for table in _OUTPUT:
        insert_rows(con, table, out[table])
