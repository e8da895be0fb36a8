"""Waiting, in tests, for something another thread or process does (a delivery recorded, a request received)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(fetch: Callable[[], T], condition: Callable[[T], bool], timeout: float = 20.0, what: str = "it") -> T:
    """Call ``fetch`` until ``condition`` holds for its result; return that result, or fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if condition(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last seen: {value!r}"[:2000])
        time.sleep(0.05)
