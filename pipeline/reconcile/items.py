"""Items: the stored quantities and dated events reconciliation compares, read by column name,
and the data they are compared with (exchange rates, count synonyms, measure words)."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb

from ..config_files import read_config
from ..names import singular

_STOP = {"the", "of", "and", "a", "an", "in", "for", "to", "on", "by", "with", "its", "their", "per", "total",
         "annual", "new", "this", "that", "all", "s"}


@dataclass
class Item:
    id: str
    article_id: str
    kind: str
    entity_id: str | None
    measure: str
    value: float | None
    low: float | None
    high: float | None
    unit: str | None
    family: str | None
    qualifier: str
    scope: str | None
    quote: str
    start: int
    end: int
    year: int | None
    extra: dict


def load_fx(path: Path) -> dict[str, list[tuple[int, float]]]:
    rates: dict[str, list[tuple[int, float]]] = defaultdict(list)
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            rates[row["currency"]].append((int(row["year"]), float(row["usd_per_unit"])))
    return {k: sorted(v) for k, v in rates.items()}


def to_usd(amount: float | None, currency: str, year: int | None, fx: dict) -> float | None:
    if amount is None or currency not in fx:
        return amount if currency == "USD" else None
    table = fx[currency]
    if year is None:
        return amount * table[-1][1]
    best = min(table, key=lambda r: abs(r[0] - year))
    return amount * best[1]


# Families whose units convert by a factor alone (not money, counts, percentages or
# temperatures, whose scales have offsets).
_SCALED_FAMILIES = frozenset({"length", "area", "volume", "mass", "duration", "energy", "power", "speed",
                              "acceleration", "frequency", "pressure", "force", "data"})


class UnitScales:
    """Stored unit name -> (base unit, factor), read with pint's registry, so "18 months" and
    "two years", or "1.2 miles" and "12 kilometres", are compared in one unit. The registry
    is built only when a corpus has such units, and each unit name is parsed once."""

    def __init__(self) -> None:
        self._ureg = None
        self._cache: dict[str, tuple[str, float] | None] = {}

    def base(self, unit: str | None, family: str | None) -> tuple[str, float] | None:
        if not unit or family not in _SCALED_FAMILIES:
            return None
        if unit not in self._cache:
            self._cache[unit] = self._parse(unit)
        return self._cache[unit]

    def _parse(self, unit: str) -> tuple[str, float] | None:
        import pint

        if self._ureg is None:
            from ..unit_registry import unit_registry

            self._ureg = unit_registry()
        for name in dict.fromkeys((unit, unit.split("-")[0])):  # "pound-mass" is pint's "pound"
            try:
                q = self._ureg.Quantity(1.0, name).to_base_units()
            except (pint.errors.PintError, AttributeError, TypeError, ValueError, KeyError):
                continue
            return str(q.units), float(q.magnitude)
        return None  # a name pint does not read: compared in its own unit only


def load_synonyms(path: Path | None) -> dict[str, str]:
    """Counted noun (singular) -> its group's name, from [count_synonyms] in units.toml."""
    if path is None or not Path(path).exists():
        return {}
    groups = read_config(path).get("count_synonyms", {})
    return {word.lower(): name.lower() for name, words in groups.items() for word in [name, *words]}


def load_measure_classes(path: Path | None) -> dict[str, str]:
    """Word (a verb lemma, a measure word or a counted noun, singular) -> its measure class,
    from [measure_classes] in units.toml."""
    if path is None or not Path(path).exists():
        return {}
    groups = read_config(path).get("measure_classes", {})
    return {word.lower(): name.lower() for name, words in groups.items() for word in [name, *words]}


def measure_class(classes: dict[str, str], verb: str | None, *phrases: str | None) -> str | None:
    """The class of what a figure measures: the clause's verb first ("14 people died"; given
    for counts only: in "the suspect, 29, was arrested" the verb is not what 29 measures), then
    the measure words and the counted noun ("the death toll", "14 fatalities")."""
    if verb and verb in classes:
        return classes[verb]
    for phrase in phrases:
        for w in reversed(re.findall(r"[a-z0-9]+", (phrase or "").lower())):
            c = classes.get(w) or classes.get(_singular(w))
            if c:
                return c
    return None


_singular = lru_cache(maxsize=65536)(singular)  # a corpus repeats its words: each is made singular once


def measure_words(m: str | None, synonyms: dict[str, str] | None = None) -> frozenset[str]:
    syn = synonyms or {}
    words = (_singular(w) for w in re.findall(r"[a-z0-9]+", (m or "").lower()) if w not in _STOP and len(w) > 1)
    return frozenset(syn.get(w, w) for w in words)


def near_words(sentence: str | None, surface: str | None, synonyms: dict[str, str] | None,
               near: int) -> frozenset[str]:
    """The words within `near` characters of the figure in its sentence: its own frame ("were
    injured", "rose to", "the death toll"), where the whole sentence may be about many things."""
    if not sentence or not surface:
        return frozenset()
    k = sentence.find(surface)
    if k < 0:
        return frozenset()
    return measure_words(sentence[max(0, k - near):k] + " " + sentence[k + len(surface):k + len(surface) + near],
                         synonyms)


def load_items(con: duckdb.DuckDBPyConnection, synonyms: dict[str, str] | None = None,
               articles: list[str] | None = None, classes: dict[str, str] | None = None, *,
               near_chars: int) -> list[Item]:
    """Quantities and dated events (of all articles, or of these) as Items; counted units and
    measure words through the synonyms; physical units with their base unit and factor
    (extra["base"])."""
    syn = synonyms or {}
    scales = UnitScales()
    only, params = ("", []) if articles is None else (" AND {}.article_id IN (SELECT unnest(?))", [list(articles)])
    rows = con.execute("""
        SELECT q.quantity_id, q.article_id,
               q.subject_entity_id,  -- the corpus entity (linking keeps it current)
               coalesce(q.measure, ''), q.value, q.low, q.high, q.unit, q.unit_family, q.qualifier, q.time_scope,
               q.text, q.start_char, q.end_char, year(a.published), q.sentence, q.scale, q.verb
        FROM quantities q JOIN articles a USING (article_id)
        WHERE true""" + only.format("q") + """
        ORDER BY q.article_id, q.start_char, q.quantity_id""", params).fetchall()
    items = [Item(r[0], r[1], "quantity", r[2], r[3], r[4], r[5], r[6],
                  syn.get(r[7].lower(), r[7]) if r[7] and r[8] == "count" else r[7], r[8], r[9] or "exact", r[10],
                  r[11], r[12], r[13], int(r[10][:4]) if r[10] and r[10][:4].isdigit() else r[14],
                  {"sent": measure_words(r[15], syn), "mw": measure_words(r[3], syn), "scale": r[16],
                   "base": scales.base(r[7], r[8]), "verb": r[17], "near": near_words(r[15], r[11], syn, near_chars),
                   "measure_class": measure_class(classes or {}, r[17] if r[8] in (None, "count") else None,
                                                  r[3], r[7])})
             for r in rows]
    corpus_ids: dict[tuple[str, str], set[str]] = defaultdict(set)  # one pass, not a subquery per event
    for aid, local, eid in con.execute(
            "SELECT DISTINCT article_id, article_entity_id, entity_id FROM mentions m WHERE true" + only.format("m"),
            params).fetchall():
        corpus_ids[(aid, local)].add(eid)
    for r in con.execute("""
        SELECT e.event_id, e.article_id, e.trigger, e.actors, e.date, e.start_date, e.end_date, e.text,
               e.start_char, e.end_char, coalesce(e.date_stated, false), e.theme,
               (SELECT min(t.text) FROM times t WHERE t.article_id = e.article_id AND t.value = e.date
                  AND t.start_char >= e.start_char AND t.end_char <= e.end_char) AS said
        FROM events e WHERE true""" + only.format("e") + """ ORDER BY e.article_id, e.start_char, e.event_id""", params).fetchall():
        # the actors' corpus-level entities, as linked across articles
        actors = frozenset(x for a in json.loads(r[3] or "[]") for x in corpus_ids.get((r[1], a["id"]), ()))
        items.append(Item(r[0], r[1], "event", None, r[2], None, None, None, None, None, "exact", r[4], r[7],
                          r[8], r[9], None, {"actors": actors, "start": r[5], "end": r[6], "stated": r[10],
                                             "theme": r[11], "said": r[12], "sent": measure_words(r[7], syn),
                                             "near": near_words(r[7], r[12], syn, near_chars),
                                             "measure_class": measure_class(classes or {}, r[2], r[11])}))
    return items
