"""The LLM extractor's prompt: templates checked at start, the context they are given, the calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import Settings
from bot.extract.base import ProspectMessage
from bot.extract.llm_prompt import Prompt, PromptTemplateError, landmarks
from bot.facts import FIELDS


@pytest.mark.parametrize(
    ("template", "where"),
    [("Today is {{ ref_date }. {% if %}", "system.j2:1"), ("Today is {{ the_weather }}", "the_weather")],
)
def test_a_broken_prompt_template_is_named_at_start(tmp_path: Path, template: str, where: str) -> None:
    (tmp_path / "extract").mkdir()
    (tmp_path / "extract" / "system.j2").write_text(template)
    (tmp_path / "extract" / "user.j2").write_text("{{ text }}")

    with pytest.raises(PromptTemplateError, match=where):
        Prompt(tmp_path)


def test_the_shipped_prompt_names_every_field_and_the_context() -> None:
    prompt = Prompt(Settings().prompts_dir)
    email = ProspectMessage(text="Q: ok", ref_date=date(2026, 2, 10), channel="email", asked="timeline")
    system, user = prompt.system(email), prompt.user(email)

    for field in FIELDS:
        assert field in system
    assert "2026-02-10 (Tuesday)" in system
    assert "timeline_bucket, timeline_days" in system
    assert "end of this quarter (Q1 2026): 2026-03-31 = 49 days" in system
    assert "Q: ok" not in system and "Q: ok" in user
    assert "quoted" in system and "quoted" not in prompt.system(ProspectMessage("hi", date(2026, 2, 10)))


@pytest.mark.parametrize(
    ("ref_date", "label", "day", "days"),
    [
        (date(2026, 2, 10), "end of this quarter (Q1 2026)", date(2026, 3, 31), 49),
        (date(2026, 11, 23), "end of next quarter (Q1 2027)", date(2027, 3, 31), 128),
        (date(2026, 11, 23), "this week (coming Sunday)", date(2026, 11, 29), 6),
        (date(2026, 11, 29), "this week (coming Sunday)", date(2026, 11, 29), 0),
        (date(2027, 12, 5), "end of February 2028", date(2028, 2, 29), 86),
        (date(2026, 12, 31), "end of December 2026 (this month)", date(2026, 12, 31), 0),
    ],
)
def test_landmarks_count_calendar_days(ref_date: date, label: str, day: date, days: int) -> None:
    marks = {mark.label: mark for mark in landmarks(ref_date)}

    assert (marks[label].day, marks[label].days) == (day, days)
    assert all(mark.days == (mark.day - ref_date).days >= 0 for mark in marks.values())
