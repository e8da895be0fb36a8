"""Small text helpers the engine shares: word normalisation and seeded choice."""

from __future__ import annotations

import hashlib
import re
from typing import Sequence, TypeVar

T = TypeVar("T")

_NON_WORD = re.compile(r"[^\w']+")


def normalize_words(text: str) -> str:
    """Lower-case words separated by single spaces (punctuation dropped, apostrophes kept)."""
    return " ".join(_NON_WORD.sub(" ", text.casefold().replace("’", "'")).split())


def seeded_choice(options: Sequence[T], seed: int, *key: object) -> T:
    """Pick one of ``options`` from ``seed`` and ``key``: stable across runs and processes."""
    digest = hashlib.blake2b(repr((seed, *key)).encode(), digest_size=8).digest()
    return options[int.from_bytes(digest, "big") % len(options)]
