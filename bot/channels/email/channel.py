"""The email channel over the conversation service: outreach, composing and queueing emails.

``EmailChannel`` is what the routes, the CLI, the inbound processor and the follow-up scheduler
call. It turns the engine's replies into one email (numbered questions, an acknowledgement of
what was learned, or the closing) and queues it in the outbox in the same transaction as the
thread's follow-up state.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.email.models import EmailThread, OutgoingEmail
from bot.channels.email.outbound import (
    EmailConversationActive,
    EmailSuppressed,
    build_message,
    new_message_id,
    normalize_address,
    reply_address,
    sender_name,
    suppress,
    suppression,
    unsubscribe_url,
)
from bot.channels.email.threading import lead_by_email
from bot.channels.email.render import Templates, acknowledgements, first_name, join_phrases
from bot.conversations import ConversationService
from bot.db import models
from bot.engine.dialogue import Reply
from bot.facts import FactValue


@dataclass(frozen=True)
class OutreachResult:
    """What an outreach started: the conversation, its lead and the queued first email."""

    conversation_id: str
    lead_id: str
    thread_id: str
    email_id: int
    message_id: str
    subject: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Parts:
    """The engine's replies sorted into the pieces of one email."""

    greeting: str
    questions: tuple[str, ...]
    answers: tuple[str, ...]
    closing: str | None
    intro: str = ""  # the flow's line opening further questions (``email_follow_up``)

    @classmethod
    def of(cls, replies: Sequence[Reply]) -> "Parts":
        replies = list(replies)
        first_question = next((i for i, r in enumerate(replies) if r.kind in ("question", "clarify")), None)
        intro = ""
        if first_question and replies[first_question - 1].kind == "statement":
            intro = replies.pop(first_question - 1).text
        greeting = " ".join(r.text for r in replies if r.kind == "greeting")
        questions = tuple(r.text for r in replies if r.kind in ("question", "clarify"))
        answers = tuple(r.text for r in replies if r.kind in ("answer", "handoff", "statement", "resume"))
        closing = " ".join(r.text for r in replies if r.kind == "closing") or None
        return cls(greeting, questions, answers, closing, intro)


class EmailChannel:
    """Outreach and outgoing email for every email conversation."""

    def __init__(self, *, service: ConversationService, templates: Templates, clock: Callable[[], datetime] | None = None):
        self.service = service
        self.settings = service.settings
        self.sessionmaker = service.sessionmaker
        self.templates = templates
        self.clock = clock or service.clock
        self.outbox_changed = asyncio.Event()  # the sender waits on this to send new mail at once

    # ---- outreach ------------------------------------------------------------------------
    async def outreach(
        self, *, email: str, name: str | None, company: str | None, flow: str | None = None,
        downloaded: str | None = None,
    ) -> OutreachResult:
        """Start an email conversation with a prospect and queue the first email.

        Raises ``InvalidEmail`` (422), ``EmailSuppressed`` (409: opted out or bounced),
        ``EmailConversationActive`` (409: one is already waiting for answers) or ``UnknownFlow`` (404). A lead who already exists with this address (e.g. from the chat)
        is continued: same record, same facts, and only what is missing is asked.
        """
        address = normalize_address(email)
        flow_name = flow or self.settings.default_flow
        self.service.flow(flow_name)
        async with self.sessionmaker() as session:
            await self._refuse_suppressed(session, address)
            active = await session.scalar(
                select(EmailThread).where(EmailThread.address == address, EmailThread.status == "active").limit(1))
            if active is not None:
                raise EmailConversationActive(
                    f"{address} is already in email conversation {active.conversation_id}; it continues when they reply")
            lead = await lead_by_email(session, address)
            if lead is not None:
                lead.name = lead.name or name
                lead.company = lead.company or company
                await session.commit()
        opened = await self.service.start(
            flow_name=flow_name, channel="email", lead_id=lead.id if lead else None,
            contact=None if lead else {"email": address, "name": name, "company": company},
        )
        variables = {"name": name, "company": company, "downloaded": downloaded}
        parts = Parts.of(opened.replies)
        now = self.clock()
        async with self.sessionmaker() as session:
            thread = EmailThread(
                conversation_id=opened.conversation_id, lead_id=opened.lead_id, address=address,
                reply_token=secrets.token_hex(12),
                subject="", variables=variables, created_at=now,
            )
            session.add(thread)
            await session.flush()
            kind = "first" if parts.questions else "reply"
            context = self.context(thread, parts, subject="", noted=[])
            rendered = self.templates.render(kind, context)
            thread.subject = rendered.subject
            row = self.enqueue(session, thread, "first", rendered, now)
            self._after_send(thread, parts, now, reset=True)
            if downloaded:
                session.add(models.EngagementEvent(
                    lead_id=opened.lead_id, conversation_id=opened.conversation_id, name="download",
                    properties={"what": downloaded, "source": "outreach"}, occurred_at=now,
                ))
            await session.commit()
        self.outbox_changed.set()
        return OutreachResult(opened.conversation_id, opened.lead_id, thread.id, row.id, row.message_id,
                              rendered.subject, parts.questions)

    async def open_thread(self, conversation_id: str, lead_id: str, address: str, subject: str,
                          variables: Mapping[str, Any]) -> EmailThread:
        """The email thread of a conversation the prospect opened by writing to us."""
        async with self.sessionmaker() as session:
            lead = await session.get(models.Lead, lead_id)
            names = {"name": lead.name, "company": lead.company} if lead else {}
            thread = EmailThread(
                conversation_id=conversation_id, lead_id=lead_id, address=address.lower(),
                reply_token=secrets.token_hex(12), subject=subject[:500],
                variables={**names, **{k: v for k, v in variables.items() if v}}, created_at=self.clock(),
            )
            session.add(thread)
            await session.commit()
            return thread

    async def unsubscribe(self, token: str) -> str | None:
        """Opt out the address of the thread with reply token ``token``; the address, or None if unknown."""
        async with self.sessionmaker() as session:
            thread = await session.scalar(select(EmailThread).where(EmailThread.reply_token == token.lower()))
            if thread is None:
                return None
            await suppress(session, thread.address, "opted_out", "unsubscribe link", self.clock())
            await session.commit()
            return thread.address

    async def _refuse_suppressed(self, session: AsyncSession, address: str) -> None:
        blocked = await suppression(session, address)
        if blocked is not None:
            why = "asked not to be emailed" if blocked.status == "opted_out" else "bounced (undeliverable)"
            raise EmailSuppressed(f"{address} {why}: {blocked.reason}; qualbot will not email it", blocked.status)

    # ---- composing -----------------------------------------------------------------------
    def context(self, thread: EmailThread, parts: Parts, *, subject: str, noted: Sequence[str],
                number: int = 0) -> dict[str, Any]:
        """The template variables of one email of ``thread``."""
        v = thread.variables or {}
        return {
            "first_name": first_name(v.get("name")), "name": v.get("name") or "", "company": v.get("company") or "",
            "downloaded": v.get("downloaded") or "", "email": thread.address,
            "sender_name": sender_name(self.settings), "greeting": parts.greeting,
            "questions": list(parts.questions), "answers": list(parts.answers), "closing": parts.closing, "intro": parts.intro,
            "noted": join_phrases(noted), "noted_items": list(noted), "subject": subject or thread.subject,
            "number": number, "unsubscribe_url": unsubscribe_url(self.settings, thread.reply_token),
        }

    def enqueue(self, session: AsyncSession, thread: EmailThread, kind: str, rendered: Any, now: datetime,
                in_reply_to: str | None = None, references: Sequence[str] = ()) -> OutgoingEmail:
        """Add a finished email for ``thread`` to the outbox (sent by the worker after commit)."""
        domain = self.settings.reply_domain
        message_id = new_message_id(domain)
        reply_to = reply_address(thread.reply_token, domain)
        raw = build_message(settings=self.settings, to=thread.address, rendered=rendered, message_id=message_id,
                            reply_to=reply_to, date=now, in_reply_to=in_reply_to, references=references)
        row = OutgoingEmail(
            thread_id=thread.id, kind=kind, message_id=message_id, envelope_from=reply_to, to_address=thread.address,
            subject=rendered.subject, text=rendered.text, raw=raw, status="queued", attempts=0,
            next_attempt_at=now, created_at=now,
        )
        session.add(row)
        thread.last_outbound_at = now
        return row

    def _after_send(self, thread: EmailThread, parts: Parts, now: datetime, *, reset: bool) -> None:
        """Follow-up state after an email: questions open → follow up later; closing → done."""
        if reset:
            thread.followups_sent = 0
        if parts.closing or not parts.questions:
            thread.status = "closed" if parts.closing else thread.status
            thread.next_followup_at = None
        elif thread.status == "active" and thread.followups_sent < self.settings.email_followups:
            thread.next_followup_at = now + timedelta(seconds=self.settings.email_followup_spacing_seconds)
        else:
            thread.next_followup_at = None

    async def queue_reply(self, session: AsyncSession, thread: EmailThread, replies: Sequence[Reply],
                          new_facts: Mapping[str, FactValue], evidence: Mapping[str, str], now: datetime,
                          in_reply_to: str | None, references: Sequence[str], text: str = "") -> OutgoingEmail | None:
        """Queue the ONE email answering a prospect's reply (``text``, their own words); None when
        the bot has nothing to say."""
        parts = Parts.of(replies)
        if not (parts.questions or parts.answers or parts.closing):
            return None
        noted = acknowledgements(new_facts, evidence, text)
        rendered = self.templates.render("reply", self.context(thread, parts, subject=thread.subject, noted=noted))
        refs = [*references, in_reply_to] if in_reply_to else list(references)
        row = self.enqueue(session, thread, "closing" if parts.closing else "reply", rendered, now,
                           in_reply_to=in_reply_to, references=refs[-10:])
        self._after_send(thread, parts, now, reset=True)
        return row

    async def queue_agent_message(self, session: AsyncSession, thread: EmailThread, text: str,
                                  now: datetime) -> OutgoingEmail:
        """Queue what a person who took the conversation over wrote to the prospect."""
        rendered = self.templates.render("agent", {**self.context(thread, Parts("", (), (), None), subject=thread.subject,
                                                                  noted=[]), "text": text})
        last = await session.scalar(
            select(OutgoingEmail.message_id).where(OutgoingEmail.thread_id == thread.id)
            .order_by(OutgoingEmail.id.desc()).limit(1)
        )
        thread.next_followup_at = None  # a person is handling it now
        return self.enqueue(session, thread, "agent", rendered, now, in_reply_to=last, references=[last] if last else [])

    async def queue_followup(self, session: AsyncSession, thread: EmailThread, questions: Sequence[str],
                             now: datetime) -> OutgoingEmail:
        """Queue follow-up number ``followups_sent + 1`` asking the still-open ``questions``."""
        number = thread.followups_sent + 1
        parts = Parts("", tuple(questions), (), None)
        rendered = self.templates.render("followup", self.context(thread, parts, subject=thread.subject, noted=[],
                                                                  number=number))
        last = await session.scalar(
            select(OutgoingEmail.message_id).where(OutgoingEmail.thread_id == thread.id)
            .order_by(OutgoingEmail.id.desc()).limit(1)
        )
        row = self.enqueue(session, thread, "followup", rendered, now, in_reply_to=last, references=[last] if last else [])
        thread.followups_sent = number
        self._after_send(thread, parts, now, reset=False)
        session.add(models.Message(conversation_id=thread.conversation_id, role="bot", text=rendered.text,
                                   topic=None, created_at=now))
        return row

