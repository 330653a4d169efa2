"""Canonical entities of each corpus article against a gold file written by reading them.

Matching: a predicted entity matches a gold entity when its canonical name is
one of the gold entity's names/aliases, or the gold name is one of its aliases
(all compared with names.entity_key). Prints per-article precision and recall.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import CORPUS, invoke
from pipeline.names import entity_key

GOLD_FILE = Path(__file__).parent / "fixtures" / "entities_gold.json"
GOLD = json.loads(GOLD_FILE.read_text(encoding="utf-8")) if GOLD_FILE.exists() else {}
FILES = sorted(k for k in GOLD if not k.startswith("_"))
# Floors, set under what was measured (all: precision 0.898, recall 0.858; the
# weakest article, 001 with 11 gold entities, 0.667 / 0.727).
PRECISION_FLOOR = 0.87
RECALL_FLOOR = 0.83
ARTICLE_FLOOR = 0.6


def keys(name: str, aliases) -> set[str]:
    return {entity_key(a) for a in (name, *aliases)} - {""}


def match(pred: dict, gold: dict) -> bool:
    return entity_key(pred["name"]) in keys(gold["name"], gold["aliases"]) or \
        entity_key(gold["name"]) in keys(pred["name"], pred["aliases"])


@pytest.fixture(scope="module")
def predicted():
    return {name: json.loads(invoke("inspect", CORPUS / name).stdout)["entities"] for name in FILES}


def score(pred: list[dict], gold: list[dict]) -> tuple[int, int, int, list[str]]:
    """(matched predictions, matched gold, gold split into several predictions, split names)."""
    tp_pred = sum(any(match(p, g) for g in gold) for p in pred)
    tp_gold = 0
    split = []
    for g in gold:
        hits = {p["id"] for p in pred if match(p, g)}
        tp_gold += bool(hits)
        if len(hits) > 1:
            split.append(g["name"])
    return tp_pred, tp_gold, len(split), split


def test_gold_file_is_big_enough():
    assert sum(len(GOLD[f]) for f in FILES) >= 80


def test_precision_recall_and_no_split(predicted):
    rows, total_p, total_g, tp_p, tp_g, all_split = [], 0, 0, 0, 0, []
    for name in FILES:
        pred, gold = predicted[name], GOLD[name]
        a, b, _, split = score(pred, gold)
        rows.append((name, a / len(pred), b / len(gold), len(pred), len(gold)))
        total_p, total_g, tp_p, tp_g = total_p + len(pred), total_g + len(gold), tp_p + a, tp_g + b
        all_split += split
    print("\narticle                      precision  recall  predicted  gold")
    for name, p, r, n_p, n_g in rows:
        print(f"{name:<28} {p:9.3f} {r:7.3f} {n_p:10d} {n_g:5d}")
    precision, recall = tp_p / total_p, tp_g / total_g
    print(f"{'all':<28} {precision:9.3f} {recall:7.3f} {total_p:10d} {total_g:5d}")
    assert not all_split, f"gold entities split into several ids: {all_split}"
    assert precision >= PRECISION_FLOOR and recall >= RECALL_FLOOR
    for name, p, r, _, _ in rows:
        assert p >= ARTICLE_FLOOR and r >= ARTICLE_FLOOR, name


def test_types_agree_with_gold(predicted):
    agree = total = 0
    for name in FILES:
        for g in GOLD[name]:
            hits = [p for p in predicted[name] if match(p, g)]
            if hits:
                total += 1
                agree += hits[0]["type"] == g["type"]
    print(f"\ntype agreement on matched entities: {agree}/{total} = {agree / total:.3f}")
    assert agree / total >= 0.8
