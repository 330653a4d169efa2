"""Reconciliation across articles: entity links (entities.py), then facts, sources, stories and
conflicts (facts.py runs the passes: items, blocking, rules, links, stories, conflicts);
sync.py is the one step every command runs to bring both up to date."""

from .entities import corpus_links, link_entities, load_link_model
from .facts import reconcile
from .items import Item, load_fx, load_synonyms, measure_words
from .rules import values_compatible
from .sync import update

__all__ = ["Item", "corpus_links", "link_entities", "load_link_model", "load_fx", "load_synonyms", "measure_words", "reconcile",
           "update", "values_compatible"]
