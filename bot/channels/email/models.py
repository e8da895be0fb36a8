"""Tables of the email channel: threads, the outgoing queue, every inbound email, address status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base, new_id, utcnow


class EmailThread(Base):
    """The email side of one conversation: the prospect's address, the reply token, follow-up state.

    ``reply_token`` is the routing part of the Reply-To address (``reply+TOKEN@domain``); it is
    printed in every email we send, so it is stored as is. ``variables`` are the per-lead template
    variables given at outreach (name, company, downloaded).
    """

    __tablename__ = "email_threads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    conversation_id: Mapped[str] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), unique=True
    )
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    reply_token: Mapped[str] = mapped_column(String(64), unique=True)
    subject: Mapped[str] = mapped_column(String(500))
    variables: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | closed | stopped
    followups_sent: Mapped[int] = mapped_column(Integer, default=0)
    next_followup_at: Mapped[datetime | None] = mapped_column(index=True)
    last_outbound_at: Mapped[datetime | None] = mapped_column()
    last_inbound_at: Mapped[datetime | None] = mapped_column()
    agent_cursor: Mapped[int] = mapped_column(Integer, default=0)  # the last person's message emailed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutgoingEmail(Base):
    """One email waiting to be sent, sent, or given up on: the durable outbox the sender drains.

    ``raw`` is the complete RFC 822 message built at enqueue time, so a retry sends the same
    bytes with the same Message-ID.
    """

    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    thread_id: Mapped[str] = mapped_column(ForeignKey("email_threads.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # first | reply | followup | closing | agent
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    envelope_from: Mapped[str] = mapped_column(String(320))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | sending | sent | failed | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class InboundEmail(Base):
    """Every email received, whatever became of it, with the reason when it was not an answer.

    ``status``: received (being processed) | processed | auto_reply | bounce | duplicate |
    rejected | unthreaded. ``dedupe_key`` is the Message-ID (or a digest of the bytes when there
    is none); ``raw`` keeps the message (up to the size limit) for inspection.
    """

    __tablename__ = "email_inbound"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dedupe_key: Mapped[str] = mapped_column(String(300), index=True)
    message_id: Mapped[str | None] = mapped_column(String(300))
    via: Mapped[str] = mapped_column(String(20))  # smtp | webhook
    envelope_from: Mapped[str | None] = mapped_column(String(320))
    from_address: Mapped[str | None] = mapped_column(String(320))
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str | None] = mapped_column(String(500))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="received", index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    thread_id: Mapped[str | None] = mapped_column(ForeignKey("email_threads.id", ondelete="SET NULL"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"))
    message_row_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailAddressStatus(Base):
    """An address we must not email: opted out or undeliverable (bounced), and why.

    Keyed by the lower-cased address: a lead whose address changes is emailable again.
    """

    __tablename__ = "email_suppressions"

    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # opted_out | undeliverable
    reason: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
