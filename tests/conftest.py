"""Shared fixtures: real servers on loopback ports, settings on temporary databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import LiveServer

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, what: str) -> None:
    """Skip locally when a system dependency is missing; fail in CI, where it must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available here")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A real ``qualbot serve`` on a free loopback port with its own SQLite database."""
    server = LiveServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()
