"""Lead scoring: a 0-100 score from fit, intent and engagement, with every point explained.

Pure: ``now`` is passed in. Weights come from the policy's ``scoring`` section. Each category
is capped at its ``max`` (the cap shows up as a negative part, so the parts always add up to
the score), and engagement events fade exponentially with a configurable half-life.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from bot.facts import Fact, FactValue
from bot.qualify.policy import CompanyInfo, Policy, known_facts

Category = Literal["fit", "intent", "engagement"]
CATEGORIES: tuple[Category, ...] = ("fit", "intent", "engagement")


@dataclass(frozen=True)
class EngagementEvent:
    """Something the lead did outside the conversation: ``page_view`` (with ``url``), ``download``…"""

    name: str
    occurred_at: datetime
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScorePart:
    """Points from one source, in one category, with the sentence that explains them."""

    category: Category
    points: float
    reason: str
    source: str

    def to_json(self) -> dict[str, Any]:
        """The part as a JSON-ready dict."""
        return {"category": self.category, "points": self.points, "reason": self.reason, "source": self.source}


@dataclass(frozen=True)
class LeadScore:
    """A 0-100 score and the parts it is made of; ``round(sum(points)) == score``."""

    score: int
    parts: tuple[ScorePart, ...]

    def by_category(self) -> dict[str, float]:
        """Points per category (after caps)."""
        return {c: round(sum(p.points for p in self.parts if p.category == c), 2) for c in CATEGORIES}

    def to_json(self) -> dict[str, Any]:
        """The score as a JSON-ready dict."""
        return {"score": self.score, "parts": [p.to_json() for p in self.parts]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LeadScore:
        """The score back from :meth:`to_json` (e.g. as stored on a lead)."""
        parts = tuple(ScorePart(p["category"], p["points"], p["reason"], p["source"]) for p in data["parts"])
        return cls(int(data["score"]), parts)


def score_lead(
    facts: Mapping[str, FactValue | Fact],
    events: Sequence[EngagementEvent],
    policy: Policy,
    *,
    now: datetime,
    company: CompanyInfo | None = None,
) -> LeadScore:
    """Score a lead from its facts, its engagement ``events`` and ``company``, as of ``now``."""
    known = known_facts(facts)
    weights = policy.scoring
    parts = [
        *_capped("fit", weights.fit.max, _fit(known, policy, company or CompanyInfo())),
        *_capped("intent", weights.intent.max, _intent(known, policy)),
        *_capped("engagement", weights.engagement.max, _engagement(events, policy, now)),
    ]
    total = sum(p.points for p in parts)
    return LeadScore(score=max(0, min(100, round(total))), parts=tuple(parts))


def _part(category: Category, points: float, reason: str, source: str) -> ScorePart:
    return ScorePart(category, round(points, 2), reason, source)


def _capped(category: Category, cap: float, parts: list[ScorePart]) -> list[ScorePart]:
    parts = [p for p in parts if p.points > 0]
    total = sum(p.points for p in parts)
    if total > cap:
        parts.append(_part(category, cap - total, f"{category} is capped at {cap:g} points", f"policy:{category}.max"))
    return parts


def _fit(facts: Mapping[str, FactValue], policy: Policy, company: CompanyInfo) -> list[ScorePart]:
    w = policy.scoring.fit
    parts: list[ScorePart] = []
    country = facts.get("country", company.country)
    if country is not None and policy.serves(str(country)):
        source = "country" if "country" in facts else "company.country"
        parts.append(_part("fit", w.country_served, f"{country} is a country served", source))
    employees = facts.get("employees", company.employees)
    if employees is not None and policy.size_in_range(int(employees)):
        source = "employees" if "employees" in facts else "company.employees"
        parts.append(_part("fit", w.employees_in_range, f"{employees} employees fits the company size", source))
    if company.industry and policy.industry_matches(company.industry):
        parts.append(_part("fit", w.industry_match, f"{company.industry!r} is a target industry", "company.industry"))
    amount = policy.budget_amount(facts)
    if facts.get("budget_status") == "allocated" and amount is not None and amount >= policy.sql.minimum_budget:
        reason = f"budget of {amount:,.0f} {policy.currency} per {policy.sql.budget_period} meets the minimum"
        parts.append(_part("fit", w.budget_at_minimum, reason, "budget_max" if "budget_max" in facts else "budget_min"))
    return parts


def _intent(facts: Mapping[str, FactValue], policy: Policy) -> list[ScorePart]:
    w = policy.scoring.intent
    parts: list[ScorePart] = []
    if facts.get("need") == "confirmed":
        parts.append(_part("intent", w.need_confirmed, "need confirmed", "need"))
    for field_name, table, label in (
        ("budget_status", w.budget, "budget"),
        ("authority", w.authority, "authority"),
        ("timeline_bucket", w.timeline, "timeline"),
    ):
        value = facts.get(field_name)
        if value is not None and str(value) in table:
            parts.append(_part("intent", table[str(value)], f"{label}: {value}", field_name))  # type: ignore[index]
    return parts


def _engagement(events: Sequence[EngagementEvent], policy: Policy, now: datetime) -> list[ScorePart]:
    w = policy.scoring.engagement
    totals: dict[str, tuple[int, float]] = {}
    for event in events:
        kind = _kind(event, w.pricing_url_contains)
        points = w.events.get(kind, 0.0)
        if points <= 0:
            continue
        # A clock skewed into the future counts as "just now", never as more than full weight.
        age_days = max(0.0, (_utc(now) - _utc(event.occurred_at)).total_seconds() / 86400)
        count, sum_points = totals.get(kind, (0, 0.0))
        totals[kind] = (count + 1, sum_points + points * 0.5 ** (age_days / w.half_life_days))
    parts = []
    for kind, (count, points) in sorted(totals.items()):
        reason = f"{count} × {kind} ({w.events[kind]:g} each, halving every {w.half_life_days:g} days)"
        parts.append(_part("engagement", points, reason, f"event:{kind}"))
    return parts


def _utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, so naive and aware ones can be compared."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _kind(event: EngagementEvent, pricing_urls: tuple[str, ...]) -> str:
    if event.name == "page_view":
        url = str(event.properties.get("url", ""))
        if any(fragment in url for fragment in pricing_urls):
            return "pricing_page_view"
    return event.name
