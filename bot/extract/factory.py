"""Builds the extractor the settings ask for: rules, llm, hybrid, or auto.

``auto`` means hybrid when an LLM is configured (an API key or a base URL), else the offline
rules, so a fresh install works without any LLM and gains one by setting a key.
"""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.extract.base import Extractor

logger = logging.getLogger(__name__)

KINDS = ("rules", "llm", "hybrid", "auto")


class UnknownExtractorKind(ValueError):
    """The extractor kind asked for is not one of :data:`KINDS`."""


class LLMNotConfigured(ValueError):
    """An LLM-backed extractor was asked for, but no LLM API key or base URL is set."""


def llm_configured(settings: Settings) -> bool:
    """True when the settings name an LLM to call (an API key or a base URL)."""
    return settings.llm_api_key is not None or bool(settings.llm_base_url)


def resolve_kind(settings: Settings, kind: str | None = None) -> str:
    """The concrete kind (rules, llm or hybrid) that ``kind`` (default ``settings.extractor``) stands for.

    Raises :class:`UnknownExtractorKind` for a kind not in :data:`KINDS`, and :class:`LLMNotConfigured`
    when llm or hybrid is asked for explicitly without an LLM configured.
    """
    chosen = kind or settings.extractor
    if chosen not in KINDS:
        raise UnknownExtractorKind(f"unknown extractor {chosen!r}; expected one of {', '.join(KINDS)}")
    if chosen == "auto":
        return "hybrid" if llm_configured(settings) else "rules"
    if chosen != "rules" and not llm_configured(settings):
        raise LLMNotConfigured(
            f"extractor {chosen!r} needs an LLM: set QUALBOT_LLM_API_KEY and/or QUALBOT_LLM_BASE_URL, or use 'rules'"
        )
    return chosen


def build_extractor(settings: Settings, kind: str | None = None, *, rules: Extractor | None = None) -> Extractor:
    """The extractor of ``kind`` (rules|llm|hybrid|auto; default ``settings.extractor``).

    ``rules`` is the offline extractor to use (default: a new ``RulesExtractor``); the LLM and
    hybrid kinds fall back to it when the LLM fails. Release it with :func:`close_extractor` on
    shutdown.
    """
    resolved = resolve_kind(settings, kind)
    if resolved == "rules":
        logger.info("extractor: rules")
    else:
        where = settings.llm_base_url or "the OpenAI API"
        logger.info("extractor: %s, model %s at %s", resolved, settings.llm_model, where)
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


async def close_extractor(extractor: Extractor) -> None:
    """Release what ``extractor`` holds open (the LLM's HTTP connections); a no-op for the rules."""
    aclose = getattr(extractor, "aclose", None)
    if aclose is not None:
        await aclose()
