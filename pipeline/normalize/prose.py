"""Which lines of a plain-text page are the article: the runs of prose, found from evidence
that holds on any site in any language with a stop list.

Marker lists only know the sites they were written from. What carries to a site never seen:
article prose is made of long lines dense in the language's stop words ("the", "und", "de",
...), while menus, teasers, buttons and footers are short, or long and nearly free of stop
words, or repeated on the page; and an article is a run of such lines, not one line here and
there. So each line gets a value: its length times how far its stop-word share is above
`min_density` (negative below), a fixed cost when it is short or repeated on the page. The
article is the run of lines with the largest total (the maximum-sum window), plus any other
run worth at least `window_min_share` of it (an article split by a picture credit or an ad
block); inside those runs short lines stay (headings, list items, a one-line paragraph) and
only long lines with almost no stop words go. Stop lists are jusText's (the `justext`
package, about 100 languages).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..text.stopwords import stoplist

_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)]*$")
_EDGE = "\"'()[]«»„“”‚‘’.,;:!?¿¡…-–—"


@dataclass(frozen=True)
class ProseSettings:
    min_density: float  # stop-word share above which a long line adds to the article
    short_chars: int  # lines shorter than this are judged by the run they are in
    short_cost: float  # what a short (or repeated) line costs a run
    drop_density: float  # inside a run, a long line under this stop-word share is cut
    window_min_share: float  # another run is kept when worth this share of the best one
    article_sentence_share: float  # a text with this share of sentence lines is an article already
    stoplists: dict[str, str]  # ISO 639-1 -> justext stop list name




def stopword_share(line: str, stops: frozenset[str]) -> float:
    words = line.split()
    if not words:
        return 0.0
    return sum(w.strip(_EDGE).lower() in stops for w in words) / len(words)


def prose_lines(lines: list[str], language: str | None, settings: ProseSettings) -> list[bool] | None:
    """True for each line of the article; None when there is no opinion to give: the language has
    no stop list, or the text is an article already (most of its lines end like sentences, as
    no copied page does: a page's menus, teasers and buttons do not)."""
    name = settings.stoplists.get(language or "")
    if name is None or not lines:
        return None
    if sum(bool(_SENTENCE_END.search(t)) for t in lines) >= settings.article_sentence_share * len(lines):
        return None
    stops = stoplist(name)
    seen = Counter(_key(t) for t in lines)
    share = [stopword_share(t, stops) for t in lines]
    values = []
    for t, d in zip(lines, share):
        sentence = bool(_SENTENCE_END.search(t))
        v = len(t) * (d - settings.min_density) if len(t) >= settings.short_chars or (sentence and d > 0) \
            else -settings.short_cost
        values.append(min(v, -settings.short_cost) if seen[_key(t)] > 1 else v)
    runs = _runs(values, settings.window_min_share)
    return [any(a <= i < b for a, b in runs)
            and not (len(t) >= settings.short_chars and d < settings.drop_density)
            for i, (t, d) in enumerate(zip(lines, share))]


def _key(line: str) -> str:
    return " ".join(line.split()).casefold()


def _best_window(values: list[float], lo: int, hi: int) -> tuple[float, tuple[int, int] | None]:
    """Maximum-sum run of values[lo:hi] (Kadane)."""
    best, span, total, start = 0.0, None, 0.0, lo
    for i in range(lo, hi):
        if total <= 0:
            total, start = 0.0, i
        total += values[i]
        if total > best:
            best, span = total, (start, i + 1)
    return best, span


def _runs(values: list[float], min_share: float) -> list[tuple[int, int]]:
    """The best run, then the best runs left and right of it while each is worth min_share of it."""
    top, _ = _best_window(values, 0, len(values))
    runs: list[tuple[int, int]] = []
    todo = [(0, len(values))]
    while todo:
        lo, hi = todo.pop()
        worth, span = _best_window(values, lo, hi)
        if span is not None and worth >= min_share * top:
            runs.append(span)
            todo += [(lo, span[0]), (span[1], hi)]
    return runs
