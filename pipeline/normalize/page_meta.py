"""Metadata a plain-text page states about itself: headline, author, publication date, outlet.

The input is the text a browser's "select all, copy" gives of a page: menus, banners, teasers and
the article mixed in. Only general evidence is used, so the rules carry to sites and languages
never seen:

- Title: a title-like line (a few words, no closing period) whose words come back in the prose that
  follows it, with prose close below it, a date or byline beside it, or the same words repeated on
  the page (the page's <title> as "Headline | Site"). A long title-like line right under another
  is the standfirst under its headline and scores lower. Menu items and section labels are short and
  their words do not recur in the body, so they score low. No candidate strong enough: None.
- Author: a byline ("By", "Von", "Par", "Por", "Autor:", "Text:", ...) near the title or after the
  body, or a bare name beside the date line under the title, else a bare name line right under
  the title whose words are not in the prose, else a line opening with a byline word inside or
  right after the article's prose ("Text: Anna Schmidt" closing it).
- Date: a short date-like line near the title (dateparser in the page's language and English, read
  up to the first year so a clock time or an "updated" date after it does not derail it); none
  there: the nearest date line above the body, else the first below it.
- Outlet: the site name of a "Headline | Site" line.

Word lists and thresholds are the [page_meta] table of config/boilerplate.toml.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..config_files import read_config
from .metadata import clean_name, parse_date

_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SENTENCE_END = re.compile(r"[.!?。！？…\"'”“»«)]\s*$")
_SENTENCE_BREAK = re.compile(r"[.!?。！？]\s")
_YEAR = re.compile(r"(?<!\d)(?:19[5-9]\d|20\d\d)(?!\d)")
_SHORT_NUMERIC = re.compile(r"(?<!\d)\d{1,2}[./]\d{1,2}[./]\d{2}(?!\d)")
# a year glued to what follows: "202207:59" -> "2022 07:59", "20199. Februar" -> "2019 9. Februar"
_GLUED_TIME = re.compile(r"((?:19|20)\d\d)(?=\d{1,2}(?:[:.h/]|\s))")
_URLISH = re.compile(r"https?://|www\.|\.(?:com|org|net|de|html?)\b|@\w", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[|–—\-:·•»/]\s+|\s*[|｜]\s*")
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w'’\-]*\.?|[^\W\d_]\.)$", re.UNICODE)


@dataclass(frozen=True)
class PageMetaSettings:
    byline_prefixes: tuple[str, ...]
    languages: tuple[str, ...]  # those with byline words: month names are looked up in them
    name_particles: frozenset[str]
    name_joiners: tuple[str, ...]
    title_min_words: int
    title_max_words: int
    title_max_chars: int
    title_min_score: float
    lookback_lines: int
    lookinto_lines: int
    block_max_gap: int
    headline_words: int
    meta_after_title: int
    main_block_share: float
    credit_prefixes: tuple[str, ...]
    body_sample_chars: int
    prose_min_chars: int
    date_max_chars: int
    near_lines: int
    author_max_chars: int
    title_weights: dict[str, float]
    path_marks: str


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    judged: bool = False  # the page had a body to judge title candidates against


@functools.lru_cache(maxsize=8)
def load_page_meta_settings(config_dir: str | Path) -> PageMetaSettings:
    cfg = read_config(Path(config_dir) / "boilerplate.toml")["page_meta"]
    prefixes = [p for words in cfg["byline_prefixes"].values() for p in words]
    return PageMetaSettings(
        byline_prefixes=tuple(sorted(set(prefixes), key=len, reverse=True)),
        languages=tuple(cfg["byline_prefixes"]),
        name_particles=frozenset(w.casefold() for w in cfg["name_particles"]),
        name_joiners=tuple(cfg["name_joiners"]),
        title_min_words=cfg["title_min_words"], title_max_words=cfg["title_max_words"],
        title_max_chars=cfg["title_max_chars"], title_min_score=cfg["title_min_score"],
        lookback_lines=cfg["lookback_lines"], lookinto_lines=cfg["lookinto_lines"],
        block_max_gap=cfg["block_max_gap"], headline_words=cfg["headline_words"],
        meta_after_title=cfg["meta_after_title"],
        main_block_share=cfg["main_block_share"],
        credit_prefixes=tuple(w.casefold() for w in cfg["credit_prefixes"]), body_sample_chars=cfg["body_sample_chars"],
        prose_min_chars=cfg["prose_min_chars"],
        date_max_chars=cfg["date_max_chars"], near_lines=cfg["near_lines"],
        author_max_chars=cfg["author_max_chars"],
        title_weights=dict(cfg["title_weights"]), path_marks=cfg["path_marks"],
    )


def _key(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _terms(text: str) -> list[str]:
    """Content terms of a line: words of 4+ characters; CJK text as character pairs."""
    out = []
    for w in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        if _CJK.search(w):
            out.extend(w[i:i + 2] for i in range(max(1, len(w) - 1)))
        elif len(w) >= 4 and not w.isdigit():
            out.append(w)
    return out


class _Page:
    """The lines with what is computed once per line."""

    def __init__(self, lines: list[str], language: str | None, s: PageMetaSettings):
        self.lines = [l.replace("\u00ad", "").strip() for l in lines]  # soft hyphens split words
        self.language = language
        self.s = s
        self.keys = [_key(l) for l in self.lines]
        self.prose = [self._is_prose(l) for l in self.lines]
        self._dates: dict[int, str | None] = {}
        self._bylines: dict[int, str | None] = {}
        self.byline_re = re.compile(
            r"^(?:" + "|".join(re.escape(p) for p in s.byline_prefixes)
            + r")(?:\s*[:：]\s*|\s+|(?-i:(?=[A-ZÀ-ÖØ-Þ][\w.]*[a-zß-ÿ.])))(?P<rest>.+)$",  # "ByJ.R. Stone"
            re.IGNORECASE)
        self.inner_byline_re = re.compile(
            r"(?:[|·•⋅,;/–—]|\s-|\d\.?)\s*(?:" + "|".join(re.escape(p) for p in s.byline_prefixes)
            + r")(?:\s*[:：]\s*|\s+)(?P<rest>.+)$", re.IGNORECASE)

    def _is_prose(self, line: str) -> bool:
        if _CJK.search(line):
            return len(line) >= self.s.prose_min_chars // 3 and bool(re.search(r"[。！？，]", line))
        if len(line) < self.s.prose_min_chars or len(line.split()) < 10:
            return False
        return bool(_SENTENCE_END.search(line[-3:])) or len(_SENTENCE_BREAK.findall(line)) >= 2

    def date(self, i: int) -> str | None:
        """The full date a short date-like line states, else None."""
        if i not in self._dates:
            self._dates[i] = self._parse_date(self.lines[i])
        return self._dates[i]

    def _parse_date(self, line: str) -> str | None:
        if len(line) > self.s.date_max_chars or not re.search(r"\d", line):
            return None
        if not (_YEAR.search(line) or _SHORT_NUMERIC.search(line)):
            return None
        text = _GLUED_TIME.sub(r"\1 ", line)
        text = re.sub(r"(?<=[^\W\d_])(?=\d)", " ", text)  # "Collignon22. Februar 2020"
        # English month names turn up on pages in any language (themes, date widgets)
        langs = list(dict.fromkeys([self.language, "en"])) if self.language else None
        us = self.language == "en" and re.search(r"(?<!\d)\d{1,2}/\d{1,2}/\d{4}(?!\d)", text)
        if us:  # 03/04/2020 on an English page: month first
            m = re.search(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)", text)
            text = f"{m[3]}-{m[1]}-{m[2]}"
        m = _SHORT_NUMERIC.search(text)
        if m and not _YEAR.search(text):  # 12.03.21
            d, mo, y = re.split(r"[./]", m.group(0))
            text = f"20{y}-{mo}-{d}"
        # "Jan. 2015" -> "Jan 2015": dateparser misses abbreviated months with their dot
        text = re.sub(r"\b([^\W\d_]{3,5})\.(?=\s*\d)", r"\1", text)
        text = re.sub(r"(?<=[^\W\d_])([|/·•])(?=[^\W\d_])", r" \1 ", text)  # "Doe/June 5": words apart
        # the text up to the first year first: a clock time or a second date after it
        # ("9 décembre 2019 à 09h08", "June 12, 2020 9:49 am EST/Updated: ...") derails dateparser
        y = _YEAR.search(text)
        for part in ([text[:y.end()]] if y and y.start() > 0 else []) + [text]:
            try:
                found = parse_date(part, languages=langs)
            except Exception:  # dateparser on odd input: no date rather than a failed page
                found = None
            if found:
                return found
        return None

    def byline(self, i: int) -> str | None:
        if i not in self._bylines:
            self._bylines[i] = self._parse_byline(self.lines[i])
        return self._bylines[i]

    def _parse_byline(self, line: str) -> str | None:
        if len(line) > self.s.author_max_chars:
            return None
        m = self.byline_re.match(line)
        if m is None:
            m = self.inner_byline_re.search(line)
            if m is None or len(line) > 100:
                return None
        return _name_prefix(m.group("rest"), self.s)


def _name_prefix(text: str, s: PageMetaSettings) -> str | None:
    """The person name(s) at the start of text: capitalised tokens, particles, joined by 'und'/'and'/','."""
    text = _GLUED_TIME.sub(r"\1 ", text)
    text = re.sub(r"(?<=[^\W\d_])(?=\d)", " ", text)  # "KARRASCH3.11.2023"
    toks = text.split()
    names: list[list[str]] = [[]]
    for k, tok in enumerate(toks):
        bare = tok.rstrip(",;|")
        if k + 1 < len(toks) and toks[k + 1][0].isdigit() and _is_month(bare, s.languages):
            break  # "Amelie Nishizawa Feb 3, 2021": the date starts
        cut = bare != tok
        low = bare.casefold()
        if names[-1] and low in s.name_joiners:
            names.append([])
            continue
        if not _NAME_TOKEN.match(bare):
            break
        if bare[0].isupper() or (names[-1] and low in s.name_particles):
            names[-1].append(bare)
        else:
            break
        if cut:
            # "A, B and C" is a list; "Anna Schmidt, Projektleiterin der HSS" is a name and a role
            if tok.endswith(",") and len(names[-1]) >= 2 \
                    and any(t.casefold() in s.name_joiners for t in toks[k + 1:]):
                names.append([])
                continue
            break
    names = [n for n in names if n]
    if not names and toks:  # a lower-case handle alone after the byline word ("by mady")
        handle = toks[0].rstrip(",;|")
        if len(toks) == 1 or toks[1] in "|·•⋅-–—":
            if re.fullmatch(r"[^\W_][\w.\-]{1,30}", handle) and not _URLISH.search(handle) \
                    and not handle[0].isdigit():
                return handle
    while names and names[-1][-1].casefold() in s.name_particles:
        names[-1].pop()
        if not names[-1]:
            names.pop()
    if not names or any(len(n) > 4 for n in names):
        return None
    first = " ".join(names[0])
    if len(names) == 1:
        out = first
    else:
        sep = next((j for j in s.name_joiners if j in text.casefold().split()), None)
        out = f" {sep} ".join(" ".join(n) for n in names) if sep else ", ".join(" ".join(n) for n in names)
    if out and out.endswith(".") and not re.search(r"\b\w\.$", out):
        out = out[:-1]
    return out or None


@functools.lru_cache(maxsize=4096)
def _is_month(token: str, languages: tuple[str, ...]) -> bool:
    """A month name or abbreviation in one of the languages ("Feb", "NOVEMBER", "März")."""
    token = token.rstrip(".,")
    if len(token) < 3 or not token.isalpha():  # "Joe S.", "Ariel H": initials
        return False
    try:
        return (parse_date(f"1 {token} 2020", languages=list(languages)) or "").startswith("2020-")
    except Exception:  # dateparser on odd input: not a month
        return False


def _is_name_line(line: str, s: PageMetaSettings, before_digits: bool = False) -> str | None:
    """A line that is only a person name (2-4 capitalised tokens); before_digits: a date follows it."""
    bare = re.sub(r"[\s|·•,*\d]+$", "", line)  # "ET Online|", "Marwan H. Adwan1"
    if len(bare) > 50 or _URLISH.search(bare) or re.search(r"\d", bare):
        return None
    toks = bare.split()
    if before_digits or re.search(r"\d", line[len(bare):]):  # "Updated Mar 4, 2020": a month ends it
        while toks and _is_month(toks[-1], s.languages):
            toks.pop()
    line = " ".join(toks)
    if not 2 <= len(toks) <= 4:
        return None
    if not all(_NAME_TOKEN.match(t) and (t[0].isupper() or t.casefold() in s.name_particles) for t in toks):
        return None
    return line.rstrip(".") if not re.search(r"\b\w\.$", line) else line


def find_page_metadata(lines: list[str], language: str | None, body_start: int | None,
                       settings: PageMetaSettings) -> PageMeta:
    """Title, author, publication date and outlet a plain-text page states; None where unsure."""
    page = _Page(lines, language, settings)
    if not page.lines:
        return PageMeta()
    title_i, outlet, _ = _find_title(page, body_start)
    anchors = [a for a in (title_i, _body_anchor(page, body_start)) if a is not None]
    published = next((d for a in anchors if (d := _find_date(page, a))), None) \
        or next((d for a in anchors[-1:] if (d := _page_date(page, a))), None)
    author = next((x for a in anchors if (x := _find_author(page, a))), None) \
        or (_name_under_title(page, title_i) if title_i is not None else None) \
        or _byline_in_body(page, anchors[-1] if anchors else None)
    return PageMeta(title=page.lines[title_i] if title_i is not None else None,
                    author=author, published=published, outlet=outlet, judged=bool(anchors))


# -- title ---------------------------------------------------------------------

def _title_like(page: _Page, i: int) -> bool:
    line, s = page.lines[i], page.s
    if not 4 <= len(line) <= s.title_max_chars or _URLISH.search(line):
        return False
    if line.endswith((".", ",", ";", ":")) and not line.endswith(("...", "..")):
        return False
    if _CJK.search(line):
        return len(line) >= 4 and not line.endswith(("。", "，"))
    n = len(line.split())
    if not s.title_min_words <= n <= s.title_max_words:
        return False
    letters = sum(c.isalpha() for c in line)
    return letters >= 0.6 * len(line.replace(" ", ""))


def _blocks(page: _Page) -> list[tuple[int, int, int]]:
    """Runs of prose lines (a gap of at most max_gap other lines inside): (start, end, prose chars)."""
    out: list[tuple[int, int, int]] = []
    start = last = None
    chars = 0
    for i, is_prose in enumerate(page.prose):
        if not is_prose:
            continue
        if start is not None and i - last - 1 > page.s.block_max_gap:
            out.append((start, last + 1, chars))
            start = None
        if start is None:
            start, chars = i, 0
        last = i
        chars += len(page.lines[i])
    if start is not None:
        out.append((start, last + 1, chars))
    return out


def _is_credit(page: _Page, i: int) -> bool:
    """A picture credit line; the lines beside one are its caption, not a title."""
    if not 0 <= i < len(page.lines):
        return False
    line = page.lines[i].casefold()
    # the credit may close a caption: "Weniger Miete, mehr zum Leben! Bild: Photo by ..."
    return "©" in line or line.startswith(page.s.credit_prefixes) \
        or any(f" {p}" in line for p in page.s.credit_prefixes if p.endswith(":"))


def _body_anchor(page: _Page, body_start: int | None) -> int | None:
    """The first line of the first prose block with a fair share of the page's prose (the article
    starts there; comments and teasers come later), else the segmenter's body start."""
    blocks = _blocks(page)
    if blocks:
        most = max(b[2] for b in blocks)
        return next(b[0] for b in blocks if b[2] >= page.s.main_block_share * most)
    return body_start if body_start is not None and body_start < len(page.lines) else None


def _find_title(page: _Page, body_start: int | None) -> tuple[int | None, str | None, float]:
    cands = _title_candidates(page, body_start)
    if not cands:
        return None, None, 0.0
    best = max(cands, key=lambda c: c["score"])
    if best["score"] < page.s.title_min_score:
        return None, None, best["score"]
    return best["i"], best["outlet"], best["score"]


def _title_candidates(page: _Page, body_start: int | None) -> list[dict]:
    """Every title-like line near the body start with what its score is made of (in line order)."""
    s, n = page.s, len(page.lines)
    anchor = _body_anchor(page, body_start)
    if anchor is None:
        return []
    body_terms: set[str] = set()
    chars = 0
    for j in range(anchor, n):
        if page.prose[j]:
            body_terms.update(_terms(page.lines[j]))
            chars += len(page.lines[j])
            if chars >= s.body_sample_chars:
                break
    counts: dict[str, int] = {}
    for k in page.keys:
        counts[k] = counts.get(k, 0) + 1
    out = []
    for i in range(max(0, anchor - s.lookback_lines), min(n, anchor + s.lookinto_lines)):
        if not _title_like(page, i) or page.prose[i] or page.byline(i) or page.date(i) or _is_credit(page, i):
            continue
        terms = set(_terms(page.lines[i]))
        matched = len(terms & body_terms)
        overlap = matched / len(terms) * min(1.0, matched / 2) if terms else 0.0
        between = [j for j in range(i + 1, anchor) if page.keys[j] != page.keys[i]]
        closeness = 1.0 / (1 + len(between) / s.near_lines) if i < anchor else 0.0
        after = range(i + 1, min(n, i + 1 + s.meta_after_title))
        meta_after = any(page.date(j) or page.byline(j) for j in after)
        meta_before = i > 0 and bool(page.date(i - 1) or page.byline(i - 1))
        if not matched and not meta_after:  # no word in the body and no byline or date under it
            continue
        repeated, outlet = _repeated(page, i, counts)
        words = _words(page.lines[i])
        prev = next((j for j in range(i - 1, -1, -1) if page.lines[j]), None)
        after_title = prev is not None and page.keys[prev] != page.keys[i] and _title_like(page, prev) \
            and not (page.prose[prev] or page.byline(prev) or page.date(prev) or _is_credit(page, prev)) \
            and _words(page.lines[prev]) >= s.headline_words
        feats = dict(overlap=overlap, closeness=closeness, length=min(1.0, words / s.headline_words),
                     after_title=float(after_title),
                     meta_after=float(meta_after), meta_before=float(meta_before), repeated=float(repeated),
                     path=float(any(c in page.lines[i] for c in s.path_marks)))
        score = sum(s.title_weights.get(k, 0.0) * v for k, v in feats.items())
        out.append(dict(i=i, score=score, outlet=outlet, **feats))
    return out


def _words(line: str) -> int:
    return len(line.split()) if not _CJK.search(line) else len(line) // 2


def _repeated(page: _Page, i: int, counts: dict[str, int]) -> tuple[bool, str | None]:
    """Does the line come back elsewhere, alone or as 'Headline | Site'? (and the site)."""
    key = page.keys[i]
    if counts.get(key, 0) > 1:
        return True, None
    for j, line in enumerate(page.lines):
        if j == i or len(line) > len(page.lines[i]) + 60 or not page.keys[j].startswith(key):
            continue
        parts = _SEPARATORS.split(line)
        if len(parts) >= 2 and _key(parts[0]) == key:
            site = clean_name(parts[-1])
            return True, site if site and len(site) <= 40 else None
    return False, None


# -- date and author -------------------------------------------------------------

def _near(page: _Page, anchor: int | None) -> list[int]:
    """Lines near the anchor, nearest first, lines after it before lines above it."""
    n = len(page.lines)
    if anchor is None:
        return []
    w = page.s.near_lines
    after = list(range(anchor + 1, min(n, anchor + 1 + w)))
    before = list(range(anchor - 1, max(-1, anchor - 1 - w // 2), -1))
    return [anchor] + after + before


def _find_date(page: _Page, anchor: int | None) -> str | None:
    for j in _near(page, anchor):
        d = page.date(j)
        if d:
            return d
    return None


def _page_date(page: _Page, anchor: int) -> str | None:
    """No date beside the title or body start: the nearest date line above the body (a page's head
    carries the publication date; 77% right on the dev pages). Not a date below it: there it is
    as often a comment's or a related article's as the article's (56% right), and a wrong date
    is worse than none."""
    for j in range(anchor - 1, -1, -1):
        d = page.date(j)
        if d:
            return d
    return None


def _find_author(page: _Page, anchor: int | None) -> str | None:
    near = _near(page, anchor)
    for j in near:
        a = page.byline(j)
        if a:
            return a
    for j in near:  # a bare name beside a date line, or opening it ("Marie Merlet | 9 décembre 2019")
        if page.date(j):
            m = re.match(r"^(.+?)(?:\s*[|·•–—,]\s*|\s+(?=\d)|(?<=[^\W\d_])(?=\d))", page.lines[j])
            name = _is_name_line(m.group(1), page.s, page.lines[j][m.end():m.end() + 1].isdigit()) if m else None
            if name:
                return name
            for k in (j - 1, j + 1, j - 2, j + 2):
                if 0 <= k < len(page.lines) and k != anchor:
                    name = _is_name_line(page.lines[k], page.s)
                    if name:
                        return name
    return None


def _name_under_title(page: _Page, title_i: int) -> str | None:
    """No byline word and no date beside a name: a line that is only a person name right under the
    headline (before any prose) is still the byline; captions and teasers sit below the body start.
    A line whose words recur in the prose ("Das Tiroler Freeride Mekka", "Medien Kommentieren") is a
    label or teaser, not a name: an author's name is rarely in the article's own text."""
    prose_words = {w for j, l in enumerate(page.lines) if page.prose[j] for w in _WORD.findall(l.casefold())}
    for j in range(title_i + 1, min(len(page.lines), title_i + 1 + page.s.meta_after_title)):
        if page.prose[j]:
            return None
        name = _is_name_line(page.lines[j], page.s)
        if name and not any(w in prose_words for w in _WORD.findall(name.casefold()) if len(w) > 2):
            return name
    return None


def _byline_in_body(page: _Page, anchor: int | None) -> str | None:
    """A line opening with a byline word inside or right after the article's prose block
    ("Text: Anna Schmidt" closing the article): still the article's author."""
    if anchor is None:
        return None
    block = next((b for b in _blocks(page) if b[0] == anchor), None)
    if block is None:
        return None
    for j in range(anchor, min(len(page.lines), block[1] + page.s.near_lines)):
        if not page.prose[j] and page.byline_re.match(page.lines[j]) and (a := page.byline(j)):
            return a
    return None
