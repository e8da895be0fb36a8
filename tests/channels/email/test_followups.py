"""Follow-ups and the outbox with a clock the test moves: spacing, the cap, reset on reply, retries."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.channels.email.models import OutgoingEmail
from tests.channels.email.conftest import Stack
from tests.channels.email.support import body_text, reply_to


def _numbered(text: str) -> list[str]:
    return re.findall(r"^\d+\. (.+)$", text, re.M)


async def test_followups_are_spaced_capped_and_ask_only_what_is_open(stack: Stack) -> None:
    await stack.email.channel.outreach(email="dana@acmecorp.io", name="Dana", company="Acme", flow="bant")
    assert await stack.flush() == (0, 1)
    first = stack.relay.wait(1)[0]
    stack.relay.wait(1)
    stack.clock.advance(minutes=59)
    assert await stack.flush() == (0, 0)  # not yet due
    stack.clock.advance(minutes=2)
    assert await stack.flush() == (1, 1)
    followup = stack.relay.wait(2)[1]
    assert followup["In-Reply-To"] == first["Message-ID"]
    assert _numbered(body_text(followup)) == [q for q in _numbered(body_text(first))]
    stack.clock.advance(hours=1, seconds=1)
    assert await stack.flush() == (1, 1)
    stack.clock.advance(days=30)
    assert await stack.flush() == (0, 0)  # at most two follow-ups
    assert len(stack.relay.messages) == 3


async def test_reply_resets_followups_to_the_remaining_questions(stack: Stack) -> None:
    await stack.email.channel.outreach(email="dana@acmecorp.io", name="Dana", company="Acme", flow="bant")
    await stack.flush()
    first = stack.relay.wait(1)[0]
    stack.clock.advance(hours=2)
    await stack.flush()  # follow-up 1
    await stack.deliver(reply_to(first, "We lose deals to slow follow-up. Budget is about $2,000 a month."))
    await stack.flush()
    answer = stack.relay.wait(3)[2]
    open_now = _numbered(body_text(answer))
    assert open_now and not any("budget" in q.lower() for q in open_now)
    stack.clock.advance(hours=1, seconds=1)
    assert await stack.flush() == (1, 1)
    followup = stack.relay.wait(4)[3]
    asked_again = _numbered(body_text(followup))
    assert len(asked_again) == len(open_now) and not any("budget" in q.lower() for q in asked_again)
    assert followup["In-Reply-To"] == answer["Message-ID"]


async def test_closed_conversation_gets_no_followup(stack: Stack) -> None:
    await stack.email.channel.outreach(email="dana@acmecorp.io", name="Dana", company="Acme", flow="bant")
    await stack.flush()
    first = stack.relay.wait(1)[0]
    await stack.deliver(reply_to(first, "Honestly we have no need for this, we're happy with what we have."))
    await stack.flush()
    closing = stack.relay.wait(2)[1]
    assert not _numbered(body_text(closing))
    stack.clock.advance(days=10)
    assert await stack.flush() == (0, 0)


async def test_smtp_outage_loses_nothing(stack: Stack) -> None:
    stack.relay.refuse = True
    await stack.email.channel.outreach(email="dana@acmecorp.io", name="Dana", company="Acme")
    assert await stack.flush() == (0, 0)
    async with stack.email.channel.sessionmaker() as session:
        row = await session.scalar(select(OutgoingEmail))
        assert row.status == "queued" and row.attempts == 1 and "451" in (row.last_error or "")
    stack.relay.refuse = False
    assert await stack.flush() == (0, 0)  # backoff: not due yet
    stack.clock.advance(seconds=61)
    assert await stack.flush() == (0, 1)
    sent = stack.relay.wait(1)[0]
    async with stack.email.channel.sessionmaker() as session:
        row = await session.scalar(select(OutgoingEmail))
        assert row.status == "sent" and row.attempts == 2 and sent["Message-ID"] == row.message_id


async def test_relay_down_keeps_mail_queued(stack: Stack) -> None:
    stack.email.worker.sender.settings = stack.settings.model_copy(update={"smtp_port": 1})
    await stack.email.channel.outreach(email="dana@acmecorp.io", name="Dana", company="Acme")
    assert await stack.flush() == (0, 0)
    async with stack.email.channel.sessionmaker() as session:
        row = await session.scalar(select(OutgoingEmail))
        assert row.status == "queued" and row.last_error
