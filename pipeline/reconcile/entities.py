"""Cross-article entity linking: one id for one person, organization or place in every article.

Inside an article, extraction already folds "Maurice Cheeks", "Cheeks" and "Mr. Cheeks" into one
entity. Across articles each name keeps its own id unless evidence links it to another name:

- alias: another article uses this name for a fuller one ("Cheeks" resolved to "Maurice Cheeks");
- short_form: the name is the last words of a longer name of the same kind, not a place, ("Chargers" of "San
  Diego Chargers", "Cheeks" of "Maurice Cheeks") or its head before "of" ("Academy" of
  "Academy of Motion Picture Arts and Sciences");
- acronym: the name is the initials of a longer one ("NBA");
- spelling: one letter apart, or two neighbours swapped, in a long name of the same kind
  ("Duncan Raite", "Duncan Rait");
- people (names read by nameparser: titles, middle names, "Jr." and quoted nicknames apart): a
  title and a surname is a short form of a person with that surname ("Miss Jenkin"); one given
  name and surname but for middle names or "Jr." is an alias ("Mark Heller", "Mark Jay Heller");
  a variant has one surname and a given name the start of the other ("Fred LaRue", "Frederick
  Cheney LaRue"); given: a bare given name of a person ("Lindsay", "Lindsay Lohan").

A longer name the same article names is a candidate too (the extractor folds a person's surname
inside an article, not "Saints" into "New Orleans Saints"). Which candidate, if any, is the
learned link model's call (config/link_model.toml, tests/learn_link_model.py: logistic weights
over how the names relate, the article's context, i.e. how many of its other entities the
candidate's other articles name, and how common each name is): per article, so "Johnson" can be
one person in one story and another in the next. Each link keeps its method, the shared
entities and the model's probability (`confidence`) in `entity_links`.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from ..config import LinkSettings
from ..config_files import read_config
from ..names import entity_key, initials, person_cores, person_key
from ..store.store import read_state, transaction, write_state
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


LINK_FEATURES = ("bias", "alias", "short_form", "acronym", "spelling", "variant", "given", "in_article", "shared_any", "shared_log", "share", "only",
                 "top", "commonest", "target_articles", "short_articles", "person", "extra_words", "one_word")


@dataclass(frozen=True)
class LinkModel:
    """Logistic weights over LINK_FEATURES and the threshold a candidate's probability must clear,
    learned on the ECB+ training topics by tests/learn_link_model.py (config/link_model.toml)."""
    weights: dict[str, float]
    threshold: float

    @classmethod
    def load(cls, path: Path) -> "LinkModel":
        data = read_config(path)
        return cls({k: float(v) for k, v in data["weights"].items()}, float(data["threshold"]))

    def probability(self, features: dict[str, float]) -> float:
        z = sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def fingerprint(self) -> str:
        return repr((sorted(self.weights.items()), self.threshold))


def load_link_model(config_dir: str | Path) -> LinkModel:
    """The learned link model of a config folder."""
    return LinkModel.load(Path(config_dir) / "link_model.toml")


@dataclass(frozen=True)
class Candidate:
    """One possible link of an article's entity: the longer name it may stand for, how the names
    relate, and the evidence (features) the model weighs."""
    article_id: str
    entity: str
    target: str  # the entity the link points at (a spelling variant's root already followed)
    method: str
    shared: int
    features: dict[str, float]


_OF = re.compile(r"^(.+?) of ")
_GLUE = frozenset({"of", "the", "and", "at", "on", "for", "in", "to", "&"})


def _tokens(key: str) -> tuple[str, ...]:
    return tuple(key.split())


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
    cores: dict[str, frozenset[tuple[str, ...]]] = {}  # people: the (given name, surname) they go by
    by_surname: dict[str, list[str]] = defaultdict(list)
    by_given: dict[str, list[str]] = defaultdict(list)
    for e, k in ents.key.items():
        by_key[k].append(e)
        toks = _tokens(k)
        if ents.group[e] == ents.person_group:
            cores[e] = person_cores(ents.name[e])
            for core in cores[e]:
                by_surname[core[-1]].append(e)
                if len(core) == 2:
                    by_given[core[0]].append(e)
            toks = _person_tokens(ents.name[e])  # "W. Mark Felt Sr.": "Mark Felt" is its short form too
        if ents.group[e] not in settings_places:
            for i in range(1, len(toks)):
                if toks[i - 1] not in _GLUE and not any(c.isdigit() for t in toks[:i] for c in t):
                    by_suffix[(ents.group[e], toks[i:])].append(e)
        m = _OF.match(k)
        if m and " " not in m.group(1):
            by_suffix[(ents.group[e], ("head:" + m.group(1),))].append(e)
        ini = initials(ents.name[e])
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
        if g == person and len(toks) == 1 and not cores[e]:  # "Lindsay" of "Lindsay Lohan"
            for long in by_given.get(k, ()):
                out[e].setdefault(long, "given")
    for members in by_surname.values():  # people who share a surname
        members = sorted(set(members))
        if len(members) < 2:
            continue
        for e in members:
            for c in members:
                if c == e:
                    continue
                how = _person_relation(cores[e], cores[c])
                if how == "short_form" or (how and (len(ents.articles[c]), ents.key[e]) > (len(ents.articles[e]), ents.key[c])):
                    out[e].setdefault(c, how)
    return out


def _person_relation(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> str:
    """How two people's names relate: a title and the surname of b ("Miss Jenkin", "Katie
    Jenkin"), one given name and surname but for middle names, titles or "Jr." ("Mark Heller",
    "Mark Jay Heller"), or one surname with a given name the start of the other, at least three
    letters ("Fred LaRue", "Frederick Cheney LaRue")."""
    for x in a:
        for y in b:
            if len(x) == 1 and len(y) == 2 and x[0] == y[1]:
                return "short_form"
    if a & b:
        return "alias"
    for x in a:
        for y in b:
            if len(x) == 2 and len(y) == 2 and x[1] == y[1] and x[0] != y[0]:
                short, long = sorted((x[0], y[0]), key=len)
                if len(short) >= 3 and long.startswith(short):
                    return "variant"
    return ""


_GENERATION = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _person_tokens(name: str) -> tuple[str, ...]:
    """A person's name words without a middle initial or a generational suffix ("W. Mark Felt
    Sr." -> "w mark felt")."""
    toks = _tokens(person_key(name))
    return toks[:-1] if len(toks) > 2 and toks[-1] in _GENERATION else toks


def link_candidates(rows: list[MentionRow], settings: LinkSettings) -> list[Candidate]:
    """Every link an article's entity could make, with its evidence (linear in the rows, save the
    context of candidate targets, which is read once per target)."""
    groups = {t: i for i, g in enumerate(settings.type_groups) for t in g.split()}
    ents = _Entities(rows, groups)
    spelled = _spelling_roots(ents, settings)
    places = {groups[t] for t in settings.place_labels if t in groups}
    cands = _candidates(ents, places)
    for e, root in spelled.items():
        cands[e].setdefault(root, "spelling")
    out: list[Candidate] = []
    for article, cast in ents.cast.items():
        for e in cast:
            out.extend(_evidence(e, article, cast, cands.get(e, {}), ents, spelled))
    return out


def corpus_links(rows: list[MentionRow], settings: LinkSettings, model: LinkModel) -> list[Link]:
    """Where each article's entity joins another article's entity: its most probable candidate,
    when the model's probability clears the threshold."""
    return choose_links(link_candidates(rows, settings), model.probability, model.threshold)


def choose_links(candidates: list[Candidate], probability, threshold: float) -> list[Link]:
    best: dict[tuple[str, str], tuple[float, Candidate]] = {}
    for c in candidates:
        p = probability(c.features)
        key = (c.article_id, c.entity)
        if p >= threshold and (key not in best or (p, c.target) > (best[key][0], best[key][1].target)):
            best[key] = (p, c)
    links = []
    for (article, e), (p, c) in sorted(best.items()):
        links.append(Link(article, e, c.target, c.method, c.shared, round(p, 3)))
    return links


def _shared(e: str, target: str, cast: set[str], ents: _Entities) -> int:
    """How many of the article's other entities the target's articles name too (for a target
    this article names, all of them: `in_article` tells the model so; counting only its other
    articles scored lower, leave-one-topic-out 0.873 -> 0.871 CoNLL, dev stories 0.960 -> 0.948)."""
    ctx = ents.context(target)
    return sum(1 for x in cast if x not in (e, target) and ctx.get(x))


def _evidence(e: str, article: str, cast: set[str], cands: dict[str, str], ents: _Entities,
              spelled: dict[str, str]) -> list[Candidate]:
    """The candidates of one article's entity, each with what speaks for it: how the names relate,
    how many of the article's other entities the candidate's articles name too (and whether no
    other candidate has as many), how common each name is, and how much longer the target is."""
    cands = {c: m for c, m in cands.items() if c != e}
    if not cands:
        return []
    shared = {c: _shared(e, c, cast, ents) for c in cands}
    most = max(shared.values())
    top = [c for c in cands if shared[c] == most]
    sizes = {c: len(ents.articles[c]) for c in cands}
    others = max(1, len(cast) - 1)
    n_e = len(ents.articles[e])
    words_e = len(_tokens(ents.key[e]))
    out = []
    for c, method in cands.items():
        f = {"bias": 1.0, "alias": 0.0, "short_form": 0.0, "acronym": 0.0, "spelling": 0.0, "variant": 0.0,
             "given": 0.0,
             "in_article": float(c in cast)}
        f[method] = 1.0
        f.update(shared_any=float(shared[c] > 0), shared_log=math.log1p(shared[c]), share=min(1.0, shared[c] / others),
                 only=float(len(cands) == 1), top=float(len(top) == 1 and top[0] == c and most > 0),
                 commonest=float(sizes[c] == max(sizes.values())),
                 target_articles=math.log1p(sizes[c]), short_articles=math.log1p(n_e),
                 person=float(ents.group[e] == ents.person_group),
                 extra_words=min(4, max(0, len(_tokens(ents.key[c])) - words_e)) / 4, one_word=float(words_e == 1))
        out.append(Candidate(article, e, spelled.get(c, c), method, shared[c], f))
    return out


def link_entities(con: duckdb.DuckDBPyConnection, settings: LinkSettings, model: LinkModel, full: bool = False) -> int:
    """Bring cross-article links up to date with the stored articles (one transaction); returns
    the number of corpus entities.

    Only the decisions a new, rewritten (`--force`: same id, another run) or removed article can
    change are redone (entity_index.py): a batch costs what its names touch, and the links equal
    those of one pass over every article. `full`, an empty index, or changed [link] settings or
    link model redo every decision."""
    fingerprint = repr(sorted(vars(settings).items())) + model.fingerprint()
    stored = read_state(con, "link_settings")
    indexed = con.execute("SELECT count(*) FROM link_keys WHERE kind = 'run'").fetchall()[0][0]
    full = full or stored != fingerprint or not indexed
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
            links = corpus_links(_rows(con), settings, model)
            _apply(con, links)
        else:
            _relink(con, settings, model, new, gone)
        write_state(con, "link_settings", fingerprint)
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


def _relink(con: duckdb.DuckDBPyConnection, settings: LinkSettings, model: LinkModel, new: list[str],
            gone: list[str]) -> None:
    """Redo the decisions the new and gone articles can change, from the rows they read."""
    idx = entity_index
    touched = {r[0] for r in con.execute(  # what the gone articles named, by the keys they had
        "SELECT DISTINCT article_entity_id FROM link_keys WHERE article_id IN (SELECT unnest(?)) AND kind <> 'run'",
        [gone]).fetchall()}
    spelled = idx.spelling_neighbours(con, touched, settings)
    redo = touched | spelled | idx.shorts_of(con, touched | spelled) | idx.same_person(con, touched)  # old keys
    con.execute("DELETE FROM link_keys WHERE article_id IN (SELECT unnest(?))", [gone])
    idx.index_articles(con, new, settings)
    touched |= {r[0] for r in con.execute(
        "SELECT DISTINCT article_entity_id FROM mentions WHERE article_id IN (SELECT unnest(?))", [new]).fetchall()}
    spelled = idx.spelling_neighbours(con, touched, settings)
    redo |= touched | spelled | idx.shorts_of(con, touched | spelled) | idx.same_person(con, touched)  # new keys
    needed = redo | idx.candidates_of(con, redo) | idx.same_person(con, redo)
    needed |= idx.spelling_neighbours(con, needed, settings)
    links = [x for x in corpus_links(_rows(con, needed), settings, model) if x.article_entity_id in redo]
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
    _subjects(con, sorted(redo))


def _apply(con: duckdb.DuckDBPyConnection, links: list[Link]) -> None:
    con.execute("UPDATE mentions SET entity_id = article_entity_id WHERE entity_id IS DISTINCT FROM article_entity_id")
    con.execute("DELETE FROM entity_links")
    _insert_links(con, links)
    con.execute("DELETE FROM entities")
    _insert_entities(con)
    _subjects(con)


def _subjects(con: duckdb.DuckDBPyConnection, entities: list[str] | None = None) -> None:
    """A quantity's subject and an event's actors are the corpus entities their article's
    entities are linked to (every row, or those naming one of these article entities)."""
    only = "" if entities is None else "AND q.subject_article_entity_id IN (SELECT unnest(?))"
    con.execute(f"""
        UPDATE quantities q SET subject_entity_id = m.entity_id
        FROM (SELECT DISTINCT article_id, article_entity_id, entity_id FROM mentions) m
        WHERE q.article_id = m.article_id AND q.subject_article_entity_id = m.article_entity_id
          AND q.subject_entity_id IS DISTINCT FROM m.entity_id {only}""", [] if entities is None else [entities])
    where = "" if entities is None else \
        "WHERE article_id IN (SELECT article_id FROM mentions WHERE article_entity_id IN (SELECT unnest(?)))"
    params = [] if entities is None else [entities]
    linked = dict(((a, e), c) for a, e, c in con.execute(
        f"SELECT DISTINCT article_id, article_entity_id, entity_id FROM mentions {where}", params).fetchall())
    rows = []
    for eid, aid, actors in con.execute(f"SELECT event_id, article_id, actors FROM events {where}", params).fetchall():
        ids = sorted({linked.get((aid, a["id"]), a["id"]) for a in json.loads(actors or "[]") if a.get("id")})
        rows.append((eid, ids))
    if rows:
        con.register("_facts_actors", pa.table({"event_id": [r[0] for r in rows], "ids": [r[1] for r in rows]}))
        con.execute("UPDATE events SET actor_entity_ids = x.ids FROM _facts_actors x WHERE events.event_id = x.event_id")
        con.unregister("_facts_actors")


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
