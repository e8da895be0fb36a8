"""A lead's whole story for the lead page: one timeline, facts with quotes, stage with reasons, score parts.

Builds on :func:`bot.leads.lead_record` (the API's record) and adds what only people need:
engagement events, the audit trail, the outcome, webhook deliveries when the handoff tables
exist, and each message cut into segments marking the facts' quotes.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.highlight import segments
from bot.console.models import Correction, LeadOutcome
from bot.db import models
from bot.facts import FactValue
from bot.leads import lead_record
from bot.qualify.policy import Policy, decide
from bot.qualify.scoring import EngagementEvent, score_lead


def handoff_models() -> Any | None:
    """``bot.handoff.models`` when the handoff tables are part of this build, else None."""
    try:
        return importlib.import_module("bot.handoff.models")
    except ImportError:
        return None


@dataclass
class TimelineItem:
    """One entry of the timeline: a message, an engagement event, a correction or a decision."""

    kind: str  # message | event | correction | decision | conversation
    at: datetime | str | None
    data: dict[str, Any]
    pieces: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)


@dataclass
class Story:
    """Everything the lead page shows."""

    record: dict[str, Any]
    known: dict[str, Any]
    facts: list[dict[str, Any]]
    timeline: list[TimelineItem]
    reasons: list[dict[str, Any]]
    reasons_source: str  # "stored" | "computed"
    score_parts: list[dict[str, Any]]
    outcome: LeadOutcome | None
    corrections: list[Correction]
    deliveries: list[Any] | None  # None: this build has no deliveries table
    live_conversation: str | None


def _key(index: int) -> str:
    return f"f{index}"


async def lead_story(session: AsyncSession, lead_id: str, policy: Policy, known: Mapping[str, FactValue], now: datetime) -> Story:
    """The story of ``lead_id`` (``LeadNotFound`` when there is none)."""
    record = await lead_record(session, lead_id)
    facts = [{**fact, "key": _key(i)} for i, fact in enumerate(record["facts"])]
    quotes_by_message: dict[int, list[tuple[str, str]]] = {}
    for fact in facts:
        if fact["source_message_id"] is not None:
            quotes_by_message.setdefault(fact["source_message_id"], []).append((fact["key"], fact["evidence"]))

    timeline: list[TimelineItem] = []
    started = {c["id"]: c for c in record["conversations"]}
    seen_conversations: set[str] = set()
    for message in record["transcript"]:
        if message["conversation_id"] not in seen_conversations:
            seen_conversations.add(message["conversation_id"])
            timeline.append(TimelineItem("conversation", message["at"], started[message["conversation_id"]]))
        pieces = segments(message["text"], quotes_by_message.get(message["id"], []))
        timeline.append(TimelineItem("message", message["at"], message, pieces))
    rows = await session.scalars(
        select(models.EngagementEvent).where(models.EngagementEvent.lead_id == lead_id).order_by(models.EngagementEvent.occurred_at)
    )
    events = list(rows)
    timeline += [TimelineItem("event", e.occurred_at, {"name": e.name, "properties": e.properties}) for e in events]
    corrections = list(
        await session.scalars(select(Correction).where(Correction.lead_id == lead_id).order_by(Correction.created_at, Correction.id))
    )
    timeline += [TimelineItem("correction", c.created_at, {"row": c}) for c in corrections]
    decisions = await session.scalars(select(models.Qualification).where(models.Qualification.lead_id == lead_id))
    timeline += [TimelineItem("decision", q.decided_at, {"stage": q.stage}) for q in decisions]
    timeline.sort(key=lambda item: _sort_key(item.at))

    ended = bool(record["conversations"]) and all(c["status"] == "ended" for c in record["conversations"])
    if record["decided_at"] is not None:
        reasons, source = record["reasons"], "stored"
    else:
        reasons, source = decide(known, policy, complete=ended).to_json()["reasons"], "computed"
    return Story(
        record=record,
        known=dict(known),
        facts=facts,
        timeline=timeline,
        reasons=reasons,
        reasons_source=source,
        score_parts=await _score_parts(session, lead_id, known, events, policy, now),
        outcome=await session.get(LeadOutcome, lead_id),
        corrections=corrections,
        deliveries=await _deliveries(session, lead_id),
        live_conversation=next((c["id"] for c in reversed(record["conversations"]) if c["status"] != "ended"), None),
    )


def _sort_key(at: datetime | str | None) -> str:
    if at is None:
        return ""
    return at if isinstance(at, str) else at.isoformat()


async def _score_parts(
    session: AsyncSession, lead_id: str, known: Mapping[str, FactValue], events: list[models.EngagementEvent], policy: Policy, now: datetime
) -> list[dict[str, Any]]:
    """The stored score explanation when the handoff keeps one, else computed with ``score_lead``."""
    handoff = handoff_models()
    record_model = getattr(handoff, "LeadScoreRecord", None)
    if record_model is not None:
        stored = await session.get(record_model, lead_id)
        if stored is not None and stored.parts:
            return list(stored.parts)
    scored = score_lead(
        known, [EngagementEvent(e.name, e.occurred_at, e.properties) for e in events], policy, now=now
    )
    return [part.to_json() for part in scored.parts]


async def _deliveries(session: AsyncSession, lead_id: str) -> list[Any] | None:
    delivery = getattr(handoff_models(), "Delivery", None)
    if delivery is None:
        return None
    rows = await session.scalars(select(delivery).where(delivery.lead_id == lead_id).order_by(delivery.created_at.desc()))
    return list(rows)
