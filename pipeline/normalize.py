"""RawDocument -> Article: unicode repair, whitespace, metadata, offset map.

All rewriting goes through MappedText so each clean character keeps its raw
offsets. ftfy repairs mojibake, folds full-width forms and applies NFC; it is
called only on lines that hold non-ASCII text, where mojibake can live.
"""

from __future__ import annotations

import re
from datetime import date

import ftfy

from .records import Article, Metadata, RawDocument
from .textmap import MappedText

_FTFY = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, fix_line_breaks=False,
                            normalization="NFC", explain=False)
_NON_ASCII_LINE = re.compile(r"[^\n]*[^\x00-\x7f][^\n]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff]")
_H_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_TRAILING = re.compile(r" +(?=\n)| +$")
_LEADING = re.compile(r"(?<=\n) +|^ +")
_BLANKS = re.compile(r"\n{3,}")
# How far ahead (characters of markup) a word of the extracted text is looked for.
_HTML_SEARCH_WINDOW = 5000
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


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
    # strip the ends
    m = re.match(r"\s*", mt.text)
    start = m.end() if m else 0
    end = len(mt.text.rstrip())
    return mt.slice(start, max(start, end))


def iso_date(value: str | None) -> str | None:
    """A date string from metadata -> YYYY-MM-DD, or None when it cannot be read."""
    if not value:
        return None
    m = _ISO_DATE.match(value.strip())
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    import dateparser  # heavy import: only when a non-ISO date must be read

    parsed = dateparser.parse(value, settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False})
    return parsed.date().isoformat() if parsed else None


def _first_line_title(text: str) -> str | None:
    for line in text.split("\n"):
        line = line.strip()
        if line:
            return line if len(line) <= 300 else None
    return None


def _html_body(raw: str) -> tuple[MappedText, Metadata]:
    """Main text of an HTML page via trafilatura, each line located in the raw HTML."""
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False,
                                      include_tables=True, favor_precision=True)
    text = (doc.text if doc is not None else "") or ""
    meta = Metadata(
        title=getattr(doc, "title", None), author=getattr(doc, "author", None),
        published=getattr(doc, "date", None), outlet=getattr(doc, "sitename", None),
        url=getattr(doc, "url", None), language=getattr(doc, "language", None),
    )
    return locate_in_raw(text, raw), meta


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
        if piece[0].isspace():
            starts.extend([pos] * len(piece))
            ends.extend([pos] * len(piece))
            continue
        at = raw.find(piece, pos, pos + _HTML_SEARCH_WINDOW + len(piece))
        if at < 0:
            starts.extend([pos] * len(piece))
            ends.extend([pos] * len(piece))
            continue
        starts.extend(range(at, at + len(piece)))
        ends.extend(range(at + 1, at + len(piece) + 1))
        pos = at + len(piece)
    return MappedText(text, starts, ends)


def normalize(doc: RawDocument, *, raw: bool = False, published: str | None = None) -> Article:
    """Clean one document. raw=True keeps the decoded text as the clean text."""
    meta = doc.meta
    if raw:
        mt = MappedText.identity(doc.raw_text)
    elif doc.fmt == "html":
        body, html_meta = _html_body(doc.raw_text)
        mt = _reclean(body)
        meta = _merge_meta(meta, html_meta)
    else:
        mt = clean_plain(doc.raw_text)
    title = meta.title or (_first_line_title(mt.text) if doc.fmt != "html" else None)
    return Article(
        article_id=doc.article_id, source_key=doc.source_key, path=doc.path,
        raw_text=doc.raw_text, clean_text=mt.text,
        raw_starts=tuple(mt.starts), raw_ends=tuple(mt.ends),
        fmt=doc.fmt, encoding=doc.encoding, source_id=doc.source_id,
        title=title, outlet=meta.outlet, author=meta.author,
        published=iso_date(published) if published else iso_date(meta.published),
        language=meta.language, url=meta.url,
    )


def _reclean(mt: MappedText) -> MappedText:
    """Apply the plain-text cleaning on top of an already mapped text."""
    cleaned = clean_plain(mt.text)
    return MappedText(cleaned.text, [mt.starts[i] for i in cleaned.starts],
                      [mt.ends[i - 1] for i in cleaned.ends])


def _merge_meta(given: Metadata, found: Metadata) -> Metadata:
    """Fields the input gives win; what it lacks comes from what we found."""
    return Metadata(**{k: getattr(given, k) or getattr(found, k) for k in given.__dataclass_fields__})
