"""Reads the records the pure analytics need (``bot.console.analytics``) from the database."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.analytics import ConversationRecord, LeadRecord
from bot.console.models import LeadOutcome
from bot.db import models


async def load_records(session: AsyncSession, since: datetime) -> tuple[list[LeadRecord], list[ConversationRecord]]:
    """Leads created since ``since`` and all their conversations."""
    leads = list(await session.scalars(select(models.Lead).where(models.Lead.created_at >= since)))
    ids = [lead.id for lead in leads]
    if not ids:
        return [], []
    first: dict[str, dict[str, datetime]] = defaultdict(dict)
    decisions = await session.execute(
        select(models.Qualification.lead_id, models.Qualification.stage, func.min(models.Qualification.decided_at))
        .where(models.Qualification.lead_id.in_(ids))
        .group_by(models.Qualification.lead_id, models.Qualification.stage)
    )
    for lead_id, stage, at in decisions.all():
        first[lead_id][stage] = at if at.tzinfo else at.replace(tzinfo=since.tzinfo)
    outcomes = {o.lead_id: o for o in await session.scalars(select(LeadOutcome).where(LeadOutcome.lead_id.in_(ids)))}
    lead_records = [
        LeadRecord(
            id=lead.id,
            created_at=lead.created_at,
            stage=lead.stage,
            first_decided=first.get(lead.id, {}),
            outcome=outcomes[lead.id].outcome if lead.id in outcomes else None,
            outcome_stage=outcomes[lead.id].stage if lead.id in outcomes else None,
        )
        for lead in leads
    ]
    conversations = list(await session.scalars(select(models.Conversation).where(models.Conversation.lead_id.in_(ids))))
    conversation_ids = [c.id for c in conversations]
    answered = dict(
        (
            await session.execute(
                select(models.Message.conversation_id, func.count())
                .where(models.Message.conversation_id.in_(conversation_ids), models.Message.role == "prospect")
                .group_by(models.Message.conversation_id)
            )
        ).all()
    )
    asked: dict[str, list[str]] = defaultdict(list)
    topics = await session.execute(
        select(models.Message.conversation_id, models.Message.topic)
        .where(models.Message.conversation_id.in_(conversation_ids), models.Message.role == "bot", models.Message.topic.is_not(None))
        .order_by(models.Message.id)
    )
    for conversation_id, topic in topics.all():
        if not asked[conversation_id] or asked[conversation_id][-1] != topic:
            asked[conversation_id].append(topic)
    return lead_records, [
        ConversationRecord(
            id=c.id,
            lead_id=c.lead_id,
            channel=c.channel,
            flow=c.flow,
            started_at=c.created_at,
            updated_at=c.updated_at,
            ended=c.status == "ended",
            prospect_messages=int(answered.get(c.id, 0)),
            asked=tuple(asked.get(c.id, ())),
        )
        for c in conversations
    ]
