"""Tables of the SDR console: users, login sessions, the audit trail of corrections, lead outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models import Base, new_id, utcnow

ROLES = ("admin", "sdr")
OUTCOMES = ("won", "lost", "bad_fit")


class ConsoleUser(Base):
    """A person who signs in to the console; the password is stored only as an argon2 hash."""

    __tablename__ = "console_users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin | sdr
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()
    disabled_at: Mapped[datetime | None] = mapped_column()


class ConsoleSession(Base):
    """A signed-in browser: the cookie's token is stored only as a SHA-256 hash, with its CSRF token."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("console_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class Correction(Base):
    """One change an SDR made to a lead (a fact, the stage, the owner, the outcome): who, when, old and new."""

    __tablename__ = "console_corrections"
    __table_args__ = (Index("ix_console_corrections_lead", "lead_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    user_email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(20))  # fact | stage | owner | outcome
    field: Mapped[str | None] = mapped_column(String(50))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LeadOutcome(Base):
    """How a lead ended for sales (won, lost, bad fit) and the stage it had then; feeds the analytics."""

    __tablename__ = "lead_outcomes"

    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(20))
    decided_by: Mapped[str] = mapped_column(String(320))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
