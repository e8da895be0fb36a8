"""Long texts are read by the rules in a worker process, with a time limit, so no message can stall the server.

The rules are regular expressions; on a crafted text (kilobytes of "in in in …" or "$5k-$5k-…")
some take time that grows faster than the text, and a regular expression holds the interpreter
lock for as long as it runs — a thread would not help. Short texts (nearly every chat message)
are read in place, at a fraction of a millisecond; longer ones go to a process of their own,
which is killed and replaced when it overruns. The message is never lost: an overrun reads no
facts, which the conversation treats like an answer it did not understand.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from multiprocessing.pool import Pool
from typing import Any

from bot.extract.base import ProspectMessage
from bot.facts import Extraction

log = logging.getLogger(__name__)

_worker_rules: Any = None


def _read_in_worker(message: ProspectMessage) -> Extraction:
    global _worker_rules
    if _worker_rules is None:
        from bot.extract.rules import RulesExtractor

        _worker_rules = RulesExtractor()
    return _worker_rules.read(message)


class RulesWithTimeLimit:
    """The rules extractor, reading texts over ``inline_chars`` in a worker process within ``timeout`` seconds."""

    def __init__(self, rules: Any, *, inline_chars: int, timeout: float) -> None:
        self.rules = rules
        self.name = rules.name
        self.inline_chars = inline_chars
        self.timeout = timeout
        self._pool: Pool | None = None

    def quick(self, text: str) -> bool:
        """Whether ``text`` is read in place (else in the worker)."""
        return len(text) <= self.inline_chars

    def read(self, message: ProspectMessage) -> Extraction:
        """Read in place, whatever the length (the command line and tests)."""
        return self.rules.read(message)

    async def extract(self, message: ProspectMessage) -> Extraction:
        if self.quick(message.text or ""):
            return self.rules.read(message)
        pool = self._pool or self._start()
        pending = pool.apply_async(_read_in_worker, (message,))
        try:
            return await asyncio.get_running_loop().run_in_executor(None, pending.get, self.timeout)
        except multiprocessing.TimeoutError:
            log.warning("reading a %d-character text took over %.1fs; its facts are not read", len(message.text), self.timeout)
            self.close()  # the worker may be stuck in a regular expression: kill it, start afresh next time
            return Extraction(extractor=self.name, notes=["reading this text took too long; no facts taken from it"])

    def _start(self) -> Pool:
        # spawn, not fork: the server has an event loop and open connections a fork would copy
        self._pool = multiprocessing.get_context("spawn").Pool(processes=1)
        return self._pool

    def close(self) -> None:
        """Stop the worker process, if one runs."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None
