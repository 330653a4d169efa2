"""Blocking: which items are compared at all (so the cost grows with the items, not their
square), and the union-find that collects items into facts."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from .items import Item
from .rules import Matching, bare_amount, canonical, item_words

WINDOW = 30  # a block larger than this is compared by sorted neighbourhood (each item with its next WINDOW)


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class Clusters(UnionFind):
    """Union-find over items that knows each cluster's articles. A weak link (the same figure
    in alike sentences) never joins two clusters that one article already keeps apart:
    "GPT-4o charges $15 for output; Claude, $15 for input" are two facts in each translation."""

    def __init__(self, items: list[Item]) -> None:
        super().__init__()
        self.articles: dict[str, set[str]] = {it.id: {it.article_id} for it in items}

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        super().union(ra, rb)
        root, other = (ra, rb) if self.find(ra) == ra else (rb, ra)
        small, large = sorted((self.articles.pop(root), self.articles.pop(other)), key=len)
        large |= small
        self.articles[root] = large

    def union_apart(self, a: Item, b: Item) -> None:
        """Union unless a's article already has an item in b's cluster or b's in a's: O(1),
        where comparing whole article sets grew with the clusters."""
        ra, rb = self.find(a.id), self.find(b.id)
        if ra != rb and a.article_id not in self.articles[rb] and b.article_id not in self.articles[ra]:
            self.union(ra, rb)


def value_key(it: Item, mt: Matching) -> tuple[str, float] | None:
    """(unit key, value in its canonical unit) for the value pass: the same figure, however the subject was parsed."""
    v, lo, hi = canonical(it, mt)
    key = it.family if it.family == "currency" else None
    if it.family == "currency" and (v, lo, hi) == (None, None, None):
        v, lo, hi, key = it.value, it.low, it.high, f"currency:{it.unit}"  # no rate ("24 cents"): its own unit
    x = v if v is not None else (lo if lo is not None else hi)
    if it.kind != "quantity" or not x or x <= 0:
        return None
    base = it.extra.get("base")
    return key or (base[0] if base else (it.unit or "").lower()), x


def neighbours(members: list[Item], sort_key) -> Iterator[tuple[Item, Item]]:
    """Pairs to compare in one block: all of them in a small block; in a large one, each
    item with the next WINDOW in sort order (sorted neighbourhood), so the cost stays
    linear in the block size whatever the corpus."""
    if len(members) <= WINDOW:
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                yield a, b
        return
    members = sorted(members, key=sort_key)
    for i, a in enumerate(members):
        for b in members[i + 1:i + 1 + WINDOW]:
            yield a, b


def blocks_of(it: Item) -> list[tuple]:
    if it.kind == "event":  # events are compared within their story, once stories are known
        return []
    if it.entity_id is None:
        words = sorted(item_words(it))
        if not words:
            return []
        subject = "measure:" + " ".join(words)
    else:
        subject = it.entity_id
    blocks = [("quantity", subject, it.family, it.scope or "")]
    if bare_amount(it):  # also among the money figures of its subject
        blocks.append(("quantity", subject, "currency", it.scope or ""))
    return blocks


def first_block(it: Item) -> tuple | None:
    """The item's first block: part of its fact id."""
    blocks = blocks_of(it)
    return blocks[0] if blocks else ("event", it.measure) if it.kind == "event" else None


def groups_of(items: list[Item], uf: UnionFind) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        groups[uf.find(it.id)].append(it)
    return groups
