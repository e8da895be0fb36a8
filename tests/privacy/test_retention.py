"""Retention purges every copy of what was said before the cutoff, and nothing newer or still to be sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.email.models import EmailAddressStatus, EmailThread, InboundEmail, OutgoingEmail
from bot.channels.email.privacy import EMAIL_PRIVACY
from bot.config import Settings
from bot.console.privacy import CONSOLE_PRIVACY
from bot.db import models
from bot.db.migrate import upgrade
from bot.db.session import create_engine, create_sessionmaker
from bot.handoff.models import Delivery
from bot.handoff.privacy import HANDOFF_PRIVACY
from bot.privacy import PURGED, PrivacyService

pytestmark = pytest.mark.database
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
OLD, NEW = NOW - timedelta(days=40), NOW - timedelta(days=2)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    settings = Settings(database_url=database_url)
    await asyncio.to_thread(upgrade, settings)
    engine = create_engine(settings)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def _store_both_sides(db: async_sessionmaker[AsyncSession]) -> None:
    """For every kind of copy, one written before the 30-day cutoff and one after."""
    async with db() as session:
        lead = models.Lead(name="Kept Name")
        session.add(lead)
        await session.flush()
        conversation = models.Conversation(lead_id=lead.id, channel="email", flow="bant", resume_token_hash="x" * 64)
        session.add(conversation)
        await session.flush()
        thread = EmailThread(conversation_id=conversation.id, lead_id=lead.id, address="p@x.example", reply_token="t" * 24, subject="s")
        session.add(thread)
        await session.flush()
        for tag, at in (("old", OLD), ("new", NEW)):
            message = models.Message(conversation_id=conversation.id, role="prospect", text=f"{tag} words", created_at=at)
            session.add(message)
            await session.flush()
            session.add_all([
                models.Fact(lead_id=lead.id, field="need", value="confirmed", evidence=f"{tag} words", source_message_id=message.id,
                            extractor="rules", confidence=1.0, created_at=at),
                models.EngagementEvent(lead_id=lead.id, name="prospect_question", properties={"text": f"{tag} question?", "answered": True},
                                       occurred_at=at),
                InboundEmail(dedupe_key=f"<{tag}@x>", via="smtp", from_address="p@x.example", subject=f"Re: {tag} subject", size=10,
                             status="processed", thread_id=thread.id, raw=f"Subject: {tag}\r\n\r\n{tag} words".encode(), received_at=at),
                OutgoingEmail(thread_id=thread.id, kind="reply", message_id=f"<out-{tag}@q>", envelope_from="q@q", to_address="p@x.example",
                              subject="Our answer", text=f"{tag} reply quoting them", raw=f"{tag} reply".encode(), status="sent", created_at=at),
                OutgoingEmail(thread_id=thread.id, kind="followup", message_id=f"<queued-{tag}@q>", envelope_from="q@q",
                              to_address="p@x.example", subject="Still there?", text=f"{tag} still queued", raw=b"queued", status="queued",
                              created_at=at),
                Delivery(idempotency_key=f"evt_{tag}", lead_id=lead.id, kind="webhook", target="https://h.example/", event="lead.qualified",
                         payload={"evidence": {"need": f"{tag} words"}}, status="delivered", created_at=at),
                Delivery(idempotency_key=f"evt_pending_{tag}", lead_id=lead.id, kind="webhook", target="https://h.example/",
                         event="lead.updated", payload={"evidence": {"need": f"{tag} pending"}}, status="pending", created_at=at),
                EmailAddressStatus(address=f"{tag}@x.example", status="opted_out", reason=f"asked by email: '{tag} words'", updated_at=at),
            ])  # fmt: skip
        await session.commit()


async def _texts(db: async_sessionmaker[AsyncSession]) -> dict[str, list[object]]:
    async with db() as session:
        def column(*rows: object) -> list[object]:
            return sorted(rows, key=repr)

        return {
            "messages": column(*await session.scalars(select(models.Message.text))),
            "quotes": column(*await session.scalars(select(models.Fact.evidence))),
            "questions": column(*(p["text"] for p in await session.scalars(select(models.EngagementEvent.properties)))),
            "inbound": column(*(await session.execute(select(InboundEmail.subject, InboundEmail.raw))).all()),
            "outbound": column(*(await session.execute(select(OutgoingEmail.text, OutgoingEmail.raw))).all()),
            "payloads": column(*(await session.execute(select(Delivery.status, Delivery.payload))).all()),
            "opt_outs": column(*(await session.execute(select(EmailAddressStatus.address, EmailAddressStatus.reason))).all()),
        }


async def test_retention_purges_every_copy_older_than_the_cutoff(db: async_sessionmaker[AsyncSession]) -> None:
    await _store_both_sides(db)
    privacy = PrivacyService(db, areas=[EMAIL_PRIVACY, HANDOFF_PRIVACY, CONSOLE_PRIVACY])
    purged = await privacy.purge_transcripts(30, NOW)
    assert purged == 6, "message, quote, question, received email, sent email, delivery payload"
    assert await privacy.purge_transcripts(30, NOW) == 0, "purging again finds nothing"
    texts = await _texts(db)
    assert texts["messages"] == [PURGED, "new words"]
    assert texts["quotes"] == [PURGED, "new words"]
    assert texts["questions"] == [PURGED, "new question?"]
    assert texts["inbound"] == sorted([(PURGED, None), ("Re: new subject", b"Subject: new\r\n\r\nnew words")], key=repr)
    assert texts["outbound"] == sorted([
        (PURGED, b""), ("new reply quoting them", b"new reply"),
        ("old still queued", b"queued"), ("new still queued", b"queued"),  # an email still to be sent keeps its body
    ], key=repr)  # fmt: skip
    assert texts["payloads"] == sorted([
        ("delivered", {}), ("delivered", {"evidence": {"need": "new words"}}),
        ("pending", {"evidence": {"need": "old pending"}}), ("pending", {"evidence": {"need": "new pending"}}),
    ], key=repr)  # fmt: skip
    assert texts["opt_outs"] == sorted([("old@x.example", PURGED), ("new@x.example", "asked by email: 'new words'")], key=repr)
    async with db() as session:
        lead = await session.scalar(select(models.Lead))
    assert lead is not None and lead.name == "Kept Name", "retention purges transcripts, not the record"
