"""Time expressions: TimeML values for every granularity, relative resolution, and non-dates."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.config import load_settings
from pipeline.engine import Extractor
from pipeline.extraction.timex import parse, resolve
from pipeline.ingest import documents_from_bytes

PUB = date(2026, 5, 8)


@pytest.mark.parametrize("text, type_, value, start, end, gran", [
    ("March 3, 2021", "DATE", "2021-03-03", "2021-03-03", "2021-03-04", "day"),
    ("3 March 2021", "DATE", "2021-03-03", "2021-03-03", "2021-03-04", "day"),
    ("2021-03-03", "DATE", "2021-03-03", "2021-03-03", "2021-03-04", "day"),
    ("September 2019", "DATE", "2019-09", "2019-09-01", "2019-10-01", "month"),
    ("Q3 2024", "DATE", "2024-Q3", "2024-07-01", "2024-10-01", "quarter"),
    ("the fourth quarter of 2023", "DATE", "2023-Q4", "2023-10-01", "2024-01-01", "quarter"),
    ("the first half of 2025", "DATE", "2025-H1", "2025-01-01", "2025-07-01", "half"),
    ("H2 2027", "DATE", "2027-H2", "2027-07-01", "2028-01-01", "half"),
    ("2019", "DATE", "2019", "2019-01-01", "2020-01-01", "year"),
    ("the 1990s", "DATE", "199X", "1990-01-01", "2000-01-01", "decade"),
    ("2027-2028", "DATE", "2027/2028", "2027-01-01", "2029-01-01", "year"),
    ("late 2024", "DATE", "2024", "2024-09-01", "2025-01-01", "year"),
    ("end-2025", "DATE", "2025", "2025-10-01", "2026-01-01", "year"),
    ("summer 2023", "DATE", "2023-SU", "2023-06-01", "2023-09-01", "season"),
    ("FY2025", "DATE", "2025", "2025-01-01", "2026-01-01", "year"),
    ("fiscal 1989", "DATE", "1989", "1989-01-01", "1990-01-01", "year"),
    ("the winter of 1994", "DATE", "1994-WI", "1994-12-01", "1995-03-01", "season"),
    ("Friday, Oct. 27, 1989", "DATE", "1989-10-27", "1989-10-27", "1989-10-28", "day"),
    ("10/27/1989", "DATE", "1989-10-27", "1989-10-27", "1989-10-28", "day"),
    ("nineteen ninety-four", "DATE", "1994", "1994-01-01", "1995-01-01", "year"),
    ("the 20th century", "DATE", "19", "1900-01-01", "2000-01-01", "century"),
])
def test_absolute_expressions(text, type_, value, start, end, gran):
    p = parse(text)
    assert p is not None and p.type == type_
    r = resolve(p, None)
    assert (r.value, r.start_date, r.end_date, r.granularity, r.anchored) == (value, start, end, gran, True)


@pytest.mark.parametrize("text, value, gran", [
    ("this year", "2026", "year"),
    ("last year", "2025", "year"),
    ("next year", "2027", "year"),
    ("this month", "2026-05", "month"),
    ("last quarter", "2026-Q1", "quarter"),
    ("the second half of the year", "2026-H2", "half"),
    ("Q1", "2026-Q1", "quarter"),
    ("eight years ago", "2018", "year"),
    ("three months ago", "2026-02", "month"),
    ("today", "2026-05-08", "day"),
    ("yesterday", "2026-05-07", "day"),
    ("tomorrow", "2026-05-09", "day"),
    ("last week", "2026-W18", "week"),
    ("next month", "2026-06", "month"),
    ("last spring", "2025-SP", "season"),
    ("last April", "2026-04", "month"),
    ("last November", "2025-11", "month"),
    ("last Friday", "2026-05-01", "day"),
    ("next Tuesday", "2026-05-12", "day"),
    ("six weeks ago", "2026-W13", "week"),
    ("three days ago", "2026-05-05", "day"),
    ("June last year", "2025-06", "month"),
    ("earlier this month", "2026-05", "month"),
    ("early next year", "2027", "year"),
])
def test_relative_expressions_resolve_against_publication(text, value, gran):
    r = resolve(parse(text), PUB)
    assert (r.value, r.granularity, r.anchored) == (value, gran, True)


@pytest.mark.parametrize("text", ["this year", "last year", "Q1", "eight years ago", "the second half of the year"])
def test_relative_without_publication_date_is_not_guessed(text):
    r = resolve(parse(text), None)
    assert r.anchored is False and r.start_date is None
    assert r.value in (None, "PRESENT_REF")


def test_later_counts_from_the_last_explicit_date():
    r = resolve(parse("23 days later"), PUB, previous=date(2018, 4, 16))
    assert r.value == "2018-05-09"
    r = resolve(parse("two years later"), None, previous=date(2019, 6, 1))
    assert r.value == "2021"


@pytest.mark.parametrize("text, value", [
    ("Twenty-three days later", "2018-05-09"),
    ("twenty three days later", "2018-05-09"),
    ("fourteen days later", "2018-04-30"),
    ("four days later", "2018-04-20"),
])
def test_number_words_of_any_size_count_the_offset(text, value):
    """'Twenty-three days later' was read as 'three days later' (compound number words)."""
    from pipeline.extraction.timex import find

    [(a, b, _)] = find(text)
    assert text[a:b] == text
    assert resolve(parse(text), PUB, previous=date(2018, 4, 16)).value == value


@pytest.mark.parametrize("text, type_, value", [
    ("58 days", "DURATION", "P58D"),
    ("seven years", "DURATION", "P7Y"),
    ("1-2 years", "DURATION", "P1Y/P2Y"),
    ("a decade", "DURATION", "P10Y"),
    ("six hours", "DURATION", "PT6H"),
    ("every five minutes", "SET", "PT5M"),
    ("yearly", "SET", "P1Y"),
    ("every Tuesday", "SET", "XXXX-WXX-2"),
    ("the past three years", "DURATION", "P3Y"),
    ("the first nine months", "DURATION", "P9M"),
    ("nearly two months", "DURATION", "P2M"),
    ("2 1/2 years", "DURATION", "P2Y6M"),
    ("two and a half years", "DURATION", "P2Y6M"),
    ("a minute and a half", "DURATION", "PT1M30S"),
    ("the last twenty four hours", "DURATION", "PT24H"),
    ("a couple of years", "DURATION", "P2Y"),
    ("several weeks", "DURATION", "PXW"),
    ("10-day", "DURATION", "P10D"),
    ("two-year", "DURATION", "P2Y"),
    ("3-5 years", "DURATION", "P3Y/P5Y"),
    ("the past year", "DATE", "2025"),
])
def test_durations_and_sets(text, type_, value):
    p = parse(text)
    assert p.type == type_ and resolve(p, PUB).value == value


@pytest.fixture(scope="module")
def extractor():
    return Extractor(load_settings(), published="2026-05-08")


def times_of(extractor, text):
    doc = next(iter(documents_from_bytes(text.encode(), "t.txt", "txt", extractor.settings.ingest)))
    [res] = extractor.process([doc])
    return res.extraction


def test_not_dates(extractor):
    x = times_of(extractor, "The cluster uses 2,048 GPUs and 2048 chips. The Ascend 910B and the Boeing 737 "
                            "run 24/7. Call 555-0142.")
    assert [t.text for t in x.times] == []


def test_dated_events_in_running_text(extractor):
    x = times_of(extractor, "On March 3, 2021, Siemens acquired Varian for $16 billion. "
                            "Siemens will open a plant in Texas in 2027. "
                            "According to reports, Bosch signed a deal with Ford last year.")
    by_date = {e.date: e for e in x.events}
    assert by_date["2021-03-03"].trigger == "acquire" and by_date["2021-03-03"].status == "occurred"
    assert {a["name"] for a in by_date["2021-03-03"].actors} >= {"Siemens", "Varian"}
    assert by_date["2021-03-03"].quantities  # the $16 billion is in the clause
    assert by_date["2027"].status == "planned" and by_date["2027"].trigger == "open"
    assert by_date["2025"].status == "reported" and by_date["2025"].trigger == "sign"
    for e, word in ((by_date["2021-03-03"], "acquired"), (by_date["2027"], "open"), (by_date["2025"], "signed")):
        assert e.trigger_end - e.trigger_start == len(word)  # the trigger word itself, inside its sentence
        assert e.start <= e.trigger_start < e.trigger_end <= e.end
        assert e.text[e.trigger_start - e.start:e.trigger_end - e.start] == word


def values_of(text, published):
    ex = Extractor(load_settings(), published=published)
    doc = next(iter(documents_from_bytes(text.encode(), "t.txt", "txt", ex.settings.ingest)))
    [res] = ex.process([doc])
    return {t.text: t.value for t in res.extraction.times}, res.extraction.events


def test_tense_chooses_which_weekday_and_which_year():
    """A bare weekday or month is the last one in a past-tense clause, the next one in a future one."""
    got, _ = values_of("The striker scored twice on Tuesday. The museum will reopen on Thursday. "
                       "The orchestra toured Japan in November. The festival is expected in March.",
                       "2026-01-16")  # a Friday
    assert got["Tuesday"] == "2026-01-13"
    assert got["Thursday"] == "2026-01-22"
    assert got["November"] == "2025-11"
    assert got["March"] == "2026-03"


def test_earnings_report_periods_follow_the_quarter_it_is_about():
    got, _ = values_of("Net income rose 12% in the third quarter. A year earlier, the company lost money. "
                       "Sales in the year-ago quarter were lower, and orders in the quarter set a record.",
                       "2026-10-21")
    assert got["the third quarter"] == "2026-Q3"
    assert got["A year earlier"] == "2025-Q3"
    assert got["the year-ago quarter"] == "2025-Q3"
    assert got["the quarter"] == "2026-Q3"


def test_a_weekday_dates_its_event():
    _, events = values_of("The health minister resigned on Tuesday after a week of protests.", "2026-03-05")
    assert [(e.trigger, e.date) for e in events] == [("resign", "2026-03-03")]


def test_references_and_spans_as_timeml_marks_them():
    got, _ = values_of("Prices are now falling, and analysts said recently that the future looks better "
                       "than in the past three years.", "2026-05-08")
    assert got == {"now": "PRESENT_REF", "recently": "PAST_REF", "the future": "FUTURE_REF",
                   "the past three years": "P3Y"}


@pytest.mark.parametrize("text, type_, value", [
    ("Tuesdays", "SET", "XXXX-WXX-2"),
    ("Monday nights", "SET", "XXXX-WXX-1TNI"),
    ("January nineteen ninety-seven", "DATE", "1997-01"),
    ("the end of the year", "DATE", "2026"),
    ("the full year", "DATE", "2026"),
    ("the summer", "DATE", "2026-SU"),
    ("the last half of 2025", "DATE", "2025-H2"),
    ("mid-afternoon yesterday", "TIME", "2026-05-07TAF"),
])
def test_more_timeml_forms(text, type_, value):
    p = parse(text)
    assert p is not None and p.type == type_ and resolve(p, PUB).value == value


def test_ages_and_fiscal_years_as_news_writes_them():
    """'52 years old' is an age, not a duration; 'the year ended Sept. 30' is a year-long stretch
    and its own date; 'the 2025 quarter' is the quarter the report is about, in 2025."""
    got, _ = values_of("Ms. Okafor, 52 years old, runs the mill. For the year ended Sept. 30, profit rose. "
                       "Third-quarter sales beat the 2025 quarter and last year's period.", "2026-10-20")
    assert "52 years" not in got
    assert got["the year"] == "P1Y" and got["Sept. 30"] == "2026-09-30"
    assert got["Third-quarter"] == "2026-Q3"
    assert got["the 2025 quarter"] == "2025-Q3" and got["last year's period"] == "2025-Q3"


def test_a_users_timex_words_are_the_ones_used(tmp_path):
    """config/timex.toml of the run's config folder is what finds and resolves (a holiday added
    there is found and dated), not the copy shipped with the package."""
    import shutil

    cfg = tmp_path / "cfg"
    shutil.copytree(load_settings().config_dir, cfg)
    timex = cfg / "timex.toml"
    timex.write_text(timex.read_text(encoding="utf-8").replace("holidays = [", 'holidays = [\n  ["Hogmanay", 12, 31],', 1),
                     encoding="utf-8")
    ex = Extractor(load_settings(config_dir=cfg), published="2026-05-08")
    doc = next(iter(documents_from_bytes(b"The town will celebrate on Hogmanay.", "t.txt", "txt", ex.settings.ingest)))
    [res] = ex.process([doc])
    assert {t.text: t.value for t in res.extraction.times} == {"Hogmanay": "2026-12-31"}
    default = values_of("The town will celebrate on Hogmanay.", "2026-05-08")[0]
    assert "Hogmanay" not in default


@pytest.mark.parametrize("text, value", [
    ("Friday", "XXXX-WXX-5"), ("4 p.m. Friday", "XXXX-WXX-5T16:00"), ("about 10 a.m.", "XXXX-XX-XXT10:00"),
    ("Nov. 7", "XXXX-11-07"), ("September", "XXXX-09"),
])
def test_without_a_dateline_weekdays_days_and_clock_times_stay_comparable(text, value):
    """TimeML's underspecified values (issue 31): two reports that both say "Friday" can be compared;
    nothing is placed on a timeline."""
    r = resolve(parse(text), None)
    assert (r.value, r.anchored, r.start_date) == (value, False, None)


def test_undated_weekday_makes_a_comparable_event_and_a_page_stamp_makes_none():
    ex = Extractor(load_settings())
    doc = next(iter(documents_from_bytes(b"Updated 4/11/2007 1:26 PM\n\nThe gunman entered the office at about "
                                         b"4 p.m. Friday and shot a man.", "t.txt", "txt", ex.settings.ingest)))
    [res] = ex.process([doc])
    assert [(e.trigger, e.date) for e in res.extraction.events] == [("enter", "2007-04-06T16:00")]
    doc = next(iter(documents_from_bytes(b"The gunman entered the office at about 4 p.m. Friday and shot a man.",
                                         "u.txt", "txt", ex.settings.ingest)))
    [res] = ex.process([doc])
    assert [(e.trigger, e.date, e.start_date) for e in res.extraction.events] == [("enter", "XXXX-WXX-5T16:00", None)]


def test_a_year_counting_people_is_a_count(extractor):
    x = times_of(extractor, "The quake killed 14 people, injuring 1956 people, and 1900 rescue workers joined. "
                            "The mine opened in 1999.")
    assert [t.text for t in x.times] == ["1999"]
    assert {q.text: q.value for q in x.quantities}.items() >= {"1956 people": 1956, "1900 rescue workers": 1900}.items()
    assert all(q.time_scope is None for q in x.quantities if q.text == "14 people")
