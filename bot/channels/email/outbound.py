"""Sending email: address validation, reply addresses, MIME building, and the durable outbox.

Every email is first a row of ``email_outbox`` (built completely, Message-ID included); the
sender drains due rows over SMTP (aiosmtplib) and retries with backoff when the relay fails, so
an SMTP outage delays mail but loses none. An address that opted out or bounced is checked again
right before sending.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.headerregistry import Address
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import aiosmtplib
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.email.models import EmailAddressStatus, EmailThread, OutgoingEmail
from bot.channels.email.render import Rendered
from bot.config import Settings
from bot.errors import QualbotError

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"^reply\+([a-z0-9]{8,64})@(.+)$", re.I)


class InvalidEmail(QualbotError):
    """An email address that cannot receive mail (syntax); the message says why."""

    code = "invalid_email"
    http_status = 422


class EmailSuppressed(QualbotError):
    """An address that opted out or bounced: qualbot will not email it."""

    code = "email_suppressed"
    http_status = 409

    def __init__(self, message: str, status: str) -> None:
        super().__init__(message)
        self.code = f"email_{status}"  # email_opted_out | email_undeliverable


class EmailConversationActive(QualbotError):
    """Outreach to an address that already has an email conversation waiting for answers."""

    code = "email_conversation_active"
    http_status = 409


def normalize_address(address: str) -> str:
    """The address in canonical form (lower-cased), or :class:`InvalidEmail` with the reason."""
    try:
        result = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(f"{address!r} is not a valid email address: {exc}") from None
    return result.normalized.lower()


def reply_address(token: str, domain: str) -> str:
    """The per-conversation Reply-To address, ``reply+TOKEN@domain``."""
    return f"reply+{token}@{domain}"


def token_in(address: str, domain: str) -> str | None:
    """The reply token of a ``reply+TOKEN@domain`` address, else None."""
    m = _TOKEN.match(address.strip().strip("<>"))
    if m is None or m.group(2).lower() != domain.lower():
        return None
    return m.group(1).lower()


def new_message_id(domain: str) -> str:
    """A fresh globally unique Message-ID under our reply domain."""
    return f"<{uuid.uuid4().hex}@{domain}>"


def unsubscribe_url(settings: Settings, token: str) -> str:
    """The one-click unsubscribe link of a thread (``POST`` unsubscribes; ``GET`` shows a confirm page)."""
    return f"{settings.effective_public_url()}/email/unsubscribe/{token}"


def sender_name(settings: Settings) -> str:
    """Who signs the emails: ``QUALBOT_EMAIL_SENDER_NAME`` or the display name of ``QUALBOT_EMAIL_FROM``."""
    name, address = parseaddr(settings.email_from)
    return settings.email_sender_name or name or address


def build_message(
    *,
    settings: Settings,
    to: str,
    rendered: Rendered,
    message_id: str,
    reply_to: str,
    date: datetime,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
) -> bytes:
    """The RFC 822 bytes of one outgoing email (plain text with an HTML alternative)."""
    msg = EmailMessage()
    msg["From"] = settings.email_from
    msg["To"] = to
    msg["Subject"] = rendered.subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["Reply-To"] = str(Address(addr_spec=reply_to))
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    token = token_in(reply_to, settings.reply_domain)
    msg["List-Unsubscribe"] = f"<mailto:{reply_to}?subject=unsubscribe>, <{unsubscribe_url(settings, token or '')}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058: mail clients POST the link
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg.as_bytes(policy=policy.SMTP)


def erased_address_key(address: str) -> str:
    """The suppression key of an address whose owner had their data erased: a digest, not the address."""
    return "sha256:" + hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()


async def suppression(session: AsyncSession, address: str) -> EmailAddressStatus | None:
    """The opt-out or bounce recorded for ``address`` (as is, or as a digest after an erasure), if any."""
    address = address.lower()
    return await session.get(EmailAddressStatus, address) or await session.get(EmailAddressStatus, erased_address_key(address))


async def suppress(session: AsyncSession, address: str, status: str, reason: str, now: datetime) -> None:
    """Record that ``address`` must not be emailed; cancel what is queued for it and stop its threads."""
    address = address.lower()
    row = await session.get(EmailAddressStatus, address)
    if row is None:
        session.add(EmailAddressStatus(address=address, status=status, reason=reason, updated_at=now))
    elif row.status != "opted_out":  # an opt-out is the stronger statement; keep it
        row.status, row.reason, row.updated_at = status, reason, now
    threads = list(await session.scalars(select(EmailThread).where(EmailThread.address == address)))
    for thread in threads:
        thread.status = "stopped"
        thread.next_followup_at = None
    if threads:
        await session.execute(
            update(OutgoingEmail)
            .where(OutgoingEmail.thread_id.in_([t.id for t in threads]), OutgoingEmail.status == "queued")
            .values(status="cancelled", last_error=f"address {status}")
        )


class SmtpSender:
    """Hands finished messages to the configured relay over SMTP."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, raw: bytes, envelope_from: str, to: str) -> None:
        """Send one message; raises ``aiosmtplib.SMTPException`` or ``OSError`` on failure."""
        s = self.settings
        await aiosmtplib.send(
            raw,
            sender=envelope_from,
            recipients=[to],
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_username,
            password=s.smtp_password.get_secret_value() if s.smtp_password else None,
            use_tls=s.smtp_security == "tls",
            start_tls=True if s.smtp_security == "starttls" else False,
            timeout=s.smtp_timeout_seconds,
        )


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """Backoff before attempt ``attempts + 1``: doubling from the base, capped at an hour."""
    return timedelta(seconds=min(3600.0, settings.email_retry_base_seconds * 2 ** max(0, attempts - 1)))


_CLAIMABLE = ("queued", "sending")  # "sending" only once its claim expired (next_attempt_at passed)


def claim_lease(settings: Settings) -> timedelta:
    """How long a claimed email is left to its sender before another worker may take it (a crash)."""
    return timedelta(seconds=max(60.0, 3 * settings.smtp_timeout_seconds))


async def drain_outbox(
    sessionmaker: async_sessionmaker[AsyncSession], sender: SmtpSender, settings: Settings, now: datetime, limit: int = 50
) -> int:
    """Send the due queued emails; returns how many were sent. Failures are rescheduled, never lost.

    Several workers may drain the same outbox (server processes; ``qualbot email send`` next to
    a server, also on SQLite): each email is claimed by one conditional UPDATE (``queued`` to
    ``sending``, committed before talking SMTP), so exactly one of them sends it. A claim whose
    worker died expires after :func:`claim_lease` and the email is sent by another.
    """
    if not settings.smtp_host:
        return 0
    async with sessionmaker() as session:
        rows = list(await session.scalars(
            select(OutgoingEmail)
            .where(OutgoingEmail.status.in_(_CLAIMABLE), OutgoingEmail.next_attempt_at <= now)
            .order_by(OutgoingEmail.next_attempt_at, OutgoingEmail.id)
            .limit(limit)
        ))
    sent = 0
    for row in rows:
        async with sessionmaker() as session:
            blocked = await suppression(session, row.to_address)
            if blocked is not None:  # unless another worker is sending it right now
                await session.execute(
                    update(OutgoingEmail)
                    .where(OutgoingEmail.id == row.id, OutgoingEmail.status.in_(_CLAIMABLE), OutgoingEmail.next_attempt_at <= now)
                    .values(status="cancelled", last_error=f"address {blocked.status}")
                )
                await session.commit()
                continue
        current = await claim_email(sessionmaker, row.id, now, claim_lease(settings))
        if current is None:
            continue  # another worker has it
        try:
            await sender.send(current.raw, current.envelope_from, current.to_address)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            async with sessionmaker() as session:
                if current.attempts >= settings.email_send_retries:
                    log.error("giving up on email %s to %s: %s", current.id, current.to_address, error)
                    await _finish(session, current.id, ("sending",), status="failed", last_error=error)
                else:
                    log.warning("email %s not sent (attempt %d), retrying: %s", current.id, current.attempts, exc)
                    await _finish(session, current.id, ("sending",), status="queued", last_error=error,
                                  next_attempt_at=now + retry_delay(settings, current.attempts))
            if isinstance(exc, (OSError, TimeoutError, aiosmtplib.SMTPConnectError)):
                break  # the relay is down: the rest waits for the next round
            continue
        async with sessionmaker() as session:
            await _finish(session, current.id, ("sending",), status="sent", sent_at=now, last_error=None)
        sent += 1
    return sent


async def claim_email(
    sessionmaker: async_sessionmaker[AsyncSession], row_id: int, now: datetime, lease: timedelta
) -> OutgoingEmail | None:
    """Take one due email for sending (committed at once), or None when another worker took it first."""
    async with sessionmaker() as session:
        claimed = await session.execute(
            update(OutgoingEmail)
            .where(OutgoingEmail.id == row_id, OutgoingEmail.status.in_(_CLAIMABLE), OutgoingEmail.next_attempt_at <= now)
            .values(status="sending", attempts=OutgoingEmail.attempts + 1, next_attempt_at=now + lease)
        )
        if claimed.rowcount != 1:
            await session.rollback()
            return None
        row = await session.get(OutgoingEmail, row_id)
        await session.commit()
        return row


async def _finish(session: AsyncSession, row_id: int, only_if: tuple[str, ...], **values: object) -> None:
    """Record what became of an email, unless it changed meanwhile (erased, or claimed by another)."""
    await session.execute(update(OutgoingEmail).where(OutgoingEmail.id == row_id, OutgoingEmail.status.in_(only_if)).values(**values))
    await session.commit()
