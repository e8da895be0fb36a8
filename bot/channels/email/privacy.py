"""The email channel's part of erasure, export and retention (a :class:`bot.privacy.PrivacyArea`).

Erasing deletes the emails received from the person (found by thread, conversation or their
address, raw MIME included) and every email queued or sent to them (nothing more is sent);
threads keep only ids, status, counts and times. An address on the suppression list
stays suppressed, but under its SHA-256 digest: the person is never emailed again and their
address is no longer stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.email.inbound import parse
from bot.channels.email.models import EmailAddressStatus, EmailThread, InboundEmail, OutgoingEmail
from bot.channels.email.outbound import erased_address_key
from bot.db import models
from bot.privacy import PURGED, PrivacyArea, iso

_UNSENT = ("queued", "sending")
_BATCH = 200


async def erase_email(session: AsyncSession, lead_id: str, conversation_ids: list[str]) -> None:
    """Remove what the email channel stored about one lead (inside the erasure's transaction)."""
    threads = list(await session.scalars(select(EmailThread).where(EmailThread.lead_id == lead_id)))
    thread_ids = [t.id for t in threads]
    received = await _received(session, thread_ids, conversation_ids)
    lead = await session.get(models.Lead, lead_id)
    addresses = _addresses(lead, threads, received)
    stray = await _stray_from(session, addresses)
    if received or stray:
        await session.execute(delete(InboundEmail).where(InboundEmail.id.in_([r.id for r in received] + stray)))
    if thread_ids:
        await session.execute(delete(OutgoingEmail).where(OutgoingEmail.thread_id.in_(thread_ids)))
        await session.execute(
            update(EmailThread)
            .where(EmailThread.id.in_(thread_ids))
            .values(address="", subject="", variables={}, status="stopped", next_followup_at=None)
        )
    for address in addresses:
        await _hash_suppression(session, address)


async def export_email(session: AsyncSession, lead_id: str) -> dict[str, Any]:
    """The person's email conversations: threads, every email sent and received (text, not MIME), suppression."""
    threads = list(
        await session.scalars(select(EmailThread).where(EmailThread.lead_id == lead_id).order_by(EmailThread.created_at))
    )
    thread_ids = [t.id for t in threads]
    conversation_ids = list(
        await session.scalars(select(models.Conversation.id).where(models.Conversation.lead_id == lead_id))
    )
    received = await _received(session, thread_ids, conversation_ids)
    sent = (
        list(await session.scalars(
            select(OutgoingEmail).where(OutgoingEmail.thread_id.in_(thread_ids)).order_by(OutgoingEmail.id)))
        if thread_ids else []
    )  # fmt: skip
    lead = await session.get(models.Lead, lead_id)
    addresses = _addresses(lead, threads, received)
    stray = await _stray_from(session, addresses)
    if stray:
        received += list(await session.scalars(select(InboundEmail).where(InboundEmail.id.in_(stray))))
    suppressions = []
    for address in sorted(addresses):
        row = await session.get(EmailAddressStatus, address)
        if row is not None:
            suppressions.append({"address": address, "status": row.status, "reason": row.reason, "since": iso(row.updated_at)})
    return {
        "email": {
            "threads": [
                {
                    "conversation_id": t.conversation_id,
                    "address": t.address,
                    "subject": t.subject,
                    "status": t.status,
                    "followups_sent": t.followups_sent,
                    "started_at": iso(t.created_at),
                    "last_sent_at": iso(t.last_outbound_at),
                    "last_received_at": iso(t.last_inbound_at),
                }
                for t in threads
            ],
            "sent": [
                {
                    "kind": e.kind,
                    "to": e.to_address,
                    "subject": e.subject,
                    "text": e.text,
                    "status": e.status,
                    "queued_at": iso(e.created_at),
                    "sent_at": iso(e.sent_at),
                }
                for e in sent
            ],
            "received": [_received_json(r) for r in sorted(received, key=lambda r: r.id)],
            "suppressions": suppressions,
        }
    }


async def purge_email(session: AsyncSession, cutoff: datetime) -> int:
    """Bodies (and raw MIME) of emails received or sent before ``cutoff``; an email still to be sent keeps its own."""
    inbound = await session.execute(
        update(InboundEmail)
        .where(InboundEmail.received_at < cutoff, or_(InboundEmail.raw.is_not(None), InboundEmail.subject != PURGED))
        .values(raw=None, subject=PURGED)
    )
    outbound = await session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.created_at < cutoff, OutgoingEmail.status.not_in(_UNSENT), OutgoingEmail.text != PURGED)
        .values(text=PURGED, raw=b"")
    )
    # An opt-out's reason quotes what the person wrote; the opt-out itself stays.
    await session.execute(
        update(EmailAddressStatus)
        .where(EmailAddressStatus.updated_at < cutoff, EmailAddressStatus.reason != PURGED)
        .values(reason=PURGED)
    )
    return (inbound.rowcount or 0) + (outbound.rowcount or 0)


EMAIL_PRIVACY = PrivacyArea("email", erase=erase_email, export=export_email, purge=purge_email)


async def _received(session: AsyncSession, thread_ids: list[str], conversation_ids: list[str]) -> list[InboundEmail]:
    """Emails received in the lead's threads or conversations."""
    conditions = []
    if thread_ids:
        conditions.append(InboundEmail.thread_id.in_(thread_ids))
    if conversation_ids:
        conditions.append(InboundEmail.conversation_id.in_(conversation_ids))
    if not conditions:
        return []
    return list(await session.scalars(select(InboundEmail).where(or_(*conditions))))


def _addresses(lead: models.Lead | None, threads: Iterable[EmailThread], received: Iterable[InboundEmail]) -> set[str]:
    """Every address the person used: the lead's, the threads', the senders of their answers."""
    found = [lead.email if lead else None, *(t.address for t in threads)]
    found += [r.from_address for r in received if r.status == "processed"]  # not a bounce's mailer daemon
    return {a.strip().lower() for a in found if a and a.strip()}


async def _stray_from(session: AsyncSession, addresses: set[str]) -> list[int]:
    """Ids of emails in no thread that came from or mention the person's addresses (unthreaded, rejected, bounces).

    Read a batch at a time: unthreaded mail (spam, mostly) is kept until retention purges it.
    """
    if not addresses:
        return []
    candidates = list(await session.scalars(
        select(InboundEmail.id).where(and_(InboundEmail.thread_id.is_(None), InboundEmail.conversation_id.is_(None)))
    ))  # fmt: skip
    needles = [a.encode("utf-8") for a in addresses]
    stray = []
    for first in range(0, len(candidates), _BATCH):
        rows = await session.execute(
            select(InboundEmail.id, InboundEmail.from_address, InboundEmail.envelope_from, InboundEmail.raw).where(
                InboundEmail.id.in_(candidates[first : first + _BATCH])
            )
        )
        for row_id, sender, envelope, raw in rows:
            senders = {(sender or "").lower(), (envelope or "").lower()}
            if senders & addresses or (raw and any(n in raw.lower() for n in needles)):
                stray.append(row_id)
    return stray


async def _hash_suppression(session: AsyncSession, address: str) -> None:
    """Keep the address suppressed under its digest; the stronger status (opted out) wins."""
    row = await session.get(EmailAddressStatus, address)
    if row is None:
        return
    key = erased_address_key(address)
    hashed = await session.get(EmailAddressStatus, key)
    if hashed is None:
        session.add(EmailAddressStatus(address=key, status=row.status, reason=f"{row.status}; the person's data was erased",
                                       updated_at=row.updated_at))
    elif hashed.status != "opted_out":
        hashed.status = row.status
    await session.delete(row)
    await session.flush()


def _received_json(row: InboundEmail) -> dict[str, Any]:
    email = parse(row.raw) if row.raw else None
    return {
        "from": row.from_address,
        "subject": row.subject,
        "text": email.body if email else None,
        "date": iso(email.date) if email else None,
        "status": row.status,
        "reason": row.reason,
        "received_at": iso(row.received_at),
    }

