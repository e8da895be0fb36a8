"""Timeline: when the prospect means to decide or buy, in days from the message's date.

Follows the benchmark's calendar: quarters and months end on their last day, "this week" ends on
the coming Sunday, a month named alone is its next occurrence, "within six weeks" is 42 days.
A phrase that pins no date ("ASAP", "not before 2028", "no plans to buy") gives only a bucket.
Meetings, demos and calls are not buying timelines, and past dates ("we started in April") are
history, not plans.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from bot.extract.rules.text import APOS, NUMBER_WORDS, SMALL_WORDS, Clause, to_number, word_number
from bot.facts import Fact, bucket_for_days

_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_MONTH_RE = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
_CUE = r"(?:by|before|in|until|till|til|for|during|around|on|latest|no\s+later\s+than|ideally|target(?:ing)?)"
_END = r"(?:(?:the\s+)?(?:end|close|middle|start|beginning)\s+of\s+(?:the\s+)?)"
_ORD = r"(?:st|nd|rd|th)?"
_NEXT_YEAR = r"(?P<ny>(?:,?\s+|\s+of\s+)next\s+year)"

_MEETING = re.compile(r"\b(?:demo|(?<!\bmake\s)(?<!\bmake\sa\s)(?<!\bmake\sthe\s)(?<!\bmaking\sa\s)(?<!\bmaking\sthe\s)call|meeting|session|workshop|meet|talk|speak|catch\s+up|walk\s*through|webinar|minutes|invite|chat\s+(?:then|on|at)|available|free\s+(?:on|at)|shortlist|report\s+back|circle\s+back|get\s+back\s+to|send\s+(?:you|her|him|them|over|across)|reply|respond)\b", re.I)
_NOT_PAST_ED = "interested|based|located|focused|planned|scheduled|supposed|expected|required|needed|excited|committed|prepared|aimed|hoped"
_PAST = re.compile(rf"\b(?:we|I|i|they)\s+(?:(?:just|already|recently|also|then|finally|originally|previously|actually)\s+)?(?!(?:{_NOT_PAST_ED}|need|feed|speed|proceed|succeed|exceed)\b)\w{{2,}}ed\b|\b(?:started|began|joined|since|was|were|ago|launched|moved|left|founded|established|had|did|went|last|used|previous(?:ly)?)\b|{APOS}d\s+been", re.I)
# Internal planning is not a buying date: "finishing our 2027 planning in October".
_PLANNING = re.compile(r"\b(?:planning|budget(?:ing)?\s+(?:round|cycle|season|process)|board\s+meeting|offsite|reorg\w*)\s*$", re.I)
# The date the fiscal year starts, or an internal planning round, is no buying date ("our financial year starts in April").
_NOT_A_BUYING_DATE = re.compile(
    r"\b(?:(?:fiscal|financial|budget|tax)\s+year\s+(?:starts|begins|kicks\s+off|runs\s+from|rolls\s+over|resets|opens)|"
    r"planning\s+(?:round|cycle|process|meeting|session|season)|budget(?:ing)?\s+(?:round|cycle|season|process))(?:\s+(?:is\s+)?(?:in|on|from|at))?\s*$", re.I)
_BUDGETY = re.compile(r"[$€£¥₹]|\d\s?k\b|\bbudget|\bafford|\bmoney\b|\bfunds\b|\breforecast|\bfiscal|\bfinancial\s+year|\brevenue|\bspend", re.I)

_INTENT = re.compile(
    r"\b(?:buy(?:s|ing)?|purchas\w*|sign\w*|decid\w*|decision|live|launch\w*|start\w*|implement\w*|roll\w*|set\s+up|in\s+place|"
    r"running|working|have|get|switch\w*|move|go|want|need|looking|plan\w*|aim\w*|ready|onboard\w*|like|hoping|hope|"
    r"asap|urgent\w*|immediately|timeline|timeframe|not\s+(?:before|until))\b", re.I)
_NONE = re.compile(
    rf"\bno\s+(?:purchase|buying|buy)\s+(?:planned|scheduled|intended|in\s+sight|on\s+the\s+horizon)\b|\bno\s+(?:\w+\s+)?(?:plans?|intention|intent)\s+(?:\w+\s+){{0,2}}?(?:to|of)\s+(?:buy|buying|purchas\w*|switch\w*|chang\w*|invest\w*|get\w*)|"
    rf"(?:\bnot|n{APOS}t)\s+(?:really\s+)?(?:looking|planning|going|intending)\s+(?:on\s+|to\s+)(?:buy\w*|purchas\w*|switch\w*|chang\w*)|\bnot\s+in\s+the\s+market\b|(?:\bnot|n{APOS}t)\s+(?:really\s+)?(?:want|plan|intend)\s+to\s+(?:buy|purchase)\b(?=\s*(?:anything|now|yet|at\s+the\s+moment|right\s+now|for\s+now|[,.;!]|$))|\bnot\s+(?:planning|budgeting\s+for|considering)\s+(?:any|a)\s+(?:new\s+)?(?:purchases?|investments?|spend|switch|change)\b|"
    rf"\b(?:won{APOS}?t|will\s+not)\s+be\s+(?:buying|purchasing)|\bnot\s+buying\b|\bno\s+timeline\s+(?:at\s+all|whatsoever)", re.I)
# "not for at least 18 months": a lower bound with no date, so a bucket without days.
_NOT_FOR = re.compile(rf"\bnot\s+(?:for|within|in)\s+(?:at\s+least\s+|another\s+|the\s+next\s+)?(?P<n>\d+|{NUMBER_WORDS}|{SMALL_WORDS})\s+(?P<unit>months?|years?)\b", re.I)
_DAY_OF_MONTH = re.compile(r"\b(?:by|before|until|till|on|no\s+later\s+than)\s+the\s+(?P<d>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b(?!\s+(?:of|century|floor|percent))", re.I)
_NEW_YEAR = re.compile(r"\b(?:in|after|early\s+in|at\s+the\s+start\s+of)\s+the\s+new\s+year\b", re.I)
_NOW = re.compile(r"(?<!\bnothing\s)(?<!\bnot\s)(?<!\bno\s)(?<!\bnot\sthat\s)\b(?:(?:ideally|like|by|(?:need|needs|needed|want|wanted)(?:\s+(?:it|this|that|them))?)\s+yesterday|asap|a\.s\.a\.p\.?|as\s+soon\s+as\s+(?:possible|we\s+can)|right\s+away|immediately|urgent(?:ly)?|straight\s+away)\b", re.I)
_NOT_BEFORE = re.compile(
    rf"(?:(?:\bnot|\b\w+n{APOS}t|\bnothing|\bnever)\s+(?:[\w-]+\s+){{0,6}}?(?:before|until|till|til|this\s+side\s+of)|\bno\s+(?:earlier|sooner)\s+than|\bthis\s+side\s+of|"
    rf"\b(?:frozen|on\s+hold|paused|locked|postponed|parked|shelved|deferred)\s+(?:\w+\s+){{0,2}}?(?:until|till|til|to)|\b(?:freeze|moratorium)\s+(?:\w+\s+){{0,2}}?(?:until|till|til)|\bpushed\s+(?:back\s+)?to)"
    rf"\s+(?:(?:the\s+)?(?P<part>end|start|beginning|middle)\s+of\s+|(?P<part2>mid|early|late)[-\s]?)?(?:(?P<mon>{_MONTH_RE})\s*)?(?P<y>20\d\d)\b", re.I)
# "won't be buying this year (or next)": a lower bound, not "never".
_NOT_THIS_YEAR = re.compile(
    r"^\s*(?:anything\s+|any\s+\w+\s+|another\s+\w+\s+|a\s+\w+\s+)?(?:this\s+(?:year|quarter|month|fiscal|financial)|before|until|till|yet|"
    r"in\s+(?:20\d\d|Q[1-4]|the\s+next|the\s+coming|\w+\s+20\d\d))\b", re.I)
_OR_NEXT = re.compile(r"^\s*(?:anything\s+|any\s+\w+\s+)?this\s+year\s+or\s+(?:the\s+)?next\b", re.I)
# "no plans atm" answering "when?": no plan to buy.
_NO_PLANS = re.compile(r"\bno\s+(?:real\s+|concrete\s+|firm\s+|immediate\s+)?plans?\b(?!\s+(?:for|to)\b)(?=\s*(?:atm|at\s+the\s+moment|right\s+now|for\s+now|currently|at\s+present|as\s+of\s+now|[.!,;]|$))", re.I)
# "after the summer": a lower bound at the end of the season or holiday, no day.
_AFTER_EVENT = re.compile(r"\b(?:after|once)\s+(?:the\s+)?(?P<e>summer|winter|spring|autumn|fall|holidays|holiday\s+season|christmas|xmas|new\s+year|easter)\b(?:\s+(?:break|holidays?|is\s+over))?", re.I)
# "january-ish", "March or so": a month named alone.
_MONTH_ISH = re.compile(rf"\b(?P<mon>{_MONTH_RE})(?:[-\s]?ish\b|\s+or\s+so\b|\s+probably\b|\s+at\s+the\s+latest\b)", re.I)
# "end of month", "quarter-end", "EOM": this period's end.
_PERIOD_END = re.compile(r"\b(?:(?:end|close)\s+of\s+(?P<u>month|quarter)|(?P<u2>month|quarter)[-\s]end|EO(?P<u3>[MQ]))\b(?!\s*(?:figures|report|close))", re.I)

# "until 2029 at the earliest": a lower bound like "not before 2029".
_AT_EARLIEST = re.compile(
    rf"\b(?:(?:until|till|before|in)\s+)?(?:(?P<mon>{_MONTH_RE})\s*)?(?P<y>20\d\d)\b[^.;,]{{0,30}}?\b(?:at\s+the\s+earliest|earliest)\b|\b(?:earliest|at\s+the\s+earliest)[\s,:-]+(?:in\s+)?(?P<y2>20\d\d)\b", re.I)

# A date something else starts on ("peak season starts next month") is no deadline for buying.
_EVENT_START = re.compile(
    r"\b(?:starts?|starting|begins?|beginning|kicks?\s+off|opens?|arrives?|ends?|ending|expires?|expiring|lapses?|runs?\s+out|"
    r"shuts?\s+down|shutting\s+down|(?:switch\w*|turn\w*|shut\w*)\s+(?:\w+\s+){0,3}off|closes?|closing|is\s+up|renews?|goes\s+away|(?:is|are)\s+(?:being\s+)?(?:switched|turned)\s+off)\s+$", re.I)

# "we can't buy anything this year": a negated date is no deadline ("not later than June" still is).
_NEGATED_BEFORE = re.compile(rf"(?:\bnot|\b\w+n{APOS}t|\bnever)(?:\s+(?!(?:later|after|beyond|longer|more|than)\b)\w[\w-]*){{0,5}}\s*$", re.I)
# A sentence that is only a date, as typed under a quoted "When do you want to be live?": an answer about timing.
_DATE_ANSWER = re.compile(r"^\s*(?:ideally\s+|hopefully\s+|probably\s+|realistically\s+)?(?:by|before|within|no\s+later\s+than|(?:the\s+)?end\s+of)\s+(?:\S+\s*){1,4}[.!]?\s*$", re.I)
_STARTS_AFTER = re.compile(r"\s*(?:starts|begins|kicks\s+off|comes\s+round|rolls\s+around)\b", re.I)
# A contrast between two dates: the one after it is the plan ("our renewal is in January, but we aim to decide by Q2").
_DATE_CONTRAST = re.compile(r"\b(?:but|however|though|whereas|realistically|more\s+realistically)\b", re.I)

# A date named first and referred back to: "... ends 30 September and we need to commit before then".
_THEN_DATE = re.compile(rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTH_RE})|(?P<mon2>{_MONTH_RE})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b", re.I)
_BEFORE_THEN = re.compile(r"\b(?:before|by|until|till)\s+then\b", re.I)

_REL_UNIT = re.compile(
    rf"\b(?P<cue>in|within|inside|over|during|for)\s+(?:the\s+)?(?P<nx>next\s+|coming\s+)?(?:(?:about|around|roughly|approximately|~)\s*)?(?:(?P<n>\d+|{NUMBER_WORDS}|{SMALL_WORDS})(?:\s*(?:-|–|to|or)\s*(?P<n3>\d+|{NUMBER_WORDS}))?\s+)?"
    rf"(?P<unit>days?|weeks?|fortnights?|months?|years?|quarters?)\b|\b(?:next|coming)\s+(?P<n2>\d+|{NUMBER_WORDS}|{SMALL_WORDS})\s+(?P<unit2>days?|weeks?|months?)\b", re.I)
_BARE_REL = re.compile(rf"\s*(?:(?:about|around|roughly|approximately|~)\s*)?(?P<n>\d+|{NUMBER_WORDS}|{SMALL_WORDS})\s+(?P<unit>days?|weeks?|fortnights?|months?)\s*[.!]?\s*", re.I)
_WEEK = re.compile(r"\b(?P<which>this|next|the\s+coming|end\s+of\s+(?:the|this))\s+week\b(?!{0}s)".format(APOS), re.I)
_MONTH_REL = re.compile(rf"\b(?:{_END})?(?P<which>this|next|the)\s+month\b(?!{APOS}s)", re.I)
_QUARTER_REL = re.compile(rf"\b(?:{_END})?(?P<which>this|next|the\s+current|the)\s+quarter\b(?!{APOS}s)", re.I)
_YEAR_REL = re.compile(
    rf"\b(?P<mod>early|late|later|sometime|end\s+of|the\s+end\s+of|by\s+the\s+end\s+of|by\s+end\s+of|start\s+of|beginning\s+of)?\s*"
    rf"(?:in\s+)?(?P<which>this|next|the)\s+year\b(?!{APOS}s)|\b(?P<ye>year[-\s]end|EOY|end\s+of\s+(?:the\s+)?year)\b", re.I)
_QUARTER = re.compile(
    rf"\b(?P<cue>{_CUE}\s+{_END}?|{_END})?(?:the\s+)?(?:Q(?P<q>[1-4])|(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)"
    rf"(?:\s*(?:of\s+)?(?:FY\s?)?'?(?P<y>20\d\d|\d\d)\b)?(?:{_NEXT_YEAR})?", re.I)
_HALF = re.compile(rf"\b(?P<cue>{_CUE}\s+{_END}?|{_END})(?:H(?P<h>[12])|(?P<hw>first|second)\s+half)(?:\s+(?:of\s+)?(?P<y>20\d\d))?(?:{_NEXT_YEAR})?", re.I)
_MONTH_DATE = re.compile(
    rf"\b(?P<cue>{_CUE}\s+{_END}?|{_END}|early|mid|late)[\s-]*(?:(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?)?(?P<mon>{_MONTH_RE})"
    rf"(?:\s+(?P<d2>\d{{1,2}}){_ORD}\b)?(?:,?\s+(?P<y>20\d\d))?(?:{_NEXT_YEAR})?", re.I)
_BARE_MONTH = re.compile(rf"^\s*(?:(?:the\s+)?(?:end|close)\s+of\s+)?(?P<mon>{_MONTH_RE})(?:\s+(?P<y>20\d\d))?\s*[.!]?\s*$", re.I)
_BARE_YEAR = re.compile(r"^\s*(?:maybe|probably|possibly|likely|perhaps|hopefully|sometime\s+in|some\s+time\s+in|around|in)?\s*(?P<y>20\d\d)(?:\s+(?:maybe|probably|hopefully|I\s+guess))?\s*[.!?]?\s*$", re.I)
_BARE_QUARTER = re.compile(rf"^\s*(?:{_END})?Q(?P<q>[1-4])(?:\s+(?P<y>20\d\d))?\s*[.!]?\s*$", re.I)
_YEAR = re.compile(rf"\b(?P<cue>by|before|in|until|during|sometime\s+in|{_END})\s*(?P<y>20\d\d)\b", re.I)
_FY = re.compile(r"\b(?:by|before|in|until|during|for|end\s+of)\s+(?:the\s+end\s+of\s+)?FY\s?'?(?P<y>20\d\d|\d\d)\b", re.I)
_FY_START = re.compile(rf"\b(?:fiscal|financial)\s+year\s+(?:starts|started|begins|began|runs\s+from|kicks\s+off)\s+(?:in\s+|on\s+)?(?P<mon>{_MONTH_RE})", re.I)
_HOLIDAY = re.compile(r"\b(?:by|before|for|until|in\s+time\s+for)\s+(?:the\s+)?(?P<h>christmas|xmas|new\s+year(?:'s)?|thanksgiving|black\s+friday)\b", re.I)
_SEASON = re.compile(r"\b(?:by|before|in|until|over|this|next|during|early|late|mid)[\s-]+(?:the\s+)?(?P<s>spring|summer|autumn|fall|winter)\b(?!\s+(?:season|collection|range|sale))", re.I)


@dataclass(frozen=True)
class _When:
    pos: int
    evidence: str
    days: int | None
    bucket: str | None
    pinned: bool
    precision: int = 3  # 3 a day or span, 2 a quarter or half, 1 a whole year


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _quarter_end(y: int, q: int) -> date:
    return _month_end(y, q * 3)


def _year(text: str | None, ref: date) -> int | None:
    if not text:
        return None
    y = int(text.lstrip("'"))
    return y + 2000 if y < 100 else y


def _next_occurrence(ref: date, build: "callable[[int], date]", year: int | None, next_year: bool) -> date:  # type: ignore[valid-type]
    if year is not None:
        return build(year)
    if next_year:
        return build(ref.year + 1)
    d = build(ref.year)
    return d if d >= ref else build(ref.year + 1)


def _safe_date(y: int, m: int, d: int | None) -> date:
    if d is None:
        return _month_end(y, m)
    return date(y, m, min(d, calendar.monthrange(y, m)[1]))


def _candidates(t: str, ref: date, asked: str | None, fy_start: int | None) -> list[_When]:
    out: list[_When] = []

    def pin(m: re.Match[str], when: date, precision: int = 3) -> None:
        days = (when - ref).days
        not_buying = _NOT_A_BUYING_DATE.search(t[: m.start()][-60:])
        if not_buying and not re.search(r"\b(?:before|by|until|till|ahead\s+of|in\s+time\s+for)\s+(?:\w+\s+){0,3}$", t[: m.start()][-60:][: not_buying.start()], re.I):
            return  # "before our fiscal year starts on 1 April" is a deadline all the same
        # "we can't buy this year" is no deadline; "it doesn't need to be live until June" still names one
        negated = re.search(r"\bnot\s*$", t[: m.start()], re.I) or (
            _NEGATED_BEFORE.search(t[: m.start()]) and not re.match(r"\s*(?:until|till|til|before|by)\b", m.group(), re.I))
        if days >= 0 and not negated and not re.match(r"\s*at\s+the\s+earliest", t[m.end() :], re.I):
            out.append(_When(m.start(), m.group().strip(), days, bucket_for_days(days).value, True, precision))

    def past(m: re.Match[str]) -> bool:
        return _PAST.search(t[: m.start()][-40:]) is not None

    budgety = _BUDGETY.search(t) is not None
    for m in _NONE.finditer(t) if not _NOT_BEFORE.search(t) else ():  # "not buying before 2028" is later, not never
        if _NOT_THIS_YEAR.match(t[m.end() :]):  # "won't be buying this year": a lower bound, not never
            if re.match(r"\s*(?:anything\s+|any\s+\w+\s+|another\s+\w+\s+|a\s+\w+\s+)?this\s+year\b", t[m.end() :], re.I):
                year = ref.year + (2 if _OR_NEXT.match(t[m.end() :]) else 1)
                out.append(_When(m.start(), m.group(), None, bucket_for_days((date(year, 1, 1) - ref).days).value, False))
            continue
        out.append(_When(m.start(), m.group(), None, "none", False))
    if asked == "timeline":
        for m in _NO_PLANS.finditer(t):
            out.append(_When(m.start(), m.group(), None, "none", False))
    for m in _AFTER_EVENT.finditer(t):
        if past(m):
            continue
        e = m.group("e").lower()
        md = {"summer": (8, 31), "winter": (2, 28), "spring": (5, 31), "autumn": (11, 30), "fall": (11, 30), "easter": (4, 15)}.get(e, (1, 1))
        when = _next_occurrence(ref, lambda y, md=md: date(y, *md) if md != (1, 1) else date(y + 1, 1, 1), None, False)
        out.append(_When(m.start(), m.group(), None, bucket_for_days((when - ref).days).value, False))
    for m in _NOW.finditer(t):
        out.append(_When(m.start(), m.group(), None, "now", False))
    for m in _NOT_FOR.finditer(t):
        n = to_number(m.group("n")) or 0
        days = int(n * (30.44 if m.group("unit").lower().startswith("month") else 365.25))
        out.append(_When(m.start(), m.group(), None, bucket_for_days(days).value, False))
    for m in [*_NOT_BEFORE.finditer(t), *_AT_EARLIEST.finditer(t)]:
        y = int(m.group("y") or m.groupdict().get("y2"))
        part = (m.groupdict().get("part") or m.groupdict().get("part2") or "").lower()
        mon = _MONTHS[m.group("mon").lower().rstrip(".")] if m.group("mon") else {"middle": 6, "mid": 6, "late": 9, "end": 12}.get(part, 1)
        days = (date(y, mon, 1) - ref).days
        out.append(_When(m.start(), m.group(), None, bucket_for_days(max(days, 0)).value if days > 30 else "now", False))
    bare = _BARE_REL.fullmatch(t) if asked == "timeline" else None
    if bare:  # "2 months" answering "when?" means within two months
        n = to_number(bare.group("n")) or 0
        unit = bare.group("unit").lower().rstrip("s")
        weeks = {"day": 1 / 7, "week": 1, "fortnight": 2}.get(unit)
        pin(bare, ref + (relativedelta(days=int(round(n * 7 * weeks))) if weeks else relativedelta(months=int(n))))
    for m in _REL_UNIT.finditer(t):
        unit = (m.group("unit") or m.group("unit2")).lower().rstrip("s")
        n_text = m.group("n3") or m.group("n") or m.group("n2")  # a range counts to its far end
        if n_text is None:
            if unit not in ("week", "fortnight", "month", "year", "quarter") or not re.search(r"\b(?:next|coming)\s", m.group()):
                continue
            n = 1.0
        else:
            n = float(n_text) if n_text[0].isdigit() else (word_number(n_text) or 0)
        if m.group("cue") and m.group("cue").lower() in ("over", "during", "for") and not m.group("nx"):
            continue  # "for 15 years" is a duration, not a deadline
        if n <= 0 or past(m) or (unit == "year" and budgety):
            continue
        delta = {"day": relativedelta(days=int(n)), "week": relativedelta(weeks=int(n)), "fortnight": relativedelta(weeks=2 * int(n)),
                 "month": relativedelta(months=int(n)), "year": relativedelta(years=int(n)),
                 "quarter": relativedelta(months=3 * int(n))}[unit]
        if n != int(n) and unit == "month":
            delta = relativedelta(days=int(round(n * 30.4)))
        pin(m, ref + delta)
    for m in _MONTH_ISH.finditer(t):
        if not past(m) and m.group("mon").lower() != "may":
            mon = _MONTHS[m.group("mon").lower().rstrip(".")]
            pin(m, _next_occurrence(ref, lambda y, mon=mon: _month_end(y, mon), None, False))
    for m in _PERIOD_END.finditer(t):
        unit = (m.group("u") or m.group("u2") or m.group("u3")).lower()
        if unit in ("month", "m"):
            pin(m, _month_end(ref.year, ref.month))
        else:
            pin(m, _quarter_end(ref.year, (ref.month - 1) // 3 + 1), 2)
    for m in _WEEK.finditer(t):
        sunday = ref + timedelta(days=6 - ref.weekday())
        pin(m, sunday + timedelta(days=7) if m.group("which").lower() == "next" else sunday)
    for m in _MONTH_REL.finditer(t):
        which = m.group("which").lower()
        if which == "the" and not re.match(r"\s*(?:the\s+)?end", m.group(), re.I):
            continue
        first = date(ref.year, ref.month, 1) + (relativedelta(months=1) if which == "next" else relativedelta())
        pin(m, _month_end(first.year, first.month))
    for m in _QUARTER_REL.finditer(t):
        which = m.group("which").lower()
        if which == "the" and not re.match(r"\s*(?:the\s+)?(?:end|close)", m.group(), re.I) and not re.search(r"\b(?:within|during|in)\s*$", t[: m.start()], re.I):
            continue
        q = (ref.month - 1) // 3 + 1
        y = ref.year
        if which == "next":
            q, y = (1, y + 1) if q == 4 else (q + 1, y)
        if re.search(r"\b(?:start|beginning)\b", m.group(), re.I):  # "by the start of next quarter": its first day
            pin(m, _quarter_end(y, q) - relativedelta(months=3) + timedelta(days=1) if which == "next" else _quarter_end(y, q), 2)
            continue
        pin(m, _quarter_end(y, q), 2)
    for m in _YEAR_REL.finditer(t):
        if budgety or past(m):
            continue
        which = (m.group("which") or "this").lower()
        mod = (m.group("mod") or "").lower()
        if which == "the" and "end" not in mod and "later" not in mod:
            continue
        y = ref.year + (1 if which == "next" else 0)
        if mod == "early":  # "early next year" names no day: a bucket only, like "in the new year"
            days = (date(y, 3, 31) - ref).days
            if days >= 0:
                out.append(_When(m.start(), m.group().strip(), None, bucket_for_days(days).value, False))
        elif mod in ("start of", "beginning of"):
            pin(m, date(y, 3, 31), 1)
        else:
            pin(m, date(y, 12, 31), 1)
    for m in _QUARTER.finditer(t):
        if not m.group("cue") and not (asked == "timeline" and len(t) < 25) and not (asked == "timeline" and (m.group("y") or m.group("ny"))):
            continue
        if past(m) or (budgety and (m.group("cue") or "").lower().startswith("for")):
            continue  # "$10k set aside for Q3" is a budget's period, not a buying date
        q = int(m.group("q")) if m.group("q") else {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}[m.group("qw").lower()]
        cue = (m.group("cue") or "").lower()
        if re.search(r"\b(?:start|beginning)\b", cue) or (cue.startswith("before") and _STARTS_AFTER.match(t[m.end() :])):
            # "by the start of Q4" is its first day, "before Q4 starts" the day before
            first = lambda y, q=q: _quarter_end(y, q) - relativedelta(months=3, day=31) + timedelta(days=1 if "before" not in cue else 0)  # noqa: E731
            pin(m, _next_occurrence(ref, first, _year(m.group("y"), ref), bool(m.group("ny"))), 2)
            continue
        pin(m, _next_occurrence(ref, lambda y, q=q: _quarter_end(y, q), _year(m.group("y"), ref), bool(m.group("ny"))), 2)
    for m in _HALF.finditer(t):
        h = int(m.group("h")) if m.group("h") else (1 if m.group("hw").lower() == "first" else 2)
        pin(m, _next_occurrence(ref, lambda y, h=h: _quarter_end(y, 2 * h), _year(m.group("y"), ref), bool(m.group("ny"))), 2)
    for m in _MONTH_DATE.finditer(t):
        if past(m) or _PLANNING.search(t[: m.start()][-40:]) or (m.group("mon").lower() == "may" and not (m.group("d1") or m.group("d2") or m.group("y"))
                       and not re.search(r"(?:by|before|in|until|end\s+of)\s+(?:the\s+)?(?:end\s+of\s+)?may$", m.group(), re.I)):
            continue
        mon = _MONTHS[m.group("mon").lower().rstrip(".")]
        day_text = m.group("d1") or m.group("d2")
        day = int(day_text) if day_text else None
        cue = m.group("cue").lower()
        if day is None and re.search(r"\b(?:start|beginning)\b|^early$", cue):
            day = 1 if "early" not in cue else 10
        if day is None and re.search(r"\bmiddle\b|^mid$", cue):
            day = 15
        if day is not None and day > 31:
            continue
        pin(m, _next_occurrence(ref, lambda y, mon=mon, day=day: _safe_date(y, mon, day), _year(m.group("y"), ref), bool(m.group("ny"))))
    for m in _THEN_DATE.finditer(t):  # "the fiscal year ends 30 September and we must commit before then"
        then = _BEFORE_THEN.search(t[m.end() :])
        if then and re.search(rf"(?:\bnot|n{APOS}t|\bnothing|\bnever|\bno\s+\w+)\b[^.;]*$", t[m.end() : m.end() + then.start()], re.I):
            continue  # "nothing gets signed before then": a lower bound, not the deadline
        if then and not past(m):
            mon = _MONTHS[(m.group("mon") or m.group("mon2")).lower().rstrip(".")]
            day = int(m.group("d1") or m.group("d2"))
            if day <= 31:
                pin(m, _next_occurrence(ref, lambda y, mon=mon, day=day: _safe_date(y, mon, day), None, False))
    for m in _DAY_OF_MONTH.finditer(t):  # "by the 15th": the next such day
        d = int(m.group("d"))
        y, mo = (ref.year, ref.month) if d >= ref.day else ((ref.year + 1, 1) if ref.month == 12 else (ref.year, ref.month + 1))
        pin(m, _safe_date(y, mo, d))
    for m in _NEW_YEAR.finditer(t):  # early next year, no day pinned
        days = (date(ref.year + 1, 1, 31) - ref).days
        out.append(_When(m.start(), m.group(), None, bucket_for_days(days).value, False))
    for m in _HOLIDAY.finditer(t):
        h = m.group("h").lower()
        md = (12, 25) if h in ("christmas", "xmas") else (12, 31) if h.startswith("new") else (11, 27)
        pin(m, _next_occurrence(ref, lambda y, md=md: date(y, *md), None, False))
    for m in _SEASON.finditer(t):
        if past(m) or budgety:
            continue
        end = {"spring": (5, 31), "summer": (8, 31), "autumn": (11, 30), "fall": (11, 30), "winter": (2, 28)}[m.group("s").lower()]
        pin(m, _next_occurrence(ref, lambda y, end=end: date(y, *end), None, m.group().lower().startswith("next")))
    for m in _YEAR.finditer(t):
        y = int(m.group("y"))
        if budgety or past(m) or y < ref.year or (y == ref.year and "end" not in m.group("cue").lower()):
            continue
        pin(m, date(y, 12, 31), 1)
    for m in _FY.finditer(t):
        y = _year(m.group("y"), ref) or ref.year
        end = _month_end(y, fy_start - 1) if fy_start and fy_start > 1 else date(y, 12, 31)
        pin(m, end, 2)
    if asked == "timeline":
        bare_year = _BARE_YEAR.match(t)
        if bare_year and not out and int(bare_year.group("y")) >= ref.year:  # "maybe 2028": like "in 2028"
            pin(bare_year, date(int(bare_year.group("y")), 12, 31), 1)
        for rx, build in ((_BARE_MONTH, "month"), (_BARE_QUARTER, "quarter")):
            m = rx.match(t)
            if m and not out:
                if build == "month":
                    mon = _MONTHS[m.group("mon").lower().rstrip(".")]
                    pin(m, _next_occurrence(ref, lambda y, mon=mon: _month_end(y, mon), _year(m.group("y"), ref), False))
                else:
                    q = int(m.group("q"))
                    pin(m, _next_occurrence(ref, lambda y, q=q: _quarter_end(y, q), _year(m.group("y"), ref), False))
    return out


def read_timeline(parts: list[Clause], ref: date, asked: str | None, full_text: str) -> tuple[list[Fact], bool]:
    """Timeline facts: the first pinned date wins; else the first vague phrase gives a bucket."""
    fy = _FY_START.search(full_text)
    fy_start = _MONTHS[fy.group("mon").lower().rstrip(".")] if fy else None
    pinned: list[_When] = []
    vague: list[_When] = []
    now_first = False  # "ASAP - our season starts next month": urgency beats the date of an event
    deadline = False
    for clause in parts:
        not_buying = next((m for m in _NONE.finditer(clause.text) if re.search(r"\b(?:buy|purchas)", m.group(), re.I)), None)
        if asked != "timeline" and not _INTENT.search(clause.text) and not not_buying and not _DATE_ANSWER.match(clause.text):
            continue  # unasked, a date needs a buying verb beside it ("we're hiring this quarter" is not one)
        if _MEETING.search(clause.text) and not _NONE.search(clause.text) and not _NOW.search(clause.text):
            continue
        found = sorted(_candidates(clause.text, ref, asked, fy_start), key=lambda w: w.pos)
        dated = [w for w in found if w.pinned]
        if len(dated) > 1:
            cut = max((c.start() for c in _DATE_CONTRAST.finditer(clause.text) if dated[0].pos < c.start() < dated[-1].pos), default=None)
            later = [w for w in dated if cut is not None and w.pos > cut and not _EVENT_START.search(clause.text[: w.pos])]
            if later and _INTENT.search(clause.text[cut : later[0].pos]):  # the plan after the contrast, not an event's date
                found = [w for w in found if not (w.pinned and w.pos < cut)]
        for w in found:
            if w.bucket == "now" and not w.pinned and not pinned:
                now_first = True
            if w.pinned and not _EVENT_START.search(clause.text[: w.pos]):
                deadline = True
            (pinned if w.pinned else vague).append(w)
    conf = 0.9 if asked == "timeline" else 0.75
    if any(w.bucket == "none" for w in vague):
        w = next(w for w in vague if w.bucket == "none")
        return [Fact(field="timeline_bucket", value="none", evidence=w.evidence, confidence=conf)], False
    if pinned and not (now_first and not deadline):
        w = min(pinned, key=lambda w: w.precision == 1)  # the first date, unless only a whole year came first
        return [
            Fact(field="timeline_days", value=w.days, evidence=w.evidence, confidence=conf),
            Fact(field="timeline_bucket", value=w.bucket, evidence=w.evidence, confidence=conf),
        ], False
    if vague:
        w = vague[0]
        return [Fact(field="timeline_bucket", value=w.bucket, evidence=w.evidence, confidence=conf * 0.9)], False
    return [], asked == "timeline"
