"""Lead exports for ``GET /api/leads?format=csv|jsonl``: streamed page by page, CSV safe to open in a spreadsheet.

A CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
with ``'`` so that spreadsheet programs show it as text rather than run it as a formula
(prospects write names and quotes; they must not be able to plant formulas).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.csvsafe import neutralize
from bot.db import models
from bot.facts import FIELDS
from bot.handoff.models import LeadAssignment, LeadScoreRecord
from bot.leads import LeadFilter

PAGE = 200
COLUMNS = (
    "id", "name", "email", "company", "stage", "score", "owner", "team", "assignment_reason",
    "reasons", "created_at", "updated_at", *FIELDS,
)  # fmt: skip


def safe_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not evaluate as a formula."""
    return neutralize(value) if isinstance(value, str) else value


async def export_rows(sessionmaker: async_sessionmaker[AsyncSession], where: LeadFilter) -> AsyncIterator[dict[str, Any]]:
    """Every matching lead as a flat export record, oldest first, read in pages (keyset on created_at, id)."""
    after: tuple[Any, str] | None = None
    while True:
        async with sessionmaker() as session:
            query = where.apply(select(models.Lead)).order_by(models.Lead.created_at, models.Lead.id).limit(PAGE)
            if after is not None:
                query = query.where(tuple_(models.Lead.created_at, models.Lead.id) > after)
            leads = list(await session.scalars(query))
            if not leads:
                return
            extras = await _page_extras(session, [lead.id for lead in leads])
        for lead in leads:
            yield _record(lead, *(extra.get(lead.id) for extra in extras))
        after = (leads[-1].created_at, leads[-1].id)


async def _page_extras(session: AsyncSession, ids: list[str]) -> tuple[dict[str, Any], ...]:
    facts: dict[str, dict[str, Any]] = {}
    rows = await session.scalars(
        select(models.Fact).where(models.Fact.lead_id.in_(ids), models.Fact.active.is_(True)).order_by(models.Fact.id)
    )
    for fact in rows:
        facts.setdefault(fact.lead_id, {})[fact.field] = {"value": fact.value, "evidence": fact.evidence}
    assignments: dict[str, LeadAssignment] = {}
    for row in await session.scalars(
        select(LeadAssignment).where(LeadAssignment.lead_id.in_(ids)).order_by(LeadAssignment.assigned_at, LeadAssignment.id)
    ):
        assignments[row.lead_id] = row  # the newest wins
    reasons: dict[str, list[Any]] = {}
    for row in await session.scalars(
        select(models.Qualification)
        .where(models.Qualification.lead_id.in_(ids))
        .order_by(models.Qualification.decided_at, models.Qualification.id)
    ):
        reasons[row.lead_id] = row.reasons
    scored = await session.scalars(select(LeadScoreRecord).where(LeadScoreRecord.lead_id.in_(ids)))
    scores = {r.lead_id: r.parts for r in scored}
    return facts, assignments, reasons, scores


def _record(
    lead: models.Lead,
    facts: dict[str, Any] | None,
    assignment: LeadAssignment | None,
    reasons: list[Any] | None,
    score_parts: list[Any] | None,
) -> dict[str, Any]:
    return {
        "id": lead.id,
        "contact": {"name": lead.name, "email": lead.email, "company": lead.company},
        "stage": lead.stage,
        "score": lead.score,
        "score_explanation": score_parts or [],
        "owner": lead.owner,
        "assignment": None
        if assignment is None
        else {"owner": assignment.owner, "team": assignment.team, "reason": assignment.reason},
        "reasons": reasons or [],
        "facts": facts or {},
        "created_at": lead.created_at.isoformat(),
        "updated_at": lead.updated_at.isoformat(),
    }


def csv_cells(record: dict[str, Any]) -> list[Any]:
    """One CSV row (in ``COLUMNS`` order) for an export record."""
    assignment = record["assignment"] or {}
    flat: dict[str, Any] = {
        "id": record["id"],
        **record["contact"],
        "stage": record["stage"],
        "score": record["score"],
        "owner": record["owner"],
        "team": assignment.get("team"),
        "assignment_reason": assignment.get("reason"),
        "reasons": " ".join(r["code"] for r in record["reasons"]),
        "created_at": record["created_at"],
        "updated_at": record["updated_at"],
    }
    for name, fact in record["facts"].items():
        flat[name] = fact["value"]
    return [safe_cell(_cell(flat.get(column))) for column in COLUMNS]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _csv_line(cells: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


async def csv_stream(sessionmaker: async_sessionmaker[AsyncSession], where: LeadFilter) -> AsyncIterator[str]:
    """The CSV export: a header line, then one line per lead."""
    yield _csv_line(COLUMNS)
    async for record in export_rows(sessionmaker, where):
        yield _csv_line(csv_cells(record))


async def jsonl_stream(sessionmaker: async_sessionmaker[AsyncSession], where: LeadFilter) -> AsyncIterator[str]:
    """The JSON Lines export: one JSON object per lead, with facts and their evidence."""
    async for record in export_rows(sessionmaker, where):
        yield json.dumps(record, ensure_ascii=False) + "\n"
