"""Handoff settings: lists from the environment as JSON or comma-separated, and refusals of unsafe setups."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.config import Settings


def test_lists_accept_commas_or_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUALBOT_WEBHOOK_URLS", " https://a.example/h , https://b.example/h")
    monkeypatch.setenv("QUALBOT_WEBHOOK_SECRET", "s")
    monkeypatch.setenv("QUALBOT_SLACK_EVENTS", '["lead.qualified"]')
    settings = Settings()
    assert settings.webhook_urls == ["https://a.example/h", "https://b.example/h"]
    assert settings.slack_events == ["lead.qualified"]
    assert settings.lead_url("L1") == "http://127.0.0.1:8000/console/leads/L1"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"webhook_urls": ["https://a.example/h"]}, "QUALBOT_WEBHOOK_SECRET is required"),
        ({"webhook_urls": ["ftp://a.example/h"], "webhook_secret": "s"}, "not an http(s) URL"),
        ({"slack_events": ["lead.created"]}, "unknown event 'lead.created'"),
    ],
)
def test_unsafe_or_unknown_settings_are_refused(fields: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings(**fields)
