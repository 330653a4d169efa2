"""Cross-source reconciliation on invented report sets (tests/fixtures/report_sets.jsonl and
report_sets_gold.json; scorer: tests/report_sets.py, whose docstring says what each figure means).

The articles were written for this gold by a session that wrote no rules. The in-story merge
and conflict rules of issue 21 were then written while reading this gold's errors, so its
figures are development figures now, not a held-out measure (the ECB+ conflicts are the unseen
check). The floors sit just under what was measured, so a change that makes them worse fails;
conflict precision must stay 1.0 (a false conflict fails).
"""

from __future__ import annotations

import json
import re
from collections import Counter

import duckdb
import pytest

import report_sets
from conftest import invoke

# Measured on 2026-12-02 (`.venv/bin/python tests/report_sets.py`) after issue 21's in-story
# passes: merge P 0.971 R 0.703, conflicts P 1.000 R 0.200 (3 of 15), story B3 F1 0.965 (the twin
# earthquakes rs03/rs04 are one story). First measured the same day before them: merge P 0.919
# R 0.469, no conflict rows, 15 gold sides cut by page cleaning (fixed since).
# Issue 31 replaced those rules (fit while reading this gold) by a frame model learned on the ECB+
# training topics (tests/learn_fact_model.py): merge P 0.983 R 0.814, conflicts P 0.600 R 0.200
# (3 of 15; the conflict threshold is held to precision >= 0.5 on held-out training topics). The
# conflict precision floor is lowered from 1.0 to what the learned model does, said here and in
# the commit: conflicts are judged on ECB+ dev (real reports), not this invented set.
# Issue 32's learned entity links changed the subjects the fact model reads; relearned on the
# training topics as the pipeline now computes them: here conflicts 3 -> 2 of 15 (P 0.500: a
# toll of the twin quake and a depth in km stated twice), merge P 0.983 R 0.800; on ECB+ dev merge
# recall 0.781 -> 0.785, conflict precision 0.333 -> 0.500 (1 of 24 found either way).
MERGE_P_FLOOR = 0.95
MERGE_R_FLOOR = 0.80
CONFLICT_R_FLOOR = 0.13
CONFLICT_P_FLOOR = 0.50
STORY_B3_F1_FLOOR = 0.94

MIN_SETS, MIN_MERGE, MIN_DISTINCT, MIN_CONFLICTS = 12, 40, 25, 10

GOLD = report_sets.load_gold()
ARTICLES = report_sets.load_articles()


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    db = tmp_path_factory.mktemp("report_sets") / "rs.duckdb"
    result = invoke("run", report_sets.ARTICLES, "--db", db, "--workers", "1")
    assert result.exit_code == 0, result.output
    return db, report_sets.score(db, GOLD)


def _pairs():
    for name in report_sets.LISTS:
        for pair in GOLD[name]:
            yield name, pair


def test_articles_are_well_formed():
    sets = Counter(a["set"] for a in ARTICLES.values())
    assert len(sets) >= MIN_SETS
    assert all(2 <= n <= 4 for n in sets.values()), sets
    for aid, a in ARTICLES.items():
        assert set(a) >= {"id", "set", "title", "published", "source", "text"}, aid
        assert aid.startswith(a["set"] + "_"), aid
        assert re.fullmatch(r"2026-\d\d-\d\d", a["published"]), aid
        assert 120 <= len(a["text"].split()) <= 300, (aid, len(a["text"].split()))
        assert "\n\n" in a["text"], f"{aid}: one paragraph only"
    for s in sets:
        outlets = [a["source"] for a in ARTICLES.values() if a["set"] == s]
        assert len(outlets) == len(set(outlets)), f"{s}: two articles from one outlet"


def test_gold_is_well_formed():
    stories = GOLD["stories"]
    members = [aid for story in stories for aid in story]
    assert sorted(members) == sorted(ARTICLES), "every article in exactly one story"
    assert len(GOLD["merge"]) >= MIN_MERGE
    assert len(GOLD["distinct"]) >= MIN_DISTINCT
    assert len(GOLD["conflicts"]) >= MIN_CONFLICTS
    seen = set()
    for name, pair in _pairs():
        assert pair.get("kind", "value") in ("value", "date"), pair
        assert pair["a"]["id"] != pair["b"]["id"], pair
        for key in ("a", "b"):
            side = pair[key]
            assert side["id"] in ARTICLES, side
            text = ARTICLES[side["id"]]["text"]
            assert 20 <= len(side["context"]) <= 120, side
            assert text.count(side["context"]) == 1, f"context not an exact unique substring: {side}"
            assert side["figure"] and side["figure"] in side["context"], side
        key = frozenset((json.dumps(pair["a"], sort_keys=True), json.dumps(pair["b"], sort_keys=True)))
        assert key not in seen, f"pair listed twice: {pair}"
        seen.add(key)
    assert {p["kind"] for p in GOLD["conflicts"]} == {"value", "date"}


def test_reconciliation_figures(scored, capsys):
    _, res = scored
    with capsys.disabled():
        print()
        report_sets.report(res)
        print(json.dumps(report_sets.summary(res)))
    assert res["merge_p"] is not None and res["merge_p"] >= MERGE_P_FLOOR
    assert res["merge_r"] >= MERGE_R_FLOOR
    assert res["conflict_r"] >= CONFLICT_R_FLOOR
    assert res["conflict_p"] is None or res["conflict_p"] >= CONFLICT_P_FLOOR


def test_story_grouping(scored):
    db, res = scored
    con = duckdb.connect(str(db), read_only=True)
    try:
        exists = bool(con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'story_articles'").fetchall())
    finally:
        con.close()
    if not exists:
        pytest.skip("no story_articles table in this version of the pipeline")
    assert res["story_b3_f1"] >= STORY_B3_F1_FLOOR


def test_scorer_b3_on_a_known_case():
    gold = {"a": "1", "b": "1", "c": "2"}
    assert report_sets.b3({"a": "x", "b": "x", "c": "y"}, gold) == (1.0, 1.0, 1.0)
    p, r, f = report_sets.b3({"a": "x", "b": "x", "c": "x"}, gold)
    assert (round(p, 3), r) == (0.556, 1.0)
