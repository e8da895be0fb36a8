"""The statements of a conversation turn, kept few and lean: a turn is the hot path under load.

Each is one round trip, written as a Core statement where the ORM's unit of work would only add
cost (rows that are inserted and never read back as objects in the same session).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.db import models
from bot.errors import ConversationNotFound
from bot.facts import Extraction, FactValue
from bot.qualify.scoring import EngagementEvent

_messages = models.Message.__table__
_facts = models.Fact.__table__

# Built once: a statement object carries its compiled form's cache key, so executing the same
# object again skips building and keying it.
_LOAD_TURN = (
    select(models.Conversation, models.Lead)
    .join(models.Lead, models.Lead.id == models.Conversation.lead_id)
    .where(models.Conversation.id == bindparam("conversation_id"))
    .with_for_update()
)
_INSERT_MESSAGE = insert(_messages).returning(_messages.c.id)
_INSERT_MESSAGES_RETURNING = insert(_messages).returning(_messages.c.id, _messages.c.role)
_INSERT_MESSAGES = insert(_messages)
_ACTIVE_FACTS = select(models.Fact.field, models.Fact.value).where(
    models.Fact.lead_id == bindparam("lead_id"), models.Fact.active.is_(True)
)
_SUPERSEDE_FACTS = (
    update(_facts)
    .where(
        _facts.c.lead_id == bindparam("for_lead"),
        _facts.c.field.in_(bindparam("fields", expanding=True)),
        _facts.c.active.is_(True),
    )
    .values(active=False)
)
_INSERT_FACTS = insert(_facts)
_conversations = models.Conversation.__table__
_leads = models.Lead.__table__
_SAVE_CONVERSATION = (
    update(_conversations)
    .where(_conversations.c.id == bindparam("conversation_id"))
    .values(state=bindparam("state"), status=bindparam("status"), updated_at=bindparam("now"))
)
_SAVE_LEAD = (
    update(_leads)
    .where(_leads.c.id == bindparam("lead_id"))
    .values(stage=bindparam("stage"), score=bindparam("score"), updated_at=bindparam("now"))
)
_EVENTS = select(
    models.EngagementEvent.name, models.EngagementEvent.occurred_at, models.EngagementEvent.properties
).where(models.EngagementEvent.lead_id == bindparam("lead_id"))


async def load_turn(session: AsyncSession, conversation_id: str) -> tuple[models.Conversation, models.Lead]:
    """The conversation and its lead in one query, both locked for the turn (PostgreSQL)."""
    row = (await session.execute(_LOAD_TURN, {"conversation_id": conversation_id})).first()
    if row is None:
        raise ConversationNotFound(f"no conversation {conversation_id!r}")
    return row[0], row[1]


async def save_turn(
    session: AsyncSession,
    conversation: models.Conversation,
    lead: models.Lead,
    *,
    state: dict[str, Any],
    status: str,
    stage: str,
    score: int,
    now: datetime,
) -> None:
    """Write what a turn changes on the conversation and the lead, two plain UPDATEs.

    The loaded objects get the same values as committed state, so they read right and are not
    flushed again (the ORM's unit of work cost about a millisecond a turn for these two rows);
    a listener that changes them afterwards (an owner, an email address) is flushed as usual.
    """
    await session.execute(
        _SAVE_CONVERSATION, {"conversation_id": conversation.id, "state": state, "status": status, "now": now}
    )
    await session.execute(_SAVE_LEAD, {"lead_id": lead.id, "stage": stage, "score": score, "now": now})
    for key, value in (("state", state), ("status", status), ("updated_at", now)):
        set_committed_value(conversation, key, value)
    for key, value in (("stage", stage), ("score", score), ("updated_at", now)):
        set_committed_value(lead, key, value)


async def insert_message(
    session: AsyncSession, conversation_id: str, role: str, text: str, topic: str | None, now: datetime
) -> int:
    """Store one message; returns its id."""
    values = {"conversation_id": conversation_id, "role": role, "text": text, "topic": topic, "created_at": now}
    return int((await session.execute(_INSERT_MESSAGE, values)).scalar_one())


async def insert_turn_messages(
    session: AsyncSession,
    conversation_id: str,
    prospect: tuple[str, str | None],
    replies: Sequence[tuple[str, str, str | None]],
    now: datetime,
) -> int:
    """Store the prospect's ``(text, topic)``, then the ``(role, text, topic)`` replies, in one statement.

    Returns the prospect's message id. Rows get ids in the order given (one multi-row INSERT),
    so the transcript reads in order.
    """
    if not replies:
        return await insert_message(session, conversation_id, "prospect", prospect[0], prospect[1], now)
    rows = [("prospect", *prospect), *replies]
    values = [
        {"conversation_id": conversation_id, "role": role, "text": text, "topic": topic, "created_at": now}
        for role, text, topic in rows
    ]
    returned = (await session.execute(_INSERT_MESSAGES_RETURNING, values)).all()
    return int(next(row_id for row_id, role in returned if role == "prospect"))


async def insert_messages(session: AsyncSession, conversation_id: str, rows: Sequence[tuple[str, str, str | None]], now: datetime) -> None:
    """Store several ``(role, text, topic)`` messages in one statement."""
    if rows:
        await session.execute(
            _INSERT_MESSAGES,
            [
                {"conversation_id": conversation_id, "role": role, "text": text, "topic": topic, "created_at": now}
                for role, text, topic in rows
            ],
        )


async def active_facts(session: AsyncSession, lead_id: str) -> dict[str, FactValue]:
    """The lead's current facts, ``{field: value}``."""
    rows = await session.execute(_ACTIVE_FACTS, {"lead_id": lead_id})
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
        await session.execute(_SUPERSEDE_FACTS, {"for_lead": lead_id, "fields": superseded})
    await session.execute(
        _INSERT_FACTS,
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
    return facts_after(before, extraction)


def facts_after(before: dict[str, FactValue], extraction: Extraction) -> dict[str, FactValue]:
    """The lead's facts once ``extraction`` is stored: its values replace older ones of the same fields."""
    return {**before, **{fact.field: fact.value for fact in extraction.facts}}


async def engagement_events(session: AsyncSession, lead_id: str) -> list[EngagementEvent]:
    """The lead's engagement events, as the scoring model takes them."""
    rows = await session.execute(_EVENTS, {"lead_id": lead_id})
    return [EngagementEvent(name=name, occurred_at=at, properties=properties or {}) for name, at, properties in rows]


def as_scoring_event(row: models.EngagementEvent) -> EngagementEvent:
    """A stored (or about to be stored) engagement event as the scoring model takes it."""
    return EngagementEvent(name=row.name, occurred_at=row.occurred_at, properties=row.properties or {})


class Upsert:
    """``INSERT … ON CONFLICT (key) DO UPDATE`` of every other column, built once per dialect."""

    def __init__(self, table: Table, key: str) -> None:
        self._statements: dict[str, Any] = {}
        for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert)):
            statement = dialect_insert(table)
            others = {c.name: statement.excluded[c.name] for c in table.columns if c.name != key}
            self._statements[name] = statement.on_conflict_do_update(index_elements=[key], set_=others)

    async def __call__(self, session: AsyncSession, values: dict[str, Any]) -> None:
        """Insert or update the row ``values`` describes (every column given)."""
        await session.execute(self._statements[session.get_bind().dialect.name], values)
