"""The handoff wired from settings: routing rules, rep email templates, dispatcher, turn listener and outbox worker.

:func:`build_handoff` is called once by ``create_app``; :meth:`Handoff.record_engagement` is
what ``POST /api/events`` calls.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import models
from bot.errors import LeadNotFound
from bot.handoff.dispatch import Dispatcher
from bot.handoff.listener import HandoffListener
from bot.handoff.notify import RepEmailRenderer
from bot.handoff.outbox import OutboxWorker
from bot.handoff.scores import rescore
from bot.qualify.policy import Policy
from bot.qualify.routing import RoutingRules, load_routing
from bot.qualify.scoring import LeadScore


@dataclass(frozen=True)
class Engagement:
    """What recording an engagement event did: the lead, its score before and after, and the explanation."""

    lead_id: str
    event_id: int
    previous_score: int
    score: LeadScore


@dataclass
class Handoff:
    """Everything of the handoff one server runs."""

    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    policy: Policy
    rules: RoutingRules | None
    dispatcher: Dispatcher
    listener: HandoffListener
    worker: OutboxWorker
    clock: Callable[[], datetime]

    async def start(self) -> None:
        """Start the outbox worker (unless ``QUALBOT_OUTBOX_WORKER`` is off)."""
        if self.settings.outbox_worker:
            await self.worker.start()

    async def stop(self) -> None:
        """Stop the outbox worker."""
        if self.settings.outbox_worker:
            await self.worker.stop()

    async def record_engagement(
        self,
        *,
        lead_id: str | None,
        email: str | None,
        name: str,
        occurred_at: datetime | None,
        properties: Mapping[str, Any],
    ) -> Engagement:
        """Store an event from another system on the lead (by id, else newest lead with ``email``) and rescore it.

        A changed score is announced as ``lead.updated``.
        """
        now = self.clock()
        async with self.sessionmaker() as session:
            lead = await _find_lead(session, lead_id, email)
            event = models.EngagementEvent(
                lead_id=lead.id, name=name, properties=dict(properties), occurred_at=occurred_at or now
            )
            session.add(event)
            await session.flush()
            previous = lead.score
            score = await rescore(session, lead, self.policy, now=now)
            if score.score != previous:
                lead.updated_at = now
                await self.dispatcher.announce(session, lead, "lead.updated", now=now, score=score)
            await session.commit()
            return Engagement(lead.id, event.id, previous, score)


async def _find_lead(session: AsyncSession, lead_id: str | None, email: str | None) -> models.Lead:
    if lead_id:
        lead = await session.get(models.Lead, lead_id, with_for_update=True)
        if lead is None:
            raise LeadNotFound(f"no lead {lead_id!r}")
        return lead
    assert email
    lead = await session.scalar(
        select(models.Lead)
        .where(func.lower(models.Lead.email) == email.strip().lower())
        .order_by(models.Lead.updated_at.desc())
        .limit(1)
        .with_for_update()
    )
    if lead is None:
        raise LeadNotFound(f"no lead with email {email!r}")
    return lead


def build_handoff(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    policy: Policy,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Handoff:
    """Load routing and templates (raising on invalid files, before serving) and wire the parts."""
    routing_file = settings.policy_dir / "routing.yaml"
    rules = load_routing(routing_file) if routing_file.exists() else None
    renderer = RepEmailRenderer(settings.prompts_dir / "handoff")
    worker = OutboxWorker(settings, sessionmaker, clock=clock)
    dispatcher = Dispatcher(settings, rules=rules, renderer=renderer, on_enqueue=worker.wake)
    listener = HandoffListener(settings, policy, dispatcher, rules)
    return Handoff(settings, sessionmaker, policy, rules, dispatcher, listener, worker, clock)
