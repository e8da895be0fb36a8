"""Routing SQLs: round-robin within a team and territory by country (a real server), an existing owner
winning, and the round-robin counter staying exact under concurrent turns (the service on a real database).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import models
from bot.handoff.models import RoutingCounter
from bot.qualify.routing import load_routing
from tests.channels.test_chat_e2e import ANSWERS
from tests.handoff.factories import add_lead, converse, handoff_service, route_concurrently
from tests.handoff.test_handoff_e2e import qualify
from tests.support.appserver import migrated_settings
from tests.support.server import LiveServer

UK = {**ANSWERS, "company": "We're about 80 people, based in London, UK."}


@pytest.mark.database
async def test_two_sqls_take_turns_and_a_uk_lead_goes_to_emea(tmp_path: Path) -> None:
    server = LiveServer(tmp_path).start()
    try:
        first, second, third = [await qualify(server, answers) for answers in (ANSWERS, ANSWERS, UK)]
        with server.api() as api:
            records = [api.get(f"/api/leads/{q['lead_id']}").json() for q in (first, second, third)]
            owned = api.get("/api/leads", params={"owner": "BEN@example.com"}).json()["leads"]
    finally:
        server.stop()
    assert [q["stage"] for q in (first, second, third)] == ["sql"] * 3
    assert [r["owner"] for r in records] == ["ana@example.com", "ben@example.com", "chloe@example.com"]
    assert [q["meeting_link"] for q in (first, second, third)] == [
        "https://cal.example.com/ana", "https://cal.example.com/ben", "https://cal.example.com/chloe"
    ]  # fmt: skip
    assert [q["rep_name"] for q in (first, second)] == ["Ana Example", "Ben Example"]
    assert [r["assignment"]["team"] for r in records] == ["americas", "americas", "emea"]
    assert records[0]["assignment"]["reason"] == "territory americas, round-robin: rep 1 of 2"
    assert records[1]["assignment"]["reason"] == "territory americas, round-robin: rep 2 of 2"
    assert [lead["id"] for lead in owned] == [second["lead_id"]], "owner filter, case-insensitive"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return migrated_settings(database_url, tmp_path)



async def test_an_existing_owner_wins_over_territory(settings: Settings, db: async_sessionmaker[AsyncSession]) -> None:
    async with db() as session:
        lead = await add_lead(session, name="Kept", owner="chloe@example.com")  # an EMEA rep; the lead is in Canada
        await session.commit()
    outcome = await converse(handoff_service(settings, db), ANSWERS, lead_id=lead.id)
    async with db() as session:
        stored = await session.get(models.Lead, lead.id)
        counters = list(await session.scalars(select(RoutingCounter)))
    assert outcome.stage == "sql" and stored is not None and stored.owner == "chloe@example.com"
    assert outcome.handoff["meeting_link"] == "https://cal.example.com/chloe"
    assert counters == [], "keeping an owner does not use up anyone's turn"


async def test_concurrent_assignments_share_the_round_robin_exactly(
    settings: Settings, db: async_sessionmaker[AsyncSession]
) -> None:
    rules = load_routing(settings.policy_dir / "routing.yaml")
    owners, counter = await route_concurrently(db, rules, country="US", count=10)
    assert counter == 10
    assert Counter(owners) == {"ana@example.com": 5, "ben@example.com": 5}
