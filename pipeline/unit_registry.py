"""One pint unit registry per process, shared by extraction (reading units) and reconciliation
(comparing them): building one parses pint's definition files, about half a second each time."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def unit_registry():
    """The process's pint.UnitRegistry (read-only use: units are looked up, never defined)."""
    import pint

    return pint.UnitRegistry()
