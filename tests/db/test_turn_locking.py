"""A chat turn on SQLite takes the database's one write lock only for its writes, not while it thinks.

With several server processes on one SQLite file every process waits while any holds the write
lock, so a turn that held it through extraction and dialogue held everyone up (measured: 1,000
visitors on two processes went from p99 ~1 s to ~50 ms when the writes moved to the end).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.config import Settings
from bot.conversations import ConversationService, TurnEvent
from bot.db.session import create_engine, create_sessionmaker
from bot.engine.flow import load_flows
from bot.extract.base import ProspectMessage
from bot.extract.rules import RulesExtractor
from bot.facts import Extraction
from bot.handoff.service import build_handoff
from bot.qualify.policy import load_policy
from tests.channels.test_chat_e2e import ANSWERS
from tests.support.appserver import migrated_settings


def _database_is_free(path: Path) -> bool:
    """Whether another connection (another process, in effect) could write right now."""
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


class ProbingExtractor:
    """The rules extractor, noting whether the database was free for writers while it read each message."""

    name = "rules"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.free: list[bool] = []
        self._rules = RulesExtractor()

    async def extract(self, message: ProspectMessage) -> Extraction:
        self.free.append(_database_is_free(self.path))
        return await self._rules.extract(message)


class ProbingListener:
    """Runs inside the turn's writes: notes whether the write lock is held (it must be, or the probe proves nothing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.free: list[bool] = []

    async def on_turn(self, event: TurnEvent) -> None:
        await event.session.flush()
        self.free.append(_database_is_free(self.path))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return migrated_settings(f"sqlite+aiosqlite:///{tmp_path}/q.db", tmp_path, outbox_worker=False)


async def test_a_turn_holds_the_write_lock_only_after_extraction_and_dialogue(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    engine = create_engine(settings)
    db = create_sessionmaker(engine)
    extractor, listener = ProbingExtractor(path), ProbingListener(path)
    policy = load_policy(settings.policy_dir / "policy.yaml")
    service = ConversationService(
        settings=settings, sessionmaker=db, flows=load_flows(settings.flows_dir), extractor=extractor, policy=policy,
        listeners=[build_handoff(settings, db, policy).listener, listener], inline_extraction=True,
    )  # fmt: skip
    try:
        opened = await service.start(flow_name="bant")
        field = opened.replies[-1].field
        for _ in range(10):
            outcome = await service.handle_message(opened.conversation_id, ANSWERS[field or ""])
            if outcome.qualified:
                break
            field = outcome.replies[-1].field
    finally:
        await engine.dispose()
    assert outcome.qualified
    assert len(extractor.free) >= 4
    assert all(extractor.free), extractor.free
    assert listener.free and not any(listener.free)  # the probe does see a held lock
