"""Step 1 and 2 of a quantity: the numbers of a text as candidates, each widened to its
currency, scale ("$5.576 million"), unit ("4 km^2", "12 percent"), rate ("per kg") and
qualifier ("more than")."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span, Token

from ...names import singular as _singular
from .lexicon import Lexicon
from .numbers import NumberReader
from .units import UnitReader

# "trillion-parameter", "million-token": a bare scale word used as a number
_SCALE_NOUN = re.compile(r"(?<![\w\-])(thousand|million|billion|trillion)-([a-z]+)\b", re.I)
_GLUED_NAME = re.compile(r"[A-Za-z][\-‐]$")  # "GPT-4", "Qwen-72": a number inside a name


@dataclass(frozen=True)
class Ctx:
    """What every step reads of one doc (spaCy rebuilds doc.text and doc.ents on each access,
    so they are read once per doc and passed along, not kept on the component)."""

    doc: Doc
    text: str
    ents: list[Span]  # doc.ents: in order, never overlapping
    ent_starts: list[int] = field(init=False)  # token offsets, for bisection
    ent_ends: list[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ent_starts", [e.start for e in self.ents])  # (frozen)
        object.__setattr__(self, "ent_ends", [e.end for e in self.ents])


@dataclass
class Cand:
    start: int
    end: int
    value: float | None
    num_start: int
    num_end: int
    kind: str = "digits"  # digits | words | vague | scale_noun
    low: float | None = None
    high: float | None = None
    qualifier: str = "exact"
    unit: str | None = None
    unit_family: str | None = None
    per_unit: str | None = None
    scale: str | None = None
    currency: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def is_clause_prep(doc: Doc, char: int, c: Cand) -> bool:
    """'over 58 days' (during) is a preposition of the clause, not a qualifier of the number."""
    tok = token_at(doc, max(0, char))
    while tok is not None and tok.is_space:
        tok = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return tok is not None and tok.dep_ == "prep" and tok.head.pos_ in ("VERB", "AUX") and c.unit_family == "duration"


def _sum_like(text: str, n, lx: Lexicon) -> bool:
    """A number glued to a currency code reads as a sum: thousands, decimals, or a scale after it."""
    raw = text[n.start:n.glued_end or n.end]
    return bool(re.match(r"\d{1,3}(?:,\d{3})+|\d{3,}|\d+\.\d+", raw)) \
        or (n.glued or "") in ("m", "bn", "mn", "k") or bool(lx.scale_after.match(text[n.end:]))


def find_candidates(ctx: Ctx, lx: Lexicon, numbers: NumberReader, units: UnitReader) -> list[Cand]:
    text = ctx.text
    out: list[Cand] = []
    for n in numbers.find(text):
        if n.kind == "words":
            out.append(Cand(n.start, n.end, n.value, n.start, n.end, kind="words"))
            continue
        if _GLUED_NAME.search(text[max(0, n.start - 2):n.start]):
            continue
        if n.start and text[n.start - 1].isalpha() and not _sum_like(text, n, lx):
            continue  # "PS5", "EUR2 coin": a model or a name, unless it reads as a sum ("RM1.2bn", "PS450,000")
        c = Cand(n.start, n.end, n.value, n.start, n.end)
        c.extra["form"] = n.kind
        if n.glued:  # "4x", "6GW", "$5bn", "10kg"; anything else glued is a code ("910B", "3C6000")
            glued = n.glued
            if glued in ("s", "st", "nd", "rd", "th"):
                continue  # "the 1960s", "her 80s", "117th Street": a decade, an age bracket, an ordinal
            money = lx.currency_before.search(text[max(0, n.start - 4):n.start])
            if glued in ("x", "×"):
                c.unit, c.unit_family, c.end = "times", "ratio", n.glued_end
            elif glued in ("bn", "mn", "tn", "k") or (money and (glued in lx.scales_cs or glued == "m")):
                mult = lx.scales.get(glued) or lx.scales_cs.get(glued) or 1e6  # "$12m"
                c.value, c.scale, c.end = n.value * mult, glued, n.glued_end
            else:
                u = units.read(text, n.end, glued=True)
                if glued in lx.units and not (u and u.end > n.glued_end):  # the lexicon, unless pint reads on ("km^3")
                    (c.unit, c.unit_family), c.end = lx.units[glued], n.glued_end
                elif u is not None and not (len(glued) == 1 and glued.isupper()):
                    c.unit, c.unit_family, c.end = u.name, u.family, u.end
                else:
                    continue
        out.append(c)
    for m in _SCALE_NOUN.finditer(text):
        c = Cand(m.start(), m.end(), lx.scales[m.group(1).lower()], m.start(1), m.end(1), kind="scale_noun")
        c.scale, c.unit, c.unit_family = m.group(1), _singular(m.group(2)), "count"
        out.append(c)
    out = drop_contained(out, lambda o: o.kind in ("scale_noun", "digits"))
    taken = [(c.start, c.end) for c in out]
    for m in lx.vague_rx.finditer(text):
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue
        out.append(Cand(m.start(), m.end(), lx.vague[m.group(0).lower()], m.start(), m.end(),
                        kind="vague", qualifier="at_least"))
    return sorted(out, key=lambda c: c.start)


def drop_contained(cands: list[Cand], container: Any = lambda o: True) -> list[Cand]:
    """cands but those inside a longer one that `container` accepts, in their order.

    A sweep over the containers' starts: checking every pair grew with the square of a doc's
    numbers."""
    widest: dict[int, int] = {}  # a container's start -> the furthest end from there
    for o in cands:
        if container(o):
            widest[o.start] = max(widest.get(o.start, -1), o.end)
    starts = sorted(widest)
    reach = [-1]  # reach[k]: the furthest end of a container starting before starts[k]
    for a in starts:
        reach.append(max(reach[-1], widest[a]))
    return [c for c in cands if not (reach[bisect_left(starts, c.start)] >= c.end
                                     or widest.get(c.start, -1) > c.end)]


def widen(c: Cand, ctx: Ctx, lx: Lexicon, units: UnitReader) -> Cand:
    text = ctx.text
    before = text[max(0, c.start - 40):c.start]
    m = lx.currency_before.search(before)
    if m and c.kind == "digits" and not c.unit:
        sym = m.group(0).strip()
        c.unit, c.unit_family, c.currency = lx.currencies[sym], "currency", True
        c.start -= len(m.group(0))
    after = text[c.end:c.end + 60]
    if c.scale is None and c.kind != "vague":
        m = lx.scale_after.match(after)
        if m:
            word = m.group(0).strip().strip("-")
            mult = lx.scales.get(word.lower()) if word.lower() in lx.scales and len(word) > 1 else lx.scales_cs.get(word)
            if mult is not None:
                c.value = (c.value or 0) * mult
                c.scale = word
                c.end += m.end()
                after = text[c.end:c.end + 60]
    if c.unit is None or c.currency:
        m = lx.currency_after.match(after)
        sym = re.match(r"^\s?([€£¥₹₩$])", after)
        if m is None and sym and c.unit is None and c.kind == "digits":  # "15€", "20 £"
            c.unit, c.unit_family, c.currency = lx.currencies[sym.group(1)], "currency", True
            c.end += sym.end()
            after = text[c.end:c.end + 60]
        elif m and c.unit is None and m.group(0).strip().lower() in lx.pound_words and not lx.money_cues.search(
                text[max(0, c.start - lx.money_window):c.end + lx.money_window]):
            pass  # a weight: pint reads it below
        elif m and c.unit is None:
            key = m.group(0).strip()
            c.unit, c.unit_family, c.currency = lx.currencies.get(key.lower()) or lx.currencies[key], "currency", True
            c.end += m.end()
            after = text[c.end:c.end + 60]
    if c.unit is None:
        m = lx.unit_after.match(after)
        u = units.read(text, c.end) if c.kind != "vague" else None
        if m and u is not None and u.end > c.end + m.end() and not re.search(r"/|\bper\b", text[c.end + m.end():u.end]):
            m = None  # "km squared", "km^3": pint reads further than the lexicon's "km"
        if m:
            surface = m.group(0).strip().strip("-")
            c.unit, c.unit_family = lx.units.get(surface) or lx.units_folded[surface.lower()]
            c.end += m.end()
            after = text[c.end:c.end + 60]
            paren = re.match(r"^\s*\(([^()]{1,12})\)", after)  # "terawatt-hours (TWh)"
            if paren and paren.group(1) in lx.units:
                c.end += paren.end()
        elif u is not None:
            c.unit, c.unit_family, c.end = u.name, u.family, u.end
            c.extra["physical"] = True
    if c.unit is not None and not c.extra.get("physical") or c.currency:
        m = re.match(r"^\s*(?:(?:per|a|an|each)\s+|/\s*)((?:(?:thousand|million|billion|trillion)\s+)?[A-Za-z][\w\-]*)",
                     text[c.end:c.end + 60])
        if m and m.group(1).lower() not in ("the", "year-on-year", "total", "result"):
            c.per_unit = _singular(m.group(1))  # (describe.py names it from the parse: "per million tokens")
            c.end += m.end()
    q = lx.qualifier_before.search(text[max(0, c.start - 30):c.start])
    if q and c.kind != "vague" and not is_clause_prep(ctx.doc, c.start - len(q.group(0)), c):
        c.qualifier = lx.qualifiers[re.sub(r"\s+", " ", q.group(0).strip().lower())]
        c.start -= len(q.group(0))
    return c
