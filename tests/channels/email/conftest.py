"""Fixtures for the email channel: an in-process qualbot (real SQLite, real relay, a clock the
test moves) for fast processing tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import create_app
from bot.channels.email import EmailSetup
from bot.config import Settings
from bot.db.schema import Base
from bot.privacy import PrivacyService
from tests.channels.email.support import REPLY_DOMAIN, Relay, relay


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class Stack:
    """qualbot's email parts in this process, wired to a capturing relay."""

    email: EmailSetup
    relay: Relay
    clock: Clock
    settings: Settings
    privacy: PrivacyService

    async def deliver(self, raw: bytes, *rcpts: str):  # type: ignore[no-untyped-def]
        """Hand a message to the inbound processor as the SMTP receiver would."""
        return await self.email.processor.receive(raw, via="smtp", envelope_rcpts=tuple(rcpts))

    async def flush(self) -> tuple[int, int]:
        """One worker round at the current clock time: (follow-ups queued, emails sent)."""
        return await self.email.worker.run_once(self.clock())


@pytest.fixture
def relay_server() -> Iterator[Relay]:
    with relay() as r:
        yield r


def email_settings(tmp_path: Path, database_url: str, relay_port: int, **extra: object) -> Settings:
    return Settings(
        database_url=database_url,
        extractor="rules",
        smtp_host="127.0.0.1",
        smtp_port=relay_port,
        smtp_security="none",
        email_from="Sam from Acme Sales <sales@vendor.test>",
        reply_domain=REPLY_DOMAIN,
        email_followups=2,
        email_followup_spacing_seconds=3600,
        email_retry_base_seconds=60,
        api_key_file=tmp_path / "key.txt",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
async def stack(tmp_path: Path, database_url: str, relay_server: Relay) -> AsyncIterator[Stack]:
    settings = email_settings(tmp_path, database_url, relay_server.port)
    app = create_app(settings)
    engine = app.state.service.sessionmaker.kw["bind"]
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    clock = Clock()
    email: EmailSetup = app.state.email
    app.state.service.clock = clock
    email.channel.clock = clock
    try:
        yield Stack(email, relay_server, clock, settings, app.state.privacy)
    finally:
        await engine.dispose()
