"""The unit lexicon of config/units.toml (currencies, scales, number words, the units news\nwrites most), compiled once into regexes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...config_files import read_config


@dataclass(frozen=True)
class Lexicon:
    scales: dict[str, float]  # lower-case word -> multiplier
    scales_cs: dict[str, float]  # case-sensitive one-letter abbreviations
    number_words: dict[str, float]
    vague: dict[str, float]  # "hundreds of thousands" -> 1e5
    currencies: dict[str, str]  # surface -> ISO code
    qualifiers: dict[str, str]  # lower-case phrase -> qualifier
    units: dict[str, tuple[str, str]]  # surface -> (canonical, family)
    units_folded: dict[str, tuple[str, str]]  # lower-case surface (4+ chars) -> (canonical, family)
    per_words: tuple[str, ...]
    measure_verbs: dict[str, str]  # verb lemma -> the noun a figure it governs measures
    currency_before: re.Pattern
    qualifier_before: re.Pattern
    scale_after: re.Pattern
    unit_after: re.Pattern
    currency_after: re.Pattern
    vague_rx: re.Pattern
    fractions: dict[str, float]
    multipliers: dict[str, float]
    pint: dict  # settings of the pint unit reader (units.py)
    score_words: frozenset[str]
    pound_words: frozenset[str]
    money_cues: re.Pattern
    money_window: int
    glued_currencies: tuple[str, ...] = ()  # symbols ending in a letter a number may follow unspaced ("RM1.2bn")


def _alt(words, flags=0) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _wordlike(name: str) -> bool:
    """A currency written in words (with spaces and abbreviation dots), not a symbol."""
    return name.replace(" ", "").replace(".", "").isalpha()


def load_lexicon(path: str | Path) -> Lexicon:
    cfg = read_config(path)
    scales = {k.lower(): float(v) for k, v in cfg["scales"].items()}
    scales_cs = {k: float(v) for k, v in cfg.get("scales_case_sensitive", {}).items()}
    currencies = dict(cfg["currencies"])
    units = {k: tuple(v) for k, v in cfg["units"].items()}
    symbols = [c for c in currencies if not _wordlike(c)] + [c for c in currencies if c.isupper()] \
        + list(cfg.get("currency_prefixes", {}))
    currencies.update(cfg.get("currency_prefixes", {}))
    words = [c for c in currencies if _wordlike(c) and not c.isupper()]  # "yuan", "Canadian dollars", "U.S. dollars"
    currencies.update({w.lower(): currencies[w] for w in words})
    return Lexicon(
        scales=scales, scales_cs=scales_cs,
        number_words={k: float(v) for k, v in cfg["number_words"].items()},
        vague={k: float(v) for k, v in cfg["vague_numbers"].items()},
        currencies=currencies,
        qualifiers={k.lower(): v for k, v in cfg["qualifiers"].items()},
        units=units,
        units_folded={k.lower(): v for k, v in units.items() if len(k) >= 4},
        per_words=tuple(cfg["rates"]["per_words"]),
        measure_verbs={k.lower(): v for k, v in cfg.get("measure_verbs", {}).items()},
        currency_before=re.compile(rf"(?<![A-Za-z])(?:{_alt(symbols)})\s?$"),  # "RM", not "FIRM"
        qualifier_before=re.compile(rf"(?<![\w])(?:{_alt(cfg['qualifiers'])})\s+$", re.IGNORECASE),
        scale_after=re.compile(
            rf"^(?:\s|-)?(?:(?i:{_alt(scales)})|{_alt(scales_cs)})(?![\w])" if scales_cs else
            rf"^(?:\s|-)?(?i:{_alt(scales)})(?![\w])"),
        unit_after=re.compile(rf"^(?:\s|-)?(?:{_alt(units)})(?![\w])"),
        currency_after=re.compile(rf"^\s?(?i:{_alt(words)})(?![\w])"),
        vague_rx=re.compile(rf"(?<![\w])(?:{_alt(cfg['vague_numbers'])})(?![\w])", re.IGNORECASE),
        fractions={k: float(v) for k, v in cfg["fractions"].items()},
        multipliers={k: float(v) for k, v in cfg["multipliers"].items()},
        pint=cfg.get("pint", {}),
        score_words=frozenset(cfg["counts"]["score_words"]),
        pound_words=frozenset(cfg["currency_context"]["pound_words"]),
        money_cues=re.compile("|".join(re.escape(w) for w in cfg["currency_context"]["money_cues"])),
        money_window=int(cfg["currency_context"]["window"]),
        glued_currencies=tuple(s for s in symbols if s[-1:].isalpha() and s.upper() == s),
    )
