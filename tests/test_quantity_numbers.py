"""Number forms and units, table-driven: numbers.py reads every way a number is written,
units.py reads units with pint's registry (no spaCy needed for either)."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.extraction.quantities.lexicon import load_lexicon
from pipeline.extraction.quantities.numbers import NumberReader
from pipeline.extraction.quantities.units import UnitReader


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(load_settings().config_dir / "units.toml")


@pytest.fixture(scope="module")
def numbers(lexicon):
    return NumberReader(lexicon.number_words, lexicon.fractions, lexicon.multipliers)


@pytest.fixture(scope="module")
def units(lexicon):
    return UnitReader(lexicon.pint)


FORMS = [
    ("sold 1,500,000 copies", "1,500,000", 1_500_000),
    ("a budget of 10 000 euros", "10 000", 10_000),
    ("fell 600 metres (2, 000 feet)", "2, 000", 2_000),
    ("rose 2.80 points", "2.80", 2.8),
    ("a door 2 1/2 in thick", "2 1/2", 2.5),
    ("a 1/4 inch gap", "1/4", 0.25),
    ("about 1/40 of it", "1/40", 0.025),
    ("add ½ cup", "½", 0.5),
    ("2½ cups", "2½", 2.5),
    ("at 4e14 Hz", "4e14", 4e14),
    ("give -1e-3 W", "-1e-3", -0.001),
    ("a factor of 2.48×10−5", "2.48×10−5", 2.48e-5),
    ("8x2^10 bits", "8x2^10", 8192),
    ("from -18 °C", "-18", -18),
    ("I want a hundred and two", "a hundred and two", 102),
    ("three million, two hundred & forty", "three million, two hundred & forty", 3_000_240),
    ("Twenty-three days", "Twenty-three", 23),
    ("twenty four hours", "twenty four", 24),
    ("two and a half miles", "two and a half", 2.5),
    ("one-half mile", "one-half", 0.5),
    ("two thirds of the cake", "two thirds", 2 / 3),
    ("exactly one sixth.", "one sixth", 1 / 6),
    ("three halves", "three halves", 1.5),
    ("a quarter of the firms", "a quarter", 0.25),
    ("half a mile away", "half a", 0.5),
    ("two dozen eggs", "two dozen", 24),
]


@pytest.mark.parametrize("text, surface, value", FORMS)
def test_number_forms(numbers, text, surface, value):
    found = [n for n in numbers.find(text) if text[n.start:n.end] == surface]
    assert found, [text[n.start:n.end] for n in numbers.find(text)]
    assert found[0].value == pytest.approx(value)


@pytest.mark.parametrize("text", ["24/7 service", "two, three and four", "the third quarter", "a second round"])
def test_not_one_number(numbers, text):
    """'24/7' is no fraction; a list of number words is not one sum; ordinals are not numbers."""
    got = [(text[n.start:n.end], n.value) for n in numbers.find(text)]
    assert ("24/7", 24 / 7) not in got and ("two, three and four", 9.0) not in got
    assert not any(s in ("third", "second") for s, _ in got)


@pytest.mark.parametrize("after, name, family", [
    (" km^2 of", "square kilometre", "area"),
    (" square kilometers of", "square kilometre", "area"),
    (" km cubed", "cubic kilometre", "volume"),
    (" eV.", "electronvolt", "energy"),
    (" TeV beam", "teraelectronvolt", "energy"),
    (" MWh", "megawatt hour", "energy"),
    (" mGy dose", "milligray", "radiation dose"),
    (" km/s2 down", "kilometre per square second", "acceleration"),
    (" J/m^2 per year", "joule per square metre per year", "physical"),
    (" degrees Celsius", "degree Celsius", "temperature"),
    (" °F", "degree Fahrenheit", "temperature"),
    (" nautical miles off", "nautical mile", "length"),
    (" metric tons of", "tonne", "mass"),
    (" exabytes of data", "exabyte", "data"),
    (" in thick", "inch", "length"),
    (" pm.", "picometre", "length"),
])
def test_units_from_pint(units, after, name, family):
    u = units.read(after, 0)
    assert u is not None and (u.name, u.family) == (name, family)


@pytest.mark.parametrize("text, pos", [
    ("two in my car", 3),       # "in": a preposition
    ("At 2 pm everybody", 4),   # a clock time
    ("3 units last year", 1),   # a word, not micro-nits
    ("117 thousand", 3),        # a scale word, not the 'thou'
    ("5 a day", 1),             # an article
])
def test_words_are_not_units(units, text, pos):
    assert units.read(text, pos) is None


def test_every_number_form_goes_through_the_whole_component():
    """Each form of the table above, in running text, through spaCy and every step of the
    component: none may crash a step written for plain digits ('4e14' once did)."""
    from pipeline.engine import Extractor
    from pipeline.ingest import documents_from_bytes

    text = " ".join(row[0] + "." for row in FORMS)
    ex = Extractor(load_settings(), published="2026-05-08")
    doc = next(iter(documents_from_bytes(text.encode(), "forms.txt", "txt", ex.settings.ingest)))
    [res] = ex.process([doc])
    assert res.extraction is not None
    values = {round(q.value, 6) for q in res.extraction.quantities if q.value is not None}
    assert {4e14, -0.001, 2.5, 24.0, 1_500_000.0, 2000.0} <= values
