"""Console access: users with argon2 password hashes, server-side sessions with CSRF tokens, login rate limits.

Plain functions taking an ``AsyncSession`` first (the CLI and the web routes share them). A
session cookie carries a random token; the database keeps only its SHA-256 hash, the user and a
per-session CSRF token that every console POST must echo.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.models import ROLES, ConsoleSession, ConsoleUser
from bot.errors import QualbotError
from bot.tokens import new_token, token_hash

MIN_PASSWORD_CHARS = 10
_hasher = PasswordHasher()
_dummy_hash: str | None = None


def _dummy() -> str:
    """A hash verified against when the account does not exist, so both cases take the same time."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("not a real password, only spends time")
    return _dummy_hash


class InvalidUser(QualbotError):
    """A user that cannot be created as asked (bad email, unknown role, short password, taken email)."""

    code = "invalid_user"
    http_status = 422


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalize_email(email: str) -> str:
    """The address, checked and lower-cased, or :class:`InvalidUser`."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidUser(f"{email!r} is not an email address: {exc}") from None


async def create_user(session: AsyncSession, *, email: str, password: str, role: str, now: datetime) -> ConsoleUser:
    """Add a console user (committed by the caller) or raise :class:`InvalidUser` saying why not."""
    address = normalize_email(email)
    if role not in ROLES:
        raise InvalidUser(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidUser(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if await session.scalar(select(ConsoleUser).where(ConsoleUser.email == address)) is not None:
        raise InvalidUser(f"a user {address} exists already")
    user = ConsoleUser(email=address, password_hash=hash_password(password), role=role, created_at=now)
    session.add(user)
    await session.flush()
    return user


async def list_users(session: AsyncSession) -> list[ConsoleUser]:
    """Every console user, by email."""
    return list(await session.scalars(select(ConsoleUser).order_by(ConsoleUser.email)))


async def authenticate(session: AsyncSession, email: str, password: str, now: datetime) -> ConsoleUser | None:
    """The enabled user with this email and password, else None (in constant-ish time)."""
    try:
        address = normalize_email(email)
    except InvalidUser:
        address = ""
    user = await session.scalar(select(ConsoleUser).where(ConsoleUser.email == address)) if address else None
    if user is None or user.disabled_at is not None:
        verify_password(_dummy(), password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


@dataclass(frozen=True)
class SignedIn:
    """The user behind a request's session cookie and the session's CSRF token."""

    user: ConsoleUser
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"


async def open_session(session: AsyncSession, user: ConsoleUser, *, now: datetime, hours: float) -> str:
    """Start a session for ``user``; returns the cookie token (shown once, stored hashed)."""
    token = new_token()
    session.add(
        ConsoleSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    await session.execute(delete(ConsoleSession).where(ConsoleSession.expires_at < now))
    return token


async def signed_in(session: AsyncSession, token: str | None, now: datetime) -> SignedIn | None:
    """Who the cookie ``token`` belongs to, if the session is live and the user enabled."""
    if not token:
        return None
    row = await session.get(ConsoleSession, token_hash(token))
    if row is None or row.expires_at <= now:
        return None
    user = await session.get(ConsoleUser, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    return SignedIn(user, row.csrf_token)


async def close_session(session: AsyncSession, token: str | None) -> None:
    """End the session the cookie ``token`` belongs to (logout)."""
    if token:
        await session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))


class LoginLimiter:
    """Counts failed sign-ins per client address and per account in moving windows (in memory)."""

    def __init__(self, per_ip: str, per_account: str) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_ip = parse(per_ip)
        self._per_account = parse(per_account)

    def _keys(self, ip: str, email: str) -> list[tuple[object, str]]:
        return [(self._per_ip, f"ip:{ip}"), (self._per_account, f"account:{email.strip().lower()}")]

    def blocked_for(self, ip: str, email: str) -> int | None:
        """Seconds until another attempt is allowed, or None when one is allowed now."""
        waits = []
        for item, key in self._keys(ip, email):
            if not self._limiter.test(item, "login", key):  # type: ignore[arg-type]
                reset = self._limiter.get_window_stats(item, "login", key).reset_time  # type: ignore[arg-type]
                waits.append(max(1, int(reset - datetime.now().timestamp()) + 1))
        return max(waits) if waits else None

    def failed(self, ip: str, email: str) -> None:
        """Count one failed attempt against the address and the account."""
        for item, key in self._keys(ip, email):
            self._limiter.hit(item, "login", key)  # type: ignore[arg-type]
