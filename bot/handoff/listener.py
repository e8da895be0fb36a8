"""The handoff's turn listener: after each turn, in the turn's transaction, score, route and announce.

- The score is recomputed with its explanation and stored (``lead_scores``).
- A lead at a routed stage (``routing.yaml``: ``route_stages``) without an assignment is routed
  once its country is known or the flow ends: an existing owner wins, else territory and
  round-robin with counters in the database.
- An SQL's rep meeting link is handed to the channel (``TurnEvent.handoff["meeting_link"]``).
- Deliveries are enqueued when the flow ends (the outcome event: ``lead.qualified``,
  ``lead.nurture`` for MQL and nurture, ``lead.disqualified``, ``lead.updated`` for an
  unfinished lead) and, as ``lead.updated``, when the stage or owner changes mid-conversation.
"""

from __future__ import annotations

from bot.config import Settings
from bot.conversations import TurnEvent
from bot.handoff.assignment import assign, current_assignment
from bot.handoff.dispatch import UNKNOWN, Dispatcher, Unknown, outcome_event
from bot.handoff.models import LeadAssignment
from bot.handoff.scores import rescore
from bot.qualify.policy import Policy
from bot.qualify.routing import RoutingRules


class HandoffListener:
    """A :class:`bot.conversations.TurnListener`; does no IO besides the turn's session."""

    def __init__(self, settings: Settings, policy: Policy, dispatcher: Dispatcher, rules: RoutingRules | None) -> None:
        self.settings = settings
        self.policy = policy
        self.dispatcher = dispatcher
        self.rules = rules

    async def on_turn(self, event: TurnEvent) -> None:
        session, lead = event.session, event.lead
        score = await rescore(session, lead, self.policy, now=event.now, known=event.known, computed=event.score)
        new_owner = None
        current: LeadAssignment | None | Unknown = UNKNOWN
        country = event.known.get("country")
        # Mid-conversation the country may still be asked: route then only when it is known.
        if self.rules is not None and lead.stage in self.rules.route_stages and (event.ended or country):
            _, new_owner, current = await assign(session, lead, self.rules, country=str(country) if country else None, now=event.now)
        if lead.stage == "sql":
            if current is UNKNOWN:
                # An unowned lead has no assignment to look up (assign() sets the owner with the row).
                current = await current_assignment(session, lead.id) if lead.owner else None
            if current is not None and current.meeting_link:
                event.handoff["meeting_link"] = current.meeting_link
                event.handoff["rep_name"] = current.rep_name
        if event.ended:
            name: str | None = outcome_event(lead.stage)
        elif lead.stage != event.previous_stage or new_owner is not None:
            name = "lead.updated"
        else:
            name = None
        if name is not None:
            await self.dispatcher.announce(
                session, lead, name, now=event.now, decision=event.decision, score=score, conversation=event.conversation,
                assignment=current,
            )  # fmt: skip
