"""Funnel analytics, pure: from plain records of leads and conversations to the numbers the page shows.

No IO and no clock (``now`` is passed in). The funnel counts leads: a lead enters at its first
conversation (its channel, flow and week are that conversation's), is an IQL once it answered
at least once, an MQL/SQL once any decision put it there, and won when an SDR marked it so.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

STEPS: tuple[str, ...] = ("conversations", "iql", "mql", "sql", "won")
STEP_LABELS = {"conversations": "Conversations", "iql": "IQL", "mql": "MQL", "sql": "SQL", "won": "Won"}
OUTCOME_KEYS: tuple[str, ...] = ("won", "lost", "bad_fit", "open")
_RANK = {"iql": 0, "mql": 1, "sql": 2}


@dataclass(frozen=True)
class ConversationRecord:
    """One conversation as the analytics see it."""

    id: str
    lead_id: str
    channel: str
    flow: str
    started_at: datetime
    updated_at: datetime
    ended: bool
    prospect_messages: int
    asked: tuple[str, ...] = ()  # question topics the bot asked, in order; the last is the open one


@dataclass(frozen=True)
class LeadRecord:
    """One lead: its current stage, the first time each stage was decided, and its outcome."""

    id: str
    created_at: datetime
    stage: str
    first_decided: dict[str, datetime] = field(default_factory=dict)  # stage -> first decision time
    outcome: str | None = None
    outcome_stage: str | None = None

    def reached(self, stage: str) -> bool:
        """Whether the lead got to ``stage`` (an SQL has also passed MQL)."""
        held = {self.stage, *self.first_decided}
        return any(s in _RANK and _RANK[s] >= _RANK[stage] for s in held)


@dataclass(frozen=True)
class Funnel:
    """How many leads reached each step."""

    counts: tuple[int, ...]

    def count(self, step: str) -> int:
        return self.counts[STEPS.index(step)]

    def conversion(self, step: str) -> float | None:
        """Share of the previous step that reached ``step`` (None for the first step or an empty previous)."""
        i = STEPS.index(step)
        if i == 0 or not self.counts[i - 1]:
            return None
        return self.counts[i] / self.counts[i - 1]

    @property
    def overall(self) -> float | None:
        """Conversations that ended won."""
        return self.counts[-1] / self.counts[0] if self.counts[0] else None


@dataclass(frozen=True)
class DropOff:
    """Conversations left unfinished at one question."""

    topic: str
    dropped: int  # conversations whose last open question was this one
    asked: int  # conversations in which it was asked at all

    @property
    def rate(self) -> float | None:
        return self.dropped / self.asked if self.asked else None


def first_conversations(conversations: Iterable[ConversationRecord]) -> dict[str, ConversationRecord]:
    """Each lead's first conversation."""
    first: dict[str, ConversationRecord] = {}
    for c in sorted(conversations, key=lambda c: (c.started_at, c.id)):
        first.setdefault(c.lead_id, c)
    return first


def funnel(leads: Iterable[LeadRecord], conversations: Sequence[ConversationRecord]) -> Funnel:
    """The funnel over every lead that had a conversation."""
    return _funnel(list(leads), conversations)


def _funnel(leads: list[LeadRecord], conversations: Sequence[ConversationRecord]) -> Funnel:
    answered = {c.lead_id for c in conversations if c.prospect_messages > 0}
    with_conversation = {c.lead_id for c in conversations}
    counted = [lead for lead in leads if lead.id in with_conversation]
    return Funnel(
        (
            len(counted),
            sum(1 for lead in counted if lead.id in answered),
            sum(1 for lead in counted if lead.reached("mql")),
            sum(1 for lead in counted if lead.reached("sql")),
            sum(1 for lead in counted if lead.outcome == "won"),
        )
    )


def funnel_by(
    leads: Iterable[LeadRecord], conversations: Sequence[ConversationRecord], key: Callable[[ConversationRecord], str]
) -> dict[str, Funnel]:
    """One funnel per group of ``key`` (channel, flow, week) of each lead's first conversation, by group name."""
    first = first_conversations(conversations)
    groups: dict[str, list[LeadRecord]] = defaultdict(list)
    for lead in leads:
        if lead.id in first:
            groups[key(first[lead.id])].append(lead)
    return {name: _funnel(groups[name], conversations) for name in sorted(groups)}


def week_of(moment: datetime) -> str:
    """The Monday (ISO date) of ``moment``'s week: weeks sort and read as dates."""
    day: date = moment.date()
    return (day - timedelta(days=day.weekday())).isoformat()


def drop_off(conversations: Iterable[ConversationRecord], *, now: datetime, idle: timedelta) -> list[DropOff]:
    """Per question: conversations that never ended and went quiet with it open, most dropped first."""
    asked: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for c in conversations:
        asked.update(set(c.asked))
        if not c.ended and c.asked and now - c.updated_at >= idle:
            dropped[c.asked[-1]] += 1
    rows = [DropOff(topic, dropped[topic], asked[topic]) for topic in asked]
    return sorted(rows, key=lambda r: (-r.dropped, -(r.rate or 0), r.topic))


def median_minutes_to(leads: Iterable[LeadRecord], stage: str) -> float | None:
    """Median minutes from a lead's creation to the first decision putting it at ``stage`` or beyond."""
    waits = []
    for lead in leads:
        times = [t for s, t in lead.first_decided.items() if s in _RANK and _RANK[s] >= _RANK[stage]]
        if times:
            waits.append(max(0.0, (min(times) - lead.created_at).total_seconds() / 60))
    return statistics.median(waits) if waits else None


def outcomes_by_stage(leads: Iterable[LeadRecord], stages: Sequence[str]) -> dict[str, dict[str, int]]:
    """Per stage (the stage when the outcome was set, else the current one): won, lost, bad fit, still open."""
    table = {stage: dict.fromkeys(OUTCOME_KEYS, 0) for stage in stages}
    for lead in leads:
        stage = lead.outcome_stage if lead.outcome else lead.stage
        if stage in table:
            table[stage][lead.outcome or "open"] += 1
    return table


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None
