"""Article links: near-duplicates (MinHash over word shingles, datasketch) and restatements or
translations (articles that share most of their facts). Copies count once as sources."""

from __future__ import annotations

import re
import zlib
from collections import defaultdict

import duckdb

from ..config import ReconcileSettings
from .blocking import UnionFind
from .items import Item


def article_links(con: duckdb.DuckDBPyConnection, groups: dict[str, list[Item]],
                  region_of: dict[str, str], rules: ReconcileSettings) -> list[dict]:
    """Near-duplicates by MinHash LSH (each copy linked to its group's first article of its
    region); restatements/translations by shared facts ([reconcile] duplicate_jaccard,
    shingle_words, restatement_*). Only the articles of `region_of`."""
    from datasketch import MinHash, MinHashLSH

    texts = con.execute("SELECT article_id, clean_text FROM articles WHERE article_id IN (SELECT unnest(?)) "
                        "ORDER BY article_id", [sorted(region_of)]).fetchall()
    # Only the first article of each group of near-duplicates goes into the index; each later copy
    # is linked to the closest of them. A story syndicated k times gives k - 1 links, not k^2 / 2,
    # and each query meets representatives only.
    lsh = MinHashLSH(threshold=rules.duplicate_jaccard, num_perm=64)
    reps: dict[str, MinHash] = {}
    links: dict[tuple[str, str], dict] = {}
    for aid, text in texts:
        words = re.findall(r"\w+", text.lower())
        mh = MinHash(num_perm=64, seed=1, hashfunc=zlib.crc32)  # crc32: 4x cheaper than sha1, enough here
        mh.update_batch([" ".join(words[i:i + rules.shingle_words]).encode("utf-8")
                         for i in range(max(1, len(words) - rules.shingle_words + 1))])
        scored = sorted(((mh.jaccard(reps[r]), r) for r in lsh.query(mh) if region_of[r] == region_of[aid]),
                        key=lambda x: (-x[0], x[1]))
        if scored and scored[0][0] >= rules.duplicate_jaccard:
            similarity, rep = scored[0]
            links[(rep, aid)] = {"article_id_a": rep, "article_id_b": aid, "kind": "duplicate",
                                 "similarity": float(similarity)}
        else:
            reps[aid] = mh
            lsh.insert(aid, mh)
    facts_per_article: dict[str, set[str]] = defaultdict(set)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for gid, members in groups.items():
        arts = sorted({m.article_id for m in members if m.kind == "quantity"})
        for a in arts:
            facts_per_article[a].add(gid)
        if len(arts) > rules.restatement_max_articles:
            continue
        for i, a in enumerate(arts):
            for b in arts[i + 1:]:
                shared[(a, b)] += 1
    copies = article_components(list(links.values()))  # copies of one text share all facts: no pair links
    for (a, b), n in shared.items():
        if copies.get(a, a) == copies.get(b, b):
            continue
        smaller = min(len(facts_per_article[a]), len(facts_per_article[b]))
        if smaller and n >= rules.restatement_min and n / smaller >= rules.restatement_share and (a, b) not in links:
            links[(a, b)] = {"article_id_a": a, "article_id_b": b, "kind": "restatement", "similarity": n / smaller}
    return list(links.values())


def article_components(links: list[dict]) -> dict[str, str]:
    uf = UnionFind()
    for l in links:
        uf.union(l["article_id_a"], l["article_id_b"])
    return {a: uf.find(a) for a in list(uf.parent)}
