"""How values read on console pages: field and stage names, fact values, times. Jinja filters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

FIELD_LABELS = {
    "need": "Need",
    "budget_status": "Budget",
    "budget_min": "Budget from",
    "budget_max": "Budget up to",
    "budget_currency": "Currency",
    "budget_period": "Budget per",
    "authority": "Authority",
    "timeline_bucket": "Timeline",
    "timeline_days": "Timeline (days)",
    "employees": "Employees",
    "country": "Country",
}
STAGE_LABELS = {"iql": "IQL", "mql": "MQL", "sql": "SQL", "nurture": "Nurture", "disqualified": "Disqualified"}
OUTCOME_LABELS = {"won": "Won", "lost": "Lost", "bad_fit": "Bad fit"}
VALUE_WORDS = {
    "decision_maker": "decision maker",
    "influencer": "influencer",
    "allocated": "allocated",
    "undecided": "undecided",
    "confirmed": "confirmed",
    "one_time": "one time",
    "now": "within 30 days",
    "quarter": "within 90 days",
    "year": "within a year",
    "later": "more than a year",
    "none": "none",
    "month": "month",
}
STATUS_LABELS = {"active": "Bot talking", "waiting_human": "Waiting for a person", "agent": "Person talking", "ended": "Ended"}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def stage_label(stage: str | None) -> str:
    return STAGE_LABELS.get(stage or "", (stage or "—").capitalize())


def fact_value(value: Any, field: str = "") -> str:
    """A fact's value as a person reads it: 40,000 not 40000, 'decision maker' not decision_maker."""
    if isinstance(value, bool) or value is None:
        return "—"
    if isinstance(value, int | float):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if field == "budget_period" and value == "year":
        return "year"
    return VALUE_WORDS.get(str(value), str(value))


def when(value: datetime | str | None) -> str:
    """``23 Nov 2026 14:05`` (UTC)."""
    moment = _parse(value)
    return moment.astimezone(UTC).strftime("%d %b %Y %H:%M") if moment else "—"


def ago(value: datetime | str | None, now: datetime | None = None) -> str:
    """``5 min ago``, ``3 h ago``, ``2 d ago``."""
    moment = _parse(value)
    if moment is None:
        return "—"
    seconds = max(0, int(((now or datetime.now(UTC)) - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"


def iso(value: datetime | str | None) -> str:
    moment = _parse(value)
    return moment.isoformat() if moment else ""


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def duration(minutes: float | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 1:
        return f"{minutes * 60:.0f} s"
    if minutes < 120:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} d"


def summary(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """A lead's facts as a few labelled phrases: Budget "USD 40,000 / year", Timeline "within 30 days"…"""
    out: list[tuple[str, str]] = []
    if "need" in facts:
        out.append(("Need", "need confirmed" if facts["need"] == "confirmed" else "no need"))
    low, high = facts.get("budget_min"), facts.get("budget_max")
    if low is not None or high is not None:
        amount = fact_value(low if low is not None else high)
        if low is not None and high is not None and low != high:
            amount = f"{fact_value(low)}–{fact_value(high)}"
        currency = facts.get("budget_currency")
        period = facts.get("budget_period")
        text = f"{currency + ' ' if currency else ''}{amount}{' / ' + fact_value(period, 'budget_period') if period else ''}"
        out.append(("Budget", text))
    elif "budget_status" in facts:
        out.append(("Budget", {"none": "no budget"}.get(facts["budget_status"], str(facts["budget_status"]))))
    if "authority" in facts:
        out.append(("Authority", {"none": "not involved"}.get(facts["authority"], fact_value(facts["authority"]))))
    if "timeline_bucket" in facts:
        out.append(("Timeline", {"none": "no plans"}.get(facts["timeline_bucket"], fact_value(facts["timeline_bucket"]))))
    elif "timeline_days" in facts:
        out.append(("Timeline", f"in {facts['timeline_days']} days"))
    if "employees" in facts:
        out.append(("Size", f"{fact_value(facts['employees'])} people"))
    if "country" in facts:
        out.append(("Country", str(facts["country"])))
    return out


def clock(value: datetime | str | None) -> str:
    """``14:05`` (UTC)."""
    moment = _parse(value)
    return moment.astimezone(UTC).strftime("%H:%M") if moment else ""


def day(value: datetime | str | None) -> str:
    """``23 Nov 2026``."""
    moment = _parse(value)
    return moment.astimezone(UTC).strftime("%d %b %Y") if moment else "—"


def _parse(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


FILTERS = {
    "field_label": field_label,
    "stage_label": stage_label,
    "fact_value": fact_value,
    "when": when,
    "clock": clock,
    "day": day,
    "summary": summary,
    "ago": ago,
    "iso": iso,
    "percent": percent,
    "duration": duration,
    "outcome_label": lambda v: OUTCOME_LABELS.get(v or "", "—"),
    "status_label": lambda v: STATUS_LABELS.get(v or "", v or "—"),
}
