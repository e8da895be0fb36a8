"""Reading lead records for sales: contact, stage with reasons, score, facts with evidence, transcript."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import models
from bot.errors import LeadNotFound


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


async def list_leads(
    session: AsyncSession, *, stage: str | None = None, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Lead summaries, highest score first."""
    query = select(models.Lead).order_by(models.Lead.score.desc(), models.Lead.updated_at.desc())
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
