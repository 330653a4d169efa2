"""Frames: what a stated figure or date is about, and how alike two of them are.

A fact is a frame with a value: the happening (story), whose figure it is (the subject
entity), what is counted or measured (the measure), its time scope, and the value. Two items
are compared frame against frame: `pair_features` gives the evidence that they state one
thing (their measures, counted nouns, verbs of the clause, subjects, scopes, sentences), and
`value_relation` whether their values can both hold. The weights that turn the evidence into
a probability are learned on the ECB+ training topics (tests/learn_fact_model.py) and kept in
config/fact_model.toml; nothing here is keyed to particular documents.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date

from .items import Item
from .rules import Matching, distinctive, item_words, measure_head, values_compatible

_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2}|XX))?(?:-(\d{2}|XX))?")
_WEEKDAY = re.compile(r"-W[X\d]{2}-(\d)")
_CLOCK = re.compile(r"T(\d{2}):?(\d{2})?")
_OTHER = re.compile(r"\b(?:other|another|additional|further|more|extra)\b", re.I)  # "two other rifles": another set

QUANTITY_FEATURES = ("bias", "unit_same", "unit_head_same", "unit_none", "measure_jaccard", "measure_head_same",
                     "measure_key_same", "sentence_jaccard", "near_jaccard", "subject_same", "subject_differ",
                     "scope_same", "scope_differ", "both_exact", "verb_same", "class_same", "class_differ",
                     "reported", "other_set")
EVENT_FEATURES = ("bias", "trigger_same", "theme_same", "theme_differ", "actors_shared", "actors_differ",
                  "sentence_jaccard", "near_jaccard", "both_stated", "form_same", "said_same", "class_same",
                  "class_differ", "reported", "other_set")
VALUE_FEATURES = ("value_same", "value_distinctive", "quote_same", "qualifier_same", "value_clock", "value_day",
                  "value_weekday", "value_year_only", "value_equal", "equal_and_unit", "equal_and_class", "magnitude")
CLASH_FEATURES = ("log_ratio", "far_apart", "both_alone", "one_alone", "agreeing_partner")


def jaccard(x: frozenset, y: frozenset) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


def unit_head(it: Item) -> str:
    head = it.extra.get("unit_head")
    if head is None:
        words = re.findall(r"[a-z0-9-]+", (it.unit or "").lower())
        head = it.extra["unit_head"] = words[-1] if words else ""
    return head


def measure_key(it: Item) -> str:
    """The measure as one normalised word: the count synonyms group the measure words and
    counted nouns ("died", "dead", "killed", "death toll" are one), else the head of the phrase."""
    words = it.extra.get("mkey")
    if words is None:
        words = it.extra["mkey"] = (it.extra.get("measure_class") or measure_head(it) or unit_head(it))
    return words


def date_parts(value: str | None) -> dict:
    """A TimeML date value as comparable parts: year, month, day, weekday (1-7), clock minutes."""
    parts: dict = {}
    if not value:
        return parts
    m = _DATE.match(value)
    if m:
        for key, group in (("year", 1), ("month", 2), ("day", 3)):
            if m.group(group) and m.group(group).isdigit():
                parts[key] = int(m.group(group))
        if {"year", "month", "day"} <= set(parts):
            try:
                parts["weekday"] = date(parts["year"], parts["month"], parts["day"]).isoweekday()
            except ValueError:
                pass
    w = _WEEKDAY.search(value)
    if w:
        parts["weekday"] = int(w.group(1))
    c = _CLOCK.search(value)
    if c:
        parts["clock"] = int(c.group(1)) * 60 + int(c.group(2) or 0)
    return parts


def dates_relation(a: str | None, b: str | None) -> tuple[bool, bool]:
    """(compatible, clash) of two date values: every part both state agrees, or one differs.
    "Friday" (XXXX-WXX-5) fits Dec. 12, 2008 when that was a Friday; 2008 fits 2008-12; two
    clock times are one only when equal."""
    pa, pb = date_parts(a), date_parts(b)
    shared = set(pa) & set(pb)
    if not shared:
        return False, False
    for k in ("year", "month", "day", "weekday", "clock"):
        if k in shared and pa[k] != pb[k]:
            return False, True
    return True, False


def value_relation(a: Item, b: Item, mt: Matching) -> tuple[bool, bool]:
    """(compatible, clash): can both values hold, and do they state a value the other excludes."""
    if a.kind == "event":
        return dates_relation(a.scope, b.scope)
    if a.value is None and a.low is None or b.value is None and b.low is None:
        return False, False
    if a.family in (None, "count") and b.family in (None, "count"):
        # counts compare as numbers: whether "10,000 Web sites" and "10,000 websites" count one
        # thing is the frame's question (their nouns), not the value's
        a, b = as_number(a), as_number(b)
    same = values_compatible(a, b, mt)
    comparable = a.family == b.family and (a.family != "currency" or a.unit == b.unit or bool(mt.fx))
    return same, comparable and not same


def as_number(it: Item) -> Item:
    bare = it.extra.get("as_number")
    if bare is None:
        bare = it.extra["as_number"] = replace(it, unit=None, family=None, extra={"scale": None})
    return bare


def log_ratio(a: Item, b: Item) -> float:
    """How far apart two values are, in orders of magnitude: reports that contradict each other
    are near (seven rifles or 12; 60 m or 150 m); a figure 100 times another is about something else."""
    x, y = (a.value if a.value is not None else a.low), (b.value if b.value is not None else b.low)
    if a.kind == "event" or not x or not y or (x < 0) != (y < 0):
        return 0.0
    return abs(math.log10(abs(x) / abs(y)))


def pair_features(a: Item, b: Item, mt: Matching) -> dict[str, float]:
    """The evidence that two items of one happening state one thing, named as in the model file."""
    sj = jaccard(a.extra.get("sent") or frozenset(), b.extra.get("sent") or frozenset())
    nj = jaccard(a.extra.get("near") or frozenset(), b.extra.get("near") or frozenset())
    mk = measure_key(a) == measure_key(b) and bool(measure_key(a))
    ca, cb = a.extra.get("measure_class"), b.extra.get("measure_class")
    classes = {"class_same": float(bool(ca) and ca == cb), "class_differ": float(bool(ca and cb) and ca != cb),
               "reported": float("reported" in (ca, cb)),
               "other_set": float(bool(_OTHER.search(a.quote if a.kind == "quantity" else "")
                                       or _OTHER.search(b.quote if b.kind == "quantity" else "")))}
    if a.kind == "event":
        aa, ab = a.extra["actors"], b.extra["actors"]
        ta, tb = a.extra.get("theme"), b.extra.get("theme")
        f = {"bias": 1.0, "trigger_same": float(a.measure == b.measure), "theme_same": float(bool(ta) and ta == tb),
             "theme_differ": float(bool(ta and tb) and ta != tb), "actors_shared": float(bool(aa & ab)),
             "actors_differ": float(bool(aa and ab) and not aa & ab), "sentence_jaccard": sj,
             "near_jaccard": nj, "both_stated": float(bool(a.extra.get("stated") and b.extra.get("stated"))),
             "form_same": float(set(date_parts(a.scope)) == set(date_parts(b.scope))),
             "said_same": float((a.extra.get("said") or "").lower() == (b.extra.get("said") or "").lower()),
             **classes}
    else:
        wa, wb = item_words(a), item_words(b)
        ua, ub = (a.unit or "").lower(), (b.unit or "").lower()
        f = {"bias": 1.0, "unit_same": float(ua == ub and bool(ua)),
             "unit_head_same": float(unit_head(a) == unit_head(b) and bool(ua)),
             "unit_none": float(not ua or not ub), "measure_jaccard": jaccard(wa, wb),
             "measure_head_same": float(measure_head(a) == measure_head(b) and bool(measure_head(a))),
             "measure_key_same": float(mk), "sentence_jaccard": sj, "near_jaccard": nj,
             "subject_same": float(bool(a.entity_id) and a.entity_id == b.entity_id),
             "subject_differ": float(bool(a.entity_id and b.entity_id) and a.entity_id != b.entity_id),
             "scope_same": float(bool(a.scope) and a.scope == b.scope),
             "scope_differ": float(bool(a.scope and b.scope) and a.scope != b.scope),
             "both_exact": float(a.qualifier == b.qualifier == "exact"),
             "verb_same": float(bool(a.extra.get("verb")) and a.extra.get("verb") == b.extra.get("verb")),
             **classes}
    return f


def clash_features(a: Item, b: Item) -> dict[str, float]:
    r = log_ratio(a, b)
    return {"log_ratio": min(r, 3.0), "far_apart": float(r > math.log10(3))}


def value_features(a: Item, b: Item, compatible: bool) -> dict[str, float]:
    """How much two agreeing values say: a distinctive figure (41,212; 6.4), the same words
    ("more than 50 charges" twice), two equal clock times or days, or only a year in common."""
    f = {"value_same": float(compatible), "quote_same": 0.0, "qualifier_same": float(a.qualifier == b.qualifier),
         "value_clock": 0.0, "value_day": 0.0, "value_weekday": 0.0, "value_year_only": 0.0, "value_equal": 0.0,
         "equal_and_unit": 0.0, "equal_and_class": 0.0, "magnitude": 0.0}
    if a.kind == "event":
        pa, pb = date_parts(a.scope), date_parts(b.scope)
        shared = set(pa) & set(pb) if compatible else set()
        f.update(value_clock=float("clock" in shared), value_day=float("day" in shared),
                 value_weekday=float("weekday" in shared and "day" not in shared),
                 value_year_only=float(shared == {"year"}),
                 quote_same=float(bool(a.extra.get("said")) and (a.extra.get("said") or "").lower()
                                  == (b.extra.get("said") or "").lower()))
        distinct = bool(shared & {"day", "clock"})
    else:
        distinct = distinctive(a.value) and distinctive(b.value)
        f["quote_same"] = float(a.quote.strip().lower() == b.quote.strip().lower())
        x, y = (a.value if a.value is not None else a.low), (b.value if b.value is not None else b.low)
        equal = x is not None and x == y
        f.update(value_equal=float(equal), equal_and_unit=float(equal and unit_head(a) == unit_head(b) and bool(a.unit)),
                 equal_and_class=float(equal and bool(a.extra.get("measure_class"))
                                       and a.extra.get("measure_class") == b.extra.get("measure_class")),
                 magnitude=min(6.0, math.log10(abs(x))) / 6 if x else 0.0)  # 30 youths says less than 41,212
    f["value_distinctive"] = float(compatible and distinct)
    return f
