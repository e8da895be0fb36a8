"""Literal prefilters for the rules' regular expressions: no scan where a pattern cannot match.

Most cue patterns find nothing in most clauses, yet ``re`` tries each of their alternatives at
every position of the text. From a pattern's parse tree :func:`required_literals` derives a set
of literal strings of which every match contains at least one (a sequence needs what its most
selective part needs; an alternation, what any alternative needs). :class:`Cue` wraps a
compiled pattern and answers "no match" at once for a text containing none of them, and
otherwise asks the pattern: its answers are always the pattern's own.

Texts are compared folded: lower case, and each non-ASCII character that ``re``'s
case-insensitive matching equates with an ASCII letter ("ſ" with "s", "ı" and "İ" with "i",
"K" (Kelvin) with "k") replaced by that letter, so a fold never hides a match. Only ASCII
literals are used.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

try:  # CPython's own regular-expression parser; without it every pattern is simply scanned
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - other Python implementations
    sre_parse = None  # type: ignore[assignment]

__all__ = ["Cue", "CueAlternatives", "cue", "fold", "required_literals", "split_alternatives"]

Literals = frozenset[str] | None  # None: no literal is required

_ASCII_LETTERS = string.ascii_lowercase


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """The ASCII letter ``re`` equates ``char`` with ignoring case, else ``char`` lowered (one character)."""
    for letter in _ASCII_LETTERS:
        if re.fullmatch(letter, char, re.IGNORECASE):
            return letter
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


_last: list[str] = ["", ""]  # the last text folded and its fold: a clause is tried by many cues in a row


def fold(text: str) -> str:
    """``text`` as the prefilters compare it (see the module docstring)."""
    if text is _last[0]:
        return _last[1]
    folded = text.lower() if text.isascii() else "".join(_fold_char(c) for c in text)
    _last[0], _last[1] = text, folded
    return folded


def required_literals(pattern: re.Pattern[str]) -> Literals:
    """Literal strings (folded) of which every match of ``pattern`` contains one; None if there are none."""
    if sre_parse is None:
        return None
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unexpected parser: no prefilter, the pattern still works
        return None
    return _sequence(list(tree))


def _sequence(items: list[tuple[Any, Any]]) -> Literals:
    """What a sequence of pattern items requires: the most selective requirement among its parts."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def end_run() -> None:
        if run:
            candidates.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is sre_constants.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        end_run()
        need = _item(op, av)
        if need is not None:
            candidates.append(need)
    end_run()
    if not candidates:
        return None
    return max(candidates, key=lambda strings: (min(map(len, strings)), -len(strings)))


def _item(op: Any, av: Any) -> Literals:
    c = sre_constants
    if op is c.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op is c.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is c.BRANCH:
        union: set[str] = set()
        for alternative in av[1]:
            need = _sequence(list(alternative))
            if need is None:
                return None
            union |= need
        return frozenset(union)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _high, body = av
        return _sequence(list(body)) if low >= 1 else None
    return None  # assertions, classes, categories, any character, back-references: nothing literal


class Cue:
    """A compiled pattern that skips texts lacking every literal its matches need; same answers as the pattern."""

    __slots__ = ("pattern", "literals")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.literals = required_literals(pattern)

    def possible(self, text: str) -> bool:
        """False only when ``text`` cannot contain a match."""
        if self.literals is None:
            return True
        return any(map(fold(text).__contains__, self.literals))

    def search(self, text: str, *args: Any) -> re.Match[str] | None:
        return self.pattern.search(text, *args) if self.possible(text) else None

    def match(self, text: str, *args: Any) -> re.Match[str] | None:
        return self.pattern.match(text, *args) if self.possible(text) else None

    def fullmatch(self, text: str, *args: Any) -> re.Match[str] | None:
        return self.pattern.fullmatch(text, *args) if self.possible(text) else None

    def finditer(self, text: str, *args: Any) -> Iterator[re.Match[str]]:
        return self.pattern.finditer(text, *args) if self.possible(text) else iter(())

    def findall(self, text: str, *args: Any) -> list[Any]:
        return self.pattern.findall(text, *args) if self.possible(text) else []


def cue(pattern: str, flags: int = 0) -> Cue:
    """``Cue(re.compile(pattern, flags))``."""
    return Cue(re.compile(pattern, flags))


def split_alternatives(pattern: str) -> list[str]:
    """``pattern``'s top-level alternatives (``"a|b(c|d)"`` → ``["a", "b(c|d)"]``)."""
    parts: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a "]" first in a class is a literal
                i += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


class CueAlternatives:
    """A long alternation searched alternative by alternative, each skipped where it cannot match.

    Gives the pattern's own matches: the leftmost start wins, and at one start the alternative
    listed first, as ``re`` decides. Worth it where each alternative needs rare words but the
    whole, in union, needs only common ones.
    """

    __slots__ = ("pattern", "alternatives")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = re.compile(pattern, flags)
        self.alternatives = [Cue(re.compile(part, flags)) for part in split_alternatives(pattern)]
        if sre_parse is not None and sre_parse.parse(pattern, flags).getwidth()[0] == 0:
            raise ValueError("an alternation that can match the empty string cannot be split")  # finditer would differ

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        best: re.Match[str] | None = None
        for alternative in self.alternatives:
            if not alternative.possible(text):
                continue
            found = alternative.pattern.search(text, pos)
            if found is not None and (best is None or found.start() < best.start()):
                best = found
                if best.start() == pos:
                    break
        return best

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        pos = 0
        while pos <= len(text):
            found = self.search(text, pos)
            if found is None:
                return
            yield found
            pos = found.end()
