"""Logging set-up that never writes a secret: configured values and token-shaped strings are masked.

uvicorn logs every websocket path with its query string (``/ws/chat?resume=…``) and clients may
put keys in URLs; the filter masks resume tokens, bearer credentials, our token prefixes and the
exact values of every secret setting before any handler writes the line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_PATTERNS = [
    (re.compile(r"(resume(?:_token)?=)[^&\s\"']+"), r"\1***"),
    (re.compile(r"(?i)(bearer\s+)[^\s\"']+"), r"\1***"),
    (re.compile(r"\b(rt_|qb_)[A-Za-z0-9_\-]{8,}"), r"\1***"),
    (re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"), "sk-***"),
]


class RedactSecrets(logging.Filter):
    """Masks secrets in a record's final message (the record is rewritten, never dropped)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message, self._secrets)
        if record.exc_info and record.exc_text is None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every known secret and token-shaped string masked."""
    for secret in secrets:
        text = text.replace(secret, "***")
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Log to standard error at ``level``; every handler masks secrets."""
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    redactor = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
