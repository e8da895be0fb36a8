"""Builders for policies and facts used across the qualification tests."""

from __future__ import annotations

from typing import Any

from bot.facts import FactValue
from bot.qualify.policy import Policy


def policy(**sections: Any) -> Policy:
    """A policy with clear round numbers; keyword arguments replace or extend its sections."""
    data: dict[str, Any] = {
        "currency": "USD",
        "currency_rates": {"EUR": 2.0, "JPY": 0.01},
        "icp": {"countries": ["US", "GB", "DE"]},
        "sql": {"minimum_budget": 1000, "budget_period": "year", "assume_budget_period": "year"},
    }
    for name, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(name), dict):
            data[name] = {**data[name], **value}
        else:
            data[name] = value
    return Policy.model_validate(data)


def sql_facts(**changes: FactValue | None) -> dict[str, FactValue]:
    """Facts of a lead that meets every SQL criterion; ``None`` removes a field."""
    facts: dict[str, FactValue | None] = {
        "need": "confirmed",
        "budget_status": "allocated",
        "budget_min": 5000,
        "budget_max": 5000,
        "budget_currency": "USD",
        "budget_period": "year",
        "authority": "decision_maker",
        "timeline_bucket": "quarter",
        "timeline_days": 60,
        "country": "US",
    }
    facts.update(changes)
    return {k: v for k, v in facts.items() if v is not None}
