"""Entity mentions -> article-level canonical entities.

A first, simple canonicalization: mentions whose normalized surface (case,
possessive, punctuation and hyphen/space variants folded) is the same are one
entity; its type is the majority vote of its mentions' labels. The entity id is
a hash of the normalized name, so the same name in two articles is one entity.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.tokens import Doc

from ..config import Settings
from ..records import Article, Entity, Mention, content_id

_POSSESSIVE = re.compile(r"(?:['’]s|['’])$", re.I)
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")
_LEADING_THE = re.compile(r"^the\s+", re.I)


def entity_key(surface: str) -> str:
    """Fold case, a leading 'the', possessives, edge punctuation and -/space variants."""
    s = _POSSESSIVE.sub("", surface.strip())
    s = _LEADING_THE.sub("", s)
    s = _EDGE_PUNCT.sub("", s)
    s = re.sub(r"[\s\-‐‑–_]+", " ", s)
    return s.casefold()


def display_name(surface: str) -> str:
    """The surface without possessive, leading 'the' and edge punctuation ('U.S.' keeps its dot)."""
    s = _POSSESSIVE.sub("", surface.strip())
    s = _LEADING_THE.sub("", s)
    stripped = _EDGE_PUNCT.sub("", s)
    if s.endswith(".") and "." in stripped:  # an abbreviation: U.S., Inc.
        stripped += "."
    return stripped


def entities_from_docs(article: Article, docs: list[tuple[Doc, int]], settings: Settings) -> tuple[Entity, ...]:
    keep = set(settings.extract.entity_labels)
    groups: dict[str, list[Mention]] = defaultdict(list)
    for doc, offset in docs:
        for ent in doc.ents:
            if ent.label_ not in keep:
                continue
            key = entity_key(ent.text)
            if not key:
                continue
            start, end = ent.start_char + offset, ent.end_char + offset
            raw_start, raw_end = article.raw_span(start, end)
            groups[key].append(Mention(
                id=content_id(article.article_id, "mention", start, end),
                text=ent.text, start=start, end=end, raw_start=raw_start, raw_end=raw_end,
                label=ent.label_,
            ))
    entities = []
    for key, mentions in groups.items():
        etype = Counter(m.label for m in mentions).most_common(1)[0][0]
        names = Counter(display_name(m.text) for m in mentions)
        name = max(names.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
        aliases = tuple(sorted({m.text for m in mentions}))
        entities.append(Entity(id=content_id("entity", key), name=name, type=etype,
                               aliases=aliases, mentions=tuple(sorted(mentions, key=lambda m: m.start))))
    entities.sort(key=lambda e: e.mentions[0].start)
    return tuple(entities)
