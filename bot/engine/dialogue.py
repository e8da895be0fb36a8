"""The pure dialogue step: dialogue state + what the prospect just said + the flow -> next state + what to say.

No IO and no clock: everything it needs is handed in, so every branch is testable alone.
CONTRACT (other modules rely on these names and signatures):

- ``DialogueState``: a pydantic model, stored as JSON on the conversation after every turn.
  ``status`` is ``active`` | ``waiting_human`` | ``ended``; ``pending`` is the id of the
  question awaiting an answer (None when none).
- ``Reply``: one bot utterance; ``field`` is the topic the question asks about (``need``,
  ``budget``, ``authority``, ``timeline``, ``company``, …) or None for statements.
- ``StepResult``: the new state, the replies in order, and ``outcome`` once the flow ended.
- ``start(flow, channel=..., seed=...)``: greeting and first question(s).
- ``step(flow, state, known=..., new_fields=..., text=..., stage=..., channel=...)``: one prospect
  message. ``known`` is every fact of the lead after this message; ``new_fields`` the fields
  this message filled; ``stage`` the qualification stage the policy gives for ``known``.
- ``resume(flow, state, channel=...)``: what to say when a prospect comes back (the pending
  question again, never an answered one).

Chat asks one question per turn; email asks every still-missing question at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["active", "waiting_human", "ended"]


class DialogueState(BaseModel):
    """Where a conversation stands in its flow; serialisable to JSON."""

    status: Status = "active"
    pending: str | None = None
    asked: list[str] = Field(default_factory=list)
    attempts: dict[str, int] = Field(default_factory=dict)
    gave_up: list[str] = Field(default_factory=list)
    outcome: str | None = None
    seed: int = 0


@dataclass(frozen=True)
class Reply:
    """One thing the bot says."""

    text: str
    field: str | None = None
    question_id: str | None = None
    quick_replies: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepResult:
    """The outcome of one engine step."""

    state: DialogueState
    replies: tuple[Reply, ...] = field(default_factory=tuple)
    outcome: str | None = None

    @property
    def ended(self) -> bool:
        return self.state.status == "ended"
