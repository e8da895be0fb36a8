"""The statements of a conversation turn, kept few and lean: a turn is the hot path under load.

Each is one round trip, written as a Core statement where the ORM's unit of work would only add
cost (rows that are inserted and never read back as objects in the same session).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import models
from bot.errors import ConversationNotFound
from bot.facts import Extraction, FactValue
from bot.qualify.scoring import EngagementEvent

_messages = models.Message.__table__
_facts = models.Fact.__table__


async def load_turn(session: AsyncSession, conversation_id: str) -> tuple[models.Conversation, models.Lead]:
    """The conversation and its lead in one query, both locked for the turn (PostgreSQL)."""
    row = (
        await session.execute(
            select(models.Conversation, models.Lead)
            .join(models.Lead, models.Lead.id == models.Conversation.lead_id)
            .where(models.Conversation.id == conversation_id)
            .with_for_update()
        )
    ).first()
    if row is None:
        raise ConversationNotFound(f"no conversation {conversation_id!r}")
    return row[0], row[1]


async def insert_message(
    session: AsyncSession, conversation_id: str, role: str, text: str, topic: str | None, now: datetime
) -> int:
    """Store one message; returns its id."""
    statement = insert(_messages).values(
        conversation_id=conversation_id, role=role, text=text, topic=topic, created_at=now
    ).returning(_messages.c.id)
    return int((await session.execute(statement)).scalar_one())


async def insert_messages(session: AsyncSession, conversation_id: str, rows: Sequence[tuple[str, str, str | None]], now: datetime) -> None:
    """Store several ``(role, text, topic)`` messages in one statement."""
    if rows:
        await session.execute(
            insert(_messages),
            [
                {"conversation_id": conversation_id, "role": role, "text": text, "topic": topic, "created_at": now}
                for role, text, topic in rows
            ],
        )


async def active_facts(session: AsyncSession, lead_id: str) -> dict[str, FactValue]:
    """The lead's current facts, ``{field: value}``."""
    rows = await session.execute(
        select(models.Fact.field, models.Fact.value).where(models.Fact.lead_id == lead_id, models.Fact.active.is_(True))
    )
    return {field: value for field, value in rows}


async def store_facts(
    session: AsyncSession,
    *,
    lead_id: str,
    conversation_id: str,
    message_id: int | None,
    extraction: Extraction,
    before: dict[str, FactValue],
    now: datetime,
) -> dict[str, FactValue]:
    """Store the extracted facts, superseding older values of the same fields; returns the lead's facts after."""
    if not extraction.facts:
        return before
    superseded = sorted({fact.field for fact in extraction.facts if fact.field in before})
    if superseded:
        await session.execute(
            update(_facts)
            .where(_facts.c.lead_id == lead_id, _facts.c.field.in_(superseded), _facts.c.active.is_(True))
            .values(active=False)
        )
    await session.execute(
        insert(_facts),
        [
            {
                "lead_id": lead_id,
                "conversation_id": conversation_id,
                "field": fact.field,
                "value": fact.value,
                "evidence": fact.evidence,
                "source_message_id": message_id,
                "extractor": extraction.extractor,
                "confidence": fact.confidence,
                "active": True,
                "created_at": now,
            }
            for fact in extraction.facts
        ],
    )
    return {**before, **{fact.field: fact.value for fact in extraction.facts}}


async def engagement_events(session: AsyncSession, lead_id: str) -> list[EngagementEvent]:
    """The lead's engagement events, as the scoring model takes them."""
    rows = await session.execute(
        select(models.EngagementEvent.name, models.EngagementEvent.occurred_at, models.EngagementEvent.properties).where(
            models.EngagementEvent.lead_id == lead_id
        )
    )
    return [EngagementEvent(name=name, occurred_at=at, properties=properties or {}) for name, at, properties in rows]


def upsert(session: AsyncSession, model: type[Any]) -> Any:
    """``INSERT … ON CONFLICT`` for the session's database (SQLite or PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
