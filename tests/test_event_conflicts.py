"""Date conflicts and event merging across the articles of one story (real spaCy, real DuckDB):
two written-out dates of one event conflict; a date resolved from a dateline, another theme or
another happening never does."""

from __future__ import annotations

import json

import duckdb
import pytest

from conftest import run_files

RECORDS = [
    {"id": "b1", "published": "2026-02-20", "source": "Harbour Post",
     "text": "The new Kelby Bridge in Dunmore will open to traffic on March 3, 2026, the Dunmore transport "
             "authority said. The bridge cost 410 million dollars."},
    {"id": "b2", "published": "2026-02-21", "source": "Coast Daily",
     "text": "The Dunmore transport authority said the Kelby Bridge in Dunmore will open to traffic on "
             "March 10, 2026. Engineers finished the last span of the bridge."},
    {"id": "b3", "published": "2026-02-22", "source": "Dunmore Radio",
     "text": "The Kelby Bridge in Dunmore will open on Friday, the Dunmore transport authority said."},
    {"id": "p1", "published": "2026-02-20", "source": "Harbour Post",
     "text": "Singer Mara Quill won the Golden Harp award on February 12, 2026 in Dunmore. Quill won the "
             "Silver Reed prize in 2019."},
    {"id": "p2", "published": "2026-02-21", "source": "Coast Daily",
     "text": "Mara Quill won the Golden Harp award in Dunmore on February 12, 2026, her first Golden Harp."},
]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = run_files(tmp_path_factory.mktemp("conflicts"),
                   {"news.jsonl": "\n".join(json.dumps(r) for r in RECORDS) + "\n"})
    c = duckdb.connect(str(db), read_only=True)
    yield c
    c.close()


def test_two_written_dates_of_one_opening_conflict_and_nothing_else_does(con):
    rows = con.execute("SELECT reason, quote_a, quote_b FROM conflicts").fetchall()
    assert len(rows) == 1, rows
    reason, a, b = rows[0]
    assert reason == "date" and {("March 3" in a), ("March 3" in b)} == {True, False}
    assert "March 10" in a + b and "Friday" not in a + b  # the dateline-relative Friday is no evidence


def test_one_award_from_two_sources_is_one_event_fact(con):
    rows = con.execute("""
        SELECT f.n_sources FROM facts f JOIN fact_sources s USING (fact_id) JOIN events e ON e.event_id = s.item_id
        WHERE f.kind = 'event' AND e.trigger = 'win' AND e.date = '2026-02-12'""").fetchall()
    assert rows and {r[0] for r in rows} == {2}


def test_trigger_offsets_point_at_the_verb(con):
    rows = con.execute("SELECT a.clean_text, e.trigger, e.trigger_start, e.trigger_end, e.start_char, e.end_char "
                       "FROM events e JOIN articles a USING (article_id)").fetchall()
    words = {(trigger, text[s:e]) for text, trigger, s, e, a, b in rows if a <= s < e <= b}
    assert len(words) == len({(r[1], r[0][r[2]:r[3]]) for r in rows})  # every trigger inside its sentence
    assert words >= {("open", "open"), ("win", "won")}
