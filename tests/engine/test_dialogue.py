"""Each branch of the dialogue step, on small hand-built flows."""

from __future__ import annotations

import json

from bot.engine.dialogue import DialogueState, hand_back, resume, start, step

from .factories import Conversation, asked, make_flow, question, texts

BANTISH = [
    question("need"),
    question("budget", quick_replies=["Yes", "No"]),
    question("authority"),
    question("timeline", when={"need": "confirmed"}),
]


def test_start_greets_then_asks_the_first_question_with_its_topic() -> None:
    result = Conversation(make_flow(BANTISH)).start()
    assert texts(result) == ["hello", "ask need"]
    reply = result.replies[1]
    assert (reply.field, reply.question_id, reply.kind) == ("need", "need", "question")
    assert result.state.pending == "need" and result.state.status == "active"


def test_answer_moves_to_the_next_question_and_skips_known_ones() -> None:
    talk = Conversation(make_flow(BANTISH))
    talk.start()
    # One message answers need and authority: budget is next, authority is never asked.
    result = talk.say("we need it and I decide", {"need": "confirmed", "authority": "decision_maker"})
    assert asked(result) == ["budget"]
    result = talk.say("yes 20k", {"budget_status": "allocated", "budget_min": 20000})
    assert asked(result) == ["timeline"]
    assert "authority" not in talk.state.asked


def test_question_answered_by_its_required_field_only() -> None:
    talk = Conversation(make_flow(BANTISH))
    talk.start()
    talk.say("yes", {"need": "confirmed"})
    # An amount without a status does not answer budget (required: budget_status).
    result = talk.say("about 20k", {"budget_min": 20000, "budget_max": 20000})
    assert asked(result) == ["budget"] and result.replies[-1].kind == "clarify"


def test_unclear_answer_gets_the_clarifying_question() -> None:
    talk = Conversation(make_flow(BANTISH))
    talk.start()
    result = talk.say("hmm")
    assert texts(result) == ["clarify need"]
    assert result.replies[0].kind == "clarify" and result.replies[0].field == "need"
    assert talk.state.attempts["need"] == 2


def test_gives_up_after_the_attempts_and_marks_the_field_unknown() -> None:
    talk = Conversation(make_flow([question("need", attempts=3), question("budget")]))
    talk.start()
    assert asked(talk.say("hm")) == ["need"]
    assert asked(talk.say("hm")) == ["need"]
    result = talk.say("hm")
    assert asked(result) == ["budget"]
    assert talk.state.gave_up == ["need"]
    assert talk.state.asked.count("need") == 3


def test_default_clarify_repeats_the_question_with_an_apology() -> None:
    flow = make_flow([{"id": "need", "topic": "need", "ask": "What do you need?"}])
    talk = Conversation(flow)
    talk.start()
    assert texts(talk.say("?")) == ["Sorry, I didn't quite catch that. What do you need?"]


def test_condition_skips_a_question_until_it_holds() -> None:
    flow = make_flow(BANTISH)
    talk = Conversation(flow)
    talk.start()
    talk.say("a", {"need": "confirmed"})
    talk.say("b", {"budget_status": "none"})
    assert asked(talk.say("c", {"authority": "influencer"})) == ["timeline"]

    other = Conversation(flow)
    other.start()
    for _ in range(2):
        other.say("unclear")  # need given up: timeline's condition never holds
    other.say("b", {"budget_status": "none"})
    result = other.say("c", {"authority": "influencer"}, stage="mql")
    assert result.ended and result.outcome == "mql" and "timeline" not in other.state.asked


def test_when_not_and_in_lists_and_numbers() -> None:
    flow = make_flow(
        [
            question("need"),
            question("size", "company", fills=["employees"], when_not={"need": "none"}),
            question("budget", when={"employees": {"min": 50}, "need": ["confirmed"]}),
        ]
    )
    small = Conversation(flow)
    small.start()
    assert asked(small.say("x", {"need": "confirmed"})) == ["size"]
    result = small.say("10 people", {"employees": 10}, stage="mql")
    assert result.ended and "budget" not in small.state.asked
    big = Conversation(flow)
    big.start()
    big.say("x", {"need": "confirmed"})
    assert asked(big.say("200 people", {"employees": 200})) == ["budget"]


def test_a_condition_that_becomes_true_brings_an_earlier_question_back() -> None:
    flow = make_flow([question("timeline", when={"need": "confirmed"}), question("need")])
    talk = Conversation(flow)
    assert asked(talk.start()) == ["need"]
    assert asked(talk.say("yes", {"need": "confirmed"})) == ["timeline"]


def test_early_exit_forces_its_outcome_and_says_its_words() -> None:
    flow = make_flow(
        BANTISH,
        exits=[
            {"id": "student", "when": {"authority": "none"}, "outcome": "nurture", "say": "bye student"},
            {"id": "no_need", "when": {"need": "none"}, "outcome": "nurture"},
        ],
    )
    talk = Conversation(flow)
    talk.start()
    result = talk.say("I'm a student", {"authority": "none"}, stage="disqualified")
    assert result.ended and result.outcome == "nurture" and result.exit == "student"
    assert texts(result) == ["bye student"] and result.replies[0].kind == "closing"
    assert talk.state.outcome == "nurture" and talk.state.pending is None

    other = Conversation(flow)
    other.start()
    result = other.say("we're happy with what we have", {"need": "none"}, stage="disqualified")
    assert texts(result) == ["closing for nurture"] and result.exit == "no_need"


def test_exit_on_the_policy_stage() -> None:
    flow = make_flow(BANTISH, exits=[{"id": "dq", "stage": ["disqualified"], "outcome": "disqualified"}])
    talk = Conversation(flow)
    talk.start()
    assert not talk.say("a", {"need": "confirmed"}, stage="iql").ended
    result = talk.say("b", {"budget_status": "none"}, stage="disqualified")
    assert result.ended and result.outcome == "disqualified" and result.exit == "dq"


def test_end_closes_with_the_policy_stage_and_its_action() -> None:
    closings = {
        "sql": {"say": "book?", "action": "book_meeting"},
        "mql": {"say": "resources"},
        "nurture": {"say": "later"},
        "disqualified": {"say": "bye"},
        "iql": {"say": "come back"},
    }
    flow = make_flow([question("need")], closings=closings)
    for stage, words in [("sql", "book?"), ("mql", "resources"), ("disqualified", "bye"), ("iql", "come back")]:
        talk = Conversation(flow)
        talk.start()
        result = talk.say("yes", {"need": "confirmed"}, stage=stage)
        assert result.ended and result.outcome == stage and texts(result) == [words]
    assert result.replies[0].action is None
    talk = Conversation(flow)
    talk.start()
    assert talk.say("yes", {"need": "confirmed"}, stage="sql").replies[0].action == "book_meeting"


def test_human_handoff_at_any_point_then_silence() -> None:
    talk = Conversation(make_flow(BANTISH))
    talk.start()
    talk.say("a", {"need": "confirmed"})
    result = talk.say("Can I talk to a real person please?")
    assert result.handoff and talk.state.status == "waiting_human"
    assert result.replies[0].kind == "handoff" and not result.ended
    assert talk.state.pending == "budget"  # kept for when the bot takes over again
    silent = talk.say("hello? anyone?", {"budget_status": "allocated"})
    assert silent.replies == () and talk.state.status == "waiting_human"
    assert resume(talk.flow, talk.state).replies == ()


def test_while_waiting_message_when_configured() -> None:
    flow = make_flow(BANTISH, handoff={"say": "getting someone", "while_waiting": "they're coming"})
    talk = Conversation(flow)
    talk.start()
    assert texts(talk.say("human")) == ["getting someone"]
    assert texts(talk.say("still there?")) == ["they're coming"]


def test_hand_back_carries_on_with_the_open_question() -> None:
    flow = make_flow(BANTISH)
    talk = Conversation(flow)
    talk.start()
    talk.say("let me speak to someone")
    result = hand_back(flow, talk.state, known={"need": "confirmed"}, stage="iql")
    assert result.state.status == "active" and asked(result) == ["budget"]


def test_question_back_is_answered_then_the_pending_question_repeated() -> None:
    knowledge = {"entries": [{"id": "slack", "keywords": ["slack"], "answer": "Yes, Slack works."}]}
    talk = Conversation(make_flow(BANTISH, knowledge=knowledge))
    talk.start()
    result = talk.say("Do you integrate with Slack?")
    assert texts(result) == ["Yes, Slack works.", "ask need"]
    assert [r.kind for r in result.replies] == ["answer", "question"]
    assert result.prospect_questions == ("Do you integrate with Slack?",) and result.unanswered == ()
    assert talk.state.attempts["need"] == 1  # a question back does not use up an attempt


def test_unknown_question_back_is_passed_to_the_team() -> None:
    talk = Conversation(make_flow(BANTISH, knowledge={"fallback": "I'll pass this to the team."}))
    talk.start()
    result = talk.say("Do you have an office in Lisbon?")
    assert texts(result)[0] == "I'll pass this to the team."
    assert result.unanswered == ("Do you have an office in Lisbon?",)


def test_question_back_with_an_answer_moves_on() -> None:
    knowledge = {"entries": [{"id": "price", "keywords": ["cost"], "answer": "From $49."}]}
    talk = Conversation(make_flow(BANTISH, knowledge=knowledge))
    talk.start()
    result = talk.say("We lose leads. How much does it cost?", {"need": "confirmed"})
    assert texts(result) == ["From $49.", "ask budget"]


def test_free_questions_are_limited_so_the_flow_still_ends() -> None:
    talk = Conversation(make_flow([question("need", attempts=1)], free_questions=2))
    talk.start()
    assert asked(talk.say("What is this?")) == ["need"]
    assert asked(talk.say("Who are you?")) == ["need"]
    result = talk.say("Where are you based?")
    assert result.ended and talk.state.gave_up == ["need"]


def test_email_asks_every_missing_question_at_once() -> None:
    talk = Conversation(make_flow(BANTISH), channel="email")
    result = talk.start()
    # timeline waits for need to be confirmed; quick replies are chat-only.
    assert asked(result) == ["need", "budget", "authority"]
    assert all(r.quick_replies == () for r in result.replies)
    assert talk.state.open == ["need", "budget", "authority"] and talk.state.pending == "need"
    result = talk.say("long reply", {"need": "confirmed", "authority": "influencer"})
    assert asked(result) == ["budget", "timeline"]
    assert [r.kind for r in result.replies] == ["statement", "clarify", "question"]
    assert result.replies[0].text.startswith("Thank you for your reply")


def test_email_follow_up_can_be_switched_off() -> None:
    talk = Conversation(make_flow(BANTISH, email_follow_up=None), channel="email")
    talk.start()
    result = talk.say("reply", {"need": "confirmed"})
    assert [r.kind for r in result.replies] == ["clarify", "clarify", "question"]


def test_email_wording_differs_from_chat() -> None:
    flow = make_flow([question("need", ask={"chat": "short?", "email": "a fuller question?"})])
    assert texts(start(flow, channel="email"))[-1] == "a fuller question?"
    assert texts(start(flow, channel="chat"))[-1] == "short?"


def test_resume_repeats_the_pending_question_never_an_answered_one() -> None:
    flow = make_flow(BANTISH, resume="welcome back")
    talk = Conversation(flow)
    talk.start()
    talk.say("yes", {"need": "confirmed"})
    result = resume(flow, talk.state)
    assert texts(result) == ["welcome back", "ask budget"]
    assert result.replies[1].kind == "question" and result.state.attempts == talk.state.attempts
    ended = Conversation(make_flow([question("need")]))
    ended.start()
    ended.say("yes", {"need": "confirmed"})
    assert resume(flow, ended.state).replies == ()


def test_variants_are_picked_by_seed() -> None:
    flow = make_flow([question("need", ask=[f"variant {i}" for i in range(6)])])
    picks = {texts(start(flow, seed=seed))[-1] for seed in range(40)}
    assert len(picks) > 3  # different visitors read different wording
    assert texts(start(flow, seed=7)) == texts(start(flow, seed=7))  # and the same seed, the same words


def test_state_round_trips_through_json_and_step_does_not_mutate_it() -> None:
    flow = make_flow(BANTISH)
    first = start(flow, seed=5)
    before = first.state.model_dump()
    restored = DialogueState.model_validate(json.loads(first.state.model_dump_json()))
    result = step(flow, restored, known={"need": "confirmed"}, new_fields={"need"}, text="yes", stage="iql")
    assert first.state.model_dump() == before
    assert asked(result) == ["budget"]


def test_ended_conversation_says_nothing_more() -> None:
    talk = Conversation(make_flow([question("need")]))
    talk.start()
    talk.say("yes", {"need": "confirmed"}, stage="sql")
    after = talk.say("one more thing", {})
    assert after.replies == () and after.ended and after.outcome == "sql"


def test_start_with_known_facts_skips_them() -> None:
    talk = Conversation(make_flow(BANTISH), known={"need": "confirmed", "budget_status": "allocated"})
    assert asked(talk.start()) == ["authority"]


def test_a_state_with_only_pending_still_resumes_and_clarifies() -> None:
    flow = make_flow(BANTISH)
    state = DialogueState(pending="budget", attempts={"budget": 1})
    assert asked(resume(flow, state)) == ["budget"]
    result = step(flow, state, known={"need": "confirmed"}, new_fields=set(), text="hm", stage="iql")
    assert [r.kind for r in result.replies] == ["clarify"] and asked(result) == ["budget"]


def test_a_question_removed_from_the_flow_is_skipped() -> None:
    state = start(make_flow(BANTISH)).state
    smaller = make_flow(BANTISH[1:])
    assert asked(resume(smaller, state)) == []
    result = step(smaller, state, known={}, new_fields=set(), text="hm", stage="iql")
    assert asked(result) == ["budget"]
