"""Name keys: how two surface forms of a name are compared, everywhere in facts."""

from __future__ import annotations

import re

_POSSESSIVE = re.compile(r"['’]s?(?=\s|$)|['’]s\b", re.I)
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_LEADING_THE = re.compile(r"^the\s+", re.I)
_SPACES = re.compile(r"[\s\-‐‑–_/]+")


def entity_key(surface: str) -> str:
    """Fold case, a leading 'the', possessives, edge punctuation and -/space variants."""
    s = _POSSESSIVE.sub("", surface.strip())
    s = _LEADING_THE.sub("", s)
    s = _EDGE_PUNCT.sub("", s)
    return _SPACES.sub(" ", s).strip().casefold()


def display_name(surface: str) -> str:
    """The surface without possessive, leading 'the' and edge punctuation ('U.S.' keeps its dot)."""
    s = _POSSESSIVE.sub("", surface.strip())
    s = _LEADING_THE.sub("", s)
    stripped = _EDGE_PUNCT.sub("", s)
    if s.endswith(".") and "." in stripped:  # an abbreviation: U.S., Inc.
        stripped += "."
    return re.sub(r"\s+", " ", stripped)
