"""Extraction benchmark: score the rules extractor on the labelled set and time it.

Uses the shared scorer (``../shared/eval/score.py``, imported, not copied). Prints micro-F1,
per-field F1, invented values, and median / p95 milliseconds per chat message and per email.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from bot.extract.base import ProspectMessage
from bot.extract.batch import parse_line
from bot.extract.rules import RulesExtractor

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT / ".." / "shared" / "eval" / "dev.jsonl"
REPEATS = 5


DEFAULT_SCORER = ROOT / ".." / "shared" / "eval" / "score.py"


def load_scorer(path: Path = DEFAULT_SCORER) -> ModuleType:
    """The shared scorer, imported from its file (never copied)."""
    spec = importlib.util.spec_from_file_location("shared_eval_score", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def predict(gold: Path, extractor: RulesExtractor) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """Predictions keyed by id, and per-channel timings in milliseconds (best of REPEATS per message)."""
    rows: dict[str, Any] = {}
    timings: dict[str, list[float]] = {"chat": [], "email": []}
    messages: list[tuple[Any, ProspectMessage]] = []
    with gold.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                messages.append(parse_line(line, n))
    extractor.read(messages[0][1])  # warm up: load the place tables once
    for ex_id, message in messages:
        best = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            extraction = extractor.read(message)
            best = min(best, time.perf_counter() - start)
        timings[message.channel].append(best * 1000)
        rows[ex_id] = {"id": ex_id, "fields": extraction.fields()}
    return rows, timings


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def run(gold: Path, scorer_path: Path = DEFAULT_SCORER) -> dict[str, Any]:
    """Score and time the rules extractor on ``gold``; the scorer's result plus ``timing_ms``."""
    scorer = load_scorer(scorer_path)
    preds, timings = predict(gold, RulesExtractor())
    result = scorer.score(scorer.load(str(gold)), preds)
    result["timing_ms"] = {
        ch: {"median": statistics.median(v) if v else 0.0, "p95": _p95(v), "n": len(v)} for ch, v in timings.items()
    }
    return result


def main(argv: list[str]) -> int:
    """Print the report; exit 1 when the gold file is missing."""
    ap = argparse.ArgumentParser(prog="python -m bench extract", description=__doc__)
    ap.add_argument("gold", nargs="?", default=str(DEFAULT_GOLD), help="labelled JSONL (default ../shared/eval/dev.jsonl)")
    ap.add_argument("--scorer", default=str(DEFAULT_SCORER), help="score.py to grade with (default ../shared/eval/score.py)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    gold = Path(args.gold)
    if not gold.exists():
        print(f"no labelled set at {gold}")
        return 1
    result = run(gold, Path(args.scorer))
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'field':<16}{'P':>7}{'R':>7}{'F1':>7}{'support':>9}{'invented':>10}")
    for f, s in result["fields"].items():
        print(f"{f:<16}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}{s['support']:>9}{s['invented']:>10}")
    print(f"examples {result['examples']}  exact match {result['exact_match']:.3f}  invented {result['invented']}")
    print(f"micro-F1 {result['micro_f1']:.4f}")
    for ch, t in result["timing_ms"].items():
        print(f"{ch:<6} median {t['median']:.2f} ms  p95 {t['p95']:.2f} ms  (n={t['n']})")
    return 0
