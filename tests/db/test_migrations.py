"""Running every migration yields exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.schema import Base


def test_migrations_match_models(tmp_path: Path) -> None:
    path = tmp_path / "migrated.db"
    upgrade(Settings(database_url=f"sqlite+aiosqlite:///{path}"))
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    assert set(Base.metadata.tables) <= tables


def test_migrating_twice_is_harmless(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'twice.db'}")
    upgrade(settings)
    upgrade(settings)
