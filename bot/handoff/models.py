"""Tables of the handoff: the delivery outbox, lead assignments, round-robin counters and score explanations."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base, new_id, utcnow

DELIVERY_KINDS = ("webhook", "slack", "email")
DELIVERY_STATUSES = ("pending", "delivered", "dead")


class Delivery(Base):
    """One notification to one destination, stored in the transaction that caused it, sent by the worker.

    ``idempotency_key`` is the same on every attempt of this row (the webhook ``Idempotency-Key``
    header, the payload ``id``, the email ``Message-ID``). A worker claims a row by setting
    ``claimed_until``; a claim that outlives a crashed worker simply expires.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # webhook | slack | email
    target: Mapped[str] = mapped_column(String(2000))  # URL, "slack" or the rep's email address
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()

    def public_target(self) -> str:
        """Where the row goes, fit for logs and the API: a URL without user info or query string."""
        if self.kind != "webhook":
            return self.target
        parts = urlsplit(self.target)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class LeadAssignment(Base):
    """Who a lead was given to, which team, why, and the rep's meeting link; the newest row is current."""

    __tablename__ = "lead_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str | None] = mapped_column(String(320))
    team: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    rep_name: Mapped[str | None] = mapped_column(String(200))
    meeting_link: Mapped[str | None] = mapped_column(String(2000))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoutingCounter(Base):
    """The round-robin position of a team, updated under a row lock in the assigning transaction."""

    __tablename__ = "routing_counters"

    team: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class LeadScoreRecord(Base):
    """A lead's current score and the parts that explain it (``bot.qualify.scoring.LeadScore``)."""

    __tablename__ = "lead_scores"

    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    parts: Mapped[list[Any]] = mapped_column(default=list)
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)
