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

from bot.extract.rules.text import APOS, Clause, to_number, word_number
from bot.extract.rules.timeline_cues import (
    AFTER_EVENT,
    AT_EARLIEST,
    BARE_MONTH,
    BARE_QUARTER,
    BARE_REL,
    BARE_YEAR,
    BEFORE_EVENT,
    BEFORE_THEN,
    BUDGETY,
    DATE_ANSWER,
    DATE_CONTRAST,
    DAY_OF_MONTH,
    EVENT_START,
    FY,
    FY_END,
    FY_START,
    HALF,
    HOLIDAY,
    INTENT,
    MEETING,
    MONTHS,
    MONTH_DATE,
    MONTH_ISH,
    MONTH_REL,
    NEGATED_BEFORE,
    NEW_YEAR,
    NONE,
    NOT_A_BUYING_DATE,
    NOT_BEFORE,
    NOT_FOR,
    NOT_THIS_YEAR,
    NOW,
    NO_PLANS,
    OR_NEXT,
    PAST,
    PERIOD_END,
    PLANNING,
    QUARTER,
    QUARTER_REL,
    REL_UNIT,
    SEASON,
    STARTS_AFTER,
    THEN_DATE,
    WEEK,
    YEAR,
    YEAR_REL,
)
from bot.facts import Fact, bucket_for_days


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

    def pin(m: re.Match[str], when: date, precision: int = 3, deadline: bool = False) -> None:
        days = (when - ref).days
        not_buying = not deadline and NOT_A_BUYING_DATE.search(t[: m.start()][-60:])
        if not_buying and not re.search(r"\b(?:before|by|until|till|ahead\s+of|in\s+time\s+for)\s+(?:\w+\s+){0,3}$", t[: m.start()][-60:][: not_buying.start()], re.I):
            return  # "before our fiscal year starts on 1 April" is a deadline all the same
        # "we can't buy this year", "we won't get to it before the new year" name no deadline; "it doesn't need to be live until June" does
        negated = re.search(r"\bnot\s*$", t[: m.start()], re.I) or (
            NEGATED_BEFORE.search(t[: m.start()]) and not re.match(r"\s*(?:until|till|til|by)\b", m.group(), re.I))
        if days >= 0 and not negated and not re.match(r"\s*at\s+the\s+earliest", t[m.end() :], re.I):
            out.append(_When(m.start(), m.group().strip(), days, bucket_for_days(days).value, True, precision))

    def past(m: re.Match[str]) -> bool:
        return PAST.search(t[: m.start()][-40:]) is not None

    budgety = BUDGETY.search(t) is not None
    for m in NONE.finditer(t) if not NOT_BEFORE.search(t) else ():  # "not buying before 2028" is later, not never
        if NOT_THIS_YEAR.match(t[m.end() :]):  # "won't be buying this year": a lower bound, not never
            if re.match(r"\s*(?:anything\s+|any\s+\w+\s+|another\s+\w+\s+|a\s+\w+\s+)?this\s+year\b", t[m.end() :], re.I):
                year = ref.year + (2 if OR_NEXT.match(t[m.end() :]) else 1)
                out.append(_When(m.start(), m.group(), None, bucket_for_days((date(year, 1, 1) - ref).days).value, False))
            continue
        out.append(_When(m.start(), m.group(), None, "none", False))
    if asked == "timeline":
        for m in NO_PLANS.finditer(t):
            out.append(_When(m.start(), m.group(), None, "none", False))
    for m in AFTER_EVENT.finditer(t):
        if past(m):
            continue
        e = m.group("e").lower()
        md = {"summer": (8, 31), "winter": (2, 28), "spring": (5, 31), "autumn": (11, 30), "fall": (11, 30), "easter": (4, 15)}.get(e, (1, 1))
        when = _next_occurrence(ref, lambda y, md=md: date(y, *md) if md != (1, 1) else date(y + 1, 1, 1), None, False)
        out.append(_When(m.start(), m.group(), None, bucket_for_days((when - ref).days).value, False))
    for m in NOW.finditer(t):
        out.append(_When(m.start(), m.group(), None, "now", False))
    for m in NOT_FOR.finditer(t):
        n = (to_number(m.group("n")) or 0) if m.group("n") else 1  # "not within the next year"
        days = int(n * (30.44 if m.group("unit").lower().startswith("month") else 365.25)) + 1  # a bound that is not reached yet
        out.append(_When(m.start(), m.group(), None, bucket_for_days(days).value, False))
    for m in [*NOT_BEFORE.finditer(t), *AT_EARLIEST.finditer(t)]:
        y = int(m.group("y") or m.groupdict().get("y2"))
        part = (m.groupdict().get("part") or m.groupdict().get("part2") or "").lower()
        mon = MONTHS[m.group("mon").lower().rstrip(".")] if m.group("mon") else {"middle": 6, "mid": 6, "late": 9, "end": 12}.get(part, 1)
        days = (date(y, mon, 1) - ref).days
        out.append(_When(m.start(), m.group(), None, bucket_for_days(max(days, 0)).value if days > 30 else "now", False))
    bare = BARE_REL.fullmatch(t) if asked == "timeline" else None
    if bare:  # "2 months" answering "when?" means within two months
        n = to_number(bare.group("n")) or 0
        unit = bare.group("unit").lower().rstrip("s")
        weeks = {"day": 1 / 7, "week": 1, "fortnight": 2}.get(unit)
        pin(bare, ref + (relativedelta(days=int(round(n * 7 * weeks))) if weeks else relativedelta(months=int(n))))
    for m in REL_UNIT.finditer(t):
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
    for m in MONTH_ISH.finditer(t):
        if not past(m) and m.group("mon").lower() != "may":
            mon = MONTHS[m.group("mon").lower().rstrip(".")]
            pin(m, _next_occurrence(ref, lambda y, mon=mon: _month_end(y, mon), None, False))
    for m in PERIOD_END.finditer(t):
        unit = (m.group("u") or m.group("u2") or m.group("u3")).lower()
        if unit in ("month", "m"):
            pin(m, _month_end(ref.year, ref.month))
        else:
            pin(m, _quarter_end(ref.year, (ref.month - 1) // 3 + 1), 2)
    for m in WEEK.finditer(t):
        sunday = ref + timedelta(days=6 - ref.weekday())
        pin(m, sunday + timedelta(days=7) if m.group("which").lower() == "next" else sunday)
    for m in MONTH_REL.finditer(t):
        which = m.group("which").lower()
        if which == "the" and not re.match(r"\s*(?:the\s+)?end", m.group(), re.I):
            continue
        first = date(ref.year, ref.month, 1) + (relativedelta(months=1) if which == "next" else relativedelta())
        pin(m, _month_end(first.year, first.month))
    for m in QUARTER_REL.finditer(t):
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
    for m in YEAR_REL.finditer(t):
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
    for m in QUARTER.finditer(t):
        if not m.group("cue") and not (asked == "timeline" and len(t) < 25) and not (asked == "timeline" and (m.group("y") or m.group("ny"))):
            continue
        if past(m) or (budgety and (m.group("cue") or "").lower().startswith("for")):
            continue  # "$10k set aside for Q3" is a budget's period, not a buying date
        q = int(m.group("q")) if m.group("q") else {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}[m.group("qw").lower()]
        cue = (m.group("cue") or "").lower()
        if re.search(r"\b(?:start|beginning)\b", cue) or (cue.startswith("before") and STARTS_AFTER.match(t[m.end() :])):
            # "by the start of Q4" is its first day, "before Q4 starts" the day before
            first = lambda y, q=q: _quarter_end(y, q) - relativedelta(months=3, day=31) + timedelta(days=1 if "before" not in cue else 0)  # noqa: E731
            pin(m, _next_occurrence(ref, first, _year(m.group("y"), ref), bool(m.group("ny"))), 2)
            continue
        pin(m, _next_occurrence(ref, lambda y, q=q: _quarter_end(y, q), _year(m.group("y"), ref), bool(m.group("ny"))), 2)
    for m in HALF.finditer(t):
        h = int(m.group("h")) if m.group("h") else (1 if m.group("hw").lower() == "first" else 2)
        pin(m, _next_occurrence(ref, lambda y, h=h: _quarter_end(y, 2 * h), _year(m.group("y"), ref), bool(m.group("ny"))), 2)
    for m in MONTH_DATE.finditer(t):
        if past(m) or PLANNING.search(t[: m.start()][-40:]) or (m.group("mon").lower() == "may" and not (m.group("d1") or m.group("d2") or m.group("y"))
                       and not re.search(r"(?:by|before|in|until|end\s+of)\s+(?:the\s+)?(?:end\s+of\s+)?may$", m.group(), re.I)):
            continue
        mon = MONTHS[m.group("mon").lower().rstrip(".")]
        day_text = m.group("d1") or m.group("d2")
        day = int(day_text) if day_text else None
        cue = m.group("cue").lower()
        if day is None and re.search(r"\b(?:start|beginning)\b|^early$", cue):
            day = 1 if "early" not in cue else 10
        if day is None and re.search(r"\bmiddle\b|^mid$", cue):
            day = 15
        if day is not None and day > 31:
            continue
        before_start = BEFORE_EVENT.search(t[: m.start()]) or (EVENT_START.search(t[: m.start()]) and re.match(r"[^.;]*\bbefore\s+then\b", t[m.end() :], re.I))
        if day is None and cue.strip() == "in" and before_start:
            # "before our busy season starts in October", "the year starts in April, so before then": the day before that month
            first = _next_occurrence(ref, lambda y, mon=mon: date(y, mon, 1), _year(m.group("y"), ref), bool(m.group("ny")))
            pin(m, first - timedelta(days=1), deadline=True)
            continue
        pin(m, _next_occurrence(ref, lambda y, mon=mon, day=day: _safe_date(y, mon, day), _year(m.group("y"), ref), bool(m.group("ny"))))
    for m in THEN_DATE.finditer(t):  # "the fiscal year ends 30 September and we must commit before then"
        then = BEFORE_THEN.search(t[m.end() :])
        if then and re.search(rf"(?:\bnot|n{APOS}t|\bnothing|\bnever|\bno\s+\w+)\b[^.;]*$", t[m.end() : m.end() + then.start()], re.I):
            continue  # "nothing gets signed before then": a lower bound, not the deadline
        if then and not past(m):
            mon = MONTHS[(m.group("mon") or m.group("mon2")).lower().rstrip(".")]
            day = int(m.group("d1") or m.group("d2"))
            if day <= 31:
                pin(m, _next_occurrence(ref, lambda y, mon=mon, day=day: _safe_date(y, mon, day), None, False))
    for m in DAY_OF_MONTH.finditer(t):  # "by the 15th": the next such day
        d = int(m.group("d"))
        y, mo = (ref.year, ref.month) if d >= ref.day else ((ref.year + 1, 1) if ref.month == 12 else (ref.year, ref.month + 1))
        pin(m, _safe_date(y, mo, d))
    for m in NEW_YEAR.finditer(t):  # early next year, no day pinned
        days = (date(ref.year + 1, 1, 31) - ref).days
        out.append(_When(m.start(), m.group(), None, bucket_for_days(days).value, False))
    for m in HOLIDAY.finditer(t):
        h = m.group("h").lower()
        md = (12, 25) if h in ("christmas", "xmas") else (12, 31) if h.startswith("new") else (11, 27)
        pin(m, _next_occurrence(ref, lambda y, md=md: date(y, *md), None, False))
    for m in SEASON.finditer(t):
        if past(m) or budgety:
            continue
        end = {"spring": (5, 31), "summer": (8, 31), "autumn": (11, 30), "fall": (11, 30), "winter": (2, 28)}[m.group("s").lower()]
        pin(m, _next_occurrence(ref, lambda y, end=end: date(y, *end), None, m.group().lower().startswith("next")))
    for m in YEAR.finditer(t):
        y = int(m.group("y"))
        if budgety or past(m) or y < ref.year or (y == ref.year and "end" not in m.group("cue").lower()):
            continue
        pin(m, date(y, 12, 31), 1)
    if fy_start:
        last = fy_start - 1 or 12
        for m in FY_END.finditer(t):
            pin(m, _next_occurrence(ref, lambda y: _month_end(y, last), None, False), 2)
    for m in FY.finditer(t):
        y = _year(m.group("y"), ref) or ref.year
        end = _month_end(y, fy_start - 1) if fy_start and fy_start > 1 else date(y, 12, 31)
        pin(m, end, 2)
    if asked == "timeline":
        bare_year = BARE_YEAR.match(t)
        if bare_year and not out and int(bare_year.group("y")) >= ref.year:  # "maybe 2028": like "in 2028"
            pin(bare_year, date(int(bare_year.group("y")), 12, 31), 1)
        for rx, build in ((BARE_MONTH, "month"), (BARE_QUARTER, "quarter")):
            m = rx.match(t)
            if m and not out:
                if build == "month":
                    mon = MONTHS[m.group("mon").lower().rstrip(".")]
                    pin(m, _next_occurrence(ref, lambda y, mon=mon: _month_end(y, mon), _year(m.group("y"), ref), False))
                else:
                    q = int(m.group("q"))
                    pin(m, _next_occurrence(ref, lambda y, q=q: _quarter_end(y, q), _year(m.group("y"), ref), False))
    return out


def read_timeline(parts: list[Clause], ref: date, asked: str | None, full_text: str) -> tuple[list[Fact], bool]:
    """Timeline facts: the first pinned date wins; else the first vague phrase gives a bucket."""
    fy = FY_START.search(full_text)
    fy_start = MONTHS[fy.group("mon").lower().rstrip(".")] if fy else None
    pinned: list[_When] = []
    vague: list[_When] = []
    now_first = False  # "ASAP - our season starts next month": urgency beats the date of an event
    deadline = False
    for clause in parts:
        not_buying = next((m for m in NONE.finditer(clause.text) if re.search(r"\b(?:buy|purchas|pursu|proceed)", m.group(), re.I)), None)
        if asked != "timeline" and not INTENT.search(clause.text) and not not_buying and not DATE_ANSWER.match(clause.text):
            continue  # unasked, a date needs a buying verb beside it ("we're hiring this quarter" is not one)
        if MEETING.search(clause.text) and not NONE.search(clause.text) and not NOW.search(clause.text):
            continue
        found = sorted(_candidates(clause.text, ref, asked, fy_start), key=lambda w: w.pos)
        dated = [w for w in found if w.pinned]
        if len(dated) > 1:
            cut = max((c.start() for c in DATE_CONTRAST.finditer(clause.text) if dated[0].pos < c.start() < dated[-1].pos), default=None)
            later = [w for w in dated if cut is not None and w.pos > cut and not EVENT_START.search(clause.text[: w.pos])]
            if later and INTENT.search(clause.text[cut : later[0].pos]):  # the plan after the contrast, not an event's date
                found = [w for w in found if not (w.pinned and w.pos < cut)]
        for w in found:
            if w.bucket == "now" and not w.pinned and not pinned:
                now_first = True
            if w.pinned and not EVENT_START.search(clause.text[: w.pos]):
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
