"""TIMEX3 patterns read from config/timex.toml: finding expressions and reading their fields.

The words and patterns are data so a user can add a language's month names or a newspaper's
habits without code. `Grammar.find` runs every pattern (only in windows around its anchor
words) and keeps the longest match, no overlaps; `Grammar.parse` reads one expression. A
match's named groups become normalized fields (a month number, a unit code, a count) on a
`Parsed`; resolve.py turns them into TimeML values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...config import DEFAULT_CONFIG_DIR
from ...config_files import read_config

DEFAULT_PATH = DEFAULT_CONFIG_DIR / "timex.toml"

# Kinds whose value is a calendar date a clause can be dated by (dated events).
SPECIFIC_KINDS = frozenset({"calendar", "season", "season_bare", "this_period", "dayword", "quarter", "year", "year_range", "shifted", "ago",
                            "thanksgiving", "year_ago", "anaphoric"})
_CAPTURING = ("MONTH", "WEEKDAY", "SEASON", "PART", "DAYWORD", "SHIFT", "PERIOD", "REF", "SET", "HOLIDAY", "UNIT")


@dataclass(frozen=True)
class Parsed:
    rule: str  # the pattern's name
    kind: str  # how it resolves
    type: str  # DATE | TIME | DURATION | SET
    fields: tuple[tuple[str, object], ...] = ()
    tense: str | None = None  # past | present | future (from the parse, set by the spaCy component)

    def get(self, name: str, default=None):
        for k, v in self.fields:
            if k == name:
                return v
        return default

    @property
    def specific(self) -> bool:
        return self.kind in SPECIFIC_KINDS and self.type in ("DATE", "TIME")


@dataclass
class _Pattern:
    name: str
    kind: str
    type: str
    rx: re.Pattern
    anchor: frozenset[str]  # lower-case words, "#digit" for any word with a digit


@dataclass
class Grammar:
    patterns: list[_Pattern]
    words: dict[str, dict[str, object]]  # table -> lower-case surface -> value
    season_start: dict[str, int]
    clock_units: frozenset[str]
    tense_shift_min_days: int = 45
    future_lemmas: frozenset[str] = frozenset()
    narrative_shifts: frozenset[str] = frozenset()
    anchor_words: frozenset[str] = field(init=False)  # every pattern's anchors: the words find looks up

    def __post_init__(self) -> None:
        self.anchor_words = frozenset(w for p in self.patterns for w in p.anchor)

    def find(self, text: str) -> list[tuple[int, int, Parsed]]:
        """Every expression in text: the longest match of any pattern, left to right.

        Each pattern runs only around its anchor (what every match of it holds: a month name,
        a unit of time, four digits): thirty patterns over a whole article would cost more
        than the parse; over the windows around their anchors, a small share of it."""
        at: dict[str, list[tuple[int, int]]] = {"#digit": [m.span() for m in _DIGITS.finditer(text)]}
        wanted = self.anchor_words
        for m in _LETTERS.finditer(text):
            w = m.group(0).lower()
            if w in wanted:
                at.setdefault(w, []).append(m.span())
        cands = []
        windows: dict[frozenset[str], list[tuple[int, int]]] = {}
        for order, pat in enumerate(self.patterns):
            if pat.anchor not in windows:
                windows[pat.anchor] = self._windows(text, sorted(s for w in pat.anchor for s in at.get(w, ())))
            for lo, hi in windows[pat.anchor]:
                for m in pat.rx.finditer(text, lo, hi):
                    if m.end() > m.start() and text[m.start():m.end()].strip():
                        cands.append((m.start(), m.end(), order, m))
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
        taken = bytearray(len(text))  # 1 where a chosen expression lies
        out = []
        for a, b, order, m in cands:
            if taken.find(1, a, b) >= 0:
                continue
            p = self._read(self.patterns[order], m)
            if p is None:
                continue
            a, b = _strip_span(text, a, b)
            taken[a:b] = b"\x01" * (b - a)
            out.append((a, b, p))
        return sorted(out, key=lambda t: t[0])

    @staticmethod
    def _windows(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        n, out = len(text), []
        for a, b in spans:
            lo, hi = max(0, a - _WINDOW), min(n, b + _WINDOW)
            while lo > 0 and not text[lo - 1].isspace():
                lo -= 1
            while hi < n and not text[hi].isspace():
                hi += 1
            if out and lo <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], hi))
            else:
                out.append((lo, hi))
        return out

    def parse(self, text: str) -> Parsed | None:
        """The reading of text when one expression covers all of it (or None)."""
        t = text.strip()
        found = self.find(t)
        if len(found) == 1 and found[0][0] == 0 and found[0][1] == len(t):
            return found[0][2]
        return None

    def _read(self, pat: _Pattern, m: re.Match) -> Parsed | None:
        f: dict[str, object] = {}
        for name, val in m.groupdict().items():
            if val is None:
                continue
            base = re.sub(r"(?:__\d+|(?<=[a-z])\d)$", "", name)
            if base in f:
                continue
            f[base] = self._normal(base, val)
        if any(v is _BAD for v in f.values()):
            return None
        typ = pat.type
        if pat.kind == "calendar" and typ == "DATE" and ("hour" in f or "clockword" in f):
            typ = "TIME"
        if pat.kind == "dayword" and "part" in f:
            typ = "TIME"
        if pat.kind == "shifted" and f.get("unit") in self.clock_units:
            return None
        if pat.kind == "quarter" and f.get("ord") == -1 and "year" not in f and "yshift2" not in f:
            return None  # "last quarter" is the one before this; "the last half of 2025" its second
        if pat.kind == "calendar" and "weekday" in f and "month" not in f and (
                "partpl" in f or any(k.startswith("weekday") and v and v.endswith("s") and not v.endswith("s.")
                                     for k, v in m.groupdict().items())):
            return Parsed(pat.name, "set", "SET", tuple(sorted(f.items())))  # "Tuesdays", "Monday nights"
        return Parsed(pat.name, pat.kind, typ, tuple(sorted(f.items())))

    def _normal(self, base: str, val: str):
        v = " ".join(val.split())
        low = v.lower()
        table = {"month": "months", "weekday": "weekdays", "season": "seasons", "part": "parts_of_day",
                 "dayword": "day_words", "shift": "shifts", "ref": "refs", "set": "sets",
                 "holiday": "holidays"}.get(base)
        if table:
            if base == "weekday" and low not in self.words[table]:
                low = low[:-1]  # "Tuesdays"
            return self.words[table].get(low, _BAD)
        if base in ("num", "num_hi"):
            return self.number(low)
        if base in ("unit", "aunit", "bare", "bare2"):
            return self.unit(low)
        if base in ("year", "year_pos", "year_end", "decade", "century_n", "hour", "minute", "day",
                    "month_num", "qnum", "hnum"):
            return int(v) if v.isdigit() else _BAD
        if base == "shift_word":
            return low
        if base == "partpl":  # "Monday nights": a part of day, every week
            return self.words["parts_of_day"].get(low[:-1], _BAD)
        if base == "yearw":  # "nineteen ninety-seven"
            century, rest = low.split(None, 1)
            n, r = self.number(century), self.number(rest)
            return _BAD if n is None or r is None else int(n * 100 + r)
        if base in ("yshift", "yshift2"):
            return {"this": 0, "the": 0, "last": -1, "next": 1}.get(low, 0)
        if base == "ord":
            return self.words["ordinals"].get(low, _BAD)
        if base == "period":
            return low.rstrip("-").replace("the ", "").replace(" of", "")
        return low

    def number(self, s: str) -> float | None:
        """'twenty four', 'twenty-four', 'a hundred', '2 1/2', '1,500', 'a couple of' -> a number."""
        s = s.replace(",", "")
        if s in self.words["vague_numbers"]:
            return None
        if s in self.words["numbers"]:
            return float(self.words["numbers"][s])  # type: ignore[arg-type]
        m = re.fullmatch(r"(\d+(?:\.\d+)?)(?:\s+(\d+)/(\d+))?", s)
        if m:
            x = float(m.group(1))
            return x + (int(m.group(2)) / int(m.group(3)) if m.group(2) else 0)
        total, current = 0.0, 0.0
        for w in re.split(r"[\s-]+(?:and\s+)?", s):
            if w in self.words["numbers"]:
                current += float(self.words["numbers"][w])  # type: ignore[arg-type]
            elif w in self.words["multipliers"]:
                current = max(current, 1.0) * float(self.words["multipliers"][w])  # type: ignore[arg-type]
                if current >= 1000:
                    total, current = total + current, 0.0
            elif w in ("of", "and"):
                continue
            else:
                return None
        return total + current

    def unit(self, s: str) -> str | None:
        s = s.lower()
        if s in self.words["plurals"]:
            return str(self.words["plurals"][s])
        if s in self.words["units"]:
            return s
        if s.endswith("s") and s[:-1] in self.words["units"]:
            return s[:-1]
        return None


# How far around an anchor word an expression may reach (characters; the longest patterns,
# "the first half of fiscal 2026", "5 p.m. EST, Nov. 6", stay well inside).
_WINDOW = 60
_WORD = re.compile(r"[^\W_]+")
_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"\d+")


class _Bad:
    pass


_BAD = _Bad()


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;"):
        b -= 1
    return a, b


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


def _cased(words) -> str:
    """Capitalized words as written, or in capitals: 'May' and 'MAY', never 'may'."""
    forms = set()
    for w in words:
        forms |= {w, w.upper()}
    return "(?-i:" + _alt(forms) + ")"


@lru_cache(maxsize=8)
def load_grammar(path: str | Path = DEFAULT_PATH) -> Grammar:
    cfg = read_config(path)
    w = cfg["words"]
    pairs = lambda key: {str(k).lower(): v for k, v in w[key]}  # noqa: E731
    words: dict[str, dict[str, object]] = {
        "months": pairs("months"), "weekdays": pairs("weekdays"), "numbers": pairs("numbers"),
        "multipliers": pairs("multipliers"), "ordinals": pairs("ordinals"),
        "units": {u: code for u, code in w["units"]}, "plurals": pairs("plurals"),
        "seasons": pairs("seasons"), "parts_of_day": pairs("parts_of_day"), "day_words": pairs("day_words"),
        "shifts": pairs("shifts"), "refs": pairs("refs"), "sets": pairs("sets"),
        "holidays": {str(h[0]).lower(): (h[1], h[2]) for h in w["holidays"]},
        "vague_numbers": {v: None for v in w["vague_numbers"]},
    }
    tens = [k for k, v in w["numbers"] if isinstance(v, int) and 20 <= v <= 90]
    ones = [k for k, v in w["numbers"] if isinstance(v, int) and 1 <= v <= 9]
    word_num = (rf"(?:(?:{_alt(tens)})(?:[-\s]+(?:{_alt(ones)}))?|{_alt(k for k, _ in w['numbers'])})"
                rf"(?:\s+(?:{_alt(k for k, _ in w['multipliers'])})(?:\s+(?:and\s+)?(?:{_alt(ones + tens)}))?)?")
    units = [u for u, _ in w["units"]]
    plural_units = [u + "s" for u in units] + [p for p, _ in w["plurals"]]
    fill = {
        "MONTH": _cased(k for k, _ in w["months"]),
        "WEEKDAY": _cased(k for k, _ in w["weekdays"]) + "s?",
        "NUM": rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,3}}(?:\.\d+)?(?:\s+\d/\d)?|{word_num})",
        "VAGUE": _alt(w["vague_numbers"]),
        "ORD": _alt(k for k, _ in w["ordinals"]),
        "UNIT": _alt(units),
        "UNITS": _alt(units + plural_units),
        "SEASON": _alt(k for k, _ in w["seasons"]),
        "PART": _alt(k for k, _ in w["parts_of_day"]),
        "DAYWORD": _alt(k for k, _ in w["day_words"]),
        "SHIFT": _alt(k for k, _ in w["shifts"]),
        "PERIOD": _alt(w["period_parts"]),
        "APPROX": _alt(w["approx"]),
        "REF": _alt(k for k, _ in w["refs"]),
        "SET": _alt(k for k, _ in w["sets"]),
        "HOLIDAY": _cased(h[0] for h in w["holidays"]),
        "YEAR": r"(?:1[0-9]|20)\d{2}",
    }
    last = lambda phrases: {_WORD.findall(str(x))[-1].lower() for x in phrases}  # noqa: E731
    weekdays = last(k for k, _ in w["weekdays"])
    tables = {"{MONTH}": last(k for k, _ in w["months"]), "{WEEKDAY}": weekdays | {d + "s" for d in weekdays},
              "{DAYWORD}": last(k for k, _ in w["day_words"]), "{PART}": last(k for k, _ in w["parts_of_day"]),
              "{HOLIDAY}": last(h[0] for h in w["holidays"]), "{SEASON}": last(k for k, _ in w["seasons"]),
              "{UNIT}": last(units), "{UNITS}": last(units + plural_units), "{REF}": last(k for k, _ in w["refs"]),
              "{SET}": last(k for k, _ in w["sets"])}
    patterns = []
    for spec in cfg["pattern"]:
        counter = {"n": 0}

        def sub(m: re.Match) -> str:
            key = m.group(1)
            body = fill[key] if key in ("NUM", "YEAR") else f"(?:{fill[key]})(?:(?<=\\W)|(?!\\w))"
            if key in _CAPTURING:
                counter["n"] += 1
                return f"(?P<{key.lower()}__{counter['n']}>{body})"
            return f"(?:{body})"

        rx = re.sub(r"\{([A-Z]+)\}", sub, spec["regex"])
        anchor = frozenset(x for a in spec["anchor"] for x in (tables[a] if a in tables else {a.lower()}))
        typ = spec.get("type") or {"duration": "DURATION", "set": "SET"}.get(spec["kind"], "DATE")
        patterns.append(_Pattern(spec["name"], spec["kind"], typ, re.compile(rx, re.IGNORECASE), anchor))
    return Grammar(patterns, words, dict(w["season_start"]), frozenset(w["clock_units"]),
                   cfg["resolve"]["tense_shift_min_days"], frozenset(cfg["resolve"]["future_lemmas"]),
                   frozenset(cfg["resolve"]["narrative_shifts"]))


def parse(text: str, grammar: Grammar | None = None) -> Parsed | None:
    return (grammar or load_grammar()).parse(text)


def find(text: str, grammar: Grammar | None = None) -> list[tuple[int, int, Parsed]]:
    return (grammar or load_grammar()).find(text)


