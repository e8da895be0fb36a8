"""Two email workers (the real scheduler, each with its own app and engine, as two server
processes run them) drain one outbox: every email reaches the relay exactly once; a claim left
by a worker that died is taken again after its lease.

The ``database_url`` fixture runs it on SQLite and, in the PostgreSQL pass, on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import create_app
from bot.channels.email.channel import OutreachResult
from bot.channels.email.models import EmailThread, OutgoingEmail
from bot.channels.email.outbound import claim_email, claim_lease
from bot.config import Settings
from bot.db.session import create_engine, create_sessionmaker
from tests.channels.email.conftest import Stack
from tests.channels.email.support import REPLY_DOMAIN
from tests.support.appserver import migrated_settings
from tests.support.server import free_port

EMAILS = 24
WORKERS = 2


class CountingRelay:
    """An SMTP relay that is a little slow (as real ones are) and counts each Message-ID it is given."""

    def __init__(self) -> None:
        self.received: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        await asyncio.sleep(0.02)  # widens the window in which another worker could pick the same row
        message_id = next(line.split(b":", 1)[1].strip().decode() for line in envelope.content.splitlines()
                          if line.lower().startswith(b"message-id:"))
        with self.lock:
            self.received[message_id] += 1
        return "250 OK"


@pytest.fixture
def counting_relay() -> Iterator[tuple[CountingRelay, int]]:
    handler = CountingRelay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, counting_relay: tuple[CountingRelay, int]) -> Settings:
    return migrated_settings(
        database_url, tmp_path, smtp_host="127.0.0.1", smtp_port=counting_relay[1], smtp_security="none",
        email_from="Sales <sales@vendor.test>", reply_domain=REPLY_DOMAIN,
    )  # fmt: skip


async def _queue(settings: Settings, count: int) -> list[OutreachResult]:
    """``count`` outreach emails, queued and due."""
    app = create_app(settings)
    channel = app.state.email.channel
    try:
        return [await channel.outreach(email=f"lead{i}@prospect{i}.example", name=f"Lead {i}", company=None) for i in range(count)]
    finally:
        await app.state.service.sessionmaker.kw["bind"].dispose()


async def _agents_write(settings: Settings, conversation_ids: list[str]) -> None:
    """A person takes each conversation over and writes one message (the workers email it)."""
    app = create_app(settings)
    service = app.state.service
    try:
        for conversation_id in conversation_ids:
            await service.take_over(conversation_id, "sdr@vendor.test")
            await service.agent_message(conversation_id, "sdr@vendor.test", "Happy to set up a call this week.")
    finally:
        await service.sessionmaker.kw["bind"].dispose()


def _worker_process(settings: Settings, now: datetime, start: threading.Barrier, sent: list[int]) -> None:
    """One server's email worker on its own event loop and engine: rounds at ``now`` until nothing is due."""

    async def work() -> None:
        app = create_app(settings)
        worker, sessionmaker = app.state.email.worker, app.state.service.sessionmaker
        try:
            start.wait()
            while True:
                _, count = await worker.run_once(now)
                sent.append(count)
                async with sessionmaker() as session:
                    queued = await session.scalar(select(func.count()).select_from(OutgoingEmail).where(OutgoingEmail.status == "queued"))
                    due = await session.scalar(select(func.count()).select_from(EmailThread).where(
                        EmailThread.status == "active", EmailThread.next_followup_at <= now))
                if not queued and not due:
                    return
                await asyncio.sleep(0.01)
        finally:
            await sessionmaker.kw["bind"].dispose()

    asyncio.run(work())


async def _run_workers(settings: Settings, now: datetime) -> list[int]:
    """``WORKERS`` workers, each in a thread of its own (as in a process of its own), started together; emails each sent."""
    start = threading.Barrier(WORKERS)
    sent: list[list[int]] = [[] for _ in range(WORKERS)]
    threads = [threading.Thread(target=_worker_process, args=(settings, now, start, sent[i])) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    await asyncio.to_thread(lambda: [t.join(timeout=60) for t in threads])
    assert not any(t.is_alive() for t in threads)
    return [sum(s) for s in sent]


async def test_two_workers_send_every_email_exactly_once(settings: Settings, counting_relay: tuple[CountingRelay, int]) -> None:
    relay, _ = counting_relay
    started = await _queue(settings, EMAILS)
    message_ids = [r.message_id for r in started]
    sent = await _run_workers(settings, datetime.now(UTC))
    assert sorted(relay.received) == sorted(message_ids), "every queued email reached the relay"
    assert {mid: n for mid, n in relay.received.items() if n > 1} == {}, "none twice"
    assert sum(sent) == EMAILS and all(sent), f"the workers' own counts agree, and both took a share: {sent}"

    # A day later every thread's follow-up is due: each is queued once and sent once.
    later = datetime.now(UTC) + timedelta(seconds=settings.email_followup_spacing_seconds + 60)
    sent = await _run_workers(settings, later)
    async with _db(settings) as session:
        followups = list(await session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == "followup")))
    assert len(followups) == EMAILS and len({f.thread_id for f in followups}) == EMAILS, "one follow-up per thread"
    assert all(f.status == "sent" and f.attempts == 1 for f in followups)
    assert sum(relay.received.values()) == 2 * EMAILS and set(relay.received.values()) == {1}
    assert sum(sent) == EMAILS

    # People write in a third of the conversations: each of their messages is emailed once.
    taken = [r.conversation_id for r in started[: EMAILS // 3]]
    await _agents_write(settings, taken)
    sent = await _run_workers(settings, later)
    async with _db(settings) as session:
        agent_emails = list(await session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == "agent")))
    assert len(agent_emails) == len(taken) and all(e.status == "sent" for e in agent_emails), "one email per message"
    assert sum(relay.received.values()) == 2 * EMAILS + len(taken) and set(relay.received.values()) == {1}
    assert sum(sent) == len(taken)


@asynccontextmanager
async def _db(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


async def test_an_email_claimed_by_a_worker_that_died_is_sent_after_the_lease(stack: Stack) -> None:
    started = await stack.email.channel.outreach(email="dana@acmecorp.io", name="Dana", company=None)
    lease = claim_lease(stack.settings)
    # A worker claims the email and dies before sending it.
    assert await claim_email(stack.email.channel.sessionmaker, started.email_id, stack.clock(), lease) is not None
    assert await stack.flush() == (0, 0), "a live claim is left alone"
    stack.clock.advance(seconds=lease.total_seconds() - 1)
    assert await stack.flush() == (0, 0)
    stack.clock.advance(seconds=2)
    assert await stack.flush() == (0, 1), "the expired claim is taken again"
    assert [m["Message-ID"] for m in stack.relay.wait(1)] == [started.message_id]
    async with stack.email.channel.sessionmaker() as session:
        row = await session.get(OutgoingEmail, started.email_id)
    assert row is not None and row.status == "sent" and row.attempts == 2, "the lost attempt counts"
