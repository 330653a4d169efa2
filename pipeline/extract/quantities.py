"""Quantities: every number in the text with value, unit, qualifier, and what it measures.

`facts_quantities` is a spaCy component (@Language.factory). It finds number
candidates with regexes (digits, spelled-out numbers, vague amounts such as
"hundreds of thousands"), widens each to its currency, qualifier, scale and
unit from config/units.toml, drops what is not a quantity (years, dates,
numbers inside product names, list numbering, section numbers), merges ranges,
and reads from the dependency parse what is counted ("2,048 GPUs"), what is
measured ("revenue growth of 453%"), by whom (the clause's entity), whether
the clause says it rose or fell, and the year/quarter the clause is about.
Results are plain dicts on doc._.facts_quantities (char offsets in the doc).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..names import singular as _singular
from ..records import Article, Entity, Quantity, content_id
from .units import Lexicon, load_lexicon
from .doctext import doc_text

_NUM = re.compile(
    r"(?<![\w.,/:])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)([A-Za-z×]{1,5})?(?![\w/:]|[.,]\d)")
# "trillion-parameter", "million-token": a bare scale word used as a number
_SCALE_NOUN = re.compile(r"(?<![\w\-])(thousand|million|billion|trillion)-([a-z]+)\b", re.I)
_GLUED_NAME = re.compile(r"[A-Za-z][\-‐]$")  # "GPT-4", "Qwen-72": a number inside a name
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_REF_WORDS = {"section", "article", "chapter", "figure", "fig", "table", "page", "no", "number", "vol",
              "volume", "part", "item", "rule", "title", "clause", "paragraph", "step", "level", "version",
              "model", "series", "type", "class", "grade", "route", "room", "floor", "line", "episode"}
_RANGE_SEP = re.compile(r"^\s*(?:–|—|-|~|to|and|or)\s*$")
_INCREASE = {"rise", "grow", "increase", "surge", "jump", "climb", "soar", "gain", "double", "triple",
             "expand", "boost", "rocket", "spike", "growth", "up", "accelerate", "rebound", "hike", "raise"}
_DECREASE = {"fall", "drop", "decline", "decrease", "plunge", "slump", "shrink", "slide", "tumble", "cut",
             "reduce", "dip", "sink", "plummet", "contract", "reduction", "down", "lower", "slash", "halve"}
_CHANGE_WORDS = _INCREASE | _DECREASE
# "X accounted for 15%": the percentage is X's share
_SHARE_VERBS = {"account", "represent", "make", "hold", "capture", "command", "comprise", "constitute",
                "occupy", "take", "control"}
_SCOPE = re.compile(r"\b(?:(Q[1-4]|H[12]|first half of|second half of|the first half of|the second half of)\s*)?"
                    r"((?:19|20)\d{2})\b(?!\s*(?:%|percent))", re.I)
_NAME_LABELS = {"PRODUCT", "ORG", "LAW", "WORK_OF_ART", "FAC", "EVENT", "PERSON", "GPE", "NORP"}
_SUBJECT_LABELS = {"ORG", "PRODUCT", "PERSON", "GPE", "NORP", "LOC", "FAC"}


@dataclass
class Cand:
    start: int
    end: int
    value: float | None
    num_start: int
    num_end: int
    kind: str = "digits"  # digits | words | vague
    low: float | None = None
    high: float | None = None
    qualifier: str = "exact"
    unit: str | None = None
    unit_family: str | None = None
    per_unit: str | None = None
    scale: str | None = None
    currency: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class QuantityFinder:
    def __init__(self, lexicon: Lexicon):
        self.lx = lexicon
        words = sorted(lexicon.number_words, key=len, reverse=True)
        tens = [w for w, v in lexicon.number_words.items() if 20 <= v <= 90 and v % 10 == 0]
        ones = [w for w, v in lexicon.number_words.items() if 1 <= v <= 9]
        alt = "|".join(re.escape(w) for w in words if "-" not in w)
        self._words = re.compile(
            rf"(?<![\w\-])(?:(?:{'|'.join(tens)})[- ](?:{'|'.join(ones)})|a dozen|{alt})(?![\w])", re.I)
        vague = sorted(lexicon.vague, key=len, reverse=True)
        self._vague = re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(v) for v in vague)})(?![\w])", re.I)

    # -- 1. candidates ----------------------------------------------------
    def candidates(self, doc: Doc) -> list[Cand]:
        text = doc_text(doc)
        out: list[Cand] = []
        for m in _NUM.finditer(text):
            if _GLUED_NAME.search(text[max(0, m.start() - 2):m.start()]):
                continue
            raw = m.group(1)
            value = float(raw.replace(",", ""))
            c = Cand(m.start(), m.end(), value, m.start(1), m.end(1))
            glued = m.group(2)
            if glued:  # "4x", "6GW", "$5bn"; anything else glued is a code ("910B", "3C6000")
                money = self.lx.currency_before.search(text[max(0, m.start() - 4):m.start()])
                if glued in ("x", "×"):
                    c.unit, c.unit_family = "times", "ratio"
                elif glued in ("bn", "mn", "tn", "k") or (money and (glued in self.lx.scales_cs or glued == "m")):
                    mult = self.lx.scales.get(glued) or self.lx.scales_cs.get(glued) or 1e6  # "$12m"
                    c.value, c.scale = value * mult, glued
                elif glued in self.lx.units:
                    c.unit, c.unit_family = self.lx.units[glued]
                else:
                    continue
            out.append(c)
        for m in _SCALE_NOUN.finditer(text):
            c = Cand(m.start(), m.end(), self.lx.scales[m.group(1).lower()], m.start(1), m.end(1), kind="scale_noun")
            c.scale, c.unit, c.unit_family = m.group(1), _singular(m.group(2)), "count"
            out.append(c)
        out = [c for c in out if not any(o is not c and o.start <= c.start and c.end <= o.end and o.kind == "scale_noun"
                                          for o in out)]
        taken = [(c.start, c.end) for c in out]
        for m in self._vague.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            out.append(Cand(m.start(), m.end(), self.lx.vague[m.group(0).lower()], m.start(), m.end(),
                            kind="vague", qualifier="at_least"))
            taken.append((m.start(), m.end()))
        for m in self._words.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            out.append(Cand(m.start(), m.end(), self._word_value(m.group(0)), m.start(), m.end(), kind="words"))
        return sorted(out, key=lambda c: c.start)

    def _word_value(self, s: str) -> float:
        s = s.lower().replace("a dozen", "dozen")
        parts = re.split(r"[- ]", s)
        return sum(self.lx.number_words.get(p, 0) for p in parts)

    # -- 2. widen to currency, qualifier, scale, unit -----------------------
    def widen(self, c: Cand, doc: Doc) -> Cand:
        text = self._text
        before = text[max(0, c.start - 40):c.start]
        m = self.lx.currency_before.search(before)
        if m and c.kind == "digits":
            sym = m.group(0).strip()
            c.unit, c.unit_family, c.currency = self.lx.currencies[sym], "currency", True
            c.start -= len(m.group(0))
        after = text[c.end:c.end + 60]
        if c.scale is None and c.kind != "vague":
            m = self.lx.scale_after.match(after)
            if m:
                word = m.group(0).strip().strip("-")
                mult = self.lx.scales.get(word.lower()) if word.lower() in self.lx.scales and len(word) > 1 else self.lx.scales_cs.get(word)
                if mult is not None:
                    c.value = (c.value or 0) * mult
                    c.scale = word
                    c.end += m.end()
                    after = text[c.end:c.end + 60]
        if c.unit is None or c.currency:
            m = self.lx.currency_after.match(after)
            if m and c.unit is None:
                c.unit, c.unit_family, c.currency = self.lx.currencies[m.group(0).strip().lower()] \
                    if m.group(0).strip().lower() in self.lx.currencies else self.lx.currencies[m.group(0).strip()], "currency", True
                c.end += m.end()
                after = text[c.end:c.end + 60]
        if c.unit is None:
            m = self.lx.unit_after.match(after)
            if m:
                surface = m.group(0).strip().strip("-")
                c.unit, c.unit_family = self.lx.units.get(surface) or self.lx.units_folded[surface.lower()]
                c.end += m.end()
                after = text[c.end:c.end + 60]
                paren = re.match(r"^\s*\(([^()]{1,12})\)", after)  # "terawatt-hours (TWh)"
                if paren and paren.group(1) in self.lx.units:
                    c.end += paren.end()
        if c.unit is not None:
            m = re.match(r"^\s*(?:(?:per|a|an|each)\s+|/\s*)((?:(?:thousand|million|billion|trillion)\s+)?[A-Za-z][\w\-]*)", text[c.end:c.end + 60])
            if m and m.group(1).lower() not in ("the", "year-on-year", "total", "result"):
                c.per_unit = _singular(m.group(1))
                c.end += m.end()
        q = self.lx.qualifier_before.search(text[max(0, c.start - 30):c.start])
        if q and c.kind != "vague" and not _is_clause_prep(doc, c.start - len(q.group(0)), c):
            c.qualifier = self.lx.qualifiers[re.sub(r"\s+", " ", q.group(0).strip().lower())]
            c.start -= len(q.group(0))
        return c

    # -- 3. what is not a quantity ------------------------------------------
    def is_quantity(self, c: Cand, doc: Doc) -> bool:
        text = self._text
        raw = text[c.num_start:c.num_end]
        tok = _token_at(doc, c.num_start)
        if c.kind == "digits":
            digits = raw.replace(",", "").split(".")[0]
            yearlike = len(digits) == 4 and "," not in raw and 1800 <= int(digits) <= 2100 and "." not in raw
            if yearlike and not c.currency and c.scale is None and c.unit_family in (None, "count"):
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
            run_start = c.num_start - len(re.search(r"[\d\-]*$", text[:c.num_start]).group(0))
            if re.match(r"\d+(?:-\d+){2,}", text[run_start:run_start + 40]):
                return False  # 555-0142-7788: an id or phone number
            prev_tok = doc[tok.i - 1] if tok is not None and tok.i > 0 else None
            if prev_tok is not None and prev_tok.pos_ == "PROPN" and prev_tok.text[:1].isupper() and not prev_tok.is_sent_start \
                    and "," not in raw and "." not in raw and not c.currency and c.unit_family in (None, "count") \
                    and prev_tok.idx + len(prev_tok.text) + 1 == c.num_start:
                return False  # "Boeing 737", "Atlas 950": the number is part of a name
        if tok is not None and not c.currency and c.unit_family in (None, "count"):
            for ent in self._ents:  # (a measured amount such as "175GW" is never a name, whatever ner says)
                if ent.start <= tok.i < ent.end and ent.label_ in _NAME_LABELS:
                    return False  # part of a name: "Atlas 950", "14th Five-Year Plan"
                if ent.end == tok.i and ent.label_ == "PRODUCT" and c.kind == "digits" and "," not in raw \
                        and "." not in raw and not c.currency and c.unit_family in (None, "count"):
                    return False  # "Ascend 950 super nodes": the number continues the product name
        if c.kind == "scale_noun":
            return tok is None or not any(e.start <= tok.i < e.end and e.label_ in _NAME_LABELS for e in self._ents)
        if c.kind == "words":
            last = _token_at(doc, c.num_end - 1)
            if last is not None and last.i != (tok.i if tok is not None else -1) and last.like_num:
                tok = last  # "forty-two": the last part carries the parse
            if tok is None or not tok.like_num:
                return False
            if re.match(r"^\s*(?:to|–|-|or)\s*(?:\d|[a-z]+\b)", text[c.num_end:c.num_end + 12]) and \
                    self._words.match(re.sub(r"^\s*(?:to|–|-|or)\s*", "", text[c.num_end:c.num_end + 20])):
                return True  # "three to five people": the first end of a range
            if re.match(r"^-[A-Z]", text[c.num_end:c.num_end + 2]):
                return False  # "Five-Year Plan"
            if tok.lower_ in ("one", "zero") and c.unit_family not in ("duration", "currency", "percent", "ratio") \
                    and c.scale is None:
                return False  # "one thing", "one set of": a determiner, not a count
            if re.search(r"\btop\s*$", text[max(0, c.num_start - 6):c.num_start], re.I):
                return False  # "top ten": a rank
            if c.unit is None and c.scale is None and not (tok.dep_ in ("nummod", "quantmod") and tok.head.pos_ in ("NOUN", "PROPN")):
                return False
        return True

    # -- 4. counted noun, measure, entity, change, time scope ---------------
    def describe(self, c: Cand, doc: Doc) -> Cand:
        tok = _token_at(doc, c.extra.get("high_num_start", c.num_start if c.kind != "vague" else c.num_end - 1))
        if tok is None:
            return c
        top = tok
        while top.head is not top and top.head.i > top.i and (top.head.like_num or top.head.lower_ in self.lx.scales) \
                and top.head.i - top.i <= 3:
            top = top.head
        anchor = top
        glued = re.match(r"^-([A-Za-z][\w]*)\b", self._text[c.end:c.end + 30])
        if c.unit is None and c.kind in ("digits", "words") and glued:  # "10,000-GPU cluster" counts GPUs
            c.unit, c.unit_family = _singular(glued.group(1)) if not glued.group(1).isupper() else glued.group(1), "count"
            c.end += glued.end()
        if c.unit is None or c.kind == "vague":
            noun = _counted_noun(top, doc, c)
            if noun is not None:
                c.unit, c.unit_family = _unit_of(noun), "count"
                c.end = max(c.end, noun.idx + len(noun.text))
                anchor = noun
        elif c.end > top.idx + len(top.text):
            span = doc.char_span(top.idx, c.end, alignment_mode="expand")
            words = [t for t in (span or []) if not t.is_punct and t.i > top.i
                     and t.lower_ not in ("per", "a", "an", "each") and t.lower_ not in self.lx.scales]
            if c.per_unit:
                words = [t for t in words if t.idx < _per_start(self._text, top, c)]
            if words:
                anchor = words[-1]
        if c.per_unit:
            self._per_unit(c, doc, top)
        if c.unit_family == "count":
            measure_tok, verb = anchor, _verb_of(anchor)
        else:
            measure_tok, verb = _measure(anchor, self.lx)
        c.extra["measure"] = _phrase(measure_tok) if measure_tok is not None else None
        verb_noun = self.lx.measure_verbs.get(verb.lemma_.lower()) if verb is not None else None
        if verb_noun and c.unit_family != "percent" and (measure_tok is None or measure_tok.dep_ in ("nsubj", "nsubjpass")):
            c.extra["measure"] = verb_noun  # "Intel lost $173 million": a loss; the subject is who lost it
        elif verb is not None and verb.lemma_.lower() in _SHARE_VERBS and c.unit_family == "percent":
            c.extra["measure"] = " ".join(x for x in (c.extra["measure"], "share") if x)
        elif measure_tok is None and verb is not None and verb.pos_ == "VERB":
            obj = next((ch for ch in verb.children if ch.dep_ in ("dobj", "attr") and ch.pos_ == "NOUN"
                        and not (ch.idx <= c.start < ch.idx + len(ch.text)) and not _numeric(ch, self.lx)), None)
            c.extra["measure"] = _phrase(obj) if obj is not None else verb.lemma_.lower()
        ent = _subject_entity(anchor, verb, measure_tok, self._ents)
        c.extra["entity"] = (ent.start_char, ent.end_char, ent.text) if ent is not None else None
        c.extra["change"] = _change(anchor)
        c.extra["time_scope"] = _time_scope(anchor.sent, c)
        c.extra["sentence"] = (anchor.sent.start_char, anchor.sent.end_char)
        return c

    def _per_unit(self, c: Cand, doc: Doc, top: Token) -> None:
        """'per million input tokens' -> per_unit 'million token' (the head noun after 'per')."""
        start = _per_start(self._text, top, c)
        per = _token_at(doc, start) if start < len(self._text) else None
        if per is None:
            return
        scale = None
        for t in doc[per.i + 1: per.i + 6]:
            if t.lower_ in self.lx.scales:
                scale = t.lower_
                continue
            if t.pos_ in ("NOUN", "PROPN") and (t.head.i == per.i or t.dep_ in ("pobj", "dobj", "npadvmod") or
                                                 t.i + 1 >= len(doc) or doc[t.i + 1].pos_ not in ("NOUN", "PROPN")):
                unit = self.lx.units[t.text][0] if t.text in self.lx.units else _unit_of(t)
                c.per_unit = " ".join(x for x in (scale, unit) if x)
                c.end = max(c.end, t.idx + len(t.text))
                return

    def find(self, doc: Doc) -> list[dict]:
        """All quantities of a doc. doc.text and doc.ents are rebuilt on every access in spaCy,
        so they are read once here and shared by the steps below."""
        text = doc_text(doc)
        self._text, self._ents = text, list(doc.ents)
        cands = [self.widen(c, doc) for c in self.candidates(doc)]
        cands = [c for c in cands if self.is_quantity(c, doc)]
        cands = [self.describe(c, doc) for c in _merge_ranges(cands, text, doc)]
        return [self._record(c, doc) for c in cands]

    def _record(self, c: Cand, doc: Doc) -> dict:
        measure, ent = c.extra.get("measure"), c.extra.get("entity")
        if ent and measure and (measure in ent[2] or ent[2] in measure):
            measure = measure if len(measure) > len(ent[2]) and ent[2] in measure else None
        subject = " ".join(x for x in ((ent[2] if ent else None), measure) if x) or None
        if c.low is None and c.high is None and c.value is not None:
            if c.qualifier in ("more_than", "at_least"):
                c.low = c.value
            elif c.qualifier in ("less_than", "at_most"):
                c.high = c.value
        return {
            "text": self._text[c.start:c.end], "start": c.start, "end": c.end,
            "value": c.value, "low": c.low, "high": c.high, "qualifier": c.qualifier,
            "change": c.extra.get("change"), "unit": c.unit, "unit_family": c.unit_family,
            "per_unit": c.per_unit, "scale": c.scale, "subject": subject, "measure": measure,
            "subject_entity": ent, "time_scope": c.extra.get("time_scope"),
            "sentence": c.extra.get("sentence"),
        }


_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "data": "data"}


def _unit_of(noun: Token) -> str:
    if noun.lower_ in _IRREGULAR:
        return _IRREGULAR[noun.lower_]
    if re.match(r"^[A-Z0-9]{2,}s?$", noun.text):  # acronyms keep their case
        return noun.text[:-1] if noun.text.endswith("s") and not noun.text.isupper() else noun.text
    return noun.lemma_.lower() if noun.pos_ == "NOUN" else _singular(noun.text)


def _per_start(text: str, top: Token, c: Cand) -> int:
    m = re.search(r"(?:\b(?:per|a|an|each)\s|/)", text[top.idx:c.end])
    return top.idx + m.start() if m else c.end


def _token_at(doc: Doc, char: int) -> Token | None:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _counted_noun(top: Token, doc: Doc, c: Cand) -> Token | None:
    """The noun a number counts: its nummod head, or the noun after 'of' for vague amounts."""
    if c.kind == "vague":
        nxt = doc[top.i + 1] if top.i + 1 < len(doc) else None
        if nxt is not None and nxt.lower_ == "of":
            objs = [ch for ch in nxt.children if ch.dep_ == "pobj"]
            if objs and objs[0].pos_ in ("NOUN", "PROPN") and not objs[0].like_num:
                return objs[0]
            for t in doc[top.i + 2: top.i + 6]:
                if t.pos_ in ("NOUN", "PROPN") and t.dep_ != "compound" and not t.like_num:
                    return t
        return None
    head = top.head
    if top.dep_ in ("nummod", "quantmod", "compound", "amod") and head.i > top.i and head.pos_ in ("NOUN", "PROPN") \
            and head.i - top.i <= 6 and not head.like_num and head.ent_type_ not in ("DATE", "TIME"):
        if head.lower_ in ("%", "percent") or head.text in ("$",):
            return None
        while head.dep_ in ("compound", "amod") and head.head.i > head.i and head.head.pos_ == "NOUN" \
                and head.head.i - top.i <= 6:
            head = head.head  # "43 mainstream industry large models" counts models
        return head
    return None


def _measure(anchor: Token, lx: Lexicon) -> tuple[Token | None, Token | None]:
    """(the noun a money/percent/unit quantity measures, the verb of its clause)."""
    t = anchor
    for _ in range(4):  # climb to the top of the amount: "RMB 100 billion", "80% to 10%" parsed as one phrase
        if t.dep_ in ("compound", "nummod", "quantmod", "nmod") and t.head.i != t.i and _numeric(t.head, lx):
            t = t.head
        else:
            break
    head = t.head
    if t.dep_ in ("compound", "nummod", "amod", "nmod", "quantmod", "npadvmod") and head.i > t.i \
            and head.pos_ == "NOUN" and not _numeric(head, lx):
        while head.dep_ in ("compound", "amod") and head.head.i > head.i and head.head.pos_ == "NOUN":
            head = head.head
        return head, _verb_of(head)  # "a $1 billion fine", "121% revenue growth"
    for _ in range(3):  # climb over number words and vague amounts: "thousands of units"
        if t.dep_ == "pobj" and t.head.dep_ == "prep":
            prep = t.head
            if prep.head.pos_ in ("NOUN", "PROPN") and not _numeric(prep.head, lx):
                if prep.lower_ in ("of", "at", "in", "for", "on"):
                    return prep.head, _verb_of(prep.head)
            if prep.head.pos_ in ("VERB", "AUX"):
                return _nsubj(prep.head), prep.head
            if _numeric(prep.head, lx):
                t = prep.head
                continue
        break
    if t.dep_ == "npadvmod" and t.head.pos_ == "NOUN":
        return t.head, _verb_of(t.head)
    if t.head.pos_ in ("VERB", "AUX") and t.dep_ in ("dobj", "npadvmod", "attr", "advmod", "nsubj", "nsubjpass"):
        subj = _nsubj(t.head)
        return (subj if subj is not None and subj.i != t.i else None), t.head
    if t.dep_ in ("appos", "conj") and t.head.pos_ == "NOUN":
        return t.head, _verb_of(t.head)
    return None, _verb_of(t)


def _numeric(t: Token, lx: Lexicon) -> bool:
    return t.like_num or t.lower_ in lx.scales or t.lower_ in lx.vague or t.text in ("%", "$") or t.text in lx.currencies


def _is_clause_prep(doc: Doc, char: int, c: Cand) -> bool:
    """'over 58 days' (during) is a preposition of the clause, not a qualifier of the number."""
    tok = _token_at(doc, max(0, char))
    while tok is not None and tok.is_space:
        tok = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return tok is not None and tok.dep_ == "prep" and tok.head.pos_ in ("VERB", "AUX") and c.unit_family == "duration"


def _verb_of(t: Token) -> Token | None:
    for a in [t, *t.ancestors]:
        if a.pos_ in ("VERB", "AUX"):
            return a
    return None


def _nsubj(verb: Token) -> Token | None:
    """The verb's subject; for a clause on a noun ('revenue exceeding $10 billion', 'revenue,
    which topped $10 billion') the noun it describes."""
    for ch in verb.children:
        if ch.dep_ in ("nsubj", "nsubjpass"):
            if ch.tag_ in ("WDT", "WP") and verb.dep_ == "relcl" and verb.head.pos_ == "NOUN":
                return verb.head
            return ch
    if verb.dep_ == "acl" and verb.head.pos_ == "NOUN":
        return verb.head
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        return _nsubj(verb.head)
    return None


def _phrase(t: Token) -> str:
    """A noun with its compounds and adjectives: 'revenue growth', 'net loss'."""
    if t.pos_ == "PRON":
        return None
    left = [c for c in t.lefts if c.dep_ in ("compound", "amod") and c.i >= t.i - 3 and not c.like_num
            and c.pos_ not in ("SYM", "NUM") and c.text != "%"]
    words = [c.text for c in left if c.ent_type_ in ("", "PRODUCT") or c.pos_ != "PROPN"] + [t.text]
    return " ".join(words)


def _subject_entity(anchor: Token, verb: Token | None, measure: Token | None, ents: list[Span]) -> Span | None:
    """The entity the clause is about: poss/compound of the measure, the verb's subject, or the nearest before."""
    def ent_of(tok: Token | None) -> Span | None:
        if tok is None:
            return None
        for t in [tok, *[c for c in tok.children if c.dep_ in ("poss", "compound")]]:
            for ent in ents:
                if ent.start <= t.i < ent.end and ent.label_ in _SUBJECT_LABELS:
                    return ent
        return None

    for tok in (measure, _nsubj(verb) if verb is not None else None, anchor):
        ent = ent_of(tok)
        if ent is not None:
            return ent
    sent = anchor.sent
    before = [e for e in ents if e.start >= sent.start and e.end <= anchor.i and e.label_ in ("ORG", "PRODUCT", "PERSON")]
    return before[-1] if before else None


def _change(anchor: Token) -> str | None:
    t = anchor
    for _ in range(4):
        if t.dep_ == "pobj" and t.head.lower_ in ("from", "to"):
            return None  # a level reached, not the size of a change
        lemma = t.lemma_.lower()
        if lemma in _INCREASE:
            return "increase"
        if lemma in _DECREASE:
            return "decrease"
        if t.head is t:
            break
        t = t.head
    return None


def _time_scope(sent: Span, c: Cand) -> str | None:
    best = None
    for m in _SCOPE.finditer(sent.text):
        a = sent.start_char + m.start(2)
        if c.start <= a < c.end:
            continue
        part = (m.group(1) or "").lower()
        year = m.group(2)
        val = year
        if part.startswith("q"):
            val = f"{year}-{part.upper()}"
        elif part in ("h1", "first half of", "the first half of"):
            val = f"{year}-H1"
        elif part in ("h2", "second half of", "the second half of"):
            val = f"{year}-H2"
        dist = abs(a - c.start)
        if best is None or dist < best[0]:
            best = (dist, val)
    return best[1] if best else None


def _moves_from(doc: Doc, text: str, start: int) -> bool:
    """'fell from 80% to 10%': two levels, before and after, not a range."""
    m = re.search(r"\bfrom\s*$", text[max(0, start - 12):start], re.I)
    if m is None:
        return False
    tok = _token_at(doc, max(0, start - 12) + m.start())
    return tok is not None and tok.head.lemma_.lower() in _CHANGE_WORDS


def _merge_ranges(cands: list[Cand], text: str, doc: Doc) -> list[Cand]:
    out: list[Cand] = []
    for c in cands:
        prev = out[-1] if out else None
        if prev is not None and prev.qualifier in ("exact",) and c.value is not None and prev.value is not None \
                and _RANGE_SEP.match(text[prev.end:c.start]) and (prev.unit is None or c.unit is None or prev.unit == c.unit):
            sep = text[prev.end:c.start].strip()
            if sep in ("and", "or") and not re.search(r"\bbetween\s*$", text[max(0, prev.start - 10):prev.start], re.I):
                out.append(c)
                continue
            if sep == "to" and _moves_from(doc, text, prev.start):
                out.append(c)
                continue
            low = prev.value
            if prev.scale is None and c.scale is not None and prev.kind == c.kind == "digits":
                low = prev.value * (c.value / float(text[c.num_start:c.num_end].replace(",", "")))
            merged = replace(c, start=prev.start, num_start=prev.num_start, low=low, high=c.value, value=None, qualifier="range",
                             unit=c.unit or prev.unit, unit_family=c.unit_family or prev.unit_family,
                             per_unit=c.per_unit or prev.per_unit, extra=dict(c.extra))
            merged.extra["high_num_start"] = c.num_start
            out[-1] = merged
            continue
        out.append(c)
    return out


class QuantityComponent:
    def __init__(self, nlp: Language, name: str, lexicon_path: str):
        self.name = name
        self.finder = QuantityFinder(load_lexicon(lexicon_path))
        if not Doc.has_extension("facts_quantities"):
            Doc.set_extension("facts_quantities", default=None)

    def __call__(self, doc: Doc) -> Doc:
        doc._.facts_quantities = self.finder.find(doc)
        return doc


@Language.factory("facts_quantities", default_config={"lexicon_path": ""})
def make_quantities(nlp: Language, name: str, lexicon_path: str) -> QuantityComponent:
    return QuantityComponent(nlp, name, lexicon_path)


def quantities_from_docs(article: Article, docs: list[tuple[Doc, int]], entities: tuple[Entity, ...]) -> tuple[Quantity, ...]:
    """doc._.facts_quantities of an article's chunks -> Quantity records with entity ids."""
    by_span = {(m.start, m.end): e.id for e in entities for m in e.mentions}
    out = []
    for doc, offset in docs:
        text = doc_text(doc)
        for q in doc._.facts_quantities or ():
            start, end = q["start"] + offset, q["end"] + offset
            raw_start, raw_end = article.raw_span(start, end)
            ent = q["subject_entity"]
            eid = None
            if ent:
                a, b = ent[0] + offset, ent[1] + offset
                eid = by_span.get((a, b)) or next((i for (s, e), i in by_span.items() if s <= a < e), None)
            sent = q["sentence"]
            out.append(Quantity(
                id=content_id(article.article_id, "quantity", start, end), text=q["text"], start=start, end=end,
                raw_start=raw_start, raw_end=raw_end, value=q["value"], low=q["low"], high=q["high"],
                qualifier=q["qualifier"], change=q["change"], unit=q["unit"], unit_family=q["unit_family"],
                per_unit=q["per_unit"], scale=q["scale"], subject=q["subject"], subject_entity_id=eid,
                time_scope=q["time_scope"], measure=q["measure"],
                sentence=text[sent[0]:sent[1]].strip() if sent else None,
            ))
    return tuple(out)
