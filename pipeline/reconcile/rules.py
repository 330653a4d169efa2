"""Rules: when two items state one fact, and when two facts disagree.

Values are compared in one unit (money in USD by year), with the precision they were stated
at, approximations and bounds; measures by their words; sentences by word overlap. Which items
of one story state one fact, or disagree, is grouping.py's (a learned model over frames.py's
evidence); these rules also find the shared figures that link restating articles.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from ..config import ReconcileSettings
from .items import Item, measure_words, to_usd


@dataclass(frozen=True)
class Matching:
    """What comparing two stated figures needs besides them: the exchange rates
    (config/fx_rates.csv, by currency and year) and the tolerances of [reconcile]."""

    fx: dict
    settings: ReconcileSettings

    def without_rates(self) -> "Matching":
        return Matching({}, self.settings)


def item_words(it: Item) -> frozenset[str]:
    words = it.extra.get("mw")
    if words is None:
        words = it.extra["mw"] = measure_words(it.measure)
    return words


def measures_alike(a: Item, b: Item, mt: Matching) -> bool:
    wa, wb = item_words(a), item_words(b)
    if not wa or not wb:
        return not wa and not wb and a.unit == b.unit
    return bool(wa & wb) and (len(wa & wb) / len(wa | wb) >= mt.settings.measure_overlap or wa <= wb or wb <= wa)


def canonical(it: Item, mt: Matching) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) in one unit: money in USD by year, physical units in base units."""
    if it.family == "currency" and it.unit:
        return tuple(to_usd(x, it.unit, it.year, mt.fx) for x in (it.value, it.low, it.high))  # type: ignore
    base = it.extra.get("base")
    if base:
        return tuple(None if x is None else x * base[1] for x in (it.value, it.low, it.high))  # type: ignore
    return it.value, it.low, it.high


def same_unit(a: Item, b: Item) -> bool:
    """One unit as stated, or two units of one dimension pint converts ("month", "year")."""
    if (a.unit or "").lower() == (b.unit or "").lower():
        return True
    ba, bb = a.extra.get("base"), b.extra.get("base")
    return bool(ba and bb and ba[0] == bb[0])


def _bounds(it: Item, mt: Matching, convert: bool = True) -> tuple[float, float, float]:
    """(lowest, highest, tolerance) the item allows, in USD for money unless convert is false."""
    v, lo, hi = canonical(it, mt) if convert else (it.value, it.low, it.high)
    tol = mt.settings.approx_tolerance if it.qualifier == "approx" else mt.settings.value_tolerance
    inf = float("inf")
    if it.qualifier == "range":
        lo, hi = (lo if lo is not None else -inf), (hi if hi is not None else inf)
        return min(lo, hi), max(lo, hi), tol
    if it.qualifier in ("more_than", "at_least"):
        return (v if v is not None else -inf), inf, tol
    if it.qualifier in ("less_than", "at_most"):
        return -inf, (v if v is not None else inf), tol
    return (v if v is not None else -inf), (v if v is not None else inf), tol


def item_bounds(it: Item, mt: Matching) -> tuple[tuple[float, float, float], bool]:
    """(bounds, convertible), computed once per item: a reconcile compares each item many times."""
    cached = it.extra.get("bounds")
    if cached is None:
        convertible = it.family != "currency" or to_usd(1.0, it.unit, it.year, mt.fx) is not None
        cached = it.extra["bounds"] = (_bounds(it, mt if convertible else mt.without_rates()), convertible)
    return cached


@lru_cache(maxsize=65536)  # pure, and called for each compared pair: figures recur across a corpus
def half_step(x: float) -> float:
    """Half the step of the last significant digit of a stated figure: 4.2 billion was
    rounded to 0.1 billion, so it stands for 4.15 to 4.25 billion."""
    if x == 0:
        return 0.0
    digits = f"{abs(x):.6g}".split("e")[0].replace(".", "").strip("0") or "0"
    return 0.5 * 10 ** (math.floor(math.log10(abs(x))) - len(digits) + 1)


def same_figure(a: Item, b: Item, mt: Matching) -> bool:
    """Two exact figures in one unit: equal once the more precise is rounded as the other was
    ("$4.23 billion" and "4.2 billion dollars"), never more than value_tolerance apart: "$15.5
    billion" and "$15.8 billion" are two figures, though 2% apart."""
    x, y = a.value, b.value
    tol = min(mt.settings.value_tolerance * max(abs(x), abs(y)), max(half_step(x), half_step(y)))
    return abs(x - y) <= tol * (1 + 1e-9)


def _same_converted(a: Item, b: Item, mt: Matching) -> bool:
    """same_figure for two units of one dimension: each side's rounding step in base units."""
    fa, fb = a.extra["base"][1], b.extra["base"][1]
    x, y = a.value * fa, b.value * fb
    tol = min(mt.settings.value_tolerance * max(abs(x), abs(y)), max(half_step(a.value) * fa, half_step(b.value) * fb))
    return abs(x - y) <= tol * (1 + 1e-9)


def values_compatible(a: Item, b: Item, mt: Matching) -> bool:
    if a.qualifier == b.qualifier == "exact" and a.value is not None and b.value is not None \
            and a.family == b.family and (a.unit or "").lower() == (b.unit or "").lower():
        return same_figure(a, b, mt)
    if a.qualifier == b.qualifier == "exact" and a.value is not None and b.value is not None \
            and a.family == b.family and same_unit(a, b):
        return _same_converted(a, b, mt)
    if bare_amount(a) != bare_amount(b) and {a.family, b.family} == {None, "currency"}:
        return _overlap(_bounds(a, mt, False), _bounds(b, mt, False))  # "a net loss of 1 billion" and "RMB 1 billion"
    if a.family != b.family or (a.family not in ("currency",) and not same_unit(a, b)):
        return False
    (ba, ca), (bb, cb) = item_bounds(a, mt), item_bounds(b, mt)
    if a.family == "currency" and not (ca and cb):
        return a.unit == b.unit and _overlap(_bounds(a, mt, False), _bounds(b, mt, False))
    return _overlap(ba, bb)


def _overlap(x: tuple[float, float, float], y: tuple[float, float, float]) -> bool:
    tol = max(x[2], y[2])
    lo = max(x[0], y[0])
    hi = min(x[1], y[1])
    if lo <= hi:
        return True
    scale = max(abs(lo), abs(hi), 1e-12)
    return (lo - hi) / scale <= tol


def bare_amount(it: Item) -> bool:
    """A scaled amount with no unit ("a net loss of 1 billion"): a translation or a writer
    left the currency out; it may be compared with money figures of the same subject."""
    return it.kind == "quantity" and it.unit is None and it.family is None and bool(it.extra.get("scale"))


def sentences_alike(a: Item, b: Item, mt: Matching) -> bool:
    wa, wb = a.extra.get("sent") or frozenset(), b.extra.get("sent") or frozenset()
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= mt.settings.sentence_alike


def distinctive(x: float | None) -> bool:
    """A figure, as stated, unlikely to recur by chance in one story for another thing: three
    significant digits (41,212; 612 million; 4.23 billion) or a decimal below 100 (6.4, 83.7),
    not a round or short one (12, 300, 2,000, 4.5 million)."""
    if x is None:
        return False
    digits = f"{abs(x):.6g}".split("e")[0].replace(".", "").strip("0")
    return len(digits) >= 3 or (x != int(x) and abs(x) < 100)


_OPEN = ("more_than", "at_least", "less_than", "at_most")


def needs_alike_sentences(a: Item, b: Item) -> bool:
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


def measure_head(it: Item) -> str:
    words = re.findall(r"[a-z0-9]+", (it.measure or "").lower())
    return words[-1].rstrip("s") if words else ""
