"""The email to the rep a lead is assigned to, rendered from the webhook payload with ``prompts/handoff/`` templates.

Rendering is pure (templates in, text out); :func:`build_email` turns a rendered message into
an ``EmailMessage`` whose ``Message-ID`` derives from the delivery's idempotency key, so a
retried email is recognisably the same message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from bot.resources import resource_path

_TITLES = {
    "lead.qualified": "New sales-qualified lead for you",
    "lead.nurture": "Lead moved to nurture",
    "lead.disqualified": "Lead disqualified",
    "lead.updated": "Lead updated",
}


class RepEmailRenderer:
    """Renders the rep email (subject, text, HTML) from a webhook payload; templates are customer-editable."""

    def __init__(self, templates_dir: Path) -> None:
        # A customer's prompts folder without handoff templates falls back to the shipped ones.
        shipped = resource_path("prompts") / "handoff"
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(templates_dir)), FileSystemLoader(str(shipped))]),
            undefined=StrictUndefined,
            autoescape=lambda name: bool(name) and str(name).endswith(".html.j2"),
            keep_trailing_newline=True,
        )
        # Fail at start, naming the file, rather than at the first qualified lead.
        self.templates = {
            part: self.env.get_template(f"rep_email{suffix}")
            for part, suffix in (("subject", "_subject.j2"), ("text", ".txt.j2"), ("html", ".html.j2"))
        }

    def render(self, payload: Mapping[str, Any], *, to: str, rep_name: str | None) -> dict[str, str]:
        """``{"to", "subject", "text", "html"}`` of the email about ``payload`` to ``to``."""
        lead = payload["lead"]
        assignment = payload.get("assignment") or {}
        evidence = payload.get("evidence") or {}
        context = {
            "title": _TITLES.get(payload["event"], "Lead event"),
            "who": _one_line(lead.get("name") or lead.get("email") or f"lead {lead['id']}")
            + (f" ({_one_line(lead['company'])})" if lead.get("company") else ""),
            "stage": payload["decision"]["stage"],
            "score": (payload.get("score") or {}).get("score"),
            "score_parts": (payload.get("score") or {}).get("parts", []),
            "rep_name": rep_name,
            "lead": lead,
            "reasons": payload["decision"]["reasons"],
            "facts": [
                {"field": name, "value": value, "evidence": evidence.get(name)}
                for name, value in (payload.get("facts") or {}).items()
            ],
            "assignment": assignment or None,
            "meeting_link": (assignment.get("rep") or {}).get("meeting_link"),
            "transcript_url": lead.get("url"),
        }
        rendered = {part: template.render(context) for part, template in self.templates.items()}
        subject = _one_line(rendered["subject"])[:250]
        return {"to": to, "subject": subject, "text": rendered["text"], "html": rendered["html"]}


def build_email(message: Mapping[str, str], *, sender: str, idempotency_key: str, now: datetime) -> EmailMessage:
    """The MIME message (text with an HTML alternative) for a rendered rep email."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message["to"]
    email["Subject"] = message["subject"]
    email["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "qualbot.localhost"
    email["Message-ID"] = f"<{idempotency_key}@{domain}>"  # the same on every retry: receivers can dedupe
    email["X-Qualbot-Idempotency-Key"] = idempotency_key
    email.set_content(message["text"])
    email.add_alternative(message["html"], subtype="html")
    return email


def _one_line(text: str) -> str:
    """Prospect text made safe for a header: no line breaks, collapsed spaces."""
    return re.sub(r"\s+", " ", str(text)).strip()
