"""The rep email: rendered from the webhook payload, prospect text escaped in HTML and kept out of headers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from jinja2 import TemplateSyntaxError

from bot.facts import Fact
from bot.handoff.notify import RepEmailRenderer, build_email
from bot.handoff.payloads import build_payload
from bot.qualify.policy import Decision, Reason
from bot.qualify.routing import Assignment, Rep
from bot.resources import resource_path

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def payload(event: str = "lead.qualified", name: str = "Zoë <script>alert(1)</script>\nBcc: x@evil.example") -> dict:
    rep = Rep(name="Ana Example", email="ana@example.com", meeting_link="https://cal.example.com/ana")
    facts = {
        "need": Fact(field="need", value="confirmed", evidence="we lose <b>leads</b> at night"),
        "budget_max": Fact(field="budget_max", value=25000, evidence="$25,000 a year"),
    }
    return build_payload(
        event,
        {"id": "L1", "name": name, "email": "zoe@example.org", "company": "Acme", "url": "https://q.example/console/leads/L1"},
        Decision("sql" if event == "lead.qualified" else "nurture", () if event == "lead.qualified" else
                 (Reason("timeline_too_far", ("timeline_bucket",), "over a year away"),)),
        None,
        Assignment("ana@example.com", "americas", "territory americas, round-robin: rep 1 of 2", {}, rep),
        facts,
        event_id="evt_1",
        occurred_at=NOW,
    )  # fmt: skip


def renderer() -> RepEmailRenderer:
    return RepEmailRenderer(resource_path("prompts") / "handoff")


def test_the_rep_email_has_summary_facts_with_evidence_links_and_escapes_prospect_text() -> None:
    message = renderer().render(payload(), to="ana@example.com", rep_name="Ana Example")
    assert "\n" not in message["subject"] and "Bcc:" in message["subject"], "the line break is gone, the text stays"
    assert message["subject"].startswith("New sales-qualified lead for you: Zoë")
    text, html = message["text"], message["html"]
    assert "Hi Ana Example," in text and "Stage: SQL" in text
    assert 'need: confirmed\n      "we lose <b>leads</b> at night"' in text
    assert "https://q.example/console/leads/L1" in text and "https://cal.example.com/ana" in text
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;leads&lt;/b&gt;" in html
    assert 'href="https://q.example/console/leads/L1"' in html

    email = build_email(message, sender="Sales Team <qualbot@acme.example>", idempotency_key="evt_1", now=NOW)
    assert email["Message-ID"] == "<evt_1@acme.example>" and email["To"] == "ana@example.com"
    assert email.get_body(("html",)) is not None and email.get_body(("plain",)).get_content().startswith("Hi Ana")


def test_reasons_are_listed_for_a_lead_that_is_not_an_sql() -> None:
    message = renderer().render(payload("lead.nurture", name="Zoë"), to="ana@example.com", rep_name=None)
    assert message["subject"].startswith("Lead moved to nurture: Zoë (Acme) — NURTURE")
    assert "timeline_too_far: over a year away" in message["text"] and "Hi there," in message["text"]


def test_customer_templates_override_the_shipped_ones_and_errors_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "rep_email_subject.j2").write_text("Lead {{ lead.id }} for {{ rep_name }}")
    custom = RepEmailRenderer(tmp_path).render(payload(), to="ana@example.com", rep_name="Ana")
    assert custom["subject"] == "Lead L1 for Ana"
    assert "What they told us" in custom["text"], "missing templates come from the shipped folder"
    (tmp_path / "rep_email.txt.j2").write_text("{% if %}")
    with pytest.raises(TemplateSyntaxError) as error:
        RepEmailRenderer(tmp_path)
    assert "rep_email.txt.j2" in str(error.value.filename)
