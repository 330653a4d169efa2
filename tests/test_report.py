"""`facts report`: the page says what the database says, escapes every text, loads nothing."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import duckdb
import pytest

from conftest import invoke
from pipeline.report import KINDS, layout_spans, write_report
from pipeline.runner import run_batch

DATA_BLOCK = re.compile(r'<details class="article" id="art-([0-9a-f]+)">.*?'
                        r'<script type="application/json" class="art-data">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def corpus_report(corpus_db, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report") / "report.html"
    result = invoke("report", "--db", corpus_db, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    return out.read_text(encoding="utf-8")


def query(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def payloads(page: str) -> dict[str, dict]:
    return {aid: json.loads(block) for aid, block in DATA_BLOCK.findall(page)}


def test_overview_counts_come_from_the_database(corpus_db, corpus_report):
    n = query(corpus_db, "SELECT count(*) FROM articles")[0][0]
    assert f'<span class="big" id="n-articles">{n}</span> articles' in corpus_report
    for table in ("mentions", "quantities", "facts", "fact_sources"):
        count = query(corpus_db, f"SELECT count(*) FROM {table}")[0][0]
        assert f'<tr><th scope="row">{table}</th><td class="num">{count:,}</td></tr>' in corpus_report
    for bookkeeping in ("link_keys", "story_postings", "reconcile_articles"):  # the pipeline's, not the reader's
        assert f'<th scope="row">{bookkeeping}</th>' not in corpus_report
    n_figures = query(corpus_db, "SELECT count(*) FROM facts WHERE kind = 'quantity'")[0][0]
    assert f'Figures ({n_figures})' in corpus_report  # the menu counts what the section lists
    assert len(payloads(corpus_report)) == n


def test_a_fact_shows_its_value_sources_and_marked_quotes(corpus_db, corpus_report):
    fact_id, value, n_ind = query(corpus_db, """
        SELECT fact_id, value, n_independent_sources FROM facts WHERE kind = 'quantity' AND value IS NOT NULL
        ORDER BY n_sources DESC, fact_id LIMIT 1""")[0]
    quotes = [q for (q,) in query(corpus_db, "SELECT quote FROM fact_sources WHERE fact_id = ?", [fact_id])]
    row = re.search(rf'<tr id="fact-{fact_id}">(.*?)</tr>', corpus_report, re.S).group(1)
    assert f'data-sort="{value}"' in row
    assert f'<td class="num">{n_ind}</td>' in row
    marked = [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", row, re.S)]
    assert sorted(marked) == sorted(quotes)
    n_quantity_facts = query(corpus_db, "SELECT count(*) FROM facts WHERE kind = 'quantity'")[0][0]
    assert corpus_report.count('<tr id="fact-') == n_quantity_facts


def test_every_dated_event_is_on_the_timeline_with_a_link_to_its_quote(corpus_db, corpus_report):
    events = query(corpus_db, "SELECT event_id, article_id, start_char, end_char FROM v_timeline")
    assert events
    for eid, aid, s, e in events:
        assert f'<tr id="ev-{eid}">' in corpus_report
        assert f'href="#src-{aid}-{s}-{e}"' in corpus_report
    overview_svg = re.search(r"<svg class=\"timeline\".*?</svg>", corpus_report, re.S).group(0)
    assert overview_svg.count('<a href="#ev-') == len(events)


def test_highlights_land_on_the_exact_characters(corpus_db, corpus_report):
    stored = {}
    for table, kind in (("mentions", 0), ("quantities", 1), ("times", 2)):
        for aid, s, e, text in query(corpus_db, f"SELECT article_id, start_char, end_char, text FROM {table}"):
            stored.setdefault(aid, {})[(s, e, kind)] = text
    kept = total = 0
    for aid, data in payloads(corpus_report).items():
        clean, spans = data["clean"], data["spans"]
        assert clean == query(corpus_db, "SELECT clean_text FROM articles WHERE article_id = ?", [aid])[0][0]
        ends: list[int] = []
        for s, e, k, _label in spans:
            assert clean[s:e] == stored[aid][(s, e, k)], (aid, s, e, KINDS[k])
            while ends and ends[-1] <= s:
                ends.pop()
            assert not ends or e <= ends[-1], "spans must nest"
            ends.append(e)
        kept += len({(s, e, k) for s, e, k, _ in spans})
        total += len(stored.get(aid, {}))
    assert kept >= 0.9 * total, (kept, total)


def test_raw_view_greys_out_every_cut_section(corpus_db, corpus_report):
    for aid, data in payloads(corpus_report).items():
        cut = sorted((s, e) for s, e, k, _ in data["rawSpans"] if KINDS[k] == "cut")
        sections = sorted(query(corpus_db, "SELECT raw_start, raw_end FROM sections WHERE article_id = ?", [aid]))
        assert cut == sorted(set(sections))
        assert data["raw"] == query(corpus_db, "SELECT raw_text FROM articles WHERE article_id = ?", [aid])[0][0]


def test_page_loads_nothing_from_anywhere(corpus_report):
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", corpus_report, re.I)
    assert not re.search(r"<link\b", corpus_report, re.I)
    assert "@import" not in corpus_report and not re.search(r"url\(\s*['\"]?(?:https?:)?//", corpus_report)
    assert "default-src 'none'" in corpus_report


@pytest.mark.parametrize("spans, kept", [
    ([(0, 5, 0, "a"), (2, 8, 1, "b")], [(0, 5, 0, "a")]),                       # crossing: the earlier one stays
    ([(2, 4, 1, "in"), (0, 10, 0, "out")], [(0, 10, 0, "out"), (2, 4, 1, "in")]),  # nested: both, outer first
    ([(1, 3, 0, "x"), (1, 3, 0, "x"), (3, 3, 1, "empty"), (8, 12, 2, "past the end")], [(1, 3, 0, "x")]),
    ([(0, 4, 0, "a"), (4, 6, 1, "b")], [(0, 4, 0, "a"), (4, 6, 1, "b")]),         # touching is not crossing
])
def test_layout_spans_never_mis_nests(spans, kept):
    assert layout_spans(spans, 10) == kept


HOSTILE = ("Acme <script>alert(1)</script> quarterly news\n\n"
           "Acme Corp sold 500 robots <script>alert(1)</script> in Berlin in 2023, the company said on March 3, 2024. "
           "</script><script>alert(2)</script> <img src=x onerror=alert(3)> Acme employs 300 people.\n")


def test_article_text_is_escaped_everywhere(tmp_path, settings):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    db = tmp_path / "h.duckdb"
    assert run_batch([tmp_path / "in"], db, settings, workers=1).new == 1
    page = write_report(db, tmp_path / "h.html").read_text(encoding="utf-8")

    assert "<script>alert" not in page and "<img src=x" not in page
    n_articles = 1
    assert page.count("<script") == 1 + n_articles  # the page's own script, one JSON block per article
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text (title, fact quotes)
    (data,) = payloads(page).values()
    assert "<script>alert(1)</script>" in data["clean"] and "</script><script>alert(2)" in data["clean"]


A = ("Orion buys Vega\n\nOn March 3, 2021, Orion Holdings acquired Vega Systems for $16.4 billion, the company said in Munich. "
     "Orion employs about 66,000 people worldwide.\n")
B = ("Orion closes Vega deal\n\nOn April 15, 2021, Orion Holdings acquired Vega Systems for $12 billion, the company said "
     "in Munich. The deal makes Orion a leader in cancer care, analysts in Frankfurt said.\n")


def test_conflicts_show_both_sides_with_their_quotes(tmp_path, settings, corpus_db, corpus_report):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(A)
    (tmp_path / "in" / "b.txt").write_text(B)
    db = tmp_path / "c.duckdb"
    run_batch([tmp_path / "in"], db, settings, workers=1)
    page = write_report(db, tmp_path / "c.html").read_text(encoding="utf-8")
    for database, text in ((db, page), (corpus_db, corpus_report)):
        conflicts = query(database, "SELECT conflict_id, quote_a, quote_b FROM conflicts")
        if database == db:
            assert conflicts, "the two articles disagree on the price and the date"
        for cid, qa, qb in conflicts:
            block = re.search(rf'<article class="conflict" id="conflict-{cid}">(.*?)</article>', text, re.S).group(1)
            sides = block.split('<div class="side">')[1:]
            assert len(sides) == 2
            assert qa in html.unescape(sides[0]) and qb in html.unescape(sides[1])
    assert "$16.4 billion" in page and "$12 billion" in page


def test_missing_database_is_an_error_message(tmp_path):
    result = invoke("report", "--db", tmp_path / "none.duckdb", "--out", tmp_path / "r.html")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "no such database" in result.output
    assert not (tmp_path / "r.html").exists()
