"""Fixtures for console tests: a real app on a loopback port with its own database, users, signed-in clients."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Awaitable, TypeVar

import httpx
import pytest

from bot.app import create_app
from bot.config import Settings
from bot.console.auth import create_user
from bot.db.migrate import upgrade
from bot.db.session import create_engine, create_sessionmaker
from sqlalchemy.ext.asyncio import AsyncSession
from tests.console.seed import settings_for
from tests.support.browser import browser, playwright_instance  # noqa: F401  (fixtures)
from tests.support.servers import serve_asgi

PASSWORD = "correct horse battery"
T = TypeVar("T")
M = TypeVar("M")


def in_thread(function: Callable[[], T]) -> T:
    """Run ``function`` in a thread of its own: it may start an event loop even while Playwright's runs here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function).result()


def add_user(settings: Settings, email: str, role: str = "sdr", password: str = PASSWORD) -> None:
    """Create a console user through the service function (its own engine, its own event loop)."""

    async def run() -> None:
        engine = create_engine(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                await create_user(session, email=email, password=password, role=role, now=datetime.now(UTC))
                await session.commit()
        finally:
            await engine.dispose()

    in_thread(lambda: asyncio.run(run()))


class Console(httpx.Client):
    """An HTTP client for the console that signs in and sends forms with the session's CSRF token."""

    def __enter__(self) -> "Console":  # also after use: ``signed_in`` hands out a client that made requests
        return self

    def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        page = self.get("/console/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, "the login form carries a CSRF token"
        return self.post("/console/login", data={"email": email, "password": password, "csrf_token": token.group(1)})

    def csrf(self) -> str:
        token = re.search(r'<meta name="csrf-token" content="([^"]*)"', self.get("/console/").text)
        assert token and token.group(1), "signed-in pages carry the session's CSRF token"
        return token.group(1)

    def submit(self, path: str, data: dict[str, object] | None = None) -> httpx.Response:
        return self.post(path, data={**(data or {}), "csrf_token": self.csrf()})


class Reader:
    """Reads rows for assertions on any backend; each call runs on an engine and event loop of its own."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _run(self, read: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async def go() -> T:
            engine = create_engine(Settings(database_url=self.database_url))
            try:
                async with create_sessionmaker(engine)() as session:
                    return await read(session)
            finally:
                await engine.dispose()

        return in_thread(lambda: asyncio.run(go()))

    def get(self, model: type[M], key: object) -> M:
        found = self._run(lambda session: session.get(model, key))
        assert found is not None, f"no {model.__name__} {key!r}"
        return found

    def scalars(self, statement: Any) -> list[Any]:
        async def read(session: AsyncSession) -> list[Any]:
            return list(await session.scalars(statement))

        return self._run(read)


@dataclass
class Site:
    """A running app: its URL, settings and database."""

    base_url: str
    settings: Settings

    @property
    def database_url(self) -> str:
        return self.settings.database_url

    def db(self) -> Reader:
        return Reader(self.database_url)

    def client(self) -> Console:
        return Console(base_url=self.base_url, timeout=10, follow_redirects=False)

    def signed_in(self, email: str, role: str = "sdr") -> Console:
        add_user(self.settings, email, role)
        client = self.client()
        assert client.login(email).status_code == 303
        return client


@pytest.fixture
def make_site(tmp_path: Path, database_url: str) -> Iterator[Callable[..., Site]]:
    """Start ``create_app`` under uvicorn on a fresh migrated database (SQLite, or PostgreSQL in
    the PostgreSQL pass); settings overrides as keywords. Call it once per test."""
    with ExitStack() as stack:

        def make(**overrides: object) -> Site:
            settings = settings_for(database_url, api_key_file=tmp_path / "key.txt", **overrides)
            in_thread(lambda: upgrade(settings))
            url = stack.enter_context(serve_asgi(create_app(settings)))
            return Site(url, settings)

        yield make


@pytest.fixture
def site(make_site: Callable[..., Site]) -> Site:
    """A running app with default settings."""
    return make_site()
