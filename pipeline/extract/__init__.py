"""Extraction: one spaCy Language built by build_nlp, run with nlp.pipe.

Extraction returns plain records (ArticleExtraction) right after spaCy, so no
later stage imports spaCy. Texts over max_chunk_chars are cut at paragraph
breaks and their offsets shifted back, so nothing hits spaCy's E088.
"""

from __future__ import annotations

from typing import Iterable, Iterator

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
        "leading_noise": sorted(gaz.leading_noise), "foreign_share": 0.34,
        "descriptor_labels": sorted(gaz.descriptor_labels),
        "extensions": {k: list(v) for k, v in gaz.extensions.items()},
    })
    nlp.add_pipe("facts_quantities", after="facts_entity_cleanup",
                 config={"lexicon_path": str(settings.config_dir / "units.toml")})
    nlp.add_pipe("facts_times", after="facts_quantities",
                 config={"grammar_path": str(settings.config_dir / "timex.toml")})
    nlp.add_pipe("facts_events", after="facts_times")
    return nlp


def chunk_text(text: str, max_chars: int) -> list[tuple[int, str]]:
    """Cut text into (offset, piece) at paragraph, then line, then space breaks."""
    if len(text) <= max_chars:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(pos + max_chars, len(text))
        if end < len(text):
            for sep in ("\n\n", "\n", " "):
                cut = text.rfind(sep, pos + 1, end)
                if cut > pos:
                    end = cut + len(sep)
                    break
        out.append((pos, text[pos:end]))
        pos = end
    return out


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
    max_chars = settings.extract.max_chunk_chars
    pieces = [(piece, (k, offset)) for k, art in enumerate(group)
              for offset, piece in chunk_text(art.clean_text, max_chars)]
    per_article: list[list[tuple[Doc, int]]] = [[] for _ in group]
    with nlp.memory_zone():
        docs = ((make_doc(nlp, piece), ctx) for piece, ctx in pieces)
        for doc, (k, offset) in nlp.pipe(docs, as_tuples=True, batch_size=bs):
            per_article[k].append((doc, offset))
        suffixes = org_suffixes_of(nlp)
        return [to_records(art, docs, settings, suffixes) for art, docs in zip(group, per_article)]


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
