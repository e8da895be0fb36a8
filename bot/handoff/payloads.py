"""The webhook payload: its models (which export ``docs/webhook-payload.schema.json``) and builder.

:func:`build_payload` turns a lead, its decision, score, assignment and facts into the JSON
object every webhook event carries. Pure: the event id and time are passed in (or the id is
derived from the content). Regenerate the schema file with
``python -m bot.handoff.payloads > docs/webhook-payload.schema.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.facts import FIELDS, Fact, FactValue, FieldName
from bot.qualify.policy import Decision
from bot.qualify.routing import Assignment
from bot.qualify.scoring import LeadScore

SCHEMA_ID = "https://qualbot.dev/schemas/webhook-payload.schema.json"
EVENTS: tuple[str, ...] = ("lead.qualified", "lead.nurture", "lead.disqualified", "lead.updated")
EventName = Literal["lead.qualified", "lead.nurture", "lead.disqualified", "lead.updated"]
Stage = Literal["iql", "mql", "sql", "nurture", "disqualified"]

_STAGE_EVENTS = {"sql": "lead.qualified", "nurture": "lead.nurture", "disqualified": "lead.disqualified"}
_LEAD_KEYS = ("name", "email", "company", "phone", "channel", "conversation_id", "url", "created_at")


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LeadOut(_Closed):
    """Who the lead is; ``url`` opens it in the console."""

    id: str
    name: str | None = None
    email: str | None = None
    company: str | None = None
    phone: str | None = None
    channel: str | None = None
    conversation_id: str | None = None
    url: str | None = None
    created_at: str | None = None


class ReasonOut(_Closed):
    """One reason the lead is not an SQL (see docs/policy.md for the codes)."""

    code: str
    fields: list[str]
    detail: str


class DecisionOut(_Closed):
    """The stage and its reasons, most severe first."""

    stage: Stage
    reasons: list[ReasonOut]


class ScorePartOut(_Closed):
    """Points from one source; the parts add up to the score."""

    category: Literal["fit", "intent", "engagement"]
    points: float
    reason: str
    source: str


class ScoreOut(_Closed):
    """The 0-100 lead score and its explanation."""

    score: int = Field(ge=0, le=100)
    parts: list[ScorePartOut]


class RepOut(_Closed):
    """The rep the lead is assigned to."""

    name: str
    email: str
    meeting_link: str | None = None


class AssignmentOut(_Closed):
    """Who owns the lead and why; ``owner`` is a rep's email."""

    owner: str | None
    team: str | None
    reason: str
    rep: RepOut | None = None


class WebhookPayload(_Closed):
    """The body of every webhook delivery (``X-Qualbot-Event`` repeats ``event``)."""

    model_config = ConfigDict(
        extra="forbid",
        title="qualbot webhook payload",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID},
    )

    id: str = Field(description="unique per event; the same value as the Idempotency-Key header")
    event: EventName
    occurred_at: datetime | None = Field(description="when the event happened (ISO 8601)")
    lead: LeadOut
    decision: DecisionOut
    score: ScoreOut | None
    assignment: AssignmentOut | None
    facts: dict[FieldName, FactValue] = Field(description="the lead's facts, field names as in the fact schema")
    evidence: dict[FieldName, str] = Field(description="the prospect's own words each fact came from")


def event_for_stage(stage: str) -> str:
    """The event announcing that a lead reached ``stage`` (``lead.updated`` for iql and mql)."""
    return _STAGE_EVENTS.get(stage, "lead.updated")


def build_payload(
    event: str,
    lead: Mapping[str, Any],
    decision: Decision,
    score: LeadScore | None,
    assignment: Assignment | None,
    facts: Mapping[str, FactValue | Fact],
    *,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
) -> dict[str, Any]:
    """The JSON payload of a webhook ``event`` about ``lead``.

    ``lead`` needs an ``id``; of its other keys only name, email, company, phone, channel,
    conversation_id, url and created_at are sent. ``facts`` maps field names to values or to
    :class:`~bot.facts.Fact` objects (whose quotes go to ``evidence``). Without ``event_id`` the
    id is derived from the content, so the same event built twice has the same id.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}; events are {', '.join(EVENTS)}")
    if lead.get("id") is None:
        raise ValueError("the lead needs an id")
    values: dict[str, FactValue] = {}
    evidence: dict[str, str] = {}
    for name in FIELDS:
        item = facts.get(name)
        if isinstance(item, Fact):
            values[name], evidence[name] = item.value, item.evidence
        elif item is not None:
            values[name] = item
    body: dict[str, Any] = {
        "event": event,
        "occurred_at": occurred_at.isoformat() if occurred_at is not None else None,
        "lead": {"id": str(lead["id"]), **{k: _text(lead.get(k)) for k in _LEAD_KEYS}},
        "decision": decision.to_json(),
        "score": score.to_json() if score is not None else None,
        "assignment": _assignment(assignment),
        "facts": values,
        "evidence": evidence,
    }
    body = {"id": event_id or _content_id(body), **body}
    # Validate against the documented schema's models: a payload that breaks the contract fails here.
    return WebhookPayload.model_validate(body).model_dump(mode="json")


def payload_schema() -> dict[str, Any]:
    """The JSON Schema of :class:`WebhookPayload`, as published in docs/."""
    return WebhookPayload.model_json_schema()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _assignment(assignment: Assignment | None) -> dict[str, Any] | None:
    if assignment is None:
        return None
    rep = assignment.rep
    return {
        "owner": assignment.owner,
        "team": assignment.team,
        "reason": assignment.reason,
        "rep": None
        if rep is None
        else {"name": rep.name, "email": str(rep.email), "meeting_link": _text(rep.meeting_link)},
    }


def _content_id(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return "evt_" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


if __name__ == "__main__":  # pragma: no cover - regenerates the published schema
    print(json.dumps(payload_schema(), indent=2, ensure_ascii=False))
