"""HTML pages: trafilatura's main text and metadata, found again in the raw page.

trafilatura returns text, not offsets; each of its words is looked for in the page source,
moving forward, so every clean character still maps to the raw characters it came from. A
page nested too deep for libxml2 is read again flattened (html_depth.py).
"""

from __future__ import annotations

import re

from ..records import Metadata
from .html_depth import flatten_deep
from .textmap import MappedText

# How far ahead (characters of markup) a word of the extracted HTML text is looked for.
_HTML_SEARCH_WINDOW = 5000
# ...or further, when what lies between is markup with at most this many characters of text.
_HTML_SKIPPED_TEXT = 200
_TAG = re.compile(r"<[^<>]*>|<[^<>]*$")



def locate_in_raw(text: str, raw: str) -> MappedText:
    """Map extracted text back into the raw markup, word by word, moving forward.

    Each word found verbatim in the raw text maps exactly; whitespace maps to the
    gap between its neighbours; a word not found (an HTML entity, say) maps to
    the position reached so far.
    """
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in re.finditer(r"\S+|\s+", text):
        piece = m.group(0)
        at = -1 if piece[0].isspace() else raw.find(piece, pos, pos + _HTML_SEARCH_WINDOW + len(piece))
        if at < 0 and not piece[0].isspace() and _little_text(raw, pos, pos + _HTML_SEARCH_WINDOW):
            far = raw.find(piece, pos)  # past a long run of tags (a deeply nested page)?
            at = far if far >= 0 and _little_text(raw, pos, far) else -1
        if at < 0:
            starts.extend([pos] * len(piece))
            ends.extend([pos] * len(piece))
            continue
        starts.extend(range(at, at + len(piece)))
        ends.extend(range(at + 1, at + len(piece) + 1))
        pos = at + len(piece)
    return MappedText(text, starts, ends)


def _little_text(raw: str, a: int, b: int) -> bool:
    """True when raw[a:b] is nearly all tags: a word found past it skipped no text that could
    have held the word."""
    return len(_TAG.sub("", raw[a:b]).strip()) <= _HTML_SKIPPED_TEXT


def html_body(raw: str, max_depth: int, favor: str) -> tuple[MappedText, Metadata]:
    """Main text of an HTML page via trafilatura (`favor`: precision, balanced or recall),
    located in the raw HTML."""
    import trafilatura

    options = dict(with_metadata=True, include_comments=False, include_tables=True,
                   favor_precision=favor == "precision", favor_recall=favor == "recall")
    doc = trafilatura.bare_extraction(raw, **options)
    text = (doc.text if doc is not None else "") or ""
    if not text.strip() and (flat := flatten_deep(raw, max_depth)) is not None:
        doc = trafilatura.bare_extraction(flat, **options)  # a page nested too deep for libxml2
        text = (doc.text if doc is not None else "") or ""
    meta = Metadata(
        title=getattr(doc, "title", None), author=getattr(doc, "author", None),
        published=getattr(doc, "date", None), outlet=getattr(doc, "sitename", None),
        url=getattr(doc, "url", None), language=getattr(doc, "language", None),
    )
    return locate_in_raw(text, raw), meta
