"""The outbox against a real database (SQLite, or PostgreSQL in its pass) and a real HTTP receiver: claims, leases, retries, giving up."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.handoff.models import Delivery
from bot.handoff.outbox import OutboxWorker, claim, default_senders, enqueue, next_delay, record
from bot.handoff.senders import Attempt
from tests.handoff.factories import add_lead
from tests.support.appserver import migrated_settings
from tests.support.receiver import WebhookReceiver

SECRET = "whsec_outbox"
T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand, starting at the real time (receivers check signature times)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return migrated_settings(
        database_url,
        tmp_path,
        webhook_urls=["http://127.0.0.1:9/unused"],
        webhook_secret=SECRET,
        outbox_max_attempts=3,
        outbox_backoff_base_seconds=10,
        outbox_backoff_cap_seconds=60,
        outbox_lease_seconds=30,
    )



async def pending(db: async_sessionmaker[AsyncSession], url: str, count: int = 1) -> list[str]:
    async with db() as session:
        lead = await add_lead(session, name="Zoë")
        rows = [
            enqueue(session, lead_id=lead.id, kind="webhook", target=url, event="lead.updated",
                    payload={"id": f"k{i}", "event": "lead.updated"}, now=T0)  # fmt: skip
            for i in range(count)
        ]
        await session.commit()
        return [r.id for r in rows]


async def load(db: async_sessionmaker[AsyncSession], delivery_id: str) -> Delivery:
    async with db() as session:
        row = await session.get(Delivery, delivery_id)
        assert row is not None
        return row


async def test_failures_back_off_then_the_delivery_dies_with_its_last_error(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    with WebhookReceiver(secret=SECRET.encode()) as receiver:
        receiver.fail(100, status=503)
        (delivery_id,) = await pending(db, receiver.url())
        clock = Clock()
        async with httpx.AsyncClient() as client:
            worker = OutboxWorker(settings, db, senders=default_senders(settings, client), rng=random.Random(7), clock=clock)
            waits = []
            for attempt in range(1, 4):
                assert await worker.run_once() == 1
                row = await load(db, delivery_id)
                assert row.attempts == attempt and row.last_status_code == 503 and "503" in (row.last_error or "")
                if attempt < 3:
                    assert row.status == "pending" and row.claimed_by is None
                    wait = (row.next_attempt_at - clock.now).total_seconds()
                    base = 10 * 2 ** (attempt - 1)
                    assert base / 2 <= wait <= base, "equal jitter: half fixed, half random"
                    waits.append(wait)
                    clock.advance(wait - 0.5)
                    assert await worker.run_once() == 0, "not due yet"
                    clock.advance(0.5)
            assert waits[1] > waits[0]
    assert row.status == "dead" and row.delivered_at is None
    assert len(receiver.requests) == 3 and {r.key for r in receiver.requests} == {row.idempotency_key}
    assert all(r.verified for r in receiver.requests)


async def test_receiver_down_is_retried_and_delivered_once_it_is_back(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    receiver = WebhookReceiver(secret=SECRET.encode())
    (delivery_id,) = await pending(db, receiver.url())
    clock = Clock()
    async with httpx.AsyncClient() as client:
        worker = OutboxWorker(settings, db, senders=default_senders(settings, client), clock=clock)
        assert await worker.run_once() == 1
        row = await load(db, delivery_id)
        assert row.status == "pending" and row.last_status_code is None and "ConnectError" in (row.last_error or "")
        with receiver:
            clock.advance(60)
            assert await worker.run_once() == 1
    row = await load(db, delivery_id)
    assert row.status == "delivered" and row.attempts == 2 and row.last_status_code == 200 and row.last_error is None
    assert [r.key for r in receiver.accepted()] == [row.idempotency_key]


async def test_a_crashed_workers_claim_expires_and_its_late_result_is_ignored(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    (delivery_id,) = await pending(db, "http://127.0.0.1:9/")
    async with db() as session:
        first = await claim(session, worker_id="crashed", now=T0, lease=30, limit=10)
    assert [r.id for r in first] == [delivery_id]
    async with db() as session:
        assert await claim(session, worker_id="other", now=T0 + timedelta(seconds=29), lease=30, limit=10) == []
    later = T0 + timedelta(seconds=31)
    async with db() as session:
        second = await claim(session, worker_id="other", now=later, lease=30, limit=10)
    assert [r.id for r in second] == [delivery_id]
    async with db() as session:
        late = await record(session, delivery_id, Attempt(True, 200), worker_id="crashed", now=later, settings=settings, jitter=0)
    assert late is None, "a worker whose lease expired may not record"
    async with db() as session:
        done = await record(session, delivery_id, Attempt(True, 204), worker_id="other", now=later, settings=settings, jitter=0)
    assert done is not None and done.status == "delivered" and done.last_status_code == 204


async def test_workers_racing_never_claim_the_same_row(settings: Settings, db: async_sessionmaker[AsyncSession]) -> None:
    ids = await pending(db, "http://127.0.0.1:9/", count=12)

    async def grab(worker: str) -> list[str]:
        async with db() as session:
            return [r.id for r in await claim(session, worker_id=worker, now=T0, lease=30, limit=8)]

    claimed: list[str] = []
    for attempt in range(4):
        results = await asyncio.gather(*(grab(f"w{i}") for i in range(3)))
        claimed += [i for batch in results for i in batch]
        if attempt == 0 and settings.database_url.startswith("postgresql"):
            # SKIP LOCKED: each worker passes over rows another one holds and takes the next ones.
            assert len(claimed) == 12, results
    assert len(claimed) == len(set(claimed)), "a row was claimed twice"
    assert set(claimed) == set(ids)


async def test_permanent_failure_dies_at_once_and_retry_after_is_respected(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    (delivery_id,) = await pending(db, "http://127.0.0.1:9/")
    async with db() as session:
        await claim(session, worker_id="w", now=T0, lease=30, limit=1)
    async with db() as session:
        row = await record(session, delivery_id, Attempt(False, 550, "SMTP 550: no such user", permanent=True),
                           worker_id="w", now=T0, settings=settings, jitter=0.5)  # fmt: skip
    assert row is not None and row.status == "dead" and row.attempts == 1 and row.last_error == "SMTP 550: no such user"
    assert next_delay(1, Attempt(False, 429, retry_after=45), settings, jitter=0) == 45
    assert next_delay(1, Attempt(False, 429, retry_after=10_000), settings, jitter=0) == 60, "capped"
    assert next_delay(1, Attempt(False, 429, retry_after=1), settings, jitter=0) == 5, "never sooner than backoff"


async def test_finished_deliveries_past_retention_are_pruned_pending_ones_never(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    old, recent, waiting = await pending(db, "http://127.0.0.1:9/", count=3)
    async with db() as session:
        for delivery_id, status, age in ((old, "delivered", 91), (recent, "dead", 89), (waiting, "pending", 400)):
            row = await session.get(Delivery, delivery_id)
            assert row is not None
            row.status, row.updated_at = status, T0 - timedelta(days=age)
        await session.commit()
    worker = OutboxWorker(settings, db, senders={})
    assert await worker.prune(T0) == 1
    async with db() as session:
        left = {r.id for r in await session.scalars(select(Delivery))}
    assert left == {recent, waiting}
