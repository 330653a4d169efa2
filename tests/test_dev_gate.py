"""The development-set gate: every figure pinned in tests/dev_floors.toml, measured once per
session on ../shared/dev, must stay at or above its floor. Skips when the dev sets are absent."""

from __future__ import annotations

import pytest

import devgate

pytestmark = pytest.mark.devgate  # make check runs it; make test does not

FLOORS = devgate.load_floors()


@pytest.fixture(scope="session")
def dev_run(tmp_path_factory):
    if not devgate.available():
        pytest.skip(f"no development sets at {devgate.DEV}")
    if not devgate.FACTS.exists():
        pytest.skip(f"no installed `facts` beside {devgate.FACTS.parent}")
    keep = tmp_path_factory.mktemp("dev")
    scores, _ = devgate.score(devgate.tasks_of(FLOORS), keep)
    return scores, keep


@pytest.fixture(scope="session")
def dev_scores(dev_run):
    return dev_run[0]


def test_the_ceiling_counts_what_the_scorer_counts(dev_run):
    """tests/fact_ceiling.py follows each gold fact to where it is lost: the facts it finds merged
    are the scorer's merge recall, its conflicts found the scorer's, and the ceilings lie above."""
    import fact_ceiling

    scores, keep = dev_run
    table, _ = fact_ceiling.stages(keep / "ecbplus.duckdb", "dev")
    agree, conflict = table["agree"], table["conflict"]
    assert round(agree["found"] / sum(agree.values()), 3) == scores["ecbplus.facts.merge_recall"]
    assert round(conflict["found"] / sum(conflict.values()), 3) == scores["ecbplus.facts.conflict_recall"]
    assert agree["found"] + agree["below threshold"] > agree["found"]  # misses a better model would win exist


@pytest.mark.parametrize("figure", sorted(FLOORS))
def test_dev_figure_holds_its_floor(dev_scores, figure):
    assert devgate.check(dev_scores, {figure: FLOORS[figure]}) == []


def test_every_task_has_floors():
    assert set(devgate.tasks_of(FLOORS)) == {"time", "quantities", "ecbplus", "pages", "pages-html"}


def test_a_floor_above_the_figure_fails():
    assert devgate.check({"time.value_f1": 0.47}, {"time.value_f1": 0.47}) == []
    assert devgate.check({"time.value_f1": 0.47}, {"time.value_f1": 0.48}) == [
        "time.value_f1: 0.470 is under its floor 0.480"]


def test_a_figure_the_scorer_stopped_printing_fails():
    [failure] = devgate.check({}, {"pages.title_accuracy": 0.5})
    assert "no such figure" in failure


def test_floors_are_nested_tables_flattened_to_dotted_keys(tmp_path):
    f = tmp_path / "floors.toml"
    f.write_text('[ecbplus.entities]\naligned_conll_f1 = 0.83\n[time]\nvalue_f1 = 0.47\n')
    assert devgate.load_floors(f) == {"ecbplus.entities.aligned_conll_f1": 0.83, "time.value_f1": 0.47}


def test_a_quantitys_subject_is_its_linked_corpus_entity(dev_run):
    """On 197 real reports: every quantity's subject_entity_id and every event's actor_entity_ids
    are the corpus entities their article's entities were linked to (what facts compare and what
    joins `entities`), and linking moved some."""
    import duckdb

    _, keep = dev_run
    con = duckdb.connect(str(keep / "ecbplus.duckdb"), read_only=True)
    wrong, moved, missing = con.execute("""
        SELECT count(*) FILTER (WHERE q.subject_entity_id IS DISTINCT FROM m.entity_id),
               count(*) FILTER (WHERE q.subject_entity_id <> q.subject_article_entity_id),
               count(*) FILTER (WHERE q.subject_entity_id NOT IN (SELECT entity_id FROM entities))
        FROM quantities q
        JOIN (SELECT DISTINCT article_id, article_entity_id, entity_id FROM mentions) m
          ON m.article_id = q.article_id AND m.article_entity_id = q.subject_article_entity_id""").fetchone()
    bad_actors, moved_actors = con.execute("""
        WITH a AS (SELECT e.event_id, e.article_id, e.actor_entity_ids AS stored,
                          unnest(from_json(e.actors, '[{"id": "VARCHAR"}]')).id AS local FROM events e),
             linked AS (SELECT a.event_id, any_value(a.stored) AS stored,
                               list_sort(list_distinct(list(coalesce(m.entity_id, a.local)))) AS want,
                               bool_or(m.entity_id IS DISTINCT FROM a.local) AS moved
                        FROM a LEFT JOIN (SELECT DISTINCT article_id, article_entity_id, entity_id FROM mentions) m
                          ON m.article_id = a.article_id AND m.article_entity_id = a.local
                        GROUP BY a.event_id)
        SELECT count(*) FILTER (WHERE stored IS DISTINCT FROM want), count(*) FILTER (WHERE moved)
        FROM linked""").fetchone()
    con.close()
    assert (wrong, missing) == (0, 0)
    assert moved > 0
    assert bad_actors == 0 and moved_actors > 0  # events' actors likewise (actor_entity_ids)
