"""Properties of the engine over generated flows and generated prospect messages (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine.dialogue import StepResult, next_questions, resume, start, step
from bot.engine.schema import STAGES, Flow
from bot.engine.validate import semantic_problems
from bot.facts import ENUM_FIELDS, FIELDS, TOPIC_FIELDS

from .factories import make_flow

VALUES: dict[str, Any] = {
    **{name: st.sampled_from([m.value for m in enum]) for name, enum in ENUM_FIELDS.items()},
    "budget_min": st.integers(0, 100_000),
    "budget_max": st.integers(0, 100_000),
    "timeline_days": st.integers(0, 800),
    "employees": st.integers(1, 5000),
    "budget_currency": st.sampled_from(["USD", "EUR"]),
    "country": st.sampled_from(["US", "DE"]),
}
ENUMS = sorted(ENUM_FIELDS)
TEXTS = ["", "hmm", "ok", "Do you integrate with Slack?", "How much does it cost?", "We need it. What is this?", "next quarter"]


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    fields = draw(st.lists(st.sampled_from(ENUMS), min_size=1, max_size=2, unique=True))
    return {f: draw(st.lists(VALUES[f], min_size=1, max_size=2, unique=True)) for f in fields}


@st.composite
def questions(draw: st.DrawFn, index: int) -> dict[str, Any]:
    topic = draw(st.sampled_from(sorted(TOPIC_FIELDS)))
    q: dict[str, Any] = {
        "id": f"q{index}",
        "topic": topic,
        "ask": draw(st.lists(st.sampled_from(["a?", "b?", "c?"]), min_size=1, max_size=3)),
        "attempts": draw(st.integers(1, 3)),
    }
    if draw(st.booleans()):
        fills = draw(st.lists(st.sampled_from(TOPIC_FIELDS[topic]), min_size=1, unique=True))
        q["fills"] = fills
        q["required"] = draw(st.lists(st.sampled_from(fills), min_size=1, unique=True))
    if draw(st.integers(0, 3)) == 0:
        q["when"] = draw(conditions())
    if draw(st.integers(0, 4)) == 0:
        q["when_not"] = draw(conditions())
    return q


@st.composite
def flows(draw: st.DrawFn) -> Flow:
    count = draw(st.integers(1, 6))
    exits = [
        {"id": f"x{i}", "when": draw(conditions()), "outcome": draw(st.sampled_from(STAGES))}
        for i in range(draw(st.integers(0, 2)))
    ]
    knowledge = {"entries": [{"id": "slack", "keywords": ["slack"], "answer": "yes"}]}
    return make_flow(
        [draw(questions(i)) for i in range(count)],
        knowledge=knowledge,
        exits=exits,
        free_questions=draw(st.integers(0, 3)),
    )


messages = st.lists(
    st.tuples(
        st.sampled_from(TEXTS),
        st.dictionaries(st.sampled_from(FIELDS), st.just(None), max_size=3).flatmap(
            lambda d: st.fixed_dictionaries({f: VALUES[f] for f in d})
        ),
        st.sampled_from(STAGES),
    ),
    max_size=30,
)


def _answered(flow: Flow, qid: str, known: dict[str, Any]) -> bool:
    return all(f in known for f in flow.question(qid).required_fields(flow.topics))


def _play(flow: Flow, channel: str, seed: int, script: list[tuple[str, dict[str, Any], str]]) -> list[StepResult]:
    known: dict[str, Any] = {}
    results = [start(flow, channel=channel, seed=seed)]
    for text, facts, stage in script:
        if results[-1].ended:
            break
        known.update(facts)
        results.append(
            step(flow, results[-1].state, known=dict(known), new_fields=set(facts), text=text, stage=stage, channel=channel)
        )
    return results


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flows(), st.sampled_from(["chat", "email"]), st.integers(0, 2**32), messages)
def test_conversations_end_within_bound_never_reask_and_always_close(
    flow: Flow, channel: str, seed: int, script: list[tuple[str, dict[str, Any], str]]
) -> None:
    results = _play(flow, channel, seed, script)
    bound = sum(q.attempts for q in flow.questions) + flow.free_questions
    known: dict[str, Any] = {}
    for index, result in enumerate(results):
        if index:
            known.update(script[index - 1][1])
        questions_asked = [r for r in result.replies if r.question_id]
        for reply in questions_asked:
            assert not _answered(flow, reply.question_id, known), "asked a question whose fields are known"
            assert reply.field == flow.question(reply.question_id).topic
        if channel == "chat":
            assert len(questions_asked) <= 1
        elif not result.ended:
            expected = [q.id for q in next_questions(flow, result.state, known)]
            assert [r.question_id for r in questions_asked] == expected
        for qid, count in result.state.attempts.items():
            assert count <= flow.question(qid).attempts
        if result.ended:
            assert result.replies[-1].kind == "closing" and result.outcome in STAGES
            assert result.state.outcome == result.outcome
            assert resume(flow, result.state).replies == ()
            forced = {x.id: x.outcome for x in flow.exits}
            if result.exit is not None:
                assert result.outcome == forced[result.exit]
            elif index:
                assert result.outcome == script[index - 1][2]
        else:
            assert result.state.pending is not None and questions_asked
            for reply in resume(flow, result.state).replies:
                assert reply.question_id is None or not _answered(flow, reply.question_id, known)
    if len(script) >= bound:
        assert results[-1].ended, "the conversation outlived its bound"
    assert len(results) - 1 <= bound


@settings(max_examples=50, deadline=None)
@given(flows(), st.sampled_from(["chat", "email"]), st.integers(0, 2**32), messages)
def test_same_inputs_same_conversation(
    flow: Flow, channel: str, seed: int, script: list[tuple[str, dict[str, Any], str]]
) -> None:
    first = _play(flow, channel, seed, script)
    again = _play(flow, channel, seed, script)
    assert [r.replies for r in first] == [r.replies for r in again]
    assert [r.state for r in first] == [r.state for r in again]


@settings(max_examples=50, deadline=None)
@given(flows(), st.integers(0, 2**32), messages)
def test_after_a_handoff_the_bot_stays_quiet(flow: Flow, seed: int, script: list[tuple[str, dict[str, Any], str]]) -> None:
    result = start(flow, seed=seed)
    if result.ended:
        return
    result = step(flow, result.state, known={}, new_fields=set(), text="can I talk to a human?", stage="iql")
    assert result.handoff and result.state.status == "waiting_human"
    known: dict[str, Any] = {}
    for text, facts, stage in script:
        known.update(facts)
        result = step(flow, result.state, known=known, new_fields=set(facts), text=text, stage=stage)
        assert result.replies == () and result.state.status == "waiting_human"


@settings(max_examples=150, deadline=None)
@given(flows(), st.sampled_from(["chat", "email"]), st.integers(0, 2**32), messages)
def test_a_question_the_checker_calls_unreachable_is_never_asked(
    flow: Flow, channel: str, seed: int, script: list[tuple[str, dict[str, Any], str]]
) -> None:
    unreachable = {
        flow.questions[loc[1]].id for loc, message in semantic_problems(flow) if message.startswith("unreachable")
    }
    for result in _play(flow, channel, seed, script):
        assert not unreachable & {r.question_id for r in result.replies}
