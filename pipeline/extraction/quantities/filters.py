"""Step 3 of a quantity: what is not one, whatever its digits say."""

from __future__ import annotations

import re

from .candidates import Cand, Ctx, token_at
from .lexicon import Lexicon
from .numbers import NumberReader

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_REF_WORDS = {"section", "article", "chapter", "figure", "fig", "table", "page", "no", "number", "vol",
              "volume", "part", "item", "rule", "title", "clause", "paragraph", "step", "level", "version",
              "model", "series", "type", "class", "grade", "route", "room", "floor", "line", "episode"}
_NAME_LABELS = {"PRODUCT", "ORG", "LAW", "WORK_OF_ART", "FAC", "EVENT", "PERSON", "GPE", "NORP"}

def counts_plural(tok) -> bool:
    """A four-digit number that counts a plural noun with no determiner: "injuring 1956 people",
    "1900 rescue workers" are counts, not years ("the 2008 elections" stays a year)."""
    return tok is not None and tok.dep_ == "nummod" and tok.head.i > tok.i and tok.head.tag_ == "NNS" \
        and not any(ch.dep_ == "det" for ch in tok.head.children)


def is_quantity(c: Cand, ctx: Ctx, lx: Lexicon, numbers: NumberReader) -> bool:
    """False for what a number is not a quantity in: a year, a date, a list number, an id,
    a name ("Boeing 737", "Section 301"), a determiner ("one thing")."""
    doc = ctx.doc
    text = ctx.text
    raw = text[c.num_start:c.num_end]
    tok = token_at(doc, c.num_start)
    if c.kind == "digits":
        digits = re.sub(r"\D", "", raw.replace(",", "").split(".")[0])  # (raw may be "4e14", "2 1/2", "-18")
        yearlike = raw.isdigit() and len(raw) == 4 and 1800 <= int(raw) <= 2100
        if yearlike and not c.currency and c.scale is None and c.unit_family in (None, "count") \
                and not counts_plural(tok):
            return False
        if len(digits) >= 7 and "," not in raw and not c.currency and c.unit is None:
            return False  # ids, phone numbers
        prev = text[max(0, c.num_start - 12):c.num_start].lower()
        nxt = text[c.num_end:c.num_end + 12].lower()
        if c.value is not None and c.value <= 31 and not c.currency and c.unit_family not in ("currency", "percent") and (
                re.search(r"\b(?:%s)[a-z]*\.?\s*$" % "|".join(_MONTHS), prev) or re.match(r"^\s*(?:%s)" % "|".join(_MONTHS), nxt)
                or re.match(r"^,\s*(?:19|20)\d{2}", nxt)):
            return False  # a day of a date
        line_start = text.rfind("\n", 0, c.num_start) + 1
        if not text[line_start:c.num_start].strip(" (•*-") and re.match(r"^[.)]\s", text[c.num_end:c.num_end + 2]):
            return False  # list numbering
        if re.match(r"^\)", text[c.num_end:c.num_end + 1]) and c.unit is None:
            return False  # "1) ..." enumerations
        word = re.search(r"([A-Za-z]+)\.?\s*#?$", text[max(0, c.num_start - 15):c.num_start])
        if word and word.group(1).lower() in _REF_WORDS and word.group(1)[0].isupper():
            return False  # Section 301, Table 2
        if re.match(r"^:\d", text[c.num_end:c.num_end + 2]):
            return False
        run_start = _run_start(text, c.num_start)  # where the run of digits and hyphens holding it begins
        pair = re.match(r"(\d+)-(\d+)\b", text[run_start:run_start + 40])
        word_after = re.match(r"^\S*\s+(?:\w+\s+)?(\w+)", text[c.num_end:c.num_end + 30])
        if pair and c.unit is None and not c.currency and (
                int(pair.group(1)) >= int(pair.group(2))
                or word_after and word_after.group(1).lower() in lx.score_words):
            return False  # "an 88-72 setback", "a 9-14 record": a score, not a range
        if c.unit is None and re.match(r"^\s?(?:a\.m\.|p\.m\.|[ap]m\b|o'clock)", text[c.num_end:c.num_end + 8], re.I):
            return False  # "7 p.m.": a clock time
        if re.search(r"(?:1[89]|20)\d\d[-–/]$", text[max(0, c.num_start - 5):c.num_start]) and len(digits) == 2:
            return False  # "2013-14", "the 2008-09 season": the end of a span of years
        if re.match(r"\d+(?:-\d+){2,}", text[run_start:run_start + 40]):
            return False  # 555-0142-7788: an id or phone number
        prev_tok = doc[tok.i - 1] if tok is not None and tok.i > 0 else None
        if prev_tok is not None and prev_tok.pos_ == "PROPN" and prev_tok.text[:1].isupper() and not prev_tok.is_sent_start \
                and "," not in raw and "." not in raw and not c.currency and c.unit_family in (None, "count") \
                and prev_tok.idx + len(prev_tok.text) + 1 == c.num_start:
            return False  # "Boeing 737", "Atlas 950": the number is part of a name
    if tok is not None and not c.currency and c.unit_family in (None, "count"):
        for ent in ctx.ents:  # (a measured amount such as "175GW" is never a name, whatever ner says)
            if ent.start <= tok.i < ent.end and ent.label_ in _NAME_LABELS:
                return False  # part of a name: "Atlas 950", "14th Five-Year Plan"
            if ent.end == tok.i and ent.label_ == "PRODUCT" and c.kind == "digits" and "," not in raw \
                    and "." not in raw and not c.currency and c.unit_family in (None, "count"):
                return False  # "Ascend 950 super nodes": the number continues the product name
    if c.kind == "scale_noun":
        return tok is None or not any(e.start <= tok.i < e.end and e.label_ in _NAME_LABELS for e in ctx.ents)
    if c.kind == "words":
        last = token_at(doc, c.num_end - 1)
        if last is not None and last.i != (tok.i if tok is not None else -1) and last.like_num:
            tok = last  # "forty-two": the last part carries the parse
        words = text[c.num_start:c.num_end].lower().split()
        if tok is None or not (tok.like_num or c.value is not None and c.value < 1  # (fractions: "half a mile")
                               or any(w in lx.multipliers for w in words)):  # ("a dozen times")
            return False
        if re.match(r"^\s*(?:to|–|-|or)\s*(?:\d|[a-z]+\b)", text[c.num_end:c.num_end + 12]) and \
                numbers.starts_with_words(re.sub(r"^\s*(?:to|–|-|or)\s*", "", text[c.num_end:c.num_end + 20])):
            return True  # "three to five people": the first end of a range
        if re.match(r"^-[A-Z]", text[c.num_end:c.num_end + 2]):
            return False  # "Five-Year Plan"
        if tok.lower_ in ("one", "zero") and c.unit_family not in ("duration", "currency", "percent", "ratio") \
                and c.scale is None:
            return False  # "one thing", "one set of": a determiner, not a count (a count of one is rarely news)
        if re.search(r"\btop\s*$", text[max(0, c.num_start - 6):c.num_start], re.I):
            return False  # "top ten": a rank
        if c.unit is None and c.scale is None and not (tok.dep_ in ("nummod", "quantmod") and tok.head.pos_ in ("NOUN", "PROPN")) \
                and not re.match(r"^\s+of\s+(?:\d|the\b|their\b|its\b|his\b|her\b|them\b|those\b|these\b)", text[c.end:c.end + 12]):
            return False  # (kept: "eight of 10", "two of the suspects": a count out of a whole)
    return True


def _run_start(text: str, i: int) -> int:
    """Start of the run of digits and hyphens that ends at i (walked back, not searched from the
    text's start: this runs for every number of an article)."""
    while i > 0 and (text[i - 1].isdecimal() or text[i - 1] == "-"):  # (isdecimal is what \d matches)
        i -= 1
    return i
