"""Fixtures of the widget's browser tests: headless Chromium, a real qualbot server, host sites."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.support.browser import browser, playwright_instance  # noqa: F401 (fixtures)
from tests.support.servers import HostSite, free_port, host_site


class QualbotProcess:
    """``python -m bot serve`` on a free loopback port with its own SQLite file; restartable in place."""

    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "server.log"
        self.env = {
            **os.environ,
            "QUALBOT_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'q.db'}",
            "QUALBOT_EXTRACTOR": "rules",
            "QUALBOT_API_KEY": "test-key",
            **(env or {}),
        }
        self.env.pop("QUALBOT_LLM_API_KEY", None)
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        if importlib.util.find_spec("bot.cli") is None:  # TEMPORARY until the server lands from main
            pytest.skip("the qualbot server (bot.cli) is not on this branch yet")
        cmd = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self._proc = subprocess.Popen(cmd, cwd=self.workdir, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"qualbot exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.base_url}/widget.js", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"qualbot did not start: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(5)
        self._proc = None


@pytest.fixture(scope="session")
def qualbot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QualbotProcess]:
    """A qualbot server shared by the tests that do not stop it or change its settings."""
    server = QualbotProcess(tmp_path_factory.mktemp("qualbot"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_qualbot(tmp_path: Path) -> Iterator[Callable[..., QualbotProcess]]:
    """Start a server of this test's own (to restart it, or with other settings)."""
    started: list[QualbotProcess] = []

    def make(**settings: object) -> QualbotProcess:
        env = {f"QUALBOT_{k.upper()}": v if isinstance(v, str) else json.dumps(v) for k, v in settings.items()}
        server = QualbotProcess(tmp_path / f"server{len(started)}", env)
        server.workdir.mkdir()
        server.start()
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
