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

Additions beyond the contract (all optional, with defaults):

- ``Reply.kind`` says what a reply is: ``greeting``, ``question``, ``clarify`` (a question asked
  again after an unclear answer), ``answer`` (to the prospect's own question), ``handoff``,
  ``closing``, ``resume`` or ``statement``. ``Reply.action`` carries a closing's action
  (``book_meeting``, ``resources``) for the channel to render.
- ``StepResult.prospect_questions``: the questions the prospect asked the bot in this message
  (to show the SDR); ``StepResult.unanswered`` the subset the knowledge file could not answer
  ("I'll pass this to the team"); ``StepResult.exit`` the id of the early exit that ended the
  flow; ``StepResult.handoff`` True on the step that asked for a person.
- ``DialogueState.open``: every question awaiting an answer (chat: just ``pending``; email: the
  whole batch); ``free_questions_used``: prospect questions that did not use up an attempt.
- ``start`` takes ``known`` (facts already on the lead) and ``stage``.
- ``hand_back(flow, state, known=..., stage=..., channel=...)``: a person returns a
  ``waiting_human`` conversation to the bot, which carries on from the open question.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AbstractSet, Literal, Mapping

from pydantic import BaseModel, Field

from bot.engine.conditions import holds
from bot.engine.intents import questions_in, wants_human
from bot.engine.knowledge import best_entry
from bot.engine.schema import Flow, Question
from bot.engine.wording import variants
from bot.engine.textutil import seeded_choice
from bot.facts import FactValue

Status = Literal["active", "waiting_human", "ended"]
ReplyKind = Literal["greeting", "question", "clarify", "answer", "handoff", "closing", "resume", "statement"]
_AskMode = Literal["ask", "clarify", "repeat"]

DEFAULT_CLARIFY_PREFIX = "Sorry, I didn't quite catch that."


class DialogueState(BaseModel):
    """Where a conversation stands in its flow; serialisable to JSON."""

    status: Status = "active"
    pending: str | None = None
    asked: list[str] = Field(default_factory=list)
    attempts: dict[str, int] = Field(default_factory=dict)
    gave_up: list[str] = Field(default_factory=list)
    outcome: str | None = None
    seed: int = 0
    open: list[str] = Field(default_factory=list)
    free_questions_used: int = 0


@dataclass(frozen=True)
class Reply:
    """One thing the bot says."""

    text: str
    field: str | None = None
    question_id: str | None = None
    quick_replies: tuple[str, ...] = ()
    kind: ReplyKind = "statement"
    action: str | None = None


@dataclass(frozen=True)
class StepResult:
    """The outcome of one engine step."""

    state: DialogueState
    replies: tuple[Reply, ...] = field(default_factory=tuple)
    outcome: str | None = None
    prospect_questions: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()
    exit: str | None = None
    handoff: bool = False

    @property
    def ended(self) -> bool:
        return self.state.status == "ended"


def start(
    flow: Flow,
    *,
    channel: str = "chat",
    seed: int = 0,
    known: Mapping[str, FactValue] | None = None,
    stage: str = "iql",
) -> StepResult:
    """Open a conversation: the greeting, then the first question (chat) or every question (email)."""
    state = DialogueState(seed=seed)
    greeting = Reply(_say(flow.greeting, channel, seed, "greeting"), kind="greeting")
    return _advance(flow, state, dict(known or {}), stage, channel, [greeting], modes={})


def step(
    flow: Flow,
    state: DialogueState,
    *,
    known: Mapping[str, FactValue],
    new_fields: AbstractSet[str],
    text: str,
    stage: str,
    channel: str = "chat",
) -> StepResult:
    """Take one prospect message and say what comes next."""
    if state.status == "ended":
        return StepResult(state, (), state.outcome)
    state = state.model_copy(deep=True)
    if state.status == "waiting_human":
        if flow.handoff.while_waiting is None:
            return StepResult(state)
        line = _say(flow.handoff.while_waiting, channel, state.seed, "waiting", len(state.asked))
        return StepResult(state, (Reply(line, kind="handoff"),))
    if wants_human(text, flow.handoff.phrases):
        state.status = "waiting_human"
        line = _say(flow.handoff.say, channel, state.seed, "handoff")
        return StepResult(state, (Reply(line, kind="handoff"),), handoff=True)

    asked_back = questions_in(text)
    replies, unanswered = _answer_questions(flow, asked_back, channel, state.seed)
    open_questions = [flow.question(q) for q in _open_ids(state) if _exists(flow, q)]
    open_fields = {f for q in open_questions for f in q.fill_fields(flow.topics)}
    free_turn = bool(asked_back) and not (set(new_fields) & open_fields) and (
        state.free_questions_used < flow.free_questions
    )
    if free_turn:
        state.free_questions_used += 1
    modes: dict[str, _AskMode] = {}
    for question in open_questions:
        if _answered(flow, question, known):
            continue
        if free_turn:
            modes[question.id] = "repeat"
        elif state.attempts.get(question.id, 0) < question.attempts:
            modes[question.id] = "clarify"
        elif question.id not in state.gave_up:
            state.gave_up.append(question.id)
    result = _advance(flow, state, known, stage, channel, replies, modes)
    return StepResult(
        result.state,
        result.replies,
        result.outcome,
        prospect_questions=asked_back,
        unanswered=unanswered,
        exit=result.exit,
    )


def resume(flow: Flow, state: DialogueState, *, channel: str = "chat") -> StepResult:
    """What to say when the prospect comes back: the open question(s) again; nothing when ended."""
    open_ids = [q for q in _open_ids(state) if _exists(flow, q)]
    if state.status != "active" or not open_ids:
        return StepResult(state, (), state.outcome)
    state = state.model_copy(deep=True)
    replies = [Reply(_say(flow.resume, channel, state.seed, "resume"), kind="resume")]
    for question_id in open_ids:
        replies.append(_ask(flow, state, flow.question(question_id), "repeat", channel))
    return StepResult(state, tuple(replies))


def hand_back(
    flow: Flow,
    state: DialogueState,
    *,
    known: Mapping[str, FactValue],
    stage: str,
    channel: str = "chat",
) -> StepResult:
    """A person hands the conversation back to the bot: carry on from the open question(s)."""
    if state.status != "waiting_human":
        return StepResult(state, (), state.outcome)
    state = state.model_copy(deep=True)
    state.status = "active"
    modes: dict[str, _AskMode] = {q: "repeat" for q in _open_ids(state)}
    return _advance(flow, state, known, stage, channel, [], modes)


def next_questions(flow: Flow, state: DialogueState, known: Mapping[str, FactValue]) -> list[Question]:
    """The questions still to ask, in flow order: unanswered, not given up, conditions holding."""
    return [
        q
        for q in flow.questions
        if not _answered(flow, q, known)
        and q.id not in state.gave_up
        and holds(q.when, known)
        and not (q.when_not and holds(q.when_not, known))
    ]


def _advance(
    flow: Flow,
    state: DialogueState,
    known: Mapping[str, FactValue],
    stage: str,
    channel: str,
    replies: list[Reply],
    modes: Mapping[str, _AskMode],
) -> StepResult:
    for early in flow.exits:
        if (early.when or early.stage) and holds(early.when, known) and (not early.stage or stage in early.stage):
            return _end(flow, state, early.outcome, channel, replies, say=early.say, exit_id=early.id)
    todo = next_questions(flow, state, known)
    if not todo:
        return _end(flow, state, stage, channel, replies)
    batch = todo if channel == "email" else todo[:1]
    if channel == "email" and state.asked and flow.email_follow_up is not None:
        replies.append(Reply(_say(flow.email_follow_up, channel, state.seed, "follow_up"), kind="statement"))
    for question in batch:
        replies.append(_ask(flow, state, question, _mode(question, state, modes), channel))
    state.open = [q.id for q in batch]
    state.pending = state.open[0]
    return StepResult(state, tuple(replies))


def _mode(question: Question, state: DialogueState, modes: Mapping[str, _AskMode]) -> _AskMode:
    """How to ask: as the step decided, else afresh — or, for a question whose attempts are used up
    because another question displaced it, repeated without spending an attempt it no longer has."""
    if question.id in modes:
        return modes[question.id]
    return "repeat" if state.attempts.get(question.id, 0) >= question.attempts else "ask"


def _end(
    flow: Flow,
    state: DialogueState,
    outcome: str,
    channel: str,
    replies: list[Reply],
    *,
    say: object = None,
    exit_id: str | None = None,
) -> StepResult:
    closing = flow.closings.get(outcome) or flow.closings.get("iql") or next(iter(flow.closings.values()))
    text = _say(say if say is not None else closing.say, channel, state.seed, "closing", outcome)
    replies.append(Reply(text, kind="closing", action=closing.action))
    state.status = "ended"
    state.outcome = outcome
    state.pending = None
    state.open = []
    return StepResult(state, tuple(replies), outcome, exit=exit_id)


def _ask(flow: Flow, state: DialogueState, question: Question, mode: _AskMode, channel: str) -> Reply:
    ask = _say(question.ask, channel, state.seed, "ask", question.id)
    if mode == "clarify":
        if question.clarify is not None:
            count = state.attempts.get(question.id, 0)
            text = _say(question.clarify, channel, state.seed, "clarify", question.id, count)
        else:
            text = f"{DEFAULT_CLARIFY_PREFIX} {ask}"
    else:
        text = ask
    if mode != "repeat":
        state.attempts[question.id] = state.attempts.get(question.id, 0) + 1
    state.asked.append(question.id)
    return Reply(
        text,
        field=question.topic,
        question_id=question.id,
        quick_replies=tuple(question.quick_replies) if channel == "chat" else (),
        kind="clarify" if mode == "clarify" else "question",
    )


def _answer_questions(
    flow: Flow, asked_back: tuple[str, ...], channel: str, seed: int
) -> tuple[list[Reply], tuple[str, ...]]:
    replies: list[Reply] = []
    unanswered: list[str] = []
    said: set[str] = set()
    for question in asked_back:
        match = best_entry(flow.knowledge_base, question)
        if match.entry is None:
            unanswered.append(question)
            text = _say(flow.knowledge_base.fallback, channel, seed, "fallback")
        else:
            text = _say(match.entry.answer, channel, seed, "answer", match.entry.id)
        if text not in said:  # two questions for the same answer, or two unanswerable: say it once
            said.add(text)
            replies.append(Reply(text, kind="answer"))
    return replies, tuple(unanswered)


def _answered(flow: Flow, question: Question, known: Mapping[str, FactValue]) -> bool:
    return all(known.get(f) is not None for f in question.required_fields(flow.topics))


def _open_ids(state: DialogueState) -> list[str]:
    # States written before ``open`` existed only carry ``pending``.
    return state.open or ([state.pending] if state.pending else [])


def _exists(flow: Flow, question_id: str) -> bool:
    return any(q.id == question_id for q in flow.questions)


def _say(text: object, channel: str, seed: int, *key: object) -> str:
    return seeded_choice(variants(text, channel), seed, *key)
