"""Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

Never downloads a browser. Without /usr/bin/chromium the browser tests skip, except under
CI=true where they fail. Use it from a conftest with ``from tests.support.browser import browser,
playwright_instance`` (pytest finds fixtures imported into a conftest).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = Path(os.environ.get("QUALBOT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def require_chromium() -> Path:
    """The Chromium binary, or skip (fail under CI=true) when it is missing."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


# Package scope, not session: Playwright's sync API keeps an event loop running in the main
# thread, so it must be gone before the asyncio tests of another package run.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    """One Playwright driver per test package."""
    require_chromium()
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One headless Chromium per test package; give each test its own ``browser.new_context()``."""
    chromium = playwright_instance.chromium.launch(
        executable_path=str(require_chromium()), args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()


def artifact_path(name: str) -> Path:
    """Where a test saves a screenshot or trace (``test-artifacts/``, ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
