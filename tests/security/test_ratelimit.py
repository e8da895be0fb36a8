"""The in-memory GCRA counter behind every rate limit: bursts, refill, separate keys, bounded memory."""

from __future__ import annotations

from limits import parse

from bot.ratelimit import CellRate


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_n_passes_then_the_next_waits_for_its_share_of_the_period() -> None:
    clock = Clock()
    cell = CellRate(parse("6/minute"), clock)  # one hit per 10 s on average, 6 at once
    assert all(cell.hit("ip").allowed for _ in range(6))
    refused = cell.hit("ip")
    assert not refused.allowed and 1 <= refused.retry_after <= 10
    clock.now += refused.retry_after
    assert cell.hit("ip").allowed
    assert not cell.hit("ip").allowed


def test_keys_are_counted_apart() -> None:
    cell = CellRate(parse("2/second"), Clock())
    assert cell.hit("a").allowed and cell.hit("a").allowed
    assert not cell.hit("a").allowed
    assert cell.hit("b").allowed


def test_idle_keys_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    cell = CellRate(parse("10/minute"), clock)
    for n in range(5000):
        cell.hit(f"visitor-{n}")
    clock.now += 61
    cell.hit("late")
    assert cell.tracked_keys() == 1
