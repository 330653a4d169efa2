"""Ranges ("3 to 5 people", "$2-3 million", "between 44 and 50 mg") and moves ("fell from 80%
to 10%": two levels, not a range)."""

from __future__ import annotations

import re
from dataclasses import replace

from spacy.tokens import Doc

from .candidates import Cand, token_at
from .describe import CHANGE_WORDS

_RANGE_SEP = re.compile(r"^\s*(?:–|—|-|~|to|and|or|-\s*to)\s*$")

def _moves_from(doc: Doc, text: str, start: int) -> bool:
    """'fell from 80% to 10%': two levels, before and after, not a range."""
    m = re.search(r"\bfrom\s*$", text[max(0, start - 12):start], re.I)
    if m is None:
        return False
    tok = token_at(doc, max(0, start - 12) + m.start())
    return tok is not None and tok.head.lemma_.lower() in CHANGE_WORDS


def _after_change(doc: Doc, start: int) -> bool:
    """'rose five pence to 913 pence': the size of a move, then the level reached."""
    tok = token_at(doc, start)
    for _ in range(3):
        if tok is None or tok.head is tok:
            return False
        tok = tok.head
        if tok.lemma_.lower() in CHANGE_WORDS:
            return True
    return False


def merge_ranges(cands: list[Cand], text: str, doc: Doc) -> list[Cand]:
    out: list[Cand] = []
    for c in cands:
        prev = out[-1] if out else None
        if prev is not None and prev.qualifier in ("exact", "approx") and c.value is not None and prev.value is not None \
                and _RANGE_SEP.match(text[prev.end:c.start]) and (prev.unit is None or c.unit is None or prev.unit == c.unit):
            sep = text[prev.end:c.start].strip()
            if sep == "and" and not re.search(r"\bbetween\s*$", text[max(0, prev.start - 10):prev.start], re.I):
                out.append(c)
                continue
            if sep == "to" and (_moves_from(doc, text, prev.start) or _after_change(doc, prev.num_start)):
                out.append(c)
                continue
            low = prev.value
            if prev.scale is None and c.scale is not None and prev.kind == c.kind == "digits" and prev.value < 1000:
                # "$2-3 million": the scale is the range's; "$750,000 to $1.2 million": the left is whole
                low = prev.value * (c.value / float(text[c.num_start:c.num_end].replace(",", "")))
            low, high = min(low, c.value), max(low, c.value)  # "-18 °C to -34 °C"
            merged = replace(c, start=prev.start, num_start=prev.num_start, low=low, high=high, value=None, qualifier="range",
                             unit=c.unit or prev.unit, unit_family=c.unit_family or prev.unit_family,
                             per_unit=c.per_unit or prev.per_unit, extra=dict(c.extra))
            merged.extra["high_num_start"] = c.num_start
            out[-1] = merged
            continue
        out.append(c)
    return out
