"""Well-formedness of the hand-annotated news quantities gold (tests/fixtures/quantities_news_gold.jsonl).

The fixture stores offsets and checksums only; the sentences are read from the dev folder
(FACTS_DEV, default <repo>/../shared/dev), so these tests skip when it is absent.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("quantities_news", HERE / "quantities_news.py")
qn = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(qn)

CHANGES = {"=", "~", ">", "<", "up", "down"}
FIELDS = {"id", "source", "doc", "start", "end", "sha1", "quantities"}

pytestmark = pytest.mark.skipif(bool(qn.missing_sources()), reason="dev folder (FACTS_DEV) not available")


@pytest.fixture(scope="module")
def rows():
    return qn.sentences()


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def test_fixture_lines_hold_no_text_and_are_sorted():
    fixture = qn.read_fixture()
    ids = [r["id"] for r in fixture]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for r in fixture:
        assert set(r) == FIELDS, r["id"]
        assert r["id"] == "%s:%s:%d" % (r["source"], r["doc"], r["start"])
        assert r["source"] in qn.SOURCES and r["start"] < r["end"]
        assert all("surface" not in q for q in r["quantities"]), r["id"]  # no text of the sources
    assert max(Counter((r["source"], r["doc"]) for r in fixture).values()) <= 4


def test_every_sentence_rebuilds(rows):
    assert rows is not None
    for r in rows:  # sha1 checked by sentences(); the sentence is clean and holds a number
        assert r["text"] == r["text"].strip() and r["text"], r["id"]


def test_quantities_well_formed(rows):
    for r in rows:
        text = r["text"]
        for q in r["quantities"]:
            where = "%s %r" % (r["id"], q.get("surface"))
            assert 0 <= q["start"] < q["end"] <= len(text), where
            surface = text[q["start"]:q["end"]]  # the fixture keeps offsets only; the span must be a clean one
            assert surface == surface.strip() and any(ch.isalnum() for ch in surface), where
            if q["value"] is None:
                lo, hi = q["range"]
                assert is_num(lo) and is_num(hi) and lo <= hi, where
            else:
                assert is_num(q["value"]) and q.get("range") is None, where
            assert q["unit"] is None or (isinstance(q["unit"], str) and q["unit"] == q["unit"].strip()), where
            assert q.get("change", "=") in CHANGES, where


def test_size_and_variety(rows):
    assert len(rows) >= 300
    assert sum(not r["quantities"] for r in rows) >= 20
    per_source = Counter(r["source"] for r in rows)
    assert per_source["time"] >= 150 and per_source["ecbplus"] >= 150, per_source
    units = {q["unit"].lower() for r in rows for q in r["quantities"] if q["unit"]}
    assert len(units) >= 40, sorted(units)


def test_build_writes_scorer_jsonl(tmp_path):
    out = tmp_path / "gold.jsonl"
    n = qn.build(out)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(lines) == len(qn.read_fixture())
    assert set(lines[0]) == {"id", "text", "quantities"}


def test_build_without_dev_writes_nothing(tmp_path):
    out = tmp_path / "gold.jsonl"
    assert qn.build(out, dev=tmp_path / "absent") is None
    assert not out.exists()
    assert qn.main(["--out", str(out), "--dev", str(tmp_path / "absent")]) == 0 and not out.exists()
