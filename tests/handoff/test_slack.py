"""Slack messages: the essentials of a lead, with prospect text unable to inject markup."""

from __future__ import annotations

from typing import Any

from bot.handoff.payloads import build_payload
from bot.handoff.slack import escape, slack_message
from bot.qualify.policy import Decision, Reason
from bot.qualify.routing import Assignment, Rep


def payload(**lead: Any) -> dict[str, Any]:
    decision = Decision("nurture", (Reason("no_budget", ("budget_status",), "the prospect has no budget <yet>"),))
    rep = Rep.model_validate({"name": "Ann", "email": "ann@example.com", "meeting_link": "https://cal.example.com/ann"})
    assignment = Assignment("ann@example.com", "na", "territory na", {}, rep)
    return build_payload("lead.nurture", {"id": 1, **lead}, decision, None, assignment, {"budget_status": "none"})


def all_text(message: dict[str, Any]) -> str:
    return repr(message)


def test_message_has_fallback_text_stage_reasons_and_buttons() -> None:
    message = slack_message(payload(name="Zoë", company="Acme", url="https://qualbot.example/leads/1"))
    assert message["text"] == "Lead moved to nurture: Zoë (Acme) — NURTURE"
    kinds = [block["type"] for block in message["blocks"]]
    assert kinds == ["header", "section", "section", "section", "actions"]
    assert "`no_budget`" in message["blocks"][2]["text"]["text"]
    urls = [element["url"] for element in message["blocks"][-1]["elements"]]
    assert urls == ["https://qualbot.example/leads/1", "https://cal.example.com/ann"]
    assert "*Owner:* Ann" in message["blocks"][1]["text"]["text"]


def test_prospect_text_cannot_mention_channel_or_forge_links() -> None:
    message = slack_message(payload(name="<!channel> <https://evil.example|click>", company="A&B"))
    text = all_text(message)
    assert "<!channel>" not in text
    assert "<https://evil.example" not in text
    assert "&lt;!channel&gt;" in message["text"]
    assert "A&amp;B" in message["text"]


def test_lead_without_name_falls_back_to_email_then_id() -> None:
    assert "zoe@example.org" in slack_message(payload(email="zoe@example.org"))["text"]
    assert "lead 1" in slack_message(payload())["text"]


def test_escape() -> None:
    assert escape("a < b && c > d") == "a &lt; b &amp;&amp; c &gt; d"


def test_long_text_is_clipped_below_slacks_limit() -> None:
    message = slack_message(payload(name="x" * 5000))
    assert all(len(block["text"]["text"]) <= 3000 for block in message["blocks"] if "text" in block)
