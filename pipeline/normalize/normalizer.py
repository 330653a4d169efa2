"""RawDocument -> Article: the normalize stage's steps, in order.

1. Clean the whole decoded text (clean.py); every rewrite goes through MappedText
   (textmap.py), so each clean character keeps its raw offsets.
2. HTML: trafilatura gives the main text and page metadata first (html.py).
3. Plain text: segment lines into body and page with the marker rules
   (boilerplate.py) and the runs of prose (prose.py); the non-body blocks are kept
   as sections (summary, qa, related, page, ...) with their raw offsets; the page's
   own title, byline and date are read (page_meta.py).
4. Space CJK glued to Latin, detect the language, count words.
Metadata the input gives (JSON fields, HTML meta) wins; what it lacks is taken
from the text; what the text does not state stays None.
"""

from __future__ import annotations

from dataclasses import replace

from ..config import Settings
from ..records import Article, Metadata, RawDocument, Section
from ..text.scripts import word_count
from .boilerplate import Layout, Line, Rules, load_rules, segment
from .clean import clean_plain, reclean, space_cjk
from .html import html_body
from .language import LanguageDetector
from .metadata import parse_date
from .page_meta import find_page_metadata, load_page_meta_settings
from .prose import prose_lines
from .textmap import MappedText


def iso_date(value: str | None) -> str | None:
    """A date from metadata (ISO, or words with a year) -> YYYY-MM-DD, else None."""
    if not value:
        return None
    return parse_date(value.strip())


def _body(mt: MappedText, layout: Layout) -> MappedText:
    """Join the body lines; a paragraph break where the text had one or a line was cut."""
    parts: list[MappedText] = []
    seps: list[str] = []
    prev: Line | None = None
    cut_since_prev = False
    for line in layout.lines:
        if line.kind is not None:
            cut_since_prev = True
            continue
        if prev is not None:
            gap = mt.text[prev.end:line.start]
            seps.append("\n\n" if cut_since_prev or "\n\n" in gap else "\n")
        lead = len(mt.text[line.start:line.end]) - len(mt.text[line.start:line.end].lstrip())
        parts.append(mt.slice(line.start + lead, line.start + lead + len(line.text)))
        prev, cut_since_prev = line, False
    return MappedText.join(parts, seps)


def _sections(mt: MappedText, layout: Layout) -> tuple[Section, ...]:
    """Contiguous non-body lines of one kind -> one Section with raw offsets."""
    out: list[Section] = []
    group: list[Line] = []

    def flush() -> None:
        if group:
            a, _ = mt.raw_span(group[0].start, group[0].end)
            _, b = mt.raw_span(group[-1].start, group[-1].end)
            text = "\n".join(l.text for l in group)
            out.append(Section(kind=group[0].kind or "", text=text, raw_start=a or 0, raw_end=b or 0,
                               label=group[0].label))
            group.clear()

    for line in layout.lines:
        if line.kind is None or (group and (line.kind != group[0].kind or line.label != group[0].label)):
            flush()
        if line.kind is not None:
            group.append(line)
    flush()
    return tuple(out)


# Cuts prose.py may undo: the marker rules' cut from a "Related"/"Comments"/"FAQ" line to the
# end of the page takes article prose with it on many sites (measured on the dev pages); a
# line the rules recognise for what it is (title, byline, share buttons...) stays cut.
_RANGE_CUTS = frozenset({"related", "qa"})


def _mark_prose(layout: Layout, language: str | None, rules: Rules) -> None:
    """The article is the runs of prose (prose.py): their lines are body unless a rule named
    the line itself, and every other line is page ("page"). No opinion: the rules' cut stands."""
    keep = prose_lines([l.text for l in layout.lines], language, rules.prose)
    if keep is None:
        return
    for line, prose in zip(layout.lines, keep):
        if line.kind is None or line.kind in _RANGE_CUTS:
            line.kind = None if prose else (line.kind or "page")


class Normalizer:
    """Holds what normalization loads once (rules, language detector)."""

    def __init__(self, settings: Settings, rules: Rules | None = None):
        self.settings = settings
        self.rules = rules or load_rules(settings.config_dir)
        n = settings.normalize
        self.detect_language = LanguageDetector(n.languages, n.language_min_confidence, n.language_sample_chars,
                                                n.default_language, n.language_min_chars,
                                                self.rules.prose.stoplists)

    def __call__(self, doc: RawDocument, *, raw: bool = False, published: str | None = None) -> Article:
        meta = doc.meta
        if doc.fmt == "html" and not raw:
            located, html_meta = html_body(doc.raw_text, self.settings.normalize.html_max_depth,
                                              self.settings.normalize.html_favor)
            mt = reclean(located)
            meta = _merge_meta(meta, html_meta)
        else:
            mt = MappedText.identity(doc.raw_text) if raw else clean_plain(doc.raw_text)
        layout = segment(mt.text, self.rules, known_title=meta.title)
        if doc.fmt == "html" and not self.settings.normalize.html_recut:
            for line in layout.lines:  # trafilatura's body is the body; the rules only read metadata
                line.kind = None
        plain_page = doc.fmt != "html" and not raw
        page_language = (meta.language or self.detect_language(mt.text)) if plain_page else None
        if plain_page:
            _mark_prose(layout, page_language, self.rules)
        keep_all = raw or not self.settings.normalize.remove_boilerplate
        if keep_all:
            body, sections = mt, ()
        else:
            body, sections = space_cjk(_body(mt, layout)), _sections(mt, layout)
        found = layout.found
        text_meta = Metadata(title=found.title, author=found.author, published=found.published,
                             outlet=found.outlet)
        if plain_page:  # plain text: what the page states about itself wins over the head rules
            pm = find_page_metadata([l.text for l in layout.lines], page_language,
                                    next((k for k, l in enumerate(layout.lines) if l.kind is None), None),
                                    load_page_meta_settings(self.settings.config_dir))
            text_meta = _merge_meta(Metadata(title=pm.title, author=pm.author, published=pm.published,
                                             outlet=pm.outlet),
                                    replace(text_meta, title=None) if pm.judged else text_meta)
        meta = _merge_meta(meta, text_meta)
        return Article(
            article_id=doc.article_id, source_key=doc.source_key, path=doc.path,
            raw_text=doc.raw_text, clean_text=body.text,
            raw_starts=tuple(body.starts), raw_ends=tuple(body.ends),
            fmt=doc.fmt, encoding=doc.encoding, source_id=doc.source_id,
            title=meta.title, outlet=meta.outlet, author=meta.author,
            published=iso_date(published) if published else iso_date(meta.published),
            updated=found.updated,
            language=meta.language or self.detect_language(body.text),
            url=meta.url, sections=sections, n_words=word_count(body.text),
        )


def normalize(doc: RawDocument, settings: Settings, *, raw: bool = False, published: str | None = None) -> Article:
    """One-off normalization (loads the rules each call: use Normalizer in loops)."""
    return Normalizer(settings)(doc, raw=raw, published=published)


def _merge_meta(given: Metadata, found: Metadata) -> Metadata:
    """Fields the input gives win; what it lacks comes from what we found."""
    return Metadata(**{k: getattr(given, k) or getattr(found, k) for k in given.__dataclass_fields__})
