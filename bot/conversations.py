"""The conversation service: the one place every channel calls to open, resume and advance a conversation.

It stores the prospect's message before anything else can fail, extracts facts, asks the
qualification policy for the stage, steps the dialogue engine and stores what the bot says —
one database session per unit of work. Channels (websocket, email, HTTP) are thin adapters
around it.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db import models, turns
from bot.db.unit_of_work import RetryThroughOutage, UnitOfWork
from bot.engine import dialogue
from bot.engine.dialogue import DialogueState, Reply, StepResult
from bot.engine.flow import Flow
from bot.errors import (
    ConversationNotFound,
    InvalidTransition,
    InvalidMessage,
    UnknownFlow,
    UnknownResumeToken,
)
from bot.extract.base import Extractor, ProspectMessage
from bot.facts import Extraction, FactValue
from bot.live import AGENTS_TOPIC, CONSOLE_TOPIC, Bus, LocalBus, visitor_topic
from bot.qualify.policy import Decision, Policy, decide
from bot.qualify.scoring import LeadScore, score_lead
from bot.tokens import new_token, token_hash

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Opened:
    """A conversation that was just started or resumed, and what the bot says first."""

    conversation_id: str
    lead_id: str
    replies: tuple[Reply, ...]
    status: str
    resume_token: str | None = None
    stage: str | None = None


@dataclass(frozen=True)
class TurnOutcome:
    """What came of one prospect message."""

    conversation_id: str
    lead_id: str
    replies: tuple[Reply, ...]
    status: str
    stage: str
    qualified: bool = False
    facts: Mapping[str, FactValue] = field(default_factory=dict)
    handoff: Mapping[str, Any] = field(default_factory=dict)  # what listeners offer the visitor (meeting_link)


@dataclass(frozen=True)
class TurnEvent:
    """What a listener is told after a turn, inside the turn's transaction (before commit)."""

    session: AsyncSession
    lead: models.Lead
    conversation: models.Conversation
    decision: Decision
    previous_stage: str
    known: Mapping[str, FactValue]
    ended: bool
    now: datetime
    handoff: dict[str, Any] = field(default_factory=dict)  # listeners put what the visitor is offered here
    score: LeadScore | None = None  # the lead's score after this turn, with its explanation
    text: str = ""  # the prospect's message of this turn


class TurnListener(Protocol):
    """Reacts to a turn in the same transaction (e.g. the handoff outbox); must not do IO itself."""

    async def on_turn(self, event: TurnEvent) -> None: ...


def _meeting_offer(event: TurnEvent) -> Reply | None:
    """The assigned rep's booking link, offered to a lead that just qualified as SQL."""
    link = event.handoff.get("meeting_link")
    if not link:
        return None
    rep = event.handoff.get("rep_name") or "our team"
    return Reply(f"Book a meeting with {rep} here: {link}", kind="closing", action="book_meeting")


class ConversationService:
    """Opens, resumes and advances conversations; shared by every channel."""

    def __init__(
        self,
        *,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        flows: Mapping[str, Flow],
        extractor: Extractor,
        policy: Policy,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        bus: Bus | None = None,
        listeners: Sequence[TurnListener] = (),
        inline_extraction: bool = False,
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.flows = flows
        self.extractor = extractor
        self.policy = policy
        self.clock = clock
        self.bus: Bus = bus or LocalBus()
        self.listeners = list(listeners)
        # True for an extractor without IO (rules): storing the message, reading it and stepping
        # share one transaction. Otherwise the message is stored first, so a slow LLM loses nothing.
        self.inline_extraction = inline_extraction
        self._serialize_writes = asyncio.Lock() if settings.database_url.startswith("sqlite") else None
        self._zone = ZoneInfo(settings.timezone)
        # Turns of one conversation run one at a time; entries vanish once no turn holds them.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    # ---- opening -------------------------------------------------------------------------
    def flow(self, name: str) -> Flow:
        """The loaded flow called ``name``, or :class:`UnknownFlow`."""
        try:
            return self.flows[name]
        except KeyError:
            known = ", ".join(sorted(self.flows)) or "none"
            raise UnknownFlow(f"no flow named {name!r} (known: {known})") from None

    async def start(
        self,
        *,
        flow_name: str,
        channel: str = "chat",
        lead_id: str | None = None,
        contact: Mapping[str, str | None] | None = None,
        seed: int | None = None,
    ) -> Opened:
        """Open a new conversation (and a new lead unless ``lead_id`` is given); return the greeting."""
        flow = self.flow(flow_name)
        token = new_token("rt_")
        now = self.clock()
        seed = seed if seed is not None else int.from_bytes(token_hash(token)[:8].encode(), "big") % 1_000_003
        async with self._unit_of_work() as session:
            # A lead who already told us things (e.g. in the chat) is not asked them again.
            known = await self.known_facts(session, lead_id) if lead_id is not None else {}
            stage = decide(known, self.policy, complete=True).stage if known else "iql"
            result = dialogue.start(flow, channel=channel, seed=seed, known=known, stage=stage)
            if lead_id is None:
                lead = models.Lead(created_at=now, updated_at=now, **dict(contact or {}))
                session.add(lead)
                await session.flush()
                lead_id = lead.id
            conversation = models.Conversation(
                lead_id=lead_id,
                channel=channel,
                flow=flow.name,
                state=result.state.model_dump(mode="json"),
                status=result.state.status,
                resume_token_hash=token_hash(token),
                created_at=now,
                updated_at=now,
            )
            session.add(conversation)
            await session.flush()
            await self._add_bot_messages(session, conversation.id, result.replies, now)
            await session.commit()
        return Opened(
            conversation_id=conversation.id,
            lead_id=lead_id,
            replies=result.replies,
            status=result.state.status,
            resume_token=token,
            stage="iql",
        )

    async def resume(self, token: str) -> Opened:
        """Reopen the conversation a resume token belongs to; the pending question is asked again."""
        async with self._unit_of_work() as session:
            conversation = await session.scalar(
                select(models.Conversation).where(models.Conversation.resume_token_hash == token_hash(token))
            )
            if conversation is None:
                raise UnknownResumeToken("this resume token matches no conversation")
            lead = await session.get(models.Lead, conversation.lead_id)
        flow = self.flow(conversation.flow)
        state = DialogueState.model_validate(conversation.state)
        result = dialogue.resume(flow, state, channel=conversation.channel)
        return Opened(
            conversation_id=conversation.id,
            lead_id=conversation.lead_id,
            replies=result.replies,
            status=conversation.status,
            stage=lead.stage if lead else None,
        )

    # ---- a prospect message --------------------------------------------------------------
    def validate_text(self, text: Any) -> str:
        """The message text, stripped, or :class:`InvalidMessage` saying what is wrong."""
        if not isinstance(text, str):
            raise InvalidMessage("text must be a string")
        stripped = text.strip()
        if not stripped:
            raise InvalidMessage("text is empty")
        size = len(stripped.encode("utf-8"))
        if size > self.settings.max_message_chars:
            raise InvalidMessage(f"text is {size} bytes; the limit is {self.settings.max_message_chars}")
        return stripped

    async def handle_message(
        self,
        conversation_id: str,
        text: str,
        *,
        on_delay: Callable[[], Awaitable[None]] | None = None,
        written_at: datetime | None = None,
    ) -> TurnOutcome:
        """Store a prospect message, extract its facts, decide the stage and step the dialogue.

        While the database is unreachable each step is retried (``on_delay`` is awaited once so
        the channel can ask the visitor to wait) for up to ``storage_retry_seconds``; the message
        is stored exactly once, then :class:`StorageUnavailable` if the outage lasts longer.
        ``written_at`` is when the prospect wrote it (an email's Date), from which relative dates
        count; it defaults to now.
        """
        text = self.validate_text(text)
        retry = RetryThroughOutage(self.settings.storage_retry_seconds, on_delay)
        async with self._lock(conversation_id):
            now = self.clock()
            quick = getattr(self.extractor, "quick", None)
            if self.inline_extraction and (quick is None or quick(text)):  # read at once: the turn is one transaction
                return await retry(lambda: self._advance(conversation_id, None, text, None, now, written_at))
            message_id, conversation, topic = await retry(lambda: self._store_prospect_message(conversation_id, text, now))
            extraction = await self._extract(text, topic, conversation.channel, written_at or now)
            return await retry(lambda: self._advance(conversation_id, message_id, text, extraction, now))

    async def _store_prospect_message(
        self, conversation_id: str, text: str, now: datetime
    ) -> tuple[int, models.Conversation, str | None]:
        async with self._unit_of_work() as session:
            conversation = await session.get(models.Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(f"no conversation {conversation_id!r}")
            state = DialogueState.model_validate(conversation.state)
            topic = self._pending_topic(conversation.flow, state)
            message_id = await turns.insert_message(session, conversation_id, "prospect", text, topic, now)
            await session.commit()
            return message_id, conversation, topic

    def _pending_topic(self, flow_name: str, state: DialogueState) -> str | None:
        """The topic the prospect is answering, in the extractor's vocabulary; None when several are open."""
        flow = self.flows.get(flow_name)
        open_ids = state.open or ([state.pending] if state.pending else [])
        if flow is None or len(open_ids) != 1:
            return None
        for question in flow.questions:
            if question.id == open_ids[0]:
                return flow.extractor_topic(question.topic)
        return None

    async def _extract(self, text: str, topic: str | None, channel: str, now: datetime) -> Extraction:
        message = ProspectMessage(
            text=text,
            ref_date=now.astimezone(self._zone).date(),
            channel="email" if channel == "email" else "chat",
            asked=topic,
        )
        try:
            return await self.extractor.extract(message)
        except Exception:  # an extractor must never lose a turn: the message is stored, go on without facts
            log.exception("extractor %s failed; continuing without facts", getattr(self.extractor, "name", "?"))
            return Extraction(extractor="none", notes=["extractor failed"])

    async def _advance(
        self,
        conversation_id: str,
        message_id: int | None,
        text: str,
        extraction: Extraction | None,
        now: datetime,
        written_at: datetime | None = None,
    ) -> TurnOutcome:
        """Store facts, decide and step; with no ``message_id``, store and read the message here too."""
        async with self._unit_of_work() as session:
            # Reads and thinking first, writes last: on SQLite the first write takes the database's
            # one write lock until commit, and other server processes wait for it meanwhile.
            conversation, lead = await turns.load_turn(session, conversation_id)
            state = DialogueState.model_validate(conversation.state)
            topic = self._pending_topic(conversation.flow, state)
            if extraction is None:
                extraction = await self._extract(text, topic, conversation.channel, written_at or now)
            before = await turns.active_facts(session, lead.id)
            stored_events = await turns.engagement_events(session, lead.id)
            # Reads are done: what follows changes objects, so no query above flushes them early.
            known = turns.facts_after(before, extraction)
            new_fields = [fact.field for fact in extraction.facts]
            final = decide(known, self.policy, complete=True)
            if conversation.status == "agent":  # a person is talking: the bot only listens
                result, status = StepResult(state, ()), conversation.status
            else:
                result = dialogue.step(
                    self.flow(conversation.flow),
                    state,
                    known=known,
                    new_fields=frozenset(new_fields),
                    text=text,
                    stage=final.stage,
                    channel=conversation.channel,
                )
                status = result.state.status
            decision = final if result.ended else decide(known, self.policy, complete=False)
            stage = (result.outcome or decision.stage) if result.ended else decision.stage
            if lead.stage_set_by is not None:  # a person set the stage in the console: it stays
                stage = lead.stage
            new_events = [
                models.EngagementEvent(
                    lead_id=lead.id,
                    conversation_id=conversation.id,
                    name="prospect_question",
                    properties={"text": question, "answered": question not in result.unanswered},
                    occurred_at=now,
                )
                for question in result.prospect_questions  # recorded for the SDR, answered or not
            ]
            previous_stage = lead.stage
            lead_score = score_lead(known, [*stored_events, *map(turns.as_scoring_event, new_events)], self.policy, now=now)
            replies = [("bot", r.text, r.field) for r in result.replies]
            if message_id is None:  # the prospect's message and the bot's answer in one statement
                message_id = await turns.insert_turn_messages(session, conversation_id, (text, topic), replies, now)
            else:
                await turns.insert_messages(session, conversation_id, replies, now)
            await turns.store_facts(
                session,
                lead_id=lead.id,
                conversation_id=conversation.id,
                message_id=message_id,
                extraction=extraction,
                before=before,
                now=now,
            )
            session.add_all(new_events)
            await turns.save_turn(
                session,
                conversation,
                lead,
                state=result.state.model_dump(mode="json"),
                status=status,
                stage=stage,
                score=lead_score.score,
                now=now,
            )
            if result.ended and lead.stage_set_by is None:  # else the person's decision stands as recorded
                session.add(
                    models.Qualification(
                        lead_id=lead.id,
                        conversation_id=conversation.id,
                        stage=stage,
                        reasons=decision.to_json()["reasons"],
                        decided_at=now,
                    )
                )
            event = TurnEvent(
                session, lead, conversation, decision, previous_stage, known, result.ended, now,
                score=lead_score, text=text,
            )
            for listener in self.listeners:
                await listener.on_turn(event)
            meeting = _meeting_offer(event) if result.ended and stage == "sql" else None
            if meeting is not None:  # chat and email both say it, after the closing
                result = replace(result, replies=(*result.replies, meeting))
                await self._add_bot_messages(session, conversation.id, (meeting,), now)
            await session.commit()
        outcome = TurnOutcome(
            conversation_id=conversation_id,
            lead_id=lead.id,
            replies=result.replies,
            status=conversation.status,
            stage=stage,
            qualified=result.ended,
            facts=known,
            handoff=dict(event.handoff),
        )
        await self._publish_turn(conversation, text, outcome)
        return outcome

    async def _publish_turn(self, conversation: models.Conversation, text: str, outcome: TurnOutcome) -> None:
        """Tell the console what happened; the visitor already has the replies from its own turn."""
        base = {"conversation_id": conversation.id, "lead_id": conversation.lead_id}
        events = [{**base, "type": "message", "role": "prospect", "text": text}]
        events += [{**base, "type": "message", "role": "bot", "text": r.text, "field": r.field} for r in outcome.replies]
        events.append({**base, "type": "turn", "status": outcome.status, "stage": outcome.stage})
        await self.bus.publish_many(
            [(conversation.id, {**event, "origin": "visitor"}) for event in events]
            + [(CONSOLE_TOPIC, event) for event in events]
        )

    # ---- a person takes over ---------------------------------------------------------------
    async def take_over(self, conversation_id: str, agent: str) -> None:
        """An SDR takes the conversation: the bot pauses and the visitor is told a person joined."""
        async with self._unit_of_work() as session:
            conversation = await self._conversation(session, conversation_id)
            if conversation.status == "ended":
                raise InvalidTransition("the conversation has ended")
            state = DialogueState.model_validate(conversation.state)
            state.status = "waiting_human"
            conversation.state = state.model_dump(mode="json")
            conversation.status = "agent"
            conversation.updated_at = self.clock()
            await session.commit()
        await self._broadcast(conversation, {"type": "status", "state": "agent_joined", "name": agent})

    async def agent_message(self, conversation_id: str, agent: str, text: str) -> int:
        """Store an SDR's message and deliver it to the visitor at once; returns the message id."""
        text = self.validate_text(text)
        async with self._unit_of_work() as session:
            conversation = await self._conversation(session, conversation_id)
            if conversation.status != "agent":
                raise InvalidTransition("take the conversation over before writing in it")
            message_id = await turns.insert_message(session, conversation_id, "agent", text, None, self.clock())
            await session.commit()
        await self._broadcast(conversation, {"type": "agent", "text": text, "name": agent})
        return message_id

    async def hand_back(self, conversation_id: str, agent: str) -> tuple[Reply, ...]:
        """The SDR returns the conversation to the bot, which carries on from the open question."""
        async with self._lock(conversation_id):
            now = self.clock()
            async with self._unit_of_work() as session:
                conversation = await self._conversation(session, conversation_id)
                if conversation.status not in ("agent", "waiting_human"):
                    raise InvalidTransition("the bot is already running this conversation")
                known = await self.known_facts(session, conversation.lead_id)
                state = DialogueState.model_validate(conversation.state)
                state.status = "waiting_human"
                final = decide(known, self.policy, complete=True)
                result = dialogue.hand_back(
                    self.flow(conversation.flow), state, known=known, stage=final.stage, channel=conversation.channel
                )
                conversation.state = result.state.model_dump(mode="json")
                conversation.status = result.state.status
                conversation.updated_at = now
                await self._add_bot_messages(session, conversation.id, result.replies, now)
                await session.commit()
        await self._broadcast(conversation, {"type": "status", "state": "agent_left", "name": agent})
        for reply in result.replies:
            await self._broadcast(
                conversation,
                {"type": "bot", "text": reply.text, "field": reply.field, "quick_replies": list(reply.quick_replies)},
            )
        return result.replies

    async def _broadcast(self, conversation: models.Conversation, frame: dict[str, Any]) -> None:
        """Send a protocol frame to the visitor's connection and the console."""
        event = {**frame, "conversation_id": conversation.id, "lead_id": conversation.lead_id}
        items = [(conversation.id, {**event, "origin": "service"}), (visitor_topic(conversation.id), event), (CONSOLE_TOPIC, event)]
        if frame.get("type") == "agent":
            items.append((AGENTS_TOPIC, event))
        await self.bus.publish_many(items)

    async def _conversation(self, session: AsyncSession, conversation_id: str) -> models.Conversation:
        conversation = await session.get(models.Conversation, conversation_id, with_for_update=True)
        if conversation is None:
            raise ConversationNotFound(f"no conversation {conversation_id!r}")
        return conversation

    async def known_facts(self, session: AsyncSession, lead_id: str) -> dict[str, FactValue]:
        """The lead's current facts, ``{field: value}``."""
        return await turns.active_facts(session, lead_id)

    # ---- engagement ----------------------------------------------------------------------
    async def record_event(self, conversation_id: str, name: str, properties: Mapping[str, Any]) -> None:
        """Store an engagement event (e.g. a page view) on the conversation's lead."""
        async with self._unit_of_work() as session:
            conversation = await session.get(models.Conversation, conversation_id)
            if conversation is None:
                raise ConversationNotFound(f"no conversation {conversation_id!r}")
            session.add(
                models.EngagementEvent(
                    lead_id=conversation.lead_id,
                    conversation_id=conversation_id,
                    name=name,
                    properties=dict(properties),
                    occurred_at=self.clock(),
                )
            )
            await session.commit()

    # ---- helpers -------------------------------------------------------------------------
    async def _add_bot_messages(
        self, session: AsyncSession, conversation_id: str, replies: Sequence[Reply], now: datetime
    ) -> None:
        await turns.insert_messages(session, conversation_id, [("bot", r.text, r.field) for r in replies], now)

    def _lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = self._locks[conversation_id] = asyncio.Lock()
        return lock

    def _unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker, self._serialize_writes)
