"""Stories: the articles that report one happening (what news services call an event cluster).

Evidence, all read from what the pipeline stored: the article's words (the language's stop
words out), its named entities after cross-article linking (weighted up: who and where tell
two similar happenings apart, "Hugh Jackman" from "Ellen DeGeneres" hosting the Oscars), its
figures ("23 pirates", "26 pirates"), and its publication date (articles further apart than
`max_days_apart` never share a story). Near-duplicates and translations (`article_links`) are
in their original's story whatever their words.

Weights do not depend on the corpus: a feature weighs by its rarity in the language at large
(wordfreq's frequency lists: `rarity_ceiling` minus the word's Zipf frequency; a name by its
words, a figure as rare as an unknown word), not by its document frequency here. So adding
articles never changes the vectors, nor the similarities, of the articles already stored,
which is what lets reconciliation redo only the part of the corpus a batch touches.

Cost: candidate pairs come from an inverted index over the features only a few articles share
(a feature in more than `max_postings` articles is left out of blocking, though it still counts
in the similarity), so the work grows with the articles, not their square. Average-link
clustering over that sparse graph (a heap of cluster pairs) merges while the mean similarity of
two stories stays above `threshold`.

A story's id is the content id of its first article (by article id), so it stays while later
articles join it.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import duckdb

from ..config import StorySettings
from ..records import content_id

_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")


@dataclass(frozen=True)
class ArticleInfo:
    article_id: str
    text: str
    language: str | None
    published: date | None


def load_features(con: duckdb.DuckDBPyConnection, settings: StorySettings, stopwords,
                  articles: list[str] | None = None
                  ) -> tuple[dict[str, dict[str, float]], dict[str, ArticleInfo], dict[str, dict[str, str]]]:
    """Per article (all, or the listed ones): unit-length vectors of its words, entities and
    figures, each weighted (1 + log count) x rarity; entities and figures count more."""
    where, params = "", []
    if articles is not None:
        where, params = " WHERE article_id IN (SELECT unnest(?))", [list(articles)]
    info = {r[0]: ArticleInfo(*r) for r in con.execute(
        "SELECT article_id, clean_text, language, CAST(published AS DATE) FROM articles" + where, params).fetchall()}
    counts: dict[str, Counter] = {}
    names: dict[str, dict[str, str]] = defaultdict(dict)
    for aid, a in info.items():
        stops = stopwords(a.language)
        counts[aid] = Counter("w:" + w for w in (x.lower() for x in _WORD.findall(a.text)) if w not in stops)
    for aid, eid, name, n in con.execute(
            "SELECT article_id, entity_id, mode(entity_name), count(*) FROM mentions" + where + " GROUP BY ALL",
            params).fetchall():
        if aid in counts:
            counts[aid]["e:" + eid] += n * settings.entity_weight
            names[aid][eid] = name or ""  # the name as this article writes it: its own evidence
    for aid, value in con.execute(
            "SELECT article_id, value FROM quantities" + (where + " AND" if where else " WHERE")
            + " value IS NOT NULL", params).fetchall():
        if aid in counts and value >= settings.figure_min and not (1800 <= value <= 2100 and value == int(value)):
            counts[aid][f"n:{value:g}"] += settings.figure_weight  # a year is a date, not a figure
    vectors = {aid: _vector(c, info[aid].language, names[aid], settings.rarity_ceiling) for aid, c in counts.items()}
    return vectors, info, names


def _vector(counts: Counter, language: str | None, names: dict[str, str], ceiling: float) -> dict[str, float]:
    v = {}
    for k, c in counts.items():
        if k.startswith("w:"):
            r = rarity(k[2:], language, ceiling)
        elif k.startswith("e:"):
            r = max((rarity(w.lower(), language, ceiling) for w in _WORD.findall(names.get(k[2:], ""))),
                    default=ceiling)  # a name is as telling as its rarest word
        else:
            r = ceiling  # a figure: as rare as an unknown word
        if r > 0 and c > 0:
            v[k] = (1 + math.log(c)) * r
    norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
    return {k: x / norm for k, x in v.items()}


def rarity(word: str, language: str | None, ceiling: float) -> float:
    """ceiling minus the word's Zipf frequency in the language (0 for 'the', the ceiling for
    a word wordfreq has never seen)."""
    freqs = _frequencies(language or "en")
    f = freqs.get(word)
    return max(0.0, ceiling - (math.log10(f * 1e9) if f else 0.0))


@lru_cache(maxsize=16)
def _frequencies(language: str) -> dict[str, float]:
    """wordfreq's word -> frequency list for the language, loaded once; none (every word
    equally rare) for a language it has no list for."""
    import wordfreq

    try:
        return wordfreq.get_frequency_dict(language, wordlist="best")
    except (LookupError, ValueError, OSError):
        return {}


def similarities(vectors: dict[str, dict[str, float]], info: dict[str, ArticleInfo], settings: StorySettings,
                 df: dict[str, int] | None = None, among: set[str] | None = None) -> dict[tuple[str, str], float]:
    """Cosine of article pairs that share a feature held by at most `max_postings` articles
    (counted in `df`, the whole corpus's counts, when given; else among these articles), within
    `max_days_apart`; pairs below `min_edge` are left out: they count as unrelated. With
    `among`, only the pairs with at least one article of it."""
    postings: dict[str, list[str]] = defaultdict(list)
    for aid in sorted(vectors):
        for k in vectors[aid]:
            postings[k].append(aid)
    blocked: set[tuple[str, str]] = set()
    for k, plist in postings.items():
        n = df.get(k, len(plist)) if df is not None else len(plist)
        if 2 <= len(plist) and n <= settings.max_postings:
            for i, a in enumerate(plist):
                for b in plist[i + 1:]:
                    blocked.add((a, b))
    sims = {}
    named: dict[str, frozenset[str]] = {}

    def names_of(aid: str) -> frozenset[str]:
        if aid not in named:
            named[aid] = frozenset(k for k in vectors[aid] if k.startswith("e:"))
        return named[aid]

    for a, b in blocked:
        if among is not None and a not in among and b not in among:
            continue
        if not _close_in_time(info[a].published, info[b].published, settings.max_days_apart):
            continue
        s = _cos(vectors[a], vectors[b]) * _names_factor(names_of(a), names_of(b), settings.disjoint_names)
        if s > 0 and s >= settings.min_edge:
            sims[(a, b)] = s
    return sims


def _names_factor(na: frozenset[str], nb: frozenset[str], factor: float) -> float:
    """Two articles that both name people, places or organisations (their "e:" features) and
    share none of them are likely two happenings told in the same stock words (two quakes, two
    companies' results): their similarity counts `factor` times."""
    return factor if factor < 1.0 and na and nb and not na & nb else 1.0


def _close_in_time(a: date | None, b: date | None, days: int) -> bool:
    return a is None or b is None or abs((a - b).days) <= days


def average_link(ids: list[str], sims: dict[tuple[str, str], float], threshold: float) -> list[list[str]]:
    """Agglomerative clustering, mean pair similarity (absent pairs count 0), over a sparse graph."""
    members = {a: [a] for a in ids}
    total: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), s in sorted(sims.items()):  # one order of float sums, whatever the batch
        total[a][b] = total[a].get(b, 0.0) + s
        total[b][a] = total[b].get(a, 0.0) + s
    heap = [(-s / 1.0, a, b) for (a, b), s in sims.items() if s > threshold]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        avg = total[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if abs(avg + neg) > 1e-12:  # stale: the pair's sizes changed since it was pushed
            continue
        if a > b:
            a, b = b, a
        members[a].extend(members.pop(b))  # b joins a
        for c, s in total.pop(b).items():
            total[c].pop(b, None)
            if c != a:
                total[a][c] = total[a].get(c, 0.0) + s
                total[c][a] = total[a][c]
        total[a].pop(a, None)
        for c, s in total[a].items():
            avg = s / (len(members[a]) * len(members[c]))
            if avg > threshold:
                heapq.heappush(heap, (-avg, min(a, c), max(a, c)))
    return [sorted(m) for m in members.values()]


def attach_small(clusters: list[list[str]], vectors: dict[str, dict[str, float]],
                 sims: dict[tuple[str, str], float], settings: StorySettings) -> list[list[str]]:
    """A story of one or two short articles joins the story whose centroid it is closest to, if
    close enough: a brief shares few words with anything, so average link leaves it alone."""
    if settings.attach_threshold <= 0:
        return clusters
    big = [c for c in clusters if len(c) > settings.attach_max_size]
    small = [c for c in clusters if len(c) <= settings.attach_max_size]
    if not big:
        return clusters
    where = {a: i for i, c in enumerate(big) for a in c}
    near: dict[str, set[str]] = defaultdict(set)
    for x, y in sims:
        near[x].add(y)
        near[y].add(x)
    centroids = [_centroid(c, vectors) for c in big]
    out = [list(c) for c in big]
    for c in small:
        candidates = {where[b] for a in c for b in near[a] if b in where}  # blocked pairs only
        cv = _centroid(c, vectors)
        names = frozenset(k for k in cv if k.startswith("e:"))
        best = max(((_cos(cv, centroids[i]) * _names_factor(names, frozenset(k for k in centroids[i] if k.startswith("e:")),
                                                          settings.disjoint_names), i)
                    for i in candidates), default=(0.0, -1))
        if best[0] >= settings.attach_threshold:
            out[best[1]].extend(c)
        else:
            out.append(list(c))
    return [sorted(c) for c in out]


def _centroid(arts: list[str], vectors: dict[str, dict[str, float]]) -> dict[str, float]:
    c: Counter = Counter()
    for a in arts:
        c.update(vectors[a])
    norm = math.sqrt(sum(x * x for x in c.values())) or 1.0
    return {k: x / norm for k, x in c.items()}


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(k, 0.0) for k, x in a.items())


def build_stories(ids: list[str], vectors: dict[str, dict[str, float]], info: dict[str, ArticleInfo],
                  names: dict[str, dict[str, str]], sims: dict[tuple[str, str], float], settings: StorySettings,
                  components: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """(stories rows, story_articles rows) of these articles. `components`: article -> its group
    of copies (a copy or translation is in its original's story)."""
    sims = dict(sims)
    for a, root in components.items():
        if a != root and a in vectors and root in vectors:
            sims[(min(a, root), max(a, root))] = 1.0 + settings.threshold
    clusters = attach_small(average_link(sorted(ids), sims, settings.threshold), vectors, sims, settings)
    stories, links = [], []
    for arts in clusters:
        sid = content_id("story", arts[0])
        dates = [info[a].published for a in arts if info[a].published]
        stories.append({
            "story_id": sid, "label": _label(arts, vectors, names),
            "first_published": min(dates) if dates else None, "last_published": max(dates) if dates else None,
            "n_articles": len(arts), "n_independent_sources": len({components.get(a, a) for a in arts}),
        })
        links.extend({"story_id": sid, "article_id": a} for a in arts)
    return stories, links


def _label(arts: list[str], vectors: dict[str, dict[str, float]], names: dict[str, dict[str, str]]) -> str:
    """The story's most telling entities (summed weight over its articles, each named as its
    articles name it most), else its top words."""
    weight: Counter = Counter()
    said: dict[str, Counter] = defaultdict(Counter)
    for a in arts:
        weight.update(vectors[a])
        for eid, name in names.get(a, {}).items():
            said[eid][name] += 1
    ents = [min(said[k[2:]].items(), key=lambda x: (-x[1], x[0]))[0]
            for k, _ in sorted(weight.items(), key=lambda x: (-x[1], x[0])) if k.startswith("e:") and said.get(k[2:])]
    seen = list(dict.fromkeys(ents))[:3]
    if seen:
        return " / ".join(seen)
    return " ".join(k[2:] for k, _ in sorted(weight.items(), key=lambda x: (-x[1], x[0]))[:3] if k.startswith("w:"))
