"""The analytics page (``GET /console/analytics``): funnel by channel, flow and week, drop-off, time to qualify, outcomes."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.console import analytics as a
from bot.console import charts
from bot.console.analytics_load import load_records
from bot.console.format import OUTCOME_LABELS, STAGE_LABELS
from bot.console.web import Signed, now, render
from bot.qualify.policy import STAGES

PERIODS = {"4": 4, "12": 12, "52": 52}
DROP_IDLE = timedelta(minutes=30)  # a conversation silent this long with a question open was left


def analytics_router() -> APIRouter:
    """Routes of the analytics page."""
    router = APIRouter()

    @router.get("/analytics")
    async def analytics(request: Request, me: Signed) -> Response:
        weeks = PERIODS.get(request.query_params.get("weeks", "12"), 12)
        moment = now()
        async with request.app.state.sessionmaker() as session:
            leads, conversations = await load_records(session, moment - timedelta(weeks=weeks))
        overall = a.funnel(leads, conversations)
        by_channel = a.funnel_by(leads, conversations, lambda c: c.channel)
        by_flow = a.funnel_by(leads, conversations, lambda c: c.flow)
        by_week = a.funnel_by(leads, conversations, lambda c: a.week_of(c.started_at))
        drops = a.drop_off(conversations, now=moment, idle=DROP_IDLE)
        outcomes = a.outcomes_by_stage(leads, STAGES)
        labels = {**OUTCOME_LABELS, "open": "No outcome yet"}
        return render(
            request,
            "analytics.html",
            weeks=weeks,
            periods=PERIODS,
            overall=overall,
            by_channel=by_channel,
            by_flow=by_flow,
            by_week=by_week,
            drops=drops,
            outcomes=outcomes,
            outcome_keys=a.OUTCOME_KEYS,
            outcome_labels=labels,
            steps=a.STEPS,
            step_labels=a.STEP_LABELS,
            median_mql=a.median_minutes_to(leads, "mql"),
            median_sql=a.median_minutes_to(leads, "sql"),
            rate=a.rate,
            funnel_svg=charts.funnel_chart(overall, f"Funnel, last {weeks} weeks"),
            week_svg=charts.weekly_chart(by_week, "Conversations, SQLs and wins per week"),
            drop_svg=charts.bar_chart(
                [(d.topic.capitalize(), d.dropped, f"{d.dropped} left of {d.asked} asked") for d in drops if d.dropped],
                "Where unfinished conversations stopped",
                "No unfinished conversations",
            ),
            outcome_svg=charts.stacked_chart(outcomes, a.OUTCOME_KEYS, labels, STAGE_LABELS, "Outcome by stage"),
        )

    return router
