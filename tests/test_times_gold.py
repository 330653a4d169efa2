"""Time expressions and dated events of the corpus against a gold file written by reading it.

Times: a prediction matches a gold expression when their spans overlap (gold
spans located in the body in order); span F1 over those pairs, value accuracy
on the matched pairs (same TimeML value; null = null for unanchored ones).
Events: a gold event is found when a predicted event's sentence holds the gold
sentence start and carries the same date value; trigger agreement is printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, invoke

GOLD_FILE = Path(__file__).parent / "fixtures" / "times_gold.json"
GOLD = json.loads(GOLD_FILE.read_text(encoding="utf-8")) if GOLD_FILE.exists() else {}
FILES = sorted(k for k in GOLD if not k.startswith("_"))
# Measured: span P .966 R .877 F1 .919, value accuracy .916, event recall .839, trigger agreement .788.
FLOORS = {"span_f1": 0.88, "value_accuracy": 0.88, "event_recall": 0.8}


def locate(body, items, key="text"):
    out, pos = [], 0
    for g in items:
        i = body.find(g[key], pos)
        if i < 0:
            i = body.find(g[key])
        if i >= 0:
            out.append((i, i + len(g[key]), g))
            pos = i + 1
    return out


@pytest.fixture(scope="module")
def measured():
    tp_pred = n_pred = n_gold = tp_gold = value_ok = 0
    ev_found = ev_total = trig_ok = 0
    for name in FILES:
        out = json.loads(invoke("inspect", CORPUS / name).stdout)
        body = out["article"]["clean_text"]
        gold = locate(body, GOLD[name]["times"])
        preds = out["times"]
        n_pred += len(preds)
        n_gold += len(gold)
        tp_pred += sum(any(p["start"] < b and a < p["end"] for a, b, _ in gold) for p in preds)
        for a, b, g in gold:
            hits = [p for p in preds if p["start"] < b and a < p["end"]]
            if hits:
                tp_gold += 1
                value_ok += any(p["value"] == g["value"] for p in hits)
        for g in GOLD[name]["events"]:
            ev_total += 1
            hits = [e for e in out["events"] if g["sentence_start"] in e["text"] and e["date"] == g["date"]]
            if hits:
                ev_found += 1
                trig_ok += any(e["trigger"] == g["trigger"] for e in hits)
    p, r = tp_pred / n_pred, tp_gold / n_gold
    figures = {"span_precision": p, "span_recall": r, "span_f1": 2 * p * r / (p + r),
               "value_accuracy": value_ok / tp_gold, "event_recall": ev_found / ev_total,
               "trigger_agreement": trig_ok / max(1, ev_found), "gold_times": n_gold, "gold_events": ev_total}
    print("\n" + json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))
    return figures


def test_gold_sizes():
    assert sum(len(GOLD[f]["times"]) for f in FILES) >= 60
    assert sum(len(GOLD[f]["events"]) for f in FILES) >= 25


@pytest.mark.parametrize("key", list(FLOORS))
def test_times_against_gold(measured, key):
    assert measured[key] >= FLOORS[key], key
