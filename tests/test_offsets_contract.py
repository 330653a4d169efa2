"""contract: offsets. Every item of `facts inspect` gives back its surface from both texts."""

from __future__ import annotations

import json
import re

import pytest

from conftest import CORPUS, invoke

FILES = sorted(p.name for p in CORPUS.glob("*.txt"))


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("name", FILES)
def test_items_give_back_their_surface(name):
    out = json.loads(invoke("inspect", CORPUS / name).stdout)
    clean = out["article"]["clean_text"]
    raw = (CORPUS / name).read_text(encoding="utf-8")
    items = [m for e in out["entities"] for m in e["mentions"]] + out["quantities"] + out["times"]
    assert len(items) > 20
    for it in items:
        assert clean[it["start"]:it["end"]] == it["text"]
        assert squash(raw[it["raw_start"]:it["raw_end"]]) == squash(it["text"])
    for ev in out["events"]:
        assert clean[ev["start"]:ev["end"]] == ev["text"]  # exactly: no stray line break in the span
        assert ev["date"] and ev["trigger"] and ev["status"] in ("occurred", "planned", "reported")
    for t in out["times"]:
        assert t["type"] in ("DATE", "TIME", "DURATION", "SET")
        if t["start_date"] and t["end_date"]:  # FUTURE_REF / PAST_REF are open on one side
            assert t["start_date"] < t["end_date"]
        if t["value"] not in ("FUTURE_REF", "PAST_REF") and t["start_date"]:
            assert t["end_date"]
