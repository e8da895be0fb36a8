"""Long texts are read by the rules in a worker process within a time limit; short ones in place."""

from __future__ import annotations

import time
from datetime import date

import pytest

from bot.extract.base import ProspectMessage
from bot.extract.rules import RulesExtractor
from bot.extract.worker import RulesWithTimeLimit

FILLER = "We looked at a few vendors last year and talked it through with the team at length. " * 20


@pytest.fixture
def guarded():
    extractor = RulesWithTimeLimit(RulesExtractor(), inline_chars=500, timeout=5.0)
    yield extractor
    extractor.close()


def _message(text: str) -> ProspectMessage:
    return ProspectMessage(text=text, ref_date=date(2026, 6, 1), channel="chat", asked="budget")


async def test_a_long_text_read_in_the_worker_gives_the_same_facts_as_in_place(guarded: RulesWithTimeLimit) -> None:
    message = _message(FILLER + "Our budget is $20k a year and we are 60 people in Lyon.")
    assert not guarded.quick(message.text)
    in_worker = await guarded.extract(message)
    in_place = RulesExtractor().read(message)
    assert {f.field: f.value for f in in_worker.facts} == {f.field: f.value for f in in_place.facts}
    assert {"budget_max": 20000.0, "employees": 60}.items() <= {f.field: f.value for f in in_worker.facts}.items()


async def test_a_text_that_overruns_reads_nothing_and_the_next_one_is_read_again() -> None:
    extractor = RulesWithTimeLimit(RulesExtractor(), inline_chars=500, timeout=0.05)
    try:
        crafted = _message("$5k-" * 4000)  # 16 KB of one run: far slower to read than 50 ms
        started = time.monotonic()
        overrun = await extractor.extract(crafted)
        assert overrun.facts == [] and any("too long" in note for note in overrun.notes)
        assert time.monotonic() - started < 5, "the caller was not held for the whole reading"
        extractor.timeout = 30.0  # a fresh worker serves the next long text
        again = await extractor.extract(_message(FILLER + "We have about 15k set aside."))
        assert any(f.field == "budget_max" and f.value == 15000 for f in again.facts)
    finally:
        extractor.close()


async def test_short_texts_are_read_in_place_without_a_worker(guarded: RulesWithTimeLimit) -> None:
    found = await guarded.extract(_message("about 30k a year"))
    assert any(f.field == "budget_max" for f in found.facts)
    assert guarded._pool is None  # noqa: SLF001 - no process was started for it
