"""Unicode repair every text gets, through the offset map: line breaks, mojibake (ftfy), NFC,
full-width folding, control characters and invisible marks, spaces. Each clean character keeps
the raw offsets it came from (textmap.py)."""

from __future__ import annotations

import re

import ftfy

from ..text.scripts import GLUED_CJK, main_script
from .textmap import MappedText

_FTFY = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, fix_line_breaks=False,
                            normalization="NFC", explain=False)
_NON_ASCII_LINE = re.compile(r"(?m)^(?=[^\n]*[^\x00-\x7f])[^\n]*")  # anchored: no quadratic backtracking on ASCII lines
# Control characters and marks that only steer display: zero-width space, word joiner, BOM, and
# the bidirectional controls (LRM/RLM, embeddings, overrides, isolates). A zero-width (non-)joiner
# is kept where a script needs it, and dropped between digits ("2\u200d500" is 2500, not 2 and 500).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]"
                      r"|(?<=\d)[\u200c\u200d]+(?=\d)")
# Runs of horizontal space other than one plain space (the common case matches nothing, so costs nothing).
_H_SPACE = re.compile(r" [ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000][ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*")
_TRAILING = re.compile(r" +(?=\n)| +$")
_LEADING = re.compile(r"(?<=\n) +|^ +")
_BLANKS = re.compile(r"\n{3,}")

def clean_plain(raw: str) -> MappedText:
    """The normalization every text gets: line breaks, unicode repair, spaces."""
    mt = MappedText.identity(raw)
    mt = mt.sub(r"\r\n?|[\u2028\u2029\x85]", "\n")
    mt = mt.map_lines(lambda line: ftfy.fix_text(line, _FTFY), only=_NON_ASCII_LINE)
    mt = mt.sub(_CONTROL, "")
    mt = mt.sub(_H_SPACE, " ")
    mt = mt.sub(_TRAILING, "")
    mt = mt.sub(_LEADING, "")
    mt = mt.sub(_BLANKS, "\n\n")
    m = re.match(r"\s*", mt.text)
    start = m.end() if m else 0
    end = len(mt.text.rstrip())
    return mt.slice(start, max(start, end))


def reclean(mt: MappedText) -> MappedText:
    """The plain-text cleaning on top of an already mapped text."""
    cleaned = clean_plain(mt.text)
    return MappedText(cleaned.text, [mt.starts[i] for i in cleaned.starts],
                      [mt.ends[i - 1] for i in cleaned.ends])


def space_cjk(mt: MappedText) -> MappedText:
    """In a Latin-script text, insert a space where CJK text touches Latin letters or digits
    (a CJK term glued into English prose, `950/960搭载`), so the tokenizer sees two tokens.

    A Chinese or Japanese text is left as it is: there, Latin letters and digits inside CJK
    ("iPhone", "2025年") are written without spaces, and inserting them would change the article."""
    if main_script(mt.text) != "latin":
        return mt
    return mt.sub(GLUED_CJK, " ")
