"""Cross-article entity linking on a small batch of news outside the corpus domain (real spaCy,
real DuckDB): short names, acronyms and spelling variants join the fuller name only where the
article's other entities say it is the same story; places keep their granularity."""

from __future__ import annotations

import tomllib
from pathlib import Path

import duckdb
import pytest

from conftest import run_files

ARTICLES = {
    "a1.txt": "Halvorsen Biotech chief executive Ingrid Solberg said on Monday that the National Malaria "
              "Council would fund the vaccine trial in Kenya. Solberg spoke in Nairobi.",
    "a2.txt": "Solberg told reporters in Nairobi that Halvorsen Biotech expected results in Kenya by June.",
    "a3.txt": "The NMC said the trial run by Halvorsen Biotech in Kenya had enrolled 4,000 children, "
              "according to Ingrid Solberg.",
    "a4.txt": "Erik Solberg, the goalkeeper of Rosenborg, saved a penalty in Trondheim as Rosenborg beat "
              "Molde 2-1 on Sunday.",
    "a5.txt": "Solberg was the hero in Trondheim again, and Rosenborg moved top of the table.",
    "a6.txt": "Storms hit the Horn of Africa, where Somalia and Ethiopia reported floods on Tuesday.",
    "a7.txt": "Aid agencies said Africa needed more money for weather warnings, and Somalia asked for help.",
    "a8.txt": "Ingrid Solbergg of Halvorsen Biotech said the Kenya trial would end early.",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = run_files(tmp_path_factory.mktemp("links"), ARTICLES)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def entity_of(con, article: str, text: str) -> str:
    rows = con.execute("SELECT DISTINCT e.name FROM mentions m JOIN articles a USING (article_id) "
                       "JOIN entities e USING (entity_id) WHERE a.path LIKE ? AND m.text = ?",
                       [f"%{article}", text]).fetchall()
    assert len(rows) == 1, (article, text, rows)
    return rows[0][0]


def test_a_surname_joins_the_person_its_story_names(db):
    assert entity_of(db, "a2.txt", "Solberg") == "Ingrid Solberg"
    assert entity_of(db, "a5.txt", "Solberg") == "Erik Solberg"  # another story, another Solberg


def test_a_spelling_variant_joins_with_shared_context(db):
    assert entity_of(db, "a8.txt", "Ingrid Solbergg") == "Ingrid Solberg"


def test_an_acronym_needs_more_than_a_few_shared_names(db):
    """The link model (config/link_model.toml) learned on the ECB+ training topics that an
    acronym candidate is rarely the same entity (1 of 13 labelled there), so three shared names
    do not make "NMC" the council; the decision is the model's, not a rule's."""
    assert entity_of(db, "a3.txt", "NMC") == "NMC"


def test_a_place_is_not_the_short_form_of_a_larger_one(db):
    assert entity_of(db, "a7.txt", "Africa") == "Africa"


def test_each_link_says_how_and_how_sure(db):
    rows = db.execute("SELECT method, shared, confidence FROM entity_links").fetchall()
    assert rows and {m for m, _, _ in rows} <= {"alias", "short_form", "acronym", "spelling", "variant"}
    threshold = tomllib.loads((Path(__file__).parents[1] / "config" / "link_model.toml").read_text())["threshold"]
    assert all(s >= 0 and threshold <= c <= 1 for _, s, c in rows)  # confidence: the model's probability


@pytest.mark.parametrize("edits", [1, 2])
def test_near_keys_finds_what_comparing_every_pair_finds(edits):
    """The deletion-neighbourhood lookup that keeps spelling blocks linear misses no near pair
    (edits counted as optimal string alignment: a swap of neighbours is one edit)."""
    from rapidfuzz.distance import OSA

    from pipeline.reconcile.spelling import near_keys

    keys = ["duncan raite", "duncan rait", "duncan raitt", "duncan wait", "dunkan rait", "ingrid solberg",
            "ingrid solbergg", "ingrid solbreg", "ingird solberg", "halvorsen biotech", "halvorsen biotek",
            "duncan raite"]
    brute = [[j for j in range(len(keys)) if j != i and OSA.distance(keys[i], keys[j]) <= edits]
             for i in range(len(keys))]
    assert near_keys(keys, edits) == brute
    assert any(brute)  # pairs to find, not an empty answer
    if edits == 1:
        assert 8 in brute[5]  # "ingird solberg": two letters swapped is one edit


def test_person_cores_read_titles_middle_names_and_nicknames():
    """nameparser's tables, not a list of ours, tell a title and a nickname from a given name."""
    from pipeline.names import person_cores

    assert person_cores("Miss Jenkin") == {("jenkin",)}
    assert person_cores("Mark Jay Heller") == {("mark", "heller")}
    assert person_cores('Luis Gerardo "Jerry" Ortiz') == {("luis", "ortiz"), ("jerry", "ortiz")}
    assert ("mark", "felt") in person_cores("W. Mark Felt Sr.")
    assert person_cores("Gigante") == frozenset()  # a bare word: a given name or a surname?


def test_people_candidates_from_how_their_names_relate():
    """Which links a person's name can make across articles (the model decides among them)."""
    from pipeline.config import load_settings
    from pipeline.reconcile.entities import MentionRow, link_candidates

    def row(article, name):
        return MentionRow(article, f"PERSON:{name.casefold()}", name, "PERSON", name, 1)

    rows = [row("a", "Katie Jenkin"), row("b", "Miss Jenkin"), row("c", "Mark Jay Heller"), row("c", "Mark Heller"),
            row("d", "Mark Heller"), row("e", "Lindsay Lohan"), row("f", "Lindsay"), row("g", "Fred LaRue"),
            row("g", "Lindsay Lohan"), row("h", "Frederick Cheney LaRue"), row("i", "Jerry Ortiz"),
            row("j", 'Luis Gerardo "Jerry" Ortiz'), row("k", "Katie Holmes")]
    got = {(c.article_id, c.entity.split(":")[1], c.target.split(":")[1], c.method)
           for c in link_candidates(rows, load_settings().link)}
    assert ("b", "miss jenkin", "katie jenkin", "short_form") in got
    assert ("c", "mark jay heller", "mark heller", "alias") in got  # the commoner name is the target
    assert ("f", "lindsay", "lindsay lohan", "given") in got
    assert ("h", "frederick cheney larue", "fred larue", "variant") in got
    assert ("j", 'luis gerardo "jerry" ortiz', "jerry ortiz", "alias") in got
    assert not any(t == "katie holmes" for _, e, t, _ in got if e == "miss jenkin")  # another surname
