"""Evaluating a flow's conditions on the lead's known facts (no eval: a fixed set of tests)."""

from __future__ import annotations

from typing import Mapping

from bot.engine.schema import Match
from bot.facts import FactValue


def _same(a: FactValue, b: FactValue) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return str(a).casefold() == str(b).casefold()
    return float(a) == float(b)


def match_holds(match: Match, value: FactValue | None) -> bool:
    """True when every test of ``match`` holds for ``value`` (None: the fact is unknown)."""
    if match.known is not None and match.known != (value is not None):
        return False
    if match.in_ is not None and (value is None or not any(_same(value, v) for v in match.in_)):
        return False
    if match.not_in is not None and value is not None and any(_same(value, v) for v in match.not_in):
        return False
    for bound, ok in ((match.min, lambda x, b: x >= b), (match.max, lambda x, b: x <= b)):
        if bound is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not ok(value, bound):
            return False
    return True


def holds(condition: Mapping[str, Match] | None, known: Mapping[str, FactValue]) -> bool:
    """True when every test of ``condition`` holds on ``known`` (an absent condition holds)."""
    if not condition:
        return True
    return all(match_holds(match, known.get(field)) for field, match in condition.items())
