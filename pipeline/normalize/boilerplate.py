"""Body extraction for plain text: which lines are the article, which are the page.

The text is cut into lines and each line gets a kind: None for body, or one
of header/title/byline/meta/summary/ui (head), qa/related/social/attribution
(tail), foreign (UI text in another script). Rules come from
config/boilerplate.toml, so new languages and outlets need no code.

1. Tail: a related/qa marker past `tail_min_position` cuts to the end (a block
   of relative timestamps does too when no marker is found), then social,
   attribution and UI lines are peeled off the end.
2. Head: from the top, title, nav/UI, meta (dates, views), byline, summary and
   dek lines are taken while they last; the body starts at the first line that
   is none of them.
3. Middle: short lines mostly in another script than the body, UI lines and
   repeats of the title are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config_files import read_config
from .metadata import clean_name, parse_date
from .prose import ProseSettings
from ..text.scripts import foreign_share, main_script

_KEY_STRIP = re.compile(r"[\W_]+", re.UNICODE)


def marker_key(line: str) -> str:
    """Compare lines as markers: letters and digits only, case-folded, single spaces."""
    return " ".join(_KEY_STRIP.sub(" ", line).split()).casefold()


@dataclass(frozen=True)
class Rules:
    head_max_lines: int
    max_title_chars: int
    dek_lookahead: int
    dek_max_chars: int
    summary: frozenset[str]
    summary_prefixes: tuple[str, ...]
    qa: frozenset[str]
    related: frozenset[str]
    ui: frozenset[str]
    tail_min_position: float
    byline: tuple[re.Pattern, ...]
    published_kw: re.Pattern
    updated_kw: re.Pattern
    meta_line: tuple[re.Pattern, ...]
    relative_time: re.Pattern
    social: tuple[re.Pattern, ...]
    social_max_chars: int
    attribution: tuple[re.Pattern, ...]
    attribution_author: re.Pattern
    outlet: tuple[re.Pattern, ...]
    foreign_share: float
    min_letters: int
    foreign_max_chars: int
    prose: ProseSettings


def _alternation(words: list[str]) -> re.Pattern:
    parts = sorted((re.escape(w) for w in words), key=len, reverse=True)
    return re.compile("(?:" + "|".join(parts) + ")", re.IGNORECASE)


def load_rules(config_dir: str | Path) -> Rules:
    cfg = read_config(Path(config_dir) / "boilerplate.toml")
    head, markers, pats, scripts = cfg["head"], cfg["markers"], cfg["patterns"], cfg["scripts"]
    comp = lambda xs: tuple(re.compile(x, re.IGNORECASE) for x in xs)  # noqa: E731
    keys = lambda xs: frozenset(marker_key(x) for x in xs)  # noqa: E731
    return Rules(
        head_max_lines=head["max_lines"], max_title_chars=head["max_title_chars"],
        dek_lookahead=head["dek_lookahead"], dek_max_chars=head["dek_max_chars"],
        summary=keys(markers["summary"]), summary_prefixes=tuple(markers["summary_prefixes"]),
        qa=keys(markers["qa"]), related=keys(markers["related"]), ui=keys(markers["ui"]),
        tail_min_position=markers["tail_min_position"],
        byline=comp(pats["byline"]),
        published_kw=_alternation(pats["published_keywords"]),
        updated_kw=_alternation(pats["updated_keywords"]),
        meta_line=comp(pats["meta_line"]),
        relative_time=re.compile("|".join(f"(?:{p})" for p in pats["relative_time"]), re.IGNORECASE),
        social=comp(pats["social"]), social_max_chars=pats["social_max_chars"],
        attribution=comp(pats["attribution"]),
        attribution_author=re.compile(pats["attribution_author"], re.IGNORECASE),
        outlet=tuple(re.compile(p) for p in pats["outlet"]),
        foreign_share=scripts["foreign_share"], min_letters=scripts["min_letters"],
        foreign_max_chars=scripts["foreign_max_chars"],
        prose=ProseSettings(**{k: v for k, v in cfg["prose"].items() if k != "stoplists"},
                            stoplists=dict(cfg["prose"]["stoplists"])),
    )


@dataclass
class Line:
    start: int  # offsets in the cleaned text
    end: int
    text: str
    kind: str | None = None  # None: body
    label: str | None = None  # the marker that opened this line's section


@dataclass
class Found:
    """Metadata the page states about itself."""

    title: str | None = None
    author: str | None = None
    published: str | None = None
    updated: str | None = None
    outlet: str | None = None


@dataclass
class Layout:
    lines: list[Line]
    found: Found = field(default_factory=Found)

    def body(self) -> list[Line]:
        return [l for l in self.lines if l.kind is None]


def split_lines(text: str) -> list[Line]:
    out = []
    for m in re.finditer(r"[^\n]+", text):
        s = m.group(0)
        if s.strip():
            out.append(Line(m.start(), m.end(), s.strip()))
    return out


def segment(text: str, rules: Rules, *, known_title: str | None = None) -> Layout:
    """Give every non-empty line of the cleaned text its kind (None = body)."""
    lines = split_lines(text)
    layout = Layout(lines)
    if not lines:
        return layout
    end = _cut_tail(lines, rules)
    start = _take_head(lines, end, rules, layout.found, known_title)
    _drop_middle(lines, start, end, rules, layout.found.title or known_title)
    _tail_metadata(lines, rules, layout.found)
    return layout


# -- 1. tail ---------------------------------------------------------------

def _cut_tail(lines: list[Line], rules: Rules) -> int:
    n = len(lines)
    min_pos = int(n * rules.tail_min_position)
    related = next((i for i in range(min_pos, n) if marker_key(lines[i].text) in rules.related), None)
    if related is None:
        related = _timestamp_block(lines, rules, min_pos)
    stop = n if related is None else related
    qa = next((i for i in range(min_pos, stop) if marker_key(lines[i].text) in rules.qa), None)
    if related is not None:
        _mark(lines, related, n, "related")
    if qa is not None:
        _mark(lines, qa, stop, "qa")
    end = min(x for x in (qa, related, n) if x is not None)
    while end > 0:  # peel social / attribution / UI lines off the end
        line = lines[end - 1]
        kind = _tail_kind(line.text, rules)
        if kind is None:
            break
        line.kind = kind
        end -= 1
    return end


def _timestamp_block(lines: list[Line], rules: Rules, min_pos: int) -> int | None:
    """Related-article lists without a marker: short lines with relative times."""
    stamps = [i for i in range(max(min_pos, len(lines) // 2), len(lines))
              if len(lines[i].text) <= 80 and rules.relative_time.search(lines[i].text)]
    if len(stamps) < 2:
        return None
    first = stamps[0]
    # an item is (title, teaser, source + time): start at the first item's title
    start = max(min_pos, first - 2)
    while start < first and len(lines[start].text) > rules.max_title_chars:
        start += 1
    return start


def _tail_kind(text: str, rules: Rules) -> str | None:
    if any(p.search(text) for p in rules.attribution):
        return "attribution"
    if marker_key(text) in rules.ui:
        return "ui"
    if len(text) <= rules.social_max_chars and any(p.search(text) for p in rules.social):
        return "social"
    return None


def _mark(lines: list[Line], a: int, b: int, kind: str) -> None:
    label = lines[a].text
    for line in lines[a:b]:
        line.kind, line.label = kind, label


# -- 2. head ---------------------------------------------------------------

def _byline(text: str, rules: Rules) -> str | None:
    if len(text) > 100:
        return None
    for p in rules.byline:
        m = p.match(text)
        if m:
            return clean_name(m.group("author"))
    return None


_BARE_META_CHARS = 60  # a published-keyword line with no date in it is meta only when this short


def _meta(text: str, rules: Rules, found: Found) -> bool:
    """A dates/views line: fill published/updated/outlet; True if it is one."""
    pub = rules.published_kw.search(text)
    after = text[pub.end():] if pub else ""
    date_after = parse_date(after) if pub and len(text) <= 200 else None
    if pub and len(text) <= 200 and (date_after or len(text) <= _BARE_META_CHARS):
        # "Posted on 3 May 2024" or a short "Posted 2 hours ago"; not a sentence that uses
        # the word ("Rival Castell posted fourth-quarter revenue of $4.1 billion ...")
        upd = rules.updated_kw.search(text, pub.end())
        after = text[pub.end(): upd.start() if upd else len(text)]
        found.published = found.published or parse_date(after)
        if upd:
            found.updated = found.updated or parse_date(text[upd.end():])
        prefix = clean_name(text[: pub.start()])
        if prefix and len(prefix) <= 40 and not parse_date(prefix) and not any(p.search(prefix) for p in rules.meta_line):
            found.outlet = found.outlet or prefix
        return True
    return len(text) <= 200 and any(p.search(text) for p in rules.meta_line)


def _title_like(text: str, rules: Rules) -> bool:
    return (4 <= len(text) <= rules.max_title_chars and not text.endswith((".", ",", ";", ":"))
            and len(text.split()) >= 2 or (len(text) <= rules.max_title_chars and _has_cjk_title(text)))


def _has_cjk_title(text: str) -> bool:
    return main_script(text) == "cjk" and not text.endswith(("。", "，")) and len(text) >= 4


def _same(a: str | None, b: str) -> bool:
    return a is not None and marker_key(a) == marker_key(b)


def _take_head(lines: list[Line], end: int, rules: Rules, found: Found, known_title: str | None) -> int:
    limit = min(end, rules.head_max_lines)
    i = 0
    while i < limit:
        line = lines[i]
        text = line.text
        key = marker_key(text)
        author = _byline(text, rules)
        if key in rules.ui:
            line.kind = "ui"
        elif author:
            line.kind = "byline"
            found.author = found.author or author
        elif _meta(text, rules, found):
            line.kind = "meta"
        elif key in rules.summary and i + 1 < end:
            _mark(lines, i, i + 2, "summary")
            i += 2
            continue
        elif text.startswith(rules.summary_prefixes):
            line.kind = "summary"
        elif _same(found.title or known_title, text):
            line.kind = "title"
            found.title = found.title or text
        elif found.title is None and i + 1 < end and _title_like(text, rules) \
                and not any(l.kind == "byline" for l in lines[:i]):
            line.kind = "title"
            found.title = text
        elif len(text) <= rules.dek_max_chars and _head_follows(lines, i, end, rules, found, known_title):
            line.kind = "header"
        else:
            break
        i += 1
    return i


def _head_follows(lines: list[Line], i: int, end: int, rules: Rules, found: Found, known_title: str | None) -> bool:
    """Does a byline, meta line or title repeat follow within the lookahead?"""
    for line in lines[i + 1: min(end, i + 1 + rules.dek_lookahead)]:
        probe = Found()
        if _byline(line.text, rules) or _meta(line.text, rules, probe) or _same(found.title or known_title, line.text):
            return True
    return False


# -- 3. middle and metadata --------------------------------------------------

def _drop_middle(lines: list[Line], start: int, end: int, rules: Rules, title: str | None) -> None:
    body_text = "\n".join(l.text for l in lines[start:end])
    main = main_script(body_text)
    for line in lines[start:end]:
        if marker_key(line.text) in rules.ui:
            line.kind = "ui"
        elif _same(title, line.text):
            line.kind = "title"
        elif main and len(line.text) <= rules.foreign_max_chars:
            share, letters = foreign_share(line.text, main)
            if letters >= rules.min_letters and share > rules.foreign_share:
                line.kind = "foreign"


def _tail_metadata(lines: list[Line], rules: Rules, found: Found) -> None:
    """Author from an attribution line, outlet from community/footer lines."""
    for line in lines:
        if line.kind == "attribution" and not found.author:
            m = rules.attribution_author.search(line.text)
            if m:
                found.author = clean_name(m.group("author"))
        if line.kind in ("social", "attribution", "related", None) and not found.outlet:
            for p in rules.outlet:
                m = p.search(line.text)
                if m and line.kind != "related":
                    found.outlet = clean_name(m.group("outlet"))
                    break
