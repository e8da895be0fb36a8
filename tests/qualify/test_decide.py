"""The qualification decision over each stage and each reason of the policy."""

from __future__ import annotations

import pytest

from bot.facts import Fact, InvalidFactValue
from bot.qualify.policy import CompanyInfo, Decision, Reason, decide
from tests.qualify.factories import policy, sql_facts


def test_lead_meeting_every_criterion_is_sql_without_reasons() -> None:
    decision = decide(sql_facts(), policy(), complete=True)
    assert decision == Decision("sql", ())


@pytest.mark.parametrize("authority", ["decision_maker", "influencer"])
def test_both_authorities_qualify_by_default(authority: str) -> None:
    assert decide(sql_facts(authority=authority), policy(), complete=True).stage == "sql"


@pytest.mark.parametrize(
    ("changes", "stage", "code", "fields"),
    [
        ({"need": "none"}, "disqualified", "need_mismatch", ("need",)),
        ({"country": "FR"}, "disqualified", "outside_territory", ("country",)),
        ({"budget_status": "none", "budget_min": None, "budget_max": None}, "nurture", "no_budget", ("budget_status",)),
        ({"budget_status": "undecided"}, "mql", "budget_undecided", ("budget_status",)),
        ({"timeline_days": 91, "timeline_bucket": "year"}, "nurture", "timeline_too_long", ("timeline_days",)),
        ({"timeline_days": None, "timeline_bucket": "year"}, "nurture", "timeline_too_long", ("timeline_bucket",)),
        ({"timeline_days": None, "timeline_bucket": "none"}, "nurture", "timeline_too_long", ("timeline_bucket",)),
        ({"authority": "none"}, "mql", "no_authority", ("authority",)),
    ],
)
def test_each_failed_check_gives_its_stage_and_reason(
    changes: dict, stage: str, code: str, fields: tuple[str, ...]
) -> None:
    decision = decide(sql_facts(**changes), policy(), complete=True)
    assert decision.stage == stage
    assert [(r.code, r.fields) for r in decision.reasons] == [(code, fields)]
    assert decision.reasons[0].detail


def test_timeline_limit_is_inclusive_and_configurable() -> None:
    assert decide(sql_facts(timeline_days=90), policy(), complete=True).stage == "sql"
    strict = policy(sql={"longest_timeline_days": 30, "timeline_buckets": ["now"]})
    assert decide(sql_facts(timeline_days=30), strict, complete=True).stage == "sql"
    assert decide(sql_facts(timeline_days=31), strict, complete=True).codes == ("timeline_too_long",)
    no_days = sql_facts(timeline_days=None, timeline_bucket="quarter")
    assert decide(no_days, strict, complete=True).codes == ("timeline_too_long",)
    assert decide(no_days, policy(), complete=True).stage == "sql"


def test_pinned_days_take_precedence_over_the_bucket() -> None:
    # "next quarter" said early in a quarter lands beyond 90 days: the days decide.
    facts = sql_facts(timeline_days=120, timeline_bucket="quarter")
    assert decide(facts, policy(), complete=True).codes == ("timeline_too_long",)


def test_required_authority_is_configurable() -> None:
    makers_only = policy(sql={"authority": ["decision_maker"]})
    decision = decide(sql_facts(authority="influencer"), makers_only, complete=True)
    assert (decision.stage, decision.codes) == ("mql", ("no_authority",))
    assert "decision_maker" in decision.reasons[0].detail


def test_several_failures_are_all_listed_most_severe_first() -> None:
    facts = sql_facts(authority="none", budget_status="none", need="none")
    decision = decide(facts, policy(), complete=True)
    assert decision.stage == "disqualified"
    assert decision.codes == ("need_mismatch", "no_budget", "no_authority")


def test_failed_check_stages_come_from_the_policy() -> None:
    harsh = policy(failed_check={"no_budget": "disqualified", "no_authority": "nurture"})
    assert decide(sql_facts(budget_status="none"), harsh, complete=True).stage == "disqualified"
    assert decide(sql_facts(authority="none"), harsh, complete=True).stage == "nurture"


# --- budget amounts and currency conversion -------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "period", "qualifies"),
    [
        (1000, "USD", "year", True),  # exactly the minimum
        (999, "USD", "year", False),
        (500, "EUR", "year", True),  # 500 EUR x 2.0 = 1000 USD
        (499, "EUR", "year", False),
        (84, "USD", "month", True),  # 84 x 12 = 1008
        (83, "USD", "month", False),  # 996
        (42, "EUR", "month", True),  # 42 x 2 x 12 = 1008
        (100_000, "JPY", "one_time", True),  # 1000 USD, a one-off counts as a year
        (99_999, "JPY", "one_time", False),
    ],
)
def test_budget_is_converted_with_the_policys_table(amount: int, currency: str, period: str, qualifies: bool) -> None:
    facts = sql_facts(budget_min=amount, budget_max=amount, budget_currency=currency, budget_period=period)
    decision = decide(facts, policy(), complete=True)
    assert (decision.stage == "sql") is qualifies
    if not qualifies:
        assert decision.codes == ("budget_below_minimum",)
        assert decision.stage == "nurture"
        assert set(decision.reasons[0].fields) == {"budget_min", "budget_max", "budget_currency", "budget_period"}


def test_monthly_minimum_compares_monthly_figures() -> None:
    monthly = policy(sql={"minimum_budget": 100, "budget_period": "month"})
    assert decide(sql_facts(budget_max=1200, budget_min=1200), monthly, complete=True).stage == "sql"
    assert decide(sql_facts(budget_max=1188, budget_min=1188), monthly, complete=True).stage == "nurture"


def test_upper_figure_of_a_range_counts() -> None:
    assert decide(sql_facts(budget_min=500, budget_max=1500), policy(), complete=True).stage == "sql"
    only_min = sql_facts(budget_min=1000, budget_max=None)
    assert decide(only_min, policy(), complete=True).stage == "sql"


def test_missing_period_and_currency_use_the_policys_assumptions() -> None:
    facts = sql_facts(budget_min=100, budget_max=100, budget_currency=None, budget_period=None)
    assert decide(facts, policy(), complete=True).stage == "nurture"  # 100 a year
    monthly = policy(sql={"assume_budget_period": "month"})
    assert decide(facts, monthly, complete=True).stage == "sql"  # 100 a month = 1200 a year


def test_figure_in_a_currency_missing_from_the_table_counts_as_unknown() -> None:
    facts = sql_facts(budget_min=10, budget_max=10, budget_currency="CHF")
    assert decide(facts, policy(), complete=True).stage == "sql"
    strict = policy(missing={"budget_amount": "mql"})
    decision = decide(facts, strict, complete=True)
    assert (decision.stage, decision.codes) == ("mql", ("incomplete",))
    assert decision.reasons[0].fields == ("budget_min", "budget_max")


def test_allocated_budget_without_figure_follows_missing_budget_amount() -> None:
    facts = sql_facts(budget_min=None, budget_max=None, budget_currency=None, budget_period=None)
    assert decide(facts, policy(), complete=True).stage == "sql"
    assert decide(facts, policy(missing={"budget_amount": "nurture"}), complete=True).stage == "nurture"
    # With no minimum there is nothing to check, whatever the policy says about a missing figure.
    free = policy(sql={"minimum_budget": 0}, missing={"budget_amount": "nurture"})
    assert decide(facts, free, complete=True).stage == "sql"


# --- missing answers: running vs complete ---------------------------------------------------


@pytest.mark.parametrize(
    ("removed", "fields"),
    [
        (("need",), ("need",)),
        (("budget_status", "budget_min", "budget_max"), ("budget_status",)),
        (("authority",), ("authority",)),
        (("timeline_bucket", "timeline_days"), ("timeline_bucket", "timeline_days")),
    ],
)
def test_missing_answer_while_running_is_iql_and_after_is_per_policy(
    removed: tuple[str, ...], fields: tuple[str, ...]
) -> None:
    facts = sql_facts(**dict.fromkeys(removed))
    running = decide(facts, policy(), complete=False)
    assert (running.stage, running.codes) == ("iql", ("incomplete",))
    assert running.reasons[0].fields == fields
    finished = decide(facts, policy(), complete=True)
    assert (finished.stage, finished.codes) == ("mql", ("incomplete",))
    topic = {"need": "need", "budget_status": "budget", "authority": "authority", "timeline_bucket": "timeline"}[
        removed[0]
    ]
    assert decide(facts, policy(missing={topic: "nurture"}), complete=True).stage == "nurture"
    assert decide(facts, policy(missing={topic: "ignore"}), complete=True).stage == "sql"
    assert decide(facts, policy(missing={topic: "ignore"}), complete=False).stage == "sql"


def test_empty_facts_while_running_are_iql_listing_every_open_answer() -> None:
    decision = decide({}, policy(), complete=False)
    assert decision.stage == "iql"
    assert decision.reasons[0].detail == "still waiting for: need, budget, authority, timeline"


def test_running_conversation_reports_a_definite_failure_at_once() -> None:
    facts = {"need": "none"}
    decision = decide(facts, policy(), complete=False)
    assert decision.stage == "disqualified"
    assert decision.codes == ("need_mismatch", "incomplete")


def test_running_conversation_with_an_mql_failure_stays_iql_until_answers_are_in() -> None:
    facts = sql_facts(authority="none", timeline_days=None, timeline_bucket=None)
    assert decide(facts, policy(), complete=False).stage == "iql"
    assert decide(facts, policy(), complete=True).stage == "mql"
    assert decide(sql_facts(authority="none"), policy(), complete=False).stage == "mql"


def test_most_severe_missing_answer_decides() -> None:
    strict = policy(missing={"need": "disqualified", "budget": "nurture"})
    facts = sql_facts(need=None, budget_status=None, budget_min=None, budget_max=None)
    decision = decide(facts, strict, complete=True)
    assert decision.stage == "disqualified"
    assert decision.reasons[0].fields == ("need", "budget_status")


# --- territory and ICP ----------------------------------------------------------------------


def test_country_from_the_company_record_when_the_prospect_did_not_say() -> None:
    facts = sql_facts(country=None)
    assert decide(facts, policy(), complete=True, company=CompanyInfo(country="GB")).stage == "sql"
    outside = decide(facts, policy(), complete=True, company=CompanyInfo(country="BR"))
    assert outside.stage == "disqualified"
    expected = Reason("outside_territory", ("company.country",), "BR is not among the countries served")
    assert outside.reasons[0] == expected


def test_prospects_own_country_wins_over_the_company_record() -> None:
    decision = decide(sql_facts(country="US"), policy(), complete=True, company=CompanyInfo(country="BR"))
    assert decision.stage == "sql"


def test_unknown_country_is_ignored_unless_the_policy_requires_it() -> None:
    facts = sql_facts(country=None)
    assert decide(facts, policy(), complete=True).stage == "sql"
    required = policy(missing={"country": "mql"})
    assert decide(facts, required, complete=True).codes == ("incomplete",)


def test_everywhere_serves_every_country() -> None:
    everywhere = policy(icp={"countries": ["*"]})
    assert decide(sql_facts(country="JP"), everywhere, complete=True).stage == "sql"


def test_industry_check_uses_the_company_record_ignoring_case() -> None:
    icp = policy(icp={"industries": ["Software", "financial services"]})
    assert decide(sql_facts(), icp, complete=True, company=CompanyInfo(industry="software")).stage == "sql"
    fin = CompanyInfo(industry="Financial  Services")
    assert decide(sql_facts(), icp, complete=True, company=fin).stage == "sql"
    mining = decide(sql_facts(), icp, complete=True, company=CompanyInfo(industry="Mining"))
    assert (mining.stage, mining.codes) == ("nurture", ("industry_mismatch",))
    assert mining.reasons[0].fields == ("company.industry",)
    assert decide(sql_facts(), icp, complete=True).stage == "sql"  # unknown industry: ignored by default


@pytest.mark.parametrize(("employees", "inside"), [(9, False), (10, True), (500, True), (501, False)])
def test_company_size_range_is_inclusive(employees: int, inside: bool) -> None:
    sized = policy(icp={"countries": ["US"], "employees": {"min": 10, "max": 500}})
    decision = decide(sql_facts(employees=employees), sized, complete=True)
    assert (decision.stage == "sql") is inside
    if not inside:
        assert decision.codes == ("company_size_out_of_range",)
        assert decision.reasons[0].fields == ("employees",)


def test_company_size_from_the_company_record() -> None:
    sized = policy(icp={"employees": {"min": 10}})
    decision = decide(sql_facts(), sized, complete=True, company=CompanyInfo(employees=3))
    assert decision.reasons[0].fields == ("company.employees",)


# --- input handling and output shape --------------------------------------------------------


def test_facts_are_normalised_and_unknown_keys_ignored() -> None:
    facts = {**sql_facts(), "need": "CONFIRMED", "budget_currency": "usd", "country": "us", "mood": "happy"}
    assert decide(facts, policy(), complete=True).stage == "sql"


def test_an_invalid_fact_value_is_refused() -> None:
    with pytest.raises(InvalidFactValue):
        decide(sql_facts(authority="the boss"), policy(), complete=True)


def test_decision_to_json() -> None:
    decision = decide(sql_facts(authority="none", country="FR"), policy(), complete=True)
    as_json = decision.to_json()
    assert as_json["stage"] == "disqualified"
    assert as_json["reasons"][0] == {
        "code": "outside_territory",
        "fields": ["country"],
        "detail": "FR is not among the countries served",
    }
    assert [r["code"] for r in as_json["reasons"]] == ["outside_territory", "no_authority"]
    assert all(isinstance(r["fields"], list) for r in as_json["reasons"])


def test_fact_objects_are_accepted_as_values() -> None:
    facts = {**sql_facts(), "authority": Fact(field="authority", value="none", evidence="I just use it")}
    assert decide(facts, policy(), complete=True).codes == ("no_authority",)


def test_company_record_values_are_checked_when_built() -> None:
    assert CompanyInfo(country="gb", employees=12.4).country == "GB"  # type: ignore[arg-type]
    with pytest.raises(InvalidFactValue):
        CompanyInfo(country="United Kingdom")
    with pytest.raises(InvalidFactValue):
        CompanyInfo(employees=-3)


def test_decision_json_round_trip() -> None:
    decision = decide(sql_facts(authority="none", need=None), policy(), complete=True)
    assert Decision.from_json(decision.to_json()) == decision
    with pytest.raises(ValueError, match="unknown stage"):
        Decision.from_json({"stage": "hot", "reasons": []})
