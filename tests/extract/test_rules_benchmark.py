"""Regression over the shared dev set, the held-out sentences written for these rules, and the tune set.

``tune.jsonl`` (90 examples) and ``tune2.jsonl`` (120 examples, another author), ``tune3.jsonl`` (95,
email-leaning), ``tune4.jsonl`` (94, short-chat-leaning; two more authors who never saw the rules) and
``tune5.jsonl`` (70, focused on authority and need; a fifth author who never saw the rules) and ``tune6.jsonl`` (104,
authority, headcount and need; a sixth author) are copies of independently labelled sets used for error analysis when the rules were generalised; a drop of
more than 0.02 below the score reached then fails.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bench.extract import predict
from bot.extract.rules import RulesExtractor
from tests.extract.conftest import HELDOUT, SCORER, TUNE, TUNE2, TUNE3, TUNE4, TUNE5, TUNE6, load_rows

# The dev score the rules reached when this test was written; a drop of more than 0.02 fails.
REACHED_DEV_MICRO_F1 = 1.0
REACHED_HELDOUT_MICRO_F1 = 1.0
REACHED_TUNE_MICRO_F1 = 0.99
REACHED_TUNE2_MICRO_F1 = 0.99
REACHED_TUNE3_MICRO_F1 = 0.99  # 0.884 before it was used
REACHED_TUNE4_MICRO_F1 = 0.99  # 0.904 before it was used
REACHED_TUNE5_MICRO_F1 = 0.99  # 0.849 before it was used (authority F1 0.837, need recall 0.818); 0.992 reached
REACHED_TUNE6_MICRO_F1 = 0.99  # 0.893 before it was used (authority F1 0.85, need 0.76, employees 0.86); 0.992 reached
MAX_INVENTED = 5


def _score(gold: Path) -> dict:
    spec = importlib.util.spec_from_file_location("shared_eval_score", SCORER)
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    preds, _ = predict(gold, RulesExtractor())
    return scorer.score(scorer.load(str(gold)), preds)


def test_dev_score_does_not_regress(dev_path: Path) -> None:
    result = _score(dev_path)
    assert result["missing_predictions"] == 0
    assert result["micro_f1"] >= REACHED_DEV_MICRO_F1 - 0.02, result["fields"]
    assert result["invented"] <= MAX_INVENTED


def test_heldout_sentences(dev_path: Path) -> None:
    # Written independently of dev.jsonl to check that the rules generalise.
    assert len(load_rows(HELDOUT)) >= 40
    result = _score(HELDOUT)
    assert result["micro_f1"] >= REACHED_HELDOUT_MICRO_F1 - 0.02, result["fields"]
    assert result["invented"] <= 2


@pytest.mark.parametrize(
    ("gold", "size", "reached"),
    [
        (TUNE, 90, REACHED_TUNE_MICRO_F1),
        (TUNE2, 120, REACHED_TUNE2_MICRO_F1),  # tune2 scored 0.915 before use
        (TUNE3, 95, REACHED_TUNE3_MICRO_F1),  # 0.884 before use
        (TUNE4, 94, REACHED_TUNE4_MICRO_F1),  # 0.904 before use
        (TUNE5, 70, REACHED_TUNE5_MICRO_F1),  # 0.849 before use
        (TUNE6, 104, REACHED_TUNE6_MICRO_F1),  # 0.893 before use
    ],
    ids=["tune", "tune2", "tune3", "tune4", "tune5", "tune6"],
)
def test_tune_sets(gold: Path, size: int, reached: float) -> None:
    assert len(load_rows(gold)) == size
    result = _score(gold)
    assert result["missing_predictions"] == 0
    assert result["micro_f1"] >= reached - 0.02, result["fields"]
    assert result["invented"] <= MAX_INVENTED
