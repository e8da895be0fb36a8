"""Assigning a lead to a rep: :func:`bot.qualify.routing.route` with its round-robin counters kept in the database.

A team's turn is taken with one atomic statement that creates or advances its counter row and
returns the new value (``INSERT … ON CONFLICT DO UPDATE … RETURNING``): the row stays locked
(PostgreSQL) or the database write-locked (SQLite) until the assigning transaction ends, so
concurrent turns never hand two leads the same turn, and a rolled-back assignment gives its
turn back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
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
) -> tuple[Assignment, LeadAssignment | None, LeadAssignment | None]:
    """Route ``lead`` (at its current stage) and store the result.

    Returns the routing, the row stored (None when nothing changed) and the lead's current
    assignment row afterwards (the stored one, or the one it already had, if any). An owner
    already on the lead wins and is kept (recorded once, with its reason). Otherwise the team's
    round-robin turn is taken in this transaction.
    """
    request = RoutingInput(country=country, existing_owner=lead.owner, stage=lead.stage)
    team = None if lead.owner else rules.team_for(country)
    counters: dict[str, int] = {}
    if team is not None and lead.stage in rules.route_stages and any(rep.active for rep in rules.teams[team].reps):
        counters[team] = await _take_turn(session, team)
    result = route(request, rules, counters)
    latest = await current_assignment(session, lead.id)
    if result.owner is None or (latest is not None and latest.owner == result.owner):
        return result, None, latest if lead.owner else None  # an unowned lead's old row is history, not its rep
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
    return result, stored, stored


def _turn_statement(insert: Any) -> Any:
    counters = RoutingCounter.__table__
    statement = insert(counters).values(team=bindparam("team"), value=1)
    return statement.on_conflict_do_update(
        index_elements=[counters.c.team], set_={"value": counters.c.value + 1}
    ).returning(counters.c.value)


_TAKE_TURN = {"postgresql": _turn_statement(postgresql.insert), "sqlite": _turn_statement(sqlite.insert)}


async def _take_turn(session: AsyncSession, team: str) -> int:
    """The team's round-robin position before this lead, advanced by one in the same statement."""
    statement = _TAKE_TURN[session.get_bind().dialect.name]
    return int((await session.execute(statement, {"team": team})).scalar_one()) - 1
