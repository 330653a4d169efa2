"""Conflicts: the pairs of facts that sources state differently, each with why.

Candidate pairs come from grouping.py (two items of one frame whose values or dates cannot
both hold); a row is kept only when both sides are in one story, are two facts, and no single
article states both (two figures side by side in one text are not a disagreement). Each row
says why: `reason` (value or date), `kind` (contradiction, update: a later report raised a
count, rounding: apart only past the stated precision), `detail` (a sentence for a reader),
and the two values in one unit (money in USD by the year it was stated, a physical figure in
the first side's unit).
"""

from __future__ import annotations

from collections import defaultdict

from ..records import content_id
from .items import Item
from .rules import Matching, canonical


def conflict_rows(candidates: list[tuple[Item, Item, str]], fact_of: dict[str, str],
                  sources: list[dict], story_of: dict[str, str], mt: Matching) -> list[dict]:
    articles_of: dict[str, set[str]] = defaultdict(set)
    for src in sources:
        articles_of[src["fact_id"]].add(src["article_id"])
    rows, seen = [], set()
    for a, b, kind in candidates:
        reason = "date" if a.kind == "event" else "value"
        if story_of.get(a.article_id) != story_of.get(b.article_id):
            continue  # two happenings (two earthquakes, two trials) may well have other figures
        fa, fb = fact_of[a.id], fact_of[b.id]
        pair = (min(fa, fb), max(fa, fb))
        if fa == fb or pair in seen or articles_of[fa] & articles_of[fb]:
            continue
        seen.add(pair)
        value_a, value_b, unit, detail = _compared(a, b, reason, mt)
        rows.append({"conflict_id": content_id("conflict", *pair), "fact_id_a": fa, "fact_id_b": fb,
                     "reason": reason, "kind": kind, "detail": detail, "value_a": value_a, "value_b": value_b,
                     "compared_unit": unit, "quote_a": a.quote, "quote_b": b.quote})
    return rows


def _compared(a: Item, b: Item, reason: str, mt: Matching) -> tuple[float | None, float | None, str | None, str]:
    if reason == "date":
        what = a.measure or "event"
        said_a, said_b = a.extra.get("said") or a.scope, b.extra.get("said") or b.scope
        return None, None, None, (f"'{what}' ({a.extra.get('theme') or 'same participants'}) dated "
                                  f"{said_a} ({a.scope}) in one source and {said_b} ({b.scope}) in another")
    va, vb = canonical(a, mt)[0], canonical(b, mt)[0]
    unit = "USD" if a.family == "currency" and va is not None and vb is not None else a.unit
    if unit != "USD":
        va, vb = a.value, b.value
        ba, bb = a.extra.get("base"), b.extra.get("base")
        if vb is not None and ba and bb and a.unit != b.unit:
            vb = vb * bb[1] / ba[1]  # "two years" against "18 months": 24 months
    what = a.measure or b.measure or "figure"
    return va, vb, unit, f"{what}: {_fmt(va)} vs {_fmt(vb)} {unit or ''}".rstrip()


def _fmt(x: float | None) -> str:
    return "?" if x is None else f"{x:,.6g}"
