"""The hybrid extractor: rules first, the LLM (a real client against the fake server) only when the rules are unsure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.extract.base import ProspectMessage
from bot.extract.hybrid import HybridExtractor, merge
from bot.extract.llm import LLMExtractor
from bot.facts import Extraction, Fact
from tests.support.fake_openai import Content, FakeOpenAI, Hang, Reply
from tests.support.keyword_extractor import KeywordExtractor


@pytest.fixture
async def hybrid(fake_openai: FakeOpenAI) -> AsyncIterator[HybridExtractor]:
    settings = Settings(
        llm_base_url=fake_openai.base_url, llm_api_key=SecretStr("k"), llm_timeout_seconds=2.0, llm_max_retries=0
    )
    rules = KeywordExtractor()
    extractor = HybridExtractor(rules, LLMExtractor(settings, fallback=rules))
    yield extractor
    await extractor.aclose()


def chat(text: str) -> ProspectMessage:
    return ProspectMessage(text=text, ref_date=date(2026, 11, 23), asked=None)


def fact(value: Any, evidence: str) -> dict[str, Any]:
    return {"value": value, "evidence": evidence, "confidence": 0.8}


async def test_only_unsure_messages_go_to_the_llm(fake_openai: FakeOpenAI, hybrid: HybridExtractor) -> None:
    fake_openai.script(Reply({"need": fact("confirmed", "leads go cold before anyone calls")}, 90, 10))
    plain = [chat("I sign the contracts"), chat("we are 45 people"), chat("there is no budget left")]
    vague = [chat("honestly our leads go cold before anyone calls"), chat("leads go cold before anyone calls back")]

    results = [await hybrid.extract(m) for m in [*plain, *vague]]

    assert len(fake_openai.requests) == 2
    sent = [r.messages("user")[0] for r in fake_openai.requests]
    assert all(m.text in s for m, s in zip(vague, sent))
    assert [r.extractor for r in results] == ["keywords"] * 3 + ["keywords+llm"] * 2
    assert results[3].fields() == {"need": "confirmed"}
    assert hybrid.stats.messages == 5
    assert hybrid.stats.sent_to_llm == 2
    assert hybrid.stats.tokens == 200
    assert hybrid.stats.llm_share == pytest.approx(0.4)


async def test_llm_failure_keeps_the_rules_reading(fake_openai: FakeOpenAI, hybrid: HybridExtractor) -> None:
    fake_openai.script(Hang(30))
    result = await hybrid.extract(chat("can't really say yet"))

    assert result.extractor == "keywords (llm fallback: timeout)"
    assert result.facts == []
    assert "llm fallback: timeout" in result.notes
    assert hybrid.rules.calls == 1  # type: ignore[attr-defined]
    assert (hybrid.stats.sent_to_llm, hybrid.stats.llm_failures) == (1, 1)


async def test_malformed_llm_answer_counts_its_tokens(fake_openai: FakeOpenAI, hybrid: HybridExtractor) -> None:
    fake_openai.script(Content("not json at all"))
    result = await hybrid.extract(chat("hmm"))

    assert result.extractor == "keywords (llm fallback: malformed answer)"
    assert hybrid.stats.tokens == result.tokens == 110


def extraction(name: str, **facts: Any) -> Extraction:
    listed = [Fact.model_validate({"field": f, "value": v, "evidence": str(v)}) for f, v in facts.items()]
    return Extraction(extractor=name, unsure=name == "rules", facts=listed)


def test_merge_fills_missing_topics_and_keeps_the_rest() -> None:
    merged = merge(extraction("rules", authority="influencer"), extraction("llm", employees=40, need="confirmed"))

    assert merged.fields() == {"authority": "influencer", "need": "confirmed", "employees": 40}
    assert merged.extractor == "rules+llm"
    assert merged.unsure is False


def test_merge_replaces_a_topic_group_as_a_whole() -> None:
    rules = extraction("rules", budget_min=2026, budget_max=2026, budget_currency="USD", country="US")
    llm = extraction("llm", budget_status="undecided", employees=12)

    merged = merge(rules, llm)

    assert merged.fields() == {"budget_status": "undecided", "employees": 12, "country": "US"}
    assert any("budget_min" in note and "2026" in note for note in merged.notes)


def test_merge_corrects_a_conflicting_value() -> None:
    merged = merge(extraction("rules", authority="decision_maker"), extraction("llm", authority="influencer"))

    assert merged.fields() == {"authority": "influencer"}
    assert merged.notes == ["llm corrected authority: rules read 'decision_maker', llm read 'influencer'"]
