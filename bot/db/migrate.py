"""Runs the Alembic migrations shipped with qualbot against the configured database."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from bot.config import Settings
from bot.resources import resource_path


def alembic_config(settings: Settings) -> Config:
    """An Alembic config pointing at the packaged migrations and the settings' database."""
    config = Config(str(resource_path("alembic.ini")))
    config.set_main_option("script_location", str(resource_path("migrations")))
    config.attributes["database_url"] = settings.database_url
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``. Must not be called inside a running event loop."""
    command.upgrade(alembic_config(settings), revision)
