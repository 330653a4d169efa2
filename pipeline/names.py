"""Name keys: how two surface forms of a name (or of a counted noun) are compared, everywhere in facts."""

from __future__ import annotations

import re

from nameparser import HumanName

_POSSESSIVE = re.compile(r"['’]s?(?=\s|$)|['’]s\b", re.I)
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_LEADING_THE = re.compile(r"^the\s+", re.I)
_SPACES = re.compile(r"[\s\-‐‑–_/]+")
_MOUNT = re.compile(r"^mt\.?\s", re.I)  # "Mt Cook", "Mt. Everest": the mountain's name says "Mount"
_DOTTED = re.compile(r"\b[A-Za-z](?:\.[A-Za-z])+\b\.?")  # "U.S.", "U.N.": dotted or not, one name


def entity_key(surface: str) -> str:
    """Fold case, a leading 'the', possessives, dotted initials ('U.S.' = 'US'), edge punctuation
    and -/space variants."""
    s = _POSSESSIVE.sub("", surface.strip())
    s = _LEADING_THE.sub("", s)
    s = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), s)
    s = _EDGE_PUNCT.sub("", s)
    s = _MOUNT.sub("mount ", s)
    return _SPACES.sub(" ", s).strip().casefold()


_MIDDLE_INITIAL = re.compile(r"(?<=\w)\s+[A-Z]\.(?=\s+\w)")


def person_key(surface: str) -> str:
    """A person's key: entity_key without a middle initial ('Regina M. Benjamin' is 'Regina
    Benjamin'), so the name written with and without it is one person across articles."""
    return entity_key(_MIDDLE_INITIAL.sub("", surface))


def person_cores(name: str) -> frozenset[tuple[str, ...]]:
    """The (given name, surname) pairs a person's name can be written as across articles, keys
    folded: titles, middle names and "Jr." left out, a quoted nickname a given name too
    ('Luis Gerardo "Jerry" Ortiz': ("luis", "ortiz"), ("jerry", "ortiz")), a leading initial
    followed by the name used ('W. Mark Felt': ("mark", "felt") too); a title and a surname alone
    is the surname ('Deputy Ortiz': ("ortiz",)). A bare word is no core: a given name or a surname?
    nameparser's tables of titles and suffixes, not a list of our own."""
    h = HumanName(name)
    last = entity_key(h.last)
    if not last or len(last.split()) > 3:
        return frozenset()
    first = entity_key(h.first)
    if not first:
        return frozenset({(last,)}) if h.title else frozenset()
    out = {(first, last)}
    if h.nickname:
        out.add((entity_key(h.nickname), last))
    if len(first) == 1 and h.middle_list:
        out.add((entity_key(h.middle_list[0]), last))
    return frozenset(c for c in out if all(c))


def display_name(surface: str) -> str:
    """The surface without possessive, leading 'the' and edge punctuation ('U.S.' keeps its dot)."""
    s = _POSSESSIVE.sub("", surface.strip())
    s = _LEADING_THE.sub("", s)
    stripped = _EDGE_PUNCT.sub("", s)
    if s.endswith(".") and "." in stripped:  # an abbreviation: U.S., Inc.
        stripped += "."
    return re.sub(r"\s+", " ", stripped)


def singular(word: str) -> str:
    """A counted noun in the singular: 'GPUs' -> 'GPU', 'companies' -> 'company' (acronyms kept)."""
    w = word.strip()
    if " " in w:
        head, last = w.rsplit(" ", 1)
        return f"{head} {singular(last)}"
    if w.isupper() and w.endswith("S") is False and len(w) > 1:
        return w
    if re.match(r"^[A-Z0-9]{2,}s$", w):  # GPUs -> GPU
        return w[:-1]
    lw = w.lower()
    for suf, rep in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x")):
        if lw.endswith(suf) and len(lw) > len(suf) + 1:
            return lw[: -len(suf)] + rep
    if lw.endswith("s") and not lw.endswith("ss") and len(lw) > 3:
        return lw[:-1]
    return lw


def initials(name: str) -> str:
    """The initials an acronym of the name would be ("Bank of China" -> "BC"); "" for one word."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’.-]*", name) if w.lower() not in ("of", "and", "the", "for", "&")]
    return "".join(w[0] for w in words).upper() if len(words) >= 2 else ""
