"""Stories on a small batch of news outside the corpus domain (real spaCy, real DuckDB): two
happenings of one kind (two earthquakes, the same week) stay apart, each one's reports are one
story, and a copy of an article is in its original's story."""

from __future__ import annotations

import duckdb
import pytest

from conftest import run_files

QUAKE_A = ("A magnitude 6.1 earthquake struck near the city of Arequipa in southern Peru on Monday, "
           "killing at least 14 people and damaging 300 homes, Peru's civil defence institute said. "
           "President Dina Boluarte flew to Arequipa. The quake was centred 40 km north of Arequipa.")
QUAKE_A2 = ("Rescue teams in Arequipa searched collapsed adobe homes after Monday's 6.1 quake. Peru's "
            "civil defence institute raised the death toll to 14 and said 300 homes were damaged. "
            "Dina Boluarte promised aid for the families in Arequipa.")
QUAKE_A3 = ("Peru's civil defence institute said the Arequipa earthquake killed 14 people. Boluarte "
            "declared an emergency in three districts around Arequipa.")
QUAKE_B = ("A magnitude 5.8 earthquake shook the Greek island of Crete on Wednesday, injuring 9 people "
           "and cutting power in Heraklion, Greece's civil protection agency said. Prime Minister "
           "Kyriakos Mitsotakis spoke with the mayor of Heraklion.")
QUAKE_B2 = ("Schools in Heraklion stayed closed after Wednesday's 5.8 earthquake on Crete. Greece's civil "
            "protection agency said 9 people were injured. Mitsotakis visited Heraklion.")
MATCH = ("Rosenborg beat Molde 3-1 in Trondheim on Sunday. Erik Solberg saved a penalty and Rosenborg "
         "moved top of the Eliteserien table, two points ahead of Bodo/Glimt.")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stories")
    texts = {"qa1.txt": QUAKE_A, "qa2.txt": QUAKE_A2, "qa3.txt": QUAKE_A3, "qb1.txt": QUAKE_B,
             "qb2.txt": QUAKE_B2, "m1.txt": MATCH, "qa1_copy.txt": QUAKE_A + " (Reuters)"}
    path = run_files(folder, texts)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def groups(con) -> set[frozenset[str]]:
    rows = con.execute("SELECT s.story_id, a.path FROM story_articles s JOIN articles a USING (article_id)").fetchall()
    by: dict[str, set[str]] = {}
    for sid, path in rows:
        by.setdefault(sid, set()).add(path.rsplit("/", 1)[-1])
    return {frozenset(v) for v in by.values()}


def test_each_happening_is_one_story_and_alike_happenings_stay_apart(db):
    assert groups(db) == {frozenset({"qa1.txt", "qa2.txt", "qa3.txt", "qa1_copy.txt"}),
                          frozenset({"qb1.txt", "qb2.txt"}), frozenset({"m1.txt"})}


def test_story_rows_count_articles_and_independent_sources(db):
    rows = {r[0]: r[1:] for r in db.execute(
        "SELECT s.n_articles, s.n_independent_sources, s.label FROM stories s").fetchall()}
    assert set(rows) == {4, 2, 1}
    n_independent, label = rows[4]
    assert n_independent == 3  # the copy counts with its original
    assert "Arequipa" in label
