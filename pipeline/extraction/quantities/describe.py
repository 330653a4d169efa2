"""Step 4 of a quantity, from the dependency parse: the noun it counts ("2,048 GPUs"), what it
measures ("revenue growth of 453%"), whose it is (the clause's entity), whether the clause says
it rose or fell, and the year or quarter the clause is about."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from spacy.tokens import Doc, Span, Token

from ...names import singular as _singular
from ..doctext import doc_text
from .candidates import Cand, Ctx, token_at
from .filters import counts_plural
from .lexicon import Lexicon

INCREASE = {"rise", "grow", "increase", "surge", "jump", "climb", "soar", "gain", "double", "triple",
            "expand", "boost", "rocket", "spike", "growth", "up", "accelerate", "rebound", "hike", "raise"}
DECREASE = {"fall", "drop", "decline", "decrease", "plunge", "slump", "shrink", "slide", "tumble", "cut",
            "reduce", "dip", "sink", "plummet", "contract", "reduction", "down", "lower", "slash", "halve"}
CHANGE_WORDS = INCREASE | DECREASE
# "X accounted for 15%": the percentage is X's share
_SHARE_VERBS = {"account", "represent", "make", "hold", "capture", "command", "comprise", "constitute",
                "occupy", "take", "control"}
_SCOPE = re.compile(r"\b(?:(Q[1-4]|H[12]|first half of|second half of|the first half of|the second half of)\s*)?"
                    r"((?:19|20)\d{2})\b(?!\s*(?:%|percent))", re.I)
_RATE = re.compile(r"\s+(?:a|an|per|each)\s+(day|week|month|year|hour|night|minute|second)\b", re.I)
_SUBJECT_LABELS = {"ORG", "PRODUCT", "PERSON", "GPE", "NORP", "LOC", "FAC"}

def describe(c: Cand, ctx: Ctx, lx: Lexicon) -> Cand:
    """What the quantity counts or measures, whose it is, whether it rose or fell, and when."""
    doc = ctx.doc
    tok = token_at(doc, c.extra.get("high_num_start", c.num_start if c.kind != "vague" else c.num_end - 1))
    if tok is None:
        return c
    top = tok
    while top.head is not top and top.head.i > top.i and (top.head.like_num or top.head.lower_ in lx.scales) \
            and top.head.i - top.i <= 3:
        top = top.head
    anchor = top
    glued = re.match(r"^-([A-Za-z][\w]*)\b", ctx.text[c.end:c.end + 30])
    if c.unit is None and c.kind in ("digits", "words") and glued:  # "10,000-GPU cluster" counts GPUs
        c.unit, c.unit_family = _singular(glued.group(1)) if not glued.group(1).isupper() else glued.group(1), "count"
        c.end += glued.end()
    if c.unit is None and c.kind == "digits" and _is_age(c, ctx):
        c.unit, c.unit_family = "year", "duration"  # "Raj Chohan, 59, of Queens": an age
    if c.unit is None or c.kind == "vague":
        noun = _counted_noun(top, doc, c)
        if noun is not None:
            c.unit, c.unit_family = _counted(noun, top), "count"
            c.end = max(c.end, noun.idx + len(noun.text))
            anchor = noun
            rate = _RATE.match(ctx.text, c.end)
            if rate and c.per_unit is None:  # "four flights a week"
                c.per_unit, c.end = rate.group(1).lower(), rate.end()
    elif c.end > top.idx + len(top.text):
        span = doc.char_span(top.idx, c.end, alignment_mode="expand")
        words = [t for t in (span or []) if not t.is_punct and t.i > top.i
                 and t.lower_ not in ("per", "a", "an", "each") and t.lower_ not in lx.scales]
        if c.per_unit:
            words = [t for t in words if t.idx < _per_start(ctx.text, top, c)]
        if words:
            anchor = words[-1]
    if c.per_unit:
        _per_unit(c, ctx, lx, top)
    if c.unit_family == "count":
        measure_tok, verb = anchor, _verb_of(anchor)
    else:
        measure_tok, verb = _measure(anchor, lx)
    c.extra["measure"] = _phrase(measure_tok) if measure_tok is not None else None
    verb_noun = lx.measure_verbs.get(verb.lemma_.lower()) if verb is not None else None
    if verb_noun and c.unit_family != "percent" and (measure_tok is None or measure_tok.dep_ in ("nsubj", "nsubjpass")):
        c.extra["measure"] = verb_noun  # "Intel lost $173 million": a loss; the subject is who lost it
    elif verb is not None and verb.lemma_.lower() in _SHARE_VERBS and c.unit_family == "percent":
        c.extra["measure"] = " ".join(x for x in (c.extra["measure"], "share") if x)
    elif measure_tok is None and verb is not None and verb.pos_ == "VERB":
        obj = next((ch for ch in verb.children if ch.dep_ in ("dobj", "attr") and ch.pos_ == "NOUN"
                    and not (ch.idx <= c.start < ch.idx + len(ch.text)) and not _numeric(ch, lx)), None)
        c.extra["measure"] = _phrase(obj) if obj is not None else verb.lemma_.lower()
    ent = _subject_entity(anchor, verb, measure_tok, ctx)
    c.extra["entity"] = (ent.start_char, ent.end_char, ent.text) if ent is not None else None
    c.extra["change"] = _change(anchor)
    if verb is None:
        verb = _verb_of(anchor)
    c.extra["verb"] = verb.lemma_.lower() if verb is not None and verb.pos_ == "VERB" else None
    c.extra["time_scope"] = _time_scope(anchor.sent, c)
    c.extra["sentence"] = (anchor.sent.start_char, anchor.sent.end_char)
    return c


def _is_age(c: Cand, ctx: Ctx) -> bool:
    """'Name, 59,' (a number between commas right after a person's name) is an age in news."""
    if c.value is None or not (0 < c.value < 125) or c.value != int(c.value):
        return False
    text = ctx.text
    if not re.search(r"[A-Za-z.],\s$", text[max(0, c.start - 3):c.start]) or \
            not re.match(r"^(?:,|\s+and\b|\.|\)|\s+(?:of|from)\b)", text[c.end:c.end + 6]):
        return False
    before = token_at(ctx.doc, c.start - 3)
    return before is not None and (before.ent_type_ == "PERSON" or before.pos_ == "PROPN" and before.text[:1].isupper())


def _per_unit(c: Cand, ctx: Ctx, lx: Lexicon, top: Token) -> None:
    doc = ctx.doc
    """'per million input tokens' -> per_unit 'million token' (the head noun after 'per')."""
    start = _per_start(ctx.text, top, c)
    per = token_at(doc, start) if start < len(ctx.text) else None
    if per is None:
        return
    scale = None
    for t in doc[per.i + 1: per.i + 6]:
        if t.lower_ in lx.scales:
            scale = t.lower_
            continue
        if t.pos_ in ("NOUN", "PROPN") and (t.head.i == per.i or t.dep_ in ("pobj", "dobj", "npadvmod") or
                                             t.i + 1 >= len(doc) or doc[t.i + 1].pos_ not in ("NOUN", "PROPN")):
            unit = lx.units[t.text][0] if t.text in lx.units else _unit_of(t)
            c.per_unit = " ".join(x for x in (scale, unit) if x)
            c.end = max(c.end, t.idx + len(t.text))
            return


_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman", "data": "data"}


def _unit_of(noun: Token) -> str:
    if noun.lower_ in _IRREGULAR:
        return _IRREGULAR[noun.lower_]
    if re.match(r"^[A-Z0-9]{2,}s?$", noun.text):  # acronyms keep their case
        return noun.text[:-1] if noun.text.endswith("s") and not noun.text.isupper() else noun.text
    return noun.lemma_.lower() if noun.pos_ == "NOUN" else _singular(noun.text)


def _counted(noun: Token, number: Token) -> str:
    """The counted noun with the words that say what kind of thing is counted, between the
    number and it: "700 heart transplants" -> "heart transplant", "14 first-team players" ->
    "first-team player", "three earnings reports" -> "earnings report"; not the adjectives that
    only describe ("five suspicious boats", "43 large models"), nor names ("2,048 NVIDIA GPUs")."""
    doc = noun.doc
    text = doc_text(doc)[number.idx + len(number.text):noun.idx]
    kept = []
    for m in re.finditer(r"[A-Za-z]+(?:-[A-Za-z]+)+|[A-Za-z]+", text):
        word = m.group(0)
        if not word.islower():
            tok = token_at(doc, number.idx + len(number.text) + m.start())
            if tok is not None and tok.ent_type_ == "NORP" and tok.head.i == noun.i and "-" not in word:
                kept.append(word.lower())  # "200 Israeli soldiers": soldiers of one people
            continue
        if "-" in word:
            kept.append(word)
            continue
        tok = token_at(doc, number.idx + len(number.text) + m.start())
        if tok is not None and tok.pos_ == "NOUN" and tok.dep_ == "compound" and tok.head.i == noun.i:
            kept.append(word)
    return " ".join(kept + [_unit_of(noun)])


def _per_start(text: str, top: Token, c: Cand) -> int:
    m = re.search(r"(?:\b(?:per|a|an|each)\s|/)", text[top.idx:c.end])
    return top.idx + m.start() if m else c.end


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
            and head.i - top.i <= 6 and not head.like_num:
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


def _subject_entity(anchor: Token, verb: Token | None, measure: Token | None, ctx: Ctx) -> Span | None:
    """The entity the clause is about: poss/compound of the measure, the verb's subject, or the nearest before.
    (Entities are found by bisection: a scan of them all per number grew with the square of a doc.)"""
    ents, starts = ctx.ents, ctx.ent_starts

    def ent_of(tok: Token | None) -> Span | None:
        if tok is None:
            return None
        for t in [tok, *[c for c in tok.children if c.dep_ in ("poss", "compound")]]:
            k = bisect_right(starts, t.i) - 1  # the one entity that can hold t
            if k >= 0 and t.i < ents[k].end and ents[k].label_ in _SUBJECT_LABELS:
                return ents[k]
        return None

    for tok in (measure, _nsubj(verb) if verb is not None else None, anchor):
        ent = ent_of(tok)
        if ent is not None:
            return ent
    sent = anchor.sent
    for k in range(bisect_right(ctx.ent_ends, anchor.i) - 1, bisect_left(starts, sent.start) - 1, -1):
        if ents[k].label_ in ("ORG", "PRODUCT", "PERSON"):
            return ents[k]  # the last one before, in the sentence
    return None


def _change(anchor: Token) -> str | None:
    t = anchor
    for _ in range(4):
        if t.dep_ == "pobj" and t.head.lower_ in ("from", "to"):
            return None  # a level reached, not the size of a change
        lemma = t.lemma_.lower()
        if lemma in INCREASE:
            return "increase"
        if lemma in DECREASE:
            return "decrease"
        if t.head is t:
            break
        t = t.head
    return None


def _time_scope(sent: Span, c: Cand) -> str | None:
    best = None
    for m in _SCOPE.finditer(sent.text):
        a = sent.start_char + m.start(2)
        if c.start <= a < c.end or counts_plural(token_at(sent.doc, a)):
            continue  # the figure itself, or another count ("injuring 1956 people")
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
    if best is not None and "-" in best[1]:
        return best[1]
    quarter = _QUARTER.search(sent.text)  # "third-quarter revenue", "in the second quarter"
    if quarter:
        n = _ORDINAL_QUARTER[quarter.group(1).lower()]
        return f"{best[1] if best else 'XXXX'}-Q{n}"
    return best[1] if best else None


_ORDINAL_QUARTER = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_QUARTER = re.compile(r"\b(first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter\b", re.I)
