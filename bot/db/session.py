"""The async engine and session factory built from settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from bot.config import Settings
from bot.db.sqlite_inline import inline_creator

SQLITE_BUSY_SECONDS = 30.0


def create_engine(settings: Settings) -> AsyncEngine:
    """An async engine for ``settings.database_url``; SQLite gets WAL and foreign keys on.

    A SQLite file runs its statements on the event loop's thread (:mod:`bot.db.sqlite_inline`);
    other SQLite URLs (in-memory, URI options) keep aiosqlite.
    """
    url = settings.database_url
    kwargs: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        parsed = make_url(url)
        if parsed.database and parsed.database != ":memory:" and not parsed.query:
            kwargs = {"async_creator": inline_creator(parsed.database, SQLITE_BUSY_SECONDS)}
        else:
            kwargs = {"connect_args": {"timeout": SQLITE_BUSY_SECONDS}}
    engine = create_async_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """One session per unit of work; objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
