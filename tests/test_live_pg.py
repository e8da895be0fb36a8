"""The PostgreSQL live-event bus: events reach another process's subscribers in order, in few NOTIFYs."""

from __future__ import annotations

import asyncio
import json

import asyncpg
import pytest

from bot.live_pg import CHANNEL, PostgresBus, asyncpg_dsn

pytestmark = pytest.mark.postgres_only


async def test_a_burst_of_events_arrives_in_order_and_shares_notifies(database_url: str) -> None:
    publisher, receiver = PostgresBus(database_url), PostgresBus(database_url)
    raw = await asyncpg.connect(asyncpg_dsn(database_url))
    payloads: list[str] = []
    await raw.add_listener(CHANNEL, lambda *args: payloads.append(args[-1]))
    await publisher.start()
    await receiver.start()
    try:
        got: list[int] = []
        async with receiver.subscribe("conv-1") as events:
            # 200 turns publishing at once, as under load; none waits for PostgreSQL
            await asyncio.gather(*(publisher.publish_many([("conv-1", {"n": n})]) for n in range(200)))
            async with asyncio.timeout(10):
                async for event in events:
                    got.append(event["n"])
                    if len(got) == 200:
                        break
        assert got == list(range(200))
        async with asyncio.timeout(5):  # the raw listener's connection may hear them a moment later
            while sum(len(json.loads(p)) for p in payloads) < 200:
                await asyncio.sleep(0.01)
        assert 1 <= len(payloads) < 50  # coalesced: far fewer NOTIFYs than events
    finally:
        await publisher.stop()
        await receiver.stop()
        await raw.close()


async def test_an_event_too_large_for_notify_is_dropped_and_the_rest_still_go(database_url: str) -> None:
    bus = PostgresBus(database_url)
    await bus.start()
    try:
        async with bus.subscribe("conv-2") as events:
            await bus.publish_many([("conv-2", {"text": "x" * 9000}), ("conv-2", {"text": "small"})])
            async with asyncio.timeout(10):
                first = await anext(events)
        assert first == {"text": "small"}
    finally:
        await bus.stop()
