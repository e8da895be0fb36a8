"""Builds a realistic set of leads for console tests and screenshots, through the real conversation service.

Conversations run through ``ConversationService`` with the rules extractor and a clock the
seed moves, so facts, stages, scores and timestamps are what the product itself makes.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.conversations import ConversationService
from bot.db.migrate import upgrade
from bot.db.session import create_engine, create_sessionmaker
from bot.engine.flow import load_flows
from bot.extract.factory import build_extractor
from bot.qualify.policy import load_policy

SQL_ANSWERS = [
    "We lose inbound leads because nobody replies fast enough",
    "We have a budget of $40,000 per year",
    "I sign off on it, I'm the CFO",
    "Within the next month",
    "About 120 employees",
    "Germany",
]


@dataclass(frozen=True)
class Script:
    """One lead: contact, what they say, how long ago they came, and an SDR outcome if any."""

    name: str | None
    company: str | None
    email: str | None
    answers: list[str]
    days_ago: float
    channel: str = "chat"
    pages: list[str] = field(default_factory=list)
    questions: list[tuple[str, bool]] = field(default_factory=list)  # the visitor's own questions, answered?


SCRIPTS = [
    Script("Priya Natarajan", "Brightwater Foods", "priya@brightwater.example", SQL_ANSWERS, 2, pages=["/pricing"]),
    Script("Tom Becker", "Nordlicht GmbH", "tom@nordlicht.example", [
        "Our SDRs spend hours on leads that never buy", "Budget is approved, around 25k EUR a year",
        "I recommend, our COO signs", "This quarter", "45 people", "Germany"], 5),
    Script("Ana Souza", "Pixel Harbor", "ana@pixelharbor.example", [
        "Too many unqualified leads", "No budget", ], 9),
    Script("Marcus Lee", "Lee & Partners", "marcus@leepartners.example", [
        "We need faster follow-up on demo requests", "$60k per year is set aside", "I decide", "This month", "300 employees", "United States"], 12, pages=["/pricing", "/"]),
    Script(None, None, None, ["Just looking around"], 1),
    Script("Sofia Rossi", "Verde Logistica", "sofia@verde.example", [
        "Slow follow-up is killing our conversion", "We have 30000 euros for this year"], 0.01),
    Script("Kenji Sato", "Sato Robotics", "kenji@sato.example", [
        "Leads slip through the cracks", "Budget approved, 80,000 USD annually", "I approve purchases", "Within the next month", "1200 employees", "Japan"], 20),
    Script("Lena Fischer", "Alpenblick AG", "lena@alpenblick.example", [
        "We get too many unqualified leads", "Not yet decided", "I'm just researching"], 16),
    Script("Omar Haddad", "Dune Analytics", "omar@dune.example", [
        "Inbound leads wait days for a reply", "Budget of $15,000 per year", "I sign off", "Next year probably", "25 employees", "United Arab Emirates"], 26),
]
OUTCOMES = {"Marcus Lee": "won", "Kenji Sato": "lost", "Omar Haddad": "bad_fit"}


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=40)
        return self.now


def settings_for(database_url: str, **overrides: object) -> Settings:
    return Settings(database_url=database_url, extractor="rules", **overrides)  # type: ignore[arg-type]


def seed(database_url: str, scripts: list[Script] = SCRIPTS, now: datetime | None = None) -> dict[str, str]:
    """Run the scripts into the database (migrated first); returns ``{name: lead_id}``.

    Runs in a thread of its own, so it works while Playwright's event loop runs in this one.
    """
    settings = settings_for(database_url)

    def run() -> dict[str, str]:
        upgrade(settings)
        return asyncio.run(_seed(settings, scripts, now or datetime.now(UTC)))

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


async def _seed(settings: Settings, scripts: list[Script], now: datetime) -> dict[str, str]:
    from bot.console.corrections import set_outcome

    engine = create_engine(settings)
    sessionmaker = create_sessionmaker(engine)
    clock = _Clock(now)
    service = ConversationService(
        settings=settings,
        sessionmaker=sessionmaker,
        flows=load_flows(settings.flows_dir),
        extractor=build_extractor(settings, "rules"),
        policy=load_policy(settings.policy_dir / "policy.yaml"),
        clock=clock,
    )
    ids: dict[str, str] = {}
    try:
        for script in scripts:
            clock.now = now - timedelta(days=script.days_ago)
            contact = {"name": script.name, "company": script.company, "email": script.email}
            opened = await service.start(flow_name="bant", channel=script.channel, contact=contact, seed=1)
            for page in script.pages:
                await service.record_event(opened.conversation_id, "page_view", {"url": f"https://ledgerline.example{page}", "seconds": 40})
            for question, answered in script.questions:
                await service.record_event(opened.conversation_id, "prospect_question", {"text": question, "answered": answered})
            for text in script.answers:
                await service.handle_message(opened.conversation_id, text)
            ids[script.name or "anonymous"] = opened.lead_id
        async with sessionmaker() as session:
            for name, outcome in OUTCOMES.items():
                if name in ids:
                    await set_outcome(session, ids[name], outcome=outcome, note="", who="seed@example.com", now=now)
            await session.commit()
    finally:
        await engine.dispose()
    return ids
