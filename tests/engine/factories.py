"""Builders for engine tests: small flows from dicts, and a driver that plays a conversation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from bot.engine.dialogue import DialogueState, StepResult, start, step
from bot.engine.knowledge import Knowledge
from bot.engine.schema import STAGES, Flow
from bot.facts import FactValue

CLOSINGS = {stage: {"say": f"closing for {stage}"} for stage in STAGES}


def make_flow(questions: list[dict[str, Any]], knowledge: dict[str, Any] | None = None, **extra: Any) -> Flow:
    """A valid flow with these questions, a closing per outcome and optional knowledge."""
    data: dict[str, Any] = {"name": "test", "greeting": "hello", "questions": questions, "closings": CLOSINGS}
    data.update(extra)
    flow = Flow.model_validate(data)
    return flow.with_knowledge(Knowledge.model_validate(knowledge or {}))


def question(qid: str, topic: str | None = None, **extra: Any) -> dict[str, Any]:
    """A question dict asking ``ask <id>`` and clarifying with ``clarify <id>``."""
    return {"id": qid, "topic": topic or qid, "ask": f"ask {qid}", "clarify": f"clarify {qid}", **extra}


@dataclass
class Conversation:
    """Plays prospect messages against a flow, keeping the lead's facts as the service would."""

    flow: Flow
    channel: str = "chat"
    seed: int = 0
    known: dict[str, FactValue] = field(default_factory=dict)
    results: list[StepResult] = field(default_factory=list)

    def start(self) -> StepResult:
        result = start(self.flow, channel=self.channel, seed=self.seed, known=self.known)
        self.results.append(result)
        return result

    @property
    def state(self) -> DialogueState:
        return self.results[-1].state

    def say(self, text: str = "", facts: Mapping[str, FactValue] | None = None, stage: str = "iql") -> StepResult:
        facts = dict(facts or {})
        self.known.update(facts)
        result = step(
            self.flow, self.state, known=dict(self.known), new_fields=set(facts), text=text, stage=stage,
            channel=self.channel,
        )
        self.results.append(result)
        return result


def texts(result: StepResult) -> list[str]:
    """The texts of a result's replies."""
    return [reply.text for reply in result.replies]


def asked(result: StepResult) -> list[str | None]:
    """The question ids a result asks, in order."""
    return [reply.question_id for reply in result.replies if reply.question_id]
