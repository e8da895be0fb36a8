"""Wording in flows and the knowledge file: one string, variants, or per-channel text."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

CHANNELS: tuple[str, ...] = ("chat", "email")


class TextError(ValueError):
    """A wording that is neither a string, a list of strings nor a per-channel mapping."""


def _check_text(value: Any) -> Any:
    def strings(v: Any) -> bool:
        if isinstance(v, str):
            return bool(v.strip())
        return isinstance(v, list) and bool(v) and all(isinstance(s, str) and s.strip() for s in v)

    if strings(value):
        return value
    if isinstance(value, dict) and value and set(value) <= set(CHANNELS) and "chat" in value:
        bad = [k for k, v in value.items() if not strings(v)]
        if not bad:
            return value
        raise TextError(f"wording for {', '.join(bad)} must be a non-empty string or list of strings")
    raise TextError(
        "wording must be a non-empty string, a list of variants, or {chat: ..., email: ...} (chat required)"
    )


_VARIANTS_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
_TEXT_SCHEMA: dict[str, Any] = {
    "description": "What the bot says: one string, a list of variants (one is picked from the "
    "conversation's seed), or a mapping with per-channel wording (chat short, email fuller; email "
    "falls back to chat).",
    "anyOf": [
        *_VARIANTS_SCHEMA["anyOf"],
        {
            "type": "object",
            "properties": {"chat": _VARIANTS_SCHEMA, "email": _VARIANTS_SCHEMA},
            "required": ["chat"],
            "additionalProperties": False,
        },
    ],
}

Text = Annotated[Any, BeforeValidator(_check_text), WithJsonSchema(_TEXT_SCHEMA)]


def variants(text: Any, channel: str) -> list[str]:
    """The wording variants of ``text`` for ``channel`` (email falls back to chat)."""
    if isinstance(text, dict):
        text = text.get(channel, text["chat"])
    return [text] if isinstance(text, str) else list(text)
