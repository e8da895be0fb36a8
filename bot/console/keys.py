"""API keys managed by admins in the console: create (the key is shown once), list, revoke. Stored hashed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.apikeys import ALL_SCOPES
from bot.db.models import ApiKey
from bot.errors import QualbotError
from bot.tokens import new_token, token_hash


class InvalidApiKey(QualbotError):
    """A key that cannot be created as asked (no name, unknown scope)."""

    code = "invalid_api_key_request"
    http_status = 422


async def create_key(session: AsyncSession, *, name: str, scopes: list[str], now: datetime) -> tuple[ApiKey, str]:
    """A new key row (caller commits) and the key itself, which is never stored and shown only now."""
    name = name.strip()
    if not name:
        raise InvalidApiKey("give the key a name that says who uses it")
    unknown = sorted(set(scopes) - set(ALL_SCOPES))
    if unknown or not scopes:
        raise InvalidApiKey(f"choose scopes among {', '.join(ALL_SCOPES)}" + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    key = new_token("qb_")
    row = ApiKey(name=name[:100], prefix=key[:8], key_hash=token_hash(key), scopes=[s for s in ALL_SCOPES if s in scopes], created_at=now)
    session.add(row)
    await session.flush()
    return row, key


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    """Every key, live ones first, newest first."""
    return list(await session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())))


async def revoke_key(session: AsyncSession, key_id: int, now: datetime) -> ApiKey | None:
    """Revoke a key (caller commits); None when there is no such key."""
    row = await session.get(ApiKey, key_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
    return row
