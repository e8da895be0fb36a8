"""The flow file format: pydantic models of one YAML flow in ``flows/``.

A flow is data a customer edits: the questions it asks (each about a topic, filling fact fields
from :mod:`bot.facts`), the conditions under which each is asked, early exits, the handoff
message and the closing message per outcome. ``docs/flows.md`` explains it; ``docs/flow-schema.json``
is :func:`flow_json_schema` written out. Loading and checking live in :mod:`bot.engine.flow` and
:mod:`bot.engine.validate`; this module only says what a well-formed flow looks like.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, WithJsonSchema, field_validator

from bot.engine.knowledge import Knowledge
from bot.engine.wording import Text
from bot.facts import FIELDS, TOPIC_FIELDS

STAGES: tuple[str, ...] = ("iql", "mql", "sql", "nurture", "disqualified")

# A question's default required fields per standard topic: the field that says "answered".
DEFAULT_REQUIRED: dict[str, tuple[str, ...]] = {
    "need": ("need",),
    "budget": ("budget_status",),
    "authority": ("authority",),
    "timeline": ("timeline_bucket",),
    "company": ("employees",),
}

_IDENT = r"^[a-z][a-z0-9_]*$"
Stage = Literal["iql", "mql", "sql", "nurture", "disqualified"]
# Checked by bot.engine.validate (so errors carry a line); the enum only helps editors.
FactField = Annotated[str, WithJsonSchema({"type": "string", "enum": list(FIELDS)})]


class Match(BaseModel):
    """A test on one fact: every key given must hold."""

    model_config = ConfigDict(extra="forbid")

    known: bool | None = Field(None, description="true: the fact is known; false: it is not")
    in_: list[str | int | float] | None = Field(None, alias="in", description="the value is one of these")
    not_in: list[str | int | float] | None = Field(
        None, description="the value is none of these (an unknown fact is none of them)"
    )
    min: float | None = Field(None, description="a number at least this")
    max: float | None = Field(None, description="a number at most this")

    @field_validator("in_", "not_in", mode="before")
    @classmethod
    def _no_booleans(cls, values: Any) -> Any:
        if isinstance(values, list) and any(isinstance(v, bool) for v in values):
            raise ValueError(_BOOLEAN_HINT)
        return values


_BOOLEAN_HINT = "YAML reads yes/no/true/false/on/off (and the country code NO) as booleans: quote the value, e.g. 'NO'"


def _check_match(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(_BOOLEAN_HINT)
    if isinstance(value, (str, int, float)):
        return Match.model_validate({"in": [value]})
    if isinstance(value, list):
        return Match.model_validate({"in": value})
    return value


MatchSpec = Annotated[
    Match,
    BeforeValidator(_check_match),
    WithJsonSchema(
        {
            "description": "A value (the fact equals it), a list (the fact is one of them), or "
            "{known, in, not_in, min, max}.",
            "anyOf": [
                {"type": ["string", "number"]},
                {"type": "array", "items": {"type": ["string", "number"]}},
                Match.model_json_schema(by_alias=True),
            ],
        }
    ),
]

Condition = Annotated[
    dict[FactField, MatchSpec],
    Field(description="Fact field -> test. The condition holds when every test holds."),
]


class Question(BaseModel):
    """One question of a flow: what it asks about, the facts it fills, how and when it is asked."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_IDENT, description="unique within the flow")
    topic: str = Field(
        description="need, budget, authority, timeline, company, or a topic declared under `topics`; "
        "sent with the question so the extractor knows what was asked"
    )
    fills: list[FactField] | None = Field(None, description="fact fields an answer fills; default: the topic's fields")
    required: list[FactField] | None = Field(
        None,
        description="fields that, once known, make the question answered; default: the topic's main field "
        "(need, budget_status, authority, timeline_bucket, employees) or all of `fills`",
    )
    ask: Text
    clarify: Text | None = Field(None, description="asked instead when an answer filled none of the fields")
    quick_replies: list[str] = Field(default_factory=list, description="buttons offered in chat")
    attempts: int = Field(2, ge=1, le=5, description="times the question is asked before it is given up")
    when: Condition | None = Field(None, description="ask only when this holds")
    when_not: Condition | None = Field(None, description="never ask when this holds")

    def fill_fields(self, topics: dict[str, list[str]]) -> tuple[str, ...]:
        """The fields an answer to this question may fill."""
        if self.fills is not None:
            return tuple(self.fills)
        return tuple(_topic_fields(self.topic, topics))

    def required_fields(self, topics: dict[str, list[str]]) -> tuple[str, ...]:
        """The fields whose being known makes this question answered."""
        if self.required is not None:
            return tuple(self.required)
        if self.fills is None and self.topic in DEFAULT_REQUIRED:
            return DEFAULT_REQUIRED[self.topic]
        return self.fill_fields(topics)


def _topic_fields(topic: str, topics: dict[str, list[str]]) -> list[str]:
    if topic in topics:
        return list(topics[topic])
    return list(TOPIC_FIELDS.get(topic, ()))


class Exit(BaseModel):
    """An early end: when its condition (on facts, on the stage, or both) holds, the flow ends with ``outcome``."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=_IDENT)
    when: Condition | None = Field(None, description="a condition on the lead's facts")
    stage: list[Stage] | None = Field(
        None, description="the policy's stage for the lead is one of these (with `when`: both must hold)"
    )
    outcome: Stage
    say: Text | None = Field(None, description="said instead of the outcome's closing")


class Closing(BaseModel):
    """The last message for one outcome."""

    model_config = ConfigDict(extra="forbid")

    say: Text
    action: str | None = Field(
        None, description="what the channel may offer with it, e.g. book_meeting or resources"
    )


class Handoff(BaseModel):
    """What happens when the prospect asks for a person."""

    model_config = ConfigDict(extra="forbid")

    say: Text = "Of course — I'm letting the team know, and a person will pick this up here shortly."
    while_waiting: Text | None = Field(
        None, description="said to each message while a human handles it; default: nothing"
    )
    phrases: list[str] = Field(default_factory=list, description="extra phrases that ask for a person")


class Flow(BaseModel):
    """A qualification flow as loaded from ``flows/<name>.yaml``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", description="defaults to the file name without .yaml; must match it if given")
    description: str = ""
    topics: dict[str, list[FactField]] = Field(
        default_factory=dict, description="custom topics: name -> the fact fields it is about"
    )
    greeting: Text
    resume: Text = Field("Welcome back!", description="said before the pending question when a prospect returns")
    questions: list[Question] = Field(min_length=1)
    exits: list[Exit] = Field(default_factory=list)
    closings: dict[str, Closing] = Field(
        description="one per outcome: iql, mql, sql, nurture, disqualified",
        json_schema_extra={"required": list(STAGES), "propertyNames": {"enum": list(STAGES)}},
    )
    handoff: Handoff = Field(default_factory=Handoff)
    knowledge: str | None = Field(
        "knowledge.yaml", description="file (next to the flow) answering the prospect's questions; null: none"
    )
    email_follow_up: Text | None = Field(
        "Thank you for your reply! A few more questions:",
        description="opens an email reply that asks further questions; null: nothing",
    )
    free_questions: int = Field(
        3, ge=0, le=20, description="prospect questions per conversation that do not use up an attempt"
    )

    _knowledge: Knowledge = PrivateAttr(default_factory=Knowledge)

    @property
    def knowledge_base(self) -> Knowledge:
        """The loaded knowledge file (empty when none)."""
        return self._knowledge

    def with_knowledge(self, knowledge: Knowledge) -> "Flow":
        """A copy of this flow answering from ``knowledge``."""
        copy = self.model_copy()
        copy._knowledge = knowledge
        return copy

    def extractor_topic(self, topic: str) -> str | None:
        """The standard topic to tell the extractor for ``topic``: itself, or for a custom topic the
        standard one covering all its fields (``team: [employees]`` -> ``company``); None if none does."""
        if topic in TOPIC_FIELDS:
            return topic
        fields = set(self.topics.get(topic, ()))
        for standard, covered in TOPIC_FIELDS.items():
            if fields and fields <= set(covered):
                return standard
        return None

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError when none)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)


def flow_json_schema() -> str:
    """The JSON Schema of a flow file, as written to ``docs/flow-schema.json``."""
    schema = Flow.model_json_schema(by_alias=True)
    schema["title"] = "qualbot flow"
    schema["$id"] = "https://github.com/qualbot/qualbot/docs/flow-schema.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # python -m bot.engine.schema docs/flow-schema.json
    import sys
    from pathlib import Path

    Path(sys.argv[1] if len(sys.argv) > 1 else "docs/flow-schema.json").write_text(flow_json_schema(), encoding="utf-8")
