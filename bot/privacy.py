"""A person's rights over their data: erase it, hand it over, and keep transcripts no longer than needed.

Erasing keeps what analytics counts (the lead row with its stage, score and dates; conversations
with channel, flow and status; event names and times; decisions' stages and reason codes) and
removes everything that describes the person: contact details, messages, facts and their quotes,
event details, decision details. Areas with tables of their own (email, handoff, console) add a
:class:`PrivacyArea` that erases, exports and purges their copies; ``tests/privacy`` scans every
column of every table to prove nothing is left.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import models
from bot.errors import LeadNotFound
from bot.leads import lead_record
from bot.tokens import new_token, token_hash

log = logging.getLogger(__name__)

PURGED = "[removed by retention policy]"

Eraser = Callable[[AsyncSession, str, list[str]], Awaitable[None]]
"""Removes an area's personal data of a lead: (session, lead id, its conversation ids); runs first."""

Exporter = Callable[[AsyncSession, str], Awaitable[dict[str, Any]]]
"""An area's part of a lead's export: (session, lead id) -> keys merged into the export."""

Purger = Callable[[AsyncSession, datetime], Awaitable[int]]
"""Purges an area's copies of transcripts written before the cutoff; returns rows changed."""


@dataclass(frozen=True)
class PrivacyArea:
    """What one area with tables of its own does for erasure, export and retention (all inside the caller's transaction)."""

    name: str
    erase: Eraser
    export: Exporter
    purge: Purger


def iso(value: datetime | None) -> str | None:
    """A timestamp for the export."""
    return value.isoformat() if value is not None else None


class PrivacyService:
    """Erasure, export and retention over one database."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], areas: Sequence[PrivacyArea] = ()) -> None:
        self.sessionmaker = sessionmaker
        self.areas = list(areas)

    async def erase(self, lead_id: str, now: datetime) -> None:
        """Erase a lead's personal data, in one transaction; erasing twice is harmless."""
        async with self.sessionmaker() as session:
            lead = await session.get(models.Lead, lead_id, with_for_update=True)
            if lead is None:
                raise LeadNotFound(f"no lead {lead_id!r}")
            conversation_ids = list(
                await session.scalars(select(models.Conversation.id).where(models.Conversation.lead_id == lead_id))
            )
            for area in self.areas:  # before the lead's contact is cleared: areas find copies by address
                await area.erase(session, lead_id, conversation_ids)
            await _erase_core(session, lead, conversation_ids)
            lead.erased_at = lead.erased_at or now
            lead.updated_at = now
            await session.commit()
        log.info("erased the personal data of lead %s", lead_id)

    async def export(self, lead_id: str) -> dict[str, Any]:
        """Everything stored about a lead, for the person it describes."""
        async with self.sessionmaker() as session:
            record = await lead_record(session, lead_id)
            record.update(await _export_core(session, lead_id))
            for area in self.areas:
                record.update(await area.export(session, lead_id))
        return record

    async def purge_transcripts(self, older_than_days: int, now: datetime) -> int:
        """Remove every copy of what was said before the retention period; returns the rows purged.

        Chat and email messages, fact quotes, prospect questions, and the areas' copies (raw
        and parsed emails, delivery payloads). What analytics counts stays.
        """
        cutoff = now - timedelta(days=older_than_days)
        async with self.sessionmaker() as session:
            counts = {"core": await _purge_core(session, cutoff)}
            for area in self.areas:
                counts[area.name] = await area.purge(session, cutoff)
            await session.commit()
        purged = sum(counts.values())
        if purged:
            log.info("retention: purged what was said over %d days ago: %s", older_than_days, counts)
        return purged


async def _erase_core(session: AsyncSession, lead: models.Lead, conversation_ids: list[str]) -> None:
    """The core tables: facts and messages go; events and decisions keep names, codes and times."""
    await session.execute(delete(models.Fact).where(models.Fact.lead_id == lead.id))
    if conversation_ids:
        await session.execute(delete(models.Message).where(models.Message.conversation_id.in_(conversation_ids)))
        for conversation_id in conversation_ids:  # a resume token must not reopen an erased chat
            await session.execute(
                update(models.Conversation)
                .where(models.Conversation.id == conversation_id)
                .values(resume_token_hash=token_hash(new_token()))
            )
    await session.execute(
        update(models.EngagementEvent).where(models.EngagementEvent.lead_id == lead.id).values(properties={})
    )
    qualifications = await session.scalars(select(models.Qualification).where(models.Qualification.lead_id == lead.id))
    for qualification in qualifications:  # a detail may quote the person or an SDR's note about them
        qualification.reasons = [
            {"code": r.get("code"), "fields": r.get("fields", []), "detail": ""} for r in qualification.reasons
        ]
    lead.name = lead.email = lead.company = None


async def _export_core(session: AsyncSession, lead_id: str) -> dict[str, Any]:
    """What the lead record leaves out: events with details, every decision, superseded facts."""
    events = await session.scalars(
        select(models.EngagementEvent)
        .where(models.EngagementEvent.lead_id == lead_id)
        .order_by(models.EngagementEvent.occurred_at, models.EngagementEvent.id)
    )
    qualifications = await session.scalars(
        select(models.Qualification)
        .where(models.Qualification.lead_id == lead_id)
        .order_by(models.Qualification.decided_at, models.Qualification.id)
    )
    facts = await session.scalars(select(models.Fact).where(models.Fact.lead_id == lead_id).order_by(models.Fact.id))
    return {
        "events": [{"name": e.name, "properties": e.properties, "occurred_at": iso(e.occurred_at)} for e in events],
        "qualifications": [
            {"stage": q.stage, "reasons": q.reasons, "decided_at": iso(q.decided_at)} for q in qualifications
        ],
        "fact_history": [
            {
                "field": f.field,
                "value": f.value,
                "evidence": f.evidence,
                "extractor": f.extractor,
                "active": f.active,
                "stated_at": iso(f.created_at),
            }
            for f in facts
        ],
    }


async def _purge_core(session: AsyncSession, cutoff: datetime) -> int:
    """Message texts, fact quotes and prospect questions from before ``cutoff``; returns the rows purged."""
    messages = await session.execute(
        update(models.Message).where(models.Message.created_at < cutoff, models.Message.text != PURGED).values(text=PURGED)
    )
    facts = await session.execute(
        update(models.Fact).where(models.Fact.created_at < cutoff, models.Fact.evidence != PURGED).values(evidence=PURGED)
    )
    questions = await session.scalars(
        select(models.EngagementEvent).where(
            models.EngagementEvent.name == "prospect_question", models.EngagementEvent.occurred_at < cutoff
        )
    )
    purged = (messages.rowcount or 0) + (facts.rowcount or 0)
    for event in questions:  # the question's words are transcript; whether it was answered is not
        if event.properties.get("text") not in (None, PURGED):
            event.properties = {**event.properties, "text": PURGED}
            purged += 1
    return purged
