"""Webhook signatures (checked against OpenSSL), verification, headers and retry delays."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.handoff.webhooks import (
    EVENT_HEADER,
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    backoff_delay,
    encode_body,
    sign,
    signature_header,
    verify,
    webhook_headers,
)

SECRET = b"whsec_test_3f9a"
BODY = encode_body({"id": "evt_1", "event": "lead.qualified", "lead": {"id": "42", "name": "Zoë"}})
T = 1_795_000_000


def openssl_hmac(secret: bytes, message: bytes) -> str:
    """HMAC-SHA256 computed by the OpenSSL command line: an implementation independent of ours."""
    result = subprocess.run(
        ["openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", f"hexkey:{secret.hex()}"],
        input=message,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode().strip().rsplit(" ", 1)[-1]


@pytest.mark.parametrize("body", [BODY, b"", b"{}", "☃ non-ascii".encode()])
def test_signature_matches_openssl(body: bytes) -> None:
    assert sign(SECRET, T, body) == openssl_hmac(SECRET, f"{T}.".encode() + body)


def test_openssl_check_itself_matches_rfc4231() -> None:
    # RFC 4231, test case 2: proves the independent implementation is computing HMAC-SHA256.
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert openssl_hmac(b"Jefe", b"what do ya want for nothing?") == expected


def test_header_round_trip() -> None:
    header = signature_header(SECRET, T, BODY)
    assert header == f"t={T},v1={sign(SECRET, T, BODY)}"
    assert verify(SECRET, header, BODY, now=T)


@pytest.mark.parametrize("delta", [-300, -1, 0, 1, 300])
def test_timestamps_within_tolerance_verify(delta: int) -> None:
    assert verify(SECRET, signature_header(SECRET, T, BODY), BODY, now=T + delta)


@pytest.mark.parametrize("delta", [-301, 301, 86_400])
def test_stale_or_future_timestamps_are_refused(delta: int) -> None:
    assert not verify(SECRET, signature_header(SECRET, T, BODY), BODY, now=T + delta)
    assert verify(SECRET, signature_header(SECRET, T, BODY), BODY, now=T + delta, tolerance=abs(delta))


def test_tampered_body_is_refused() -> None:
    header = signature_header(SECRET, T, BODY)
    assert not verify(SECRET, header, BODY.replace(b"42", b"43"), now=T)
    assert not verify(SECRET, header, BODY + b" ", now=T)


def test_replayed_signature_with_a_new_timestamp_is_refused() -> None:
    forged = f"t={T + 1000},v1={sign(SECRET, T, BODY)}"
    assert not verify(SECRET, forged, BODY, now=T + 1000)


def test_wrong_secret_is_refused() -> None:
    assert not verify(b"other", signature_header(SECRET, T, BODY), BODY, now=T)


def test_any_of_several_signatures_verifies_for_secret_rotation() -> None:
    header = f"t={T},v1={sign(b'old', T, BODY)},v1={sign(SECRET, T, BODY)}"
    assert verify(SECRET, header, BODY, now=T)
    assert verify(b"old", header, BODY, now=T)
    assert not verify(b"third", header, BODY, now=T)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        f"v1={sign(SECRET, T, BODY)}",
        f"t={T}",
        f"t=abc,v1={sign(SECRET, T, BODY)}",
        f"t={T},t={T},v1={sign(SECRET, T, BODY)}",
        f"t=-{T},v1={sign(SECRET, T, BODY)}",
        f"t={T},v0={sign(SECRET, T, BODY)}",
    ],
)
def test_malformed_headers_are_refused(header: str) -> None:
    assert not verify(SECRET, header, BODY, now=T)


@given(st.text(max_size=200))
def test_verify_never_raises_on_arbitrary_headers(header: str) -> None:
    assert verify(SECRET, header, BODY, now=T) in (True, False)


def test_headers_of_a_delivery() -> None:
    headers = webhook_headers(SECRET, event="lead.nurture", idempotency_key="evt_9", body=BODY, timestamp=T)
    assert headers[EVENT_HEADER] == "lead.nurture"
    assert headers[IDEMPOTENCY_HEADER] == "evt_9"
    assert headers["Content-Type"].startswith("application/json")
    assert verify(SECRET, headers[SIGNATURE_HEADER], BODY, now=T)


def test_body_encoding_is_stable_and_utf8() -> None:
    assert encode_body({"b": 1, "a": "é"}) == encode_body({"a": "é", "b": 1}) == '{"a":"é","b":1}'.encode()


def test_backoff_doubles_until_the_cap() -> None:
    delays = [backoff_delay(n, base=2, cap=60) for n in range(1, 9)]
    assert delays == [2, 4, 8, 16, 32, 60, 60, 60]


@given(attempt=st.integers(1, 10_000), base=st.floats(0.01, 100), extra=st.floats(0, 10_000), jitter=st.floats(0, 1))
def test_backoff_jitter_stays_between_half_and_full_delay(
    attempt: int, base: float, extra: float, jitter: float
) -> None:
    cap = base + extra
    full = backoff_delay(attempt, base=base, cap=cap)
    delay = backoff_delay(attempt, base=base, cap=cap, jitter=jitter)
    assert full / 2 - 1e-9 <= delay <= full <= cap + 1e-9
    assert backoff_delay(attempt, base=base, cap=cap, jitter=0) == pytest.approx(full / 2)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"attempt": 0, "base": 1, "cap": 10},
        {"attempt": 1, "base": 0, "cap": 10},
        {"attempt": 1, "base": 5, "cap": 1},
        {"attempt": 1, "base": 1, "cap": 10, "jitter": 1.5},
    ],
)
def test_backoff_refuses_nonsense(kwargs: dict) -> None:
    attempt = kwargs.pop("attempt")
    with pytest.raises(ValueError):
        backoff_delay(attempt, **kwargs)
