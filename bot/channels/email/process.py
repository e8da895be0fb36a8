"""Processing one inbound email end to end: store it, parse, deduplicate, classify, thread, and
either record it (auto-reply, bounce, opt-out, rejected, unthreaded) or hand the prospect's text
to the conversation service and queue the one reply.

Every message is stored (status ``received``) before anything can fail, and ends with a status
and reason: nothing is dropped silently. Both the SMTP receiver and ``POST /inbound/email`` call
:meth:`InboundProcessor.receive`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.email.channel import EmailChannel
from bot.channels.email.inbound import ParsedEmail, classify, own_text, parse, wants_opt_out
from bot.channels.email.models import EmailThread, InboundEmail
from bot.channels.email.outbound import suppress, suppression
from bot.channels.email.threading import ThreadMatch, find_thread
from bot.db import models
from bot.errors import QualbotError
from bot.extract.email_text import strip_reply

log = logging.getLogger(__name__)

_FINAL = ("processed", "auto_reply", "bounce", "rejected", "unthreaded", "duplicate")
_KEEP_RAW = 1_000_000  # bytes of a refused oversized message kept for inspection (its headers, mostly)


@dataclass(frozen=True)
class InboundResult:
    """What became of one inbound email."""

    id: int
    status: str
    reason: str | None = None
    conversation_id: str | None = None
    reply_email_id: int | None = None


class InboundProcessor:
    """Receives raw emails for the email channel; safe to call concurrently."""

    def __init__(self, channel: EmailChannel) -> None:
        self.channel = channel
        self.settings = channel.settings
        self.sessionmaker = channel.sessionmaker
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def receive(self, raw: bytes, *, via: str, envelope_from: str | None = None,
                      envelope_rcpts: tuple[str, ...] = ()) -> InboundResult:
        """Store and process one message; never raises for anything about the message itself."""
        limit = self.settings.email_max_message_bytes
        if len(raw) > limit:
            return await self._store_only(raw[:_KEEP_RAW], via, envelope_from, envelope_rcpts, "rejected",
                                          f"message is {len(raw)} bytes; the limit is {limit}", size=len(raw))
        email = parse(raw, envelope_rcpts=envelope_rcpts, max_body_chars=self.settings.email_max_body_chars)
        lock = self._locks.get(email.dedupe_key) or self._locks.setdefault(email.dedupe_key, asyncio.Lock())
        async with lock:
            row_id, duplicate = await self._store(raw, email, via, envelope_from)
            if duplicate:
                return InboundResult(row_id, "duplicate", f"already received as #{duplicate}")
            try:
                return await self._process(row_id, email)
            except Exception as exc:  # keep the receiver up; the row says what happened
                log.exception("processing inbound email #%s failed", row_id)
                await self._finish(row_id, "rejected", f"processing failed: {type(exc).__name__}: {exc}")
                return InboundResult(row_id, "rejected", f"processing failed: {type(exc).__name__}")

    # ---- storing -------------------------------------------------------------------------
    async def _store_only(self, raw: bytes, via: str, envelope_from: str | None, rcpts: tuple[str, ...], status: str,
                          reason: str, size: int) -> InboundResult:
        async with self.sessionmaker() as session:
            row = InboundEmail(dedupe_key="oversized", via=via, envelope_from=envelope_from, recipients=list(rcpts),
                               size=size, status=status, reason=reason, raw=raw, received_at=self.channel.clock())
            session.add(row)
            await session.commit()
            return InboundResult(row.id, status, reason)

    async def _store(self, raw: bytes, email: ParsedEmail, via: str, envelope_from: str | None) -> tuple[int, int | None]:
        """Store the message as received; returns (row id, id of an earlier copy when a duplicate)."""
        async with self.sessionmaker() as session:
            earlier = await session.scalar(
                select(InboundEmail).where(InboundEmail.dedupe_key == email.dedupe_key, InboundEmail.status.in_(_FINAL),
                                           InboundEmail.status != "duplicate").order_by(InboundEmail.id).limit(1)
            )
            unfinished = None
            if earlier is None:  # a copy whose processing was cut off (a crash) is processed again
                unfinished = await session.scalar(
                    select(InboundEmail).where(InboundEmail.dedupe_key == email.dedupe_key,
                                               InboundEmail.status == "received").limit(1))
                if unfinished is not None:
                    return unfinished.id, None
            row = InboundEmail(
                dedupe_key=email.dedupe_key, message_id=email.message_id, via=via, envelope_from=envelope_from,
                from_address=email.from_address, recipients=list(email.recipients), subject=email.subject,
                size=len(raw), status="duplicate" if earlier else "received",
                reason=f"same Message-ID as #{earlier.id}" if earlier else None, raw=raw,
                received_at=self.channel.clock(),
            )
            session.add(row)
            await session.commit()
            return row.id, earlier.id if earlier else None

    async def _finish(self, row_id: int, status: str, reason: str | None, match: ThreadMatch | None = None,
                      conversation_id: str | None = None, message_row_id: int | None = None) -> None:
        async with self.sessionmaker() as session:
            row = await session.get(InboundEmail, row_id)
            assert row is not None
            row.status, row.reason = status, reason
            if match is not None and match.thread is not None:
                row.thread_id = match.thread.id
                row.conversation_id = match.thread.conversation_id
            row.conversation_id = conversation_id or row.conversation_id
            row.message_row_id = message_row_id
            await session.commit()

    # ---- processing ----------------------------------------------------------------------
    async def _process(self, row_id: int, email: ParsedEmail) -> InboundResult:
        kind, reason = classify(email)
        async with self.sessionmaker() as session:
            match = await find_thread(session, email, self.settings.reply_domain)
        conversation_id = match.thread.conversation_id if match.thread else None
        if kind == "bounce":
            await self._bounce(email, match)
            await self._finish(row_id, "bounce", reason, match)
            return InboundResult(row_id, "bounce", reason, conversation_id)
        if kind == "auto_reply":
            await self._finish(row_id, "auto_reply", reason, match)
            return InboundResult(row_id, "auto_reply", reason, conversation_id)
        if kind == "rejected":
            await self._finish(row_id, "rejected", reason, match)
            return InboundResult(row_id, "rejected", reason, conversation_id)
        if match.thread is None:
            thread = await self._open_thread(email, match)
            if thread is None:
                why = f"no conversation matches this email (from {email.from_address})"
                await self._finish(row_id, "unthreaded", why)
                return InboundResult(row_id, "unthreaded", why)
            match = ThreadMatch(thread, thread.lead_id, match.via)
        assert match.thread is not None
        if wants_opt_out(email):
            await self._opt_out(email, match.thread)
            await self._finish(row_id, "processed", "opt-out recorded; this address will not be emailed again", match)
            return InboundResult(row_id, "processed", "opt-out", match.thread.conversation_id)
        return await self._answer(row_id, email, match)

    async def _answer(self, row_id: int, email: ParsedEmail, match: ThreadMatch) -> InboundResult:
        thread = match.thread
        assert thread is not None
        service = self.channel.service
        now = self.channel.clock()
        async with self.sessionmaker() as session:
            before = await service.known_facts(session, thread.lead_id)
        await service.record_event(thread.conversation_id, "email_reply", {"message_id": email.message_id})
        try:
            # The prospect's own words only: quoted history would read as their questions to the engine
            # and clutter the transcript (the whole message stays in email_inbound).
            outcome = await service.handle_message(
                thread.conversation_id, fit_text(own_text(email), self.settings.max_message_chars),
                written_at=_written_at(email.date, now),
            )
        except QualbotError as exc:
            await self._finish(row_id, "rejected", exc.message, match)
            return InboundResult(row_id, "rejected", exc.message, thread.conversation_id)
        new = {k: v for k, v in outcome.facts.items() if before.get(k) != v}
        async with self.sessionmaker() as session:
            current = await session.get(EmailThread, thread.id)
            assert current is not None
            current.last_inbound_at = now
            evidence = await _evidence(session, thread.lead_id, new)
            message_row = await session.scalar(
                select(models.Message.id).where(models.Message.conversation_id == thread.conversation_id,
                                                models.Message.role == "prospect")
                .order_by(models.Message.id.desc()).limit(1))
            reply = None
            if await suppression(session, current.address) is None and current.status != "stopped":
                reply = await self.channel.queue_reply(session, current, outcome.replies, new, evidence, now,
                                                       email.message_id, email.references, own_text(email))
            row = await session.get(InboundEmail, row_id)
            assert row is not None
            row.status, row.reason, row.message_row_id = "processed", None, message_row
            row.thread_id, row.conversation_id = thread.id, thread.conversation_id
            await session.commit()  # the reply is queued and the email marked processed together
        if reply is not None:
            self.channel.outbox_changed.set()
        return InboundResult(row_id, "processed", None, thread.conversation_id, reply.id if reply else None)

    async def _open_thread(self, email: ParsedEmail, match: ThreadMatch) -> EmailThread | None:
        """An email conversation for a known lead writing in (or a new lead, when allowed)."""
        if match.lead_id is None and not self.settings.email_inbound_new_leads:
            return None
        assert email.from_address is not None
        flow = self.settings.default_flow
        async with self.sessionmaker() as session:
            if match.lead_id is not None:  # carry on in the flow the lead was last qualified with
                last = await session.scalar(
                    select(models.Conversation.flow).where(models.Conversation.lead_id == match.lead_id)
                    .order_by(models.Conversation.created_at.desc()).limit(1))
                flow = last if last in self.channel.service.flows else flow
        opened = await self.channel.service.start(
            flow_name=flow, channel="email", lead_id=match.lead_id,
            contact=None if match.lead_id else {"email": email.from_address, "name": email.from_name or None},
        )
        return await self.channel.open_thread(opened.conversation_id, opened.lead_id, email.from_address,
                                              email.subject or "Your enquiry", {"name": email.from_name or None})

    async def _opt_out(self, email: ParsedEmail, thread: EmailThread) -> None:
        now = self.channel.clock()
        own = strip_reply(email.body) or email.subject
        async with self.sessionmaker() as session:
            address = email.from_address or thread.address
            await suppress(session, address, "opted_out", f"asked by email: {own[:200]!r}", now)
            if address != thread.address:
                await suppress(session, thread.address, "opted_out", f"asked by email from {address}", now)
            session.add(models.Message(conversation_id=thread.conversation_id, role="prospect",
                                       text=own[:4000] or "unsubscribe", topic=None, created_at=now))
            await session.commit()

    async def _bounce(self, email: ParsedEmail, match: ThreadMatch) -> None:
        if not email.bounce_failed:
            return
        addresses = list(email.bounced_recipients)
        if not addresses and match.thread is not None:
            addresses = [match.thread.address]
        now = self.channel.clock()
        async with self.sessionmaker() as session:
            for address in addresses:
                await suppress(session, address, "undeliverable", f"bounced: {email.subject[:200]}", now)
            await session.commit()


def fit_text(body: str, limit: int) -> str:
    """``body`` within ``limit`` UTF-8 bytes: trailing quoted lines go first, then whole lines."""
    if len(body.encode("utf-8")) <= limit:
        return body
    lines = body.split("\n")
    while lines and len("\n".join(lines).encode("utf-8")) > limit and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()
    while lines and len("\n".join(lines).encode("utf-8")) > limit:
        lines.pop()
    text = "\n".join(lines)
    return text if text.strip() else body.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _written_at(date: datetime | None, now: datetime) -> datetime:
    """The email's own date when plausible (not in the future, not over a month old), else now."""
    if date is None or date > now + timedelta(hours=1) or date < now - timedelta(days=31):
        return now
    return date


async def _evidence(session: AsyncSession, lead_id: str, fields: Mapping[str, object]) -> dict[str, str]:
    if not fields:
        return {}
    rows = await session.scalars(
        select(models.Fact).where(models.Fact.lead_id == lead_id, models.Fact.active.is_(True),
                                  models.Fact.field.in_(list(fields))))
    return {row.field: row.evidence for row in rows}
