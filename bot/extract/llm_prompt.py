"""The LLM extractor's prompt: the customer-editable templates in ``prompts/extract`` and what they are given.

``system.j2`` receives the reading context (reference date, channel, the question just asked, the
field names) and a small calendar of the dates the timeline rules name, counted in days from the
reference date, because models are unreliable at date arithmetic. ``user.j2`` receives only the
prospect's text, as data. Templates are checked when loaded, so a broken one stops the start
with its file and line instead of failing message by message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError

from bot.extract.base import ProspectMessage
from bot.extract.guard import own_text
from bot.facts import FIELDS, TOPIC_FIELDS

_DELIMITER = "PROSPECT_MESSAGE"


class PromptTemplateError(ValueError):
    """A prompt template of ``prompts/extract`` is missing or broken; the message names the file."""


@dataclass(frozen=True)
class Landmark:
    """A date the timeline rules refer to, and how many days after the reference date it falls."""

    label: str
    day: date
    days: int


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def landmarks(ref_date: date) -> list[Landmark]:
    """The coming Sunday, the ends of the next twelve months, this and the next quarters, and the year."""
    marks: list[tuple[str, date]] = [("this week (coming Sunday)", ref_date + timedelta(days=6 - ref_date.weekday()))]
    for ahead in range(12):
        month = (ref_date.month - 1 + ahead) % 12 + 1
        year = ref_date.year + (ref_date.month - 1 + ahead) // 12
        end = _month_end(year, month)
        marks.append((f"end of {end.strftime('%B %Y')}" + (" (this month)" if ahead == 0 else ""), end))
    quarter = (ref_date.month - 1) // 3 + 1
    for ahead, name in ((0, "this quarter"), (1, "next quarter")):
        q = quarter - 1 + ahead
        year, q = ref_date.year + q // 4, q % 4 + 1
        marks.append((f"end of {name} (Q{q} {year})", _month_end(year, 3 * q)))
    marks.append((f"end of this year ({ref_date.year})", date(ref_date.year, 12, 31)))
    return [Landmark(label, day, (day - ref_date).days) for label, day in marks]


class Prompt:
    """The loaded, checked templates of one prompts folder; renders the chat turns for a message."""

    def __init__(self, prompts_dir: Path) -> None:
        folder = prompts_dir / "extract"
        env = Environment(
            loader=FileSystemLoader(folder),
            undefined=StrictUndefined,
            autoescape=False,  # plain text for a model, not HTML
        )
        try:
            self._system = env.get_template("system.j2")
            self._user = env.get_template("user.j2")
            self.system(ProspectMessage(text="check", ref_date=date(2026, 1, 1), asked="budget"))
            self.user(ProspectMessage(text="check", ref_date=date(2026, 1, 1)))
        except TemplateError as exc:
            where = f"{exc.filename}:{exc.lineno}" if isinstance(exc, TemplateSyntaxError) else str(folder)
            raise PromptTemplateError(f"{where}: {exc}") from exc

    def system(self, message: ProspectMessage) -> str:
        """The system turn: instructions, field definitions and the context of ``message`` (never its text)."""
        return self._system.render(
            ref_date=message.ref_date.isoformat(),
            weekday=message.ref_date.strftime("%A"),
            channel=message.channel,
            asked=message.asked,
            asked_fields=TOPIC_FIELDS.get(message.asked or "", ()),
            fields=FIELDS,
            landmarks=landmarks(message.ref_date),
        )

    def user(self, message: ProspectMessage) -> str:
        """The user turn: the prospect's own text, delimited as data."""
        # Quoted email history is left out: nothing in it may become a fact, and it costs tokens.
        # The prospect must not be able to close the data block and write outside it.
        text = own_text(message.text, message.channel).replace(_DELIMITER, _DELIMITER.replace("_", "-"))
        return self._user.render(text=text)
