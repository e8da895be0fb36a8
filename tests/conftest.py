"""Shared fixtures: real servers on loopback ports, settings on temporary databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.databases import ON_POSTGRES, database_url_for
from tests.support.server import LiveServer

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, what: str) -> None:
    """Skip locally when a system dependency is missing; fail in CI, where it must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available here")


# Fixtures through which a test stores something; on the PostgreSQL run only tests using one
# of them are collected (the others never touch a database and already ran on SQLite).
DATABASE_FIXTURES = frozenset({"live_server", "database_url", "qualbot", "make_qualbot"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        keep = [i for i in items if DATABASE_FIXTURES & set(getattr(i, "fixturenames", ())) or i.get_closest_marker("database")]
    else:  # several server processes need a shared server database: those run in the PostgreSQL pass
        keep = [i for i in items if not i.get_closest_marker("postgres_only")]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh, empty database for this test (SQLite file, or a new PostgreSQL database)."""
    return database_url_for(tmp_path)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A real ``qualbot serve`` on a free loopback port with its own SQLite database."""
    server = LiveServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()
