"""Budget: amounts, ranges, bounds, currencies and periods, and the budget's status.

A figure counts as the budget only when its sentence talks about money for this purchase (or
the bot just asked about budget) and it is not someone else's price, past spend or an approval
threshold ("they were charging us $4,000", "anything over £5k needs a vote").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.rules.budget_status import ALLOCATED as _STATUS_ALLOCATED
from bot.extract.rules.budget_status import NONE as _STATUS_NONE
from bot.extract.rules.budget_status import UNDECIDED as _STATUS_UNDECIDED
from bot.extract.rules.currency import CODES, WORD_RE, currency_of, dollar_hint, named_currency
from bot.extract.rules.text import APOS, NUMBER_WORDS, OTHERS_BEFORE, SMALL_WORDS, Clause, to_number
from bot.facts import Fact
from bot.extract.prefilter import CueAlternatives, cue

_MULT = {"k": 1e3, "thousand": 1e3, "grand": 1e3, "m": 1e6, "mn": 1e6, "mm": 1e6, "mil": 1e6, "million": 1e6,
         "bn": 1e9, "billion": 1e9, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "lacs": 1e5, "crore": 1e7, "crores": 1e7}

_SYM_RE = r"(?:\bR(?=\s?\d{1,3}(?:[, ]\d{3})+\b|\d{3,}\b)|R\$|US\$|CAD?\$|AU\$|A\$|NZ\$|S\$|HK\$|MX\$|C\$|\$|€|£|¥|₹|₩|₽|₺|\bRs\.?|\bCHF|\bS?Fr\.)"
_CODE_AHEAD = rf"(?=\s?(?:(?:{CODES})\b|[€£$]|kr\b|dollars?|euros?|pounds?|francs?))"
_NUM_RE = rf"(?:\d{{1,3}}(?:,\d{{2}})+,\d{{3}}|\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+{_CODE_AHEAD}|(?<=[A-Z]{{3}}\s)\d{{1,3}}(?:[ \u00a0\u202f]\d{{3}})+|\d{{1,3}}(?:['’]\d{{3}})+|\d{{1,3}}(?:[,.]\d{{3}})+(?:[.,]\d{{1,2}})?|\d+(?:[.,]\d+)?|{SMALL_WORDS}(?=\s+(?:grand|thousand|hundred|k\b))|{NUMBER_WORDS})"
_MULT_RE = r"(?:k|K|m|M|mn|mm|mil|million|thousand|grand|bn|billion|lakhs?|lacs?|crores?)\b"
_AMOUNT = re.compile(
    rf"(?P<sym>{_SYM_RE}|\b(?:{CODES})\b)?\s?(?P<num>{_NUM_RE})(?:\s?(?P<mult>{_MULT_RE}))?"
    rf"(?:\s?(?P<code>\b(?:{CODES})\b|{WORD_RE}|[€£]|(?<=\d)\$|(?<=\d)\s?kr\b|(?<=\d)\s?zł))?",
    re.I,
)
_RANGE_START = re.compile(rf"\s*(?:-|–|to|and|or)\s*(?:{_SYM_RE}\s?)?(?:\d|{NUMBER_WORDS})", re.I)
_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|to|and|or)\s*$", re.I)
_BETWEEN = cue(r"\b(?:between|from|range\s+of|somewhere\s+in)\s*$", re.I)

_MONTH = CueAlternatives(
    rf"\b(?:{CODES}|dollars?|euros?|pounds?)\s+(?:a\s+)?(?:mo|mth|month)\b|^\s+(?:mo|mth|month)\b|"
    r"(?:/\s?|\bper\s+|\ba\s+|\beach\s+|\bevery\s+|\bin\s+)(?:mo|mth|month)\b|\bmonthly\b|\bp/?m\b|\bfor\s+(?:each\s+|every\s+)?month\b|\bper\s+calendar\s+month|"
    r"\b(?:per|pro|im|par|por|al|i)\s+(?:m[åa]nad(?:en)?|monat|mois|mes|mês|mese|m[åa]ned(?:en)?|maand)\b|\bmonatlich\b|\bmensuel(?:lement)?\b|\bmensual(?:mente)?\b", re.I)
_YEAR = CueAlternatives(
    r"(?:/\s?|\bper\s+|\ba\s+|\beach\s+|\bevery\s+)(?:yr|year|annum)\b|\bannually\b|\byearly\b|\bp\.a\.?|\bpa\b|"
    rf"\b(?:{CODES}|dollars?|euros?|pounds?)\s+(?:a\s+)?(?:yr|year)\b|^\s+(?:yr|year)\b|"
    r"\bannual\b|\bfor\s+(?:the|this|the\s+whole|the\s+full|whole|full|entire|the\s+entire|next|the\s+first|the\s+initial|our\s+first)\s+(?:fiscal\s+|financial\s+|contract\s+)?year\b|\b(?:in|for)\s+(?:the\s+)?(?:year\s+(?:one|1)|first\s+year)\b|\byear[-\s](?:one|1)\b|"
    r"\b(?:per|pro|im|par|por|al|om)\s+(?:[åa]r(?:et)?|jahr|an|année|año|jaar)\b|/\s?[åa]r\b|\bj[äa]hrlich\b|\bannuel(?:lement)?\b|\banual(?:mente)?\b", re.I)
_ONCE = re.compile(r"\bone[-\s]?(?:off|time)\b|\bonce[-\s]off\b|\blump[-\s]sum\b|\bup[-\s]?front\b|\bsingle\s+payment\b", re.I)

_MAX_BEFORE = cue(
    r"(?:(?:can['’]?t|cannot|won['’]?t|not|never|wouldn['’]?t)\s+(?:go\s+|spend\s+|pay\s+|be\s+)?(?:above|over|beyond|more\s+than|higher\s+than)|no\s+higher\s+than|up\s+to|max(?:imum)?(?:\s+of)?|at\s+(?:the\s+)?most|no\s+more\s+than|not\s+more\s+than|under|below|less\s+than|"
    r"cap(?:ped)?\s+(?:at|of)|ceiling\s+of|(?:ceiling|cap|max(?:imum)?|limit|upper\s+limit)\s+(?:is|would\s+be|will\s+be|=|:)|limit\s+of|within|not\s+(?:to\s+)?exceed(?:ing)?|tops)\s*$", re.I)
_MIN_BEFORE = cue(r"(?:at\s+least|minimum(?:\s+of)?|min\.?|more\s+than|over|above|north\s+of|starting\s+(?:at|from))\s*$", re.I)
_PER = r"(?:\s*/\s?\w+|\s+(?:a|per|each)\s+\w+)*"
_MAX_AFTER = re.compile(
    rf"^{_PER}\s*,?\s*(?:is\s+(?:our|the|my)\s+(?:absolute\s+)?(?:ceiling|cap|max(?:imum)?|limit|upper\s+limit)|max\b|tops\b|or\s+less|at\s+(?:the\s+)?most)", re.I)
_MIN_AFTER = re.compile(rf"^{_PER}\s*,?\s*(?:\+|or\s+more|minimum|at\s+(?:the\s+)?least|and\s+up)", re.I)
_APPROX = cue(r"(?:around|about|roughly|approximately|approx\.?|circa|ca\.|~)\s*$", re.I)

# Someone else's price, past or other spend, or an approval threshold: not this purchase's budget.
_NOT_BUDGET_BEFORE = cue(
    rf"\b(?:^\s*(?:yes|yep|yeah|me|I\s+do|I\s+can)\b[\s,]*(?:for\s+)?(?:anything\s+)?(?:up\s+to|under|below)|(?:can|could|may|allowed\s+to|able\s+to|I|we)\s+(?:only\s+|personally\s+)?(?:approve|sign\s+off|sign\s+for|authori[sz]e)\w*\s+(?:\w+\s+){{0,3}}(?:up\s+to|under|below|over|above)|sign\s+(?:off\s+)?(?:pos?|purchase\s+orders|contracts|anything|deals)\s+(?:up\s+to|under|below)|authority\s+to\s+(?:buy|spend|approve|sign)|authori[sz]ed\s+to\s+(?:buy|spend|approve|sign)|(?:sign(?:ing)?[- ]?off|signing|approval|spending|purchasing|delegated)\s+(?:limit|threshold|authority)|"
    rf"quoted|quote[sd]?\s+us|charg(?:ed|ing|es)|cost(?:ing|s)?|was\s+costing|(?:were|was|are|am|been)\s+paying|paid|"
    rf"pay(?:ing)?\s+for|already\s+pay|spent|spending|used\s+to|previous(?:ly)?|raised|revenue|turnover|ARR|MRR|salary|"
    rf"salaries|funding|(?:we|I|they)\s+(?:currently\s+|already\s+)?pay|valuation|worth|fees?|lost|saved|(?:anything|(?:any|all)\s+spend|purchases?|deals?|contracts?|orders?|items?|invoices?)\s+"
    rf"(?:over|above|under|below|of\s+more\s+than|more\s+than|less\s+than))\b[^.;]*$", re.I)
_NOT_BUDGET_AFTER = re.compile(
    r"^[^.;]{0,25}\b(?:last\s+year|ago|in\s+20\d\d|revenue|turnover|ARR|in\s+sales|fee|need(?:s)?\s+(?:a\s+)?(?:vote|approval|sign)|"
    r"(?:are|is)\s+within\s+my)", re.I)
_CONTEXT = cue(
    rf"\bbudget|\bspend\b|\bafford|set\s+aside|earmark|allocat|approv|sanction|sign(?:ed)?[- ]off|green[- ]lit|invest|ceiling|\bcap\b|\bmax|"
    rf"up\s+to|our\s+number|looking\s+at|thinking|can\s+do|can\s+go|\bpay\b|willing|\brange\b|request|per\s+seat|"
    rf"(?:we|I){APOS}?(?:ve|\s+have)\s+got|\bwe\s+have\b|\bgot\b|for\s+this|for\s+the\s+(?:tool|project|year)|"
    rf"at\s+least|at\s+most|\bcomfortable\b|\bstretch\b|\bwork\s+with\b|\bhave\s+(?:\w+\s+)?[$€£¥₹]?\d|\bfor\s+(?:it|that)\b|"
    rf"\bgiven\b|\breserved\b|\bring[- ]?fenced\b|\bprepared\s+to\b|\bput\s+aside\b|\bpot\b|\bto\s+play\s+with\b", re.I)

_OWN_OFFER = re.compile(rf"\b(?:we|I)(?:{APOS}d|\s+would|\s+could|\s+can)\s+(?:be\s+)?(?:looking\s+at|happy\s+to\s+pay|willing\s+to\s+pay|able\s+to\s+pay|prefer|rather\s+pay|go\s+for)\b[^.;]*$", re.I)
_TIGHT = re.compile(r"\b(?:tight|short)\b", re.I)
_CONTRAST = re.compile(r"\b(?:but|however|whereas|though)\b|\bso\s+(?=(?:we|I|our|for)\b)", re.I)
# Habitual spend on something else: "we spend $8k/mo on google ads" (not "spend $8k on this").
_OTHER_SPEND = cue(r"\b(?:we|I)\s+(?:currently\s+|already\s+)?spend\s+(?:like\s+|about\s+|around\s+|roughly\s+|~\s*)?$", re.I)
_SPEND_ON = re.compile(r"^(?:\s*/\s?\w+|\s+(?:a|per|each|every)\s+\w+)*\s+on\s+(?!(?:this|it|that|the\s+tool|a\s+tool|something|such|your)\b)", re.I)

# Today's spend carried over is this purchase's budget: "we pay $600 a month and would move that spend over".
_REUSED = cue(r"\b(?:move|shift|redirect|reallocate|transfer|reuse|put|switch)\s+(?:that|this|the|our|it)\s*(?:spend|money|budget)?\s+(?:over|across|to|into)\b|"
                     r"\bkeep\s+(?:it|that|the\s+budget)\s+(?:similar|the\s+same|about\s+the\s+same)\b|"
                     r"\b(?:stay|keep\s+(?:it|this|costs?|spend|the\s+cost)|come\s+in)\s+(?:well\s+)?(?:under|below|beneath|within|at\s+or\s+below|no\s+higher\s+than)\s+(?:that|this|what\s+we\s+pay|the\s+same|it)\b|\bstay\s+(?:around|at|near|within|close\s+to)\s+(?:that|this|the\s+same)\b|\bsomething\s+(?:similar|comparable|like\s+that)\b|\bsimilar\s+(?:amount|budget|spend|price|money)\b|\bsame\s+(?:budget|amount|spend)\b", re.I)
_PAY_PER = re.compile(r"\b(?:we|I|they)\s+(?:would\s+|'d\s+|prefer\s+to\s+|want\s+to\s+)?pay\s+per\s+\w+", re.I)
_ACCEPTED = re.compile(r"^[^.;]{0,40}?\b(?:is|are|would\s+be|sounds|seems)\s+(?:\w+\s+)?(?:ok|okay|fine|acceptable|doable|affordable|reasonable|manageable)\b", re.I)
_IBERIAN = re.compile(r"\b(?:pesos|reais|reales|soles|al\s+año|por\s+(?:mes|mês|año|ano)|unos|unas|cerca\s+de|alrededor\s+de|aproximadamente|mensuales|anuales|mensais|anuais|por\s+volta\s+de)\b", re.I)
_BELOW = cue(r"\b(?:under|below|beneath|within|no\s+higher\s+than)\b", re.I)
# A wider budget than this purchase: "our overall tooling budget is $120k", "$120k a year, but that's mostly committed".
_UMBRELLA = cue(r"\b(?:overall|total|entire|whole|company[- ]wide|department(?:al)?|annual\s+(?:marketing|sales|it|tech|software))\s+(?:[\w-]+\s+){0,3}?budget\b[^.;,]{0,30}$", re.I)
_COMMITTED = re.compile(rf"^{_PER}[^.;]{{0,40}}\b(?:mostly|largely|already|all|nearly\s+all|most\s+of\s+(?:it|that))\s+(?:\w+\s+)?(?:committed|spoken\s+for|allocated|spent|used|gone|tied\s+up)\b", re.I)
# The setup cost is set, what comes later is not: "twenty grand one-off, then we'll see".
_LATER = cue(r"\b(?:then|after\s+that|beyond\s+that|afterwards|later\s+on|for\s+the\s+rest)\b[\s,]*$", re.I)
# A price unit right after a bare figure marks it as money: "300 per seat per month", "500 a month".
_PRICED = re.compile(r"^\s*(?:/\s?|per\s+|a\s+|an\s+|each\s+|every\s+)(?:seat|user|licen[cs]e|head|agent|rep|month|mo|year|yr|annum|quarter)\b", re.I)
_COUNTED = re.compile(
    r"^\s*(?:\w+\s+)?(?:people|employees|staff|users|seats|leads|contacts|visitors|records|emails|messages|chats|customers|"
    r"subscribers|followers|downloads|requests|units|orders|sessions|calls|tickets|members|students|patients|%|days|weeks|"
    r"months|years|hours|sq|square|km|miles)\b", re.I)
_BUDGET_WORD = cue(r"\bbudget|\bmoney\b|\bfunds?\b|\bspend|\bafford|\bfigure\b|\bquote\b|\bpric", re.I)


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int
    value: float
    currency: str | None
    has_scale: bool  # a multiplier or a currency marks it as money
    mult: float


def _amounts(text: str) -> list[_Amount]:
    out: list[_Amount] = []
    for m in _AMOUNT.finditer(text):
        num = to_number(m.group("num"))
        if num is None:
            continue
        mult_tok = (m.group("mult") or "").lower()
        mult = _MULT.get(mult_tok, 1.0)
        if mult_tok == "mil" and _IBERIAN.search(text):
            mult = 1e3  # "100 mil pesos": Spanish and Portuguese "mil" is a thousand
        # "2m" in "2m away" is rare; "m" alone after a number means million only with money around
        currency = currency_of(m.group("sym"), m.group("code"))
        if mult_tok in ("lakh", "lakhs", "lac", "lacs", "crore", "crores") and currency is None:
            currency = "INR"
        has_scale = currency is not None or mult_tok in ("k", "thousand", "grand", "million", "lakh", "lakhs", "lac", "lacs", "crore", "crores", "bn", "billion", "mn")
        if not m.group("num")[0].isdigit() and currency is None and mult == 1.0 and not _RANGE_START.match(text[m.end() :]):
            continue  # a bare number word is money only as the low end of a range ("one and two thousand pounds")
        end = m.end() if (m.group("code") or m.group("mult")) else m.end("num")
        out.append(_Amount(m.start() if m.group("sym") else m.start("num"), end, num * mult, currency, has_scale, mult))
    return out


def _join_ranges(text: str, amounts: list[_Amount]) -> list[tuple[_Amount, _Amount | None]]:
    out: list[tuple[_Amount, _Amount | None]] = []
    i = 0
    while i < len(amounts):
        a = amounts[i]
        if i + 1 < len(amounts):
            b = amounts[i + 1]
            gap = text[a.end : b.start]
            if _RANGE_GAP.match(gap) and (gap.strip() not in ("and", "or") or _BETWEEN.search(text[: a.start])):
                if a.mult == 1.0 and b.mult > 1.0 and a.value * b.mult <= b.value:  # "30-40k": the scale applies to both
                    a = _Amount(a.start, a.end, a.value * b.mult, a.currency, True, b.mult)
                scale = 1e6 if re.search(r"million", text[b.start : b.end], re.I) else 1e3 if re.search(r"thousand", text[b.start : b.end], re.I) else 1.0
                if a.mult == 1.0 and scale > 1.0 and a.value < scale and a.value * scale <= b.value:  # "one and two thousand"
                    a = _Amount(a.start, a.end, a.value * scale, a.currency, True, scale)
                cur = a.currency or b.currency
                a = _Amount(a.start, a.end, a.value, cur, a.has_scale or b.has_scale, a.mult)
                b = _Amount(b.start, b.end, b.value, cur, a.has_scale or b.has_scale, b.mult)
                if b.value >= a.value:
                    out.append((a, b))
                    i += 2
                    continue
        out.append((a, None))
        i += 1
    return out


def _period(clause: str, start: int, end: int) -> str | None:
    after, before = clause[end : end + 40], clause[max(0, start - 45) : start]
    found: list[tuple[int, str]] = []
    for rx, name in ((_MONTH, "month"), (_YEAR, "year"), (_ONCE, "one_time")):
        m = rx.search(after)
        if m:
            found.append((m.start(), name))
    if found:
        return min(found)[1]
    for rx, name in ((_MONTH, "month"), (_YEAR, "year"), (_ONCE, "one_time")):
        m = None
        for m in rx.finditer(before):
            pass
        if m:
            found.append((-m.end(), name))
    return min(found)[1] if found else None


def read_budget(parts: list[Clause], asked: str | None) -> tuple[list[Fact], bool]:
    """Budget facts stated in ``parts``, and whether money talk was left unparsed (unsure).

    A wider budget ("our overall tooling budget is $120k, but that's mostly committed") yields to a
    figure for this purchase stated after it; it counts only when no such figure follows."""
    facts, unsure, skipped = _read_budget(parts, asked, umbrella_ok=False)
    if skipped and not any(f.field in ("budget_min", "budget_max") for f in facts):
        facts, unsure, _ = _read_budget(parts, asked, umbrella_ok=True)
    return facts, unsure


def _read_budget(parts: list[Clause], asked: str | None, umbrella_ok: bool) -> tuple[list[Fact], bool, bool]:
    facts: list[Fact] = []
    unsure = False
    skipped = False
    status: tuple[str, str] | None = None
    for clause in parts:
        t = clause.text
        budget_talk = asked == "budget" or _BUDGET_WORD.search(t) is not None
        if status is None or status[0] != "undecided":  # not settled yet beats both "have" and "have none"
            m = _STATUS_UNDECIDED.search(t)
            if m and _LATER.search(t[: m.start()]) and any(x.has_scale for x in _amounts(t[: m.start()])):
                m = None  # "twenty grand one-off for the setup, then we'll see": the figure is set, what comes later is not
            if m and budget_talk:
                status = ("undecided", m.group())
        gone = _STATUS_NONE.search(t)
        if gone and OTHERS_BEFORE.search(t[: gone.start()]):
            gone = None  # someone else's lack of money
        if gone and _TIGHT.search(gone.group()) and any(x.has_scale for x in _amounts(t[gone.end() :])):
            gone = None  # "budget is tight - maybe $300/mo": a small budget, stated
        if status is None and gone:
            status = ("none", gone.group())
        if facts or gone:
            continue  # a figure next to "it got cut" or "no money" is not a budget they have
        for a, b in _join_ranges(t, _amounts(t)):
            last = b or a
            priced = _PRICED.match(t[last.end :]) is not None and _CONTEXT.search(t) is not None
            if not (a.has_scale or last.has_scale or priced or (budget_talk and last.value >= 100)):
                continue
            if not (a.has_scale or last.has_scale) and ((1900 <= last.value <= 2100 and not re.search(r"\d[,.]\d", t[a.start : last.end])) or re.search(r"\b(?:in|since|until|by|before|after|from|of)\s*$", t[: a.start])):
                continue  # a year or a date, not an amount
            if not (a.currency or last.currency) and _COUNTED.match(t[last.end :]):
                continue  # "10k contacts", "50 people": counts, not money
            before, after = t[: a.start], t[last.end :]
            # "we're doing $4m ARR, but something like $500/mo": a contrast starts a new money phrase
            scope = _CONTRAST.split(before)[-1]
            scope = _PAY_PER.sub("", scope)  # "we pay per seat, maybe $45 per user": how they pay, not what they pay now
            if _ACCEPTED.match(after):
                scope = ""  # "a 5k one-time setup fee is ok": a price they accept is a budget
            if _OWN_OFFER.search(scope):
                scope = ""  # "we'd be looking at a one-off fee under £5,000": their own offer, not someone's price
            if (_NOT_BUDGET_BEFORE.search(scope[-60:]) or (_NOT_BUDGET_AFTER.search(after) and not _ACCEPTED.match(after))) and not _REUSED.search(t):
                continue
            if _OTHER_SPEND.search(before) and _SPEND_ON.match(after) and not _REUSED.search(t):
                continue
            if not umbrella_ok and (_UMBRELLA.search(scope) or _COMMITTED.match(after)):
                skipped = True  # a wider budget: a figure for this purchase may follow
                continue
            short_answer = len(t.split()) <= 8 and (a.currency or last.currency) and _period(t, a.start, last.end)
            if asked != "budget" and not _CONTEXT.search(t) and not short_answer:
                continue  # a bare "Around $2,000 a month." reads as an answer about budget
            lo, hi = a.value, (b.value if b else a.value)
            reused = _REUSED.search(t)
            if b is None:
                if _MAX_BEFORE.search(before[-30:]) or _MAX_AFTER.search(after) or (reused and _BELOW.search(reused.group())):
                    lo = None  # type: ignore[assignment]
                elif _MIN_BEFORE.search(before[-30:]) or _MIN_AFTER.search(after):
                    hi = None  # type: ignore[assignment]
            evidence = t[a.start : last.end]
            period = _period(t, a.start, last.end)
            conf = 0.9 if asked == "budget" or _BUDGET_WORD.search(t) else 0.75
            if lo is not None:
                facts.append(Fact(field="budget_min", value=lo, evidence=evidence, confidence=conf))
            if hi is not None:
                facts.append(Fact(field="budget_max", value=hi, evidence=evidence, confidence=conf))
            # A figure with no currency reads as dollars, like a bare "$" (the benchmark's convention).
            currency = a.currency or last.currency or dollar_hint(t) or named_currency(parts) or "USD"
            if currency:
                facts.append(Fact(field="budget_currency", value=currency, evidence=evidence, confidence=conf))
            if period:
                facts.append(Fact(field="budget_period", value=period, evidence=t[max(0, a.start - 45) : last.end + 40].strip(), confidence=conf))
            if status is None:
                status = ("allocated", evidence)
            break
        else:
            if budget_talk and re.search(r"\d|\$|€|£", t) and asked == "budget" and not facts:
                unsure = True
    if status is None:
        for clause in parts:
            m = _STATUS_ALLOCATED.search(clause.text)
            if m:
                status = ("allocated", m.group())
                period = _period(clause.text, m.start(), m.end())
                if period and not facts:  # "low five figures annually": a period without a figure
                    facts.append(Fact(field="budget_period", value=period, evidence=clause.text, confidence=0.7))
                break
    if status is not None:
        facts.append(Fact(field="budget_status", value=status[0], evidence=status[1], confidence=0.85))
    return facts, unsure, skipped
