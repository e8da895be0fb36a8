"""The lead queue: filters from the query string, the filtered and paginated leads, and their CSV rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.console.models import LeadOutcome
from bot.db import models
from bot.qualify.policy import STAGES

PAGE_SIZE = 25
EXPORT_LIMIT = 50_000
CHANNELS = ("chat", "email")


@dataclass(frozen=True)
class QueueFilter:
    """What the SDR asked to see. Unknown or malformed values are dropped, never an error."""

    stage: str = ""
    channel: str = ""
    owner: str = ""  # "" anyone, "me", "none", or an owner's email
    since: date | None = None
    until: date | None = None
    q: str = ""
    waiting: bool = False  # only SQLs waiting for contact
    page: int = 1

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> QueueFilter:
        stage = params.get("stage", "")
        channel = params.get("channel", "")
        try:
            page = max(1, min(10_000, int(params.get("page", "1"))))
        except ValueError:
            page = 1
        return cls(
            stage=stage if stage in STAGES else "",
            channel=channel if channel in CHANNELS else "",
            owner=params.get("owner", "").strip()[:320],
            since=_date(params.get("since")),
            until=_date(params.get("until")),
            q=params.get("q", "").strip()[:200],
            waiting=params.get("waiting") == "1",
            page=page,
        )

    def query(self, **changes: Any) -> str:
        """The query string of this filter with ``changes`` (empty values left out)."""
        values = asdict(replace(self, **changes))
        pairs = {k: ("1" if v is True else v) for k, v in values.items() if v not in ("", None, False)}
        if pairs.get("page") == 1:
            del pairs["page"]
        return urlencode({k: str(v) for k, v in pairs.items()})

    @property
    def active(self) -> bool:
        return self != QueueFilter(page=self.page)


@dataclass(frozen=True)
class QueueRow:
    """One lead in the queue."""

    lead: models.Lead
    outcome: str | None
    waiting: bool
    channels: tuple[str, ...] = ()
    last_activity: datetime | None = None
    last_message: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue and what the pager needs."""

    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    waiting_total: int = 0
    stage_counts: dict[str, int] = field(default_factory=dict)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _contacted():  # type: ignore[no-untyped-def]
    return exists().where(
        models.Message.role == "agent",
        models.Message.conversation_id == models.Conversation.id,
        models.Conversation.lead_id == models.Lead.id,
    )


def waiting_condition():  # type: ignore[no-untyped-def]
    """An SQL no one has contacted yet: no outcome, no person's message in any conversation."""
    return and_(models.Lead.stage == "sql", LeadOutcome.outcome.is_(None), ~_contacted())


def _filtered(query: Select[Any], f: QueueFilter, me: str) -> Select[Any]:
    if f.stage:
        query = query.where(models.Lead.stage == f.stage)
    if f.channel:
        query = query.where(
            exists().where(models.Conversation.lead_id == models.Lead.id, models.Conversation.channel == f.channel)
        )
    if f.owner == "me":
        query = query.where(models.Lead.owner == me)
    elif f.owner == "none":
        query = query.where(models.Lead.owner.is_(None))
    elif f.owner:
        query = query.where(models.Lead.owner == f.owner)
    if f.since:
        query = query.where(models.Lead.created_at >= datetime.combine(f.since, time(), UTC))
    if f.until:
        query = query.where(models.Lead.created_at < datetime.combine(f.until + timedelta(days=1), time(), UTC))
    if f.q:
        like = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(*(column.ilike(like, escape="\\") for column in (models.Lead.name, models.Lead.company, models.Lead.email)))
        )
    if f.waiting:
        query = query.where(waiting_condition())
    return query


def _base() -> Select[Any]:
    return select(models.Lead, LeadOutcome.outcome, waiting_condition().label("waiting")).outerjoin(
        LeadOutcome, LeadOutcome.lead_id == models.Lead.id
    )


async def queue_page(session: AsyncSession, f: QueueFilter, me: str) -> QueuePage:
    """The leads matching ``f``, highest score first, one page of them."""
    total = await session.scalar(
        _filtered(select(func.count(models.Lead.id)).outerjoin(LeadOutcome, LeadOutcome.lead_id == models.Lead.id), f, me)
    ) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(f.page, pages)
    query = _filtered(_base(), f, me).order_by(models.Lead.score.desc(), models.Lead.updated_at.desc(), models.Lead.id)
    result = await session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    rows = [(lead, outcome, bool(waiting)) for lead, outcome, waiting in result.all()]
    details = await _details(session, [lead.id for lead, _, _ in rows])
    facts = await _facts(session, [lead.id for lead, _, _ in rows])
    waiting_total = await session.scalar(
        select(func.count(models.Lead.id)).outerjoin(LeadOutcome, LeadOutcome.lead_id == models.Lead.id).where(waiting_condition())
    ) or 0
    counts = dict((await session.execute(select(models.Lead.stage, func.count()).group_by(models.Lead.stage))).all())
    return QueuePage(
        rows=[
            QueueRow(lead, outcome, waiting, *details.get(lead.id, ((), None, "")), facts=facts.get(lead.id, {}))
            for lead, outcome, waiting in rows
        ],
        total=total,
        page=page,
        pages=pages,
        waiting_total=waiting_total,
        stage_counts={s: counts.get(s, 0) for s in STAGES},
    )


async def _details(session: AsyncSession, lead_ids: list[str]) -> dict[str, tuple[tuple[str, ...], datetime | None, str]]:
    """Per lead: its channels, when it last did something, and its last message (shortened)."""
    if not lead_ids:
        return {}
    conversations = (
        await session.execute(
            select(models.Conversation.id, models.Conversation.lead_id, models.Conversation.channel, models.Conversation.updated_at)
            .where(models.Conversation.lead_id.in_(lead_ids))
        )
    ).all()
    channels: dict[str, set[str]] = {}
    activity: dict[str, datetime] = {}
    lead_of: dict[str, str] = {}
    for conversation_id, lead_id, channel, updated_at in conversations:
        channels.setdefault(lead_id, set()).add(channel)
        lead_of[conversation_id] = lead_id
        if lead_id not in activity or updated_at > activity[lead_id]:
            activity[lead_id] = updated_at
    last_ids = select(func.max(models.Message.id)).where(
        models.Message.conversation_id.in_(lead_of), models.Message.role == "prospect"
    ).group_by(models.Message.conversation_id)
    last: dict[str, tuple[int, str]] = {}
    for message in await session.scalars(select(models.Message).where(models.Message.id.in_(last_ids))):
        lead_id = lead_of[message.conversation_id]
        if lead_id not in last or message.id > last[lead_id][0]:
            last[lead_id] = (message.id, message.text)
    return {
        lead_id: (tuple(sorted(channels.get(lead_id, ()))), activity.get(lead_id), _short(last.get(lead_id, (0, ""))[1]))
        for lead_id in lead_ids
    }


async def _facts(session: AsyncSession, lead_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per lead, its active facts ``{field: value}``."""
    known: dict[str, dict[str, Any]] = {}
    rows = await session.execute(
        select(models.Fact.lead_id, models.Fact.field, models.Fact.value).where(
            models.Fact.lead_id.in_(lead_ids), models.Fact.active.is_(True)
        )
    )
    for lead_id, name, value in rows.all():
        known.setdefault(lead_id, {})[name] = value
    return known


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def export_rows(session: AsyncSession, f: QueueFilter, me: str) -> list[QueueRow]:
    """Every lead matching ``f`` (no paging, up to a safety cap), in queue order."""
    query = _filtered(_base(), f, me).order_by(models.Lead.score.desc(), models.Lead.updated_at.desc(), models.Lead.id)
    result = (await session.execute(query.limit(EXPORT_LIMIT))).all()
    details = await _details(session, [lead.id for lead, _, _ in result])
    return [QueueRow(lead, outcome, bool(w), *details.get(lead.id, ((), None, ""))) for lead, outcome, w in result]


async def owners(session: AsyncSession) -> list[str]:
    """Everyone who owns a lead, for the owner filter."""
    rows = await session.scalars(select(models.Lead.owner).where(models.Lead.owner.is_not(None)).distinct().order_by(models.Lead.owner))
    return [owner for owner in rows if owner]
