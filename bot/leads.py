"""Reading lead records for sales: contact, stage with reasons, score, facts with evidence, transcript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import models
from bot.errors import LeadNotFound
from bot.handoff.models import Delivery, LeadAssignment, LeadScoreRecord


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def lead_record(session: AsyncSession, lead_id: str) -> dict[str, Any]:
    """The whole record of one lead as JSON-ready data, or :class:`LeadNotFound`."""
    lead = await session.get(models.Lead, lead_id)
    if lead is None:
        raise LeadNotFound(f"no lead {lead_id!r}")
    record = _summary(lead)
    qualification = await session.scalar(
        select(models.Qualification)
        .where(models.Qualification.lead_id == lead_id)
        .order_by(models.Qualification.decided_at.desc(), models.Qualification.id.desc())
        .limit(1)
    )
    record["reasons"] = qualification.reasons if qualification else []
    record["decided_at"] = _iso(qualification.decided_at) if qualification else None
    await _add_handoff(session, lead_id, record)
    facts = await session.scalars(
        select(models.Fact).where(models.Fact.lead_id == lead_id, models.Fact.active.is_(True)).order_by(models.Fact.id)
    )
    record["facts"] = [
        {
            "field": f.field,
            "value": f.value,
            "evidence": f.evidence,
            "source_message_id": f.source_message_id,
            "conversation_id": f.conversation_id,
            "extractor": f.extractor,
            "confidence": f.confidence,
            "stated_at": _iso(f.created_at),
        }
        for f in facts
    ]
    questions = await session.scalars(
        select(models.EngagementEvent)
        .where(models.EngagementEvent.lead_id == lead_id, models.EngagementEvent.name == "prospect_question")
        .order_by(models.EngagementEvent.occurred_at, models.EngagementEvent.id)
    )
    record["prospect_questions"] = [
        {"text": q.properties.get("text"), "answered": q.properties.get("answered"), "at": _iso(q.occurred_at)}
        for q in questions
        if q.properties.get("text")
    ]
    conversations = list(
        await session.scalars(
            select(models.Conversation).where(models.Conversation.lead_id == lead_id).order_by(models.Conversation.created_at)
        )
    )
    record["conversations"] = [
        {"id": c.id, "channel": c.channel, "flow": c.flow, "status": c.status, "started_at": _iso(c.created_at)}
        for c in conversations
    ]
    channel_of = {c.id: c.channel for c in conversations}
    messages = await session.scalars(
        select(models.Message)
        .where(models.Message.conversation_id.in_(channel_of))
        .order_by(models.Message.created_at, models.Message.id)
    )
    record["transcript"] = [
        {
            "id": m.id,
            "conversation_id": m.conversation_id,
            "channel": channel_of[m.conversation_id],
            "role": m.role,
            "text": m.text,
            "topic": m.topic,
            "at": _iso(m.created_at),
        }
        for m in messages
    ]
    return record


async def _add_handoff(session: AsyncSession, lead_id: str, record: dict[str, Any]) -> None:
    """The score's explanation, the assignment (owner, team, reason) and the notifications sent."""
    scored = await session.get(LeadScoreRecord, lead_id)
    record["score_explanation"] = scored.parts if scored else []
    record["scored_at"] = _iso(scored.scored_at) if scored else None
    assigned = await session.scalar(
        select(LeadAssignment)
        .where(LeadAssignment.lead_id == lead_id)
        .order_by(LeadAssignment.assigned_at.desc(), LeadAssignment.id.desc())
        .limit(1)
    )
    record["assignment"] = (
        {
            "owner": assigned.owner,
            "team": assigned.team,
            "reason": assigned.reason,
            "rep_name": assigned.rep_name,
            "meeting_link": assigned.meeting_link,
            "assigned_at": _iso(assigned.assigned_at),
        }
        if assigned
        else None
    )
    deliveries = await session.scalars(
        select(Delivery).where(Delivery.lead_id == lead_id).order_by(Delivery.created_at, Delivery.id)
    )
    record["deliveries"] = [
        {
            "id": d.id,
            "kind": d.kind,
            "event": d.event,
            "status": d.status,
            "attempts": d.attempts,
            "last_error": d.last_error,
            "delivered_at": _iso(d.delivered_at),
        }
        for d in deliveries
    ]


@dataclass(frozen=True)
class LeadFilter:
    """Which leads a listing or export holds: stage, owner, created and updated ranges (from inclusive, to exclusive)."""

    stage: str | None = None
    owner: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    updated_from: datetime | None = None
    updated_to: datetime | None = None

    def apply(self, query: Select[Any]) -> Select[Any]:
        """``query`` restricted to the matching leads."""
        lead = models.Lead
        conditions = [
            (self.stage, lambda v: lead.stage == v),
            (self.owner, lambda v: func.lower(lead.owner) == v.lower()),
            (self.created_from, lambda v: lead.created_at >= v),
            (self.created_to, lambda v: lead.created_at < v),
            (self.updated_from, lambda v: lead.updated_at >= v),
            (self.updated_to, lambda v: lead.updated_at < v),
        ]
        for value, condition in conditions:
            if value is not None:
                query = query.where(condition(value))
        return query


async def list_leads(
    session: AsyncSession,
    *,
    stage: str | None = None,
    limit: int = 50,
    offset: int = 0,
    where: LeadFilter | None = None,
) -> list[dict[str, Any]]:
    """Lead summaries, highest score first."""
    query = select(models.Lead).order_by(models.Lead.score.desc(), models.Lead.updated_at.desc())
    query = (where or LeadFilter()).apply(query)
    if stage:
        query = query.where(models.Lead.stage == stage)
    leads = await session.scalars(query.limit(limit).offset(offset))
    return [_summary(lead) for lead in leads]


def _summary(lead: models.Lead) -> dict[str, Any]:
    return {
        "id": lead.id,
        "contact": {"name": lead.name, "email": lead.email, "company": lead.company},
        "stage": lead.stage,
        "score": lead.score,
        "owner": lead.owner,
        "erased": lead.erased_at is not None,
        "created_at": _iso(lead.created_at),
        "updated_at": _iso(lead.updated_at),
    }
