"""The fact schema: the one vocabulary the extractors, the engine, the database and the API speak.

Field names and values follow the extraction benchmark's definitions
(``shared/eval/README.md``). A :class:`Fact` is one field's value together with the exact quote
of the prospect's own text it came from and how sure the extractor is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, Mapping

import pycountry
from pydantic import BaseModel, Field, field_validator, model_validator


class BudgetStatus(StrEnum):
    """Whether money exists for the purchase."""

    ALLOCATED = "allocated"
    NONE = "none"
    UNDECIDED = "undecided"


class BudgetPeriod(StrEnum):
    """What span of time a budget figure covers."""

    MONTH = "month"
    YEAR = "year"
    ONE_TIME = "one_time"


class Authority(StrEnum):
    """The prospect's part in the purchase decision."""

    DECISION_MAKER = "decision_maker"
    INFLUENCER = "influencer"
    NONE = "none"


class Need(StrEnum):
    """Whether the prospect has a problem the product addresses."""

    CONFIRMED = "confirmed"
    NONE = "none"


class TimelineBucket(StrEnum):
    """When the prospect intends to buy: 0-30, 31-90, 91-365, >365 days, or never."""

    NOW = "now"
    QUARTER = "quarter"
    YEAR = "year"
    LATER = "later"
    NONE = "none"


FieldName = Literal[
    "budget_status",
    "budget_min",
    "budget_max",
    "budget_currency",
    "budget_period",
    "authority",
    "need",
    "timeline_bucket",
    "timeline_days",
    "employees",
    "country",
]

FIELDS: tuple[str, ...] = FieldName.__args__  # type: ignore[attr-defined]

ENUM_FIELDS: dict[str, type[StrEnum]] = {
    "budget_status": BudgetStatus,
    "budget_period": BudgetPeriod,
    "authority": Authority,
    "need": Need,
    "timeline_bucket": TimelineBucket,
}
NUMBER_FIELDS = frozenset({"budget_min", "budget_max"})
INTEGER_FIELDS = frozenset({"timeline_days", "employees"})

# The question topics a flow asks about (the benchmark's ``asked``), and the fields each fills.
TOPIC_FIELDS: dict[str, tuple[str, ...]] = {
    "need": ("need",),
    "budget": ("budget_status", "budget_min", "budget_max", "budget_currency", "budget_period"),
    "authority": ("authority",),
    "timeline": ("timeline_bucket", "timeline_days"),
    "company": ("employees", "country"),
}

FactValue = str | int | float


class InvalidFactValue(ValueError):
    """A value that does not fit its field's definition."""


def normalize_value(field: str, value: Any) -> FactValue:
    """Return ``value`` in its canonical form for ``field`` or raise :class:`InvalidFactValue`."""
    if field not in FIELDS:
        raise InvalidFactValue(f"unknown field {field!r}")
    if value is None or isinstance(value, bool):
        raise InvalidFactValue(f"{field}: {value!r} is not a value")
    if field in ENUM_FIELDS:
        try:
            return ENUM_FIELDS[field](str(value).strip().lower()).value
        except ValueError:
            allowed = ", ".join(m.value for m in ENUM_FIELDS[field])
            raise InvalidFactValue(f"{field}: {value!r} is not one of {allowed}") from None
    if field in NUMBER_FIELDS or field in INTEGER_FIELDS:
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidFactValue(f"{field}: {value!r} is not a number") from None
        if number != number or number < 0 or number > 1e12:
            raise InvalidFactValue(f"{field}: {value!r} is out of range")
        if field in INTEGER_FIELDS:
            return int(round(number))
        return int(number) if number.is_integer() else number
    if field == "budget_currency":
        code = str(value).strip().upper()
        if pycountry.currencies.get(alpha_3=code) is None:
            raise InvalidFactValue(f"budget_currency: {value!r} is not an ISO 4217 code")
        return code
    if field == "country":
        code = str(value).strip().upper()
        if pycountry.countries.get(alpha_2=code) is None:
            raise InvalidFactValue(f"country: {value!r} is not an ISO 3166-1 alpha-2 code")
        return code
    raise InvalidFactValue(f"{field}: no rule for this field")  # pragma: no cover


def bucket_for_days(days: int) -> TimelineBucket:
    """The timeline bucket that a number of days from the message's date falls in."""
    if days <= 30:
        return TimelineBucket.NOW
    if days <= 90:
        return TimelineBucket.QUARTER
    if days <= 365:
        return TimelineBucket.YEAR
    return TimelineBucket.LATER


class Fact(BaseModel):
    """One field's value, the quote of the prospect's text it rests on, and a confidence."""

    field: FieldName
    value: FactValue
    evidence: str = Field(min_length=1, description="exact substring of the prospect's text")
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _normalize(self) -> "Fact":
        try:
            object.__setattr__(self, "value", normalize_value(self.field, self.value))
        except InvalidFactValue as exc:
            raise ValueError(str(exc)) from None
        return self


class Extraction(BaseModel):
    """What one extractor read in one prospect message."""

    extractor: str
    facts: list[Fact] = Field(default_factory=list)
    unsure: bool = Field(
        default=False, description="the extractor suspects it missed or misread something (hybrid mode asks the LLM)"
    )
    notes: list[str] = Field(default_factory=list, description="why facts were dropped or a fallback happened")
    tokens: int = 0

    @field_validator("facts")
    @classmethod
    def _one_fact_per_field(cls, facts: list[Fact]) -> list[Fact]:
        seen: dict[str, Fact] = {}
        for fact in facts:
            previous = seen.get(fact.field)
            if previous is None or fact.confidence > previous.confidence:
                seen[fact.field] = fact
        return [seen[f] for f in FIELDS if f in seen]

    def fields(self) -> dict[str, FactValue]:
        """The facts as ``{field: value}``, the benchmark's prediction format."""
        return {fact.field: fact.value for fact in self.facts}


def evidence_in_text(evidence: str, text: str) -> bool:
    """True when ``evidence`` occurs in ``text`` (ignoring case and runs of white space)."""
    squash = lambda s: " ".join(s.split()).casefold()  # noqa: E731
    needle = squash(evidence)
    return bool(needle) and needle in squash(text)


def merge_known(known: Mapping[str, FactValue], new: Mapping[str, FactValue]) -> dict[str, FactValue]:
    """The lead's facts after a message: newer statements replace older ones field by field."""
    merged = dict(known)
    merged.update(new)
    return merged
