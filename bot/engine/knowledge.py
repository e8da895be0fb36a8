"""Answers to the prospect's questions back to the bot, from a customer-edited file.

``flows/knowledge.yaml`` lists entries, each with keywords (words or phrases), optional regular
expressions and an answer. A question is matched by plain keyword scoring — no model: every
keyword found counts 1, every pattern found counts 2, an entry needs ``min_score`` and all its
``require`` words; the best entry wins, ties go to the one listed first. No entry: the
``fallback`` (by default "I'll pass this to the team").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bot.engine.textutil import normalize_words
from bot.engine.wording import Text


def _check_pattern(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from None
    return pattern


Pattern = Annotated[str, AfterValidator(_check_pattern)]


class Entry(BaseModel):
    """One answer and the words that call for it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    keywords: list[str] = Field(default_factory=list, description="words or phrases; each found counts 1")
    patterns: list[Pattern] = Field(default_factory=list, description="regular expressions; each found counts 2")
    require: list[str] = Field(default_factory=list, description="words that must all be present")
    min_score: int = Field(1, ge=1)
    answer: Text


class Knowledge(BaseModel):
    """The answers the bot may give to questions about the product."""

    model_config = ConfigDict(extra="forbid")

    fallback: Text = "Good question — I'll pass it to the team so they can give you a proper answer."
    entries: list[Entry] = Field(default_factory=list)


@dataclass(frozen=True)
class Match:
    """The entry that answers a question (None: nothing does) and its score."""

    entry: Entry | None
    score: int


def _contains(words: str, phrase: str) -> bool:
    needle = normalize_words(phrase)
    return bool(needle) and f" {needle} " in f" {words} "


def best_entry(knowledge: Knowledge, question: str) -> Match:
    """The entry scoring highest for ``question`` (ties: the first listed)."""
    words = normalize_words(question)
    best = Match(None, 0)
    for entry in knowledge.entries:
        if not all(_contains(words, w) for w in entry.require):
            continue
        score = sum(1 for k in entry.keywords if _contains(words, k))
        score += sum(2 for p in entry.patterns if re.search(p, question, re.IGNORECASE))
        if score >= entry.min_score and score > best.score:
            best = Match(entry, score)
    return best
