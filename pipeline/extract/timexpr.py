"""Time expressions -> TimeML values, without spaCy (pure functions, easy to test).

`parse` reads one expression into a Parsed (what it says: a year, a quarter,
"3 years ago", a duration...); `resolve` turns it into the TimeML value, the
interval [start_date, end_date) and the granularity, against an anchor date
(the publication date, or the last absolute date before it in the text for
"later"/"earlier"). Without an anchor, a relative expression stays unresolved
(anchored=False) instead of being read against today's date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS = {"a": 1, "an": 1, **{w: i + 1 for i, w in enumerate(_ONES)}, **{w: 20 + 10 * i for i, w in enumerate(_TENS)},
                "several": None, "few": None, "a few": None}
UNIT_CODES = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M", "second": "S",
              "decade": "DE", "quarter": "Q"}
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WORDS = lambda ws: "|".join(sorted(ws, key=len, reverse=True))  # noqa: E731  (longest first: "fourteen" before "four")
# "twenty-three", "twenty three", "fourteen", "a few"
_NUM = (rf"(?:\d+(?:\.\d+)?|(?:{_WORDS(_TENS)})(?:[-\s](?:{_WORDS(_ONES[:9])}))?|{_WORDS(_ONES)}"
        r"|a|an|several|a few)")
_UNIT = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|quarters?)"
_Y = r"(?:1[89]|20)\d{2}"

# Each rule: (name, regex). Order matters: longer, more specific first.
RULES: list[tuple[str, re.Pattern]] = [(n, re.compile(p, re.I)) for n, p in [
    ("iso_date", rf"\b({_Y})-(\d{{2}})-(\d{{2}})\b"),
    ("mdy", rf"\b({_MON})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+({_Y})\b"),
    ("dmy", rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MON})\s+({_Y})\b"),
    ("md", rf"\b({_MON})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d)"),
    ("dm", rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MON})\b(?!\s*,?\s*\d)"),
    ("month_year", rf"\b({_MON})\s+(?:of\s+)?({_Y})\b"),
    ("quarter_year", rf"\b(?:(Q[1-4])\s*(?:of\s+)?({_Y})|({_Y})\s*(Q[1-4])|(?:the\s+)?(first|second|third|fourth)\s+quarter\s+of\s+({_Y}))\b"),
    ("half_year", rf"\b(?:(H[12])\s*({_Y})|({_Y})\s*(H[12])|(?:the\s+)?(first|second)\s+half\s+of\s+({_Y}))\b"),
    ("half_rel", r"\b(?:the\s+)?(first|second)\s+half\s+of\s+(?:the|this|next|last)\s+year\b"),
    ("quarter_rel", r"\b(?:(Q[1-4])|(?:the\s+)?(first|second|third|fourth)\s+quarter)\b(?!\s*(?:of\s+)?\d)"),
    ("year_range", rf"\b({_Y})\s*(?:-|–|—|to|/)\s*((?:1[89]|20)?\d{{2}})\b"),
    ("decade", r"\b(?:the\s+)?((?:1[89]|20)\d)0s\b"),
    ("part_year", rf"\b(early|mid|late|end|end of|beginning of|start of|the end of|the beginning of|year-end|the start of)[\s-]*({_Y})\b"),
    ("season_year", rf"\b(spring|summer|autumn|fall|winter)\s+(?:of\s+)?({_Y})\b"),
    ("fiscal", rf"\b(?:FY\s?|fiscal(?:\s+year)?\s+)({_Y}|\d{{2}})\b"),
    ("ago", rf"\b({_NUM})\s+({_UNIT})\s+ago\b"),
    ("later", rf"\b({_NUM})\s+({_UNIT})\s+(later|after|earlier|before)\b"),
    ("this_unit", r"\b(this|last|next|the\s+past|the\s+previous|the\s+coming|the\s+following)\s+(year|month|week|quarter|decade)\b"),
    ("set_every", rf"\b(?:every|each)\s+({_NUM})?\s*({_UNIT})\b"),
    ("set_adverb", r"\b(annually|yearly|monthly|weekly|daily|hourly|quarterly)\b"),
    ("duration_range", rf"\b(\d+(?:\.\d+)?)\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)\s+({_UNIT})\b"),
    ("duration", rf"\b({_NUM}|\d+)\s+({_UNIT})\b"),
    ("present", r"\b(today|now|currently|at present|at the moment|nowadays|these days)\b"),
    ("past_ref", r"\b(recent years|in the past|previously|recently|once)\b"),
    ("future_ref", r"\b(in the future|the future|future|in the coming years|someday)\b"),
    ("year", rf"(?<![\d,.$€£¥#-])\b({_Y})\b(?![\d,.%]|\s*(?:%|percent))"),
]]


@dataclass(frozen=True)
class Parsed:
    rule: str
    type: str  # DATE | TIME | DURATION | SET
    fields: tuple


@dataclass(frozen=True)
class Resolved:
    value: str | None
    start_date: str | None
    end_date: str | None
    granularity: str | None
    anchored: bool


def _num(s: str | None) -> float | None:
    if s is None:
        return 1.0
    s = s.strip().lower()
    if s in NUMBER_WORDS:
        v = NUMBER_WORDS[s]
        return float(v) if v is not None else None
    parts = re.split(r"[-\s]+", s)
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _ONES[:9]:  # "twenty-three"
        return float(NUMBER_WORDS[parts[0]] + NUMBER_WORDS[parts[1]])
    try:
        return float(s)
    except ValueError:
        return None


def _unit(s: str) -> str:
    return s.lower().rstrip("s")


def parse(text: str) -> Parsed | None:
    """What one expression says, by the first rule that matches all of it (or None)."""
    t = text.strip()
    for name, rx in RULES:
        m = rx.fullmatch(t) or (rx.match(t) if name in ("year",) and rx.fullmatch(t) else None)
        if m is None:
            continue
        g = tuple(x for x in m.groups())
        if name in ("duration", "duration_range"):
            return Parsed(name, "DURATION", g)
        if name in ("set_every", "set_adverb"):
            return Parsed(name, "SET", g)
        return Parsed(name, "DATE", g)
    return None


def _d(y: int, m: int = 1, d: int = 1) -> date:
    return date(y, m, d)


def _add_months(d0: date, n: int) -> date:
    y, m = divmod(d0.month - 1 + n, 12)
    return date(d0.year + y, m + 1, 1)


def _interval(gran: str, y: int, m: int = 1, d: int = 1, q: int = 1, h: int = 1) -> tuple[date, date]:
    if gran == "day":
        s = _d(y, m, d)
        return s, date.fromordinal(s.toordinal() + 1)
    if gran == "month":
        s = _d(y, m)
        return s, _add_months(s, 1)
    if gran == "quarter":
        s = _d(y, 3 * (q - 1) + 1)
        return s, _add_months(s, 3)
    if gran == "half":
        s = _d(y, 6 * (h - 1) + 1)
        return s, _add_months(s, 6)
    if gran == "decade":
        return _d(y), _d(y + 10)
    return _d(y), _d(y + 1)


def _value(gran: str, y: int, m: int = 1, d: int = 1, q: int = 1, h: int = 1) -> str:
    return {"day": f"{y:04d}-{m:02d}-{d:02d}", "month": f"{y:04d}-{m:02d}", "quarter": f"{y:04d}-Q{q}",
            "half": f"{y:04d}-H{h}", "year": f"{y:04d}", "decade": f"{str(y)[:3]}X"}[gran]


def _out(gran: str, **kw) -> Resolved:
    s, e = _interval(gran, **kw)
    return Resolved(_value(gran, **kw), s.isoformat(), e.isoformat(), gran, True)


_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}


def _duration_value(n: float | None, unit: str) -> str:
    code = UNIT_CODES[unit]
    if n is None:
        return f"PX{code}"
    num = int(n) if float(n).is_integer() else n
    if unit == "decade":
        return f"P{int(num) * 10}Y" if isinstance(num, int) else f"P{num * 10}Y"
    if unit == "quarter":
        return f"P{int(num) * 3}M" if isinstance(num, int) else f"P{num * 3}M"
    prefix = "PT" if unit in ("hour", "minute", "second") else "P"
    return f"{prefix}{num}{code}"


def resolve(p: Parsed, anchor: date | None, previous: date | None = None) -> Resolved:
    """TimeML value and interval. anchor: publication date; previous: last absolute date in the text."""
    g = p.fields
    unresolved = Resolved(None, None, None, None, False)
    try:
        if p.rule == "iso_date":
            return _out("day", y=int(g[0]), m=int(g[1]), d=int(g[2]))
        if p.rule == "mdy":
            return _out("day", y=int(g[2]), m=MONTHS[g[0].lower().rstrip(".")], d=int(g[1]))
        if p.rule == "dmy":
            return _out("day", y=int(g[2]), m=MONTHS[g[1].lower().rstrip(".")], d=int(g[0]))
        if p.rule in ("md", "dm"):
            mon, day = (g[0], g[1]) if p.rule == "md" else (g[1], g[0])
            base = previous or anchor
            if base is None:
                return unresolved
            return _out("day", y=base.year, m=MONTHS[mon.lower().rstrip(".")], d=int(day))
        if p.rule == "month_year":
            return _out("month", y=int(g[1]), m=MONTHS[g[0].lower().rstrip(".")])
        if p.rule in ("quarter_year", "half_year"):  # "Q1 2026", "2026 H2", "the second half of 2025"
            gran, key = ("quarter", "q") if p.rule == "quarter_year" else ("half", "h")
            if g[0]:
                y, n = int(g[1]), int(g[0][1])
            elif g[2]:
                y, n = int(g[2]), int(g[3][1])
            else:
                y, n = int(g[5]), _ORD[g[4].lower()]
            return _out(gran, y=y, **{key: n})
        if p.rule in ("half_rel", "quarter_rel"):
            if anchor is None:
                return unresolved
            if p.rule == "half_rel":
                return _out("half", y=anchor.year, h=_ORD[g[0].lower()])
            q = int(g[0][1]) if g[0] else _ORD[g[1].lower()]
            return _out("quarter", y=anchor.year, q=q)
        if p.rule == "year_range":
            a = int(g[0])
            b = int(g[1]) if len(g[1]) == 4 else int(g[0][:2] + g[1])
            if not a < b <= a + 50:
                return unresolved
            return Resolved(f"{a}/{b}", _d(a).isoformat(), _d(b + 1).isoformat(), "year", True)
        if p.rule == "decade":
            return _out("decade", y=int(g[0] + "0"))
        if p.rule == "part_year":
            y = int(g[1])
            part = g[0].lower().replace("the ", "").replace(" of", "")
            s, e = {"early": (1, 5), "beginning": (1, 4), "start": (1, 4), "mid": (5, 9),
                    "late": (9, 13), "end": (10, 13), "year-end": (10, 13)}.get(part, (1, 13))
            return Resolved(str(y), _d(y, s).isoformat(), (_d(y + 1) if e == 13 else _d(y, e)).isoformat(), "year", True)
        if p.rule == "season_year":
            y = int(g[1])
            s = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}[g[0].lower()]
            code = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}[g[0].lower()]
            start = _d(y, s)
            return Resolved(f"{y}-{code}", start.isoformat(), _add_months(start, 3).isoformat(), "season", True)
        if p.rule == "fiscal":
            y = int(g[0]) if len(g[0]) == 4 else 2000 + int(g[0])
            return Resolved(f"FY{y}", _d(y).isoformat(), _d(y + 1).isoformat(), "year", True)
        if p.rule in ("ago", "later"):
            n, unit = _num(g[0]), _unit(g[1])
            base = anchor if p.rule == "ago" else (previous or None)
            if base is None or n is None or unit not in ("year", "month", "decade", "day", "week"):
                return unresolved
            sign = -1 if p.rule == "ago" or g[2].lower() in ("earlier", "before") else 1
            if unit in ("day", "week"):
                days = int(n) * (7 if unit == "week" else 1)
                d0 = date.fromordinal(base.toordinal() + sign * days)
                return _out("day", y=d0.year, m=d0.month, d=d0.day)
            if unit == "month":
                s = _add_months(_d(base.year, base.month), sign * int(n))
                return _out("month", y=s.year, m=s.month)
            years = int(n) * (10 if unit == "decade" else 1)
            return _out("year", y=base.year + sign * years)
        if p.rule == "this_unit":
            which, unit = re.sub(r"\s+", " ", g[0].lower()), g[1].lower()
            if which in ("the past", "the previous", "the coming", "the following"):  # a stretch of time
                return Resolved(_duration_value(1, unit), None, None, None, True)
            if anchor is None:
                return unresolved
            shift = {"this": 0, "last": -1, "the past": -1, "the previous": -1, "next": 1, "the coming": 1,
                     "the following": 1}.get(re.sub(r"\s+", " ", which), 0)
            if unit == "year":
                return _out("year", y=anchor.year + shift)
            if unit == "month":
                s = _add_months(_d(anchor.year, anchor.month), shift)
                return _out("month", y=s.year, m=s.month)
            if unit == "quarter":
                q0 = (anchor.month - 1) // 3 + shift
                y, q = anchor.year + q0 // 4, q0 % 4 + 1
                return _out("quarter", y=y, q=q)
            if unit == "decade":
                return _out("decade", y=(anchor.year // 10 + shift) * 10)
            iso = anchor.isocalendar()
            return Resolved(f"{iso[0]}-W{iso[1] + shift:02d}", None, None, "week", True)
        if p.rule == "present":
            if anchor is None:
                return Resolved("PRESENT_REF", None, None, None, False)
            return Resolved("PRESENT_REF", anchor.isoformat(), date.fromordinal(anchor.toordinal() + 1).isoformat(), "day", True)
        if p.rule == "past_ref":
            return Resolved("PAST_REF", None, anchor.isoformat() if anchor else None, None, anchor is not None)
        if p.rule == "future_ref":
            return Resolved("FUTURE_REF", anchor.isoformat() if anchor else None, None, None, anchor is not None)
        if p.rule == "year":
            return _out("year", y=int(g[0]))
        if p.rule == "duration":
            return Resolved(_duration_value(_num(g[0]), _unit(g[1])), None, None, None, True)
        if p.rule == "duration_range":
            unit = _unit(g[2])
            return Resolved(f"{_duration_value(_num(g[0]), unit)}/{_duration_value(_num(g[1]), unit)}", None, None, None, True)
        if p.rule == "set_every":
            return Resolved(_duration_value(_num(g[0]), _unit(g[1])), None, None, None, True)
        if p.rule == "set_adverb":
            code = {"annually": "P1Y", "yearly": "P1Y", "monthly": "P1M", "weekly": "P1W", "daily": "P1D",
                    "hourly": "PT1H", "quarterly": "P3M"}[g[0].lower()]
            return Resolved(code, None, None, None, True)
    except (ValueError, KeyError):
        return unresolved
    return unresolved


# One pattern that finds candidate spans in running text (the rules above, as alternatives).
FINDER = re.compile("|".join(f"(?:{rx.pattern})" for name, rx in RULES if name not in ("past_ref", "future_ref")), re.I)
