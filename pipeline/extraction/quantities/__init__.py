"""Quantities: every number in the text with its value, unit, qualifier, and what it measures.

One module a step: numbers.py (every written form of a number), lexicon.py and units.py (the
units: config/units.toml, then pint's registry), candidates.py (numbers widened to currency,
scale, unit, rate, qualifier), filters.py (years, dates, names and ids are not quantities),
ranges.py (ranges and moves), describe.py (the counted noun, the measure, whose, change, time
scope), component.py (the spaCy component `facts_quantities` and the Quantity records).
"""

from .component import QuantityComponent, QuantityFinder, make_quantities, quantities_from_docs

__all__ = ["QuantityComponent", "QuantityFinder", "make_quantities", "quantities_from_docs"]
