"""Fixtures of the widget's browser tests: headless Chromium, a real qualbot server, host sites."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.support.browser import browser, playwright_instance  # noqa: F401 (fixtures)
from tests.support.server import LiveServer
from tests.support.servers import HostSite, host_site


@pytest.fixture(scope="session")
def qualbot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A qualbot server shared by the tests that neither stop it nor change its settings."""
    server = LiveServer(tmp_path_factory.mktemp("qualbot")).start()
    yield server
    server.stop()


@pytest.fixture
def make_qualbot(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start a server of this test's own (to restart it, or with other settings)."""
    started: list[LiveServer] = []

    def make(**settings: object) -> LiveServer:
        env = {f"QUALBOT_{k.upper()}": v if isinstance(v, str) else json.dumps(v) for k, v in settings.items()}
        workdir = tmp_path / f"server{len(started)}"
        workdir.mkdir()
        server = LiveServer(workdir, env).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:  # noqa: F811 (fixture argument)
    """A fresh browser profile (empty localStorage) at desktop size."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A page; the test fails on a JavaScript error or a Content-Security-Policy violation."""
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield pg
    assert not errors, errors


@pytest.fixture
def site() -> Iterator[HostSite]:
    """Another origin hosting test pages that embed the widget."""
    with host_site() as s:
        yield s
