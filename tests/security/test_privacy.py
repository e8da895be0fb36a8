"""A person's data: erased on request (counts stay), exported on request, purged after retention."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.db import models
from bot.db.migrate import upgrade
from bot.db.session import create_engine, create_sessionmaker
from bot.privacy import PURGED, PrivacyService
from tests.support.chat import ChatClient
from tests.support.server import LiveServer

pytestmark = pytest.mark.database
ANSWER = "We lose inbound leads because nobody replies fast enough, I'm the CEO."


async def _qualify_someone(server: LiveServer) -> tuple[str, str]:
    client = await ChatClient.connect(server.ws_url)
    frames = await client.until_question()
    await client.send({"type": "event", "name": "page_view", "url": "https://example.com/pricing?ref=jane"})
    await client.say(ANSWER)
    await client.close()
    with server.api() as api:
        lead_id = api.get("/api/leads").json()["leads"][0]["id"]
    return lead_id, frames[0]["resume_token"]


async def test_export_then_erase(live_server: LiveServer) -> None:
    lead_id, token = await _qualify_someone(live_server)
    with live_server.api() as api:
        export = api.get(f"/api/leads/{lead_id}/export")
        assert export.status_code == 200 and "attachment" in export.headers["content-disposition"]
        data = export.json()
        assert any(m["text"] == ANSWER for m in data["transcript"])
        assert data["facts"] and data["events"][0]["properties"]["url"].endswith("ref=jane")

        assert api.delete(f"/api/leads/{lead_id}").status_code == 204
        assert api.delete(f"/api/leads/{lead_id}").status_code == 204, "erasing twice is harmless"
        after = api.get(f"/api/leads/{lead_id}").json()
        listing = api.get("/api/leads").json()["leads"]
        missing = api.delete("/api/leads/nope")
    assert after["erased"] is True and after["contact"] == {"name": None, "email": None, "company": None}
    assert after["transcript"] == [] and after["facts"] == []
    assert after["stage"] and len(after["conversations"]) == 1, "anonymous counts stay for analytics"
    assert [lead["id"] for lead in listing] == [lead_id]
    assert missing.status_code == 404

    client = await ChatClient.connect(live_server.ws_url, f"resume={token}")
    assert (await client.recv())["code"] == "unknown_resume_token", "an erased chat cannot be reopened"
    await client.close()


def test_erasing_needs_an_api_key(live_server: LiveServer) -> None:
    response = httpx.delete(f"{live_server.base_url}/api/leads/x")
    assert response.status_code == 401


async def test_retention_purges_old_transcripts_only(database_url: str) -> None:
    settings = Settings(database_url=database_url)
    await asyncio.to_thread(upgrade, settings)
    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    now = datetime.now(UTC)
    async with sessionmaker() as session:
        lead = models.Lead()
        session.add(lead)
        await session.flush()
        conversation = models.Conversation(lead_id=lead.id, channel="chat", flow="bant", resume_token_hash="x" * 64)
        session.add(conversation)
        await session.flush()
        old = models.Message(conversation_id=conversation.id, role="prospect", text="old secret", created_at=now - timedelta(days=40))
        new = models.Message(conversation_id=conversation.id, role="prospect", text="new words", created_at=now - timedelta(days=2))
        session.add_all([old, new])
        await session.flush()
        session.add(models.Fact(lead_id=lead.id, field="need", value="confirmed", evidence="old secret",
                                source_message_id=old.id, extractor="rules", confidence=1.0, created_at=old.created_at))
        await session.commit()
    privacy = PrivacyService(sessionmaker)
    assert await privacy.purge_transcripts(30, now) == 2, "the old message and the quote resting on it"
    assert await privacy.purge_transcripts(30, now) == 0
    async with sessionmaker() as session:
        texts = sorted((await session.scalars(select(models.Message.text))).all())
        fact = await session.scalar(select(models.Fact.evidence))
    await engine.dispose()
    assert texts == sorted([PURGED, "new words"])
    assert fact == PURGED
