"""Assigning a lead to a rep: :func:`bot.qualify.routing.route` with its round-robin counters kept in the database.

The counter row of the team is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite holds the
database write lock from the first write of the transaction) and updated in the same
transaction as the assignment, so concurrent turns never hand two leads the same turn.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import models
from bot.handoff.models import LeadAssignment, RoutingCounter
from bot.qualify.routing import Assignment, RoutingInput, RoutingRules, route


_CURRENT = (
    select(LeadAssignment)
    .where(LeadAssignment.lead_id == bindparam("lead_id"))
    .order_by(LeadAssignment.assigned_at.desc(), LeadAssignment.id.desc())
    .limit(1)
)


async def current_assignment(session: AsyncSession, lead_id: str) -> LeadAssignment | None:
    """The lead's newest assignment row, if any."""
    return await session.scalar(_CURRENT, {"lead_id": lead_id})


async def assign(
    session: AsyncSession, lead: models.Lead, rules: RoutingRules, *, country: str | None, now: datetime
) -> tuple[Assignment, LeadAssignment | None]:
    """Route ``lead`` (at its current stage) and store the result; the stored row is None when nothing changed.

    An owner already on the lead wins and is kept (recorded once, with its reason). Otherwise the
    team's counter is read under a row lock, advanced and written back in this transaction.
    """
    request = RoutingInput(country=country, existing_owner=lead.owner, stage=lead.stage)
    team = None if lead.owner else rules.team_for(country)
    counters: dict[str, int] = {}
    row: RoutingCounter | None = None
    if team is not None and lead.stage in rules.route_stages:
        row = await _locked_counter(session, team)
        counters[team] = row.value
    result = route(request, rules, counters)
    if row is not None and team is not None:
        row.value = result.counters.get(team, row.value)
    latest = await current_assignment(session, lead.id)
    if result.owner is None or (latest is not None and latest.owner == result.owner):
        return result, None
    lead.owner = result.owner
    stored = LeadAssignment(
        lead_id=lead.id,
        owner=result.owner,
        team=result.team,
        reason=result.reason,
        rep_name=result.rep.name if result.rep else None,
        meeting_link=str(result.rep.meeting_link) if result.rep and result.rep.meeting_link else None,
        assigned_at=now,
    )
    session.add(stored)
    return result, stored


async def _locked_counter(session: AsyncSession, team: str) -> RoutingCounter:
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    # Create the row if missing without racing another transaction doing the same; on SQLite
    # this write also takes the database write lock for the rest of the transaction.
    await session.execute(insert(RoutingCounter).values(team=team, value=0).on_conflict_do_nothing())
    row = await session.scalar(
        select(RoutingCounter)
        .where(RoutingCounter.team == team)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row
