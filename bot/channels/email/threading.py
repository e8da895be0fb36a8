"""Which conversation an inbound email belongs to.

In order: the reply token in a recipient address (``reply+TOKEN@domain`` — survives clients
that drop headers), then In-Reply-To/References against the Message-IDs we sent, then the sender
address (the newest thread with that address, else a lead with that email, e.g. one who chatted
on the site). Bounces are matched by the bounced Message-ID and the failed recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.email.inbound import ParsedEmail
from bot.channels.email.models import EmailThread, OutgoingEmail
from bot.channels.email.outbound import token_in
from bot.db import models

Via = Literal["token", "headers", "sender", "lead", "none"]


@dataclass(frozen=True)
class ThreadMatch:
    """The thread found (or only the lead, when the sender is a known lead with no email thread)."""

    thread: EmailThread | None
    lead_id: str | None
    via: Via


async def find_thread(session: AsyncSession, email: ParsedEmail, reply_domain: str) -> ThreadMatch:
    """The thread ``email`` replies to, by token, then headers, then sender address."""
    for recipient in email.recipients:
        token = token_in(recipient, reply_domain)
        if token:
            thread = await session.scalar(select(EmailThread).where(EmailThread.reply_token == token))
            if thread is not None:
                return ThreadMatch(thread, thread.lead_id, "token")
    ids = [*email.in_reply_to, *reversed(email.references), *email.bounced_message_ids]
    if ids:
        thread = await session.scalar(
            select(EmailThread)
            .join(OutgoingEmail, OutgoingEmail.thread_id == EmailThread.id)
            .where(OutgoingEmail.message_id.in_(ids))
            .order_by(OutgoingEmail.id.desc())
            .limit(1)
        )
        if thread is not None:
            return ThreadMatch(thread, thread.lead_id, "headers")
    addresses = list(email.bounced_recipients) if email.bounce else ([email.from_address] if email.from_address else [])
    for address in addresses:
        thread = await session.scalar(
            select(EmailThread).where(EmailThread.address == address).order_by(EmailThread.created_at.desc()).limit(1)
        )
        if thread is not None:
            return ThreadMatch(thread, thread.lead_id, "sender")
        if not email.bounce:
            lead = await lead_by_email(session, address)
            if lead is not None:
                return ThreadMatch(None, lead.id, "lead")
    return ThreadMatch(None, None, "none")


async def lead_by_email(session: AsyncSession, address: str) -> models.Lead | None:
    """The most recently active lead with this email address."""
    return await session.scalar(
        select(models.Lead).where(func.lower(models.Lead.email) == address.lower())
        .order_by(models.Lead.updated_at.desc()).limit(1)
    )
