"""Rate limits for the websocket and the API: ``limits`` notation, counted by GCRA in memory.

The limits are written in the ``limits`` library's notation (``30/minute``) and parsed by it.
They are counted with the generic cell rate algorithm (as redis-cell and many API gateways do):
one float per key — the time its next hit is due — so a hit costs O(1), bursts of up to N are
allowed, and idle keys are dropped lazily. ``limits``' own MemoryStorage was used before: it
walks every key on a timer thread a hundred times a second, which with a thousand open chats
took a fifth of a core from the event loop.

Counted per server process: with several processes behind a load balancer the effective limit
is the per-process one times the number of processes the client reaches.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse

from bot.config import Settings


@dataclass(frozen=True)
class Verdict:
    """Whether a hit is allowed, and when to try again if not."""

    allowed: bool
    retry_after: int = 0


class CellRate:
    """One limit (N per period) over many keys, by GCRA."""

    def __init__(self, item: RateLimitItem, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = item.get_expiry() / item.amount  # seconds each hit "costs"
        self._burst = item.get_expiry() - self._interval  # how far ahead of now a key may run
        self._due: dict[str, float] = {}  # key -> theoretical arrival time of its next hit
        self._clock = clock
        self._next_sweep = 0.0

    def hit(self, key: str) -> Verdict:
        now = self._clock()
        if now >= self._next_sweep:
            self._sweep(now)
        due = max(self._due.get(key, now), now)
        if due - now > self._burst:
            return Verdict(False, max(1, math.ceil(due - now - self._burst)))
        self._due[key] = due + self._interval
        return Verdict(True)

    def tracked_keys(self) -> int:
        """How many keys are remembered (the others are in the state of a fresh key)."""
        return len(self._due)

    def _sweep(self, now: float) -> None:
        """Forget keys that have caught up (their state equals a fresh key's); amortised over a period."""
        self._due = {key: due for key, due in self._due.items() if due > now}
        self._next_sweep = now + max(self._interval + self._burst, 1.0)


class RateLimits:
    """The named limits of one server process."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self._cells: dict[str, CellRate] = {
            "ws_connect": CellRate(parse(settings.rate_limit_ws_connect), clock),
            "ws_message": CellRate(parse(settings.rate_limit_ws_message), clock),
            "api": CellRate(parse(settings.rate_limit_api), clock),
        }

    def hit(self, name: str, key: str) -> Verdict:
        """Count one hit of ``name`` for ``key`` (an IP, a conversation, a key)."""
        return self._cells[name].hit(key)


def too_many_requests(retry_after: int) -> JSONResponse:
    """The 429 answer, in the API's error format."""
    body = {"error": {"code": "rate_limited", "message": f"too many requests; try again in {retry_after}s"}}
    return JSONResponse(body, status_code=429, headers={"Retry-After": str(retry_after)})
