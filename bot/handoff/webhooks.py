"""Webhook signatures, headers and retry delays: the pure half of webhook delivery.

Every delivery is a POST whose JSON body is signed with the endpoint's secret::

    X-Qualbot-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>
    X-Qualbot-Event: lead.qualified
    Idempotency-Key: <the payload's id; the same on every retry of one event>

A receiver recomputes the HMAC over the raw body, compares in constant time, and refuses a
timestamp more than five minutes from its clock (replay protection): :func:`verify` does all
three. The outbox (IO) sends; this module only computes. See ``docs/webhooks.md``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from bot.handoff.payloads import EVENTS, build_payload, event_for_stage

__all__ = [
    "EVENTS",
    "EVENT_HEADER",
    "IDEMPOTENCY_HEADER",
    "SIGNATURE_HEADER",
    "backoff_delay",
    "build_payload",
    "encode_body",
    "event_for_stage",
    "sign",
    "signature_header",
    "verify",
    "webhook_headers",
]

SIGNATURE_HEADER = "X-Qualbot-Signature"
EVENT_HEADER = "X-Qualbot-Event"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SCHEME = "v1"


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}.".encode() + body`` under ``secret``."""
    return hmac.new(secret, f"{int(timestamp)}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: bytes, timestamp: int, body: bytes) -> str:
    """The ``X-Qualbot-Signature`` value: ``t=<timestamp>,v1=<signature>``."""
    return f"t={int(timestamp)},{SCHEME}={sign(secret, timestamp, body)}"


def verify(secret: bytes, header_value: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """True when ``header_value`` signs ``body`` with ``secret`` at a time within ``tolerance`` s of ``now``.

    The header may carry several ``v1`` signatures (a sender rotating its secret); one match
    suffices. A malformed header is simply not valid.
    """
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header_value.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            return False
        if key == "t":
            if timestamp is not None or not value.isdigit():
                return False
            timestamp = int(value)
        elif key == SCHEME:
            signatures.append(value.strip().lower())
    if timestamp is None or not signatures or abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    # Check every candidate so the time taken does not depend on which one matched.
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    return any(matches)


def encode_body(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON with sorted keys."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_headers(secret: bytes, *, event: str, idempotency_key: str, body: bytes, timestamp: int) -> dict[str, str]:
    """All headers of one delivery of ``body``."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "qualbot-webhooks/1",
        SIGNATURE_HEADER: signature_header(secret, timestamp, body),
        EVENT_HEADER: event,
        IDEMPOTENCY_HEADER: idempotency_key,
    }


def backoff_delay(attempt: int, *, base: float, cap: float, jitter: float = 1.0) -> float:
    """Seconds to wait before retry number ``attempt`` (1 = the first retry).

    Exponential (``base * 2**(attempt-1)``, at most ``cap``) with "equal jitter": half the
    delay is fixed, the other half scaled by ``jitter`` in [0, 1], which the caller draws (e.g.
    ``random.random()``), so the function stays pure and testable. ``jitter=1`` is the longest.
    """
    if attempt < 1:
        raise ValueError(f"attempt counts from 1, got {attempt}")
    if base <= 0 or cap < base:
        raise ValueError(f"need 0 < base <= cap, got base={base}, cap={cap}")
    if not 0.0 <= jitter <= 1.0:
        raise ValueError(f"jitter must be within [0, 1], got {jitter}")
    # Cap the exponent first: 2**attempt overflows a float long before attempt is absurd.
    delay = min(cap, base * 2.0 ** min(attempt - 1, 64))
    return delay / 2 + delay / 2 * jitter
