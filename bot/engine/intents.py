"""What the prospect wants from the bot itself, read from the text: a person, or an answer.

Two plain recognisers, no model: :func:`wants_human` ("can I talk to a person?", "real human
please") and :func:`questions_in` (the sentences that ask the bot something, such as "do you
integrate with Slack?"). The prospect's text is only matched, never obeyed.
"""

from __future__ import annotations

import re
from typing import Iterable

from bot.engine.textutil import normalize_words

_PERSON = (
    r"(?:a |an |the |some |your |one of your )?(?:real |actual |live )?"
    r"(?:human|person|people|someone|somebody|agent|operator|rep|representative|"
    r"sales ?(?:person|rep|team|people)|salesperson|sales|consultant|manager|team member)"
)
_HUMAN_PATTERNS = [
    re.compile(rf"\b(?:talk|speak|chat|get in touch)\s+(?:to|with)\s+{_PERSON}\b"),
    re.compile(rf"\b(?:connect|transfer|put|pass|hand)\s+me\s+(?:through\s+)?(?:to|with|over to)\s+{_PERSON}\b"),
    re.compile(rf"\b(?:get|give|want|prefer)\s+(?:me\s+)?{_PERSON}\b(?!\s+(?:who|that|to)\b)"),
    re.compile(r"\b(?:have|get|ask)\s+(?:someone|somebody|a person|a rep|sales)\s+(?:to\s+)?(?:call|contact|email|reach)"),
    re.compile(r"\b(?:call|phone|ring)\s+me\b"),
    re.compile(r"\b(?:real|actual|live)\s+(?:human|person|agent)\b"),
    re.compile(r"\bhuman\s+(?:being|please|pls)\b"),
]
# A message that is only the request: "human", "agent please", "operator!".
_BARE_REQUEST = re.compile(
    r"^(?:(?:a|an)\s+)?(?:human|person|agent|operator|representative|real person)(?:\s+(?:please|pls|now))?$"
)
_NEGATED = re.compile(
    r"\b(?:don't|do not|dont|no need to|never|rather not|not looking to|wouldn't|would not)\s+(?:\w+\s+)?"
    r"(?:talk|speak|chat|need|want|call|contact|be)\b"
)


def wants_human(text: str, extra_phrases: Iterable[str] = ()) -> bool:
    """True when the prospect asks to be put through to a person."""
    words = normalize_words(text)
    if not words:
        return False
    if any(f" {normalize_words(p)} " in f" {words} " for p in extra_phrases if normalize_words(p)):
        return True
    if _BARE_REQUEST.match(words):
        return True
    if _NEGATED.search(words):
        return False
    return any(p.search(words) for p in _HUMAN_PATTERNS)


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_OPENERS = re.compile(
    r"^(?:and |but |also |so |ok |okay |oh |btw |quick question |one more thing )*"
    r"(?:what|what's|whats|how|how's|why|which|who|where|when|is|are|do|does|did|can|could|will|"
    r"would|should|may|have you|has it|any chance|is there|are there)\b"
)
# Questions that only bounce the bot's question back are answers in disguise, not questions.
_NOT_A_QUESTION = re.compile(
    r"^(?:what|what do you mean|what's that|sorry|pardon|come again|huh|maybe|not sure|dunno|why|really|is it)\W*$"
)


def questions_in(text: str) -> tuple[str, ...]:
    """The sentences of ``text`` that ask the bot something, as written (trimmed)."""
    found: list[str] = []
    for raw in _SENTENCE.findall(text):
        sentence = raw.strip()
        words = normalize_words(sentence)
        if not words or _NOT_A_QUESTION.match(words) or wants_human(sentence):
            continue
        asks = sentence.endswith("?")
        opener = bool(_OPENERS.match(words))
        # "10k?" or "Q2?" alone is an unsure answer; a real question has an opener or some length.
        if (asks and (opener or len(words.split()) >= 4)) or (opener and _looks_like_question(words)):
            found.append(sentence)
    return tuple(found)


def _looks_like_question(words: str) -> bool:
    # Without a question mark, only the clearest openers count: "do you integrate with slack".
    return bool(re.match(r"^(?:do|does|can|could|is there|are there|how much|how many|what is|what's)\b", words)) and (
        " you" in f" {words}" or " it" in f" {words}" or "there" in words or "cost" in words or "price" in words
    )
