"""Canonical entities within one article: which mentions name the same thing.

Pure functions over plain mention tuples (no spaCy), so they are easy to test
and to reuse. Rules, in order:
1. a gazetteer match names its entry;
2. surface variants fold together (case, possessive, "the", punctuation,
   hyphen/space): "Nvidia's" = "NVIDIA";
3. acronyms defined in the text, either direction: "Bureau of Industry and
   Security (BIS)", "BIS (Bureau of ...)", "CUDA, which stands for ...";
4. short forms resolve to a fuller name used in the article: a person's family
   or given name ("Huang" -> "Jensen Huang"), an organization without its
   designator ("Cambricon" -> "Cambricon Technologies"), a bare model code
   ("V4" -> "DeepSeek V4"); product/version names stay whole otherwise;
5. the type is the vote of the mentions (the gazetteer's type wins), then
   fixed by rules: a model code is a PRODUCT, an organization suffix an ORG.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..names import display_name, entity_key

MODEL_CODE = re.compile(r"^(?:[A-Za-z]{0,4}\d+[A-Za-z0-9]*|V\d+(?:\.\d+)?|[A-Z]\d+[A-Z]*)$")
_ACRONYM_AFTER = re.compile(
    r"((?:[A-Z][\w&.’'\-]*\s+(?:(?:of|and|for|the|de|&|on|in)\s+)*){1,9}[A-Z][\w&.\-]*)\s*\(\s*([A-Z][A-Za-z0-9&]{1,9})\s*\)")
_STANDS_FOR = re.compile(
    r"\b([A-Z][A-Z0-9&]{1,9})\b,?\s+(?:which\s+)?(?:stands|short)\s+for\s+((?:[A-Z][\w\-]*\s*(?:(?:of|and|for|the|&)\s+)*){1,9})")
_SMALL = {"of", "and", "for", "the", "de", "&", "on", "in"}


def acronym_fits(acronym: str, words: list[str]) -> bool:
    """Do the initials of the significant words spell the acronym?"""
    letters = acronym.rstrip("s").upper() if len(acronym) > 2 and acronym.endswith("s") else acronym.upper()
    initials = "".join(w[0].upper() for w in words if w.lower() not in _SMALL and w[:1].isalnum())
    return initials == letters or (len(letters) >= 2 and initials.replace(".", "") == letters)


def find_acronyms(text: str) -> dict[str, str]:
    """acronym key -> long-form key, for acronyms the text defines."""
    out: dict[str, str] = {}
    for m in _ACRONYM_AFTER.finditer(text):
        words, acro = m.group(1).split(), m.group(2)
        for k in range(len(words)):  # the shortest tail of the capitalized run that fits
            tail = words[k:]
            if tail and tail[0].lower() not in _SMALL and acronym_fits(acro, tail):
                out.setdefault(entity_key(acro), entity_key(" ".join(tail)))
                break
    for m in _STANDS_FOR.finditer(text):
        acro, words = m.group(1), m.group(2).split()
        while words and words[-1].lower() in _SMALL:
            words.pop()
        if acronym_fits(acro, words):
            out.setdefault(entity_key(acro), entity_key(" ".join(words)))
    return out


@dataclass(frozen=True)
class MentionIn:
    start: int
    end: int
    text: str
    label: str
    gaz_name: str | None = None  # canonical name from the gazetteer
    gaz_type: str | None = None


@dataclass
class Cluster:
    key: str
    members: list[int] = field(default_factory=list)
    gaz_name: str | None = None
    gaz_type: str | None = None


def _fix_type(name: str, votes: Counter, org_suffixes: frozenset[str]) -> str:
    label = votes.most_common(1)[0][0]
    tokens = name.split()
    if label in ("LAW", "EVENT", "DATE", "MONEY"):
        return label
    if tokens and MODEL_CODE.match(tokens[-1]) and label in ("ORG", "PERSON", "GPE", "LOC", "NORP", "WORK_OF_ART", "FAC", "PRODUCT"):
        return "PRODUCT"
    if len(tokens) >= 2 and tokens[-1] in org_suffixes:
        return "ORG"
    if label == "PERSON" and any(len(t) >= 2 and t.isupper() and "." not in t for t in tokens):
        return "ORG"
    return label


def canonicalize(mentions: list[MentionIn], text: str, org_suffixes: frozenset[str] = frozenset()
                 ) -> list[tuple[str, str, list[int]]]:
    """Group mentions; return (canonical name, type, member indices) per entity, in text order."""
    acronyms = find_acronyms(text)
    clusters: dict[str, Cluster] = {}
    order: list[str] = []

    def add(key: str, i: int, m: MentionIn) -> None:
        c = clusters.get(key)
        if c is None:
            c = clusters[key] = Cluster(key)
            order.append(key)
        c.members.append(i)
        if m.gaz_name and not c.gaz_name:
            c.gaz_name, c.gaz_type = m.gaz_name, m.gaz_type

    # gazetteer names and long forms of acronyms first, so short forms can find them
    keys: list[str] = []
    for m in mentions:
        key = entity_key(m.gaz_name) if m.gaz_name else entity_key(m.text)
        keys.append(acronyms.get(key, key))
    glosses = _glosses(mentions, text)
    for i, m in enumerate(mentions):
        if i in glosses and not m.gaz_name:
            keys[i] = keys[glosses[i]]  # “Xingchen” (Stellar): the name in brackets glosses the one before
    for i, m in sorted(enumerate(mentions), key=lambda im: im[1].start):
        add(keys[i], i, m)
    _merge_short_forms(clusters, order, mentions, org_suffixes)

    out = []
    for key in order:
        c = clusters.get(key)
        if c is None or not c.members:
            continue
        ms = [mentions[i] for i in c.members]
        votes = Counter(m.label for m in ms)
        if c.gaz_name:
            name, etype = c.gaz_name, c.gaz_type or votes.most_common(1)[0][0]
        else:
            name = _best_name(ms, key)
            etype = _fix_type(name, votes, org_suffixes)
        out.append((name, etype, sorted(c.members, key=lambda i: mentions[i].start)))
    return out


_GLOSS_GAP = re.compile(r"^[”\"’']?\s*\(\s*[“\"‘']?$")


def _glosses(mentions: list[MentionIn], text: str) -> dict[int, int]:
    """index of a bracketed mention -> index of the mention it glosses ("X (Y)")."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    out = {}
    for a, b in zip(order, order[1:]):
        ma, mb = mentions[a], mentions[b]
        if _GLOSS_GAP.match(text[ma.end:mb.start]) and re.match(r"^[”\"’']?\s*\)", text[mb.end:mb.end + 3]) \
                and ma.label not in ("GPE", "LOC") and mb.label not in ("GPE", "LOC"):
            out[b] = a
    return out


def _best_name(ms: list[MentionIn], key: str) -> str:
    """The fullest form: most tokens, then most frequent, then first seen."""
    forms = Counter(display_name(m.text) for m in ms)
    first = {f: n for n, f in reversed(list(enumerate(display_name(m.text) for m in ms)))}
    return max(forms, key=lambda f: (len(f.split()), forms[f], not f.isupper(), -first[f]))


def _merge_short_forms(clusters: dict[str, Cluster], order: list[str], mentions: list[MentionIn],
                       org_suffixes: frozenset[str]) -> None:
    """Fold a short cluster into the one fuller name it abbreviates (if exactly one)."""
    def label_of(c: Cluster) -> str:
        return c.gaz_type or Counter(mentions[i].label for i in c.members).most_common(1)[0][0]

    def first_start(c: Cluster) -> int:
        return min(mentions[i].start for i in c.members)

    suffixes = {s.casefold().rstrip(".") for s in org_suffixes}
    # Every fold below needs the fuller name to start or end with the short one's first word:
    # only those names are looked at (all of them made this quadratic in an article's names).
    position = {k: n for n, k in enumerate(order)}
    by_edge: dict[str, set[str]] = {}
    for k in order:
        ks = k.split()
        if ks:
            by_edge.setdefault(ks[0], set()).add(k)
            by_edge.setdefault(ks[-1], set()).add(k)
    for key in list(order):
        short = clusters.get(key)
        if short is None or short.gaz_name:
            continue
        toks = key.split()
        lab = label_of(short)
        candidates = []
        for other_key in sorted(by_edge.get(toks[0], ()) if toks else (), key=position.__getitem__):
            other = clusters.get(other_key)
            if other is None or other is short or other_key == key:
                continue
            otoks = other_key.split()
            if len(otoks) <= len(toks):
                continue
            olab = label_of(other)
            if olab == "PRODUCT" and otoks[: len(toks)] == toks and lab in ("PRODUCT", "PERSON", "ORG", "WORK_OF_ART"):
                # "Claude" after "Claude Opus" (whatever label ner gave it); a family stays apart
                # from its models ("Ascend" / "Ascend 910B")
                ok = first_start(other) < first_start(short) and not any(MODEL_CODE.match(t) for t in otoks[len(toks):])
            elif lab == "PERSON" or olab == "PERSON":
                ok = olab == "PERSON" and lab in ("PERSON", "ORG", "GPE", "NORP") and len(toks) == 1 \
                    and toks[0] in (otoks[0], otoks[-1])
            elif len(toks) == 1 and MODEL_CODE.match(toks[0]):
                ok = otoks[-1] == toks[0]  # "v4" -> "deepseek v4"
            elif otoks[: len(toks)] == toks and lab == "ORG" and olab == "ORG":
                # "Cambricon" for "Cambricon Technologies"; any tail once the full name came first
                ok = all(t.rstrip(".") in suffixes for t in otoks[len(toks):]) \
                    or first_start(other) < first_start(short)
            else:
                ok = False
            if ok:
                candidates.append(other_key)
        if not candidates:
            continue
        # prefer a fuller name used before the short one, else the first one after it
        start = first_start(short)
        before = [k for k in candidates if first_start(clusters[k]) < start]
        names = {clusters[k].gaz_name or k for k in (before or candidates)}
        if len(names) != 1:
            continue  # ambiguous: "Huang" could be two people
        target = clusters[(before or candidates)[-1] if before else candidates[0]]
        target.members.extend(short.members)
        del clusters[key]
