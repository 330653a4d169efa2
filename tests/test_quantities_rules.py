"""Quantity rules on news sentences written for these tests (none from the corpus)."""

from __future__ import annotations

import pytest
import spacy

from pipeline.config import load_settings
from pipeline.extraction import build_nlp


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(load_settings())


def quantities(nlp, text):
    return nlp(text)._.facts_quantities


def one(nlp, text):
    qs = quantities(nlp, text)
    assert len(qs) == 1, [q["text"] for q in qs]
    return qs[0]


@pytest.mark.parametrize("text, surface, value, unit, family", [
    ("The utility spent $3.2 billion on new turbines.", "$3.2 billion", 3.2e9, "USD", "currency"),
    ("Sales reached €450 million last quarter.", "€450 million", 4.5e8, "EUR", "currency"),
    ("The fund raised RMB 2.5 billion from investors.", "RMB 2.5 billion", 2.5e9, "CNY", "currency"),
    ("The subsidy totals 80 billion yuan.", "80 billion yuan", 8e10, "CNY", "currency"),
    ("Its budget is US$12m this year.", "US$12m", 1.2e7, "USD", "currency"),
    ("The startup is valued at $4bn.", "$4bn", 4e9, "USD", "currency"),
    ("Unemployment stood at 4.1% in March.", "4.1%", 4.1, "percent", "percent"),
    ("The bank raised rates by 25 basis points.", "25 basis points", 25, "basis_point", "percent"),
    ("Turnout rose 3 percentage points.", "3 percentage points", 3, "percentage_point", "percent"),
    ("The new chip is 4x faster.", "4x", 4, "times", "ratio"),
    ("The plant will add 1,200 MW of capacity.", "1,200 MW", 1200, "MW", "power"),
    ("Households used 310 kWh per month.", "310 kWh per month", 310, "kWh", "energy"),
    ("The hospital hired 350 nurses.", "350 nurses", 350, "nurse", "count"),
    ("The bridge is 2.4 km long.", "2.4 km", 2.4, "km", "length"),
    ("Talks lasted twelve days.", "twelve days", 12, "day", "duration"),
    ("The firm has forty-two stores.", "forty-two stores", 42, "store", "count"),
    ("Rogers will raise 150 million Canadian dollars.", "150 million Canadian dollars", 1.5e8, "CAD", "currency"),
    ("The suspect weighs 180 pounds, police said.", "180 pounds", 180, "pound-mass", "mass"),
    ("The tanker was 150 nautical miles off Aden.", "150 nautical miles", 150, "nautical mile", "length"),
    ("The surgeons performed 700 heart transplants.", "700 heart transplants", 700, "heart transplant", "count"),
    ("Raj Chohan, 59, of Queens, was hit by a car.", "59", 59, "year", "duration"),
    ("The ring is 27 km^2 wide.", "27 km^2", 27, "square kilometre", "area"),
    ("The beam reached 3.5 TeV.", "3.5 TeV", 3.5, "teraelectronvolt", "energy"),
    ("Violet light oscillates at 4e14 s-1.", "4e14 s-1", 4e14, "inverse second", "frequency"),
])
def test_values_units_and_scales(nlp, text, surface, value, unit, family):
    q = one(nlp, text)
    assert q["text"] == surface
    assert q["value"] == pytest.approx(value)
    assert (q["unit"], q["unit_family"]) == (unit, family)


@pytest.mark.parametrize("text, qualifier, low, high", [
    ("The company employs more than 5,000 people.", "more_than", 5000, None),
    ("Prices fell by about 20% in May.", "approx", None, None),
    ("The airline carried nearly 3 million passengers.", "approx", None, None),
    ("Shipments could reach up to 40 million units.", "at_most", None, 40e6),
    ("Fewer than 300 homes lost power.", "less_than", None, 300),
    ("The court fined it at least $10 million.", "at_least", 1e7, None),
])
def test_qualifiers(nlp, text, qualifier, low, high):
    q = one(nlp, text)
    assert q["qualifier"] == qualifier
    assert q["low"] == (pytest.approx(low) if low else None)
    assert q["high"] == (pytest.approx(high) if high else None)


@pytest.mark.parametrize("text, low, high, unit", [
    ("Tickets cost between $40 and $60.", 40, 60, "USD"),
    ("Prices range from $2 million to $486 million.", 2e6, 4.86e8, "USD"),
    ("Delivery takes 3-5 days.", 3, 5, "day"),
    ("It is 25 to 75 times cheaper.", 25, 75, "times"),
    ("Three to five engineers run the site.", 3, 5, "engineer"),
    ("Margins were 1.1-1.5 billion dollars.", 1.1e9, 1.5e9, "USD"),
])
def test_ranges(nlp, text, low, high, unit):
    q = one(nlp, text)
    assert q["qualifier"] == "range" and q["value"] is None
    assert (q["low"], q["high"]) == (pytest.approx(low), pytest.approx(high))
    assert q["unit"] == unit


@pytest.mark.parametrize("text, before, after, measure", [
    ("Costs rose from $2 million to $486 million.", 2e6, 4.86e8, "Costs"),
    ("Our market share plummeted from 80% to 10%.", 80, 10, "market share"),
    ("Headcount fell from 1,200 to 950 last year.", 1200, 950, None),
])
def test_a_move_from_one_level_to_another_is_two_figures_not_a_range(nlp, text, before, after, measure):
    qs = quantities(nlp, text)
    assert [(q["value"], q["qualifier"]) for q in qs] == [(before, "exact"), (after, "exact")]
    if measure:
        assert all(q["measure"] == measure for q in qs), [q["measure"] for q in qs]


@pytest.mark.parametrize("text, measure", [
    ("The vendor, with annual revenue exceeding RMB 100 billion, halted production.", "annual revenue"),
    ("It reported revenue, which topped $3 billion last year.", "revenue"),
    ("MXChip recorded 121% revenue growth.", "revenue growth"),
])
def test_measure_of_a_clause_on_a_noun(nlp, text, measure):
    assert one(nlp, text)["measure"] == measure


def test_vague_amount_is_a_lower_bound(nlp):
    q = one(nlp, "Hundreds of thousands of fans attended the parade.")
    assert (q["value"], q["qualifier"], q["unit"]) == (1e5, "at_least", "fan")


def test_rate_keeps_its_per_unit(nlp):
    q = one(nlp, "The API costs $0.50 per million tokens.")
    assert (q["value"], q["unit"], q["per_unit"]) == (0.5, "USD", "million token")


@pytest.mark.parametrize("text", [
    "The law was passed in 2019 and amended on March 3, 2021.",
    "The Boeing 737 and the Airbus A320 compete.",
    "Article 50 was triggered; see Section 12 of the report.",
    "Call 555-0142-7788 for details.",
    "1. Introduction\n2. Methods",
    "He finished first and she came second.",
    "The store is open 24/7.",
    "Meet me at 10:30 tomorrow.",
])
def test_not_quantities(nlp, text):
    assert quantities(nlp, text) == []


@pytest.mark.parametrize("text, change", [
    ("Revenue fell 12% last year.", "decrease"),
    ("Exports surged 30% in June.", "increase"),
    ("Profit reached $5 million.", None),
])
def test_change(nlp, text, change):
    assert one(nlp, text)["change"] == change


def test_subject_and_time_scope(nlp):
    q = one(nlp, "In 2023, Siemens reported revenue growth of 8%.")
    assert q["subject"] == "Siemens revenue growth"
    assert q["time_scope"] == "2023"
    q = one(nlp, "Toyota sold 2.3 million cars in Q2 2024.")
    assert q["unit"] == "car" and q["time_scope"] == "2024-Q2" and q["subject"].startswith("Toyota")


@pytest.mark.parametrize("text, measure", [
    ("In 2009 the airline lost $410 million.", "loss"),
    ("Acme Corp spent €2 billion on acquisitions last year.", "spending"),
    ("The startup raised $30 million in a Series B round.", "funding"),
    ("The group suffered a loss of $410 million in 2009.", "loss"),
])
def test_a_figure_governed_by_a_money_verb_measures_its_noun(nlp, text, measure):
    q = one(nlp, text)
    assert q["measure"] == measure, q


@pytest.mark.parametrize("text, value, unit", [
    ("The firm grew.\n40\npercent of firms said so.", 40, "percent"),  # was KeyError: '\npercent'
    ("Sales hit 3\nmillion units last year.", 3e6, "unit"),
])
def test_unit_or_scale_on_the_next_line(nlp, text, value, unit):
    q = one(nlp, text)
    assert (q["value"], q["unit"]) == (value, unit)


@pytest.mark.parametrize("text", [
    "The Sixers lost 88-72 to Cleveland and fell to a 9-14 record.",
    "He arrived at 7 p.m. on 117th Street.",
    "The 2008-09 season was supposed to be good.",
    "Prices soared in the 1960s.",
])
def test_scores_clock_times_ordinals_and_decades_are_not_quantities(nlp, text):
    assert quantities(nlp, text) == []


@pytest.mark.parametrize("text, surface, value, unit, per_unit", [
    ("Trade fell to dlrs 14 billion last year.", "dlrs 14 billion", 1.4e10, "USD", None),
    ("The airline runs four flights a week to Lima.", "four flights a week", 4, "flight", "week"),
    ("Profit was 29 cents a share.", "29 cents a share", 29, "cent", "share"),
    ("Gallium rose to $680 per kg.", "$680 per kg", 680, "USD", "kg"),
])
def test_currency_abbreviations_and_rates(nlp, text, surface, value, unit, per_unit):
    q = one(nlp, text)
    assert (q["text"], q["unit"], q["per_unit"]) == (surface, unit, per_unit)
    assert q["value"] == pytest.approx(value)


@pytest.mark.parametrize("text, surface, value, unit", [
    ("The house sold for PS450,000 last year.", "PS450,000", 450000, "GBP"),
    ("The firm earned $US12 million.", "$US12 million", 1.2e7, "USD"),
    ("Petronas paid RM1.2 billion for it.", "RM1.2 billion", 1.2e9, "MYR"),
    ("Sony made Y=120 billion in profit.", "Y=120 billion", 1.2e11, "JPY"),
    ("The fund raised USD10m.", "USD10m", 1e7, "USD"),
    ("Inflation hit 5pc in May.", "5pc", 5, "percent"),
    ("It was 12 C in London.", "12 C", 12, "degree Celsius"),
    ("The engine makes 332 lb-ft of torque.", "332 lb-ft", 332, "pound-foot"),
])
def test_currency_and_unit_forms_news_writes(nlp, text, surface, value, unit):
    q = one(nlp, text)
    assert (q["text"], q["unit"]) == (surface, unit)
    assert q["value"] == pytest.approx(value)


def test_a_scale_on_one_end_of_a_range_is_the_range_s_only_when_the_other_end_is_short(nlp):
    q = one(nlp, "Prices ranged from $750,000 to $1.2 million.")
    assert (q["low"], q["high"]) == (750000, 1.2e6)
    q = one(nlp, "The deal is worth $2-3 million.")
    assert (q["low"], q["high"]) == (2e6, 3e6)


@pytest.mark.parametrize("text", ["Sony said the PS5 sells well.", "Keep the EUR2 coin.", "Flight MH370 vanished."])
def test_codes_glued_to_numbers_are_not_sums(nlp, text):
    assert [q for q in quantities(nlp, text) if q["unit_family"] == "currency"] == []


def test_a_model_name_after_a_number_is_not_a_unit(nlp):
    q = one(nlp, "Sony sold 20 million PS4 consoles.")
    assert q["unit_family"] == "count" and q["value"] == 2e7  # consoles counted, not petasiemens to the 4th
