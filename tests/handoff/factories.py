"""Handoff test helpers: leads written straight to a test database, the service with the handoff listener, routing at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.conversations import ConversationService, TurnListener, TurnOutcome
from bot.db import models
from bot.engine.flow import load_flows
from bot.extract.rules import RulesExtractor
from bot.handoff.assignment import assign
from bot.handoff.models import RoutingCounter
from bot.handoff.service import build_handoff
from bot.qualify.policy import load_policy
from bot.qualify.routing import RoutingRules


async def add_lead(
    session: AsyncSession,
    *,
    facts: dict[str, Any] | None = None,
    at: datetime | None = None,
    **fields: Any,
) -> models.Lead:
    """A lead (``fields``: name, email, company, stage, score, owner) with active ``facts``, flushed."""
    at = at or datetime.now(UTC)
    lead = models.Lead(created_at=at, updated_at=at, **fields)
    session.add(lead)
    await session.flush()
    for name, value in (facts or {}).items():
        session.add(
            models.Fact(
                lead_id=lead.id, field=name, value=value, evidence=f"said {name}", extractor="test",
                confidence=1.0, active=True, created_at=at,
            )
        )  # fmt: skip
    await session.flush()
    return lead


async def route_concurrently(
    db: async_sessionmaker[AsyncSession], rules: RoutingRules, *, country: str, count: int
) -> tuple[list[str | None], int | None]:
    """Route ``count`` new SQL leads at once, each in its own transaction; the owners and the team's counter after."""
    async with db() as session:
        ids = [(await add_lead(session, stage="sql")).id for _ in range(count)]
        await session.commit()

    async def route_one(lead_id: str) -> str | None:
        async with db() as session:
            lead = await session.get(models.Lead, lead_id)
            assert lead is not None
            result, _, _ = await assign(session, lead, rules, country=country, now=lead.created_at)
            await session.commit()
            return result.owner

    owners = await asyncio.gather(*(route_one(i) for i in ids))
    team = rules.team_for(country)
    async with db() as session:
        counter = await session.get(RoutingCounter, team) if team else None
    return list(owners), counter.value if counter else None


def handoff_service(
    settings: Settings, db: async_sessionmaker[AsyncSession], *after: TurnListener
) -> ConversationService:
    """The conversation service with the handoff's listener (then ``after``), as ``create_app`` wires it."""
    policy = load_policy(settings.policy_dir / "policy.yaml")
    handoff = build_handoff(settings, db, policy)
    return ConversationService(
        settings=settings, sessionmaker=db, flows=load_flows(settings.flows_dir), extractor=RulesExtractor(),
        policy=policy, listeners=[handoff.listener, *after],
    )  # fmt: skip


async def converse(service: ConversationService, answers: dict[str, str], lead_id: str | None = None) -> TurnOutcome:
    """Run the BANT flow answering each question from ``answers`` (by topic) until it ends."""
    opened = await service.start(flow_name="bant", lead_id=lead_id)
    field = opened.replies[-1].field
    while True:
        outcome = await service.handle_message(opened.conversation_id, answers[field or ""])
        if outcome.qualified:
            return outcome
        field = outcome.replies[-1].field
