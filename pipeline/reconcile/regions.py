"""Regions: the parts of the corpus reconciliation can redo alone, so a batch costs what it touches.

Two articles are related when their story vectors (stories.py) are similar enough to be evidence
(`min_edge`, `max_days_apart`, blocked on a feature at most `max_postings` articles hold). A
region is a connected group of related articles. Every comparison reconciliation makes (facts,
copies, stories, events, conflicts) is between articles of one region, and a vector depends on
its article alone (weights from the language, not the corpus), so the rows of a region depend
on its articles only: reconciling region by region, in any batches, gives what one pass gives.

What a batch touches, from the state kept with the facts (`reconcile_articles`: each article's
signature and region; `story_postings`: each article's features):
- its new, replaced, rewritten or relinked articles (the signature covers the text, the run
  that wrote the article and its corpus entity ids, which cross-article linking may change)
  and the removed ones;
- the articles related to them, and every article of the regions all these were in
  (a region may grow, merge with another or split);
- the holders of a feature whose count crossed `max_postings` (it starts or stops making pairs).
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pyarrow as pa

from ..records import content_id
from .blocking import UnionFind


def signatures(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """article -> hash of its id, the run that wrote it (a `--force` rewrite keeps the id but
    may change its items) and its (article entity -> corpus entity) pairs."""
    return dict(con.execute("""
        SELECT a.article_id,
               md5(a.article_id || '|' || coalesce(a.run_id, '') || '|'
                   || coalesce(string_agg(m.pair, ',' ORDER BY m.pair), ''))
        FROM articles a
        LEFT JOIN (SELECT DISTINCT article_id, article_entity_id || '=' || entity_id AS pair FROM mentions) m
               USING (article_id)
        GROUP BY a.article_id, a.run_id""").fetchall())


def stored_state(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    """article -> (signature, region_id) as of the last reconciliation."""
    return {a: (s, r) for a, s, r in con.execute(
        "SELECT article_id, signature, region_id FROM reconcile_articles").fetchall()}


def changed(state: dict[str, tuple[str, str]], now: dict[str, str]) -> tuple[set[str], set[str]]:
    """(articles to extract features for: new or relinked, articles gone or relinked)."""
    dirty = {a for a, sig in now.items() if a not in state or state[a][0] != sig}
    gone = {a for a, (sig, _) in state.items() if a not in now or now[a] != sig}
    return dirty, gone


def replace_postings(con: duckdb.DuckDBPyConnection, vectors: dict[str, dict[str, float]],
                     drop: set[str], max_postings: int) -> set[str]:
    """Swap the postings of `drop` for those of `vectors`; return the articles holding a feature
    whose count crossed max_postings (its pairs appear or vanish)."""
    new_feats = {k for v in vectors.values() for k in v}
    old_feats = {r[0] for r in con.execute(
        "SELECT DISTINCT feature FROM story_postings WHERE article_id IN (SELECT unnest(?))", [list(drop)]).fetchall()}
    feats = sorted(new_feats | old_feats)
    before = feature_counts(con, feats)
    con.execute("DELETE FROM story_postings WHERE article_id IN (SELECT unnest(?))", [list(drop | set(vectors))])
    insert_postings(con, vectors)
    after = feature_counts(con, feats)
    crossed = [k for k in feats if (before.get(k, 0) <= max_postings) != (after.get(k, 0) <= max_postings)]
    if not crossed:
        return set()
    return {r[0] for r in con.execute(
        "SELECT DISTINCT article_id FROM story_postings WHERE feature IN (SELECT unnest(?))", [crossed]).fetchall()}


def insert_postings(con: duckdb.DuckDBPyConnection, vectors: dict[str, dict[str, float]]) -> None:
    rows = [(k, a) for a, v in vectors.items() for k in v]
    if not rows:
        return
    table = pa.table({"feature": [r[0] for r in rows], "article_id": [r[1] for r in rows]})
    con.register("_facts_postings", table)
    con.execute("INSERT INTO story_postings SELECT feature, article_id FROM _facts_postings")
    con.unregister("_facts_postings")


def feature_counts(con: duckdb.DuckDBPyConnection, features: list[str]) -> dict[str, int]:
    """How many stored articles hold each feature (the whole corpus: blocking's cutoff)."""
    if not features:
        return {}
    return dict(con.execute(
        "SELECT feature, count(*) FROM story_postings WHERE feature IN (SELECT unnest(?)) GROUP BY feature",
        [features]).fetchall())


def candidates(con: duckdb.DuckDBPyConnection, articles: set[str], max_postings: int) -> set[str]:
    """Articles sharing with these a feature that makes pairs (held by 2..max_postings articles):
    the only ones that may be related to them (stories.similarities decides)."""
    if not articles:
        return set()
    return {r[0] for r in con.execute("""
        WITH mine AS (SELECT DISTINCT feature FROM story_postings WHERE article_id IN (SELECT unnest(?))),
             usable AS (SELECT p.feature FROM story_postings p JOIN mine USING (feature)
                        GROUP BY p.feature HAVING count(*) BETWEEN 2 AND ?)
        SELECT DISTINCT p.article_id FROM story_postings p JOIN usable USING (feature)""",
        [list(articles), max_postings]).fetchall()}


def members_of(state: dict[str, tuple[str, str]], articles: set[str]) -> set[str]:
    """Every article of the regions these articles were in."""
    regions = {state[a][1] for a in articles if a in state}
    return {a for a, (_, r) in state.items() if r in regions}


def regions_of(ids: list[str], edges) -> dict[str, str]:
    """article -> region id (content id of its first article) over these edges."""
    uf = UnionFind()
    for a in ids:
        uf.find(a)
    for a, b in edges:
        uf.union(a, b)
    groups: dict[str, list[str]] = defaultdict(list)
    for a in ids:
        groups[uf.find(a)].append(a)
    return {a: content_id("region", min(g)) for g in groups.values() for a in g}
