"""A Slack incoming-webhook message for a webhook payload: who, which stage, why, and the link.

Prospect-written text (names, companies, quotes) is escaped so that it cannot mention
``@channel``, forge links or break the formatting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_TITLES = {
    "lead.qualified": "New sales-qualified lead",
    "lead.nurture": "Lead moved to nurture",
    "lead.disqualified": "Lead disqualified",
    "lead.updated": "Lead updated",
}
_MAX_TEXT = 2900  # Slack refuses a section text over 3000 characters.


def escape(text: str) -> str:
    """``text`` safe inside Slack mrkdwn: ``&``, ``<`` and ``>`` escaped, as Slack requires."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body to POST to a Slack incoming webhook for ``payload`` (see payloads.py)."""
    lead = payload["lead"]
    decision = payload["decision"]
    who = escape(lead.get("name") or lead.get("email") or f"lead {lead['id']}")
    if lead.get("company"):
        who += f" ({escape(lead['company'])})"
    title = _TITLES.get(payload["event"], "Lead event")
    summary = [f"*Stage:* {decision['stage'].upper()}"]
    if payload.get("score") is not None:
        summary.append(f"*Score:* {payload['score']['score']}/100")
    assignment = payload.get("assignment")
    if assignment and assignment.get("owner"):
        rep = assignment.get("rep") or {}
        summary.append(f"*Owner:* {escape(rep.get('name') or assignment['owner'])}")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _clip(f"*{who}*\n" + "   ".join(summary))}},
    ]
    if decision["reasons"]:
        reasons = "\n".join(f"• `{r['code']}` {escape(r['detail'])}" for r in decision["reasons"])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip("*Why:*\n" + reasons)}})
    facts = _facts(payload.get("facts") or {}, payload.get("evidence") or {})
    if facts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _clip("*What they said:*\n" + facts)}})
    links = []
    if lead.get("url"):
        links.append(_button("Open in console", lead["url"]))
    if assignment and (assignment.get("rep") or {}).get("meeting_link"):
        links.append(_button("Book meeting", assignment["rep"]["meeting_link"]))
    if links:
        blocks.append({"type": "actions", "elements": links})
    return {"text": f"{title}: {who} — {decision['stage'].upper()}", "blocks": blocks}


def _facts(facts: Mapping[str, Any], evidence: Mapping[str, str]) -> str:
    lines = []
    for name, value in facts.items():
        line = f"• {name}: {escape(str(value))}"
        if name in evidence:
            # Quotes are shown as code so that no markup inside them is rendered.
            quote = escape(evidence[name]).replace("`", "'")
            line += f" — `{quote}`"
        lines.append(line)
    return "\n".join(lines)


def _button(text: str, url: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "url": url}


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
