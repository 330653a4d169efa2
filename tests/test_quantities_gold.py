"""Quantities of each corpus article against a gold file written by reading them.

A predicted quantity and a gold one are paired when their spans overlap (gold
spans are located in the body in order). Scores:
- value: the value (or low/high of a range) agrees within 0.1%;
- value+unit: and the unit agrees (case-insensitive);
- subject: the predicted subject shares a content word with the gold subject.
Precision is over predicted quantities, recall over gold ones.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from conftest import CORPUS, invoke

GOLD = json.loads((Path(__file__).parent / "fixtures" / "quantities_gold.json").read_text(encoding="utf-8"))
FILES = sorted(k for k in GOLD if not k.startswith("_"))
# Measured (see the issue note): value F1 0.935, value+unit 0.905, subject 0.658.
FLOORS = {"value": 0.90, "value+unit": 0.87, "subject": 0.60}
_STOP = {"the", "of", "and", "a", "an", "in", "for", "to", "on", "by", "with", "its", "per", "total"}


def locate(body: str, gold: list[dict]) -> list[tuple[int, int, dict]]:
    out, pos = [], 0
    for g in gold:
        i = body.find(g["text"], pos)
        if i < 0:
            i = body.find(g["text"])
        if i < 0:
            continue
        out.append((i, i + len(g["text"]), g))
        pos = i + 1
    return out


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


def value_ok(p: dict, g: dict) -> bool:
    if g["qualifier"] == "range" or g["value"] is None:
        return close(p["low"], g["low"]) and close(p["high"], g["high"])
    return close(p["value"], g["value"])


def words(s: str | None) -> set[str]:
    return {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", (s or "").lower()) if w not in _STOP and len(w) > 2}


def unit_ok(p: dict, g: dict) -> bool:
    return (p["unit"] or "").lower().rstrip("s") == (g["unit"] or "").lower().rstrip("s")


@pytest.fixture(scope="module")
def scored():
    totals = {k: [0, 0, 0] for k in FLOORS}  # matched-pred, matched-gold, (unused)
    n_pred = n_gold = 0
    rows = []
    for name in FILES:
        out = json.loads(invoke("inspect", CORPUS / name).stdout)
        body, preds = out["article"]["clean_text"], out["quantities"]
        gold = locate(body, GOLD[name])
        pairs = []
        for p in preds:
            for a, b, g in gold:
                if p["start"] < b and a < p["end"]:
                    pairs.append((p, g))
        checks = {"value": value_ok, "value+unit": lambda p, g: value_ok(p, g) and unit_ok(p, g),
                  "subject": lambda p, g: bool(words(p["subject"]) & words(g["subject"]))}
        for key, ok in checks.items():
            good = [(id(p), id(g)) for p, g in pairs if ok(p, g)]
            totals[key][0] += len({pid for pid, _ in good})
            totals[key][1] += len({gid for _, gid in good})
        n_pred += len(preds)
        n_gold += len(gold)
        rows.append((name, len(preds), len(gold)))
    return totals, n_pred, n_gold, rows


def test_gold_file_has_100_quantities():
    assert sum(len(GOLD[f]) for f in FILES) >= 100


@pytest.mark.parametrize("key", list(FLOORS))
def test_quantities_against_gold(scored, key):
    totals, n_pred, n_gold, rows = scored
    tp_pred, tp_gold, _ = totals[key]
    p, r = tp_pred / n_pred, tp_gold / n_gold
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"\n{key:<11} precision {p:.3f} recall {r:.3f} F1 {f1:.3f}  (predicted {n_pred}, gold {n_gold})")
    assert f1 >= FLOORS[key], key
