"""The transactional outbox: deliveries stored with the change that caused them, sent by a worker.

:func:`enqueue` adds a row in the caller's transaction (nothing is sent if it rolls back).
:class:`OutboxWorker` claims due rows with a lease (``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a conditional ``UPDATE`` everywhere), sends them, and records the attempt: delivered,
retried later with exponential backoff and jitter, or dead after ``outbox_max_attempts``. All
state is in the database, so deliveries survive restarts; a crashed worker's claim expires
after ``outbox_lease_seconds`` and another attempt is made with the same idempotency key
(at-least-once delivery).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.handoff.models import Delivery
from bot.handoff.senders import Attempt, EmailSender, Sender, SlackSender, WebhookSender
from bot.handoff.webhooks import backoff_delay

log = logging.getLogger(__name__)


def new_idempotency_key() -> str:
    """A fresh key for one delivery row; every attempt of the row sends it."""
    return "evt_" + uuid.uuid4().hex


def enqueue(
    session: AsyncSession,
    *,
    lead_id: str,
    kind: str,
    target: str,
    event: str,
    payload: Mapping[str, Any],
    now: datetime,
    idempotency_key: str | None = None,
) -> Delivery:
    """Add a pending delivery to ``session`` (the caller commits it with its own change)."""
    row = Delivery(
        idempotency_key=idempotency_key or new_idempotency_key(),
        lead_id=lead_id,
        kind=kind,
        target=target,
        event=event,
        payload=dict(payload),
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    return row


async def claim(
    session: AsyncSession, *, worker_id: str, now: datetime, lease: float, limit: int
) -> list[Delivery]:
    """Claim up to ``limit`` due rows for ``worker_id`` until ``now + lease``; commits."""
    due = (
        select(Delivery.id)
        .where(
            Delivery.status == "pending",
            Delivery.next_attempt_at <= now,
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .order_by(Delivery.next_attempt_at, Delivery.created_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(await session.scalars(due))
    until = now + timedelta(seconds=lease)
    claimed: list[str] = []
    for delivery_id in ids:
        # Conditional, so two workers racing (SQLite has no SKIP LOCKED) never both win a row.
        result = await session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status == "pending",
                or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
            )
            .values(claimed_by=worker_id, claimed_until=until)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(delivery_id)
    await session.commit()
    if not claimed:
        return []
    rows = await session.scalars(select(Delivery).where(Delivery.id.in_(claimed)).execution_options(populate_existing=True))
    return sorted(rows, key=lambda r: claimed.index(r.id))


def next_delay(attempts: int, attempt: Attempt, settings: Settings, jitter: float) -> float:
    """Seconds until the next try after ``attempts`` failed attempts (a Retry-After is respected, capped)."""
    delay = backoff_delay(
        attempts, base=settings.outbox_backoff_base_seconds, cap=settings.outbox_backoff_cap_seconds, jitter=jitter
    )
    if attempt.retry_after is not None:
        delay = max(delay, min(attempt.retry_after, settings.outbox_backoff_cap_seconds))
    return delay


async def record(
    session: AsyncSession,
    delivery_id: str,
    attempt: Attempt,
    *,
    worker_id: str,
    now: datetime,
    settings: Settings,
    jitter: float,
) -> Delivery | None:
    """Store the outcome of one attempt; None when the claim was lost (another worker owns the row now)."""
    row = await session.get(Delivery, delivery_id, with_for_update=True, populate_existing=True)
    if row is None or row.claimed_by != worker_id or row.status != "pending":
        return None
    row.attempts += 1
    row.last_status_code = attempt.status_code
    row.updated_at = now
    row.claimed_by = None
    row.claimed_until = None
    if attempt.ok:
        row.status, row.delivered_at, row.last_error = "delivered", now, None
    else:
        row.last_error = attempt.error or "failed"
        if attempt.permanent or row.attempts >= settings.outbox_max_attempts:
            row.status = "dead"
        else:
            row.next_attempt_at = now + timedelta(seconds=next_delay(row.attempts, attempt, settings, jitter))
    await session.commit()
    return row


def default_senders(settings: Settings, client: httpx.AsyncClient) -> dict[str, Sender]:
    """A sender per delivery kind, from settings."""
    secret = settings.webhook_secret.get_secret_value().encode() if settings.webhook_secret else b""
    slack = settings.slack_webhook_url.get_secret_value() if settings.slack_webhook_url else None
    return {"webhook": WebhookSender(client, secret), "slack": SlackSender(client, slack), "email": EmailSender(settings)}


class OutboxWorker:
    """Delivers due rows in the background of the server; several workers (processes) may share one outbox."""

    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        senders: Mapping[str, Sender] | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.rng = rng or random.Random()
        self.clock = clock
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._client: httpx.AsyncClient | None = None
        self._senders = dict(senders) if senders is not None else None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = False
        self._pruned_at: datetime | None = None

    def wake(self) -> None:
        """Look for due rows now rather than at the next poll (called after an enqueue commits)."""
        self._wake.set()

    async def start(self) -> None:
        """Start delivering in a background task."""
        if self._senders is None:
            self._client = httpx.AsyncClient(timeout=self.settings.webhook_timeout_seconds, follow_redirects=False)
            self._senders = default_senders(self.settings, self._client)
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="qualbot-outbox")

    async def stop(self, grace: float = 5.0) -> None:
        """Stop; attempts in flight get ``grace`` seconds, then their claims are released for the next start."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), grace)
            except (TimeoutError, asyncio.TimeoutError):
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self._task
                await self._release()
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def run_once(self) -> int:
        """Claim and attempt every due row (one batch); returns how many were attempted."""
        assert self._senders is not None, "start() the worker or pass senders"
        async with self.sessionmaker() as session:
            rows = await claim(
                session,
                worker_id=self.worker_id,
                now=self.clock(),
                lease=self.settings.outbox_lease_seconds,
                limit=self.settings.outbox_batch_size,
            )
        await asyncio.gather(*(self._attempt(row) for row in rows))
        return len(rows)

    async def prune(self, now: datetime) -> int:
        """Delete finished deliveries older than ``outbox_retention_days``; returns how many."""
        days = self.settings.outbox_retention_days
        if days <= 0:
            return 0
        async with self.sessionmaker() as session:
            result = await session.execute(
                delete(Delivery).where(
                    Delivery.status.in_(("delivered", "dead")), Delivery.updated_at < now - timedelta(days=days)
                )
            )
            await session.commit()
        self._pruned_at = now
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    async def _attempt(self, row: Delivery) -> None:
        sender = self._senders.get(row.kind) if self._senders else None
        now = self.clock()
        if sender is None:
            attempt = Attempt(False, error=f"no sender for kind {row.kind!r}", permanent=True)
        else:
            try:
                attempt = await sender.send(row, now)
            except Exception as exc:  # a bug in a sender must not stop the worker; it is recorded on the row
                log.exception("delivery %s failed unexpectedly", row.id)
                attempt = Attempt(False, error=f"{type(exc).__name__}: {exc}")
        async with self.sessionmaker() as session:
            stored = await record(
                session,
                row.id,
                attempt,
                worker_id=self.worker_id,
                now=self.clock(),
                settings=self.settings,
                jitter=self.rng.random(),
            )
        if stored is not None and stored.status != "delivered":
            log.warning(
                "delivery %s (%s to %s) attempt %d failed: %s; %s",
                row.id, row.kind, row.public_target(), stored.attempts, stored.last_error,
                "giving up" if stored.status == "dead" else f"next at {stored.next_attempt_at.isoformat()}",
            )  # fmt: skip

    async def _run(self) -> None:
        while not self._stopping:
            attempted = 0
            try:
                attempted = await self.run_once()
                now = self.clock()
                if self._pruned_at is None or now - self._pruned_at > timedelta(hours=1):
                    await self.prune(now)
            except Exception:  # the database may be briefly away; try again at the next poll
                log.exception("the outbox worker failed to claim or prune deliveries")
            if self._stopping:
                return
            if attempted < self.settings.outbox_batch_size:
                with contextlib.suppress(TimeoutError, asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.outbox_poll_seconds)
                self._wake.clear()

    async def _release(self) -> None:
        with contextlib.suppress(Exception):
            async with self.sessionmaker() as session:
                await session.execute(
                    update(Delivery)
                    .where(Delivery.claimed_by == self.worker_id, Delivery.status == "pending")
                    .values(claimed_by=None, claimed_until=None)
                )
                await session.commit()
