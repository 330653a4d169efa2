"""The development-set gate: every figure pinned in tests/dev_floors.toml, measured once per
session on ../shared/dev, must stay at or above its floor. Skips when the dev sets are absent."""

from __future__ import annotations

import pytest

import devgate

FLOORS = devgate.load_floors()


@pytest.fixture(scope="session")
def dev_scores(tmp_path_factory):
    if not devgate.available():
        pytest.skip(f"no development sets at {devgate.DEV}")
    if not devgate.FACTS.exists():
        pytest.skip(f"no installed `facts` beside {devgate.FACTS.parent}")
    scores, _ = devgate.score(devgate.tasks_of(FLOORS), tmp_path_factory.mktemp("dev"))
    return scores


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
