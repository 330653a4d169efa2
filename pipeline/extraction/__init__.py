"""Extraction: one spaCy Language built by build_nlp, run with nlp.pipe.

Extraction returns plain records (ArticleExtraction) right after spaCy, so no
later stage imports spaCy. Texts over max_chunk_chars are cut at paragraph
(else line, sentence, space) breaks into pieces that spaCy reads one by one, and their
offsets are shifted back: costs that grow faster than a doc's length (spaCy's and ours)
stay bounded by the piece, and nothing hits spaCy's E088. What spans an article (entity
folding, time anchors) happens after the pass, over all its pieces.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from ..config import Settings
from ..records import Article, ArticleExtraction
from .entities import entities_from_docs  # also registers the facts_* factories
from .quantities import quantities_from_docs
from .times import times_from_docs
from .timex import load_grammar
from .gazetteer import load_gazetteer
from .doctext import make_doc
from ..model import resolve_model  # re-exported: callers that do not need spaCy import it from pipeline.model




def build_nlp(settings: Settings) -> Language:
    """The model's pipeline plus ours: gazetteer ruler before ner, cleanup after it."""
    nlp = spacy.load(resolve_model(settings))
    gaz = load_gazetteer([settings.config_dir / p for p in settings.extract.gazetteers],
                         settings.config_dir / "entity_rules.toml")
    patterns = gaz.patterns()
    if patterns["LOWER"]:  # distinctive forms in any case: they win over what comes after
        ruler = nlp.add_pipe("entity_ruler", name="facts_gazetteer", before="ner",
                             config={"overwrite_ents": True, "validate": False, "phrase_matcher_attr": "LOWER"})
        ruler.add_patterns(patterns["LOWER"])
    if patterns["ORTH"]:  # plain words as written; never over a distinctive match
        ruler = nlp.add_pipe("entity_ruler", name="facts_gazetteer_exact", before="ner",
                             config={"overwrite_ents": False, "validate": False})
        ruler.add_patterns(patterns["ORTH"])
    nlp.add_pipe("facts_entity_cleanup", after="ner", config={
        "generic_terms": sorted(gaz.generic_terms), "org_suffixes": sorted(gaz.org_suffixes),
        "leading_noise": sorted(gaz.leading_noise), "foreign_share": gaz.foreign_share,
        "descriptor_labels": sorted(gaz.descriptor_labels),
        "extensions": {k: list(v) for k, v in gaz.extensions.items()},
    })
    nlp.add_pipe("facts_quantities", after="facts_entity_cleanup",
                 config={"lexicon_path": str(settings.config_dir / "units.toml")})
    nlp.add_pipe("facts_times", after="facts_quantities",
                 config={"grammar_path": str(settings.config_dir / "timex.toml")})
    nlp.add_pipe("facts_events", after="facts_times")
    return nlp


# A sentence ends at ., ! or ? (closing quotes and brackets kept with it) before a capital or
# digit; or at a CJK full stop, which needs no space after it.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|[。！？]")


def chunk_text(text: str, max_chars: int) -> list[tuple[int, str]]:
    """Cut text into (offset, piece) at paragraph, line, sentence, then space breaks.

    Each cut is the last break of the best kind in the second half of the window (so pieces
    stay near max_chars), else anywhere in it; a window with no break at all is cut hard.
    """
    if len(text) <= max_chars:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(pos + max_chars, len(text))
        if end < len(text):
            end = _cut(text, pos, end)
        out.append((pos, text[pos:end]))
        pos = end
    return out


def _cut(text: str, pos: int, end: int) -> int:
    for lo in (pos + (end - pos) // 2, pos + 1):
        for sep in ("\n\n", "\n"):
            cut = text.rfind(sep, lo, end)
            if cut >= lo:
                return cut + len(sep)
        last = None
        for last in _SENTENCE_END.finditer(text, lo, end):
            pass
        if last is not None:
            return last.end()
        cut = text.rfind(" ", lo, end)
        if cut >= lo:
            return cut + 1
    return end


def extract_articles(nlp: Language, articles: Iterable[Article], settings: Settings,
                     batch_size: int | None = None) -> Iterator[ArticleExtraction]:
    """Run the pipeline over articles (streaming) and convert each to records.

    Each group of articles runs inside nlp.memory_zone(), so the vocabulary and
    string store do not grow over a long run.
    """
    bs = batch_size or settings.run.batch_size
    group: list[Article] = []
    for art in articles:
        group.append(art)
        if len(group) >= bs * 4:
            yield from _extract_group(nlp, group, settings, bs)
            group = []
    if group:
        yield from _extract_group(nlp, group, settings, bs)


def _extract_group(nlp: Language, group: list[Article], settings: Settings, bs: int) -> list[ArticleExtraction]:
    """Pieces of every article through nlp.pipe; an article's records are made as soon as its
    last piece is out, so only one article's Docs are held (a long article's can be many)."""
    max_chars = settings.extract.max_chunk_chars
    pieces = ((piece, (k, offset)) for k, art in enumerate(group)
              for offset, piece in chunk_text(art.clean_text, max_chars))
    out: list[ArticleExtraction] = []
    held: list[tuple[Doc, int]] = []
    with nlp.memory_zone():
        suffixes = org_suffixes_of(nlp)
        for batch in _batches(pieces, bs, _BATCH_PIECES * max_chars):
            docs = ((make_doc(nlp, piece), ctx) for piece, ctx in batch)
            for doc, (k, offset) in nlp.pipe(docs, as_tuples=True, batch_size=len(batch)):
                doc.tensor = _NO_TENSOR  # read by no one after the pass: 384 bytes a token held
                while len(out) < k:  # every piece of article len(out) is out
                    out.append(to_records(group[len(out)], held, settings, suffixes))
                    held = []
                held.append((doc, offset))
        while len(out) < len(group):
            out.append(to_records(group[len(out)], held, settings, suffixes))
            held = []
    return out


# A batch holds at most this many full pieces' worth of characters: spaCy's working memory
# grows with a batch's text (about 3 kB a character, measured), so 32 pieces of a 2 MB line in
# one batch took 2.6 GB where 4 take 0.6 GB. Batches of short articles are as before.
_BATCH_PIECES = 4
_NO_TENSOR = numpy.zeros((0, 0), dtype="float32")


def _batches(pieces: Iterable[tuple[str, tuple[int, int]]], size: int,
             max_chars: int) -> Iterator[list[tuple[str, tuple[int, int]]]]:
    """Consecutive pieces, at most `size` and `max_chars` characters (or one piece) a batch."""
    batch: list[tuple[str, tuple[int, int]]] = []
    chars = 0
    for item in pieces:
        if batch and (len(batch) >= size or chars + len(item[0]) > max_chars):
            yield batch
            batch, chars = [], 0
        batch.append(item)
        chars += len(item[0])
    if batch:
        yield batch


def to_records(article: Article, docs: list[tuple[Doc, int]], settings: Settings,
               org_suffixes: frozenset[str] = frozenset()) -> ArticleExtraction:
    """spaCy Docs (chunks of one article with their offsets) -> plain records."""
    entities = entities_from_docs(article, docs, settings, org_suffixes)
    quantities = quantities_from_docs(article, docs, entities)
    times, events = times_from_docs(article, docs, entities, quantities,
                                    load_grammar(str(settings.config_dir / "timex.toml")))
    return ArticleExtraction(article_id=article.article_id, entities=entities, quantities=quantities,
                             times=times, events=events)


def org_suffixes_of(nlp: Language) -> frozenset[str]:
    """The cleanup component's organization designators (empty if it is not in the pipeline)."""
    if "facts_entity_cleanup" in nlp.pipe_names:
        return nlp.get_pipe("facts_entity_cleanup").org_suffixes
    return frozenset()
