"""The clean->raw offset map survives every rewrite (unit tests, no model)."""

from __future__ import annotations

import re

import pytest

from pipeline.extraction import chunk_text
from pipeline.normalize import clean_plain
from pipeline.normalize.textmap import MappedText


def surfaces_match(raw: str, mt: MappedText, word: str) -> bool:
    i = mt.text.index(word)
    a, b = mt.raw_span(i, i + len(word))
    return raw[a:b] == word


@pytest.mark.parametrize("raw, word", [
    ("Huawei\r\nannounced   Ascend 910B\r\n", "Ascend 910B"),
    ("\ufeff  Nvidia\u00a0sold H800 chips", "H800"),
    ("line one\n\n\n\n\nZTE was fined", "ZTE"),
    ("caf\u0065\u0301 then DeepSeek", "DeepSeek"),  # NFC composes e + combining acute
    ("ＡＢＣ corp and Baidu", "Baidu"),  # full-width folded by ftfy, later text still exact
    ("The cafÃ© sold Tencent shares", "Tencent"),  # mojibake repaired on the same line
])
def test_clean_keeps_exact_raw_offsets(raw, word):
    mt = clean_plain(raw)
    assert word in mt.text
    assert surfaces_match(raw, mt, word)
    assert len(mt.starts) == len(mt.ends) == len(mt.text)


def test_unicode_repairs():
    assert clean_plain("The cafÃ© opened").text == "The café opened"
    assert clean_plain("ＡＢＣ１２３").text == "ABC123"
    assert clean_plain("cafe\u0301").text == "caf\u00e9"
    assert clean_plain("a\x00b\x07c").text == "abc"


def test_replaced_span_maps_to_its_whole_raw_span():
    raw = "x cafÃ© y"
    mt = clean_plain(raw)
    i = mt.text.index("café")
    a, b = mt.raw_span(i, i + 4)
    assert raw[a:b] == "cafÃ©"


def test_sub_and_join_compose():
    raw = "alpha  beta\tgamma"
    mt = MappedText.identity(raw).sub(re.compile(r"\s+"), " ")
    assert mt.text == "alpha beta gamma"
    parts = [mt.slice(0, 5), mt.slice(11, 16)]
    joined = MappedText.join(parts, sep="\n")
    assert joined.text == "alpha\ngamma"
    a, b = joined.raw_span(6, 11)
    assert raw[a:b] == "gamma"


def test_chunk_text_cuts_at_paragraphs_and_covers_everything():
    text = ("para one is here.\n\n" * 50) + ("x" * 30)
    chunks = chunk_text(text, 200)
    assert "".join(piece for _, piece in chunks) == text
    for offset, piece in chunks:
        assert text[offset:offset + len(piece)] == piece
        assert len(piece) <= 200
    assert all(piece.endswith("\n\n") for _, piece in chunks[:-1])


@pytest.mark.parametrize("raw, expected", [
    # a folded character beside its look-alike: 'Ａ' must not borrow the offset of the later 'A'
    ("ＡＢＣA\ufeff📑3", [(0, 1), (1, 2), (2, 3), (3, 4), (5, 6), (6, 7)]),
    # a decomposed 'é' composed by NFC beside a precomposed one: each keeps its own characters
    ("\x07e\u0301\u00e9\x07", [(1, 3), (3, 4)]),
])
def test_folded_characters_map_to_their_own_raw_characters(raw, expected):
    mt = clean_plain(raw)
    assert [mt.raw_span(i, i + 1) for i in range(len(mt.text))] == expected


def test_cjk_glued_to_latin_is_spaced_only_in_latin_script_text():
    from pipeline.normalize.clean import space_cjk

    english = MappedText.identity("Huawei said the Ascend 950/960搭载 new memory, which analysts praised.")
    assert "950/960 搭载" in space_cjk(english).text
    chinese = MappedText.identity("华为发布了iPhone竞品Mate 80，搭载麒麟9030芯片，2025年上市。")
    assert space_cjk(chinese) is chinese  # the article stays as written
