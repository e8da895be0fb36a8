"""The extractor factory: which kind the settings resolve to, and what it builds (rules passed in explicitly)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.config import Settings
from bot.extract.factory import (
    LLMNotConfigured,
    UnknownExtractorKind,
    build_extractor,
    close_extractor,
    resolve_kind,
)
from bot.extract.hybrid import HybridExtractor
from bot.extract.llm import LLMExtractor
from tests.support.keyword_extractor import KeywordExtractor


@pytest.mark.parametrize(
    ("key", "base_url", "expected"),
    [(None, None, "rules"), ("sk-x", None, "hybrid"), (None, "http://127.0.0.1:11434/v1", "hybrid")],
)
def test_auto_is_hybrid_only_with_an_llm_configured(key: str | None, base_url: str | None, expected: str) -> None:
    settings = Settings(extractor="auto", llm_api_key=SecretStr(key) if key else None, llm_base_url=base_url)

    assert resolve_kind(settings) == expected


def test_an_explicit_kind_overrides_the_setting() -> None:
    settings = Settings(extractor="rules", llm_api_key=SecretStr("sk-x"))

    assert resolve_kind(settings) == "rules"
    assert resolve_kind(settings, "llm") == "llm"
    with pytest.raises(UnknownExtractorKind):
        resolve_kind(settings, "magic")


@pytest.mark.parametrize("kind", ["llm", "hybrid"])
def test_an_llm_kind_without_an_llm_is_a_configuration_error(kind: str) -> None:
    settings = Settings(llm_api_key=None, llm_base_url=None)

    with pytest.raises(LLMNotConfigured, match="QUALBOT_LLM_API_KEY"):
        resolve_kind(settings, kind)
    with pytest.raises(LLMNotConfigured):
        resolve_kind(settings.model_copy(update={"extractor": kind}))


async def test_build_wires_the_rules_in_as_first_stage_and_fallback(caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(llm_base_url="http://127.0.0.1:9/v1", llm_api_key=SecretStr("sk-secret-1"), llm_model="m-1")
    rules = KeywordExtractor()
    caplog.set_level("INFO", logger="bot.extract.factory")

    assert build_extractor(settings, "rules", rules=rules) is rules
    llm = build_extractor(settings, "llm", rules=rules)
    hybrid = build_extractor(settings, rules=rules)

    assert isinstance(llm, LLMExtractor) and llm.fallback is rules
    assert isinstance(hybrid, HybridExtractor) and hybrid.rules is rules and hybrid.llm.fallback is rules
    assert "extractor: hybrid, model m-1 at http://127.0.0.1:9/v1" in caplog.text
    assert "sk-secret-1" not in caplog.text
    for extractor in (rules, llm, hybrid):
        await close_extractor(extractor)
    assert llm._http.is_closed and hybrid.llm._http.is_closed
