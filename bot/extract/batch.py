"""The ``qualbot extract`` batch core: benchmark-format JSON lines in, prediction lines out.

Every input line is checked before anything is extracted, so a bad line fails the whole run
with its line number and nothing is written.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any, Iterable, TextIO

from bot.extract.base import Extractor, ProspectMessage

_CHANNELS = ("chat", "email")
_TOPICS = ("need", "budget", "authority", "timeline", "company")


class BatchInputError(ValueError):
    """An input line that is not a valid message; ``line`` is its 1-based number."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def parse_line(raw: str, number: int) -> tuple[Any, ProspectMessage]:
    """One input line → (its id, the message), or :class:`BatchInputError`."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BatchInputError(number, f"not JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise BatchInputError(number, "not a JSON object")
    if "id" not in obj or not isinstance(obj["id"], (str, int)):
        raise BatchInputError(number, "missing id")
    text = obj.get("text")
    if not isinstance(text, str):
        raise BatchInputError(number, "text must be a string")
    channel = obj.get("channel", "chat")
    if channel not in _CHANNELS:
        raise BatchInputError(number, f"channel must be one of {', '.join(_CHANNELS)}")
    asked = obj.get("asked")
    if asked is not None and asked not in _TOPICS:
        raise BatchInputError(number, f"asked must be null or one of {', '.join(_TOPICS)}")
    try:
        ref = date.fromisoformat(str(obj.get("ref_date")))
    except ValueError:
        raise BatchInputError(number, "ref_date must be a date like 2026-11-23") from None
    return obj["id"], ProspectMessage(text=text, ref_date=ref, channel=channel, asked=asked)


def run_extract(lines: Iterable[str], out: TextIO, extractor: Extractor) -> None:
    """Read benchmark input lines, write ``{"id", "fields"}`` lines in the same order."""
    messages = [parse_line(raw, n) for n, raw in enumerate(lines, 1) if raw.strip()]

    async def _all() -> list[dict[str, Any]]:
        rows = []
        for ex_id, message in messages:
            extraction = await extractor.extract(message)
            rows.append({"id": ex_id, "fields": extraction.fields()})
        return rows

    for row in asyncio.run(_all()):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
