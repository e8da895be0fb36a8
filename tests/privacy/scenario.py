"""One person who left data everywhere qualbot stores any: the subject of the erasure and export tests.

They are emailed (outreach), answer by email, chat on the website (facts, a question of their
own, page views), a person takes the chat over and writes to them, they qualify as SQL (the
handoff assigns a rep, scores them, and notifies a webhook, Slack and the rep by email), an SDR
corrects their record with notes, and finally they opt out by email (and an email of theirs
too big to read is kept, in no thread). Everything runs in this
process on the real app (workers included) against a real SMTP relay and webhook receiver.
"""

from __future__ import annotations

import asyncio
import email
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.app import create_app
from bot.config import Settings
from bot.console.corrections import correct_fact, correct_stage, set_outcome
from bot.handoff.models import Delivery
from tests.channels.email.support import REPLY_DOMAIN, Relay, message, reply_to
from tests.support.appserver import migrated_settings
from tests.support.receiver import WebhookReceiver

NAME = "Zebulon Quarrington"
ADDRESS = "zeb.quarrington@lemurworks.example"
COMPANY = "Lemurworks Quarry"
WORD = "snorkelvane"  # a word only this person ever wrote
PHONE = "415-555-0199"
MARKERS = (NAME, ADDRESS, COMPANY, WORD, PHONE)

CHAT_ANSWERS = {
    "need": f"Our {WORD} team loses inbound leads because nobody replies fast enough; we need to qualify them automatically.",
    "budget": "We have about $25,000 a year set aside for this.",
    "authority": "I'm the VP of Sales and I sign off on tools like this.",
    "timeline": "We want it running within the next 30 days.",
    "company": "We're about 80 people, based in Canada.",
}
EMAIL_ANSWER = f"Hi, this is {NAME} of {COMPANY}. Call me at {PHONE}. We need faster replies to inbound leads at {WORD}."
QUESTION = f"Does it integrate with {WORD} CRM?"
SECRET = b"whsec_privacy_tests"
MAX_BYTES = 100_000


def settings_for(database_url: str, tmp_path: Path, relay: Relay, receiver: WebhookReceiver) -> Settings:
    """Every area on: email through the relay, webhooks and Slack to the receiver, rep emails."""
    return migrated_settings(
        database_url, tmp_path,
        smtp_host="127.0.0.1", smtp_port=relay.port, smtp_security="none",
        email_from="Sam from Acme Sales <sales@vendor.test>", reply_domain=REPLY_DOMAIN,
        email_scheduler_interval_seconds=0.1, email_max_message_bytes=MAX_BYTES,
        webhook_urls=[receiver.url("/hook")], webhook_secret=SECRET.decode(), slack_webhook_url=receiver.url("/slack"),
        outbox_poll_seconds=0.1, public_url="https://qualbot.example.com",
    )  # fmt: skip


@dataclass
class Person:
    """The app after the scenario: its API client, the person's lead and what the relay and receiver got."""

    app: FastAPI
    api: httpx.AsyncClient
    lead_id: str
    relay: Relay
    receiver: WebhookReceiver


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The app with its lifespan (API key, email worker, delivery worker) and an authenticated API client."""
    app = create_app(settings)
    assert settings.api_key is not None
    headers = {"Authorization": f"Bearer {settings.api_key.get_secret_value()}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://qualbot.test", headers=headers) as api:
            yield app, api


async def until(condition: Callable[[], Any], what: str, timeout: float = 15.0) -> None:
    """Wait (without blocking the app's workers) until ``condition()`` is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await _holds(condition):
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def _holds(condition: Callable[[], Any]) -> bool:
    result = condition()
    return bool(await result) if asyncio.iscoroutine(result) else bool(result)


def _sent(relay: Relay) -> list[EmailMessage]:
    with relay.lock:
        return [m for _, _, m in relay.messages]


def _to_person(relay: Relay) -> list[EmailMessage]:
    return [m for m in _sent(relay) if ADDRESS in str(m["To"])]


async def live_through_everything(app: FastAPI, api: httpx.AsyncClient, relay: Relay, receiver: WebhookReceiver) -> str:
    """Run the scenario of this module; returns the person's lead id."""
    service, processor = app.state.service, app.state.email.processor
    started = await api.post("/api/outreach", json={"email": ADDRESS, "name": NAME, "company": COMPANY, "downloaded": "pricing"})
    assert started.status_code == 201, started.text
    lead_id = started.json()["lead_id"]
    await until(lambda: len(_to_person(relay)) >= 1, "the first email")
    first = _to_person(relay)[0]
    result = await processor.receive(reply_to(first, EMAIL_ANSWER, sender=f"{NAME} <{ADDRESS}>"), via="smtp")
    assert result.status == "processed", result
    await until(lambda: len(_to_person(relay)) >= 2, "the reply to their email")

    chat = await service.start(flow_name="bant", channel="chat", lead_id=lead_id)
    await service.record_event(chat.conversation_id, "page_view", {"url": f"https://acme.example/pricing?utm={WORD}"})
    outcome = await service.handle_message(chat.conversation_id, f"{QUESTION} {CHAT_ANSWERS['need']}")
    await service.take_over(chat.conversation_id, "sdr@acme.example")
    await service.agent_message(chat.conversation_id, "sdr@acme.example", f"Hi {NAME.split()[0]}, I'll call {PHONE} tomorrow.")
    replies = await service.hand_back(chat.conversation_id, "sdr@acme.example")
    field = replies[-1].field if replies else outcome.replies[-1].field
    for _ in range(10):
        if outcome.qualified or field is None:
            break
        outcome = await service.handle_message(chat.conversation_id, CHAT_ANSWERS[field])
        field = outcome.replies[-1].field
    assert outcome.qualified and outcome.stage == "sql", outcome

    async def delivered() -> bool:
        async with service.sessionmaker() as session:
            pending = await session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status != "delivered"))
            total = await session.scalar(select(func.count()).select_from(Delivery))
        return bool(total) and pending == 0

    await until(delivered, "every handoff delivery")
    await _sdr_corrects(app, lead_id)
    optout = reply_to(first, f"Please unsubscribe me. {NAME}", sender=f"{NAME} <{ADDRESS}>")
    assert (await processor.receive(optout, via="smtp")).status == "processed"
    too_big = message(f"The {WORD} brochure, as promised.", sender=f"{NAME} <{ADDRESS}>", to="sales@vendor.test")
    too_big.add_attachment(b"x" * MAX_BYTES, maintype="application", subtype="octet-stream", filename="brochure.pdf")
    refused = await processor.receive(too_big.as_bytes(), via="smtp", envelope_from=ADDRESS)
    assert refused.status == "rejected" and refused.conversation_id is None, "stored in no thread"
    return lead_id


async def _sdr_corrects(app: FastAPI, lead_id: str) -> None:
    service = app.state.service
    now = service.clock()
    async with service.sessionmaker() as session:
        await correct_fact(session, lead_id, field="authority", raw_value="decision_maker", note=f"{NAME} told me on the phone ({PHONE})",
                           who="sdr@acme.example", now=now, policy=service.policy)
        await correct_stage(session, lead_id, stage="sql", note=f"{WORD} is a strategic account", who="sdr@acme.example", now=now)
        await set_outcome(session, lead_id, outcome="won", note=f"{NAME} signed", who="sdr@acme.example", now=now)
        await session.commit()


def mime_texts(raw: bytes) -> list[str]:
    """Every decoded text part of a MIME message (markers may be encoded in the raw bytes)."""
    msg = email.message_from_bytes(raw, policy=policy.default)
    texts = [str(value) for value in msg.values()]
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            texts.append(part.get_content())
    return texts
