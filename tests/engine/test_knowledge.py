"""Keyword scoring of the knowledge file and the shipped knowledge entries."""

from pathlib import Path

import pytest

from bot.engine.flow import load_knowledge
from bot.engine.knowledge import Knowledge, best_entry

FLOWS = Path(__file__).resolve().parents[2] / "flows"


def _kb(*entries: dict) -> Knowledge:
    return Knowledge.model_validate({"entries": list(entries)})


def test_highest_score_wins_and_ties_go_to_the_first() -> None:
    kb = _kb(
        {"id": "a", "keywords": ["price"], "answer": "A"},
        {"id": "b", "keywords": ["price", "seat"], "answer": "B"},
        {"id": "c", "keywords": ["price"], "answer": "C"},
    )
    assert best_entry(kb, "what's the price per seat?").entry.id == "b"
    assert best_entry(kb, "what's the price?").entry.id == "a"


def test_keywords_match_whole_words_and_phrases() -> None:
    kb = _kb({"id": "sso", "keywords": ["single sign on", "sso"], "answer": "yes"})
    assert best_entry(kb, "Do you support single sign-on?").entry is not None
    assert best_entry(kb, "Is there an ssopath?").entry is None


def test_patterns_count_double_and_require_and_min_score() -> None:
    kb = _kb(
        {"id": "integr", "keywords": ["crm"], "patterns": [r"integrat\w*"], "min_score": 3, "answer": "yes"},
        {"id": "why", "keywords": ["why"], "require": ["ask"], "answer": "because"},
    )
    assert best_entry(kb, "crm integration?").score == 3
    assert best_entry(kb, "any crm?").entry is None  # 1 < min_score 3
    assert best_entry(kb, "why?").entry is None  # `ask` required
    assert best_entry(kb, "why do you ask?").entry.id == "why"


def test_bad_regular_expression_is_refused() -> None:
    with pytest.raises(ValueError, match="bad regular expression"):
        _kb({"id": "x", "patterns": ["(unclosed"], "answer": "a"})


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("How much does it cost?", "pricing"),
        ("Do you integrate with Slack?", "slack"),
        ("Does it work with HubSpot?", "crm"),
        ("Can it integrate with HubSpot?", "crm"),
        ("Do you have an API?", "integrations"),
        ("Is there a free trial?", "trial"),
        ("Are you GDPR compliant?", "security"),
        ("Why do you ask?", "why_ask"),
        ("Are you a bot?", "bot"),
        ("Do you have an office in Lisbon?", None),
    ],
)
def test_shipped_knowledge(question: str, entry: str | None) -> None:
    match = best_entry(load_knowledge(FLOWS / "knowledge.yaml"), question)
    assert (match.entry.id if match.entry else None) == entry
