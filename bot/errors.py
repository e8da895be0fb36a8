"""Named failures at the edges, each with a stable ``code`` that channels turn into error frames or HTTP errors."""

from __future__ import annotations


class QualbotError(Exception):
    """Base of every expected failure; ``code`` is stable and machine-readable."""

    code = "error"
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownFlow(QualbotError):
    """A conversation asked for a flow that is not loaded."""

    code = "unknown_flow"
    http_status = 404


class UnknownResumeToken(QualbotError):
    """A resume token that matches no conversation."""

    code = "unknown_resume_token"
    http_status = 404


class ConversationNotFound(QualbotError):
    """A conversation id that matches nothing."""

    code = "conversation_not_found"
    http_status = 404


class LeadNotFound(QualbotError):
    """A lead id that matches nothing."""

    code = "lead_not_found"
    http_status = 404


class InvalidMessage(QualbotError):
    """A prospect message that cannot be accepted (empty, too long)."""

    code = "invalid_message"
    http_status = 422


class StorageUnavailable(QualbotError):
    """The database could not be reached; the caller should retry shortly."""

    code = "storage_unavailable"
    http_status = 503


class InvalidTransition(QualbotError):
    """An action that does not fit the conversation's state (e.g. handing back a bot-run chat)."""

    code = "invalid_transition"
    http_status = 409
