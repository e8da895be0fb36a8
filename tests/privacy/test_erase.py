"""Erasure leaves nothing personal: every column of every table is scanned for the person's markers.

Run on SQLite and, in the PostgreSQL pass, on PostgreSQL (``database`` marker).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.email.models import EmailThread, InboundEmail
from bot.console.models import Correction, LeadOutcome
from bot.db import models
from bot.handoff.models import Delivery, LeadAssignment
from tests.privacy.scan import find
from tests.privacy.scenario import ADDRESS, MARKERS, Person

pytestmark = pytest.mark.database

# Where the scenario leaves the person; a table missing here means the scenario no longer covers it.
EVERYWHERE = {
    "leads", "messages", "facts", "engagement_events", "qualifications", "console_corrections", "deliveries",
    "email_threads", "email_outbox", "email_inbound", "email_suppressions",
}  # fmt: skip


async def _analytics(session: AsyncSession, lead_id: str) -> dict[str, Any]:
    """What analytics counts about the lead: it must survive the erasure unchanged."""
    lead = await session.get(models.Lead, lead_id)
    assert lead is not None

    async def rows(query: Any) -> list[tuple[Any, ...]]:
        return sorted(tuple(r) for r in (await session.execute(query)).all())

    return {
        "lead": (lead.stage, lead.score, lead.owner, lead.created_at),
        "conversations": await rows(select(models.Conversation.channel, models.Conversation.flow, models.Conversation.status)
                                    .where(models.Conversation.lead_id == lead_id)),
        "events": await rows(select(models.EngagementEvent.name, models.EngagementEvent.occurred_at)
                             .where(models.EngagementEvent.lead_id == lead_id)),
        "decisions": await rows(select(models.Qualification.stage, models.Qualification.decided_at)
                                .where(models.Qualification.lead_id == lead_id)),
        "deliveries": await rows(select(Delivery.kind, Delivery.event, Delivery.status, Delivery.delivered_at)
                                 .where(Delivery.lead_id == lead_id)),
        "assignments": await rows(select(LeadAssignment.owner, LeadAssignment.team).where(LeadAssignment.lead_id == lead_id)),
        "corrections": await rows(select(Correction.kind, Correction.user_email, Correction.created_at)
                                  .where(Correction.lead_id == lead_id)),
        "outcome": await rows(select(LeadOutcome.outcome, LeadOutcome.stage).where(LeadOutcome.lead_id == lead_id)),
        "email_threads": await rows(select(EmailThread.followups_sent, EmailThread.created_at)
                                    .where(EmailThread.lead_id == lead_id)),
    }  # fmt: skip


async def test_erasure_leaves_nothing_personal_in_any_column(person: Person) -> None:
    async with person.app.state.sessionmaker() as session:
        before = await find(session, MARKERS)
        kept = await _analytics(session, person.lead_id)
        stray = await session.scalar(select(InboundEmail.id).where(InboundEmail.thread_id.is_(None)))
    assert {where.split(".")[0] for where in before} == EVERYWHERE, before
    assert all(before.get(f"leads.{c}") for c in ("name", "email", "company"))
    assert stray is not None, "the scenario left an email in no thread"

    assert (await person.api.delete(f"/api/leads/{person.lead_id}")).status_code == 204
    assert (await person.api.delete(f"/api/leads/{person.lead_id}")).status_code == 204, "erasing twice is harmless"

    async with person.app.state.sessionmaker() as session:
        assert await find(session, MARKERS) == {}
        assert await _analytics(session, person.lead_id) == kept, "anonymous counts stay for analytics"
    record = (await person.api.get(f"/api/leads/{person.lead_id}")).json()
    assert record["erased"] is True and record["stage"] == kept["lead"][0]

    # The opt-out outlives the erasure (as a digest of the address): they are never emailed again.
    again = await person.api.post("/api/outreach", json={"email": ADDRESS.upper()})
    assert again.status_code == 409 and again.json()["error"]["code"] == "email_opted_out"
