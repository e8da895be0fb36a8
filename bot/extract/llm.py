"""The LLM extractor: reads a prospect's message with any OpenAI-compatible chat model through LangChain.

The model answers in the fact schema (:mod:`bot.extract.llm_answer`) by the structured-output method
``Settings.llm_structured_method``; every value is then checked (schema, evidence in the prospect's
own words, injection guard) and dropped with a note when a check fails. The system prompt is the
customer-editable template ``prompts/extract/system.j2``; the prospect's text goes only in the user
turn (``prompts/extract/user.j2``), delimited as data (:mod:`bot.extract.llm_prompt`).

The LLM is an optional helper, never a single point of failure: a timeout, a connection error, an
HTTP error or a malformed or truncated answer makes :meth:`LLMExtractor.extract` return what the fallback
extractor reads instead, saying so in ``notes`` and in ``extractor``. ``llm_timeout_seconds`` bounds
the whole LLM step of one message, retries included.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import openai
from jinja2 import TemplateError
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable
from langchain_openai import ChatOpenAI

from bot.config import Settings
from bot.extract.base import Extractor, ProspectMessage
from bot.extract.llm_answer import ANSWER_SCHEMA, MalformedAnswer, facts_from_answer
from bot.extract.llm_prompt import Prompt, PromptTemplateError
from bot.facts import Extraction

logger = logging.getLogger(__name__)

__all__ = ["LLMExtractor", "LLMUnavailable", "PromptTemplateError", "fallen_back"]

_NO_KEY = "unused"  # local OpenAI-compatible servers (vLLM, Ollama, llama.cpp) need no key, the client needs one


class LLMUnavailable(Exception):
    """The LLM gave no usable answer for a message; ``reason`` says why in a few words."""

    def __init__(self, reason: str, tokens: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.tokens = tokens


def _reason(exc: BaseException) -> str:
    """A short, secret-free name for a failure of the LLM call."""
    if isinstance(exc, (asyncio.TimeoutError, openai.APITimeoutError)):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection error"
    if isinstance(exc, openai.APIStatusError):
        return f"http {exc.status_code}"
    if isinstance(exc, openai.LengthFinishReasonError):
        return "truncated answer"
    if isinstance(exc, TemplateError):
        return "prompt template error"
    if isinstance(exc, openai.OpenAIError):
        return f"api error ({type(exc).__name__})"
    return "malformed answer"


def _tokens(raw: Any) -> int:
    usage = getattr(raw, "usage_metadata", None) if isinstance(raw, AIMessage) else None
    return int(usage.get("total_tokens", 0)) if usage else 0


class LLMExtractor:
    """Extractor backed by an OpenAI-compatible chat model, with ``fallback`` used whenever the model fails.

    Build one per process and reuse it; call :meth:`aclose` on shutdown to release its HTTP
    connections.
    """

    name = "llm"

    def __init__(self, settings: Settings, fallback: Extractor) -> None:
        self.fallback = fallback
        self._timeout = settings.llm_timeout_seconds
        self.prompt = Prompt(settings.prompts_dir)
        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else _NO_KEY
        # Our own HTTP client, so connections belong to this extractor and not to a cache shared
        # across event loops; closed by aclose().
        self._http = openai.DefaultAsyncHttpxClient()
        model = ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=key,  # type: ignore[arg-type]
            timeout=settings.llm_timeout_seconds,
            max_retries=settings.llm_max_retries,
            temperature=0,
            use_responses_api=False,  # OpenAI-compatible servers speak chat completions only
            http_async_client=self._http,
        )
        method = settings.llm_structured_method
        self._chain: Runnable[Any, dict[str, Any]] = model.with_structured_output(
            ANSWER_SCHEMA,
            method=method,
            include_raw=True,
            strict=None if method == "json_mode" else True,
        )

    def messages(self, message: ProspectMessage) -> list[SystemMessage | HumanMessage]:
        """The chat messages sent for ``message``: the rendered system prompt, then the text as data."""
        return [SystemMessage(self.prompt.system(message)), HumanMessage(self.prompt.user(message))]

    async def ask(self, message: ProspectMessage) -> Extraction:
        """What the LLM reads in ``message`` after every check; raises :class:`LLMUnavailable` on failure."""
        try:
            result = await asyncio.wait_for(self._chain.ainvoke(self.messages(message)), self._timeout)
        except Exception as exc:  # any failure of the call is a reason to fall back, never to lose the message
            usage = getattr(getattr(exc, "completion", None), "usage", None)  # a cut-off answer was still paid for
            raise LLMUnavailable(_reason(exc), getattr(usage, "total_tokens", 0) or 0) from exc
        raw = result.get("raw")
        tokens = _tokens(raw)
        # LangChain's JSON parser completes a cut-off answer; a value from it may rest on cut-off evidence.
        if isinstance(raw, AIMessage) and raw.response_metadata.get("finish_reason") == "length":
            raise LLMUnavailable("truncated answer", tokens)
        if result.get("parsing_error") is not None or result.get("parsed") is None:
            raise LLMUnavailable("malformed answer", tokens)
        try:
            facts, notes = facts_from_answer(result["parsed"], message.text, message.channel)
        except MalformedAnswer as exc:
            raise LLMUnavailable("malformed answer", tokens) from exc
        return Extraction(extractor=self.name, facts=facts, notes=notes, tokens=tokens)

    async def extract(self, message: ProspectMessage) -> Extraction:
        """The LLM's reading of ``message``, or the fallback's (with a note saying why) when the LLM fails."""
        try:
            return await self.ask(message)
        except LLMUnavailable as failure:
            return fallen_back(await self.fallback.extract(message), failure, message)

    async def aclose(self) -> None:
        """Release the HTTP connections to the LLM server."""
        await self._http.aclose()


def fallen_back(result: Extraction, failure: LLMUnavailable, message: ProspectMessage) -> Extraction:
    """``result`` of another extractor, marked (and logged) as standing in for the LLM that failed on ``message``."""
    # Never the key nor the prospect's text: only what an operator needs to see the LLM is failing.
    logger.warning(
        "LLM extraction failed (%s); using the %s extractor's reading of a %d-character %s message",
        failure.reason, result.extractor, len(message.text), message.channel,
    )
    return result.model_copy(
        update={
            "extractor": f"{result.extractor} (llm fallback: {failure.reason})",
            "notes": [*result.notes, f"llm fallback: {failure.reason}"],
            "tokens": result.tokens + failure.tokens,
        }
    )

