"""Writing emails: the Jinja2 templates of ``prompts/email/`` (subject, plain text, HTML), the
"noted: …" acknowledgement of what a reply told us, and HTML→text for inbound HTML-only mail.

Templates are customer-editable files; they are all compiled at start so a syntax error names
the file and line before the server serves anything. HTML parts are autoescaped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pycountry
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, select_autoescape

from bot.errors import QualbotError
from bot.facts import FactValue

KINDS = ("first", "reply", "followup", "agent")
PARTS = ("subject", "txt", "html")


class EmailTemplateError(QualbotError):
    """An email template that cannot be compiled or rendered; the message names file and line."""

    code = "email_template_error"
    http_status = 500


@dataclass(frozen=True)
class Rendered:
    """One email's subject and its two bodies."""

    subject: str
    text: str
    html: str


class Templates:
    """The email templates of one folder (``<prompts_dir>/email``), compiled once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = Environment(
            loader=FileSystemLoader(str(folder)),
            autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        for kind in KINDS:
            for part in PARTS:
                self._template(f"{kind}.{part}.j2")

    def _template(self, name: str) -> Any:
        try:
            return self.env.get_template(name)
        except TemplateSyntaxError as exc:
            raise EmailTemplateError(f"{self.folder / name}:{exc.lineno}: {exc.message}") from None
        except TemplateError as exc:
            raise EmailTemplateError(f"{self.folder / name}: {exc}") from None

    def render(self, kind: str, context: Mapping[str, Any]) -> Rendered:
        """Render the subject, text and HTML of ``kind`` (first, reply, followup, agent)."""
        out = []
        for part in PARTS:
            name = f"{kind}.{part}.j2"
            try:
                out.append(self._template(name).render(**context))
            except TemplateError as exc:
                raise EmailTemplateError(f"{self.folder / name}: {exc}") from None
        subject = " ".join(out[0].split())[:300]
        return Rendered(subject, out[1].strip() + "\n", out[2])


def first_name(name: str | None) -> str:
    """The first word of a person's name ("there" when there is none)."""
    parts = (name or "").replace(",", " ").split()
    return parts[0] if parts else "there"


# ---- the acknowledgement -------------------------------------------------------------------
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
_PERIODS = {"month": " a month", "year": " a year", "one_time": " one-off"}
_AUTHORITY = {
    "decision_maker": "you make the final decision",
    "influencer": "someone else signs off, with your recommendation",
    "none": "you're not involved in the purchase",
}
_BUCKETS = {
    "now": "a solution within the month",
    "quarter": "a solution this quarter",
    "year": "a solution within the year",
    "later": "no rush — more than a year out",
    "none": "no plans to buy yet",
}


def acknowledgements(
    new: Mapping[str, FactValue], evidence: Mapping[str, str] | None = None, text: str = ""
) -> list[str]:
    """Short phrases for what a reply told us, e.g. ``["budget about $20,000 a year", ...]``.

    The need is quoted back in the prospect's words: the sentence of ``text`` holding its evidence.
    """
    evidence = evidence or {}
    out: list[str] = []
    if new.get("need") == "confirmed":
        quote = _short(_sentence(text, evidence.get("need", "")))
        out.append(f"the challenge — “{quote}”" if quote else "there's a real need")
    elif new.get("need") == "none":
        out.append("there's no pressing need right now")
    budget = _budget(new)
    if budget:
        out.append(budget)
    if "authority" in new:
        out.append(_AUTHORITY.get(str(new["authority"]), str(new["authority"])))
    if "timeline_bucket" in new:
        out.append(_BUCKETS.get(str(new["timeline_bucket"]), str(new["timeline_bucket"])))
    if "employees" in new:
        out.append(f"about {int(new['employees']):,} people")
    if "country" in new:
        country = pycountry.countries.get(alpha_2=str(new["country"]))
        out.append(f"based in {getattr(country, 'common_name', None) or getattr(country, 'name', new['country'])}")
    return out


def _budget(new: Mapping[str, FactValue]) -> str | None:
    low, high = new.get("budget_min"), new.get("budget_max")
    currency = str(new.get("budget_currency") or "")
    period = _PERIODS.get(str(new.get("budget_period") or ""), "")
    if low is not None or high is not None:
        if low is not None and high is not None and low != high:
            amount = f"{_money(low, currency)}–{_money(high, currency)}"
        else:
            amount = "about " + _money(high if high is not None else low, currency)  # type: ignore[arg-type]
        return f"budget {amount}{period}"
    status = new.get("budget_status")
    return {"allocated": "budget is set aside", "undecided": "budget not decided yet", "none": "no budget yet"}.get(
        str(status)) if status else None


def _money(value: FactValue, currency: str) -> str:
    number = f"{float(value):,.0f}" if float(value).is_integer() else f"{float(value):,.2f}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{number}" if symbol else f"{number} {currency}".strip()


def _sentence(text: str, evidence: str) -> str:
    """The sentence of ``text`` that contains ``evidence`` (``evidence`` itself when not found)."""
    needle = " ".join(evidence.split()).lower()
    line = next((x for x in text.split("\n") if needle and needle in " ".join(x.split()).lower()), "")
    flat = " ".join(line.split())
    at = flat.lower().find(needle) if needle else -1
    if at < 0:
        return evidence
    start = max(flat.rfind(". ", 0, at), flat.rfind("! ", 0, at), flat.rfind("? ", 0, at))
    ends = [i for i in (flat.find(". ", at), flat.find("! ", at), flat.find("? ", at)) if i >= 0]
    return flat[start + 2 if start >= 0 else 0 : min(ends) if ends else len(flat)]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split()).strip(" .,;")
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def join_phrases(items: Sequence[str]) -> str:
    """``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---- HTML to text --------------------------------------------------------------------------
_BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr", "pre"}
_SKIP = {"script", "style", "head", "title"}


class _TextParser(HTMLParser):
    """Collects the visible text of an HTML body; blockquotes become ``>`` lines (quoted history)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self.quote += 1
            self._newline()
        elif tag in _BLOCK:
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self._newline()
        elif tag in _BLOCK:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip() and not self.lines[-1]:
            return
        if not self.lines[-1] and self.quote:
            self.lines[-1] = "> " * self.quote
        self.lines[-1] += text

    def _newline(self) -> None:
        self.lines[-1] = self.lines[-1].rstrip()
        self.lines.append("")


def html_to_text(html: str) -> str:
    """The visible text of an HTML email, one line per block; never raises."""
    parser = _TextParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; anything else still leaves the text read so far
        pass
    lines = [line.strip() if not line.startswith(">") else line.rstrip() for line in parser.lines]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
