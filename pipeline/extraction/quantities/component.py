"""The `facts_quantities` spaCy component: the steps of a quantity, in order, over one doc,
and the Quantity records of an article."""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from ...config import DEFAULT_CONFIG_DIR
from ...records import Article, Entity, Quantity, content_id
from ..doctext import doc_text
from .candidates import Cand, Ctx, drop_contained, find_candidates, widen
from .describe import describe
from .filters import is_quantity
from .lexicon import Lexicon, load_lexicon
from .numbers import NumberReader
from .ranges import merge_ranges
from .units import UnitReader


class QuantityFinder:
    """Holds what is loaded once (lexicon, number reader, pint registry); keeps nothing of a doc."""

    def __init__(self, lexicon: Lexicon):
        self.lx = lexicon
        self.numbers = NumberReader(lexicon.number_words, lexicon.fractions, lexicon.multipliers,
                                    lexicon.glued_currencies)
        self.units = UnitReader(lexicon.pint)

    def find(self, doc: Doc) -> list[dict]:
        """All quantities of a doc, as plain dicts with char offsets in the doc."""
        ctx = Ctx(doc, doc_text(doc), list(doc.ents))
        cands = [widen(c, ctx, self.lx, self.units)
                 for c in find_candidates(ctx, self.lx, self.numbers, self.units)]
        cands = drop_contained(cands)
        cands = [c for c in cands if is_quantity(c, ctx, self.lx, self.numbers)]
        cands = [describe(c, ctx, self.lx) for c in merge_ranges(cands, ctx.text, doc)]
        return [_record(c, ctx) for c in cands]


def _record(c: Cand, ctx: Ctx) -> dict:
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
        "text": ctx.text[c.start:c.end], "start": c.start, "end": c.end,
        "value": c.value, "low": c.low, "high": c.high, "qualifier": c.qualifier,
        "change": c.extra.get("change"), "unit": c.unit, "unit_family": c.unit_family,
        "per_unit": c.per_unit, "scale": c.scale, "subject": subject, "measure": measure,
        "subject_entity": ent, "time_scope": c.extra.get("time_scope"),
        "sentence": c.extra.get("sentence"), "verb": c.extra.get("verb"),
    }


class QuantityComponent:
    def __init__(self, nlp: Language, name: str, lexicon_path: str):
        self.name = name
        # no path: the lexicon shipped in config/ (a component added to a user's own nlp)
        self.finder = QuantityFinder(load_lexicon(lexicon_path or DEFAULT_CONFIG_DIR / "units.toml"))
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
    spans = sorted(by_span)  # doc.ents never overlap: at most one mention holds a position
    starts = [a for a, _ in spans]
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
                eid = by_span.get((a, b))
                if eid is None and (h := bisect_right(starts, a) - 1) >= 0 and a < spans[h][1]:
                    eid = by_span[spans[h]]
            sent = q["sentence"]
            out.append(Quantity(
                id=content_id(article.article_id, "quantity", start, end), text=q["text"], start=start, end=end,
                raw_start=raw_start, raw_end=raw_end, value=q["value"], low=q["low"], high=q["high"],
                qualifier=q["qualifier"], change=q["change"], unit=q["unit"], unit_family=q["unit_family"],
                per_unit=q["per_unit"], scale=q["scale"], subject=q["subject"], subject_entity_id=eid,
                time_scope=q["time_scope"], measure=q["measure"], verb=q["verb"],
                sentence=text[sent[0]:sent[1]].strip() if sent else None,
            ))
    return tuple(out)