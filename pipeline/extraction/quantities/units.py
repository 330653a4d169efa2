"""Physical units after a number, read with pint's unit registry.

config/units.toml lists what news writes most (currencies, percent, the energy and compute
codes the corpus uses); every other unit comes from pint's registry (SI and imperial units,
prefixes, powers and rates: "4 km^2", "4 square kilometers", "9.83e-3 km/s2", "20 J/m^2 per
year", "1.7 eV", "14 mGy", "66 Ma"), so the lexicon needs no hand-written list of them. A unit
gets a name (pint's, spelled out: "kilometer per square second", "megawatt hour", with the
renames of [pint.names]) and a family from its dimensions ([pint.families]).

Prose is not a unit list: "in", "am", "a", "s" are words before they are symbols. A symbol
that is an English stop word (spaCy's list) is not read as a unit, except "in" before a
dimension word or the end of the clause ("2 1/2 in thick", "2 in.") and "am"/"pm" that no
clock preposition precedes ("2.1 pm" is a length, "at 2 pm" a time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_ATOM = r"°?[A-Za-zµμΩ]+(?:\^?[-−]?\d|[²³]|⁻¹)?"
_QUALIFIER = r"(?:(?:nautical|metric|light|fluid|short|long|imperial|US|troy)\s+)?"
_EXPR = re.compile(
    rf"[ \t\u00a0-]?(?P<expr>(?:(?:square|sq\.?|cubic)\s+)?{_QUALIFIER}{_ATOM}(?:\s+(?:squared|cubed))?"
    rf"(?:(?:\s*/\s*|\s*·\s*|\s+per\s+)(?:(?:square|cubic)\s+)?{_ATOM}(?:\s+(?:squared|cubed))?){{0,3}}"
    rf"(?:\s+(?:Celsius|Fahrenheit|Kelvin|celsius|fahrenheit))?)")
_TOKEN = re.compile(rf"(?:(?:square|sq\.?|cubic)\s+)?{_QUALIFIER}{_ATOM}(?:\s+(?:squared|cubed))?|\s*/\s*|\s*·\s*|\s+per\s+|\s+(?:Celsius|Fahrenheit|Kelvin|celsius|fahrenheit)")


@dataclass(frozen=True)
class Unit:
    name: str
    family: str
    end: int  # where the unit's text ends


class UnitReader:
    def __init__(self, cfg: dict):
        from spacy.lang.en.stop_words import STOP_WORDS

        from ...unit_registry import unit_registry

        self.ureg = unit_registry()
        self.names = dict(cfg.get("names", {}))
        self.families = dict(cfg.get("families", {}))
        self.stop = frozenset(STOP_WORDS) - frozenset(cfg.get("not_stop_words", []))
        self.dimension_words = frozenset(cfg.get("dimension_words", []))
        self.clock_words = frozenset(cfg.get("clock_prepositions", []))
        self.refuse = frozenset(cfg.get("refuse", []))

    def read(self, text: str, pos: int, glued: bool = False) -> Unit | None:
        """The longest unit expression starting at pos (after one space or hyphen), or None."""
        m = _EXPR.match(text, pos)
        if m is None:
            return None
        start = m.start("expr")
        pieces = [(t.start() + start, t.end() + start) for t in _TOKEN.finditer(m.group("expr"))]
        # the expression may end after any atom: try the longest first
        ends = [b for (a, b) in pieces if not re.fullmatch(r"\s*(?:/|·|per)\s*", text[a:b])]
        for end in reversed(ends):
            surface = text[start:end]
            if not self._acceptable(text, start, end, surface, glued):
                continue
            unit = self._parse(surface)
            if unit is not None:
                return Unit(unit[0], unit[1], end)
        return None

    def _acceptable(self, text: str, start: int, end: int, surface: str, glued: bool) -> bool:
        first = re.match(r"[A-Za-zµμΩ°]+", surface)
        word = first.group(0) if first else surface
        low = word.lower()
        if word in self.refuse or (surface.lower() in self.refuse):
            return False
        if re.fullmatch(r"[A-Z]+\d", surface) and not glued and text[end:end + 1] in " ,.;)":
            return False  # "20 million PS4 consoles", "three A4 sheets": a model or a name, not a unit to a power
        if low in ("am", "pm"):
            before = text[max(0, start - 24):start].lower()
            return not re.search(r"\b(?:%s)\b[^;!?]*$" % "|".join(map(re.escape, self.clock_words)), before)
        if low == "in" and surface == word:
            nxt = re.match(r"\s*(\w+|\S|$)", text[end:end + 30])
            token = (nxt.group(1) if nxt else "").lower()
            return token == "" or not token[0].isalnum() or token in self.dimension_words
        if not glued and surface == word and (low in self.stop or (len(word) == 1 and word not in "msgltKWVJNCFh")):
            return False
        return all(self._spelled_right(w) for w in re.findall(r"[A-Za-z]{3,}", surface)
                   if w.lower() not in ("per", "square", "cubic", "squared", "cubed", "celsius", "fahrenheit",
                                        "nautical", "metric", "light", "fluid", "short", "long", "imperial", "troy"))

    def _spelled_right(self, word: str) -> bool:
        """A word read as a prefixed unit must spell its prefix out or be a symbol: 'kilometers'
        and 'km', not 'units' read as micro-nits."""
        try:
            readings = self.ureg.parse_unit_name(word)
        except Exception:  # pint's own errors for what is no unit name
            return False
        return any((not prefix or word.lower().startswith(prefix) or len(word) <= 4 and word[0] != word[0].lower()
                    or len(word) <= 3) and suffix in ("", "s", "es") and (len(word) <= 4 or len(prefix) + len(name) >= len(word) - 3)
                   for prefix, name, suffix in readings)

    def _parse(self, surface: str) -> tuple[str, str] | None:
        return _parse_cached(self, surface)

    def describe(self, unit) -> tuple[str, str] | None:
        """pint unit -> (spelled-out name, family)."""
        items = list(unit._units.items())
        if not items:
            return None
        num = [self._power_name(n, e) for n, e in items if e > 0]
        den = [self._power_name(n, -e) for n, e in items if e < 0]
        name = " ".join(num) if num else "inverse " + " ".join(den)
        if num and den:
            name += "".join(" per " + d for d in den)
        dims = str(unit.dimensionality)
        family = self.families.get(dims)
        if family is None:
            if dims == "dimensionless":
                if not any(k.endswith(("byte", "bit")) for k, _ in items):
                    return None  # "dozen", "percent", "count": not physical units
                family = "data"
            else:
                family = "physical"
        return name, family

    def _power_name(self, name: str, exp: float) -> str:
        base = self.names.get(name)
        if base is None:
            base = name
            for old, new in self.names.items():  # prefixed forms: "teraelectron_volt"
                if name.endswith(old) and len(name) > len(old):
                    base = name[: -len(old)] + new
                    break
            base = base.replace("_", " ")
        if exp == 2:
            return "square " + base
        if exp == 3:
            return "cubic " + base
        return base if exp == 1 else f"{base}^{exp:g}"


@lru_cache(maxsize=4096)
def _parse_cached(reader: UnitReader, surface: str) -> tuple[str, str] | None:
    s = surface.replace("−", "-").replace("²", "^2").replace("³", "^3").replace("⁻¹", "^-1").replace("·", "*")
    s = re.sub(r"\b(?:square|sq\.?)\s+(\S+)", r"\1^2", s)
    s = re.sub(r"\bcubic\s+(\S+)", r"\1^3", s)
    s = re.sub(r"(\S+)\s+squared\b", r"\1^2", s)
    s = re.sub(r"(\S+)\s+cubed\b", r"\1^3", s)
    s = re.sub(r"°\s*([CF])\b", r"deg\1", s)
    s = re.sub(r"\bdegrees?\s+(Celsius|celsius)", "degC", s)
    s = re.sub(r"\bdegrees?\s+(Fahrenheit|fahrenheit)", "degF", s)
    s = re.sub(r"\b(nautical|metric|light|fluid|short|long|imperial|US|troy)\s+(\w+)\b", r"\1_\2", s)
    s = re.sub(r"\s+per\s+", "/", s)
    s = re.sub(r"([A-Za-zµμΩ])(-?\d)\b", r"\1^\2", s)  # km2, s-1, fb-1
    s = s.replace("^", "**")
    try:
        unit = reader.ureg.parse_units(s)
    except Exception:  # pint raises several kinds of errors for what is not a unit
        return None
    return reader.describe(unit)
