"""Inbound processing against a real database and relay: auto-replies, bounces, duplicates,
opt-outs, unknown senders, chat-then-email continuity."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from bot.channels.email.models import EmailThread, InboundEmail, OutgoingEmail
from bot.channels.email.outbound import EmailConversationActive, EmailSuppressed, InvalidEmail
from bot.db import models
from tests.channels.email.conftest import Stack
from tests.channels.email.support import body_text, message, reply_to

BOUNCE = """From: Mail Delivery System <MAILER-DAEMON@mx.acmecorp.io>
To: {to}
Subject: Undelivered Mail Returned to Sender
Message-ID: <bounce-1@mx.acmecorp.io>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.acmecorp.io. Your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.acmecorp.io

Final-Recipient: rfc822; dana@acmecorp.io
Original-Recipient: rfc822;dana@acmecorp.io
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <dana@acmecorp.io>: Recipient address rejected

--BOUNDARY
Content-Type: text/rfc822-headers

Message-ID: {message_id}
Subject: Quick question

--BOUNDARY--
"""


async def _outreach(stack: Stack, address: str = "dana@acmecorp.io") -> tuple[object, EmailMessage]:
    result = await stack.email.channel.outreach(email=address, name="Dana Smith", company="Acme", flow="bant")
    await stack.flush()
    return result, stack.relay.wait(1)[-1]


async def _count(stack: Stack, model: type, **where: object) -> int:
    async with stack.email.channel.sessionmaker() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(await session.scalar(query) or 0)


async def test_auto_reply_is_recorded_not_answered(stack: Stack) -> None:
    started, first = await _outreach(stack)
    for raw in (
        reply_to(first, "I am out of the office until Monday.", headers={"Auto-Submitted": "auto-replied"}),
        reply_to(first, "Thanks for your message. I'm currently on annual leave with no access to email.",
                 quote=False),
        reply_to(first, "Got it, will read later", headers={"Precedence": "auto_reply"}, quote=False),
    ):
        result = await stack.deliver(raw)
        assert result.status == "auto_reply" and result.conversation_id == started.conversation_id
    assert await _count(stack, models.Message, conversation_id=started.conversation_id, role="prospect") == 0
    assert await _count(stack, OutgoingEmail) == 1  # no answer to a robot
    async with stack.email.channel.sessionmaker() as session:
        thread = await session.scalar(select(EmailThread))
        assert thread.next_followup_at is not None  # still waiting for the person


async def test_bounce_marks_address_undeliverable(stack: Stack) -> None:
    started, first = await _outreach(stack)
    bounce = BOUNCE.format(to=first["Reply-To"].addresses[0].addr_spec, message_id=first["Message-ID"]).encode()
    result = await stack.deliver(bounce)
    assert result.status == "bounce" and result.conversation_id == started.conversation_id
    with pytest.raises(EmailSuppressed) as refused:
        await stack.email.channel.outreach(email="Dana@acmecorp.io", name="Dana", company="Acme")
    assert refused.value.code == "email_undeliverable"
    async with stack.email.channel.sessionmaker() as session:
        thread = await session.scalar(select(EmailThread))
        assert thread.status == "stopped" and thread.next_followup_at is None
    stack.clock.advance(days=10)
    assert await stack.flush() == (0, 0)
    # A changed address is emailable again, but not twice while a conversation waits for answers.
    await stack.email.channel.outreach(email="dana.smith@acmecorp.io", name="Dana", company="Acme")
    with pytest.raises(EmailConversationActive):
        await stack.email.channel.outreach(email="Dana.Smith@acmecorp.io", name="Dana", company="Acme")


async def test_duplicate_delivery_changes_nothing(stack: Stack) -> None:
    _, first = await _outreach(stack)
    raw = reply_to(first, "We need faster follow-up on inbound leads; budget is $30k a year.")
    assert (await stack.deliver(raw)).status == "processed"
    counts = [await _count(stack, m) for m in (models.Message, models.Fact, OutgoingEmail, models.EngagementEvent)]
    again = await stack.deliver(raw)
    assert again.status == "duplicate" and "already received" in (again.reason or "")
    assert [await _count(stack, m) for m in (models.Message, models.Fact, OutgoingEmail, models.EngagementEvent)] == counts
    assert await _count(stack, InboundEmail, status="duplicate") == 1


async def test_opt_out_is_never_emailed_again(stack: Stack) -> None:
    started, first = await _outreach(stack)
    result = await stack.deliver(reply_to(first, "Please stop emailing me."))
    assert result.status == "processed" and result.reason == "opt-out"
    assert await _count(stack, OutgoingEmail, status="queued") == 0
    stack.clock.advance(days=30)
    assert await stack.flush() == (0, 0)
    assert len(stack.relay.messages) == 1
    with pytest.raises(EmailSuppressed) as refused:
        await stack.email.channel.outreach(email="dana@acmecorp.io", name="Dana", company="Acme")
    assert refused.value.code == "email_opted_out" and "asked not to be emailed" in refused.value.message
    # A later message from them is still read (facts), but never answered.
    later = await stack.deliver(reply_to(first, "Actually our budget is $50,000 a year."))
    assert later.status == "processed" and later.reply_email_id is None


async def test_unsubscribe_subject_and_bare_word(stack: Stack) -> None:
    _, first = await _outreach(stack)
    assert (await stack.deliver(reply_to(first, "Unsubscribe"))).reason == "opt-out"


async def test_our_quoted_footer_is_not_an_opt_out(stack: Stack) -> None:
    _, first = await _outreach(stack)
    result = await stack.deliver(reply_to(first, "We want to stop losing inbound leads."))
    assert result.status == "processed" and result.reason is None and result.reply_email_id is not None


async def test_threading_without_headers_uses_the_reply_token(stack: Stack) -> None:
    started, first = await _outreach(stack)
    raw = reply_to(first, "We need better lead routing.", keep_threading=False, sender="someone@else.io")
    result = await stack.deliver(raw, str(first["Reply-To"].addresses[0].addr_spec))
    assert result.status == "processed" and result.conversation_id == started.conversation_id


async def test_threading_by_headers_then_sender(stack: Stack) -> None:
    started, first = await _outreach(stack)
    by_headers = message("We need better lead routing.", to="sales@vendor.test",
                         headers={"In-Reply-To": str(first["Message-ID"])}, sender="other@else.io")
    assert (await stack.deliver(by_headers.as_bytes())).conversation_id == started.conversation_id
    by_sender = message("Also: budget is around $10k a month.", to="sales@vendor.test")
    assert (await stack.deliver(by_sender.as_bytes())).conversation_id == started.conversation_id


async def test_unknown_sender_is_unthreaded(stack: Stack) -> None:
    result = await stack.deliver(message("Hello, who are you?", sender="stranger@nowhere.io").as_bytes())
    assert result.status == "unthreaded" and "stranger@nowhere.io" in (result.reason or "")
    assert await _count(stack, InboundEmail, status="unthreaded") == 1


async def test_outreach_validates_the_address(stack: Stack) -> None:
    with pytest.raises(InvalidEmail) as bad:
        await stack.email.channel.outreach(email="dana@@acmecorp", name="Dana", company="Acme")
    assert bad.value.code == "invalid_email" and "not a valid email address" in bad.value.message


async def test_chat_then_email_continues_the_same_lead(stack: Stack) -> None:
    service = stack.email.channel.service
    opened = await service.start(flow_name="bant")
    await service.handle_message(opened.conversation_id, "We waste hours on unqualified leads.")
    await service.handle_message(opened.conversation_id, "Sure — it's dana@acmecorp.io if you need it. Budget is $20k a year.")
    async with stack.email.channel.sessionmaker() as session:
        lead = await session.get(models.Lead, opened.lead_id)
        assert lead.email == "dana@acmecorp.io"
    # Days later she writes from her mailbox, not replying to anything of ours.
    result = await stack.deliver(message("I make the final call here, and we'd like to start this quarter.",
                                         to="sales@vendor.test", subject="Following up").as_bytes())
    assert result.status == "processed" and result.conversation_id != opened.conversation_id
    async with stack.email.channel.sessionmaker() as session:
        conversation = await session.get(models.Conversation, result.conversation_id)
        assert conversation.lead_id == opened.lead_id and conversation.channel == "email"
        facts = {f.field: f.value for f in await session.scalars(
            select(models.Fact).where(models.Fact.lead_id == opened.lead_id, models.Fact.active.is_(True)))}
    assert facts["need"] == "confirmed" and facts["budget_max"] == 20000 and facts["authority"] == "decision_maker"
    await stack.flush()
    answer = body_text(stack.relay.wait(1)[-1])
    assert "noted:" in answer and "final decision" in answer
    assert "budget" not in answer.lower().split("noted:")[1].split("\n\n", 1)[-1]  # not asked again


async def test_a_person_taking_over_writes_by_email(stack: Stack) -> None:
    started, first = await _outreach(stack)
    service = stack.email.channel.service
    await service.take_over(started.conversation_id, "Alex")
    await service.agent_message(started.conversation_id, "Alex", "Hi Dana, Alex here.\n\nHappy to walk you through pricing.")
    await stack.flush()
    mail = stack.relay.wait(2)[1]
    assert body_text(mail).startswith("Hi Dana, Alex here.") and mail["In-Reply-To"] == first["Message-ID"]
    # While the person handles it, the bot neither answers nor follows up.
    result = await stack.deliver(reply_to(mail, "Great — what does it cost for 20 seats?"))
    assert result.status == "processed" and result.reply_email_id is None
    stack.clock.advance(days=5)
    assert await stack.flush() == (0, 0)
    assert len(stack.relay.messages) == 2


async def test_inline_answers_between_quoted_lines_are_read(stack: Stack) -> None:
    started, first = await _outreach(stack)
    questions = [line for line in body_text(first).splitlines() if line[:2] in ("1.", "2.", "3.")]
    body = ("Answers inline below.\n\nOn Mon, 23 Nov 2026 at 10:00, Sam <sales@vendor.test> wrote:\n"
            f"> {questions[0]}\nOur SDRs waste hours on unqualified leads.\n> {questions[1]}\n"
            f"About $10,000 a year.\n> {questions[2]}\nI make the final call.\n> Best,\n> Sam\n")
    raw = reply_to(first, body, quote=False)
    assert (await stack.deliver(raw)).status == "processed"
    async with stack.email.channel.sessionmaker() as session:
        facts = {f.field: f.value for f in await session.scalars(
            select(models.Fact).where(models.Fact.lead_id == started.lead_id, models.Fact.active.is_(True)))}
    assert facts["need"] == "confirmed" and facts["budget_max"] == 10000 and facts["authority"] == "decision_maker"


async def test_dates_count_from_when_the_email_was_written(stack: Stack) -> None:
    started, first = await _outreach(stack)
    written = reply_to(first, "We need it live by December 20.", quote=False)
    written = written.replace(b"Date: ", b"X-Old-Date: ", 1)
    written = b"Date: Sun, 01 Nov 2026 10:00:00 +0000\r\n" + written  # read three weeks later
    stack.clock.now = stack.clock.now.replace(day=23)
    assert (await stack.deliver(written)).status == "processed"
    async with stack.email.channel.sessionmaker() as session:
        days = await session.scalar(select(models.Fact.value).where(models.Fact.lead_id == started.lead_id,
                                                                    models.Fact.field == "timeline_days"))
    assert days == 49  # from 1 November, not from the day it was processed


async def test_erasure_removes_the_emails(stack: Stack) -> None:
    started, first = await _outreach(stack)
    await stack.deliver(reply_to(first, "We need faster lead routing; budget is $5k a month."))
    assert await _count(stack, InboundEmail) == 1 and await _count(stack, OutgoingEmail) == 2
    await stack.privacy.erase(started.lead_id, stack.clock())
    assert await _count(stack, InboundEmail) == 0 and await _count(stack, OutgoingEmail) == 0
    async with stack.email.channel.sessionmaker() as session:
        thread = await session.scalar(select(EmailThread))
        assert thread.address == "" and thread.variables == {} and thread.next_followup_at is None
    stack.clock.advance(days=10)
    assert await stack.flush() == (0, 0)
