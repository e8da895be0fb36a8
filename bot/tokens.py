"""Secrets handed to clients (resume tokens, API keys): generated randomly, stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets


def new_token(prefix: str = "") -> str:
    """A fresh random token with 256 bits of entropy."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 hex of a token. A fast hash suffices: tokens are random, not passwords."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
