"""``GET /api/leads?format=csv|jsonl``: filtered, streamed in pages, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from bot.api.exports import COLUMNS, PAGE, safe_cell
from bot.db import models
from bot.handoff.models import LeadAssignment
from tests.handoff.factories import add_lead
from tests.support.appserver import RunningApp, migrated_settings, running_app

NOV = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[RunningApp]:
    with running_app(migrated_settings(database_url, tmp_path)) as app:
        yield app


async def seed(app: RunningApp) -> dict[str, str]:
    engine, db = app.db()
    async with db() as session:
        leads = {
            "evil": await add_lead(session, name='=HYPERLINK("http://evil.example","x")', stage="sql", owner="ana@example.com",
                                   at=NOV, facts={"need": "confirmed", "budget_max": 25000}),
            "plus": await add_lead(session, company="+cmd|' /C calc'!A0", stage="nurture", at=NOV + timedelta(days=9)),
            "at": await add_lead(session, name="@SUM(1)", stage="sql", owner="ben@example.com", at=NOV + timedelta(days=19)),
            "minus": await add_lead(session, name="-2+3", stage="sql", owner="ana@example.com", at=NOV + timedelta(days=20)),
        }  # fmt: skip
        leads["plus"].updated_at = NOV + timedelta(days=22)
        session.add(LeadAssignment(lead_id=leads["evil"].id, owner="ana@example.com", team="americas",
                                   reason="territory americas, round-robin: rep 1 of 2", assigned_at=NOV))  # fmt: skip
        await session.commit()
    await engine.dispose()
    return {name: lead.id for name, lead in leads.items()}


def rows(app: RunningApp, **params: str) -> list[dict[str, str]]:
    with app.api() as api:
        response = api.get("/api/leads", params={"format": "csv", **params})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(response.text)))
    assert tuple(table[0]) == COLUMNS
    return [dict(zip(COLUMNS, row)) for row in table[1:]]


async def test_csv_filters_and_neutralises_formulas(app: RunningApp) -> None:
    ids = await seed(app)
    everything = {r["id"]: r for r in rows(app)}
    assert set(everything) == set(ids.values())
    assert everything[ids["evil"]]["name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert everything[ids["plus"]]["company"].startswith("'+cmd")
    assert everything[ids["at"]]["name"] == "'@SUM(1)" and everything[ids["minus"]]["name"] == "'-2+3"
    evil = everything[ids["evil"]]
    assert evil["need"] == "confirmed" and evil["budget_max"] == "25000" and evil["team"] == "americas"

    by = lambda **p: [r["id"] for r in rows(app, **p)]  # noqa: E731
    assert by(stage="sql") == [ids["evil"], ids["at"], ids["minus"]], "oldest first"
    assert by(owner="ana@example.com") == [ids["evil"], ids["minus"]]
    window = {"created_from": (NOV + timedelta(days=5)).isoformat(), "created_to": (NOV + timedelta(days=20)).isoformat()}
    assert by(**window) == [ids["plus"], ids["at"]], "from inclusive, to exclusive"
    assert by(updated_from=(NOV + timedelta(days=21)).isoformat()) == [ids["plus"]]
    assert by(stage="sql", owner="ana@example.com", created_from=(NOV + timedelta(days=1)).isoformat()) == [ids["minus"]]


async def test_jsonl_carries_facts_with_evidence_and_filters_alike(app: RunningApp) -> None:
    ids = await seed(app)
    with app.api() as api:
        response = api.get("/api/leads", params={"format": "jsonl", "owner": "ana@example.com"})
        listing = api.get("/api/leads", params={"owner": "ana@example.com"}).json()["leads"]
    records = [json.loads(line) for line in response.text.splitlines()]
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert [r["id"] for r in records] == [ids["evil"], ids["minus"]]
    assert {lead["id"] for lead in listing} == {ids["evil"], ids["minus"]}, "the JSON listing filters the same way"
    evil = records[0]
    assert evil["contact"]["name"].startswith("=HYPERLINK"), "JSON is not a spreadsheet: values as stored"
    assert evil["facts"]["need"] == {"value": "confirmed", "evidence": "said need"}
    assert evil["assignment"]["team"] == "americas"


async def test_an_export_larger_than_a_page_streams_every_lead_once(app: RunningApp) -> None:
    engine, db = app.db()
    count = PAGE * 2 + 17
    same_time = NOV  # ties on created_at are broken by id, so paging neither skips nor repeats
    async with db() as session:
        await session.execute(
            insert(models.Lead),
            [{"id": f"lead{i:04d}", "name": f"Lead {i}", "stage": "mql", "score": 0, "created_at": same_time,
              "updated_at": same_time} for i in range(count)],
        )  # fmt: skip
        await session.commit()
    await engine.dispose()
    with app.api() as api, api.stream("GET", "/api/leads", params={"format": "csv", "stage": "mql"}) as response:
        lines = [line for line in response.iter_lines() if line]
        assert response.headers.get("transfer-encoding") == "chunked"
    ids = [line.split(",")[0] for line in lines[1:]]
    assert len(ids) == count and len(set(ids)) == count


def test_safe_cell_leaves_numbers_and_plain_text_alone() -> None:
    assert [safe_cell(v) for v in (-5, 3.5, "Acme", "", "\tx", "\rx")] == [-5, 3.5, "Acme", "", "'\tx", "'\rx"]
