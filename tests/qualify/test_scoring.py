"""Lead scoring: every point explained, parts add up to the score, weights and time decay."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.qualify.policy import CompanyInfo, default_policy
from bot.qualify.scoring import EngagementEvent, LeadScore, score_lead
from tests.qualify.factories import policy, sql_facts

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def engagement(score: LeadScore) -> float:
    return score.by_category()["engagement"]


def assert_explained(score: LeadScore) -> None:
    assert 0 <= score.score <= 100
    assert score.score == round(sum(p.points for p in score.parts))
    for part in score.parts:
        assert part.reason and part.source
        assert part.category in ("fit", "intent", "engagement")


def test_an_unknown_lead_scores_nothing() -> None:
    score = score_lead({}, [], policy(), now=NOW)
    assert score == LeadScore(0, ())


def test_intent_parts_follow_the_weights_and_name_their_facts() -> None:
    weights = policy().scoring.intent
    facts = {"need": "confirmed", "authority": "influencer", "timeline_bucket": "now", "budget_status": "undecided"}
    score = score_lead(facts, [], policy(), now=NOW)
    assert_explained(score)
    points = {p.source: p.points for p in score.parts}
    assert points == {
        "need": weights.need_confirmed,
        "authority": weights.authority["influencer"],
        "timeline_bucket": weights.timeline["now"],
        "budget_status": weights.budget["undecided"],
    }


def test_fit_parts_cover_country_size_industry_and_budget() -> None:
    table = policy(icp={"countries": ["US"], "industries": ["software"], "employees": {"min": 10, "max": 100}})
    company = CompanyInfo(industry="Software", employees=50)
    score = score_lead(sql_facts(), [], table, now=NOW, company=company)
    fit = {p.source for p in score.parts if p.category == "fit"}
    assert fit == {"country", "company.employees", "company.industry", "budget_max"}
    outside = score_lead(sql_facts(country="FR", budget_max=10, budget_min=10), [], table, now=NOW,
                         company=CompanyInfo(industry="Mining", employees=5000))  # fmt: skip
    assert not [p for p in outside.parts if p.category == "fit"]


def test_weights_change_the_score() -> None:
    light = score_lead({"need": "confirmed"}, [], policy(scoring={"intent": {"need_confirmed": 2}}), now=NOW)
    heavy = score_lead({"need": "confirmed"}, [], policy(scoring={"intent": {"need_confirmed": 30}}), now=NOW)
    assert (light.score, heavy.score) == (2, 30)


def test_category_cap_shows_as_a_negative_part() -> None:
    table = policy(scoring={"intent": {"max": 15}})
    score = score_lead(sql_facts(), [], table, now=NOW)
    assert_explained(score)
    assert score.by_category()["intent"] == 15
    cap = [p for p in score.parts if p.points < 0]
    assert len(cap) == 1 and cap[0].source == "policy:intent.max"


def test_engagement_halves_every_half_life() -> None:
    table = policy(scoring={"engagement": {"half_life_days": 10, "events": {"download": 8}}})
    fresh = engagement(score_lead({}, [EngagementEvent("download", NOW)], table, now=NOW))
    one = engagement(score_lead({}, [EngagementEvent("download", ago(10))], table, now=NOW))
    two = engagement(score_lead({}, [EngagementEvent("download", ago(20))], table, now=NOW))
    assert (fresh, one, two) == (8, 4, 2)


def test_older_events_never_count_more() -> None:
    table = policy()
    events = [[EngagementEvent("email_reply", ago(days))] for days in range(0, 90, 7)]
    values = [engagement(score_lead({}, one, table, now=NOW)) for one in events]
    assert values == sorted(values, reverse=True)
    assert values[0] > values[-1]


def test_future_events_count_as_now_not_more() -> None:
    table = policy()
    future = engagement(score_lead({}, [EngagementEvent("download", NOW + timedelta(days=3))], table, now=NOW))
    assert future == table.scoring.engagement.events["download"]


def test_pricing_page_views_count_more_than_other_pages() -> None:
    table = policy()
    plain = score_lead({}, [EngagementEvent("page_view", NOW, {"url": "https://x.example/blog/a"})], table, now=NOW)
    pricing = score_lead({}, [EngagementEvent("page_view", NOW, {"url": "https://x.example/pricing"})], table, now=NOW)
    assert engagement(pricing) > engagement(plain) > 0
    assert [p.source for p in pricing.parts] == ["event:pricing_page_view"]


def test_events_of_one_kind_are_one_explained_part() -> None:
    events = [EngagementEvent("download", ago(d)) for d in (0, 0, 0)]
    score = score_lead({}, events, policy(), now=NOW)
    (part,) = score.parts
    assert part.reason.startswith("3 × download")
    assert part.points == 3 * policy().scoring.engagement.events["download"]


def test_unknown_events_score_nothing() -> None:
    assert score_lead({}, [EngagementEvent("tweeted", NOW)], policy(), now=NOW).score == 0


def test_engagement_is_capped() -> None:
    events = [EngagementEvent("email_reply", NOW)] * 50
    score = score_lead({}, events, policy(), now=NOW)
    assert score.score == policy().scoring.engagement.max
    assert_explained(score)


def test_a_perfect_lead_reaches_the_sum_of_the_maxima() -> None:
    table = default_policy()
    events = [EngagementEvent(name, NOW, {"url": "/pricing"}) for name in table.scoring.engagement.events] * 5
    facts = sql_facts(budget_min=50_000, budget_max=50_000, timeline_bucket="now", timeline_days=10)
    score = score_lead(facts, events, table, now=NOW, company=CompanyInfo(industry="any", employees=50))
    weights = table.scoring
    assert score.score == weights.fit.max + weights.intent.max + weights.engagement.max == 100


FACT_VALUES = st.fixed_dictionaries(
    {},
    optional={
        "need": st.sampled_from(["confirmed", "none"]),
        "budget_status": st.sampled_from(["allocated", "none", "undecided"]),
        "budget_max": st.integers(0, 10**7),
        "budget_currency": st.sampled_from(["USD", "EUR", "JPY", "CHF"]),
        "budget_period": st.sampled_from(["month", "year", "one_time"]),
        "authority": st.sampled_from(["decision_maker", "influencer", "none"]),
        "timeline_bucket": st.sampled_from(["now", "quarter", "year", "later", "none"]),
        "employees": st.integers(1, 10**6),
        "country": st.sampled_from(["US", "GB", "FR", "JP"]),
    },
)
EVENTS = st.lists(
    st.builds(
        EngagementEvent,
        name=st.sampled_from(["page_view", "download", "webinar_signup", "email_reply", "other"]),
        occurred_at=st.integers(-5, 400).map(lambda d: ago(d)),
        properties=st.sampled_from([{}, {"url": "/pricing"}, {"url": "/blog"}]),
    ),
    max_size=40,
)
WEIGHT = st.floats(0, 60, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(facts=FACT_VALUES, events=EVENTS, fit=WEIGHT, intent=WEIGHT, engaged=WEIGHT, half_life=st.floats(0.5, 60))
def test_score_is_within_bounds_and_the_parts_add_up(
    facts: dict, events: list[EngagementEvent], fit: float, intent: float, engaged: float, half_life: float
) -> None:
    scale = min(1.0, 100 / (fit + intent + engaged)) if fit + intent + engaged else 1.0
    table = policy(scoring={
        "fit": {"max": fit * scale},
        "intent": {"max": intent * scale, "need_confirmed": 25},
        "engagement": {"max": engaged * scale, "half_life_days": half_life},
    })  # fmt: skip
    score = score_lead(facts, events, table, now=NOW)
    assert_explained(score)
    for category, points in score.by_category().items():
        assert points <= getattr(table.scoring, category).max + 0.01


@pytest.mark.parametrize("days", [0, 14, 28])
def test_engagement_reason_tells_the_weight_and_half_life(days: int) -> None:
    score = score_lead({}, [EngagementEvent("webinar_signup", ago(days))], default_policy(), now=NOW)
    (part,) = score.parts
    assert "halving every 14 days" in part.reason
    assert part.points == pytest.approx(4 * 0.5 ** (days / 14), abs=0.01)


def test_naive_datetimes_are_taken_as_utc() -> None:
    naive_now = NOW.replace(tzinfo=None)
    aware = score_lead({}, [EngagementEvent("download", ago(14))], policy(), now=naive_now)
    naive = score_lead({}, [EngagementEvent("download", ago(14).replace(tzinfo=None))], policy(), now=NOW)
    assert aware == naive
    assert engagement(aware) == policy().scoring.engagement.events["download"] / 2


def test_score_json_round_trip() -> None:
    score = score_lead(sql_facts(), [EngagementEvent("download", ago(3))], policy(), now=NOW)
    assert LeadScore.from_json(score.to_json()) == score
