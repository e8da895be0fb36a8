"""Rate limits (the ``limits`` library, moving windows in memory) for the websocket and the API.

Counted per server process: with several processes behind a load balancer the effective limit
is the per-process one times the number of processes the client reaches.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from bot.config import Settings


@dataclass(frozen=True)
class Verdict:
    """Whether a hit is allowed, and when to try again if not."""

    allowed: bool
    retry_after: int = 0


class RateLimits:
    """The named limits of one server process."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._items: dict[str, RateLimitItem] = {
            "ws_connect": parse(settings.rate_limit_ws_connect),
            "ws_message": parse(settings.rate_limit_ws_message),
            "api": parse(settings.rate_limit_api),
        }

    def hit(self, name: str, key: str) -> Verdict:
        """Count one hit of ``name`` for ``key`` (an IP, a conversation, a key)."""
        item = self._items[name]
        if self._limiter.hit(item, name, key):
            return Verdict(True)
        reset = self._limiter.get_window_stats(item, name, key).reset_time
        return Verdict(False, max(1, math.ceil(reset - time.time())))


def too_many_requests(retry_after: int) -> JSONResponse:
    """The 429 answer, in the API's error format."""
    body = {"error": {"code": "rate_limited", "message": f"too many requests; try again in {retry_after}s"}}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(retry_after)})
