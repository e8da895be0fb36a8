"""Builds the extractor the settings ask for: rules, llm, hybrid, or auto.

``auto`` means hybrid when an LLM is configured (an API key or a base URL), else the offline
rules, so a fresh install works without any LLM and gains one by setting a key.
"""

from __future__ import annotations

from bot.config import Settings
from bot.extract.base import Extractor

KINDS = ("rules", "llm", "hybrid", "auto")


class UnknownExtractorKind(ValueError):
    """The extractor kind asked for is not one of :data:`KINDS`."""


def llm_configured(settings: Settings) -> bool:
    """True when the settings name an LLM to call (an API key or a base URL)."""
    return settings.llm_api_key is not None or bool(settings.llm_base_url)


def resolve_kind(settings: Settings, kind: str | None = None) -> str:
    """The concrete kind (rules, llm or hybrid) that ``kind`` (default ``settings.extractor``) stands for."""
    chosen = kind or settings.extractor
    if chosen not in KINDS:
        raise UnknownExtractorKind(f"unknown extractor {chosen!r}; expected one of {', '.join(KINDS)}")
    if chosen == "auto":
        return "hybrid" if llm_configured(settings) else "rules"
    return chosen


def build_extractor(settings: Settings, kind: str | None = None, *, rules: Extractor | None = None) -> Extractor:
    """The extractor of ``kind`` (rules|llm|hybrid|auto; default ``settings.extractor``).

    ``rules`` is the offline extractor to use (default: a new ``RulesExtractor``); the LLM and
    hybrid kinds fall back to it when the LLM fails. Close an LLM-backed extractor with its
    ``aclose()`` on shutdown.
    """
    resolved = resolve_kind(settings, kind)
    if rules is None:
        # Imported on use, like LangChain below: importing the factory stays cheap.
        from bot.extract.rules import RulesExtractor

        rules = RulesExtractor()
    if resolved == "rules":
        return rules
    from bot.extract.llm import LLMExtractor

    llm = LLMExtractor(settings, fallback=rules)
    if resolved == "llm":
        return llm
    from bot.extract.hybrid import HybridExtractor

    return HybridExtractor(rules, llm)
