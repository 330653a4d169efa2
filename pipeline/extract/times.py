"""Time expressions and dated events as spaCy components, and their records.

`facts_times` finds time expressions (the rules of timexpr.py over the text,
plus spaCy's DATE/TIME entities they do not cover) and stores what each says
(doc._.facts_times). `facts_events` takes each clause anchored by a specific
date: its main verb (trigger), the entities around that verb (actors), and a
status (occurred / planned / reported). Values are resolved against the
publication date in `times_from_docs`, outside spaCy, because the date belongs
to the article, not to the text.
"""

from __future__ import annotations

import re
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..records import Article, Entity, Event, Quantity, TimeExpr, content_id
from .timexpr import FINDER, Parsed, Resolved, parse, resolve
from .doctext import doc_text

_NAMES = {"ORG", "PERSON", "GPE", "PRODUCT", "NORP", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART"}
_SPECIFIC = {"iso_date", "mdy", "dmy", "md", "dm", "month_year", "quarter_year", "half_year", "half_rel",
             "quarter_rel", "year_range", "part_year", "season_year", "fiscal", "ago", "later", "this_unit", "year"}
_PLAN_VERBS = {"plan", "expect", "aim", "intend", "schedule", "project", "forecast", "target", "set", "prepare",
               "predict", "estimate", "anticipate", "hope", "seek"}
_REPORTED = re.compile(r"\b(according to|reportedly|reports? (?:say|said|suggest)|sources? (?:say|said)|is said to|"
                       r"are said to|allegedly|rumou?red|it is understood)\b", re.I)
_FUTURE_AUX = {"will", "'ll", "shall", "wo"}


def _set_ext(name: str) -> None:
    if not Doc.has_extension(name):
        Doc.set_extension(name, default=None)


class TimeFinder:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        _set_ext("facts_times")

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)  # (spaCy rebuilds doc.text and doc.ents on each access: read once)
        ents = list(doc.ents)
        found: list[tuple[int, int, Parsed]] = []
        for m in FINDER.finditer(text):
            p = parse(m.group(0))
            if p is not None:
                found.append((m.start(), m.end(), p))
        for ent in ents:
            if ent.label_ not in ("DATE", "TIME"):
                continue
            span = _trim(ent)
            if span is None or any(a <= span.start_char and span.end_char <= b for a, b, _ in found):
                continue
            p = parse(span.text)
            if p is not None:
                found.append((span.start_char, span.end_char, p))
        doc._.facts_times = [t for t in _non_overlapping(found) if self._is_time(doc, text, ents, t)]
        return doc

    def _is_time(self, doc: Doc, text: str, ents: list[Span], t: tuple[int, int, Parsed]) -> bool:
        a, b, p = t
        if p.type == "DURATION" and re.fullmatch(r"(?:a|one)\s+second", text[a:b], re.I):
            return False  # "a second round": an ordinal
        if p.rule == "year":
            for q in doc._.facts_quantities or ():
                if q["start"] <= a < q["end"] and (q["unit_family"] not in (None,) or q["scale"]):
                    return False  # "2048 GPUs" counted, "$2026" money
            for ent in ents:
                if ent.start_char <= a < ent.end_char and ent.label_ in ("PRODUCT", "WORK_OF_ART", "LAW", "ORG"):
                    return False
            nxt = text[b:b + 12]
            if re.match(r"^\s*(?:[A-Za-z]+s\b)", nxt) and not re.match(r"^\s*(?:was|is|saw|has|marks|will|brought|became|also|s\b)", nxt):
                tok = doc.char_span(a, b, alignment_mode="expand")
                if tok is not None and tok[0].dep_ == "nummod":
                    return False  # "2026 units"
        return True


def _trim(ent: Span) -> Span | None:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a", "an", "by", "in", "on", "since", "until", "from", "as", "of"):
        start += 1
    return doc[start:end] if start < end else None


def _non_overlapping(found: list[tuple[int, int, Parsed]]) -> list[tuple[int, int, Parsed]]:
    out: list[tuple[int, int, Parsed]] = []
    for a, b, p in sorted(found, key=lambda t: (t[0], -(t[1] - t[0]))):
        if out and a < out[-1][1]:
            continue
        out.append((a, b, p))
    return out


class EventFinder:
    """One event per verb anchored by a specific date: trigger, actors, status."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        _set_ext("facts_events")

    def __call__(self, doc: Doc) -> Doc:
        events: dict[int, dict] = {}
        ents = [e for e in doc.ents if e.label_ in _NAMES]
        for k, (a, b, p) in enumerate(doc._.facts_times or ()):
            if p.type != "DATE" or p.rule not in _SPECIFIC:
                continue
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is None:
                continue
            verb = _governing_verb(span.root)
            if verb is None:
                continue
            if verb.i in events and _rank(events[verb.i]["rule"]) >= _rank(p.rule):
                continue
            sent = verb.sent
            events[verb.i] = {
                "time": k, "rule": p.rule, "trigger": verb.lemma_.lower(),
                "actors": [(e.start_char, e.end_char) for e in _actors(verb, span, ents)],
                "status": _status(verb, sent),
                "start": sent.start_char, "end": sent.end_char,
                "clause": (min(t.idx for t in verb.subtree), max(t.idx + len(t.text) for t in verb.subtree)),
            }
        doc._.facts_events = [events[i] for i in sorted(events)]
        return doc


_GRAN_RANK = {"iso_date": 5, "mdy": 5, "dmy": 5, "md": 5, "dm": 5, "month_year": 4, "quarter_year": 3,
              "half_year": 3, "quarter_rel": 3, "half_rel": 3, "season_year": 3}


def _rank(rule: str) -> int:
    return _GRAN_RANK.get(rule, 1)


def _governing_verb(tok: Token) -> Token | None:
    t = tok
    for _ in range(6):
        if t.pos_ in ("VERB",) or (t.pos_ == "AUX" and t.dep_ == "ROOT"):
            return t
        if t.head is t:
            return None
        t = t.head
    return None


def _actors(verb: Token, time_span: Span, ents: list[Span]) -> list[Span]:
    roles = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "dative", "agent", "attr", "pobj", "prep")]
    if verb.dep_ in ("xcomp", "conj", "advcl", "ccomp") and not any(c.dep_.startswith("nsubj") for c in verb.children):
        roles += [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    tokens = {t.i for r in roles for t in r.subtree if not (time_span.start <= t.i < time_span.end)}
    out = []
    for ent in ents:
        if any(i in tokens for i in range(ent.start, ent.end)):
            out.append(ent)
    return out


def _status(verb: Token, sent: Span) -> str:
    if _REPORTED.search(sent.text):
        return "reported"
    chain = [verb, *verb.ancestors]
    if any(c.lower_ in _FUTURE_AUX for v in chain[:3] for c in v.children if c.dep_ == "aux"):
        return "planned"
    if any(v.lemma_.lower() in _PLAN_VERBS for v in chain[:3]):
        return "planned"
    if re.search(r"\b(?:is|are) (?:expected|set|scheduled|projected|poised|slated|likely) to\b", sent.text, re.I):
        return "planned"
    return "occurred"


@Language.factory("facts_times")
def make_times(nlp: Language, name: str) -> TimeFinder:
    return TimeFinder(nlp, name)


@Language.factory("facts_events")
def make_events(nlp: Language, name: str) -> EventFinder:
    return EventFinder(nlp, name)


# -- records ------------------------------------------------------------------

def _previous_anchor(resolved: list[tuple[int, Resolved]], sent_bounds: tuple[int, int], a: int) -> date | None:
    """For 'N years later': an explicit date in the same sentence, else the last one before."""
    same = [r for pos, r in resolved if sent_bounds[0] <= pos < sent_bounds[1] and r.granularity == "day"]
    if same:
        return date.fromisoformat(same[0].start_date)
    before = [r for pos, r in resolved if pos < a and r.start_date and r.granularity in ("day", "month", "year")]
    return date.fromisoformat(before[-1].start_date) if before else None


def times_from_docs(article: Article, docs: list[tuple[Doc, int]], entities: tuple[Entity, ...],
                    quantities: tuple[Quantity, ...]) -> tuple[tuple[TimeExpr, ...], tuple[Event, ...]]:
    anchor = date.fromisoformat(article.published) if article.published else None
    times: list[TimeExpr] = []
    events: list[Event] = []
    mention_of = {(m.start, m.end): e for e in entities for m in e.mentions}
    for doc, offset in docs:
        text = doc_text(doc)
        resolved: list[tuple[int, Resolved]] = []
        local: list[TimeExpr] = []
        for a, b, p in doc._.facts_times or ():
            sent = doc.char_span(a, b, alignment_mode="expand").sent
            prev = None
            if p.rule == "later":
                same = [r for pos, r in resolved if sent.start_char <= pos < sent.end_char]
                prev = _previous_anchor(resolved, (sent.start_char, sent.end_char), a)
                explicit = _explicit_in(doc, sent, a)
                if explicit is not None:  # "Eight years later, on February 26, 2026": that date's year
                    r = Resolved(str(explicit.year), date(explicit.year, 1, 1).isoformat(),
                                 date(explicit.year + 1, 1, 1).isoformat(), "year", True)
                else:
                    r = resolve(p, anchor, prev)
            else:
                r = resolve(p, anchor, _previous_anchor(resolved, (sent.start_char, sent.end_char), a)
                            if p.rule in ("md", "dm") else None)
            resolved.append((a, r))
            start, end = a + offset, b + offset
            raw_start, raw_end = article.raw_span(start, end)
            local.append(TimeExpr(
                id=content_id(article.article_id, "time", start, end), text=text[a:b], start=start, end=end,
                raw_start=raw_start, raw_end=raw_end, type=p.type, value=r.value, start_date=r.start_date,
                end_date=r.end_date, granularity=r.granularity, anchored=r.anchored))
        times.extend(local)
        for ev in doc._.facts_events or ():
            t = local[ev["time"]]
            if not t.anchored or t.value is None:
                continue
            sentence = text[ev["start"]:ev["end"]]
            quote = sentence.strip()  # offsets of the quote itself: a sentence span can end in a line break
            s = ev["start"] + offset + (len(sentence) - len(sentence.lstrip()))
            e = s + len(quote)
            actors = []
            for a, b in ev["actors"]:
                ent = mention_of.get((a + offset, b + offset))
                if ent is not None and all(x["id"] != ent.id for x in actors):
                    actors.append({"id": ent.id, "name": ent.name})
            status = ev["status"]
            if status == "occurred" and anchor is not None and t.start_date and t.start_date > anchor.isoformat():
                status = "planned"  # a date after publication: expected, not yet happened
            c0, c1 = ev["clause"][0] + offset, ev["clause"][1] + offset
            qids = tuple(q.id for q in quantities if c0 <= q.start < c1)
            raw_start, raw_end = article.raw_span(s, e)
            events.append(Event(
                id=content_id(article.article_id, "event", s, t.start), text=quote,
                start=s, end=e, raw_start=raw_start, raw_end=raw_end, trigger=ev["trigger"], date=t.value,
                start_date=t.start_date, end_date=t.end_date, actors=tuple(actors), quantities=qids,
                status=status))
    return tuple(times), tuple(events)


def _explicit_in(doc: Doc, sent: Span, a: int) -> date | None:
    for x, y, p in doc._.facts_times or ():
        if sent.start_char <= x < sent.end_char and x != a and p.rule in ("iso_date", "mdy", "dmy"):
            r = resolve(p, None)
            if r.start_date:
                return date.fromisoformat(r.start_date)
    return None
