"""The offline rules extractor: regular expressions and parsing libraries, no model, no network.

Each family of facts has its own module (money, timeline, authority, need, company, short
answers); this module cuts the message into sentences, drops what states nothing (quoted email
history, signatures, auto-replies, instructions aimed at the bot) and collects the facts.
"""

from __future__ import annotations

from bot.extract.base import ProspectMessage
from bot.extract.email_text import is_auto_reply_text, own_text
from bot.extract.guard import find_instructions, screen
from bot.extract.rules.authority import read_authority, read_student_authority
from bot.extract.rules.company import read_country, read_headcount
from bot.extract.rules.currency import local_currency
from bot.extract.rules.money import read_budget
from bot.extract.rules.need import NOT_A_BUYER, read_need
from bot.extract.rules.shortanswers import read_short_answer
from bot.extract.rules.text import clauses
from bot.extract.rules.timeline import read_timeline
from bot.facts import Extraction, Fact

__all__ = ["RulesExtractor"]


class RulesExtractor:
    """Reads BANT facts with hand-written rules; every fact quotes the text it came from."""

    name = "rules"

    async def extract(self, message: ProspectMessage) -> Extraction:
        """The :class:`Extractor` protocol's entry point (the rules are synchronous)."""
        return self.read(message)

    def read(self, message: ProspectMessage) -> Extraction:
        """Return the facts ``message`` states. Pure: the same message always gives the same facts."""
        notes: list[str] = []
        if message.channel == "email" and is_auto_reply_text(message.text or ""):
            return Extraction(extractor=self.name, notes=["automatic reply: states nothing"])
        text = own_text(message.text or "", message.channel)
        instructions = find_instructions(text)
        # A sentence that touches an instruction to the bot states nothing.
        parts = [c for c in clauses(text) if not any(c.start < i.end and i.start < c.start + len(c.text) for i in instructions)]
        dropped = bool(instructions)
        if dropped:
            notes.append("dropped sentences that instruct the bot")
        asked = message.asked
        facts: list[Fact] = []
        unsure = False
        short = read_short_answer(text, asked) if not dropped else []
        facts.extend(short)
        # A job seeker, a vendor's pitch or a student's homework has no part in a purchase (unless asked).
        not_buying = asked != "authority" and any(NOT_A_BUYER.search(c.text) for c in parts)
        for found, was_unsure in (
            read_budget(parts, asked),
            read_timeline(parts, message.ref_date, asked, text),
            read_authority(parts, asked) if not not_buying else (read_student_authority(parts), False),
            read_need(parts, asked),
        ):
            facts.extend(found)
            unsure = unsure or was_unsure
        facts.extend(read_headcount(parts, asked))
        facts.extend(read_country(parts, asked))
        facts = local_currency(facts, " ".join(c.text for c in parts))
        kept = [f for f in facts if f.evidence in message.text and screen(f.field, f.evidence, text, instructions, obedient_reader=False) is None]
        if len(kept) != len(facts):
            notes.append("dropped facts whose evidence is not in the text or that an instruction targets")
        extraction = Extraction(extractor=self.name, facts=kept, notes=notes)
        answered = {f.field for f in extraction.facts}
        if short and asked and any(f.field in answered for f in short):
            unsure = False
        extraction.unsure = unsure and not dropped
        return extraction
