"""Facts as frames: the items of one happening grouped into facts, with no chaining, and the
pairs that state one thing with values that cannot both hold.

Within a story, two items of two articles in one comparable kind (counts; money; one physical
dimension; dates) whose values may agree are scored with the learned `merge` model
(config/fact_model.toml: the evidence of frames.py plus how the values agree); two of one kind
of thing whose values clash, with the `conflict` model. Items join greedily,
best pair first, and two groups join only when every pair across them has compatible values,
no article is on both sides, and their pairs' mean merge probability clears the threshold: a
fact never holds 24 and 2 million, or 14 dead and 241 injured. Across stories a fact joins
another only when both state the subject and the time scope and these are equal.

A pair of one frame whose values clash is a conflict candidate; its kind says whether a later
report raised a count (`update`), the two differ only past their stated precision
(`rounding`), or they contradict each other (`contradiction`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

from ..config_files import read_config
from .blocking import value_key
from .frames import (CLASH_FEATURES, EVENT_FEATURES, as_number, QUANTITY_FEATURES, VALUE_FEATURES, clash_features, date_parts,
                     measure_key, pair_features, unit_head, value_features, value_relation)
from .items import Item
from .rules import Matching, canonical, item_bounds

TOLLS = frozenset({"dead", "injured", "missing", "evacuated", "arrested", "rescued"})  # counts that rise as news comes in
MAX_PARTITION = 400  # dates of one story compared pair by pair up to this many; beyond, by sorted neighbourhood
NEIGHBOURS = 60  # the neighbourhood then
CLASH_WINDOW = 20  # figures of one kind compared with their nearest in value, in a kind with more


@dataclass(frozen=True)
class FactModel:
    """Logistic weights per item kind for `merge` and `conflict`, and the thresholds, learned on the
    ECB+ training topics by tests/learn_fact_model.py."""
    weights: dict[str, dict[str, float]]
    merge_threshold: float
    conflict_threshold: float
    rounding_tolerance: float

    @classmethod
    def load(cls, path: Path) -> "FactModel":
        data = read_config(path)
        t = data["thresholds"]
        weights = {k: v for k, v in data.items() if k != "thresholds" and isinstance(v, dict)}
        return cls(weights, float(t["merge"]), float(t["conflict"]), float(t["rounding_tolerance"]))

    def probability(self, name: str, features: dict[str, float]) -> float:
        w = self.weights.get(name, {})
        z = sum(w.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class Pair:
    a: Item
    b: Item
    features: dict[str, float]
    compatible: bool
    clash: bool
    context: dict[str, float]


def partition_key(it: Item, mt: Matching) -> str | None:
    """Which items can state one thing at all: dates with dates, counts with counts, money with
    money, lengths with lengths."""
    if it.kind == "event":
        return "date" if it.scope else None
    if it.family in (None, "count"):
        return "count"
    uv = value_key(it, mt)
    return f"{it.family}:{uv[0]}" if uv else None


def all_features(p: Pair) -> dict[str, float]:
    """The merge model's evidence: the frames and whether the values agree."""
    return {**p.features, **value_features(p.a, p.b, p.compatible)}


def conflict_features(p: Pair) -> dict[str, float]:
    """The conflict model's evidence: the frames, how far apart the values are, and what else
    the two articles say of that kind of thing (p.context)."""
    return {**p.features, **clash_features(p.a, p.b), **p.context}


def frame_key(it: Item) -> str:
    """What an item is a figure of, coarsely: its measure class, else its counted noun or unit
    (rifles, metres, hours, percent), else its measure (for a date, its trigger); "" when
    nothing says."""
    key = it.extra.get("frame_key")
    if key is None:
        key = it.extra["frame_key"] = (it.extra.get("measure_class") or (unit_head(it) if it.kind == "quantity" else "")
                                       or measure_key(it))
    return key


def _context(a: Item, b: Item, peers: dict[tuple[str, str], list[Item]], mt: Matching) -> dict[str, float]:
    """Whether each side is its article's only figure of that kind of thing ("80 injured" in
    one report, "70 injured" in another: one frame; "20 points" beside "16 points": players),
    and whether either article also states a figure that agrees with the other side (then the
    clashing one is about something else)."""
    ka, kb = frame_key(a), frame_key(b)
    same_a = [c for c in peers.get((a.article_id, ka), ()) if c is not a]
    same_b = [c for c in peers.get((b.article_id, kb), ()) if c is not b]
    partner = any(value_relation(a, c, mt)[0] for c in peers.get((b.article_id, ka), ()) if c is not b) \
        or any(value_relation(b, c, mt)[0] for c in peers.get((a.article_id, kb), ()) if c is not a)
    return {"both_alone": float(not same_a and not same_b), "one_alone": float(bool(same_a) != bool(same_b)),
            "agreeing_partner": float(partner)}


def candidate_pairs(items: list[Item], story_of: dict[str, str], mt: Matching) -> Iterator[Pair]:
    """The pairs of two articles of one story and one partition worth deciding: two figures
    whose values may agree (found by a sweep over their value intervals, so a story's hundreds
    of counts are not compared all with all) and two figures of one kind of thing (one measure
    class, counted noun or unit) whose values clash. Dates are compared all with all in a small
    partition, else only those sharing a date part, an actor, a theme or a trigger."""
    parts: dict[tuple, list[Item]] = defaultdict(list)
    for it in items:
        key = partition_key(it, mt)
        if key is not None:
            parts[(story_of.get(it.article_id, it.article_id), key)].append(it)
    for members in parts.values():
        peers: dict[tuple[str, str], list[Item]] = defaultdict(list)  # (article, kind of thing) -> its figures
        for m in members:
            peers[(m.article_id, frame_key(m))].append(m)
        for a, b in _pairs_to_decide(members, mt):
            if a.article_id == b.article_id:
                continue
            compatible, clash = value_relation(a, b, mt)
            clash = clash and (frame_key(a) == frame_key(b) != "" or a.kind == "event" and _one_event(a, b)) \
                and not (dateline_read(a) or dateline_read(b))
            if not (compatible or clash):
                continue  # values that neither agree nor state one kind of thing: nothing to decide
            yield Pair(a, b, pair_features(a, b, mt), compatible, clash,
                       _context(a, b, peers, mt) if clash else {})


def _event_keys(it: Item) -> set[tuple]:
    """What a dated clause may share with another telling the same happening: each stated part of
    its date (two dates that agree share one), its actors, its theme, its trigger or class."""
    keys: set[tuple] = {("date", k, v) for k, v in date_parts(it.scope).items()}
    keys |= {("actor", x) for x in it.extra["actors"]}
    keys |= {("what", x) for x in (it.extra.get("theme"), it.measure, it.extra.get("measure_class")) if x}
    return keys


def _one_event(a: Item, b: Item) -> bool:
    """Two dated clauses that may tell one happening: a shared actor, theme, trigger or class
    (two dates of a story's many clauses are otherwise nothing to compare)."""
    return bool({k for k in _event_keys(a) if k[0] != "date"} & _event_keys(b))


def _pairs_to_decide(members: list[Item], mt: Matching) -> Iterator[tuple[Item, Item]]:
    if members[0].kind == "event" and len(members) > 12:
        blocks: dict[tuple, list[Item]] = defaultdict(list)
        for m in members:
            for k in _event_keys(m):
                blocks[k].append(m)
        seen: set[tuple[str, str]] = set()
        for group in blocks.values():
            for i, a in enumerate(group[:MAX_PARTITION]):
                for b in group[i + 1:MAX_PARTITION]:
                    if (a.id, b.id) not in seen:
                        seen.add((a.id, b.id))
                        yield a, b
        return
    if members[0].kind == "event" or len(members) <= 12:
        if len(members) <= MAX_PARTITION:
            yield from ((a, b) for i, a in enumerate(members) for b in members[i + 1:])
        else:
            ranked = sorted(members, key=lambda m: (m.scope or "", m.article_id))
            yield from ((a, b) for i, a in enumerate(ranked) for b in ranked[i + 1:i + 1 + NEIGHBOURS])
        return
    seen: set[tuple[str, str]] = set()
    spans = sorted(((*_value_span(m, mt), m) for m in members), key=lambda x: (x[0], x[2].id))
    for i, (lo, hi, a) in enumerate(spans):  # a sweep: each figure with those whose interval starts inside its own
        for lo2, _, b in spans[i + 1:]:
            if lo2 > hi:
                break
            seen.add((a.id, b.id))
            yield a, b
    kinds: dict[str, list[Item]] = defaultdict(list)
    for m in members:
        kinds[frame_key(m)].append(m)
    kinds.pop("", None)  # figures of no known kind: nothing to disagree about
    for group in kinds.values():
        # many figures of one kind (a story's percentages): each with its nearest in value only,
        # as reports that disagree state near figures (seven rifles or 12; 60 m or 150 m)
        window = len(group) if len(group) <= CLASH_WINDOW else CLASH_WINDOW
        group = sorted(group, key=lambda m: (m.value if m.value is not None else (m.low or 0.0), m.id))
        for i, a in enumerate(group):
            for b in group[i + 1:i + 1 + window]:
                if (a.id, b.id) not in seen and (b.id, a.id) not in seen:
                    yield a, b


def _value_span(it: Item, mt: Matching) -> tuple[float, float]:
    """The values an item allows, widened by the loosest tolerance: any figure it may agree with
    starts inside this span (counts as numbers, money in USD, physical units in base units)."""
    if it.family in (None, "count"):
        it = as_number(it)
    lo, hi, _ = item_bounds(it, mt)[0]
    margin = mt.settings.approx_tolerance * max(abs(lo) if lo != float("-inf") else 0.0, abs(hi) if hi != float("inf") else 0.0)
    return lo - margin - 1e-9, hi + margin + 1e-9


def model_name(it: Item, what: str) -> str:
    return f"{'event' if it.kind == 'event' else 'quantity'}_{what}"


def group(items: list[Item], story_of: dict[str, str], mt: Matching, model: FactModel,
          published: dict[str, date | None]) -> tuple[dict[str, str], list[tuple[Item, Item, str]]]:
    """(item id -> group id, conflict candidates (a, b, kind)) for the items of the stories given.
    A statement copied word for word into several articles (syndication) is decided once."""
    alias, copied_in = _copies(items, story_of)
    items_all, items = items, [it for it in items if it.id not in alias]
    by_id = {it.id: it for it in items}
    merge_p: dict[tuple[str, str], float] = {}
    edges: list[tuple[float, str, str]] = []
    clashes: list[tuple[float, Pair]] = []
    for p in candidate_pairs(items, story_of, mt):
        key = (min(p.a.id, p.b.id), max(p.a.id, p.b.id))
        if p.compatible:
            pm = model.probability(model_name(p.a, "merge"), all_features(p))
            merge_p[key] = pm
            if pm >= model.merge_threshold:
                edges.append((pm, key[0], key[1]))
        elif p.clash:
            pf = model.probability(model_name(p.a, "conflict"), conflict_features(p))
            if pf >= model.conflict_threshold:
                clashes.append((pf, p))
    groups = _agglomerate(by_id, edges, merge_p, model.merge_threshold, mt, copied_in)
    _across_stories(items, groups, story_of, mt)
    conflicts = [(p.a, p.b, conflict_kind(p.a, p.b, mt, published, model.rounding_tolerance))
                 for _, p in sorted(clashes, key=lambda x: (-x[0], x[1].a.id, x[1].b.id))]
    return {it.id: groups.find(alias.get(it.id, it.id)) for it in items_all}, conflicts


def _copies(items: list[Item], story_of: dict[str, str]) -> tuple[dict[str, str], dict[str, set[str]]]:
    """(copy -> the first item of its statement, item -> the articles stating it): items of one
    story with the same words, sentence and value in other articles are one statement copied
    (200 syndicated copies make one item to compare, not 200)."""
    first: dict[tuple, Item] = {}
    alias: dict[str, str] = {}
    copied_in: dict[str, set[str]] = {}
    for it in items:
        key = (story_of.get(it.article_id), it.kind, it.quote.strip().lower(), it.extra.get("sent"), it.scope,
               it.value, it.low, it.high, it.unit, it.qualifier)
        rep = first.get(key)
        if rep is None:
            first[key] = it
        elif it.article_id not in copied_in.setdefault(rep.id, {rep.article_id}):
            alias[it.id] = rep.id
            copied_in[rep.id].add(it.article_id)
    return alias, copied_in


class _Groups:
    """Groups of items with their members and articles, joined only as a whole."""

    def __init__(self, by_id: dict[str, Item], copied_in: dict[str, set[str]]) -> None:
        self.of = {i: i for i in by_id}
        self.members = {i: [it] for i, it in by_id.items()}
        self.articles = {i: set(copied_in.get(i, {it.article_id})) for i, it in by_id.items()}

    def find(self, x: str) -> str:
        return self.of[x]

    def join(self, ra: str, rb: str) -> None:
        keep, gone = min(ra, rb), max(ra, rb)
        for m in self.members[gone]:
            self.of[m.id] = keep
        self.members[keep].extend(self.members.pop(gone))
        self.articles[keep] |= self.articles.pop(gone)


def _agglomerate(by_id: dict[str, Item], edges: list[tuple[float, str, str]], merge_p: dict[tuple[str, str], float],
                 threshold: float, mt: Matching, copied_in: dict[str, set[str]]) -> _Groups:
    g = _Groups(by_id, copied_in)
    for _, x, y in sorted(edges, key=lambda e: (-e[0], e[1], e[2])):
        ra, rb = g.find(x), g.find(y)
        if ra == rb or g.articles[ra] & g.articles[rb]:
            continue
        cross = [(a, b) for a in g.members[ra] for b in g.members[rb]]
        scores = [merge_p.get((min(a.id, b.id), max(a.id, b.id))) for a, b in cross]
        if any(s is None for s in scores):  # a pair whose values cannot both hold, or not comparable
            continue
        if sum(scores) / len(scores) >= threshold:
            g.join(ra, rb)
    return g


def _across_stories(items: list[Item], g: _Groups, story_of: dict[str, str], mt: Matching) -> None:
    """One fact stated in two stories: only when every member states the same subject and time
    scope, the measure is one, and every pair of values fits."""
    keyed: dict[tuple, list[str]] = defaultdict(list)
    for root in sorted(set(g.members)):
        ms = g.members[root]
        m0 = ms[0]
        if m0.kind != "quantity" or not m0.entity_id or not m0.scope:
            continue
        if any(m.entity_id != m0.entity_id or m.scope != m0.scope or measure_key(m) != measure_key(m0) for m in ms):
            continue
        keyed[(m0.entity_id, m0.scope, measure_key(m0), partition_key(m0, mt))].append(root)
    for roots in keyed.values():
        if len({story_of.get(g.members[r][0].article_id) for r in roots}) < 2:
            continue
        for r in roots[1:]:
            ra, rb = g.find(roots[0]), g.find(r)
            if ra == rb or g.articles[ra] & g.articles[rb]:
                continue
            if all(value_relation(a, b, mt)[0] for a in g.members[ra] for b in g.members[rb]):
                g.join(ra, rb)


def dateline_read(it: Item) -> bool:
    """A date the pipeline resolved against the article's date ("today", "Monday" with a
    dateline): only as sure as that date, which is often read off the page. It may join a fact
    but never makes a conflict; a written-out date, or a weekday or clock time left unresolved,
    may."""
    return it.kind == "event" and not it.extra.get("stated") and not (it.scope or "").startswith("XXXX")


def conflict_kind(a: Item, b: Item, mt: Matching, published: dict[str, date | None], rounding: float) -> str:
    """update: a toll or count a later report raised (not a magnitude or an age); rounding: apart by no more than `rounding` of the
    larger (or two clock times within half an hour); contradiction otherwise."""
    if a.kind == "event":
        ca, cb = date_parts(a.scope).get("clock"), date_parts(b.scope).get("clock")
        if ca is not None and cb is not None and abs(ca - cb) <= 30 and {k for k in date_parts(a.scope)} == {
                k for k in date_parts(b.scope)}:
            return "rounding"
        return "contradiction"
    x, y = canonical(a, mt)[0], canonical(b, mt)[0]
    if x is None or y is None:
        return "contradiction"
    cls = a.extra.get("measure_class")
    if a.family in (None, "count") and (cls in TOLLS or cls is None and a.family == "count"):
        pa, pb = published.get(a.article_id), published.get(b.article_id)
        if pa and pb and pa != pb and (x < y) == (pa < pb):
            return "update"
    if abs(x - y) <= rounding * max(abs(x), abs(y)):
        return "rounding"
    return "contradiction"


def feature_names(kind: str, what: str) -> tuple[str, ...]:
    base = EVENT_FEATURES if kind == "event" else QUANTITY_FEATURES
    return base + (VALUE_FEATURES if what == "merge" else CLASH_FEATURES)
