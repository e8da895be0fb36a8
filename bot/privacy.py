"""A person's rights over their data: erase it, hand it over, and keep transcripts no longer than needed.

Erasing keeps what analytics counts (the lead row with its stage, score and dates; conversations
with channel, flow and status; event names and times) and removes everything that describes
the person: contact details, messages, facts and their quotes, event details, decision details.
Areas with tables of their own (email, handoff, console) add an :data:`Eraser` for them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import models
from bot.errors import LeadNotFound
from bot.leads import lead_record
from bot.tokens import new_token, token_hash

log = logging.getLogger(__name__)

Eraser = Callable[[AsyncSession, str, list[str]], Awaitable[None]]
"""Removes an area's personal data of a lead: (session, lead id, its conversation ids)."""

PURGED = "[removed by retention policy]"


class PrivacyService:
    """Erasure, export and retention over one database."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], erasers: Sequence[Eraser] = ()) -> None:
        self.sessionmaker = sessionmaker
        self.erasers = list(erasers)

    async def erase(self, lead_id: str, now: datetime) -> None:
        """Erase a lead's personal data, in one transaction; erasing twice is harmless."""
        async with self.sessionmaker() as session:
            lead = await session.get(models.Lead, lead_id, with_for_update=True)
            if lead is None:
                raise LeadNotFound(f"no lead {lead_id!r}")
            conversation_ids = list(
                await session.scalars(select(models.Conversation.id).where(models.Conversation.lead_id == lead_id))
            )
            for eraser in self.erasers:
                await eraser(session, lead_id, conversation_ids)
            await session.execute(delete(models.Fact).where(models.Fact.lead_id == lead_id))
            if conversation_ids:
                await session.execute(delete(models.Message).where(models.Message.conversation_id.in_(conversation_ids)))
                for conversation_id in conversation_ids:  # a resume token must not reopen an erased chat
                    await session.execute(
                        update(models.Conversation)
                        .where(models.Conversation.id == conversation_id)
                        .values(resume_token_hash=token_hash(new_token()))
                    )
            await session.execute(
                update(models.EngagementEvent).where(models.EngagementEvent.lead_id == lead_id).values(properties={})
            )
            qualifications = await session.scalars(
                select(models.Qualification).where(models.Qualification.lead_id == lead_id)
            )
            for qualification in qualifications:
                qualification.reasons = [{"code": r.get("code"), "fields": r.get("fields", [])} for r in qualification.reasons]
            lead.name = lead.email = lead.company = None
            lead.erased_at = lead.erased_at or now
            lead.updated_at = now
            await session.commit()
        log.info("erased the personal data of lead %s", lead_id)

    async def export(self, lead_id: str) -> dict[str, Any]:
        """Everything stored about a lead, for the person it describes."""
        async with self.sessionmaker() as session:
            record = await lead_record(session, lead_id)
            events = await session.scalars(
                select(models.EngagementEvent)
                .where(models.EngagementEvent.lead_id == lead_id)
                .order_by(models.EngagementEvent.occurred_at)
            )
            qualifications = await session.scalars(
                select(models.Qualification)
                .where(models.Qualification.lead_id == lead_id)
                .order_by(models.Qualification.decided_at)
            )
            record["events"] = [
                {"name": e.name, "properties": e.properties, "occurred_at": e.occurred_at.isoformat()} for e in events
            ]
            record["qualifications"] = [
                {"stage": q.stage, "reasons": q.reasons, "decided_at": q.decided_at.isoformat()} for q in qualifications
            ]
        return record

    async def purge_transcripts(self, older_than_days: int, now: datetime) -> int:
        """Remove message texts and fact quotes older than the retention period; returns messages purged."""
        cutoff = now - timedelta(days=older_than_days)
        async with self.sessionmaker() as session:
            result = await session.execute(
                update(models.Message)
                .where(models.Message.created_at < cutoff, models.Message.text != PURGED)
                .values(text=PURGED)
            )
            await session.execute(
                update(models.Fact).where(models.Fact.created_at < cutoff, models.Fact.evidence != PURGED).values(evidence=PURGED)
            )
            await session.commit()
        purged = result.rowcount or 0
        if purged:
            log.info("retention: purged %d messages older than %d days", purged, older_than_days)
        return purged
