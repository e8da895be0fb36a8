"""The flows shipped in ``flows/`` run as documented, and the published schema is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine.dialogue import start
from bot.engine.flow import load_flows
from bot.engine.schema import flow_json_schema

from .factories import Conversation, asked

ROOT = Path(__file__).resolve().parents[2]
FLOWS = load_flows(ROOT / "flows")


def test_published_schema_is_current() -> None:
    published = (ROOT / "docs" / "flow-schema.json").read_text(encoding="utf-8")
    assert published == flow_json_schema(), "run: python -m bot.engine.schema docs/flow-schema.json"


def test_bant_order_and_optional_company_questions() -> None:
    talk = Conversation(FLOWS["bant"], seed=2)
    assert asked(talk.start()) == ["need"]
    assert asked(talk.say("a", {"need": "confirmed"})) == ["budget"]
    assert asked(talk.say("b", {"budget_status": "allocated"})) == ["authority"]
    assert asked(talk.say("c", {"authority": "decision_maker"})) == ["timeline"]
    assert asked(talk.say("d", {"timeline_bucket": "quarter"})) == ["company_size"]
    # "40 people in Berlin" answers both company questions at once.
    result = talk.say("e", {"employees": 40, "country": "DE"}, stage="sql")
    assert result.ended and result.outcome == "sql" and result.replies[-1].action == "book_meeting"


def test_bant_student_exits_to_nurture() -> None:
    talk = Conversation(FLOWS["bant"])
    talk.start()
    talk.say("a", {"need": "confirmed"})
    result = talk.say("I'm a student doing research", {"authority": "none"}, stage="disqualified")
    assert result.ended and result.outcome == "nurture" and result.exit == "not_a_buyer"


def test_bant_answers_pricing_from_the_knowledge_file() -> None:
    talk = Conversation(FLOWS["bant"])
    talk.start()
    result = talk.say("How much does it cost?")
    assert result.replies[0].kind == "answer" and "$49" in result.replies[0].text
    assert asked(result) == ["need"]


def test_champ_maps_onto_the_same_fields() -> None:
    flow = FLOWS["champ"]
    assert [(q.id, q.topic) for q in flow.questions] == [
        ("challenges", "need"),
        ("authority", "authority"),
        ("money", "budget"),
        ("prioritization", "timeline"),
    ]
    talk = Conversation(flow)
    talk.start()
    talk.say("a", {"need": "confirmed"})
    talk.say("b", {"authority": "influencer"})
    assert asked(talk.say("c", {"budget_status": "undecided"})) == ["prioritization"]
    assert talk.say("d", {"timeline_bucket": "year"}, stage="mql").outcome == "mql"


def test_agency_custom_topic_and_numeric_condition() -> None:
    flow = FLOWS["agency"]
    talk = Conversation(flow)
    talk.start()
    talk.say("a website", {"need": "confirmed"})
    talk.say("by March", {"timeline_bucket": "quarter"})
    result = talk.say("30-50k", {"budget_status": "allocated", "budget_min": 30000, "budget_max": 50000})
    assert asked(result) == ["engagement"] and result.replies[-1].field == "engagement"
    talk.say("one-off", {"budget_period": "one_time"})
    assert asked(talk.say("me", {"authority": "decision_maker"})) == ["team_size"]


def test_custom_topics_tell_the_extractor_a_standard_topic() -> None:
    flow = FLOWS["agency"]
    assert flow.extractor_topic("team") == "company"
    assert flow.extractor_topic("engagement") == "budget"
    assert flow.extractor_topic("timeline") == "timeline"
    assert flow.extractor_topic("unheard_of") is None


def test_agency_no_budget_exit_and_waiting_message() -> None:
    talk = Conversation(FLOWS["agency"])
    talk.start()
    result = talk.say("we have no budget", {"budget_status": "none"})
    assert result.ended and result.outcome == "nurture"
    other = Conversation(FLOWS["agency"])
    other.start()
    other.say("can I speak to someone?")
    assert other.say("hello?").replies[0].kind == "handoff"


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_every_flow_has_email_wording_and_starts_in_both_channels(name: str) -> None:
    flow = FLOWS[name]
    chat = start(flow, channel="chat", seed=1)
    email = start(flow, channel="email", seed=1)
    assert len([r for r in chat.replies if r.question_id]) == 1
    assert len([r for r in email.replies if r.question_id]) >= len([r for r in chat.replies if r.question_id])


def test_the_example_in_the_docs_is_a_valid_flow(tmp_path: Path) -> None:
    from bot.engine.check import check_paths

    doc = (ROOT / "docs" / "flows.md").read_text(encoding="utf-8")
    example = doc.split("## A small example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    assert check_paths([path]) == []
