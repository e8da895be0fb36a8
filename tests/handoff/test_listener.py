"""What the turn listener stores and enqueues for each outcome, in the turn's transaction (the service on a real database)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.conversations import TurnEvent
from bot.db import models
from bot.handoff.models import Delivery, LeadAssignment, LeadScoreRecord, RoutingCounter
from bot.handoff.outbox import claim
from bot.handoff.privacy import ERASED, HANDOFF_PRIVACY
from bot.privacy import PrivacyService
from tests.channels.test_chat_e2e import ANSWERS
from tests.handoff.factories import add_lead, converse, handoff_service
from tests.support.appserver import migrated_settings


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return migrated_settings(
        database_url,
        tmp_path,
        webhook_urls=["https://crm.example/hook"],
        webhook_secret="s",
        slack_webhook_url="https://hooks.slack.example/T/B/x",
        smtp_host="127.0.0.1",
        outbox_worker=False,
    )



async def rows(db: async_sessionmaker[AsyncSession], model: type) -> list:
    async with db() as session:
        return list(await session.scalars(select(model)))


async def test_a_disqualified_lead_is_announced_but_neither_routed_nor_emailed(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    outcome = await converse(handoff_service(settings, db), {**ANSWERS, "company": "We're 80 people in São Paulo, Brazil."})
    deliveries = await rows(db, Delivery)
    assert outcome.stage == "disqualified" and "meeting_link" not in outcome.handoff
    outcome_rows = sorted((d.kind, d.target) for d in deliveries if d.event == "lead.disqualified")
    assert outcome_rows == [("slack", "slack"), ("webhook", "https://crm.example/hook")]
    assert {d.event for d in deliveries} <= {"lead.disqualified", "lead.updated"}
    assert all(d.kind != "email" for d in deliveries) and await rows(db, LeadAssignment) == []
    payload = next(d.payload for d in deliveries if d.kind == "webhook" and d.event == "lead.disqualified")
    assert payload["decision"]["stage"] == "disqualified" and payload["decision"]["reasons"]
    assert payload["id"] == next(d.idempotency_key for d in deliveries if d.payload is payload)


async def test_an_sql_gets_the_rep_email_with_the_outcome_only(settings: Settings, db: async_sessionmaker[AsyncSession]) -> None:
    outcome = await converse(handoff_service(settings, db), ANSWERS)
    deliveries = await rows(db, Delivery)
    (email,) = [d for d in deliveries if d.kind == "email"]
    assert outcome.stage == "sql" and email.event == "lead.qualified" and email.target == "ana@example.com"
    assert email.payload["to"] == "ana@example.com" and "Hi Ana Example" in email.payload["text"]
    (score,) = await rows(db, LeadScoreRecord)
    (lead,) = await rows(db, models.Lead)
    assert score.score == lead.score > 0 and round(sum(p["points"] for p in score.parts)) == lead.score


class Exploding:
    """A listener after the handoff's that fails: the whole turn must roll back."""

    async def on_turn(self, event: TurnEvent) -> None:
        if event.ended:
            raise RuntimeError("a later listener failed")


async def test_a_turn_that_rolls_back_leaves_no_delivery_no_owner_and_no_used_turn(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    with pytest.raises(RuntimeError, match="a later listener failed"):
        await converse(handoff_service(settings, db, Exploding()), ANSWERS)
    assert [d.event for d in await rows(db, Delivery)] == ["lead.updated"], "only the earlier, committed turn's"
    assert await rows(db, LeadAssignment) == [] and await rows(db, RoutingCounter) == []
    (lead,) = await rows(db, models.Lead)
    assert lead.owner is None, "the last turn's assignment is gone with it"


async def test_an_owner_set_by_hand_gets_the_email_with_the_rep_known_from_routing(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    async with db() as session:
        lead = await add_lead(session, owner="dev@example.com")  # the APAC rep, set in the console
        await session.commit()
    outcome = await converse(handoff_service(settings, db), ANSWERS, lead_id=lead.id)
    deliveries = await rows(db, Delivery)
    (email,) = [d for d in deliveries if d.kind == "email"]
    webhook = next(d for d in deliveries if d.kind == "webhook" and d.event == "lead.qualified")
    assert outcome.stage == "sql" and outcome.handoff["meeting_link"] == "https://cal.example.com/dev"
    offer = outcome.replies[-1]
    assert offer.kind == "closing" and "https://cal.example.com/dev" in offer.text and "Dev Example" in offer.text
    assert email.target == "dev@example.com" and "Hi Dev Example" in email.payload["text"]
    assert webhook.payload["assignment"]["rep"]["meeting_link"] == "https://cal.example.com/dev"
    assert webhook.payload["assignment"]["team"] == "apac"


async def test_erasing_a_lead_empties_its_payloads_and_gives_up_what_was_not_sent(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    outcome = await converse(handoff_service(settings, db), ANSWERS)
    await PrivacyService(db, areas=[HANDOFF_PRIVACY]).erase(outcome.lead_id, datetime.now(UTC))
    deliveries = await rows(db, Delivery)
    assert deliveries and all(d.payload == {} and d.status == "dead" and d.last_error == ERASED for d in deliveries)
    assert await rows(db, LeadScoreRecord) == []
    assert [a.owner for a in await rows(db, LeadAssignment)] == ["ana@example.com"], "analytics keep the assignment"
    async with db() as session:
        assert await claim(session, worker_id="w", now=datetime.now(UTC), lease=30, limit=10) == []
