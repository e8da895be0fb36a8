"""API keys: stored only as hashes; the first key is made on first start when none is configured."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import ApiKey
from bot.tokens import new_token, token_hash

log = logging.getLogger(__name__)

ALL_SCOPES = ["leads:read", "leads:write", "events:write", "outreach:write", "conversations:write"]


async def ensure_api_key(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Make sure some API key can reach the API.

    ``QUALBOT_API_KEY`` is registered (by hash) when set. Otherwise, if the database has no key
    yet, a new one is generated and written to ``settings.api_key_file`` (mode 0600): the log
    says where to read it, never the key itself.
    """
    async with sessionmaker() as session:
        if settings.api_key is not None:
            digest = token_hash(settings.api_key.get_secret_value())
            if await session.scalar(select(ApiKey).where(ApiKey.key_hash == digest)) is None:
                session.add(_row("QUALBOT_API_KEY", settings.api_key.get_secret_value()))
                await session.commit()
            return
        count = await session.scalar(select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None)))
        if count:
            return
        key = new_token("qb_")
        session.add(_row("generated on first start", key))
        await session.commit()
    path = settings.api_key_file
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    log.warning("Created an API key for the HTTP API. Read it with: cat %s", path.resolve())
    print(f"qualbot: created an API key; read it with: cat {path.resolve()}", flush=True)


def _row(name: str, key: str) -> ApiKey:
    return ApiKey(name=name, prefix=key[:8], key_hash=token_hash(key), scopes=list(ALL_SCOPES), created_at=datetime.now(UTC))


async def find_key(session: AsyncSession, presented: str) -> ApiKey | None:
    """The live key matching ``presented``, if any."""
    return await session.scalar(
        select(ApiKey).where(ApiKey.key_hash == token_hash(presented), ApiKey.revoked_at.is_(None))
    )
