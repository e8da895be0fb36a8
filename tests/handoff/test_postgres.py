"""The PostgreSQL paths: migrations, claims with SKIP LOCKED, the round-robin counter under a row lock, delivery."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.session import create_engine, create_sessionmaker
from bot.handoff.models import Delivery
from bot.handoff.outbox import OutboxWorker, claim, default_senders, enqueue
from bot.qualify.routing import load_routing
from tests.handoff.factories import add_lead, route_concurrently
from tests.support.postgres import PostgresCluster
from tests.support.receiver import WebhookReceiver

SECRET = "whsec_pg"


@pytest.fixture
def settings(pg_cluster: PostgresCluster) -> Settings:
    url = asyncio.run(pg_cluster.new_database())
    settings = Settings(database_url=url, webhook_urls=["http://127.0.0.1:9/"], webhook_secret=SECRET)
    upgrade(settings)
    return settings


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def add_deliveries(db: async_sessionmaker[AsyncSession], url: str, count: int) -> set[str]:
    now = datetime.now(UTC)
    async with db() as session:
        lead = await add_lead(session)
        rows = [
            enqueue(session, lead_id=lead.id, kind="webhook", target=url, event="lead.updated",
                    payload={"event": "lead.updated"}, now=now)  # fmt: skip
            for _ in range(count)
        ]
        await session.commit()
    return {r.id for r in rows}


async def test_concurrent_claims_skip_each_others_rows(db: async_sessionmaker[AsyncSession]) -> None:
    ids = await add_deliveries(db, "http://127.0.0.1:9/", 12)
    now = datetime.now(UTC)

    async def grab(worker: str) -> list[str]:
        async with db() as session:
            return [r.id for r in await claim(session, worker_id=worker, now=now, lease=30, limit=4)]

    batches = await asyncio.gather(*(grab(f"w{i}") for i in range(3)))
    claimed = [i for batch in batches for i in batch]
    assert len(claimed) == len(set(claimed)) == 12 and set(claimed) == ids, batches


async def test_concurrent_assignments_share_the_round_robin_exactly(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    rules = load_routing(settings.policy_dir / "routing.yaml")
    owners, counter = await route_concurrently(db, rules, country="CA", count=10)
    assert counter == 10
    assert Counter(owners) == {"ana@example.com": 5, "ben@example.com": 5}


async def test_the_worker_delivers_from_postgres(settings: Settings, db: async_sessionmaker[AsyncSession]) -> None:
    with WebhookReceiver(secret=SECRET.encode()) as receiver:
        ids = await add_deliveries(db, receiver.url(), 3)
        async with httpx.AsyncClient() as client:
            worker = OutboxWorker(settings, db, senders=default_senders(settings, client))
            assert await worker.run_once() == 3
    async with db() as session:
        rows = [await session.get(Delivery, i) for i in ids]
    assert all(r is not None and r.status == "delivered" for r in rows)
    assert sorted(r.key or "" for r in receiver.accepted()) == sorted(r.idempotency_key for r in rows if r)
