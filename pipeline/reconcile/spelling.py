"""Which names are a few edits apart, without comparing every pair.

Two strings within k edits (optimal string alignment: a swap of two neighbouring letters, "Klistchko"
for "Klitschko", "Centre" for "Center", is one edit, as a substitution is) share a string left after at most k deletions from
each (SymSpell's deletion neighbourhood). So names are compared only when they share such a
variant: the linker's spelling blocks cost about their size, not its square.
"""

from __future__ import annotations

from collections import defaultdict

from rapidfuzz.distance import OSA


def deletions(key: str, edits: int) -> set[str]:
    """The key and every string left after deleting up to `edits` of its characters."""
    found, frontier = {key}, {key}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def near_keys(keys: list[str], edits: int) -> list[list[int]]:
    """For each key, the positions of the other keys at most `edits` edits from it, ascending."""
    variants: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        for v in deletions(k, edits):
            variants[v].append(i)
    out: list[list[int]] = []
    for i, k in enumerate(keys):
        cands = {j for v in deletions(k, edits) for j in variants[v] if j != i}
        out.append(sorted(j for j in cands if OSA.distance(k, keys[j], score_cutoff=edits) <= edits))
    return out
