"""Webhook payloads: valid against the published JSON Schema, which must match the code."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from bot.facts import Fact
from bot.handoff.payloads import EVENTS, build_payload, event_for_stage, payload_schema
from bot.qualify.policy import decide, default_policy
from bot.qualify.routing import RoutingInput, RoutingRules, route
from bot.qualify.scoring import EngagementEvent, score_lead
from tests.qualify.factories import sql_facts

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "webhook-payload.schema.json"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
RULES = RoutingRules.model_validate(
    {"teams": {"na": {"countries": ["US"], "reps": [
        {"name": "Ann", "email": "ann@example.com", "meeting_link": "https://cal.example.com/ann"}]}}}
)  # fmt: skip


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def lead_payload(event: str, facts: dict, **kwargs: object) -> dict:
    decision = decide(facts, default_policy(), complete=True)
    score = score_lead(facts, [EngagementEvent("download", NOW)], default_policy(), now=NOW)
    assignment = route(RoutingInput(str(facts.get("country")), None, decision.stage), RULES, {})
    lead = {"id": 42, "name": "Zoë Park", "email": "zoe@example.org", "company": "Acme", "created_at": NOW,
            "internal_notes": "not for webhooks"}  # fmt: skip
    return build_payload(event, lead, decision, score, assignment, facts, **kwargs)  # type: ignore[arg-type]


def test_schema_file_is_current() -> None:
    published = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    hint = "regenerate: python -m bot.handoff.payloads > docs/webhook-payload.schema.json"
    assert published == payload_schema(), hint


@pytest.mark.parametrize(
    ("facts", "event"),
    [
        (sql_facts(), "lead.qualified"),
        (sql_facts(budget_status="none"), "lead.nurture"),
        (sql_facts(need="none"), "lead.disqualified"),
        (sql_facts(authority="none"), "lead.updated"),
        ({}, "lead.updated"),
    ],
)
def test_built_payloads_are_valid_for_every_event(validator: Draft202012Validator, facts: dict, event: str) -> None:
    decision = decide(facts, default_policy(), complete=True)
    assert event_for_stage(decision.stage) == event
    payload = lead_payload(event, facts, occurred_at=NOW, event_id="evt_1")
    errors = sorted(validator.iter_errors(payload), key=str)
    assert errors == []
    assert payload["event"] == event
    assert payload["decision"] == decision.to_json()


def test_payload_contents(validator: Draft202012Validator) -> None:
    facts = {**sql_facts(), "need": Fact(field="need", value="confirmed", evidence="our SDRs drown in leads")}
    payload = lead_payload("lead.qualified", facts)
    assert payload["lead"]["id"] == "42"
    assert payload["lead"]["created_at"] == NOW.isoformat()
    assert "internal_notes" not in payload["lead"]
    assert payload["facts"]["need"] == "confirmed"
    assert payload["evidence"] == {"need": "our SDRs drown in leads"}
    assert payload["assignment"]["rep"] == {
        "name": "Ann", "email": "ann@example.com", "meeting_link": "https://cal.example.com/ann"}  # fmt: skip
    assert payload["score"]["score"] == round(sum(p["points"] for p in payload["score"]["parts"]))
    assert payload["occurred_at"] is None
    assert list(validator.iter_errors(payload)) == []


def test_payload_without_score_or_assignment_is_valid(validator: Draft202012Validator) -> None:
    decision = decide({}, default_policy(), complete=False)
    payload = build_payload("lead.updated", {"id": "L1"}, decision, None, None, {})
    assert (payload["score"], payload["assignment"], payload["decision"]["stage"]) == (None, None, "iql")
    assert list(validator.iter_errors(payload)) == []


def test_id_is_derived_from_content_unless_given() -> None:
    first = lead_payload("lead.qualified", sql_facts())
    again = lead_payload("lead.qualified", sql_facts())
    other = lead_payload("lead.qualified", sql_facts(timeline_days=10))
    assert first["id"] == again["id"] != other["id"]
    assert first["id"].startswith("evt_")
    assert lead_payload("lead.qualified", sql_facts(), event_id="outbox-7")["id"] == "outbox-7"


def test_schema_refuses_what_the_contract_forbids(validator: Draft202012Validator) -> None:
    payload = lead_payload("lead.qualified", sql_facts())
    broken = [
        {**payload, "event": "lead.won"},
        {**payload, "facts": {**payload["facts"], "mood": "happy"}},
        {**payload, "score": {**payload["score"], "score": 101}},
        {key: value for key, value in payload.items() if key != "lead"},
    ]
    for item in broken:
        assert list(validator.iter_errors(item)), item


def test_unknown_event_or_missing_lead_id_is_refused() -> None:
    decision = decide({}, default_policy(), complete=False)
    with pytest.raises(ValueError, match="unknown webhook event"):
        build_payload("lead.won", {"id": 1}, decision, None, None, {})
    with pytest.raises(ValueError, match="id"):
        build_payload("lead.updated", {"name": "x"}, decision, None, None, {})


def test_events_cover_every_stage() -> None:
    assert {event_for_stage(stage) for stage in ("iql", "mql", "sql", "nurture", "disqualified")} == set(EVENTS)
