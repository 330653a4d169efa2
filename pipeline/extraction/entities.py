"""Entity components and the conversion of doc.ents into canonical Entity records.

`facts_entity_cleanup` (a spaCy factory, usable in any pipeline with
nlp.add_pipe) repairs what the small model gets wrong in general ways: spans
that cross a line, leading words that are not part of a name ("Without
Qualcomm"), possessives joining two names ("Google's TensorFlow"), generic
terms ("AI", "GPU"), lowercase phrases, UI words in another script, and types
(model codes are PRODUCTs, names ending in an organization designator ORGs).
Gazetteer matches (span.ent_id_ set by the entity ruler) are left as they are.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..config import Settings
from ..records import Article, Entity, Mention, content_id
from ..text.scripts import foreign_share, main_script
from ..names import entity_key, person_key
from .canonical import MODEL_CODE, MentionIn, canonicalize
from .doctext import doc_text

_CODE_LABELS = {"ORG", "PERSON", "GPE", "LOC", "NORP", "WORK_OF_ART", "FAC", "PRODUCT"}
# Only names are repaired; numeric labels (DATE, MONEY, CARDINAL...) are left to
# the quantity and time components.
NAME_LABELS = _CODE_LABELS | {"EVENT", "LAW", "LANGUAGE"}


class EntityCleanup:
    def __init__(self, nlp: Language, name: str, *, generic_terms: list[str], org_suffixes: list[str],
                 leading_noise: list[str], foreign_share: float, descriptor_labels: list[str] = (),
                 extensions: dict[str, list[str]] | None = None):
        self.name = name
        self.descriptor_labels = frozenset(descriptor_labels)
        # label -> phrases (as lowercase token tuples) that make a name before them a larger one
        self.extensions = {label: sorted({tuple(_words(p)) for p in phrases}, key=len, reverse=True)
                           for label, phrases in (extensions or {}).items()}
        self.generic = frozenset(generic_terms)
        self.generic_folded = frozenset(t.casefold() for t in generic_terms if len(t) > 3 or not t.isupper())
        self.org_suffixes = frozenset(org_suffixes)
        self.leading_noise = frozenset(w.lower() for w in leading_noise)
        self.foreign_share = foreign_share

    def __call__(self, doc: Doc) -> Doc:
        main = main_script(doc_text(doc)[:5000])
        spans = [self._extend(s) for ent in doc.ents for s in self.repair(ent, main)]
        doc.ents = filter_spans(spans)
        return doc

    def _extend(self, span: Span) -> Span:
        """'U.S.' + 'Surgeon General', 'Obama' + 'administration': the office or body the name
        makes is the mention (an ORG), as a reader marks it; the place or person alone is not."""
        phrases = self.extensions.get(span.label_)
        if not phrases:
            return span
        doc = span.doc
        for phrase in phrases:
            end = span.end + len(phrase)
            words = doc[span.end:end]
            if end <= len(doc) and tuple(t.lower_ for t in words) == phrase \
                    and "\n" not in doc[span.start:end].text \
                    and (end == len(doc) or doc[end].text not in ("-", "–", "'s", "’s")):
                return Span(doc, span.start, end, label="ORG")
        return span

    def repair(self, ent: Span, main: str | None) -> list[Span]:
        if ent.ent_id_ or ent.label_ not in NAME_LABELS:  # a gazetteer match, or not a name
            return [ent]
        span = self._one_line(ent)
        span = self._trim(span) if span is not None else None
        if span is None:
            return []
        parts = self._split_possessive(span)
        return [p for p in (self._relabel(p) for p in parts) if p is not None and self._keep(p, main)]

    def _one_line(self, span: Span) -> Span | None:
        for t in span:
            if "\n" in t.text or (t.is_space and t.i > span.start):
                return span.doc[span.start:t.i] if t.i > span.start else None
        return span

    def _trim(self, span: Span) -> Span | None:
        start, end = span.start, span.end
        doc = span.doc
        while start < end and (doc[start].lower_ in self.leading_noise or doc[start].is_punct or doc[start].is_space
                               or doc[start].tag_ in ("VBG", "VBD", "VBN") and start + 1 < end):
            start += 1  # "Having Jackman host": a name does not start with a verb
        while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in (".", ")")
                               or doc[end - 1].tag_ == "POS" or doc[end - 1].is_space
                               or doc[end - 1].lower_ in ("of", "and", "the", "for", "to", "in")):
            end -= 1
        if start >= end:
            return None
        return Span(doc, start, end, label=span.label_)

    def _split_possessive(self, span: Span) -> list[Span]:
        doc = span.doc
        for t in span[:-1]:
            if t.tag_ == "POS" or t.text in ("'s", "’s", "'", "’"):
                left = Span(doc, span.start, t.i, label=span.label_) if t.i > span.start else None
                right = Span(doc, t.i + 1, span.end, label=span.label_)
                if len(right) == 1 and MODEL_CODE.match(right.text):  # "DeepSeek's V3": one product
                    return [Span(doc, span.start, span.end, label="PRODUCT")]
                left = Span(doc, left.start, left.end, label="ORG" if span.label_ not in ("PERSON", "GPE") else span.label_) \
                    if left is not None else None
                return [p for p in (left, right) if p is not None and len(p)]
        return [span]

    def _relabel(self, span: Span) -> Span | None:
        label = span.label_
        tokens = [t.text for t in span]
        if label in _CODE_LABELS and MODEL_CODE.match(tokens[-1]) and label != "PRODUCT":
            label = "PRODUCT"
        elif len(tokens) >= 2 and tokens[-1] in self.org_suffixes and label in ("PERSON", "GPE", "LOC", "NORP", "PRODUCT", "WORK_OF_ART", "FAC"):
            label = "ORG"
        elif label == "PERSON" and any(len(t) >= 2 and t.isupper() and "." not in t for t in tokens):
            label = "ORG"
        return span if label == span.label_ else Span(span.doc, span.start, span.end, label=label)

    def _keep(self, span: Span, main: str | None) -> bool:
        text = span.text
        if text in self.generic or text.casefold() in self.generic_folded:
            return False
        if len(span) > 1 and span[-1].text in self.generic and all(t.pos_ in ("ADJ", "DET") for t in span[:-1]):
            return False  # "Domestic AI": an adjective and a generic term
        if not any(c.isalpha() for c in text):
            return False
        if span.label_ in self.descriptor_labels and (span.root.dep_ == "amod" or all(t.tag_ == "JJ" for t in span)):
            return False  # "Somali pirates", "he is Japanese": an adjective describes, it names nobody
        if main == "latin" and not any(c.isupper() or c.isdigit() for c in text) and main_script(text) == "latin":
            return False  # a lowercase phrase is not a name in English
        if main:
            share, letters = foreign_share(text, main)
            if letters and share > self.foreign_share:
                return False
        return True


@Language.factory(
    "facts_entity_cleanup",
    default_config={"generic_terms": [], "org_suffixes": [], "leading_noise": [], "foreign_share": 0.6,
                    "descriptor_labels": [], "extensions": {}},
)
def make_entity_cleanup(nlp: Language, name: str, generic_terms: list[str], org_suffixes: list[str],
                        leading_noise: list[str], foreign_share: float,
                        descriptor_labels: list[str], extensions: dict[str, list[str]]) -> EntityCleanup:
    return EntityCleanup(nlp, name, generic_terms=generic_terms, org_suffixes=org_suffixes,
                         leading_noise=leading_noise, foreign_share=foreign_share,
                         descriptor_labels=descriptor_labels, extensions=extensions)


def _words(phrase: str) -> list[str]:
    return re.findall(r"[\w.]+|[^\w\s]", phrase.lower())


_HEADING_MAX = 120  # characters: a longer line is prose, not a heading


def heading_spans(text: str) -> list[tuple[int, int]]:
    """Lines that are headings: short, Title Case, no final stop. NER invents names there."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0).strip(" •*#-")
        words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line)]
        if not (2 <= len(words) <= 14) or len(line) > _HEADING_MAX or line.endswith((".", "?", "!", ":", ";", ",")):
            continue
        caps = sum(w[0].isupper() for w in words if w.lower() not in ("of", "and", "the", "a", "an", "in", "on", "for", "to", "vs"))
        if caps >= 0.7 * len([w for w in words if w.lower() not in ("of", "and", "the", "a", "an", "in", "on", "for", "to", "vs")]):
            out.append((m.start(), m.end()))
    return out


def entities_from_docs(article: Article, docs: list[tuple[Doc, int]], settings: Settings,
                       org_suffixes: frozenset[str] = frozenset()) -> tuple[Entity, ...]:
    """doc.ents of an article's chunks -> canonical Entity records with exact offsets.

    A name found only in headings is dropped unless the gazetteer knows it or the
    body names it too ("Five Industrial Pillars" is a heading, not an organization).
    """
    keep = set(settings.extract.entity_labels)
    mentions: list[MentionIn] = []
    headings = heading_spans(article.clean_text)  # disjoint lines, in text order
    heading_starts = [x for x, _ in headings]
    in_heading: list[bool] = []
    for doc, offset in docs:
        for ent in doc.ents:
            if ent.label_ not in keep or not entity_key(ent.text):
                continue
            gaz = ent.ent_id_ or None
            a, b = ent.start_char + offset, ent.end_char + offset
            mentions.append(MentionIn(a, b, ent.text, ent.label_, gaz, ent.label_ if gaz else None))
            h = bisect_right(heading_starts, a) - 1  # the one heading that can hold it
            in_heading.append(not gaz and h >= 0 and b <= headings[h][1])
    body_keys = {entity_key(m.text) for m, h in zip(mentions, in_heading) if not h}
    mentions = [m for m, h in zip(mentions, in_heading) if not h or entity_key(m.text) in body_keys]
    entities = []
    for name, etype, members in canonicalize(mentions, article.clean_text, org_suffixes):
        ms = []
        for i in members:
            m = mentions[i]
            raw_start, raw_end = article.raw_span(m.start, m.end)
            ms.append(Mention(id=content_id(article.article_id, "mention", m.start, m.end), text=m.text,
                              start=m.start, end=m.end, raw_start=raw_start, raw_end=raw_end, label=m.label))
        aliases = tuple(sorted({m.text for m in ms} | {name}))
        key = person_key(name) if etype == "PERSON" else entity_key(name)
        entities.append(Entity(id=content_id("entity", key), name=name, type=etype,
                               aliases=aliases, mentions=tuple(ms)))
    return tuple(entities)
