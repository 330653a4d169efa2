"""Each corpus article against a gold file written by reading it (tests/fixtures/ingest_gold.json)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from conftest import CORPUS, invoke

GOLD = json.loads((Path(__file__).parent / "fixtures" / "ingest_gold.json").read_text(encoding="utf-8"))
FILES = sorted(k for k in GOLD if not k.startswith("_"))


@pytest.fixture(scope="module")
def inspected():
    return {name: json.loads(invoke("inspect", CORPUS / name).stdout) for name in FILES}


@pytest.mark.parametrize("name", FILES)
def test_metadata(inspected, name):
    gold, art = GOLD[name], inspected[name]["article"]
    for field in ("title", "outlet", "author", "published", "language"):
        assert art[field] == gold[field], (name, field)


@pytest.mark.parametrize("name", FILES)
def test_body_bounds_and_boilerplate(inspected, name):
    gold, body = GOLD[name], inspected[name]["article"]["clean_text"]
    assert body.startswith(gold["first_sentence"])
    assert body.endswith(gold["last_sentence"])
    for s in gold["must_contain"]:
        assert s in body, s
    for s in gold["must_not"]:
        assert s not in body, s


@pytest.mark.parametrize("name", FILES)
def test_cut_blocks_are_kept_as_sections_with_raw_offsets(inspected, name):
    gold, art = GOLD[name], inspected[name]["article"]
    kinds = [s["kind"] for s in art["sections"]]
    assert sorted(set(kinds)) == sorted(gold["sections"])
    raw = (CORPUS / name).read_text(encoding="utf-8")
    for s in art["sections"]:
        first_line = s["text"].split("\n", 1)[0]
        assert raw[s["raw_start"]:s["raw_end"]].startswith(first_line)
        assert raw[s["raw_start"]:s["raw_end"]].rstrip().endswith(s["text"].rsplit("\n", 1)[-1])


def test_summary_and_qa_are_stored_apart_from_the_body(corpus_db):
    con = duckdb.connect(str(corpus_db), read_only=True)
    rows = con.execute("""
        SELECT a.path, s.kind, s.label, s.text FROM sections s JOIN articles a USING (article_id)
        WHERE s.kind IN ('summary', 'qa') ORDER BY a.path, s.raw_start""").fetchall()
    meta = con.execute("SELECT path, title, outlet, author, CAST(published AS VARCHAR), language, n_words "
                       "FROM articles ORDER BY path").fetchall()
    con.close()
    by_kind = {(Path(p).name, k): (label, text) for p, k, label, text in rows}
    label, text = by_kind[("000_618bee62d5b3cf4a.txt", "summary")]
    assert label == "Введение" and "This article critiques the phrase" in text
    label, text = by_kind[("002_e654a23f27b0ced7.txt", "qa")]
    assert label == "Domande pertinenti" and "QWhat is the main reason for the delay" in text
    for path, title, outlet, author, published, language, n_words in meta:
        gold = GOLD[Path(path).name]
        assert (title, outlet, author, published, language) == \
            (gold["title"], gold["outlet"], gold["author"], gold["published"], gold["language"])
        assert n_words > 1000


def test_no_entity_comes_from_page_furniture(corpus_db):
    """UI text in other scripts and related-article lists no longer yield mentions."""
    con = duckdb.connect(str(corpus_db), read_only=True)
    cyrillic = con.execute("SELECT count(*) FROM mentions WHERE regexp_matches(text, '[А-Яа-я]')").fetchall()[0][0]
    crypto = con.execute("SELECT count(*) FROM mentions WHERE text IN ('HTX', 'BitMart', 'Trump', 'Rene Haas')"
                         ).fetchall()[0][0]
    con.close()
    assert (cyrillic, crypto) == (0, 0)
