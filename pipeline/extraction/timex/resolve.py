"""TimeML values of parsed time expressions, resolved in their context.

`resolve` turns a Parsed's fields into the value, the interval [start_date, end_date) and
the granularity, against a `Context`: the publication date, the tense of the clause (a bare
"Friday" in a past-tense clause is the last Friday, in a future one the next), the story's
last stated date ("two years later", "that year") and the quarter the text is about ("the
year-ago quarter"). Without a publication date, relative expressions stay unresolved
(anchored=False) rather than being read against today's date. One function a pattern kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from .grammar import Grammar, Parsed, load_grammar

@dataclass(frozen=True)
class Resolved:
    value: str | None
    start_date: str | None
    end_date: str | None
    granularity: str | None
    anchored: bool


@dataclass(frozen=True)
class Context:
    anchor: date | None = None  # publication date
    tense: str | None = None
    previous: date | None = None  # the last date the text stated before the expression
    previous_granularity: str | None = None
    reference: Resolved | None = None  # last quarter-level date the text spoke of

    @property
    def now(self) -> date | None:
        """What a month or weekday without a year is read against: publication, else the story's time."""
        return self.anchor or self.previous



_UNRESOLVED = Resolved(None, None, None, None, False)
_UNIT_CODE = {"year": "Y", "month": "M", "week": "W", "day": "D", "hour": "H", "minute": "M", "second": "S",
              "decade": "DE", "century": "CE", "quarter": "Q", "weekend": "WE", "night": "D"}
_CLOCK = {"hour", "minute", "second"}


def _add_months(d0: date, n: int) -> date:
    y, m = divmod(d0.month - 1 + n, 12)
    return date(d0.year + y, m + 1, 1)


def _day(d: date, suffix: str = "") -> Resolved:
    return Resolved(d.isoformat() + suffix, d.isoformat(), (d + timedelta(days=1)).isoformat(), "day", True)


def _month(y: int, m: int) -> Resolved:
    s = date(y, m, 1)
    return Resolved(f"{y:04d}-{m:02d}", s.isoformat(), _add_months(s, 1).isoformat(), "month", True)


def _quarter(y: int, q: int) -> Resolved:
    s = date(y, 3 * (q - 1) + 1, 1)
    return Resolved(f"{y:04d}-Q{q}", s.isoformat(), _add_months(s, 3).isoformat(), "quarter", True)


def _half(y: int, h: int) -> Resolved:
    s = date(y, 6 * (h - 1) + 1, 1)
    return Resolved(f"{y:04d}-H{h}", s.isoformat(), _add_months(s, 6).isoformat(), "half", True)


def _year(y: int, part: str | None = None) -> Resolved:
    s, e = {"early": (1, 5), "beginning": (1, 4), "start": (1, 4), "mid": (5, 9), "middle": (5, 9),
            "late": (9, 13), "end": (10, 13), "year-end": (10, 13)}.get(part or "", (1, 13))
    end = date(y + 1, 1, 1) if e == 13 else date(y, e, 1)
    return Resolved(f"{y:04d}", date(y, s, 1).isoformat(), end.isoformat(), "year", True)


def _week(d: date) -> Resolved:
    iso = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    return Resolved(f"{iso[0]}-W{iso[1]:02d}", monday.isoformat(), (monday + timedelta(days=7)).isoformat(),
                    "week", True)


def _season(y: int, code: str, starts: dict[str, int]) -> Resolved:
    s = date(y, starts.get(code, 1), 1)
    return Resolved(f"{y}-{code}", s.isoformat(), _add_months(s, 3).isoformat(), "season", True)


def _decade(y: int) -> Resolved:
    d = y // 10 * 10
    return Resolved(f"{str(d)[:3]}X", date(d, 1, 1).isoformat(), date(d + 10, 1, 1).isoformat(), "decade", True)


def _duration(n: float | None, unit: str | None) -> str | None:
    if unit is None:
        return None
    code = _UNIT_CODE.get(unit)
    if code is None:
        return None
    prefix = "PT" if unit in _CLOCK else "P"
    if n is None:
        return f"{prefix}X{code}"
    if unit == "decade":
        n, code = n * 10, "Y"
    elif unit == "century":
        n, code = n * 100, "Y"
    elif unit == "quarter":
        n, code = n * 3, "M"
    elif unit == "weekend":
        n, code = n * 2, "D"
    if float(n).is_integer():
        return f"{prefix}{int(n)}{code}"
    whole, frac = int(n), n - int(n)
    smaller = {"Y": (12, "M"), "M": (30, "D"), "W": (7, "D"), "D": (24, "H"), "H": (60, "M"), "S": (1, "S")}
    if code in smaller and whole and unit not in _CLOCK:
        k, c2 = smaller[code]
        return f"P{whole}{code}{round(frac * k)}{c2}" if c2 != "H" else f"P{whole}DT{round(frac * k)}H"
    if unit in _CLOCK and code in ("H", "M") and whole:
        return f"PT{whole}{code}{round(frac * 60)}{'M' if code == 'H' else 'S'}"
    return f"{prefix}{n:g}{code}"


def _year_for(month: int, day: int | None, ctx: Context, g: Grammar) -> int:
    """The year of a month (and day) named without one: of the same date in the year before,
    of publication and after, the nearest to the publication date that the clause's tense
    allows (a past-tense clause speaks of dates up to `tense_shift_min_days` after
    publication, a future one of dates from that long before)."""
    a = ctx.now
    assert a is not None
    now = a if day else date(a.year, a.month, 1)
    window = timedelta(days=g.tense_shift_min_days)
    best = None
    for y in (a.year, a.year - 1, a.year + 1):
        try:
            d = date(y, month, day or 1)
        except ValueError:
            continue
        if ctx.tense == "past" and d > now + window or ctx.tense == "future" and d < now - window:
            continue
        if best is None or abs((d - now).days) < abs((best - now).days):
            best = d
    return (best or date(a.year, month, 1)).year


def _weekday(wd: int, ctx: Context) -> date:
    """A weekday (1 = Monday) named without a date: the last one (the publication day
    included) in past or present narration, the next one in the future."""
    a = ctx.anchor
    assert a is not None
    diff = wd - a.isoweekday()
    if ctx.tense == "future":
        return a + timedelta(days=diff % 7)
    return a - timedelta(days=(-diff) % 7)


def resolve(p: Parsed, anchor: date | None = None, previous: date | None = None,
            tense: str | None = None, reference: Resolved | None = None,
            grammar: Grammar | None = None, previous_granularity: str | None = None) -> Resolved:
    """TimeML value and interval of a parsed expression in its context."""
    ctx = Context(anchor, tense if tense is not None else p.tense, previous, previous_granularity, reference)
    g = grammar or load_grammar()
    try:
        return _RESOLVERS[p.kind](p, ctx, g)
    except (ValueError, KeyError, TypeError, AssertionError, OverflowError):
        return _UNRESOLVED


def _calendar(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    year, month, day = p.get("year") or p.get("yearw"), p.get("month") or p.get("month_num"), p.get("day")
    hol = p.get("holiday")
    if hol is not None:
        month, day = hol
    if year is not None and year < 100:
        year += 1900 if year >= 50 else 2000
    suffix = _time_suffix(p)
    if month is None and day is None and p.get("weekday") is None:  # "10 p.m.", "noon" alone
        if ctx.anchor is None:
            return _underspecified("XXXX-XX-XX", suffix)
        r = _day(ctx.anchor, suffix)
        return r
    if year is None and p.get("yshift") is not None and ctx.anchor is not None:
        year = ctx.anchor.year + p.get("yshift")
    if month is not None and day is not None:
        if year is None:
            if ctx.now is None:
                return _underspecified(f"XXXX-{month:02d}-{day:02d}", suffix)
            year = _year_for(month, day, ctx, g)
        return _day(date(year, month, day), suffix)
    if month is not None:
        if year is None:
            if ctx.now is None:
                return _underspecified(f"XXXX-{month:02d}", "")
            year = _year_for(month, None, ctx, g)
        return _month(year, month)
    wd = p.get("weekday")
    if wd is not None:
        if ctx.anchor is None:
            return _underspecified(f"XXXX-WXX-{wd}", suffix)
        return _day(_weekday(wd, ctx), suffix)
    return _UNRESOLVED


def _underspecified(value: str, suffix: str) -> Resolved:
    """A weekday, a day or month without a year, or a clock time, with no date to read it
    against: TimeML's underspecified value ("Friday" is XXXX-WXX-5, "Nov. 7" XXXX-11-07, "4
    p.m." XXXX-XX-XXT16:00), unanchored, with no interval. Two reports that both say "Friday"
    can still be compared; neither is placed on a timeline."""
    if not suffix and value.startswith("XXXX-XX-XX"):
        return _UNRESOLVED
    return Resolved(value + suffix, None, None, None, False)


def _time_suffix(p: Parsed) -> str:
    hour, minute, ampm, word = p.get("hour"), p.get("minute"), p.get("ampm"), p.get("clockword")
    if p.kind == "calendar" and p.get("weekday") is not None and hour is None and word is None:
        return ""  # "Friday night" is annotated as the day (DATE), "this morning" as a time
    if word:
        return "T12:00" if word == "noon" else "T24:00"
    if hour is not None:
        if ampm and ampm.startswith("p") and hour < 12:
            hour += 12
        if ampm and ampm.startswith("a") and hour == 12:
            hour = 0
        return f"T{hour:02d}:{minute or 0:02d}"
    part = p.get("part")
    return f"T{part}" if part else ""


def _dayword(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    if ctx.anchor is None:
        return Resolved("PRESENT_REF", None, None, None, False) if p.get("dayword") == 0 else _UNRESOLVED
    offset = p.get("dayword")
    if offset is None:  # "this morning", "last night"
        offset = -1 if p.get("pshift") == "last" and p.get("part") == "NI" else 0
    suffix = _time_suffix(p)
    return _day(ctx.anchor + timedelta(days=offset), suffix)


def _thanksgiving(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    if ctx.anchor is None:
        return _UNRESOLVED
    y = _year_for(11, 28, ctx, g)
    first = date(y, 11, 1)
    thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 21)
    return _day(thursday)


def _year_kind(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    y = p.get("year")
    if y is None and p.get("century"):
        century = 1900 if p.get("century") == "nineteen" else 2000
        y = century + int(g.number(p.get("tens"))) + int(g.number(p.get("ones")))
    return _year(int(y), p.get("period"))


def _season_kind(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    """'summer 2023', 'the winter of nineteen ninety-four'."""
    return _season(int(_year_kind(p, ctx, g).value), p.get("season"), g.season_start)


def _year_range(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    a, b = p.get("year"), p.get("year_end")
    if b < 100:
        b = a // 100 * 100 + b
    if not a < b <= a + 50:
        return _UNRESOLVED
    return Resolved(f"{a}/{b}", date(a, 1, 1).isoformat(), date(b + 1, 1, 1).isoformat(), "year", True)


def _decade_kind(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    if p.get("decade") is not None:
        return _decade(p.get("decade"))
    word = p.get("decade_word")
    n = int(g.number(word[:-3] + "y" if word.endswith("ies") else word))
    return _decade(1900 + n)


def _century(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    n = p.get("century_n")
    s = (n - 1) * 100
    return Resolved(f"{n - 1:02d}", date(max(s, 1), 1, 1).isoformat(), date(s + 100, 1, 1).isoformat(),
                    "century", True)


def _quarter_kind(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    half = p.get("hnum") is not None or p.get("qh") == "half"
    n = p.get("qnum") or p.get("hnum") or p.get("ord")
    if n == -1:  # "the last half", "the last quarter" of a year
        n = 2 if half else 4
    if n is None or n > (2 if half else 4):
        return _UNRESOLVED
    year = p.get("year") or p.get("year_pos")
    shift = p.get("yshift", p.get("yshift2"))
    if year is None:
        if ctx.anchor is None:
            return _UNRESOLVED
        else:
            a = ctx.anchor
            year = a.year + (shift or 0)
            now = (a.month - 1) // (6 if half else 3) + 1
            if shift is None and ctx.tense == "past" and n > now:
                year -= 1
            elif shift is None and ctx.tense == "future" and n < now:
                year += 1
    return _half(year, n) if half else _quarter(year, n)


def _last_quarter(ctx: Context) -> Resolved | None:
    if ctx.anchor is None:
        return None
    q = (ctx.anchor.month - 1) // 3  # quarters finished before this one
    return _quarter(ctx.anchor.year, q) if q else _quarter(ctx.anchor.year - 1, 4)


def _anaphoric(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    """'the quarter', 'the latest period': the quarter the text is about, else the last one finished."""
    ref = ctx.reference
    if ref is not None and ref.granularity in ("quarter", "half"):
        return ref
    if p.get("aunit") == "period" and p.get("which") is None:
        return _UNRESOLVED
    return _last_quarter(ctx) or _UNRESOLVED


def _period_of_year(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    """'the 1988 quarter', 'last year's period': the quarter the text is about, in that year."""
    ref = ctx.reference
    if ref is None or ref.granularity != "quarter" or not ref.start_date:
        return _UNRESOLVED
    s = date.fromisoformat(ref.start_date)
    year = p.get("year") or p.get("year2") or s.year - 1
    return _quarter(year, (s.month - 1) // 3 + 1)


def _year_ago(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    """'a year ago', 'the year-earlier quarter': the period the text is about, a year before."""
    ref = ctx.reference
    if ref is not None and ref.start_date and ref.granularity in ("quarter", "half"):
        s = date.fromisoformat(ref.start_date)
        n = (s.month - 1) // (3 if ref.granularity == "quarter" else 6) + 1
        return _quarter(s.year - 1, n) if ref.granularity == "quarter" else _half(s.year - 1, n)
    base = ctx.previous if p.get("dir") in ("earlier", "before") and ctx.previous else ctx.anchor
    if base is None:
        return _UNRESOLVED
    return _year(base.year - 1)


def _shifted(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    a = ctx.anchor
    if p.get("weekend"):
        if a is None:
            return _UNRESOLVED
        d = a - timedelta(days=7) if ctx.tense == "past" and a.isoweekday() < 6 else a
        iso = d.isocalendar()
        return Resolved(f"{iso[0]}-W{iso[1]:02d}-WE", None, None, "week", True)
    shift = p.get("shift")
    unit, season, month, wd = p.get("unit"), p.get("season"), p.get("month"), p.get("weekday")
    said = re.sub(r"\s+", " ", str(p.get("shift_word") or ""))
    if said in g.narrative_shifts and ctx.previous is not None and unit == "year":
        return _year(ctx.previous.year + shift)  # "that year", "the following year": the story's time
    if shift is None:
        return _UNRESOLVED
    if a is None:
        if said.startswith("the ") and unit in _UNIT_CODE:  # "the past decade" with no date to count from
            return Resolved(_duration(1.0, unit), None, None, None, True)
        return _UNRESOLVED
    if month is not None:  # "last April", "next March"
        y = a.year + (shift if (shift < 0 and month >= a.month) or (shift > 0 and month <= a.month) else 0)
        return _month(y, month)
    if wd is not None:  # "last Friday", "next Tuesday"
        diff = wd - a.isoweekday()
        if shift < 0:
            return _day(a - timedelta(days=(-diff) % 7 or 7))
        if shift > 0:
            return _day(a + timedelta(days=diff % 7 or 7))
        return _day(_weekday(wd, ctx))
    if season is not None:
        start_month = g.season_start.get(season, 1)
        y = a.year + shift
        if shift < 0 and start_month > a.month:
            y = a.year - 1
        elif shift < 0:
            y = a.year - 1 if start_month <= a.month and (season != "WI") else a.year - 1
        if shift == 0:
            y = a.year
        return _season(y, season, g.season_start)
    if unit == "year":
        return _year(a.year + shift, p.get("period"))
    if unit == "month":
        s = _add_months(date(a.year, a.month, 1), shift)
        return _month(s.year, s.month)
    if unit == "quarter":
        q0 = (a.month - 1) // 3 + shift
        return _quarter(a.year + q0 // 4, q0 % 4 + 1)
    if unit == "decade":
        return _decade((a.year // 10 + shift) * 10)
    if unit in ("week", "weekend"):
        r = _week(a + timedelta(days=7 * shift))
        return replace(r, value=r.value + "-WE") if unit == "weekend" else r
    if unit in ("day", "night"):
        return _day(a + timedelta(days=shift))
    return _UNRESOLVED


def _ago(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    n, unit, direction = p.get("num"), p.get("unit"), p.get("dir")
    forward = direction in ("later", "after", "from now", "hence")
    base = ctx.anchor if direction in ("ago", "from now", "hence") else (ctx.previous or None)
    if direction in ("after", "before") and base is None:  # "two years after": a stretch, not a date
        return Resolved(_duration(n, unit), None, None, None, True)
    if base is None:
        return _UNRESOLVED
    if n is None:  # "a few years ago"
        return Resolved("PAST_REF" if not forward else "FUTURE_REF", None, None, None, True)
    sign = 1 if forward else -1
    k = int(n) if float(n).is_integer() else n
    if unit in ("day", "night"):
        return _day(base + timedelta(days=sign * k))
    if unit == "week":
        return _week(base + timedelta(days=sign * 7 * k))
    if unit == "month":
        s = _add_months(date(base.year, base.month, 1), sign * int(k))
        return _month(s.year, s.month)
    if unit == "quarter":
        s = _add_months(date(base.year, base.month, 1), sign * 3 * int(k))
        return _quarter(s.year, (s.month - 1) // 3 + 1)
    if unit in ("year", "decade", "century"):
        years = int(k) * {"year": 1, "decade": 10, "century": 100}[unit]
        if base is ctx.previous and ctx.previous_granularity == "month":  # "a year earlier" than February 2026
            return _month(base.year + sign * years, base.month)
        return _year(base.year + sign * years)
    if unit in _CLOCK:
        return Resolved(_duration(n, unit), None, None, None, True)
    return _UNRESOLVED


def _duration_kind(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    recent = p.get("recent")
    if p.get("bare") is not None and recent is not None:  # "recent years", "the coming months"
        future = recent.split()[-1] in ("coming", "next")
        return _ref(Parsed(p.rule, "ref", "DATE", (("ref", "FUTURE_REF" if future else "PAST_REF"),)), ctx, g)
    unit = p.get("unit") or p.get("bare")
    n = p.get("num")
    if p.get("bare") is not None:
        n = None
    elif p.get("num") is None and p.get("vague") is None:
        n = 1.0  # "the past year"
    if n is not None and p.get("half"):
        n += 0.5
    if p.get("num_hi") is not None:  # "1-2 years"
        return Resolved(f"{_duration(n, unit)}/{_duration(p.get('num_hi'), unit)}", None, None, None, True)
    return Resolved(_duration(n, unit), None, None, None, True)


def _ref(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    v = p.get("ref")
    a = ctx.anchor
    if v == "PRESENT_REF":
        return Resolved(v, a.isoformat() if a else None, (a + timedelta(days=1)).isoformat() if a else None,
                        "day" if a else None, a is not None)
    if v == "PAST_REF":
        return Resolved(v, None, a.isoformat() if a else None, None, a is not None)
    return Resolved(v, a.isoformat() if a else None, None, None, a is not None)


def _this_period(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    """'the end of the year', 'year-end': the period of publication it names."""
    a = ctx.now
    if a is None:
        return _UNRESOLVED
    unit = p.get("unit") or "year"
    if unit == "month":
        return _month(a.year, a.month)
    if unit == "week":
        return _week(a)
    if unit == "quarter":
        return _quarter(a.year, (a.month - 1) // 3 + 1)
    return _year(a.year, p.get("period"))


def _season_bare(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    """'the summer': this year's, or last year's when a past-tense clause names one not begun."""
    a = ctx.now
    if a is None:
        return _UNRESOLVED
    code = p.get("season")
    start = g.season_start.get(code, 1)
    year = a.year - 1 if ctx.tense == "past" and start > a.month else a.year
    return _season(year, code, g.season_start)


def _set(p: Parsed, ctx: Context, g: Grammar) -> Resolved:
    if p.get("set"):
        return Resolved(str(p.get("set")), None, None, None, True)
    if p.get("weekday") is not None:
        part = p.get("part") or p.get("partpl")
        return Resolved(f"XXXX-WXX-{p.get('weekday')}" + (f"T{part}" if part else ""), None, None, None, True)
    if p.get("month") is not None:
        return Resolved(f"XXXX-{p.get('month'):02d}", None, None, None, True)
    unit = p.get("unit")
    if unit in ("morning", "evening", "night"):
        return Resolved(f"TXX{unit[:2].upper()}", None, None, None, True)
    return Resolved(_duration(p.get("num") or 1.0, unit), None, None, None, True)


_RESOLVERS = {
    "calendar": _calendar, "dayword": _dayword, "thanksgiving": _thanksgiving, "year": _year_kind,
    "year_range": _year_range, "season": _season_kind, "decade": _decade_kind, "century": _century, "quarter": _quarter_kind,
    "anaphoric": _anaphoric, "year_ago": _year_ago, "shifted": _shifted, "ago": _ago,
    "duration": _duration_kind, "ref": _ref, "set": _set, "this_period": _this_period,
    "season_bare": _season_bare, "period_of_year": _period_of_year,
}

