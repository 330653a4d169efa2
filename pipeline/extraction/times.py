"""Time expressions and dated events as spaCy components, and their records.

`facts_times` finds time expressions (the patterns of timex/ over the text,
plus spaCy's DATE/TIME entities they do not cover) and stores what each says
(doc._.facts_times). `facts_events` takes each clause anchored by a specific
date: its main verb (trigger), the entities around that verb (actors), and a
status (occurred / planned / reported). Values are resolved against the
publication date in `times_from_docs`, outside spaCy, because the date belongs
to the article, not to the text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .quantities.filters import counts_plural
from ..records import Article, Entity, Event, Quantity, TimeExpr, content_id
from .timex import DEFAULT_PATH, Grammar, Parsed, Resolved, load_grammar, resolve
from .doctext import doc_text

_NAMES = {"ORG", "PERSON", "GPE", "PRODUCT", "NORP", "LOC", "FAC", "EVENT", "LAW", "WORK_OF_ART"}
_PLAN_VERBS = {"plan", "expect", "aim", "intend", "schedule", "project", "forecast", "target", "set", "prepare",
               "predict", "estimate", "anticipate", "hope", "seek"}
_REPORTED = re.compile(r"\b(according to|reportedly|reports? (?:say|said|suggest)|sources? (?:say|said)|is said to|"
                       r"are said to|allegedly|rumou?red|it is understood)\b", re.I)
_FUTURE_AUX = {"will", "'ll", "shall", "wo"}


def _set_ext(name: str) -> None:
    if not Doc.has_extension(name):
        Doc.set_extension(name, default=None)


class TimeFinder:
    def __init__(self, nlp: Language, name: str, grammar_path: str | None = None):
        self.name = name
        self.grammar = load_grammar(grammar_path or DEFAULT_PATH)
        _set_ext("facts_times")

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)  # (spaCy rebuilds doc.text and doc.ents on each access: read once)
        ents = list(doc.ents)
        found = []
        for a, b, p in self.grammar.find(text):
            if self._is_time(doc, text, ents, (a, b, p)):
                span = doc.char_span(a, b, alignment_mode="expand")
                tense = _tense(span.root, self.grammar.future_lemmas) if span is not None else None
                found.append((a, b, replace(p, tense=tense)))
        doc._.facts_times = found
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
            tok = doc.char_span(a, b, alignment_mode="expand")
            if tok is not None and len(tok) == 1 and counts_plural(tok[0]):
                return False  # "injuring 1956 people": a count
            nxt = text[b:b + 12]
            if re.match(r"^\s*(?:[A-Za-z]+s\b)", nxt) and not re.match(r"^\s*(?:was|is|saw|has|marks|will|brought|became|also|s\b)", nxt):
                tok = doc.char_span(a, b, alignment_mode="expand")
                if tok is not None and tok[0].dep_ == "nummod":
                    return False  # "2026 units"
        return True


def _tense(tok: Token, future_lemmas: frozenset[str]) -> str | None:
    """past / future / present of the clause an expression sits in, from its governing verb."""
    verb = _governing_verb(tok)
    if verb is None:
        return None
    if verb.tag_ in ("VBP", "VBZ", "VBN", "VB") and any(
            v.lemma_.lower() in future_lemmas for v in (verb, *list(verb.ancestors)[:2])):
        return "future"  # "is expected in January", "plans to open in March"
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(c.lower_ in _FUTURE_AUX for c in auxes) or any(
            c.lower_ == "going" and any(t.lower_ == "to" for t in c.children) for c in auxes):
        return "future"
    if verb.tag_ in ("VBD",) or any(c.tag_ == "VBD" or c.lower_ in ("has", "have", "had", "'ve") for c in auxes):
        return "past"
    if verb.tag_ == "VBN" and not auxes:
        return "past"
    return "present"


class EventFinder:
    """One event per verb anchored by a specific date: trigger, actors, status."""

    def __init__(self, nlp: Language, name: str):
        self.name = name
        _set_ext("facts_events")

    def __call__(self, doc: Doc) -> Doc:
        events: dict[int, dict] = {}
        ents = [e for e in doc.ents if e.label_ in _NAMES]
        for k, (a, b, p) in enumerate(doc._.facts_times or ()):
            if not p.specific:
                continue
            span = doc.char_span(a, b, alignment_mode="expand")
            if span is None:
                continue
            verb = _governing_verb(span.root)
            if verb is None:
                continue
            lo, hi = min(a, verb.idx), max(b, verb.idx + len(verb.text))
            if "\n" in doc_text(doc)[lo:hi]:
                continue  # a dateline on its own line dates the page, not the clause's event
            if sum(1 for t in verb.sent if t.is_alpha and not (span.start <= t.i < span.end)) < 3:
                continue  # "Updated 4/11/2007 1:26 PM": a page's stamp, not a clause
            if verb.i in events and events[verb.i]["rank"] >= _rank(p):
                continue
            sent = verb.sent
            events[verb.i] = {
                "time": k, "rank": _rank(p), "trigger": verb.lemma_.lower(),
                "trigger_span": (verb.idx, verb.idx + len(verb.text)),
                "stated": _stated(p),
                "theme": _theme(verb),
                "actors": [(e.start_char, e.end_char) for e in _actors(verb, span, ents)],
                "status": _status(verb, sent),
                "start": sent.start_char, "end": sent.end_char,
                "clause": (min(t.idx for t in verb.subtree), max(t.idx + len(t.text) for t in verb.subtree)),
            }
        doc._.facts_events = [events[i] for i in sorted(events)]
        return doc


def _theme(verb: Token) -> str | None:
    """What the event happens to, as a lemma: the object ("won an Emmy": emmy), else the passive
    or plain subject ("Williams was arrested": williams; "the bridge opens": bridge)."""
    for deps in (("dobj",), ("nsubjpass",), ("nsubj",)):
        for c in verb.children:
            if c.dep_ in deps and not c.is_stop:
                return c.lemma_.lower()
    if verb.dep_ in ("xcomp", "conj") and verb.head is not verb:
        for c in verb.head.children:
            if c.dep_ in ("nsubj", "nsubjpass") and not c.is_stop:
                return c.lemma_.lower()
    return None


def _stated(p: Parsed) -> bool:
    """The text writes the date out ("March 3", "February 1, 2009", "in 2027"), rather than
    saying it relative to when it was written ("Friday", "next year"): only such dates can
    contradict each other across articles."""
    if p.get("year") is not None:
        return True
    return p.kind == "calendar" and p.get("day") is not None and (
        p.get("month") is not None or p.get("month_num") is not None)


def _rank(p: Parsed) -> int:
    """How precisely an expression dates a clause: a day beats a month beats a quarter."""
    if p.get("day") is not None or p.get("weekday") is not None or p.kind in ("dayword", "thanksgiving"):
        return 5
    if p.get("month") is not None or p.get("month_num") is not None:
        return 4
    if p.kind in ("quarter", "anaphoric", "year_ago"):
        return 3
    return 1


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


@Language.factory("facts_times", default_config={"grammar_path": None})
def make_times(nlp: Language, name: str, grammar_path: str | None) -> TimeFinder:
    return TimeFinder(nlp, name, grammar_path)


@Language.factory("facts_events")
def make_events(nlp: Language, name: str) -> EventFinder:
    return EventFinder(nlp, name)


# -- records ------------------------------------------------------------------

class _Anchors:
    """The dates resolved so far in an article (in text order, article offsets), for 'N years
    later': a full date in the same sentence, else the last date (day, month or year) stated
    before. Looked up by bisection: a scan of all of them per expression grew with the square
    of the article."""

    def __init__(self) -> None:
        self.days: list[tuple[int, Resolved]] = []  # granularity "day"
        self.dated: list[tuple[int, Resolved]] = []  # a start date and a day, month or year
        self.day_pos: list[int] = []
        self.dated_pos: list[int] = []

    def add(self, pos: int, r: Resolved) -> None:
        if r.granularity == "day":
            self.days.append((pos, r))
            self.day_pos.append(pos)
        if r.start_date and r.granularity in ("day", "month", "year"):
            self.dated.append((pos, r))
            self.dated_pos.append(pos)

    def previous(self, sent_bounds: tuple[int, int], a: int) -> Resolved | None:
        i = bisect_left(self.day_pos, sent_bounds[0])
        if i < len(self.days) and self.days[i][0] < sent_bounds[1]:
            return self.days[i][1]
        j = bisect_left(self.dated_pos, a)
        return self.dated[j - 1][1] if j else None


def times_from_docs(article: Article, docs: list[tuple[Doc, int]], entities: tuple[Entity, ...],
                    quantities: tuple[Quantity, ...], grammar: Grammar | None = None,
                    ) -> tuple[tuple[TimeExpr, ...], tuple[Event, ...]]:
    """The times and dated events of an article's docs, resolved against its publication date
    with the grammar the component found them with (config/timex.toml of the run's settings)."""
    anchor = date.fromisoformat(article.published) if article.published else None
    times: list[TimeExpr] = []
    events: list[Event] = []
    mention_of = {(m.start, m.end): e for e in entities for m in e.mentions}
    reference: Resolved | None = None  # the quarter (or half) the text last spoke of
    anchors = _Anchors()  # over the whole article: a piece goes on from the one before
    q_order = sorted(range(len(quantities)), key=lambda i: quantities[i].start)
    q_starts = [quantities[i].start for i in q_order]
    for doc, offset in docs:
        text = doc_text(doc)
        local: list[TimeExpr] = []
        for a, b, p in doc._.facts_times or ():
            sent = doc.char_span(a, b, alignment_mode="expand").sent
            prev = anchors.previous((sent.start_char + offset, sent.end_char + offset), a + offset)
            r = resolve(p, anchor, date.fromisoformat(prev.start_date) if prev else None, reference=reference,
                        previous_granularity=prev.granularity if prev else None, grammar=grammar)
            if p.kind == "ago" and p.get("dir") in ("later", "earlier") and (
                    explicit := _explicit_in(doc, sent, a, grammar)):
                y = explicit.year  # "Eight years later, on February 26, 2026": that date's year
                r = Resolved(str(y), date(y, 1, 1).isoformat(), date(y + 1, 1, 1).isoformat(), "year", True)
            if r.granularity in ("quarter", "half") and p.kind not in ("year_ago", "period_of_year"):
                reference = r
            anchors.add(a + offset, r)
            start, end = a + offset, b + offset
            raw_start, raw_end = article.raw_span(start, end)
            local.append(TimeExpr(
                id=content_id(article.article_id, "time", start, end), text=text[a:b], start=start, end=end,
                raw_start=raw_start, raw_end=raw_end, type=p.type, value=r.value, start_date=r.start_date,
                end_date=r.end_date, granularity=r.granularity, anchored=r.anchored))
        times.extend(local)
        for ev in doc._.facts_events or ():
            t = local[ev["time"]]
            if t.value is None or not (t.anchored or t.value.startswith("XXXX")):
                continue  # "Friday" with no dateline stays comparable (XXXX-WXX-5); "recently" does not
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
            qids = tuple(quantities[i].id for i in sorted(q_order[bisect_left(q_starts, c0):bisect_left(q_starts, c1)]))
            raw_start, raw_end = article.raw_span(s, e)
            ts, te = ev["trigger_span"][0] + offset, ev["trigger_span"][1] + offset
            events.append(Event(
                id=content_id(article.article_id, "event", s, t.start), text=quote,
                start=s, end=e, raw_start=raw_start, raw_end=raw_end, trigger=ev["trigger"],
                trigger_start=ts, trigger_end=te, date=t.value, date_stated=ev["stated"], theme=ev["theme"],
                start_date=t.start_date, end_date=t.end_date, actors=tuple(actors), quantities=qids,
                status=status))
    return tuple(times), tuple(events)


def _explicit_in(doc: Doc, sent: Span, a: int, grammar: Grammar | None) -> date | None:
    """A full date (day, month and year) stated in the sentence, other than the one at a."""
    for x, y, p in doc._.facts_times or ():
        if sent.start_char <= x < sent.end_char and x != a and p.kind == "calendar" and p.get("year") is not None:
            r = resolve(p, None, grammar=grammar)
            if r.start_date and r.granularity == "day":
                return date.fromisoformat(r.start_date)
    return None
