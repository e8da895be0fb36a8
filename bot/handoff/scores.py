"""Scoring a lead from the database and storing the score with its explanation (``lead_scores``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import models
from bot.db.turns import Upsert, active_facts, engagement_events
from bot.facts import FactValue
from bot.handoff.models import LeadScoreRecord
from bot.qualify.policy import Policy
from bot.qualify.scoring import LeadScore, score_lead

_store_score = Upsert(LeadScoreRecord.__table__, "lead_id")  # type: ignore[arg-type]


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
        result = score_lead(known, await engagement_events(session, lead.id), policy, now=now)
    if lead.score != result.score:  # an unchanged value would still cost a flush
        lead.score = result.score
    parts = [part.to_json() for part in result.parts]
    await _store_score(session, {"lead_id": lead.id, "score": result.score, "parts": parts, "scored_at": now})
    return result
