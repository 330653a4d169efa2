"""Property tests: normalization never raises, and the offset map gives back the character."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from pipeline.config import load_settings
from pipeline.ingest import decode, documents_from_bytes
from pipeline.normalize import Normalizer, clean_plain
from pipeline.records import IngestError

SETTINGS = load_settings()
NORMALIZER = Normalizer(SETTINGS)

# Text that looks like scraped articles: words, digits, punctuation, line breaks,
# CJK and Cyrillic runs, emoji, odd spaces.
PIECES = st.sampled_from([
    "Huawei", "Ascend 910B", "DeepSeek", " ", "  ", "\n", "\n\n", "\r\n", "\t", ".", ",", "—", "“", "”",
    "2026-05-08", "$1.4 billion", "惯例", "搭载", "Похожее", "Опубликовано", "Related", "By Jane Doe",
    "📑", "💡", "\u00a0", "\u3000", "ＡＢＣ", "é", "e\u0301", "\ufeff", "\x07", "Q", "A", "3 min ago",
])
ARTICLE_LIKE = st.lists(PIECES, max_size=80).map("".join)


@hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_normalize_never_raises_on_any_unicode(text):
    doc_or_error = list(documents_from_bytes(text.encode("utf-8", "surrogatepass"), "x.txt", "txt", SETTINGS.ingest))
    for item in doc_or_error:
        if isinstance(item, IngestError):
            continue
        art = NORMALIZER(item)
        assert len(art.raw_starts) == len(art.raw_ends) == len(art.clean_text)
        assert all(0 <= a <= b <= len(item.raw_text) for a, b in zip(art.raw_starts, art.raw_ends))


@hsettings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_decoding_never_raises_unexpectedly_on_any_bytes(data):
    try:
        text, enc = decode(data, SETTINGS.ingest)
    except ValueError:  # binary: the only refusal decode makes
        return
    assert isinstance(text, str) and enc
    for item in documents_from_bytes(data, "x.txt", "txt", SETTINGS.ingest):
        if not isinstance(item, IngestError):
            NORMALIZER(item)


@hsettings(max_examples=400, deadline=None)
@given(ARTICLE_LIKE, st.data())
def test_offset_map_returns_the_same_character(raw, data):
    mt = clean_plain(raw)
    if not mt.text:
        return
    i = data.draw(st.integers(min_value=0, max_value=len(mt.text) - 1))
    a, b = mt.raw_span(i, i + 1)
    ch = mt.text[i]
    if b - a == 1 and not ch.isspace():
        assert raw[a] == ch or raw[a] in "ＡＢＣ"  # full-width letters fold to ASCII, one to one


@hsettings(max_examples=200, deadline=None)
@given(ARTICLE_LIKE)
def test_every_body_word_maps_back_to_its_surface(raw):
    docs = [d for d in documents_from_bytes(raw.encode("utf-8"), "x.txt", "txt", SETTINGS.ingest)
            if not isinstance(d, IngestError)]
    for doc in docs:
        art = NORMALIZER(doc)
        for word in ("Huawei", "DeepSeek", "惯例", "2026-05-08"):
            start = art.clean_text.find(word)
            if start >= 0:
                a, b = art.raw_span(start, start + len(word))
                assert doc.raw_text[a:b] == word


@hsettings(max_examples=300, deadline=None)
@given(ARTICLE_LIKE)
def test_non_ascii_line_pattern_finds_exactly_the_lines_with_a_non_ascii_character(text):
    from pipeline.normalize.clean import _NON_ASCII_LINE

    want, pos = [], 0
    for line in text.split("\n"):
        if any(ord(c) > 0x7F for c in line):
            want.append((pos, pos + len(line)))
        pos += len(line) + 1
    assert [m.span() for m in _NON_ASCII_LINE.finditer(text)] == want


@hsettings(max_examples=300, deadline=None)
@given(st.one_of(ARTICLE_LIKE, st.text(max_size=200)))
def test_script_counts_agree_with_counting_letter_by_letter(text):
    from collections import Counter

    from pipeline.text.scripts import script_counts, script_of

    assert script_counts(text) == Counter(s for s in map(script_of, text) if s)


# One line that mixes every rewrite that changes or keeps the line's length: ligatures (one
# character becomes two), full-width forms (folded one for one), controls (dropped), combining
# marks (composed). A ligature and a dropped control on one line keep the length equal, which
# once mapped the line character by character and shifted every later offset by one.
ONE_LINE_PIECES = st.sampled_from([
    "\ufb01", "\ufb02", "\ufb00", "ＡＢＣ", "１２", "\x0b", "\x07", "\x1f", "e\u0301", "o\u0308", " ",
    "Huawei", "12%", "Nvidia", "said", "on Monday", ",", ".", "\u00e9", "\u00a0",
])


@hsettings(max_examples=400, deadline=None)
@given(st.lists(ONE_LINE_PIECES, min_size=1, max_size=40))
def test_offsets_stay_exact_through_every_rewrite_on_one_line(pieces):
    raw = "".join(pieces)
    mt = clean_plain(raw)
    assert len(mt.starts) == len(mt.ends) == len(mt.text)
    for word in ("Huawei", "12%", "Nvidia", "said", "on Monday"):
        start = mt.text.find(word)
        while start >= 0:
            a, b = mt.raw_span(start, start + len(word))
            assert raw[a:b] == word, (raw, word, raw[a:b])
            start = mt.text.find(word, start + 1)


@pytest.mark.parametrize("raw, word, want", [
    ("The \ufb01nance unit of Huawei said revenue rose 12% three years later\x0b and more", "Huawei", "Huawei"),
    ("The \ufb01nance unit of Huawei said revenue rose 12% three years later\x0b and more", "12%", "12%"),
])
def test_ligature_and_dropped_control_on_one_line(raw, word, want):
    mt = clean_plain(raw)
    i = mt.text.index(word)
    a, b = mt.raw_span(i, i + len(word))
    assert raw[a:b] == want
