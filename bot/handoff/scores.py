"""Scoring a lead from the database and storing the score with its explanation (``lead_scores``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import models
from bot.facts import FactValue
from bot.handoff.models import LeadScoreRecord
from bot.qualify.policy import Policy
from bot.qualify.scoring import EngagementEvent, LeadScore, score_lead


async def active_facts(session: AsyncSession, lead_id: str) -> dict[str, FactValue]:
    """The lead's current facts, ``{field: value}``."""
    rows = await session.scalars(select(models.Fact).where(models.Fact.lead_id == lead_id, models.Fact.active.is_(True)))
    return {row.field: row.value for row in rows}


async def rescore(
    session: AsyncSession,
    lead: models.Lead,
    policy: Policy,
    *,
    now: datetime,
    known: Mapping[str, FactValue] | None = None,
    computed: LeadScore | None = None,
) -> LeadScore:
    """Score ``lead`` from its facts and engagement events as of ``now``; store score and explanation.

    ``computed`` is a score already worked out for this moment (the conversation service's, in a
    turn): it is stored as it is instead of being computed a second time.
    """
    if computed is not None:
        result = computed
    else:
        if known is None:
            known = await active_facts(session, lead.id)
        rows = await session.scalars(select(models.EngagementEvent).where(models.EngagementEvent.lead_id == lead.id))
        events = [EngagementEvent(name=r.name, occurred_at=r.occurred_at, properties=r.properties or {}) for r in rows]
        result = score_lead(known, events, policy, now=now)
    lead.score = result.score
    record = await session.get(LeadScoreRecord, lead.id)
    parts = [part.to_json() for part in result.parts]
    if record is None:
        session.add(LeadScoreRecord(lead_id=lead.id, score=result.score, parts=parts, scored_at=now))
    else:
        record.score, record.parts, record.scored_at = result.score, parts, now
    return result
