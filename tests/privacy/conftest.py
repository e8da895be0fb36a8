"""Fixtures of the privacy tests: the person of :mod:`tests.privacy.scenario`, on SQLite or PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from tests.channels.email.support import Relay, relay
from tests.privacy.scenario import Person, live_through_everything, running, settings_for
from tests.support.receiver import WebhookReceiver
from tests.privacy.scenario import SECRET


@pytest.fixture
def relay_server() -> Iterator[Relay]:
    with relay() as r:
        yield r


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(secret=SECRET) as r:
        yield r


@pytest.fixture
def settings(database_url: str, tmp_path: Path, relay_server: Relay, receiver: WebhookReceiver) -> Settings:
    return settings_for(database_url, tmp_path, relay_server, receiver)


@pytest.fixture
async def person(settings: Settings, relay_server: Relay, receiver: WebhookReceiver) -> AsyncIterator[Person]:
    async with running(settings) as (app, api):
        lead_id = await live_through_everything(app, api, relay_server, receiver)
        yield Person(app, api, lead_id, relay_server, receiver)
