"""Properties of the decision that hold for any facts: checked over generated leads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.facts import FIELDS
from bot.qualify.policy import STAGES, CompanyInfo, decide
from tests.qualify.factories import policy

CODES = {
    "need_mismatch", "outside_territory", "industry_mismatch", "company_size_out_of_range", "no_budget",
    "budget_undecided", "budget_below_minimum", "timeline_too_long", "no_authority", "incomplete",
}  # fmt: skip
FACTS = st.fixed_dictionaries(
    {},
    optional={
        "need": st.sampled_from(["confirmed", "none"]),
        "budget_status": st.sampled_from(["allocated", "none", "undecided"]),
        "budget_min": st.integers(0, 10**6),
        "budget_max": st.integers(0, 10**6),
        "budget_currency": st.sampled_from(["USD", "EUR", "JPY", "CHF"]),
        "budget_period": st.sampled_from(["month", "year", "one_time"]),
        "authority": st.sampled_from(["decision_maker", "influencer", "none"]),
        "timeline_bucket": st.sampled_from(["now", "quarter", "year", "later", "none"]),
        "timeline_days": st.integers(0, 800),
        "employees": st.integers(1, 10**5),
        "country": st.sampled_from(["US", "GB", "FR", "JP"]),
    },
)
COMPANY = st.builds(
    CompanyInfo,
    industry=st.sampled_from([None, "software", "mining"]),
    employees=st.sampled_from([None, 5, 50, 5000]),
    country=st.sampled_from([None, "US", "BR"]),
)
POLICY = policy(icp={"industries": ["software"], "employees": {"min": 10, "max": 1000}})


@settings(max_examples=300, deadline=None)
@given(facts=FACTS, company=COMPANY, complete=st.booleans())
def test_decision_invariants(facts: dict, company: CompanyInfo, complete: bool) -> None:
    decision = decide(facts, POLICY, complete=complete, company=company)
    assert decision.stage in STAGES
    assert (decision.stage == "sql") == (decision.reasons == ())
    assert set(decision.codes) <= CODES
    assert len(set(decision.codes)) == len(decision.codes)
    for reason in decision.reasons:
        assert reason.fields and reason.detail
        assert all(f in FIELDS or f.startswith("company.") for f in reason.fields)
    if complete:
        assert decision.stage != "iql"
    if decision.stage == "sql":
        assert facts.get("need") == "confirmed" and facts.get("authority") in ("decision_maker", "influencer")
    if facts.get("need") == "none":
        assert decision.stage == "disqualified"


@settings(max_examples=200, deadline=None)
@given(facts=FACTS, company=COMPANY)
def test_finishing_the_conversation_only_settles_an_iql(facts: dict, company: CompanyInfo) -> None:
    running = decide(facts, POLICY, complete=False, company=company)
    finished = decide(facts, POLICY, complete=True, company=company)
    if running.stage != "iql":
        # Only an "incomplete" reason changes: its wording, and its rank (iql -> the policy's stage).
        assert (finished.stage, set(finished.codes)) == (running.stage, set(running.codes))
    else:
        assert "incomplete" in finished.codes
