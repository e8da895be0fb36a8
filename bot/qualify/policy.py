"""The qualification decision: a lead's facts + the policy -> stage and machine-readable reasons.

Pure: no IO and no clock. Stages are ``iql`` (still talking, answers missing), ``mql``,
``sql``, ``nurture`` and ``disqualified``. Every check the lead fails becomes a :class:`Reason`
naming the facts it rests on; the policy (``policy/policy.yaml``) says which stage each failed
check and each missing answer gives, and the most severe one decides. See ``docs/policy.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.facts import FIELDS, Fact, FactValue, normalize_value
from bot.qualify.policy_schema import Policy, PolicyError, default_policy, load_policy

__all__ = [
    "STAGES",
    "CompanyInfo",
    "Decision",
    "Policy",
    "PolicyError",
    "Reason",
    "decide",
    "default_policy",
    "known_facts",
    "load_policy",
]

STAGES: tuple[str, ...] = ("iql", "mql", "sql", "nurture", "disqualified")

# Which stage wins when several reasons apply: the later, the stronger. A running conversation
# with open questions stays ``iql`` over an ``mql``-level failure, since an answer may yet fix it.
_PRECEDENCE = ("sql", "mql", "iql", "nurture", "disqualified")

# The facts each missing answer stands for, in the ``missing`` section's vocabulary.
_MISSING_FIELDS: dict[str, tuple[str, ...]] = {
    "need": ("need",),
    "budget": ("budget_status",),
    "budget_amount": ("budget_min", "budget_max"),
    "authority": ("authority",),
    "timeline": ("timeline_bucket", "timeline_days"),
    "country": ("country",),
    "employees": ("employees",),
    "industry": ("company.industry",),
}


@dataclass(frozen=True)
class CompanyInfo:
    """What is known about the lead's company besides the conversation (form, CRM, enrichment).

    The prospect's own statements (``country``, ``employees`` facts) take precedence.
    """

    name: str | None = None
    domain: str | None = None
    industry: str | None = None
    employees: int | None = None
    country: str | None = None

    def __post_init__(self) -> None:
        # A record saying "United Kingdom" must fail loudly here, not disqualify as "outside territory".
        for name in ("employees", "country"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, normalize_value(name, value))


@dataclass(frozen=True)
class Reason:
    """Why a lead is not (yet) an SQL: a stable ``code``, the facts it rests on, and a sentence."""

    code: str
    fields: tuple[str, ...]
    detail: str

    def to_json(self) -> dict[str, Any]:
        """The reason as a JSON-ready dict."""
        return {"code": self.code, "fields": list(self.fields), "detail": self.detail}


@dataclass(frozen=True)
class Decision:
    """A lead's stage and every reason it is not an SQL, most severe first."""

    stage: str
    reasons: tuple[Reason, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The decision as a JSON-ready dict: ``{"stage": ..., "reasons": [...]}``."""
        return {"stage": self.stage, "reasons": [r.to_json() for r in self.reasons]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Decision:
        """The decision back from :meth:`to_json` (e.g. as stored on a lead)."""
        if data["stage"] not in STAGES:
            raise ValueError(f"unknown stage {data['stage']!r}")
        reasons = tuple(Reason(r["code"], tuple(r["fields"]), r["detail"]) for r in data.get("reasons", ()))
        return cls(data["stage"], reasons)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, in order."""
        return tuple(r.code for r in self.reasons)


def decide(
    facts: Mapping[str, FactValue | Fact],
    policy: Policy,
    *,
    complete: bool,
    company: CompanyInfo | None = None,
) -> Decision:
    """The stage ``policy`` gives a lead with these ``facts``.

    ``complete`` says the conversation has asked all its questions: before that a lead with
    open questions is ``iql`` unless a failed check already makes it ``nurture`` or
    ``disqualified``; after it, each missing answer means what the policy's ``missing``
    section says.
    """
    checks = _Checks(known_facts(facts), policy, company or CompanyInfo())
    failures = checks.run()
    ranked: list[tuple[str, Reason]] = [(getattr(policy.failed_check, r.code), r) for r in failures]
    missing = [m for m in checks.missing if getattr(policy.missing, m) != "ignore"]
    if missing:
        stage = max((getattr(policy.missing, m) for m in missing), key=_rank) if complete else "iql"
        ranked.append((stage, _incomplete(missing, complete)))
    if not ranked:
        return Decision("sql")
    ranked.sort(key=lambda pair: _rank(pair[0]), reverse=True)
    return Decision(ranked[0][0], tuple(reason for _, reason in ranked))


def known_facts(facts: Mapping[str, FactValue | Fact | None]) -> dict[str, FactValue]:
    """The lead's facts as canonical ``{field: value}``; :class:`Fact` objects are unwrapped.

    Keys that are not fact fields are ignored; an invalid value raises ``InvalidFactValue``.
    """
    known: dict[str, FactValue] = {}
    for name, item in facts.items():
        value = item.value if isinstance(item, Fact) else item
        if name in FIELDS and value is not None:
            known[name] = normalize_value(name, value)
    return known


def _rank(stage: str) -> int:
    return _PRECEDENCE.index(stage)


def _incomplete(missing: list[str], complete: bool) -> Reason:
    fields = tuple(f for m in missing for f in _MISSING_FIELDS[m])
    when = "the conversation ended without" if complete else "still waiting for"
    return Reason("incomplete", fields, f"{when}: {', '.join(missing)}")


class _Checks:
    """Runs each check of the policy over the facts; collects failures and missing answers."""

    def __init__(self, facts: dict[str, FactValue], policy: Policy, company: CompanyInfo) -> None:
        self.facts = facts
        self.policy = policy
        self.company = company
        self.missing: list[str] = []

    def run(self) -> list[Reason]:
        found = [self.need(), self.territory(), self.industry(), self.size(), self.budget(),
                 self.authority(), self.timeline()]  # fmt: skip
        return [reason for reason in found if reason is not None]

    def need(self) -> Reason | None:
        need = self.facts.get("need")
        if need is None:
            self.missing.append("need")
        elif need == "none":
            return Reason("need_mismatch", ("need",), "the prospect has no problem the product addresses")
        return None

    def territory(self) -> Reason | None:
        country, source = self._prefer_fact("country", self.company.country)
        if country is None:
            self.missing.append("country")
        elif not self.policy.serves(str(country)):
            return Reason("outside_territory", (source,), f"{country} is not among the countries served")
        return None

    def industry(self) -> Reason | None:
        industry = self.company.industry
        if not self.policy.icp.industries:
            return None
        if not industry:
            self.missing.append("industry")
        elif not self.policy.industry_matches(industry):
            return Reason("industry_mismatch", ("company.industry",), f"{industry!r} is not a target industry")
        return None

    def size(self) -> Reason | None:
        employees, source = self._prefer_fact("employees", self.company.employees)
        size = self.policy.icp.employees
        if size.min is None and size.max is None:
            return None
        if employees is None:
            self.missing.append("employees")
        elif not self.policy.size_in_range(int(employees)):
            bounds = f"{size.min if size.min is not None else 0}–{size.max if size.max is not None else '∞'}"
            return Reason("company_size_out_of_range", (source,), f"{employees} employees is outside {bounds}")
        return None

    def budget(self) -> Reason | None:
        status = self.facts.get("budget_status")
        if status is None:
            self.missing.append("budget")
        elif status == "none":
            return Reason("no_budget", ("budget_status",), "the prospect has no budget for this")
        elif status == "undecided":
            return Reason("budget_undecided", ("budget_status",), "the budget is not decided yet")
        else:
            return self._budget_amount()
        return None

    def _budget_amount(self) -> Reason | None:
        sql = self.policy.sql
        stated = tuple(f for f in ("budget_min", "budget_max", "budget_currency", "budget_period") if f in self.facts)
        if "budget_min" not in self.facts and "budget_max" not in self.facts:
            if sql.minimum_budget > 0:
                self.missing.append("budget_amount")
            return None
        amount = self.policy.budget_amount(self.facts)
        if amount is None:
            # A currency the table lacks cannot be compared: treat the figure as unknown.
            if sql.minimum_budget > 0:
                self.missing.append("budget_amount")
            return None
        if amount < sql.minimum_budget:
            return Reason(
                "budget_below_minimum",
                stated,
                f"{amount:,.0f} {self.policy.currency} per {sql.budget_period} is below the minimum "
                f"{sql.minimum_budget:,.0f}",
            )
        return None

    def authority(self) -> Reason | None:
        authority = self.facts.get("authority")
        required = self.policy.sql.authority
        if authority is None:
            self.missing.append("authority")
        elif authority not in required:
            wanted = " or ".join(str(a) for a in required)
            return Reason("no_authority", ("authority",), f"the prospect's part is {authority}; SQL needs {wanted}")
        return None

    def timeline(self) -> Reason | None:
        days = self.facts.get("timeline_days")
        bucket = self.facts.get("timeline_bucket")
        sql = self.policy.sql
        if days is not None:
            if int(days) > sql.longest_timeline_days:
                return Reason(
                    "timeline_too_long",
                    ("timeline_days",),
                    f"buying in {days} days; SQL needs {sql.longest_timeline_days} or fewer",
                )
            return None
        if bucket is None:
            self.missing.append("timeline")
        elif bucket == "none":
            return Reason("timeline_too_long", ("timeline_bucket",), "no plan to buy")
        elif bucket not in sql.timeline_buckets:
            wanted = " or ".join(str(b) for b in sql.timeline_buckets)
            return Reason("timeline_too_long", ("timeline_bucket",), f"buying timeline is {bucket}; SQL needs {wanted}")
        return None

    def _prefer_fact(self, field: str, fallback: FactValue | None) -> tuple[FactValue | None, str]:
        if field in self.facts:
            return self.facts[field], field
        return fallback, f"company.{field}"
