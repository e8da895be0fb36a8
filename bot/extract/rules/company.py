"""Company facts: headcount (``employees``; a range counts as its upper end) and country.

Counts of other things (beds, offices, clinics, committee members, seats, contacts) are not
headcount. A place counts as the company's location only after a location cue ("based in",
"HQ in", "a 40-person agency in", "Sydney HQ"); headquarters beat other offices.
"""

from __future__ import annotations

import re

from bot.extract.rules import places
from bot.extract.rules.text import APOS, NUMBER_WORDS, Clause, to_number
from bot.facts import Fact

_N = rf"(?:\d{{1,3}}(?:[,.]\d{{3}})+|\d+|{NUMBER_WORDS})"
_APPROX = r"(?:(?:about|around|roughly|approximately|approx\.?|ca\.?|circa|over|nearly|almost|~)\s*)?"
_PEOPLE = r"(?:people|persons|employees|employes|employess|staff(?:ers)?|FTEs?|workers|team\s+members|colleagues|heads|members\s+of\s+staff)\b"
_HEADCOUNT = [
    re.compile(rf"\b(?:between\s+(?P<a>{_N})\s+and\s+)?(?P<b>{_N})(?:\s*(?:-|–|to)\s*(?P<c>{_N}))?\+?\s*-?\s*(?:full[-\s]time\s+)?"
               rf"(?:person|people|employee|staff|strong|head)\b(?!\s+(?:on|in)\s+the\s+(?:committee|board|panel|call))", re.I),
    re.compile(rf"\b(?:between\s+(?P<a>{_N})\s+and\s+)?(?P<b>{_N})(?:\s*(?:-|–|to)\s*(?P<c>{_N}))?\+?\s+(?:full[-\s]time\s+)?{_PEOPLE}"
               rf"(?!\s+(?:on|in)\s+(?:the|our)\s+(?:\w+\s+)?(?:committee|board|panel|call|team))", re.I),
    re.compile(rf"\b(?:team|company|headcount|staff|workforce|organi[sz]ation)\s+(?:of|is|size\s+(?:is|of)|of\s+about)\s+{_APPROX}(?P<b>{_N})\b(?!\s*(?:%|k\b|seats|users|clients|customers|offices|locations|sdrs?|bdrs?|reps?|agents?|aes?|developers|engineers|sales))", re.I),
]
_DEPARTMENT = re.compile(r"\b(?:sales|marketing|support|dev|engineering|it|ops|operations|service|sdr|bdr|inside\s+sales|cs|finance|hr)\s+(?:team\s+)?(?:of\s+)?$", re.I)
_NOT_HEADCOUNT_BEFORE = re.compile(rf"\b(?:manage|managing|lead|leading|run|running|head|oversee|built|hired)\s+(?:a|the|our|my)?\s*$|\b(?:one|two|three|four|five|\d+)\s+of\s*$|\bof\s+the\s*$|\b(?:hire|hiring|add|adding|onboard)\s*$", re.I)

_CUE_HQ = r"(?:headquartered\s+in|hq(?:{0}d)?\s+(?:is\s+)?in|head\s+office\s+(?:is\s+)?in|main\s+office\s+(?:is\s+)?in|based\s+(?:in|out\s+of)|located\s+in)".format(APOS)
_CUE_OTHER = r"(?:in\s+and\s+around|in|from|near|outside(?:\s+of)?|across|around|out\s+of|offices?\s+in|depots?\s+in|stores?\s+in|sites?\s+in|at)"
_WORD = r"[^\W\d_][\w'’.-]*"
# The place is a lookahead so "at an agency in Melbourne" still finds "in Melbourne".
_PLACE_AFTER_CUE = re.compile(rf"\b(?P<cue>{_CUE_HQ}|{_CUE_OTHER})\s+(?=(?:the\s+)?(?P<place>{_WORD}(?:\s+{_WORD}){{0,3}}))", re.I)
_PLACE_BEFORE_CUE = re.compile(rf"(?P<place>{_WORD}(?:\s+{_WORD}){{0,2}})\s*(?:-|\s)(?P<cue>HQ|headquarters|based|head\s+office|office)\b", re.I)
_COUNTRY_WORD = re.compile(r"\b(?:UK|U\.K\.|US|U\.S\.A?\.?|USA|UAE|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\b")
_DEMONYM = re.compile(r"\b(?P<d>[A-Z][a-z]+(?:\s+African)?)\s+(?:\w+\s+){0,2}?(?:company|firm|business|agency|startup|start-up|manufacturer|retailer|brand|group|chain|distributor|supplier|provider|school|clinic|hospital|bank|team|studio|shop|store)\b")
_NOT_OURS = re.compile(r"\b(?:customers?|clients?|sell(?:ing)?\s+to|ship(?:ping)?\s+to|expand\w*|vacation|holiday|trip|conference|visit\w*|moved\s+from|originally|born|partners?|competitors?|dealers?|sit|offices?\s+in\s+\w+\s+and)\b[^.]{0,30}$", re.I)
_TRAILING_NOISE = re.compile(r"[.,;:!?)\"'’]+$")


def _count(text: str | None) -> float | None:
    return to_number(text) if text else None


def read_headcount(parts: list[Clause], asked: str | None) -> list[Fact]:
    """The company's headcount: the largest stated figure (a range counts as its upper end)."""
    best: tuple[float, str] | None = None
    for clause in parts:
        t = clause.text
        for rx in _HEADCOUNT:
            for m in rx.finditer(t):
                before = t[: m.start()]
                if _DEPARTMENT.search(before[-30:]) or _NOT_HEADCOUNT_BEFORE.search(before[-20:]):
                    continue
                values = [v for v in (_count(m.groupdict().get(k)) for k in ("a", "b", "c")) if v]
                if not values:
                    continue
                n = max(values)
                if 1 <= n <= 5_000_000 and (best is None or n > best[0]):
                    best = (n, m.group().strip())
    if best is None and asked == "company" and parts:
        m = re.match(rf"^\s*{_APPROX}(?P<n>\d{{1,3}}(?:,\d{{3}})*|\d+)\s*(?:ish|\+)?\s*[.!]?\s*$", parts[0].text, re.I)
        if m:
            best = (float(to_number(m.group("n")) or 0), m.group().strip())
        elif re.match(r"^\s*(?:just|only)\s+me\b", parts[0].text, re.I):
            best = (1.0, parts[0].text.strip())
    if best is None or best[0] < 1:
        return []
    return [Fact(field="employees", value=int(best[0]), evidence=best[1], confidence=0.85)]


def _resolve(words: str, lowercase_ok: bool) -> tuple[str, str, int] | None:
    tokens = words.split()
    for n in range(min(4, len(tokens)), 0, -1):
        phrase = _TRAILING_NOISE.sub("", " ".join(tokens[:n]))
        if not phrase:
            continue
        hit = places.lookup(phrase)
        if hit is None:
            continue
        code, weight = hit
        is_title = phrase[0].isupper()
        if not is_title and not (lowercase_ok and weight >= places.MIN_LOWERCASE_POPULATION):
            continue
        if phrase in ("US", "us") and phrase != "US":
            continue
        return code, phrase, weight
    return None


def _resolve_before(words: str) -> tuple[str, str, int] | None:
    tokens = words.split()
    for n in range(min(3, len(tokens)), 0, -1):
        phrase = _TRAILING_NOISE.sub("", " ".join(tokens[-n:]))
        hit = places.lookup(phrase) if phrase else None
        if hit and (phrase[0].isupper() or hit[1] >= places.MIN_LOWERCASE_POPULATION):
            return hit[0], phrase, hit[1]
    return None


def read_country(parts: list[Clause]) -> list[Fact]:
    """The company's country: headquarters first, then the first located mention, then a bare country."""
    found: list[tuple[int, int, str, str]] = []  # (rank, position, code, evidence)
    for ci, clause in enumerate(parts):
        t = clause.text
        base = ci * 10_000
        for m in _PLACE_AFTER_CUE.finditer(t):
            if _NOT_OURS.search(t[: m.start()]):
                continue
            hit = _resolve(m.group("place"), lowercase_ok=True)
            if hit:
                rank = 0 if re.match(_CUE_HQ, m.group("cue"), re.I) else 1
                if m.group("cue").lower() in ("at", "from") and hit[2] < 10**10 and not hit[1][0].isupper():
                    continue
                if m.group("cue").lower() in ("from", "at") and places.fold(hit[1]) in places.PERSON_NAMES:
                    continue  # "a message from Austin" is a person
                found.append((rank, base + m.start(), hit[0], t[m.start() : m.start("place") + len(hit[1])]))
        for m in _PLACE_BEFORE_CUE.finditer(t):
            if m.group("cue").lower() == "office" and re.search(r"\b(?:sit|work)\b[^.]{0,20}$", t[: m.start()], re.I):
                hit = _resolve_before(m.group("place"))
                if hit:
                    found.append((2, base + m.start(), hit[0], m.group()))
                continue
            hit = _resolve_before(m.group("place"))
            if hit:
                rank = 0 if m.group("cue").lower() in ("hq", "headquarters", "head office", "based") else 1
                found.append((rank, base + m.start(), hit[0], t[m.end("place") - len(hit[1]) : m.end()]))
        for m in _COUNTRY_WORD.finditer(t):
            hit = places.countries().get(places.fold(m.group()))
            if hit and not _NOT_OURS.search(t[: m.start()]):
                found.append((2, base + m.start(), hit, m.group()))
        for m in _DEMONYM.finditer(t):
            code = places.DEMONYMS.get(m.group("d").lower())
            if code:
                found.append((2, base + m.start(), code, m.group()))
    if not found:
        return []
    rank, _, code, evidence = min(found)
    return [Fact(field="country", value=code, evidence=evidence, confidence=0.85 if rank < 2 else 0.7)]
