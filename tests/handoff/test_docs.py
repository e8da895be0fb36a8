"""docs/webhooks.md: its signature example and its receiver code agree with bot.handoff.webhooks."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.handoff.webhooks import sign, signature_header, verify

DOC = (Path(__file__).resolve().parents[2] / "docs" / "webhooks.md").read_text(encoding="utf-8")


def documented_receiver() -> Callable[..., bool]:
    code = re.search(r"```python\n(.*?)```", DOC, re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "docs/webhooks.md", "exec"), namespace)
    return namespace["verify"]  # type: ignore[return-value]


def test_signature_example_is_right() -> None:
    command = re.search(r"printf '(\d+)\.(.*?)' \| openssl dgst -sha256 -hmac (\S+)", DOC)
    assert command is not None
    timestamp, body, secret = int(command.group(1)), command.group(2).encode(), command.group(3).encode()
    header = re.search(r"Example — secret `(\S+)`.*?X-Qualbot-Signature: (t=\S+)", DOC, re.S)
    assert header is not None and header.group(1).encode() == secret
    assert header.group(2) == signature_header(secret, timestamp, body)
    assert verify(secret, header.group(2), body, now=timestamp + 10)
    shell = subprocess.run(["sh", "-c", command.group(0)], capture_output=True, check=True, text=True)
    assert shell.stdout.strip().endswith(sign(secret, timestamp, body))


@pytest.mark.parametrize(
    ("header", "body", "now"),
    [
        (signature_header(b"k", 1000, b"{}"), b"{}", 1000),
        (signature_header(b"k", 1000, b"{}"), b"{}", 1301),
        (signature_header(b"k", 1000, b"{}"), b"{ }", 1000),
        (signature_header(b"x", 1000, b"{}"), b"{}", 1000),
        (f"t=1000,v1={sign(b'x', 1000, b'{}')},v1={sign(b'k', 1000, b'{}')}", b"{}", 1000),
        ("garbage", b"{}", 1000),
        ("t=1000", b"{}", 1000),
    ],
)
def test_documented_receiver_agrees_with_verify(header: str, body: bytes, now: int) -> None:
    assert documented_receiver()(b"k", header, body, now) == verify(b"k", header, body, now=now)
