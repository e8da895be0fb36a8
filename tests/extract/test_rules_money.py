"""Budget expressions: figures, scales, ranges, bounds, currencies, periods and status."""

from __future__ import annotations

import pytest

from tests.extract.conftest import read


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("roughly 75k a year", {"budget_min": 75000, "budget_max": 75000, "budget_period": "year"}),
        ("$12,500 per annum", {"budget_min": 12500, "budget_max": 12500, "budget_currency": "USD", "budget_period": "year"}),
        ("€3.5k/mo tops", {"budget_max": 3500, "budget_currency": "EUR", "budget_period": "month"}),
        ("£18k per annum", {"budget_min": 18000, "budget_currency": "GBP", "budget_period": "year"}),
        ("twenty thousand euros", {"budget_min": 20000, "budget_max": 20000, "budget_currency": "EUR"}),
        ("something like 10-15k USD yearly", {"budget_min": 10000, "budget_max": 15000, "budget_currency": "USD"}),
        ("between $700 and $900 each month", {"budget_min": 700, "budget_max": 900, "budget_period": "month"}),
        ("up to 6,000 CHF", {"budget_max": 6000, "budget_currency": "CHF"}),
        ("at least A$9,000", {"budget_min": 9000, "budget_currency": "AUD"}),
        ("$25 per user per month max", {"budget_max": 25, "budget_period": "month"}),
        ("a one-time budget of 40,000 SEK", {"budget_min": 40000, "budget_currency": "SEK", "budget_period": "one_time"}),
        ("₹5 lakh a year", {"budget_min": 500000, "budget_currency": "INR", "budget_period": "year"}),
        ("finance signed off 2.5m JPY for year 1", {"budget_min": 2500000, "budget_currency": "JPY", "budget_period": "year"}),
        ("we have €9k set aside for the first year", {"budget_min": 9000, "budget_period": "year"}),
        # today's spend carried over as a ceiling
        ("we pay around £450 a month for LiveChat and want to come in under that", {"budget_max": 450, "budget_currency": "GBP", "budget_period": "month"}),
        ("Intercom costs us $1,200/mo, I'd keep it below what we pay now", {"budget_max": 1200, "budget_period": "month"}),
        # a wider budget yields to the figure for this purchase
        ("the total marketing budget is $400k, for this tool I can find 15-20k a year", {"budget_min": 15000, "budget_max": 20000, "budget_period": "year"}),
        ("we have 90k a year for software, but most of it is already committed. Maybe 8k for this", {"budget_min": 8000, "budget_max": 8000}),
        # the setup figure is set; "then we'll see" is about later
        ("5k upfront for onboarding, after that we'll see", {"budget_min": 5000, "budget_period": "one_time"}),
        # Spanish and Portuguese "mil" is a thousand, English "mil" a million
        ("unos 80 mil pesos al año", {"budget_min": 80000, "budget_currency": "MXN", "budget_period": "year"}),
        ("around 2 mil USD a year", {"budget_min": 2000000, "budget_period": "year"}),
    ],
)
def test_amounts(text: str, expected: dict) -> None:
    fields = read(text, asked="budget")
    assert fields["budget_status"] == "allocated"
    for key, value in expected.items():
        assert fields.get(key) == value, (key, fields)
    if "budget_min" not in expected and "budget_max" in expected:
        assert "budget_min" not in fields


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("we simply can't afford a tool like this", "none"),
        ("there is no budget at all for software this year", "none"),
        ("still pending approval from the board", "undecided"),
        ("it depends what you charge", "undecided"),
        ("finance hasn't approved anything yet", "undecided"),
    ],
)
def test_status_without_amount(text: str, status: str) -> None:
    fields = read(text, asked="budget")
    assert fields.get("budget_status") == status
    assert "budget_min" not in fields and "budget_max" not in fields


@pytest.mark.parametrize(
    "text",
    [
        "our last vendor charged us $3,000 a month",
        "we currently pay about £600/month for Intercom",
        "anything over $10k goes to the board",
        "I sign off anything below 25k myself, this would be far less",
        "we can approve spend up to $5,000 without the board",
        "we process 4,000 leads a month and have 35 people",
        "we've been on Zendesk since 2019",
    ],
)
def test_figures_that_are_not_budgets(text: str) -> None:
    fields = read(text)
    assert not {"budget_min", "budget_max", "budget_currency"} & fields.keys(), fields


def test_dollar_means_usd_unless_text_says_otherwise() -> None:
    assert read("$4,000 a month", asked="budget")["budget_currency"] == "USD"
    assert read("4,000 Canadian dollars a month", asked="budget")["budget_currency"] == "CAD"
