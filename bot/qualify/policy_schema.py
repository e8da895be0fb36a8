"""The qualification policy file (``policy/policy.yaml``): its schema, loading and validation.

A customer edits the policy to say who they sell to (the ideal customer profile), what makes a
sales-qualified lead, what a failed check or a missing answer means, and how leads are scored.
:func:`load_policy` checks every key and value and raises :class:`PolicyError` naming the file
and line. The decision itself lives in :mod:`bot.qualify.policy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from bot.facts import Authority, FactValue, TimelineBucket
from bot.qualify._yamlfile import ConfigFileError, CountryCode, CurrencyCode, StrictModel, load_model
from bot.resources import resource_path

FailStage = Literal["mql", "nurture", "disqualified"]
MissingStage = Literal["ignore", "mql", "nurture", "disqualified"]
Points = Annotated[float, Field(ge=0)]

# A one-off budget counts as a year's spend when compared with a yearly minimum.
_PER_YEAR = {"month": 12.0, "year": 1.0, "one_time": 1.0}


class PolicyError(ConfigFileError):
    """A policy file that cannot be read or breaks the schema (message: file, line, problem)."""


class EmployeeRange(StrictModel):
    """Company headcount the product is for; an open end is ``null``."""

    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> EmployeeRange:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is larger than max ({self.max})")
        return self


class Icp(StrictModel):
    """The ideal customer profile: industries, company size and the countries served."""

    industries: tuple[str, ...] = ()
    employees: EmployeeRange = EmployeeRange()
    countries: tuple[CountryCode, ...] = Field(default=("*",), min_length=1)

    @field_validator("industries")
    @classmethod
    def _industries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        cleaned = tuple(" ".join(v.split()).casefold() for v in value)
        if any(not v for v in cleaned):
            raise ValueError("an industry name is empty")
        return cleaned

    @field_validator("countries", mode="before")
    @classmethod
    def _one_country(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class SqlCriteria(StrictModel):
    """What a sales-qualified lead needs beyond a confirmed need."""

    minimum_budget: Points = 0
    budget_period: Literal["month", "year"] = "year"
    assume_budget_period: Literal["month", "year", "one_time"] = "year"
    authority: tuple[Authority, ...] = (Authority.DECISION_MAKER, Authority.INFLUENCER)
    longest_timeline_days: int = Field(default=90, ge=0)
    timeline_buckets: tuple[TimelineBucket, ...] = (TimelineBucket.NOW, TimelineBucket.QUARTER)

    @field_validator("authority")
    @classmethod
    def _authority(cls, value: tuple[Authority, ...]) -> tuple[Authority, ...]:
        if not value or Authority.NONE in value:
            raise ValueError("list decision_maker and/or influencer (none can never qualify)")
        return value

    @field_validator("timeline_buckets")
    @classmethod
    def _buckets(cls, value: tuple[TimelineBucket, ...]) -> tuple[TimelineBucket, ...]:
        if TimelineBucket.NONE in value:
            raise ValueError("'none' means no plan to buy and cannot qualify")
        return value


class FailedCheck(StrictModel):
    """The stage each failed check gives (the most severe failure decides)."""

    need_mismatch: FailStage = "disqualified"
    outside_territory: FailStage = "disqualified"
    industry_mismatch: FailStage = "nurture"
    company_size_out_of_range: FailStage = "nurture"
    no_budget: FailStage = "nurture"
    budget_undecided: FailStage = "mql"
    budget_below_minimum: FailStage = "nurture"
    timeline_too_long: FailStage = "nurture"
    no_authority: FailStage = "mql"


class MissingAnswers(StrictModel):
    """What a missing answer means once the conversation has finished; ``ignore``: not needed."""

    need: MissingStage = "mql"
    budget: MissingStage = "mql"
    budget_amount: MissingStage = "ignore"
    authority: MissingStage = "mql"
    timeline: MissingStage = "mql"
    country: MissingStage = "ignore"
    employees: MissingStage = "ignore"
    industry: MissingStage = "ignore"


class FitWeights(StrictModel):
    """Points for matching the ideal customer profile."""

    max: Points = 40
    country_served: Points = 10
    employees_in_range: Points = 10
    industry_match: Points = 10
    budget_at_minimum: Points = 10


class IntentWeights(StrictModel):
    """Points for what the prospect said about need, budget, authority and timeline."""

    max: Points = 40
    need_confirmed: Points = 10
    budget: dict[Literal["allocated", "undecided"], Points] = {"allocated": 10, "undecided": 3}
    authority: dict[Literal["decision_maker", "influencer"], Points] = {"decision_maker": 10, "influencer": 6}
    timeline: dict[Literal["now", "quarter", "year", "later"], Points] = {"now": 10, "quarter": 7, "year": 3}


class EngagementWeights(StrictModel):
    """Points per engagement event, fading by half every ``half_life_days``."""

    max: Points = 20
    half_life_days: float = Field(default=14, gt=0)
    events: dict[str, Points] = {
        "page_view": 1,
        "pricing_page_view": 4,
        "download": 3,
        "webinar_signup": 4,
        "email_reply": 5,
    }
    pricing_url_contains: tuple[str, ...] = ("/pricing", "/plans")


class Scoring(StrictModel):
    """Weights of the three score categories; their maxima add up to at most 100."""

    fit: FitWeights = FitWeights()
    intent: IntentWeights = IntentWeights()
    engagement: EngagementWeights = EngagementWeights()

    @model_validator(mode="after")
    def _at_most_100(self) -> Scoring:
        total = self.fit.max + self.intent.max + self.engagement.max
        if total > 100 + 1e-9:  # tolerate float rounding of hand-scaled maxima
            raise ValueError(f"fit.max + intent.max + engagement.max is {total:g}; at most 100")
        return self


class Policy(StrictModel):
    """The whole qualification policy: ICP, SQL criteria, outcomes, missing answers, scoring."""

    version: Literal[1] = 1
    currency: CurrencyCode = "USD"
    currency_rates: dict[CurrencyCode, Annotated[float, Field(gt=0)]] = Field(default_factory=dict)
    icp: Icp = Icp()
    sql: SqlCriteria = SqlCriteria()
    failed_check: FailedCheck = FailedCheck()
    missing: MissingAnswers = MissingAnswers()
    scoring: Scoring = Scoring()

    @model_validator(mode="after")
    def _base_rate(self) -> Policy:
        if self.currency_rates.get(self.currency, 1.0) != 1.0:
            raise ValueError(f"currency_rates.{self.currency} must be 1: it is the policy's own currency")
        return self

    def serves(self, country: str) -> bool:
        """True when ``country`` (ISO alpha-2) is among the countries served."""
        return "*" in self.icp.countries or country.upper() in self.icp.countries

    def size_in_range(self, employees: int) -> bool:
        """True when a headcount is within the ICP's company size range."""
        size = self.icp.employees
        return (size.min is None or employees >= size.min) and (size.max is None or employees <= size.max)

    def industry_matches(self, industry: str) -> bool:
        """True when an industry is one of the ICP's (any industry when none are listed)."""
        return not self.icp.industries or " ".join(industry.split()).casefold() in self.icp.industries

    def rate(self, currency: str) -> float | None:
        """Units of the policy's currency per unit of ``currency``; None when the table lacks it."""
        if currency.upper() == self.currency:
            return 1.0
        return self.currency_rates.get(currency.upper())

    def budget_amount(self, facts: Mapping[str, FactValue]) -> float | None:
        """The stated budget in the policy's currency per ``sql.budget_period``, or None.

        The upper figure is used when both are given (what the prospect could spend). Without a
        stated currency the policy's own is assumed, without a period ``assume_budget_period``.
        None when no figure was stated or its currency is missing from ``currency_rates``.
        """
        figure = facts.get("budget_max", facts.get("budget_min"))
        if figure is None:
            return None
        rate = self.rate(str(facts.get("budget_currency", self.currency)))
        if rate is None:
            return None
        period = str(facts.get("budget_period", self.sql.assume_budget_period))
        per_year = float(figure) * rate * _PER_YEAR[period]
        return per_year / _PER_YEAR[self.sql.budget_period]


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file; raise :class:`PolicyError` naming the file and line."""
    return load_model(Path(path), Policy, PolicyError)


@lru_cache(maxsize=1)
def default_policy() -> Policy:
    """The policy shipped in ``policy/policy.yaml`` (the walking skeleton's rule)."""
    return load_policy(resource_path("policy") / "policy.yaml")
