"""Cross-article entity linking: one id for one person, organization or place in every article.

Inside an article, extraction already folds "Maurice Cheeks", "Cheeks" and "Mr. Cheeks" into one
entity. Across articles each name keeps its own id unless evidence links it to another name:

- alias: another article uses this name for a fuller one ("Cheeks" resolved to "Maurice Cheeks");
- short_form: the name is the last words of a longer name of the same kind, not a place, ("Chargers" of "San
  Diego Chargers", "Cheeks" of "Maurice Cheeks") or its head before "of" ("Academy" of
  "Academy of Motion Picture Arts and Sciences");
- acronym: the name is the initials of a longer one ("NBA");
- spelling: one letter apart in a long name of the same kind ("Duncan Raite", "Duncan Rait").

A candidate is believed from the article's context: how many of the other entities the article
names also appear in the candidate's articles. A short name links (per article, so "Johnson" can
be one person in one story and another in the next) only when one candidate has clearly the most
context, whatever the method (an alias another article states can be that article's error). Each link
keeps its method, the shared entities and a confidence (the share of the article's other
entities that the target's articles name too) in `entity_links`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ..config import LinkSettings
from ..names import entity_key, person_key
from ..store.store import transaction
from . import entity_index
from .spelling import near_keys


@dataclass(frozen=True)
class MentionRow:
    """One (article, article-level entity, surface) as stored in `mentions`."""
    article_id: str
    entity: str  # article_entity_id
    name: str
    type: str
    text: str
    n: int


@dataclass(frozen=True)
class Link:
    article_id: str
    article_entity_id: str
    entity_id: str
    method: str
    shared: int
    confidence: float


_OF = re.compile(r"^(.+?) of ")
_GLUE = frozenset({"of", "the", "and", "at", "on", "for", "in", "to", "&"})


def _tokens(key: str) -> tuple[str, ...]:
    return tuple(key.split())


def _initials(name: str) -> str:
    words = [w for w in re.findall(r"[A-Za-z][\w'’.-]*", name) if w.lower() not in ("of", "and", "the", "for", "&")]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else ""


class _Entities:
    """Corpus view: each article-level entity's name, kind, articles, and each article's cast."""

    def __init__(self, rows: list[MentionRow], groups: dict[str, int]):
        votes: dict[str, Counter] = defaultdict(Counter)
        types: dict[str, Counter] = defaultdict(Counter)
        self.articles: dict[str, set[str]] = defaultdict(set)
        self.cast: dict[str, set[str]] = defaultdict(set)
        self.size: Counter = Counter()
        self.texts: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            votes[r.entity][r.name] += r.n
            types[r.entity][r.type] += r.n
            self.articles[r.entity].add(r.article_id)
            self.cast[r.article_id].add(r.entity)
            self.size[r.entity] += r.n
            self.texts[r.entity].add(r.text)
        self.name = {e: max(c.items(), key=lambda kv: (kv[1], kv[0]))[0] for e, c in votes.items()}
        self.key = {e: entity_key(n) for e, n in self.name.items()}
        self.group = {e: groups.get(max(c.items(), key=lambda kv: (kv[1], kv[0]))[0], -1) for e, c in types.items()}
        self.person_group = groups.get("PERSON", -1)
        self._context: dict[str, Counter] = {}

    def context(self, entity: str) -> Counter:
        """Entities named in the articles that name `entity` (counted once per article)."""
        got = self._context.get(entity)
        if got is None:
            got = Counter(x for a in self.articles[entity] for x in self.cast[a])
            self._context[entity] = got
        return got


def _spelling_roots(ents: _Entities, settings: LinkSettings) -> dict[str, str]:
    """Long names one or two letters apart, same kind and word count: the rarer joins the commoner.

    Blocked by (kind, word count, first two letters); inside a block, only names that share a
    deletion variant (near_keys) are compared, so a block of n names costs about n, not n².
    """
    blocks: dict[tuple, list[str]] = defaultdict(list)
    for e, k in ents.key.items():
        if len(k) >= settings.spelling_min_chars and ents.group[e] >= 0:
            blocks[(ents.group[e], len(_tokens(k)), k[:2])].append(e)
    root: dict[str, str] = {}
    for members in blocks.values():
        members.sort(key=lambda e: (-ents.size[e], ents.key[e]))
        near = near_keys([ents.key[e] for e in members], settings.max_spelling_edits)
        for i, e in enumerate(members):
            for j in near[i]:  # ascending: the commonest near name first
                if j >= i:
                    break
                big = members[j]
                if ents.key[big] != ents.key[e] and big not in root:
                    root[e] = big
                    break
    return root


def _surname_form(short: str, long: str) -> bool:
    """News shortens a person to the surname, with or without a middle initial; a bare given
    name ("Oscar", "Neil") that an article folded into a person is more often a slip."""
    a, b = _tokens(person_key(short)), _tokens(person_key(long))
    return a == b or (len(a) < len(b) and b[-len(a):] == a)


def _candidates(ents: _Entities, settings_places: set[int]) -> dict[str, dict[str, str]]:
    """short entity -> {longer entity: method}, from the names alone.

    A place is never the short form of a longer place ("Africa" is not "Horn of Africa", "Delhi"
    may not be "New Delhi"): places differ by granularity; only a stated alias joins them. Nor is
    the tail after "of" or a numbered edition a short form ("State of Alabama" of "Medical
    Association of the State of Alabama", "Academy Awards" of "81st Academy Awards").
    """
    by_key: dict[str, list[str]] = defaultdict(list)
    by_suffix: dict[tuple[int, tuple[str, ...]], list[str]] = defaultdict(list)
    by_initials: dict[tuple[int, str], list[str]] = defaultdict(list)
    for e, k in ents.key.items():
        by_key[k].append(e)
        toks = _tokens(k)
        if ents.group[e] not in settings_places:
            for i in range(1, len(toks)):
                if toks[i - 1] not in _GLUE and not any(c.isdigit() for t in toks[:i] for c in t):
                    by_suffix[(ents.group[e], toks[i:])].append(e)
        m = _OF.match(k)
        if m and " " not in m.group(1):
            by_suffix[(ents.group[e], ("head:" + m.group(1),))].append(e)
        ini = _initials(ents.name[e])
        if len(ini) >= 2:
            by_initials[(ents.group[e], ini)].append(e)
    out: dict[str, dict[str, str]] = defaultdict(dict)
    person = ents.person_group
    for e, texts in ents.texts.items():  # alias: a surface of e names another entity's name
        for t in texts:
            k = entity_key(t)
            if k and k != ents.key[e]:
                for short in by_key.get(k, ()):
                    if short != e and (ents.group[e] != person or _surname_form(ents.name[short], ents.name[e])):
                        out[short][e] = "alias"
    for e, k in ents.key.items():
        g = ents.group[e]
        if g < 0:
            continue
        toks = _tokens(k)
        for long in by_suffix.get((g, toks), ()):
            out[e].setdefault(long, "short_form")
        if len(toks) == 1:
            for long in by_suffix.get((g, ("head:" + k,)), ()):
                out[e].setdefault(long, "short_form")
        name = ents.name[e]
        if name.isupper() and 2 <= len(name) <= 6 and name.isalpha():
            for long in by_initials.get((g, name), ()):
                out[e].setdefault(long, "acronym")
    return out


def corpus_links(rows: list[MentionRow], settings: LinkSettings) -> list[Link]:
    """Where each article's entity joins another article's entity (linear in the rows, save
    the context of candidate targets, which is read once per target)."""
    groups = {t: i for i, g in enumerate(settings.type_groups) for t in g.split()}
    ents = _Entities(rows, groups)
    spelled = _spelling_roots(ents, settings)
    places = {groups[t] for t in settings.place_labels if t in groups}
    cands = _candidates(ents, places)
    links: list[Link] = []
    for article, cast in ents.cast.items():
        for e in cast:
            target = _choose(e, article, cast, cands.get(e, {}), ents, settings)
            if target is None and e in spelled:
                shared = _shared(e, spelled[e], cast, ents)
                target = (spelled[e], "spelling", shared)
                if shared < settings.min_shared:
                    target = None
            if target is not None:
                to, method, shared = target
                to = spelled.get(to, to)
                others = max(1, len(cast) - 1)
                links.append(Link(article, e, to, method, shared, round(min(1.0, shared / others), 3)))
    return links


def _shared(e: str, target: str, cast: set[str], ents: _Entities) -> int:
    ctx = ents.context(target)
    return sum(1 for x in cast if x not in (e, target) and ctx.get(x))


def _choose(e: str, article: str, cast: set[str], cands: dict[str, str], ents: _Entities,
            settings: LinkSettings) -> tuple[str, str, int] | None:
    """The candidate the article's context supports clearly (ties go to the commoner name)."""
    cands = {c: m for c, m in cands.items() if c not in cast and c != e}
    if not cands:
        return None
    scored = sorted(((_shared(e, c, cast, ents), ents.size[c], c) for c in cands), reverse=True)
    best, _, target = scored[0]
    second = scored[1][0] if len(scored) > 1 else 0
    if best >= settings.min_shared and best > second and best >= settings.margin * second:
        return target, cands[target], best
    return None


def link_entities(con: duckdb.DuckDBPyConnection, settings: LinkSettings, full: bool = False) -> int:
    """Bring cross-article links up to date with the stored articles (one transaction); returns
    the number of corpus entities.

    Only the decisions a new, rewritten (`--force`: same id, another run) or removed article can
    change are redone (entity_index.py): a batch costs what its names touch, and the links equal
    those of one pass over every article. `full`, an empty index, or changed [link] settings redo
    every decision."""
    fingerprint = repr(sorted(vars(settings).items()))
    stored = con.execute("SELECT value FROM meta WHERE key = 'link_settings'").fetchall()
    indexed = con.execute("SELECT count(*) FROM link_keys WHERE kind = 'run'").fetchall()[0][0]
    full = full or not stored or stored[0][0] != fingerprint or not indexed
    # which (article, run) pairs differ between the articles and the index: found in SQL, so a
    # run that changed nothing does not read every article id into Python
    new = [r[0] for r in con.execute("""
        SELECT a.article_id FROM articles a ANTI JOIN link_keys k
            ON k.kind = 'run' AND k.article_id = a.article_id AND k.value IS NOT DISTINCT FROM a.run_id
        ORDER BY 1""").fetchall()]
    gone = [r[0] for r in con.execute("""
        SELECT k.article_id FROM link_keys k ANTI JOIN articles a
            ON a.article_id = k.article_id AND a.run_id IS NOT DISTINCT FROM k.value
        WHERE k.kind = 'run' ORDER BY 1""").fetchall()]
    if not (full or new or gone):
        return con.execute("SELECT count(*) FROM entities").fetchall()[0][0]
    with transaction(con):
        if full:
            con.execute("DELETE FROM link_keys")
            entity_index.index_articles(
                con, [r[0] for r in con.execute("SELECT article_id FROM articles ORDER BY 1").fetchall()], settings)
            links = corpus_links(_rows(con), settings)
            _apply(con, links)
        else:
            _relink(con, settings, new, gone)
        con.execute("DELETE FROM meta WHERE key = 'link_settings'")
        con.execute("INSERT INTO meta VALUES ('link_settings', ?)", [fingerprint])
    return con.execute("SELECT count(*) FROM entities").fetchall()[0][0]


def _rows(con: duckdb.DuckDBPyConnection, entities: set[str] | None = None) -> list[MentionRow]:
    """Mention rows of every article, or of the articles that name one of these entities."""
    sql = "SELECT article_id, article_entity_id, entity_name, entity_type, text, count(*) FROM mentions"
    params: list = []
    if entities is not None:
        sql += (" WHERE article_id IN (SELECT DISTINCT article_id FROM mentions "
                "WHERE article_entity_id IN (SELECT unnest(?)))")
        params = [sorted(entities)]
    return [MentionRow(*r) for r in con.execute(sql + " GROUP BY ALL", params).fetchall()]


def _relink(con: duckdb.DuckDBPyConnection, settings: LinkSettings, new: list[str], gone: list[str]) -> None:
    """Redo the decisions the new and gone articles can change, from the rows they read."""
    idx = entity_index
    touched = {r[0] for r in con.execute(  # what the gone articles named, by the keys they had
        "SELECT DISTINCT article_entity_id FROM link_keys WHERE article_id IN (SELECT unnest(?)) AND kind <> 'run'",
        [gone]).fetchall()}
    spelled = idx.spelling_neighbours(con, touched, settings)
    redo = touched | spelled | idx.shorts_of(con, touched | spelled)  # relations the old keys made
    con.execute("DELETE FROM link_keys WHERE article_id IN (SELECT unnest(?))", [gone])
    idx.index_articles(con, new, settings)
    touched |= {r[0] for r in con.execute(
        "SELECT DISTINCT article_entity_id FROM mentions WHERE article_id IN (SELECT unnest(?))", [new]).fetchall()}
    spelled = idx.spelling_neighbours(con, touched, settings)
    redo |= touched | spelled | idx.shorts_of(con, touched | spelled)  # and those the new keys make
    needed = redo | idx.candidates_of(con, redo)
    needed |= idx.spelling_neighbours(con, needed, settings)
    links = [x for x in corpus_links(_rows(con, needed), settings) if x.article_entity_id in redo]
    before = {r[0] for r in con.execute(
        "SELECT DISTINCT entity_id FROM entity_links WHERE article_entity_id IN (SELECT unnest(?)) "
        "OR article_id IN (SELECT unnest(?))", [sorted(redo), gone]).fetchall()}
    con.execute("DELETE FROM entity_links WHERE article_entity_id IN (SELECT unnest(?)) "
                "OR article_id IN (SELECT unnest(?))", [sorted(redo), gone])
    con.execute("UPDATE mentions SET entity_id = article_entity_id "
                "WHERE article_entity_id IN (SELECT unnest(?)) AND entity_id IS DISTINCT FROM article_entity_id",
                [sorted(redo)])
    _insert_links(con, links)
    ids = sorted(before | redo | {x.entity_id for x in links})
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT unnest(?))", [ids])
    _insert_entities(con, "WHERE entity_id IN (SELECT unnest(?))", [ids])


def _apply(con: duckdb.DuckDBPyConnection, links: list[Link]) -> None:
    con.execute("UPDATE mentions SET entity_id = article_entity_id WHERE entity_id IS DISTINCT FROM article_entity_id")
    con.execute("DELETE FROM entity_links")
    _insert_links(con, links)
    con.execute("DELETE FROM entities")
    _insert_entities(con)


def _insert_links(con: duckdb.DuckDBPyConnection, links: list[Link]) -> None:
    """Store the links and point their articles' mentions at the target."""
    if not links:
        return
    table = pa.table({f: [getattr(x, f) for x in links] for f in Link.__dataclass_fields__})
    con.register("_facts_links", table)
    con.execute("INSERT INTO entity_links SELECT * FROM _facts_links")
    con.execute("UPDATE mentions SET entity_id = l.entity_id FROM _facts_links l "
                "WHERE mentions.article_id = l.article_id AND mentions.article_entity_id = l.article_entity_id")
    con.unregister("_facts_links")


def _insert_entities(con: duckdb.DuckDBPyConnection, where: str = "", params: list | None = None) -> None:
    """One row per corpus entity from its mentions (all of them, or those `where` selects). Its
    name and type are the commonest among the mentions of its own name, else among all; ties go
    to the greater value, so the row does not depend on the order the mentions were stored in."""
    con.execute(f"""
        INSERT INTO entities (entity_id, name, type, aliases, n_mentions, n_articles)
        WITH m AS (SELECT entity_id, article_entity_id = entity_id AS own, entity_name, entity_type, text, article_id
                   FROM mentions {where}),
             names AS (SELECT entity_id, entity_name AS v, count(*) FILTER (WHERE own) AS o, count(*) AS n
                       FROM m GROUP BY ALL),
             types AS (SELECT entity_id, entity_type AS v, count(*) FILTER (WHERE own) AS o, count(*) AS n
                       FROM m GROUP BY ALL)
        SELECT entity_id,
               (SELECT arg_max(v, {{'o': o, 'n': n, 'v': v}}) FROM names WHERE names.entity_id = agg.entity_id),
               (SELECT arg_max(v, {{'o': o, 'n': n, 'v': v}}) FROM types WHERE types.entity_id = agg.entity_id),
               aliases, n_mentions, n_articles
        FROM (SELECT entity_id,
                     list_sort(list_distinct(list(regexp_replace(text, '[''’]s?$', '')))) AS aliases,
                     count(*) AS n_mentions,
                     count(DISTINCT article_id) AS n_articles
              FROM m GROUP BY entity_id) agg
    """, params or [])
