"""Reconciliation across articles: entity links (entities.py), then facts, sources, conflicts
and article links (facts.py)."""

from .entities import corpus_links, link_entities
from .facts import Item, load_fx, load_synonyms, measure_words, reconcile, values_compatible

__all__ = ["Item", "corpus_links", "link_entities", "load_fx", "load_synonyms", "measure_words", "reconcile",
           "values_compatible"]
