"""The answer the LLM is asked for, and how each value in it is checked before it becomes a :class:`Fact`.

The request schema (:data:`ANSWER_SCHEMA`) has one entry per field of the fact schema, each either
null or ``{value, evidence, confidence}``, with the allowed values spelt out so that servers with
guided decoding (OpenAI structured outputs, vLLM, Ollama, llama.cpp) can enforce them. The answer
is nevertheless parsed leniently, value by value (:func:`facts_from_answer`): a model that gets one
value wrong loses that value, with a note, not the whole message.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.utils.json_schema import dereference_refs
from pydantic import BaseModel, ConfigDict, ValidationError, create_model

from bot.extract import guard
from bot.facts import ENUM_FIELDS, FIELDS, INTEGER_FIELDS, NUMBER_FIELDS, Fact, bucket_for_days, evidence_in_text


class MalformedAnswer(ValueError):
    """The LLM's answer is not an object in the requested schema at all."""


class _Quoted(BaseModel):
    # Field meanings are in the system prompt; repeating them here for each of eleven fields costs tokens.
    model_config = ConfigDict(extra="forbid")

    evidence: str
    confidence: float


def _value_type(field: str) -> Any:
    if field in ENUM_FIELDS:
        return Literal[tuple(member.value for member in ENUM_FIELDS[field])]
    if field in INTEGER_FIELDS:
        return int
    if field in NUMBER_FIELDS:
        return float
    return str


def _build_answer_model() -> type[BaseModel]:
    # Every property is required and nullable, which OpenAI's strict structured outputs demand.
    items = {
        field: create_model(f"{field}_fact", __base__=_Quoted, value=(_value_type(field), ...))
        for field in FIELDS
    }
    return create_model(  # type: ignore[call-overload, no-any-return]
        "prospect_facts",
        __config__=ConfigDict(extra="forbid"),
        __doc__="The facts the prospect's message states; null for every field it does not state.",
        **{field: (items[field] | None, ...) for field in FIELDS},
    )


def _untitled(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _untitled(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_untitled(v) for v in node]
    return node


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    # Inlined definitions: not every local server's grammar compiler follows "$ref". Titles go too,
    # except the top one, which names the answer.
    flat = dereference_refs(schema)
    flat.pop("$defs", None)
    return {**_untitled(flat), "title": schema["title"]}


AnswerModel = _build_answer_model()
ANSWER_SCHEMA: dict[str, Any] = _inline(AnswerModel.model_json_schema())


def _clamp(confidence: Any) -> float:
    try:
        number = float(confidence)
    except (TypeError, ValueError):
        return 0.5
    return min(1.0, max(0.0, number)) if number == number else 0.5


def facts_from_answer(answer: Any, text: str, channel: str) -> tuple[list[Fact], list[str]]:
    """The facts in an LLM ``answer`` that survive every check, and a note for each value dropped.

    A value stands when it fits its field (:class:`Fact` validation), its evidence occurs in the
    prospect's own words (:func:`bot.facts.evidence_in_text`, quoted email history excluded), and
    the injection guard does not reject it (:func:`bot.extract.guard.screen`). Raises
    :class:`MalformedAnswer` when ``answer`` is not an object of the schema's fields.
    """
    if not isinstance(answer, dict):
        raise MalformedAnswer(f"answer is a {type(answer).__name__}, not an object")
    if answer and not any(field in answer for field in FIELDS):
        raise MalformedAnswer("answer names none of the fact fields")
    own = guard.own_text(text, channel)
    instructions = guard.find_instructions(own)
    facts: list[Fact] = []
    notes: list[str] = []
    for field in FIELDS:
        checked = _checked(field, answer.get(field), own, instructions)
        if isinstance(checked, Fact):
            facts.append(checked)
        elif checked:
            notes.append(f"dropped {field}: {checked}")
    return _consistent(facts, notes), notes


def _checked(field: str, item: Any, own: str, instructions: list[guard.Instruction]) -> Fact | str | None:
    """The fact ``item`` states for ``field``, or why it cannot stand, or None when it states nothing."""
    if item is None:
        return None
    if not isinstance(item, dict):
        return "not a {value, evidence, confidence} object"
    if item.get("value") is None:
        return None
    evidence = str(item.get("evidence") or "")
    confidence = _clamp(item.get("confidence"))
    try:
        fact = Fact.model_validate({"field": field, "value": item["value"], "evidence": evidence, "confidence": confidence})
    except ValidationError as exc:
        return str(exc.errors()[0]["msg"])
    if not evidence_in_text(evidence, own):
        return "its evidence does not occur in the prospect's text"
    return guard.screen(field, evidence, own, instructions) or fact


def _consistent(facts: list[Fact], notes: list[str]) -> list[Fact]:
    """Make the values agree with each other: the bucket follows the days; min never exceeds max."""
    by_field = {fact.field: fact for fact in facts}
    days, bucket = by_field.get("timeline_days"), by_field.get("timeline_bucket")
    if days is not None:
        expected = bucket_for_days(int(days.value)).value
        if bucket is None or bucket.value != expected:
            if bucket is not None:
                notes.append(f"timeline_bucket {bucket.value} corrected to {expected} from timeline_days")
            by_field["timeline_bucket"] = Fact(
                field="timeline_bucket", value=expected, evidence=days.evidence, confidence=days.confidence
            )
    low, high = by_field.get("budget_min"), by_field.get("budget_max")
    if low is not None and high is not None and float(low.value) > float(high.value):
        notes.append("dropped budget_min and budget_max: the minimum exceeds the maximum")
        del by_field["budget_min"], by_field["budget_max"]
    return [by_field[f] for f in FIELDS if f in by_field]
