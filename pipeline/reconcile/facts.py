"""Reconciliation: one fact per real-world fact, with all its sources; conflicts flagged.

1. Items: stored quantities (with their corpus entity) and dated events.
2. Blocking: quantities by (subject entity, unit family, time scope) and by
   value (unit, then sorted by value); events by (trigger, actor). Only items in
   one block are compared, and a block larger than WINDOW is compared by sorted
   neighbourhood, so the cost grows with the number of items, not its square.
3. Same fact: measures alike (shared head noun and content words) and values
   compatible once in one unit (currencies to USD by year, config/fx_rates.csv),
   allowing rounding, approximations and bounds (">RMB 100 billion" and
   ">$10 billion" are both lower bounds: compatible). Events: same trigger, a
   shared actor, and one date interval inside the other.
4. Conflicts: same subject, measure, unit and time scope, values incompatible;
   or same event with disjoint dates.
5. Article links: MinHash (datasketch) over word shingles finds near-duplicates;
   articles sharing most of their facts are linked as translations/restatements.
   Independent sources of a fact = its articles counted once per linked group.
"""

from __future__ import annotations

import csv
import gc
import math
import re
import tomllib
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

import duckdb

from ..config import Settings, load_settings
from ..names import singular
from ..records import content_id
from .stories import build_stories, stopwords_for

_STOP = {"the", "of", "and", "a", "an", "in", "for", "to", "on", "by", "with", "its", "their", "per", "total",
         "annual", "new", "this", "that", "all", "s"}
TOLERANCE = 0.02  # relative difference allowed between two exact values (rounding)
APPROX_TOLERANCE = 0.12  # when either side says about/nearly/around
SHINGLE = 5  # words per shingle for near-duplicate detection
DUPLICATE_JACCARD = 0.6
RESTATEMENT_SHARE = 0.3  # share of the smaller article's facts two articles must share ...
RESTATEMENT_MIN = 5  # ... and at least this many
SENTENCE_ALIKE = 0.25  # word Jaccard of two sentences stating the same value
STORY_SENTENCE_ALIKE = 0.2  # the same, for two figures of one story that disagree
STORY_CONFLICT_RATIO = 3.0  # two figures of one story further apart than this are not one measure
WINDOW = 30  # a block larger than this is compared by sorted neighbourhood (each item with its next WINDOW)
RESTATEMENT_MAX_ARTICLES = 25  # a fact stated by more articles says nothing about two of them being copies


@dataclass
class Item:
    id: str
    article_id: str
    kind: str
    entity_id: str | None
    measure: str
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    family: str | None
    qualifier: str
    scope: str | None
    quote: str
    start: int
    end: int
    year: int | None
    extra: dict


def load_fx(path: Path) -> dict[str, list[tuple[int, float]]]:
    rates: dict[str, list[tuple[int, float]]] = defaultdict(list)
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            rates[row["currency"]].append((int(row["year"]), float(row["usd_per_unit"])))
    return {k: sorted(v) for k, v in rates.items()}


def to_usd(amount: float | None, currency: str, year: int | None, fx: dict) -> float | None:
    if amount is None or currency not in fx:
        return amount if currency == "USD" else None
    table = fx[currency]
    if year is None:
        return amount * table[-1][1]
    best = min(table, key=lambda r: abs(r[0] - year))
    return amount * best[1]


def load_synonyms(path: Path | None) -> dict[str, str]:
    """Counted noun (singular) -> its group's name, from [count_synonyms] in units.toml."""
    if path is None or not Path(path).exists():
        return {}
    with open(path, "rb") as fh:
        groups = tomllib.load(fh).get("count_synonyms", {})
    return {word.lower(): name.lower() for name, words in groups.items() for word in [name, *words]}


def measure_words(m: str | None, synonyms: dict[str, str] | None = None) -> frozenset[str]:
    syn = synonyms or {}
    words = (singular(w) for w in re.findall(r"[a-z0-9]+", (m or "").lower()) if w not in _STOP and len(w) > 1)
    return frozenset(syn.get(w, w) for w in words)


def _words(it: Item) -> frozenset[str]:
    words = it.extra.get("mw")
    if words is None:
        words = it.extra["mw"] = measure_words(it.measure)
    return words


def measures_alike(a: Item, b: Item) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return not wa and not wb and a.unit == b.unit
    return bool(wa & wb) and (len(wa & wb) / len(wa | wb) >= 0.34 or wa <= wb or wb <= wa)


def _canonical(it: Item, fx: dict) -> tuple[float | None, float | None, float | None]:
    if it.family == "currency" and it.unit:
        return tuple(to_usd(x, it.unit, it.year, fx) for x in (it.value, it.low, it.high))  # type: ignore
    return it.value, it.low, it.high


def _bounds(it: Item, fx: dict, convert: bool = True) -> tuple[float, float, float]:
    """(lowest, highest, tolerance) the item allows, in USD for money unless convert is false."""
    v, lo, hi = _canonical(it, fx) if convert else (it.value, it.low, it.high)
    tol = APPROX_TOLERANCE if it.qualifier == "approx" else TOLERANCE
    inf = float("inf")
    if it.qualifier == "range":
        lo, hi = (lo if lo is not None else -inf), (hi if hi is not None else inf)
        return min(lo, hi), max(lo, hi), tol
    if it.qualifier in ("more_than", "at_least"):
        return (v if v is not None else -inf), inf, tol
    if it.qualifier in ("less_than", "at_most"):
        return -inf, (v if v is not None else inf), tol
    return (v if v is not None else -inf), (v if v is not None else inf), tol


def _item_bounds(it: Item, fx: dict) -> tuple[tuple[float, float, float], bool]:
    """(bounds, convertible), computed once per item: a reconcile compares each item many times."""
    cached = it.extra.get("bounds")
    if cached is None:
        convertible = it.family != "currency" or to_usd(1.0, it.unit, it.year, fx) is not None
        cached = it.extra["bounds"] = (_bounds(it, fx if convertible else {}), convertible)
    return cached


def _half_step(x: float) -> float:
    """Half the step of the last significant digit of a stated figure: 4.2 billion was
    rounded to 0.1 billion, so it stands for 4.15 to 4.25 billion."""
    if x == 0:
        return 0.0
    digits = f"{abs(x):.6g}".split("e")[0].replace(".", "").strip("0") or "0"
    return 0.5 * 10 ** (math.floor(math.log10(abs(x))) - len(digits) + 1)


def _same_figure(a: Item, b: Item) -> bool:
    """Two exact figures in one unit: equal once the more precise is rounded as the other was
    ("$4.23 billion" and "4.2 billion dollars"), never more than TOLERANCE apart: "$15.5
    billion" and "$15.8 billion" are two figures, though 2% apart."""
    x, y = a.value, b.value
    tol = min(TOLERANCE * max(abs(x), abs(y)), max(_half_step(x), _half_step(y)))
    return abs(x - y) <= tol * (1 + 1e-9)


def values_compatible(a: Item, b: Item, fx: dict) -> bool:
    if a.qualifier == b.qualifier == "exact" and a.value is not None and b.value is not None \
            and a.family == b.family and (a.unit or "").lower() == (b.unit or "").lower():
        return _same_figure(a, b)
    if _bare(a) != _bare(b) and {a.family, b.family} == {None, "currency"}:
        return _overlap(_bounds(a, fx, False), _bounds(b, fx, False))  # "a net loss of 1 billion" and "RMB 1 billion"
    if a.family != b.family or (a.family not in ("currency",) and (a.unit or "").lower() != (b.unit or "").lower()):
        return False
    (ba, ca), (bb, cb) = _item_bounds(a, fx), _item_bounds(b, fx)
    if a.family == "currency" and not (ca and cb):
        return a.unit == b.unit and _overlap(_bounds(a, fx, False), _bounds(b, fx, False))
    return _overlap(ba, bb)


def _overlap(x: tuple[float, float, float], y: tuple[float, float, float]) -> bool:
    tol = max(x[2], y[2])
    lo = max(x[0], y[0])
    hi = min(x[1], y[1])
    if lo <= hi:
        return True
    scale = max(abs(lo), abs(hi), 1e-12)
    return (lo - hi) / scale <= tol


def _bare(it: Item) -> bool:
    """A scaled amount with no unit ("a net loss of 1 billion"): a translation or a writer
    left the currency out; it may be compared with money figures of the same subject."""
    return it.kind == "quantity" and it.unit is None and it.family is None and bool(it.extra.get("scale"))


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class _Clusters(_Union):
    """Union-find over items that knows each cluster's articles. A weak link (the same figure
    in alike sentences) never joins two clusters that one article already keeps apart:
    "GPT-4o charges $15 for output; Claude, $15 for input" are two facts in each translation."""

    def __init__(self, items: list[Item]) -> None:
        super().__init__()
        self.articles: dict[str, set[str]] = {it.id: {it.article_id} for it in items}

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        super().union(ra, rb)
        root, other = (ra, rb) if self.find(ra) == ra else (rb, ra)
        small, large = sorted((self.articles.pop(root), self.articles.pop(other)), key=len)
        large |= small
        self.articles[root] = large

    def union_apart(self, a: Item, b: Item) -> None:
        """Union unless a's article already has an item in b's cluster or b's in a's: O(1),
        where comparing whole article sets grew with the clusters."""
        ra, rb = self.find(a.id), self.find(b.id)
        if ra != rb and a.article_id not in self.articles[rb] and b.article_id not in self.articles[ra]:
            self.union(ra, rb)


def load_items(con: duckdb.DuckDBPyConnection, synonyms: dict[str, str] | None = None) -> list[Item]:
    """Quantities and dated events as Items; counted units and measure words through the synonyms."""
    syn = synonyms or {}
    rows = con.execute("""
        SELECT q.quantity_id, q.article_id,
               (SELECT any_value(m.entity_id) FROM mentions m WHERE m.article_entity_id = q.subject_entity_id),
               coalesce(q.measure, ''), q.value, q.low, q.high, q.unit, q.unit_family, q.qualifier, q.time_scope,
               q.text, q.start_char, q.end_char, year(a.published), q.sentence, q.scale
        FROM quantities q JOIN articles a USING (article_id)
        ORDER BY q.article_id, q.start_char""").fetchall()
    items = [Item(r[0], r[1], "quantity", r[2], r[3], r[4], r[5], r[6],
                  syn.get(r[7].lower(), r[7]) if r[7] and r[8] == "count" else r[7], r[8], r[9] or "exact", r[10],
                  r[11], r[12], r[13], int(r[10][:4]) if r[10] and r[10][:4].isdigit() else r[14],
                  {"sent": measure_words(r[15], syn), "mw": measure_words(r[3], syn), "scale": r[16]})
             for r in rows]
    for r in con.execute("""
        SELECT e.event_id, e.article_id, e.trigger, e.actors, e.date, e.start_date, e.end_date, e.text,
               e.start_char, e.end_char, coalesce(e.date_stated, false), e.theme,
               (SELECT list(DISTINCT m.entity_id) FROM mentions m WHERE m.article_id = e.article_id
                AND m.article_entity_id IN (SELECT unnest(json_extract_string(e.actors, '$[*].id'))))
        FROM events e ORDER BY e.article_id, e.start_char""").fetchall():
        actors = frozenset(r[12] or ())  # the actors' corpus-level entities, as linked across articles
        items.append(Item(r[0], r[1], "event", None, r[2], None, None, None, None, None, "exact", r[4], r[7],
                          r[8], r[9], None, {"actors": actors, "start": r[5], "end": r[6], "stated": r[10],
                                             "theme": r[11]}))
    return items


def _value_of(it: Item, fx: dict) -> tuple[str, float] | None:
    """(unit key, value in its canonical unit) for the value pass: the same figure, however the subject was parsed."""
    v, lo, hi = _canonical(it, fx)
    x = v if v is not None else (lo if lo is not None else hi)
    if it.kind != "quantity" or not x or x <= 0:
        return None
    return (it.family if it.family == "currency" else (it.unit or "").lower()), x


def _neighbours(members: list[Item], sort_key) -> Iterator[tuple[Item, Item]]:
    """Pairs to compare in one block: all of them in a small block; in a large one, each
    item with the next WINDOW in sort order (sorted neighbourhood), so the cost stays
    linear in the block size whatever the corpus."""
    if len(members) <= WINDOW:
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                yield a, b
        return
    members = sorted(members, key=sort_key)
    for i, a in enumerate(members):
        for b in members[i + 1:i + 1 + WINDOW]:
            yield a, b


def _sentences_alike(a: Item, b: Item, threshold: float = SENTENCE_ALIKE) -> bool:
    wa, wb = a.extra.get("sent") or frozenset(), b.extra.get("sent") or frozenset()
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= threshold


def _blocks(it: Item) -> list[tuple]:
    if it.kind == "event":  # events are compared within their story, once stories are known
        return []
    if it.entity_id is None:
        words = sorted(_words(it))
        if not words:
            return []
        subject = "measure:" + " ".join(words)
    else:
        subject = it.entity_id
    blocks = [("quantity", subject, it.family, it.scope or "")]
    if _bare(it):  # also among the money figures of its subject
        blocks.append(("quantity", subject, "currency", it.scope or ""))
    return blocks


def _block(it: Item) -> tuple | None:
    """The item's first block: part of its fact id."""
    blocks = _blocks(it)
    return blocks[0] if blocks else ("event", it.measure) if it.kind == "event" else None


def _events_alike(a: Item, b: Item) -> tuple[bool, bool]:
    """(same event, conflicting dates) of two events with one trigger in one story.

    Same: one date interval inside the other, and a shared actor (or no actor named on one
    side: "the bridge opened on March 3"). Conflicting: the same participants (one side's
    actors within the other's) and the same theme ("won an Emmy in 2005" is not "won a Tony in
    2004"), and two dates both written out ("March 3" / "March 10") that cannot both hold; a
    date the pipeline resolved from a dateline ("Friday", "next year") never makes a conflict.
    """
    sa, ea, sb, eb = a.extra["start"], a.extra["end"], b.extra["start"], b.extra["end"]
    if None in (sa, ea, sb, eb):
        return False, False
    shared = a.extra["actors"] & b.extra["actors"]
    inside = (sa <= sb and eb <= ea) or (sb <= sa and ea <= eb)
    if inside:
        return bool(shared) or not (a.extra["actors"] and b.extra["actors"]), False
    disjoint = ea <= sb or eb <= sa
    one_event = bool(shared) and a.extra["theme"] == b.extra["theme"] and (
        a.extra["actors"] <= b.extra["actors"] or b.extra["actors"] <= a.extra["actors"])
    return False, disjoint and one_event and a.extra["stated"] and b.extra["stated"]


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
        for key in _blocks(it):
            blocks[key].append(it)
        unit_value = _value_of(it, fx)
        if unit_value is not None:
            by_value[unit_value[0]].append((unit_value[1], it))
    uf = _Clusters(items)
    conflicts: list[tuple[Item, Item, str]] = []
    for key, members in blocks.items():
        for a, b in _neighbours(members, lambda m: (_head(m), _item_bounds(m, fx)[0][:2], m.article_id)):
            if a.article_id == b.article_id or not measures_alike(a, b):
                continue  # one article states a figure once; repeats inside it are not sources
            if values_compatible(a, b, fx):
                if _needs_alike_sentences(a, b) and not _sentences_alike(a, b):
                    continue
                uf.union(a.id, b.id)
            elif a.entity_id and a.family == b.family and (a.unit == b.unit or a.family == "currency") \
                    and _head(a) == _head(b) and _sentences_alike(a, b):
                conflicts.append((a, b, "value"))  # the same statement, another figure
    for ranked in by_value.values():  # the same figure: the same fact if the two sentences say alike things
        ranked.sort(key=lambda xv: (xv[0], xv[1].article_id))
        for i, (x, a) in enumerate(ranked):
            for y, b in ranked[i + 1:i + 1 + WINDOW]:
                if y > x * (1 + APPROX_TOLERANCE):
                    break
                if a.article_id == b.article_id or (_needs_alike_sentences(a, b) and not _sentences_alike(a, b)):
                    continue
                if (measures_alike(a, b) or _sentences_alike(a, b)) and values_compatible(a, b, fx):
                    uf.union_apart(a, b)
    links = article_links(con, _groups(items, uf))
    components = _article_components(links)
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
        for a, b in _neighbours(members, lambda m: (m.extra["start"] or date.min, m.article_id)):
            if a.article_id == b.article_id:
                continue
            same, clash = _events_alike(a, b)
            if same:
                uf.union(a.id, b.id)
            elif clash:
                conflicts.append((a, b, "date"))
    groups = _groups(items, uf)
    fact_of: dict[str, str] = {}
    facts, sources = [], []
    for members in groups.values():
        rep = min(members, key=lambda m: (m.unit is None, m.article_id, m.start))  # a stated unit over a bare amount
        fid = content_id("fact", rep.kind, _block(rep), ",".join(sorted(m.id for m in members)[:1]))
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
    conflict_rows = []
    seen = set()
    articles_of: dict[str, set[str]] = defaultdict(set)
    for src in sources:
        articles_of[src["fact_id"]].add(src["article_id"])
    for a, b, reason in conflicts:
        if story_of.get(a.article_id) != story_of.get(b.article_id):
            continue  # two happenings (two earthquakes, two trials) may well have other figures
        fa, fb = fact_of[a.id], fact_of[b.id]
        if fa == fb or (min(fa, fb), max(fa, fb)) in seen:
            continue
        if articles_of[fa] & articles_of[fb]:
            continue  # one article states both figures: two facts side by side, not a disagreement
        seen.add((min(fa, fb), max(fa, fb)))
        conflict_rows.append({"conflict_id": content_id("conflict", *sorted((fa, fb))), "fact_id_a": fa,
                              "fact_id_b": fb, "reason": reason, "quote_a": a.quote, "quote_b": b.quote})
    _write(con, facts, sources, conflict_rows, links, stories, story_articles)
    return {"facts": len(facts), "fact_sources": len(sources), "conflicts": len(conflict_rows),
            "article_links": len(links), "stories": len(stories)}


def _story_quantities(items: list[Item], story_of: dict[str, str], uf: _Clusters, fx: dict,
                      conflicts: list[tuple[Item, Item, str]], published: dict[str, date | None]) -> None:
    """Figures of one story: one happening, so weaker evidence suffices.

    Compared within (story, unit) by sorted value, each with its next WINDOW (linear). Two
    figures from two articles with compatible values and one time scope are one fact when
    both are distinctive as stated (41,212; 6.4; $612 million), or, with no two named
    subjects, when their measures or sentences agree, or their unit says what was measured
    and their measure words do not contradict each other. Incompatible values are a conflict when `_disagree` says so and the
    sentences are alike."""
    by_story: dict[tuple, list[tuple[float, Item]]] = defaultdict(list)
    for it in items:
        if it.kind != "quantity":
            continue
        uv = _value_of(it, fx)
        if uv is None:
            continue
        key = "count" if it.family in (None, "count") else uv[0]  # "6.4 quake", "6.4-magnitude", "6.4"
        by_story[(story_of.get(it.article_id, it.article_id), key)].append((uv[1], it))
    for ranked in by_story.values():
        ranked.sort(key=lambda xv: (xv[0], xv[1].article_id))
        for i, (x, a) in enumerate(ranked):
            for y, b in ranked[i + 1:i + 1 + WINDOW]:
                if a.article_id == b.article_id or (a.scope or "") != (b.scope or ""):
                    continue
                same_subject = not (a.entity_id and b.entity_id and a.entity_id != b.entity_id)
                if (a.unit or "").lower() != (b.unit or "").lower() and a.family in (None, "count"):
                    # counts of differently named things: one figure only if distinctive as stated
                    if a.qualifier == b.qualifier == "exact" and _distinctive(a.value) and _distinctive(b.value) \
                            and abs(a.value - b.value) <= max(_half_step(a.value), _half_step(b.value)):
                        uf.union_apart(a, b)
                    continue
                if values_compatible(a, b, fx):
                    if _distinctive(a.value) and _distinctive(b.value) \
                            or same_subject and (measures_alike(a, b) or _sentences_alike(a, b)) \
                            or same_subject and _words_compatible(a, b) and _unit_says_what(a):
                        uf.union_apart(a, b)
                elif same_subject and _disagree(a, b, x, y, published) \
                        and _sentences_alike(a, b, STORY_SENTENCE_ALIKE):
                    conflicts.append((a, b, "value"))


def _disagree(a: Item, b: Item, x: float, y: float, published: dict[str, date | None]) -> bool:
    """Two figures of one story that a reader would call a disagreement: one measure named
    beyond the unit itself (a depth, a pre-tax profit, a death toll; not "11 people" against
    "27 people", nor "5.1 aftershock" against "60 aftershocks"), values within
    STORY_CONFLICT_RATIO of each other (further apart is another period or scope), and not
    a running count that a later report raised (a toll of 31, then 46)."""
    unit_words = measure_words(a.unit) | measure_words(b.unit)
    shared = (_words(a) & _words(b)) - unit_words
    if not shared or _head(a) != _head(b):
        return False
    lo, hi = sorted((abs(x), abs(y)))
    if lo == 0 or hi / lo > STORY_CONFLICT_RATIO:
        return False
    if a.family in (None, "count") and b.family in (None, "count"):
        pa, pb = published.get(a.article_id), published.get(b.article_id)
        if pa and pb and pa != pb and (x < y) == (pa < pb):
            return False  # the later report has the higher count: an update
    return True


def _unit_says_what(it: Item) -> bool:
    """A unit that says what was measured (money, a length, tonnes, 'stores'), unlike a bare
    number or a percentage, which any measure of the story may have."""
    return bool(it.unit) and (it.unit or "").lower() not in ("percent", "%", "percentage point")


def _words_compatible(a: Item, b: Item) -> bool:
    """Measure words that do not contradict: one side has none, or they share one."""
    wa, wb = _words(a), _words(b)
    return not wa or not wb or bool(wa & wb)


def _distinctive(x: float | None) -> bool:
    """A figure, as stated, unlikely to recur by chance in one story for another thing: three
    significant digits (41,212; 612 million; 4.23 billion) or a decimal below 100 (6.4, 83.7),
    not a round or short one (12, 300, 2,000, 4.5 million)."""
    if x is None:
        return False
    digits = f"{abs(x):.6g}".split("e")[0].replace(".", "").strip("0")
    return len(digits) >= 3 or (x != int(x) and abs(x) < 100)


def _groups(items: list[Item], uf: _Union) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        groups[uf.find(it.id)].append(it)
    return groups


_OPEN = ("more_than", "at_least", "less_than", "at_most")


def _needs_alike_sentences(a: Item, b: Item) -> bool:
    """Pairs that are one fact only when their sentences say alike things:
    - one figure said of two named subjects: DeepSeek V4's and China Telecom's trillion
      parameters (a translation may name its subject otherwise, in an alike sentence);
    - an open bound beside an exact figure, with no named subject in common: "hundreds of
      thousands of units" (ordered chips) fits "100,000 units" (a year's servers) and says
      nothing of it."""
    if a.entity_id and a.entity_id == b.entity_id:
        return False
    if a.entity_id and b.entity_id:
        return True
    return (a.qualifier in _OPEN) != (b.qualifier in _OPEN) and "range" not in (a.qualifier, b.qualifier)


def _head(it: Item) -> str:
    words = re.findall(r"[a-z0-9]+", (it.measure or "").lower())
    return words[-1].rstrip("s") if words else ""


def article_links(con: duckdb.DuckDBPyConnection, groups: dict[str, list[Item]]) -> list[dict]:
    """Near-duplicates by MinHash LSH (each copy linked to its group's first article);
    restatements/translations by shared facts."""
    from datasketch import MinHash, MinHashLSH

    texts = con.execute("SELECT article_id, clean_text FROM articles ORDER BY article_id").fetchall()
    # Only the first article of each group of near-duplicates goes into the index; each later copy
    # is linked to the closest of them. A story syndicated k times gives k - 1 links, not k^2 / 2,
    # and each query meets representatives only.
    lsh = MinHashLSH(threshold=DUPLICATE_JACCARD, num_perm=64)
    reps: dict[str, MinHash] = {}
    links: dict[tuple[str, str], dict] = {}
    for aid, text in texts:
        words = re.findall(r"\w+", text.lower())
        mh = MinHash(num_perm=64, seed=1, hashfunc=zlib.crc32)  # crc32: 4x cheaper than sha1, enough here
        mh.update_batch([" ".join(words[i:i + SHINGLE]).encode("utf-8")
                         for i in range(max(1, len(words) - SHINGLE + 1))])
        scored = sorted(((mh.jaccard(reps[r]), r) for r in lsh.query(mh)), key=lambda x: (-x[0], x[1]))
        if scored and scored[0][0] >= DUPLICATE_JACCARD:
            similarity, rep = scored[0]
            links[(rep, aid)] = {"article_id_a": rep, "article_id_b": aid, "kind": "duplicate",
                                 "similarity": float(similarity)}
        else:
            reps[aid] = mh
            lsh.insert(aid, mh)
    facts_per_article: dict[str, set[str]] = defaultdict(set)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for gid, members in groups.items():
        arts = sorted({m.article_id for m in members if m.kind == "quantity"})
        for a in arts:
            facts_per_article[a].add(gid)
        if len(arts) > RESTATEMENT_MAX_ARTICLES:
            continue
        for i, a in enumerate(arts):
            for b in arts[i + 1:]:
                shared[(a, b)] += 1
    copies = _article_components(list(links.values()))  # copies of one text share all facts: no pair links
    for (a, b), n in shared.items():
        if copies.get(a, a) == copies.get(b, b):
            continue
        smaller = min(len(facts_per_article[a]), len(facts_per_article[b]))
        if smaller and n >= RESTATEMENT_MIN and n / smaller >= RESTATEMENT_SHARE and (a, b) not in links:
            links[(a, b)] = {"article_id_a": a, "article_id_b": b, "kind": "restatement", "similarity": n / smaller}
    return list(links.values())


def _article_components(links: list[dict]) -> dict[str, str]:
    uf = _Union()
    for l in links:
        uf.union(l["article_id_a"], l["article_id_b"])
    return {a: uf.find(a) for a in list(uf.parent)}


def _write(con, facts, sources, conflicts, links, stories, story_articles) -> None:
    from ..store.store import insert_rows

    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("fact_sources", "conflicts", "facts", "article_links", "stories", "story_articles"):
            con.execute(f"DELETE FROM {table}")
        insert_rows(con, "facts", facts)
        insert_rows(con, "fact_sources", sources)
        insert_rows(con, "conflicts", conflicts)
        insert_rows(con, "article_links", links)
        insert_rows(con, "stories", stories)
        insert_rows(con, "story_articles", story_articles)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
