"""Metadata found in the text itself: dates, bylines, outlets.

Only what the text states is returned; anything unclear stays None (a date
needs day, month and year; an outlet must be named by a rule).
"""

from __future__ import annotations

import re
from datetime import date

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})(?!\d)")
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)")
_HAS_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)")


def parse_date(text: str, languages: list[str] | None = None) -> str | None:
    """The first full date (day, month, year) in text, as YYYY-MM-DD; None if there is none."""
    m = _NUMERIC_DATE.search(text)
    if m:
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    m = _DAY_FIRST.search(text)
    if m:  # 21.04.2026 (day first, the common reading outside the US)
        return _iso(int(m[3]), int(m[2]), int(m[1]))
    if not _YEAR.search(text):
        return None  # a publication date states its year; dateparser is slow, call it only then
    import dateparser  # heavy: only for dates written in words

    from dateparser.search import search_dates

    found = search_dates(text[:200], languages=languages,
                         settings={"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past"})
    for surface, when in found or ():
        if _YEAR.search(surface):  # a stated year, not "10 min" resolved against today
            return when.date().isoformat()
    return None


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def clean_name(name: str) -> str | None:
    """An author or outlet name without edge punctuation and trailing 'and N others' noise."""
    name = re.sub(r"^[\s\W_]+|[\s\W_]+$", "", name, flags=re.UNICODE)
    name = re.sub(r"\s{2,}", " ", name)
    return name or None
