"""The stored name index that tells which link decisions a batch of articles can change.

Cross-article linking (entities.py) decides, per article, whether an article entity joins
another name. That decision reads only: the article's cast; the entity's candidates (names it
is a short form, alias or acronym of) with everything stored about them (their votes, their
articles' casts); and spelling roots, which depend on the names a few letters away. So when a
batch adds or removes articles, the decisions that can change are those of

- the entities the batch's articles name (T),
- the entities that have one of them as a candidate (their candidate's context changed),
- the entities within spelling distance of T (a change of size reorders who joins whom), and
  those that have one of these as a candidate (the target's root may move).

`link_keys` holds, per (article, article entity), the keys that find these relations by lookup:
`key` (the entity's own keys, one per name the article gives it), `long` (the keys it is a
longer form of: its token suffixes, its head before "of", its initials, its surfaces' keys) and
`sp` (its spelling block and length, with the key); and one `run` row per article, the run
that wrote the version indexed (a `--force` rewrite keeps the id, not the run). The relations
found are a superset of those the linker uses (group and place rules are left to it), which
only costs a few extra decisions.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb
import pyarrow as pa
from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..config import LinkSettings
from ..names import entity_key, initials, person_cores

_OF_HEAD = " of "


def key_rows(article_id: str, entity: str, names: Iterable[str], texts: Iterable[str],
             settings: LinkSettings, person: bool = False) -> set[tuple[str, str, str, str, str]]:
    """(article, entity, kind, value, key) rows for one article entity."""

    out = set()
    if person:  # people who share a surname or a given name may be one person ("person" rows)
        for n in names:
            cores = person_cores(n)
            for core in cores:
                out.add((article_id, entity, "person", "s:" + core[-1], " ".join(core)))
                if len(core) == 2:
                    out.add((article_id, entity, "person", "f:" + core[0], " ".join(core)))
            k = entity_key(n)
            if not cores and k and " " not in k:  # a bare given name
                out.add((article_id, entity, "person", "f:" + k, k))
    keys = {k for k in (entity_key(n) for n in names) if k}
    for k in keys:
        out.add((article_id, entity, "key", k, k))
        toks = k.split()
        for i in range(1, len(toks)):
            out.add((article_id, entity, "long", " ".join(toks[i:]), k))
        if _OF_HEAD in k:
            out.add((article_id, entity, "long", k.split(_OF_HEAD, 1)[0], k))
        if len(k) >= settings.spelling_min_chars:  # the linker's block, cut by length
            out.add((article_id, entity, "sp", f"{len(toks)}:{k[:2]}:{len(k)}", k))
    for n in names:
        ini = initials(n)
        if ini:
            out.add((article_id, entity, "long", ini.casefold(), ini.casefold()))
    for t in texts:
        k = entity_key(t)
        if k:
            out.add((article_id, entity, "long", k, k))
    return out


def index_articles(con: duckdb.DuckDBPyConnection, articles: list[str], settings: LinkSettings) -> None:
    """Add the key rows of these articles (read from `mentions`)."""
    if not articles:
        return
    people = {t for g in settings.type_groups if "PERSON" in g.split() for t in g.split()}
    got: dict[tuple[str, str], tuple[set[str], set[str], set[str]]] = {}
    for aid, ent, name, text, kind in con.execute(
            "SELECT DISTINCT article_id, article_entity_id, entity_name, text, entity_type FROM mentions "
            "WHERE article_id IN (SELECT unnest(?))", [articles]).fetchall():
        names, texts, kinds = got.setdefault((aid, ent), (set(), set(), set()))
        names.add(name or "")
        texts.add(text or "")
        kinds.add(kind or "")
    rows = [r for (aid, ent), (names, texts, kinds) in got.items()
            for r in key_rows(aid, ent, names, texts, settings, person=bool(kinds & people))]
    rows += con.execute("SELECT article_id, '', 'run', run_id, '' FROM articles "  # which version was indexed
                        "WHERE article_id IN (SELECT unnest(?))", [articles]).fetchall()
    if not rows:
        return
    cols = ("article_id", "article_entity_id", "kind", "value", "key")
    con.register("_facts_link_keys", pa.table(dict(zip(cols, map(list, zip(*rows))))))
    con.execute("INSERT INTO link_keys SELECT * FROM _facts_link_keys")
    con.unregister("_facts_link_keys")


def shorts_of(con: duckdb.DuckDBPyConnection, entities: set[str]) -> set[str]:
    """Entities that have one of these as a candidate (their key is a longer form's key)."""
    return _matching(con, entities, mine="long", theirs="key")


def candidates_of(con: duckdb.DuckDBPyConnection, entities: set[str]) -> set[str]:
    """Entities one of these may join (they are a longer form of its key)."""
    return _matching(con, entities, mine="key", theirs="long")


def same_person(con: duckdb.DuckDBPyConnection, entities: set[str]) -> set[str]:
    """People who share a surname or a given name with one of these (the person relations of the
    linker are candidates both ways)."""
    return _matching(con, entities, mine="person", theirs="person")


def spelling_neighbours(con: duckdb.DuckDBPyConnection, entities: set[str], settings: LinkSettings) -> set[str]:
    """Every entity connected to one of these by a chain of names at most `max_spelling_edits`
    apart in one spelling block: the linker's root choice for any of them reads only these.
    A name is compared only with the names of its block whose length is within that many."""
    edits = settings.max_spelling_edits
    reached, frontier = set(entities), set(entities)
    while frontier:
        mine = con.execute("SELECT DISTINCT value, key FROM link_keys WHERE kind = 'sp' "
                           "AND article_entity_id IN (SELECT unnest(?))", [sorted(frontier)]).fetchall()
        wanted = {f"{v.rsplit(':', 1)[0]}:{n}" for v, k in mine for n in range(len(k) - edits, len(k) + edits + 1)}
        block: dict[str, list[tuple[str, str]]] = {}
        for value, ent, key in con.execute(
                "SELECT DISTINCT value, article_entity_id, key FROM link_keys WHERE kind = 'sp' "
                "AND value IN (SELECT unnest(?))", [sorted(wanted)]).fetchall():
            block.setdefault(value.rsplit(":", 1)[0], []).append((ent, key))
        frontier = set()
        for value, key in mine:
            members = block.get(value.rsplit(":", 1)[0], [])
            for _, _, i in process.extract(key, [m[1] for m in members], scorer=OSA.distance,
                                           score_cutoff=edits, limit=None):
                if members[i][0] not in reached:
                    frontier.add(members[i][0])
        reached |= frontier
    return reached


def _matching(con: duckdb.DuckDBPyConnection, entities: set[str], mine: str, theirs: str) -> set[str]:
    """Entities whose `theirs` rows hold a value one of these entities' `mine` rows hold."""
    if not entities:
        return set()
    return {r[0] for r in con.execute("""
        SELECT DISTINCT article_entity_id FROM link_keys
        WHERE kind = ? AND value IN (SELECT value FROM link_keys
                                     WHERE kind = ? AND article_entity_id IN (SELECT unnest(?)))""",
        [theirs, mine, sorted(entities)]).fetchall()}
