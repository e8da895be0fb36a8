"""Learning a chat visitor's email address, so a later email from them continues the same lead.

A turn listener: when a chat message contains a valid email address and the lead has none yet,
the address is stored as the lead's contact email (in the turn's own transaction).
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from bot.conversations import TurnEvent

_CANDIDATE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)


def find_address(text: str) -> str | None:
    """The first valid email address in ``text`` (lower-cased), if any."""
    for candidate in _CANDIDATE.findall(text):
        try:
            return validate_email(candidate.strip(".,;:"), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            continue
    return None


class EmailAddressLearner:
    """Stores an email address typed in the chat on the lead (when it has none)."""

    async def on_turn(self, event: TurnEvent) -> None:
        if event.conversation.channel == "email" or event.lead.email:
            return
        address = find_address(event.text)
        if address:
            event.lead.email = address
