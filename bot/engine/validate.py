"""The checks a flow must pass beyond its shape: names, reachability, closings, conditions.

:func:`semantic_problems` returns ``(location, message)`` pairs; the loader turns the location
into a line of the file. Reachability is decided by enumerating enum fields' values, so "this
question's condition always triggers an exit" is found without running a conversation.
"""

from __future__ import annotations

from typing import Iterator, Mapping

from bot.engine.conditions import match_holds
from bot.engine.schema import STAGES, Flow, Match
from bot.engine.yamlsource import Loc
from bot.facts import ENUM_FIELDS, FIELDS, TOPIC_FIELDS, FactValue, InvalidFactValue, normalize_value

Problem = tuple[Loc, str]
_NUMERIC = frozenset({"budget_min", "budget_max", "timeline_days", "employees"})


def semantic_problems(flow: Flow) -> list[Problem]:
    """Everything wrong with a well-shaped flow, in file order."""
    problems: list[Problem] = []
    problems += _topic_problems(flow)
    problems += _question_problems(flow)
    problems += _exit_problems(flow)
    problems += _closing_problems(flow)
    problems += _reachability_problems(flow)
    return problems


def _unknown_fields(fields: list[str] | None, loc: Loc) -> Iterator[Problem]:
    for index, name in enumerate(fields or ()):
        if name not in FIELDS:
            yield (*loc, index), f"unknown field {name!r} (fields: {', '.join(FIELDS)})"


def _topic_problems(flow: Flow) -> Iterator[Problem]:
    for topic, fields in flow.topics.items():
        if topic in TOPIC_FIELDS:
            yield ("topics", topic), f"topic {topic!r} is a standard topic and cannot be redefined"
        if not fields:
            yield ("topics", topic), f"topic {topic!r} names no fields"
        yield from _unknown_fields(fields, ("topics", topic))


def _question_problems(flow: Flow) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    known_topics = set(TOPIC_FIELDS) | set(flow.topics)
    for index, question in enumerate(flow.questions):
        loc: Loc = ("questions", index)
        if question.id in seen:
            yield (*loc, "id"), f"duplicate question id {question.id!r} (also question {seen[question.id] + 1})"
        seen.setdefault(question.id, index)
        if question.topic not in known_topics:
            yield (*loc, "topic"), (
                f"unknown topic {question.topic!r} (topics: {', '.join(sorted(known_topics))}; "
                "declare custom ones under `topics`)"
            )
        yield from _unknown_fields(question.fills, (*loc, "fills"))
        yield from _unknown_fields(question.required, (*loc, "required"))
        fills = set(question.fill_fields(flow.topics))
        if question.topic in known_topics and not fills:
            yield (*loc, "fills"), f"question {question.id!r} fills no fields"
        for r_index, name in enumerate(question.required or ()):
            if name in FIELDS and name not in fills:
                yield (*loc, "required", r_index), f"required field {name!r} is not among the fields it fills"
        for key in ("when", "when_not"):
            yield from _condition_problems(getattr(question, key), (*loc, key))


def _exit_problems(flow: Flow) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, early in enumerate(flow.exits):
        if early.id in seen:
            yield ("exits", index, "id"), f"duplicate exit id {early.id!r}"
        seen.add(early.id)
        if not early.when and not early.stage:
            yield ("exits", index), "an exit needs a condition: `when`, `stage` or both"
        yield from _condition_problems(early.when, ("exits", index, "when"))


def _closing_problems(flow: Flow) -> Iterator[Problem]:
    for stage in flow.closings:
        if stage not in STAGES:
            yield ("closings", stage), f"unknown outcome {stage!r} (outcomes: {', '.join(STAGES)})"
    for stage in STAGES:
        if stage not in flow.closings:
            yield ("closings",), f"missing closing for outcome {stage!r}"


def _condition_problems(condition: Mapping[str, Match] | None, loc: Loc) -> Iterator[Problem]:
    for name, match in (condition or {}).items():
        where = (*loc, name)
        if name not in FIELDS:
            yield where, f"condition on unknown fact {name!r} (fields: {', '.join(FIELDS)})"
            continue
        for key, values in (("in", match.in_), ("not_in", match.not_in)):
            for value in values or ():
                try:
                    normalize_value(name, value)
                except InvalidFactValue as exc:
                    yield where, f"condition value: {exc}"
        if (match.min is not None or match.max is not None) and name not in _NUMERIC:
            yield where, f"min/max on {name!r}, which is not a number"
        if match.in_ == []:
            yield where, "an empty `in` list never holds"


def _reachability_problems(flow: Flow) -> Iterator[Problem]:
    for index, question in enumerate(flow.questions):
        loc: Loc = ("questions", index)
        when = question.when or {}
        for name in question.required_fields(flow.topics):
            if name in when and not match_holds(when[name], None):
                yield (*loc, "when"), (
                    f"unreachable question {question.id!r}: its condition needs {name!r} known, "
                    "which already answers it"
                )
                break
        if question.when_not and _implies(when, question.when_not):
            yield (*loc, "when_not"), f"unreachable question {question.id!r}: `when_not` holds whenever `when` does"
        for early in flow.exits:
            if early.when and not early.stage and _implies(when, early.when):
                yield (*loc, "when"), (
                    f"unreachable question {question.id!r}: exit {early.id!r} ends the flow whenever it could be asked"
                )
                break


def _implies(premise: Mapping[str, Match], conclusion: Mapping[str, Match]) -> bool:
    """True when every lead satisfying ``premise`` satisfies ``conclusion`` (False when unsure)."""
    for name, wanted in conclusion.items():
        possible = _possible_values(name, premise.get(name))
        if possible is None or not all(match_holds(wanted, v) for v in possible):
            return False
    return True


def _possible_values(name: str, match: Match | None) -> list[FactValue | None] | None:
    if match is not None and match.in_ is not None:
        candidates: list[FactValue | None] = list(match.in_)
    elif name in ENUM_FIELDS:
        candidates = [None, *(m.value for m in ENUM_FIELDS[name])]
    else:
        return None
    return [v for v in candidates if match is None or match_holds(match, v)]
