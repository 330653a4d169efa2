"""Frames and grouping of issue 31, on items made here (no corpus): date values compare by
their parts, a conflict says its kind, a fact never chains values that cannot both hold, and
a statement copied into several articles is decided once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pipeline.reconcile.frames import dates_relation
from pipeline.reconcile.grouping import FactModel, conflict_kind, group
from pipeline.config import load_settings
from pipeline.reconcile.items import Item
from pipeline.reconcile.rules import Matching

NO_RATES = Matching({}, load_settings().reconcile)

FACT_MODEL = Path(__file__).resolve().parents[1] / "config" / "fact_model.toml"


def item(iid, article, value, unit="person", quote=None, cls="dead", qualifier="exact"):
    return Item(iid, article, "quantity", None, "people", value, None, None, unit, "count", qualifier, None,
                quote or f"{value:g} people", 0, 5, None,
                {"sent": frozenset({"quake", "killed", "people"}), "mw": frozenset({"person"}), "scale": None,
                 "base": None, "verb": "kill", "near": frozenset({"quake", "killed"}), "measure_class": cls})


def test_dates_compare_by_the_parts_both_state():
    assert dates_relation("XXXX-WXX-5", "2008-12-12") == (True, False)  # a Friday
    assert dates_relation("XXXX-WXX-5", "XXXX-WXX-4") == (False, True)
    assert dates_relation("XXXX-11-07", "2008-11-07") == (True, False)
    assert dates_relation("XXXX-11-07", "XXXX-11-08") == (False, True)
    assert dates_relation("XXXX-XX-XXT16:00", "XXXX-XX-XXT16:30") == (False, True)
    assert dates_relation("XXXX-11", "2008") == (False, False)  # nothing in common to compare


def test_a_conflict_says_its_kind():
    published = {"a": date(2026, 1, 1), "b": date(2026, 1, 2)}
    assert conflict_kind(item("1", "a", 14), item("2", "b", 17), NO_RATES, published, 0.1) == "update"
    assert conflict_kind(item("1", "a", 17), item("2", "b", 14), NO_RATES, published, 0.1) == "contradiction"
    assert conflict_kind(item("1", "a", 100, cls="age"), item("2", "b", 104, cls="age"), NO_RATES, {}, 0.1) == "rounding"


def test_a_fact_never_chains_values_that_cannot_both_hold():
    model = FactModel.load(FACT_MODEL)
    items = [item("1", "a", 14), item("2", "b", 14, qualifier="at_least", quote="at least 14 people"),
             item("3", "c", 15)]
    group_of, _ = group(items, {"a": "s", "b": "s", "c": "s"}, NO_RATES, model, {})
    assert group_of["2"] == group_of["1"]  # "at least 14" fits 14 (and 15), but 14 and 15 cannot both hold
    assert group_of["3"] != group_of["1"]


def test_a_copied_statement_is_decided_once_and_counts_every_article():
    model = FactModel.load(FACT_MODEL)
    copies = [item(str(i), f"art{i}", 23, unit="pirate", quote="23 pirates", cls="arrested") for i in range(5)]
    group_of, _ = group(copies, {f"art{i}": "s" for i in range(5)}, NO_RATES, model, {})
    assert len(set(group_of.values())) == 1
