"""The hybrid extractor: the rules read every message; the LLM reads only those the rules are unsure of.

Most answers to a bot's question are short and plain ("about 40 people", "I sign"), which the
rules read exactly, offline and for free. The LLM is paid for only where the rules say
``unsure``, and :attr:`HybridExtractor.stats` counts how often that is and what it costs.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.extract.base import Extractor, ProspectMessage
from bot.extract.llm import LLMExtractor, LLMUnavailable, fallen_back
from bot.facts import FIELDS, TOPIC_FIELDS, Extraction, Fact


@dataclass
class HybridStats:
    """Running counts of one hybrid extractor: messages read, how many went to the LLM, tokens spent."""

    messages: int = 0
    sent_to_llm: int = 0
    llm_failures: int = 0
    tokens: int = 0

    @property
    def llm_share(self) -> float:
        """The share of messages that were sent to the LLM (0 before any message)."""
        return self.sent_to_llm / self.messages if self.messages else 0.0


def merge(rules: Extraction, llm: Extraction) -> Extraction:
    """The rules' facts filled and corrected by the LLM's validated ones, topic by topic.

    Facts travel in topic groups (``TOPIC_FIELDS``: budget, timeline, authority, need, company).
    Within a group the LLM's reading wins when it states any field of that group, so a budget is
    never stitched together from the rules' minimum and the LLM's maximum; a group the LLM leaves
    empty keeps the rules' facts (its silence fills and corrects nothing). The company group is the
    exception: employees and country are independent, so they merge field by field.
    """
    by_field: dict[str, Fact] = {fact.field: fact for fact in rules.facts}
    from_llm: dict[str, Fact] = {fact.field: fact for fact in llm.facts}
    corrections: list[str] = []
    for topic, fields in TOPIC_FIELDS.items():
        groups = [(f,) for f in fields] if topic == "company" else [fields]
        for group in (g for g in groups if any(f in from_llm for f in g)):
            for f in group:
                old, new = by_field.pop(f, None), from_llm.get(f)
                if new is not None:
                    by_field[f] = new
                if old is not None and (new is None or new.value != old.value):
                    read = repr(new.value) if new else "nothing"
                    corrections.append(f"llm corrected {f}: rules read {old.value!r}, llm read {read}")
    notes = [*rules.notes, *llm.notes, *corrections]
    return Extraction(
        extractor=f"{rules.extractor}+{llm.extractor}",
        facts=[by_field[f] for f in FIELDS if f in by_field],
        unsure=False,
        notes=notes,
        tokens=rules.tokens + llm.tokens,
    )


class HybridExtractor:
    """Rules first; the LLM only where the rules are unsure, merged by :func:`merge`.

    When the LLM fails (timeout, HTTP error, malformed answer) the rules' reading stands, with a
    note saying so; the message is never lost and the rules never run twice.
    """

    name = "hybrid"

    def __init__(self, rules: Extractor, llm: LLMExtractor) -> None:
        self.rules = rules
        self.llm = llm
        self.stats = HybridStats()

    async def extract(self, message: ProspectMessage) -> Extraction:
        """The rules' reading of ``message``, completed by the LLM's when the rules are unsure."""
        self.stats.messages += 1
        first = await self.rules.extract(message)
        if not first.unsure:
            return first
        self.stats.sent_to_llm += 1
        try:
            second = await self.llm.ask(message)
        except LLMUnavailable as failure:
            self.stats.llm_failures += 1
            self.stats.tokens += failure.tokens
            return fallen_back(first, failure, message)
        self.stats.tokens += second.tokens
        return merge(first, second)

    async def aclose(self) -> None:
        """Release the LLM's HTTP connections."""
        await self.llm.aclose()
