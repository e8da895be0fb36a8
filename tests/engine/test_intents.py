"""Recognising a request for a person and questions back to the bot."""

import pytest

from bot.engine.intents import questions_in, wants_human


@pytest.mark.parametrize(
    "text",
    [
        "can I talk to a person",
        "Can I speak with a human?",
        "real person please",
        "HUMAN",
        "agent please",
        "I'd rather chat with someone from sales",
        "connect me to a sales rep",
        "is there a real human here?",
        "I want a human",
        "get me a person",
        "not really, I want to talk to a person",
        "can you have someone call me?",
        "just call me tomorrow",
    ],
)
def test_asks_for_a_person(text: str) -> None:
    assert wants_human(text)


@pytest.mark.parametrize(
    "text",
    [
        "we work in human resources",
        "I'm the person who decides",
        "no need to talk to anyone, just send pricing",
        "I don't want to speak to a salesperson",
        "please don't call me",
        "we need a salesperson who knows the product",
        "we need someone to qualify leads faster",
        "our sales team is 12 people",
        "",
    ],
)
def test_does_not_mistake_answers_for_a_handoff(text: str) -> None:
    assert not wants_human(text)


def test_extra_phrases_from_the_flow() -> None:
    assert wants_human("can we do a zoom instead", ["zoom"])
    assert not wants_human("can we do a zoom instead")


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        ("Do you integrate with Slack?", ("Do you integrate with Slack?",)),
        ("We have 20k. How much does it cost?", ("How much does it cost?",)),
        ("how much does it cost", ("how much does it cost",)),
        ("Is there a free trial? Also, do you support HubSpot?", ("Is there a free trial?", "Also, do you support HubSpot?")),
        ("Can your tool route leads to reps by region?", ("Can your tool route leads to reps by region?",)),
    ],
)
def test_finds_questions_back(text: str, questions: tuple[str, ...]) -> None:
    assert questions_in(text) == questions


@pytest.mark.parametrize(
    "text",
    ["10k?", "Q2?", "maybe?", "not sure?", "What?", "Sorry?", "We need better lead routing.", "next quarter probably", "can I talk to a person?"],
)
def test_unsure_answers_are_not_questions(text: str) -> None:
    assert questions_in(text) == ()
