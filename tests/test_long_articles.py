"""A long article goes through spaCy in pieces ([extract] max_chunk_chars): what comes out must
be what one pass gives, with every offset pointing at the clean (and raw) text it claims."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.engine import Extractor
from pipeline.ingest import article_id_for
from pipeline.records import ArticleExtraction, RawDocument

import pipeline.extraction as extract  # noqa: E402

PARAGRAPHS = [
    "Maria Alvarez, the mayor of Toronto, opened the new bridge on March 3, 2015.",
    "The city paid $12.5 million for it, up 8 percent on the plan.",
    "Siemens AG built the frame with 1,200 tonnes of steel in Hamburg.",
    "Two years later the bridge carried 40,000 cars a day, Alvarez said.",
    "John Brennan of the transport board met her on Friday in Ottawa.",
    "Ticket sales reached 3.2 million in 2019, according to the board.",
]


def _raw(text: str, name: str = "long.txt") -> RawDocument:
    return RawDocument(path=name, source_key=name, raw_text=text, article_id=article_id_for(text),
                       encoding="utf-8", fmt="txt")


@pytest.fixture(scope="module")
def extractor(settings):
    return Extractor(settings, published="2021-06-01")


def _run(extractor, settings, text: str, max_chars: int):
    s = dataclasses.replace(settings, extract=dataclasses.replace(settings.extract, max_chunk_chars=max_chars))
    art = extractor.normalize(_raw(text), published="2021-06-01")
    (rec,) = extract.extract_articles(extractor.nlp, [art], s)
    return art, rec


def _assert_offsets(art, rec: ArticleExtraction) -> None:
    clean, raw = art.clean_text, art.raw_text
    items = [m for e in rec.entities for m in e.mentions] + list(rec.quantities) + list(rec.times) + list(rec.events)
    assert items
    for it in items:
        assert clean[it.start:it.end] == it.text, it
        assert raw[it.raw_start:it.raw_end] == it.text, it
    for ev in rec.events:
        assert clean[ev.trigger_start:ev.trigger_end].strip()


def test_chunk_text_cuts_a_huge_line_at_sentences_and_keeps_every_character():
    line = " ".join(f"Sentence number {i} says {i * 7} things." for i in range(400))
    pieces = extract.chunk_text(line, 500)
    assert "".join(p for _, p in pieces) == line
    for offset, piece in pieces:
        assert line[offset:offset + len(piece)] == piece and len(piece) <= 500
    assert all(p.endswith("things. ") for _, p in pieces[:-1])  # at a sentence end, not mid-sentence
    unbroken = "x" * 1234 + " tail"
    pieces = extract.chunk_text(unbroken, 500)  # no break at all: cut hard, nothing lost
    assert "".join(p for _, p in pieces) == unbroken and max(len(p) for _, p in pieces) <= 500


def test_long_article_in_pieces_gives_what_one_pass_gives(extractor, settings):
    text = "A long report\n\n" + "\n\n".join(PARAGRAPHS * 6) + "\n"
    art, pieces = _run(extractor, settings, text, 400)  # 8 pieces
    assert len(extract.chunk_text(art.clean_text, 400)) >= 6
    _, whole = _run(extractor, settings, text, 1_000_000)
    assert pieces == whole
    _assert_offsets(art, pieces)
    # "Alvarez" folds into "Maria Alvarez" across pieces; "Two years later" is read against 2015
    alvarez = next(e for e in pieces.entities if e.name == "Maria Alvarez")
    assert {m.text for m in alvarez.mentions} == {"Maria Alvarez", "Alvarez"}
    assert len(alvarez.mentions) == 12
    later = [t for t in pieces.times if t.text.lower() == "two years later"]
    assert len(later) == 6 and {t.value for t in later} == {"2017"}


def test_long_article_rows_are_the_short_articles_rows_shifted(extractor, settings):
    """Each paragraph alone as an article, and all of them in one article read in pieces: the
    same quantities and times, at the same place in each paragraph."""
    paragraphs = PARAGRAPHS[1:3] + PARAGRAPHS[5:]  # no cross-paragraph reference in these
    text = "\n\n".join(paragraphs * 4) + "\n"
    art, rec = _run(extractor, settings, text, 300)
    got = sorted((q.start, q.text, q.value, q.unit) for q in rec.quantities) \
        + sorted((t.start, t.text, t.value) for t in rec.times)
    want = []
    pos = 0
    for p in paragraphs * 4:
        start = art.clean_text.index(p, pos)
        short, srec = _run(extractor, settings, p + "\n", 1_000_000)
        want += [("q", q.start + start, q.text, q.value, q.unit) for q in srec.quantities]
        want += [("t", t.start + start, t.text, t.value) for t in srec.times]
        pos = start + len(p)
    assert sorted(x for x in got if len(x) == 4) == sorted(w[1:] for w in want if w[0] == "q")
    assert sorted(x for x in got if len(x) == 3) == sorted(w[1:] for w in want if w[0] == "t")
    _assert_offsets(art, rec)


def test_a_huge_single_line_is_cut_without_losing_or_shifting_anything(extractor, settings):
    text = " ".join(p for _ in range(8) for p in PARAGRAPHS)  # ~3,400 characters, no line break
    art, rec = _run(extractor, settings, text, 500)
    assert "\n" not in art.clean_text.strip() and len(extract.chunk_text(art.clean_text, 500)) >= 7
    _assert_offsets(art, rec)
    _, whole = _run(extractor, settings, text, 1_000_000)
    assert [(q.start, q.end, q.value) for q in rec.quantities] == [(q.start, q.end, q.value) for q in whole.quantities]
    assert [(t.start, t.end, t.value) for t in rec.times] == [(t.start, t.end, t.value) for t in whole.times]
    assert {(m.start, m.end) for e in rec.entities for m in e.mentions} == \
        {(m.start, m.end) for e in whole.entities for m in e.mentions}
