"""Timeline expressions, counted from the message date by the benchmark's calendar rules."""

from __future__ import annotations

from datetime import date

import pytest

from tests.extract.conftest import read

MONDAY = date(2026, 5, 4)


@pytest.mark.parametrize(
    ("text", "days", "bucket"),
    [
        ("hoping to sign within 2 weeks", 14, "now"),
        ("by the end of this month", 27, "now"),
        ("end of next quarter", 149, "year"),
        ("sometime in Q4", 241, "year"),
        ("we want it by June 15", 42, "quarter"),
        ("decision in about 3 months", 92, "year"),
        ("this week if possible", 6, "now"),
        ("in March", 331, "year"),
        ("before the end of 2027", 606, "later"),
    ],
)
def test_pinned_dates(text: str, days: int, bucket: str) -> None:
    fields = read(text, asked="timeline", ref=MONDAY)
    assert fields.get("timeline_days") == days, fields
    assert fields.get("timeline_bucket") == bucket


@pytest.mark.parametrize(
    ("text", "bucket"),
    [
        ("asap please", "now"),
        ("urgently, our chat is a mess", "now"),
        ("not before 2029", "later"),
        ("we have no plans to buy anything like this", "none"),
    ],
)
def test_buckets_without_a_pinned_date(text: str, bucket: str) -> None:
    fields = read(text, asked="timeline", ref=MONDAY)
    assert fields.get("timeline_bucket") == bucket
    assert "timeline_days" not in fields


@pytest.mark.parametrize(
    "text",
    [
        "can we jump on a call next week?",
        "happy to do the demo on 12 May",
        "we switched CRMs in January",
        "our company was founded in 2011 and we've used this tool for 3 years",
    ],
)
def test_meetings_and_history_are_not_timelines(text: str) -> None:
    fields = read(text, ref=MONDAY)
    assert "timeline_days" not in fields and "timeline_bucket" not in fields, fields


def test_next_quarter_said_early_in_a_quarter_lands_in_year() -> None:
    fields = read("next quarter", asked="timeline", ref=date(2026, 4, 2))
    assert fields == {"timeline_days": 181, "timeline_bucket": "year"}


def test_a_date_typed_under_a_quoted_question_is_an_answer() -> None:
    email = "Hi,\n\nAnswers below.\n\n> When would you want to be live?\nBy the end of July.\n\n> Who else is involved?\nJust me.\n\nThanks\nLee"
    fields = read(email, channel="email")
    assert fields.get("timeline_days") == 88  # 2026-05-04 to 31 July
    assert read("We started with HubSpot. In March.").get("timeline_days") is None
