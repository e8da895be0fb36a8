"""The real app under uvicorn in a thread, on a migrated database that the test can also write to directly.

For API tests that need rows no public endpoint creates (leads with emails, owners, old dates).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import create_app
from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.session import create_engine, create_sessionmaker
from tests.support.servers import serve_asgi


@dataclass
class RunningApp:
    """A served app: its URL, settings and API key; :meth:`db` opens a separate engine on its database."""

    url: str
    settings: Settings
    api_key: str

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=10)

    def db(self) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
        engine = create_engine(self.settings)
        return engine, create_sessionmaker(engine)


def migrated_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    """Settings on ``database_url`` (the ``database_url`` fixture: SQLite or PostgreSQL), migrated.

    Call it outside a running event loop (from a sync fixture): Alembic runs its own.
    """
    settings = Settings(
        database_url=database_url,
        api_key="qb_test_" + os.urandom(8).hex(),
        api_key_file=tmp_path / "api-key.txt",
        extractor="rules",
        **overrides,
    )
    upgrade(settings)
    return settings


@contextmanager
def running_app(settings: Settings) -> Iterator[RunningApp]:
    """``create_app(settings)`` served on a free loopback port (lifespan included: API key, outbox worker)."""
    assert settings.api_key is not None
    with serve_asgi(create_app(settings)) as url:
        yield RunningApp(url, settings, settings.api_key.get_secret_value())
