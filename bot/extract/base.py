"""The extractor interface every implementation (rules, LLM, hybrid) provides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, Protocol

from bot.facts import Extraction

Channel = Literal["chat", "email"]


@dataclass(frozen=True)
class ProspectMessage:
    """One message of the prospect, with what the extractor needs to read it.

    ``asked`` is the topic of the question the bot asked just before (``need``, ``budget``,
    ``authority``, ``timeline``, ``company``) or None; ``ref_date`` is the day it was written,
    from which relative dates count. For email, ``text`` is the whole plain-text body as
    received (quoted history and signature included): stripping it is the extractor's job.
    """

    text: str
    ref_date: date
    channel: Channel = "chat"
    asked: str | None = None


class Extractor(Protocol):
    """Reads one message and returns the facts it states. Never raises on odd input."""

    name: str

    async def extract(self, message: ProspectMessage) -> Extraction:
        """Return the facts ``message`` states, each with evidence quoted from ``message.text``."""
        ...
