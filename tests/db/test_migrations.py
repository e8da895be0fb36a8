"""Running every migration yields exactly the schema the models describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.schema import Base


def _diff(connection: Connection) -> tuple[list, set[str]]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata), set(inspect(connection).get_table_names())


async def _compare(url: str) -> tuple[list, set[str]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_diff)
    finally:
        await engine.dispose()


def test_migrations_match_models(database_url: str) -> None:
    upgrade(Settings(database_url=database_url))
    diff, tables = asyncio.run(_compare(database_url))
    assert diff == [], f"models and migrations differ: {diff}"
    assert set(Base.metadata.tables) <= tables


def test_migrating_twice_is_harmless(database_url: str) -> None:
    settings = Settings(database_url=database_url)
    upgrade(settings)
    upgrade(settings)
    diff, _ = asyncio.run(_compare(database_url))
    assert diff == []
