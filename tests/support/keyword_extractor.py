"""A tiny real extractor for tests: recognises a handful of phrases, and is unsure when it finds nothing.

It stands in for the rules extractor wherever a test needs a fallback or the first stage of the
hybrid, without depending on the rules' behaviour.
"""

from __future__ import annotations

import re

from bot.extract.base import ProspectMessage
from bot.facts import Extraction, Fact

_PATTERNS: list[tuple[str, re.Pattern[str], str | None]] = [
    ("authority", re.compile(r"\bI (?:sign|approve)\b[^.,;!?]*", re.I), "decision_maker"),
    ("budget_status", re.compile(r"\bno budget\b[^.,;!?]*", re.I), "none"),
    ("employees", re.compile(r"\b(\d+) (?:employees|people)\b", re.I), None),
]


class KeywordExtractor:
    """Reads a few fixed phrases; ``unsure`` when none matched. Counts the messages it read."""

    name = "keywords"

    def __init__(self) -> None:
        self.calls = 0

    def read(self, message: ProspectMessage) -> Extraction:
        """The facts the phrases find in ``message``."""
        self.calls += 1
        facts = []
        for field, pattern, value in _PATTERNS:
            match = pattern.search(message.text)
            if match:
                facts.append(
                    Fact.model_validate(
                        {"field": field, "value": value or match.group(1), "evidence": match.group(0), "confidence": 0.9}
                    )
                )
        return Extraction(extractor=self.name, facts=facts, unsure=not facts)

    async def extract(self, message: ProspectMessage) -> Extraction:
        """See :meth:`read`."""
        return self.read(message)
