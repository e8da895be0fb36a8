"""Company facts: headcount (``employees``; a range counts as its upper end) and country.

Counts of other things (beds, offices, clinics, committee members, seats, contacts) are not
headcount. A place counts as the company's location only after a location cue ("based in",
"HQ in", "a 40-person agency in", "Sydney HQ"); headquarters beat other offices.
"""

from __future__ import annotations

import re

from bot.extract.rules import places
from bot.extract.rules.text import APOS, NUMBER_WORDS, OTHERS_BEFORE, SMALL_WORDS, Clause, to_number
from bot.facts import Fact
from bot.extract.prefilter import cue

_N = rf"(?:\d{{1,3}}(?:[,.]\d{{3}})+|\d+(?:[.,]\d)?\s?k\b|\d+|{SMALL_WORDS}|{NUMBER_WORDS})"
_APPROX = r"(?:(?:about|around|roughly|approximately|approx\.?|ca\.?|circa|over|nearly|almost|some|~)\s*)?"
_FUZZ = r"(?:\s*-?\s*(?:odd|ish|or\s+so|plus|\+))?"
_PEOPLE = (r"(?:peoples|people|ppl|pax|full[- ]timers|part[- ]timers|persons|employees|employes|employess|staff(?:ers|\s+members)?|FTEs?|workers?|team\s+members|colleagues|heads|"
           r"members\s+of\s+staff|folks|personnel|souls|salari[ée]s|collaborateurs|mitarbeiter(?:innen)?|personas|empleados|personnes|employ[ée]s|pessoas|"
           r"funcion[áa]rios|medewerkers|dipendenti|anst[äa]llda|ansatte|pracownik[óo]w)\b")
# "500 engineer", "20 employee": a singular after a figure above one, as often typed by non-native writers.
_SINGULAR_STAFF = r"(?:employee|engineer|developer|consultant|worker|staff\s+member|person)"
_RANGE = rf"(?:between\s+(?P<a>{_N})\s+and\s+)?(?P<b>{_N})(?:\s*(?:-|–|to)\s*(?P<c>{_N}))?"
_OF_US = cue(rf"\b(?:the\s+)?{_APPROX}(?P<b>{_N}){_FUZZ}\s+of\s+us\b", re.I)
_HEADCOUNT = [
    # No gap only after a digit ("50-person", "50person"): "ahead" is not "a head".
    re.compile(rf"\b{_RANGE}{_FUZZ}(?:(?<=\d)\s*-?\s*|\s*-\s*|\s+)(?:full[-\s]time\s+)?"
               rf"(?:person|people|employee|staff|strong|head)\b(?!\s+(?:on|in)\s+the\s+(?:committee|board|panel|call))", re.I),
    re.compile(rf"\b{_RANGE}{_FUZZ}\s+(?:full[-\s]time\s+)?{_PEOPLE}"
               rf"(?!\s+(?:on|in)\s+(?:the|our)\s+(?:\w+\s+)?(?:committee|board|panel|call|team))", re.I),
    re.compile(rf"\b(?:team|crew|company|firm|business|headcount|(?:staff|employee|people|head)\s*count|staff|workforce|organi[sz]ation|{_PEOPLE})\s*(?:of|is|are|size\s+(?:is|of)|of\s+about|:|=)?\s+(?:only\s+|just\s+|now\s+)?{_APPROX}(?P<b>{_N})\b"
               rf"(?!\s*(?:%|seats|users|clients|customers|offices|locations|sdrs?|bdrs?|reps?|agents?|aes?|developers|engineers|sales|stores|sites))", re.I),
    _OF_US,
    re.compile(rf"\b{_APPROX}(?P<b>\d{{1,3}}(?:,\d{{3}})+|\d*[2-9]\d*|\d{{2,}}){_FUZZ}\s+{_SINGULAR_STAFF}(?=\s*[,.;!]|\s+(?:and|in|at|here|total)\b|\s*$)", re.I),
    re.compile(rf"\b{_APPROX}(?P<b>{_N}){_FUZZ}\s+(?:people\s+|employees\s+|staff\s+)?on\s+(?:the\s+|our\s+)?payroll\b", re.I),
    re.compile(rf"\b(?:we|they|I)\s+(?:currently\s+|now\s+)?employ\s+{_APPROX}(?P<b>{_N})\b(?!\s+(?:sales|sdrs?|bdrs?|reps?|agents?|engineers|developers))", re.I),
]
# A total or a correction wins over other figures: "50 engineers and 15 others, 65 in total", "realistically about 1,800".
_TOTAL = cue(
    rf"\b(?P<b>{_N})\s+(?:\w+\s+)?(?:in\s+total|total|overall|all\s+told|altogether)\b|\b(?:a\s+)?total\s+of\s+{_APPROX}(?P<b2>{_N})\b|"
    rf"\b(?:realistically|actually|really|in\s+reality|in\s+practice|in\s+truth|more\s+like|call\s+it)\s+{_APPROX}(?P<b3>{_N})\b(?!\s*(?:%|seats|users|clients|customers|offices|k\b))", re.I)
# The same staff at each of several sites multiplies: "three locations with about 40 staff each",
# "12 people in each of our 5 stores".
_UNITS = r"(?:locations|offices|sites|stores|shops|branches|clinics|practices|restaurants|cafes|bakeries|bars|pubs|gyms|pharmacies|garages|dealerships|salons|studios|depots|warehouses|hotels|plants|factories|schools|nurseries|franchises|outlets)"
_PER_UNIT = cue(
    rf"\b(?P<u>{_N})\s+(?:[\w-]+\s+)?{_UNITS}\b[^.;]{{0,25}}?\b{_APPROX}(?P<p>{_N})\s+(?:{_PEOPLE}|person|employee|staff)\s+(?:each|apiece|a\s+piece|per\s+(?:site|location|store|shop|branch|office|clinic))\b|"
    rf"\b{_APPROX}(?P<p2>{_N})\s+(?:{_PEOPLE}|staff)\s+(?:in|at|per)\s+each\s+of\s+(?:our\s+|the\s+|its\s+)?(?P<u2>{_N})\s+(?:[\w-]+\s+)?{_UNITS}\b", re.I)
# A count of the writer's colleagues is a group beside them, not the company: "my two colleagues and I".
_COLLEAGUES = re.compile(r"^\s*(?:colleagues|co-?workers|teammates)\b", re.I)
_MY_BEFORE = re.compile(r"\b(?:my|with)\s*$", re.I)
# "there are 4 of us" on a committee, a call or a founding team counts those people, not the company.
_SMALL_GROUP = cue(r"\b(?:committee|board|panel|call|meeting|vote|voting|founders|co-?founders|partners|in\s+the\s+room)\b", re.I)
# Where a group of staff works: "3 at reception", "12 in the warehouse", "4 on the road".
_WORKPLACE = r"(?:at|on|in)\s+(?:the\s+)?(?:reception|front\s+desk|warehouse|workshop|kitchen|shop\s+floor|factory|lab|yard|road|field|counter|tills?)"
# Parts of a team added up: "2 founders and 3 contractors", "30 engineers, 10 in sales plus 5 admins".
_ROLE_COUNT = re.compile(
    rf"\b(?P<n>{_N})\s+(?:full[-\s]time\s+|part[-\s]time\s+|support\s+|back[-\s]office\s+|office\s+|admin\s+|other\s+)?(?:founders?|co-?founders?|partners|owners|directors|managers|contractors|freelancers|engineers|developers|consultants|"
    rf"designers|assistants?|admins?|interns|nurses|doctors|drivers|technicians|associates|vets|dentists|hygienists|therapists|lawyers|"
    rf"solicitors|accountants|teachers|tutors|chefs|cooks|waiters|stylists|mechanics|electricians|plumbers|carers|pharmacists|"
    rf"in\s+(?:sales|marketing|support|admin|ops|operations|engineering|the\s+office|the\s+back\s+office)|{_WORKPLACE}|of\s+us|others|other\s+people|{_PEOPLE})"
    rf"|\b(?:crew|team|staff)\s+of\s+{_APPROX}(?P<n2>{_N})\b", re.I)
_JOIN = re.compile(r"^\s*(?:,|and|plus|\+|&|,\s*and|,\s*plus)\s*(?:the\s+|our\s+)?$", re.I)
_WE = re.compile(rf"\b(?:we{APOS}?re|we\s+are|there\s+are|company\s+is|company\s+has)\b", re.I)
_ALONE = re.compile(r"\b(?:one[-\s](?:man|woman|person)\s+(?:band|show|business|shop|operation)|solo(?:preneur|\s+(?:consultant|operator|practitioner|business))|sole\s+(?:trader|proprietor))\b", re.I)
# The writer and one named other: "just me and my wife", "only me and a part-timer".
_PAIR = re.compile(
    r"\b(?:just|only)\s+(?:me|myself)\s+(?:and|&|plus)\s+(?:my\s+|a\s+|one\s+|our\s+)?(?:[\w-]+\s+)?(?:wife|husband|partner|brother|sister|dad|father|mum|mom|mother|son|daughter|"
    r"friend|co-?founder|colleague|assistant|employee|part-?timer|apprentice|cousin|business\s+partner)\b", re.I)
_DEPARTMENT = re.compile(
    r"\b(?:sales|marketing|support|dev|engineering|it|ops|operations|service|sdr|bdr|inside\s+sales|cs|finance|hr|front\s+desk|office)\s+"
    r"(?:team\s+|department\s+|dept\.?\s+|staff\s+)?(?:of\s+|is\s+|are\s+|has\s+|counts\s+)?(?:only\s+|just\s+|about\s+|around\s+)?$|"
    r"\b(?:leadership|management|exec(?:utive)?|founding|project|core|selection|buying|evaluation|steering)\s+(?:(?:team|group)\s+(?:of\s+|is\s+)?(?:only\s+|just\s+)?)?$", re.I)
_NOT_HEADCOUNT_BEFORE = re.compile(rf"\b(?:manage|managing|lead|leading|run|running|head|oversee|built|hired)\s+(?:a|the|our|my)?\s*$|\b(?:one|two|three|four|five|\d+)\s+of\s*$|\bof\s+the\s*$|\b(?:hire|hiring|add|adding|onboard)\s*$", re.I)
# People doing a task are not the company: "two people on the front desk answer the phone".
_NOT_HEADCOUNT_AFTER = re.compile(
    r"^\s*(?:(?:on|in|at|from)\s+(?:the|our|my)\s+(?:front\s+desk|desk|office|phones?|\w+\s+team|team|department)|"
    r"(?:who\s+)?(?:handle|answer|go\s+through|do\s+(?:the|all)|deal\s+with|look\s+after|sort|field|call|work\s+on)\b|"
    r"(?:can{APOS}?t|cannot|struggles?|spends?|handles?|answers?|is\s+(?:drowning|swamped|overwhelmed))|"
    r"(?:visited|came|attended|signed\s+up|registered|downloaded|clicked|bought|ordered|called|contacted|applied|enquired|booked|showed\s+up|turned\s+up|watched|opened|(?:have|had)\s+(?:visited|signed\s+up|registered|booked))\b)".replace("{APOS}", APOS), re.I)

# "we are 15 persons in the office": the writer's whole company, wherever they sit.
_WE_ARE_N = re.compile(rf"\b(?:we|there)\s*(?:{APOS}re|\s+are)\s+(?:about\s+|around\s+|roughly\s+|only\s+|just\s+)?$", re.I)
_GROUP_BEFORE = cue(r"\b(?:group|parent|holding|owned\s+by|part\s+of)\b[^.;]{0,30}$", re.I)
_COMPANY_AFTER = re.compile(r"^\s*(?:[\w-]+\s+){0,2}(?:company|business|firm|agency|shop|practice|studio|startup|store|clinic|restaurant|group)\b", re.I)
_CUE_HQ = r"(?:headquarter(?:ed|s)?\s+(?:is\s+|are\s+)?in|hq(?:{0}d)?\s+(?:is\s+)?in|(?:hq|headquarters|head\s+office)\s*[:\-–]?(?=\s*(?-i:[A-Z]))|head\s+office\s+(?:is\s+)?in|main\s+office\s+(?:is\s+)?in|based\s+(?:in|out\s+of)|located\s+in)".format(APOS)
_CUE_OTHER = r"(?:in\s+and\s+around|in|en|à|em|i|from|near|outside(?:\s+of)?|across|around|out\s+of|offices?\s+in|depots?\s+in|stores?\s+in|sites?\s+in|at)"
# Bounded, and starting at a word boundary where it opens a pattern: a 4 KB "word" must not make
# the place patterns try every position and length (that took 0.3 s of the event loop).
_WORD = r"[^\W\d_][\w'’.-]{0,40}"
# The place is a lookahead so "at an agency in Melbourne" still finds "in Melbourne".
_PLACE_AFTER_CUE = re.compile(rf"\b(?P<cue>{_CUE_HQ}|{_CUE_OTHER})\s+(?=(?:the\s+)?(?P<place>{_WORD}(?:\s+{_WORD}){{0,3}}))", re.I)
_PLACE_BEFORE_CUE = cue(rf"\b(?P<place>{_WORD}(?:\s+{_WORD}){{0,2}})\s*(?:-|\s)(?P<cue>HQ|headquarters|based|head\s+office|office)\b", re.I)
_COUNTRY_WORD = re.compile(r"\b(?:UK|U\.K\.|US|U\.S\.A?\.?|USA|UAE|[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})\b")
_DEMONYM = re.compile(r"\b(?P<d>[A-Z][a-z]+(?:\s+African)?)\s+(?:[\w-]+\s+){0,2}?(?:company|firm|business|agency|consultancy|practice|startup|start-up|scale-?up|manufacturer|maker|retailer|brand|group|chain|distributor|wholesaler|supplier|provider|school|clinic|hospital|bank|team|studio|shop|store|cooperative|co-?op|charity|nonprofit|non-profit|university|college)\b")
_COMPANY_NOUN = re.compile(r"^\s+(?:\w+\s+)?(?:company|firm|business|agency|consultancy|startup|start-up|group|subsidiary|entity|corporation|manufacturer)\b", re.I)
_WE_ARE_DEMONYM = re.compile(rf"\bwe{APOS}?re\s+(?:a\s+)?(?P<d>[A-Z][a-z]+)\b(?!\s+\w)")
_NOT_OURS = cue(r"\b(?:(?:I|we)(?:'ll|’ll|\s+will)\s+be|travel(?:l?ing|l?ed)|flying|heading|going\s+to\s+be|customers?|clients?|leads|enquiries|inquiries|requests|traffic|visitors|orders|bookings|buyers|demand|prospects|parent|sell(?:ing|s)?\s+(?:to|into|in)|ship(?:ping)?\s+to|expand\w*|vacation|holiday|trip|conference|visit\w*|talk|event|webinar|meetup|summit|expo|trade\s+show|fair|saw\s+you|met|moved\s+from|originally|born|partners?|competitors?|dealers?|sit|offices?\s+in\s+\w+\s+and)\b[^.]{0,30}$", re.I)
# "we sell solar panels in Texas": a market, not where the company is.
_SELLS = cue(r"\b(?:sell(?:ing|s)?|ship(?:ping|s)?|deliver(?:ing|s)?)\s+(?:\w+\s+){0,3}(?:(?:in|to|into|across)\s+\w+(?:\s+\w+)?,?\s+(?:and|or)\s+)?$", re.I)
# A company spread over the world: only its headquarters or a stated base says where it is.
_GLOBAL = cue(r"\b(?:globally|worldwide|world-wide|multinational|across\s+(?:\d+|[a-z]+)\s+countries|in\s+(?:\d+|[a-z]+)\s+countries)\b", re.I)
_TRAILING_NOISE = re.compile(r"[.,;:!?)\"'’]+$")


MAX_HEADCOUNT = 5_000_000  # more than any employer has


def _count(text: str | None) -> float | None:
    if not text:
        return None
    k = re.fullmatch(r"(\d+(?:[.,]\d)?)\s?k", text.strip(), re.I)
    return float(k.group(1).replace(",", ".")) * 1000 if k else to_number(text)


def read_headcount(parts: list[Clause], asked: str | None) -> list[Fact]:
    """The company's headcount: a stated total or correction first, else the largest figure (a range counts as its upper end)."""
    best: tuple[int, float, str] | None = None  # (priority, count, evidence)
    for clause in parts:
        t = clause.text
        found = False
        for rx in _HEADCOUNT:
            if rx is _OF_US and _SMALL_GROUP.search(t):
                continue
            for m in rx.finditer(t):
                before = t[: m.start()]
                if _DEPARTMENT.search(before[-30:]) or (_NOT_HEADCOUNT_AFTER.match(t[m.end() :]) and not _WE_ARE_N.search(before)):
                    continue
                if _NOT_HEADCOUNT_BEFORE.search(before[-20:]) and not _COMPANY_AFTER.match(t[m.end() :]):
                    continue  # "I run a team of 10 reps" is not the company, "I run a 9-person company" is
                if _MY_BEFORE.search(before) and _COLLEAGUES.match(t[m.start("b") :].split(None, 1)[-1]):
                    continue
                values = [v for v in (_count(m.groupdict().get(k)) for k in ("a", "b", "c")) if v]
                if not values:
                    continue
                n = max(values)
                found = True
                rank = 0 if _GROUP_BEFORE.search(before[-40:]) else 1  # the parent group's size yields to the unit's
                if 1 <= n <= 5_000_000 and (best is None or (rank, n) > best[:2]):
                    best = (rank, n, m.group().strip())
        whole_team = re.search(r"\b(?:just|only)\s+(?:me|myself)\s*(?:and|plus|&|\+)\s*\w", t, re.I)  # "just me and two associates"
        parts_sum = _team_sum(t) if (asked == "company" or _WE.search(t) or whole_team) else None
        if parts_sum and (best is None or (1, parts_sum[0]) > best[:2]):
            best = (1, parts_sum[0], parts_sum[1])
        for m in _PER_UNIT.finditer(t):
            units, each = _count(m.group("u") or m.group("u2")), _count(m.group("p") or m.group("p2"))
            if units and each and 1 <= units * each <= MAX_HEADCOUNT and (best is None or (2, units * each) > best[:2]):
                best = (2, units * each, m.group().strip())
        if found or asked == "company":
            for m in _TOTAL.finditer(t):
                n = _count(m.group("b") or m.group("b2") or m.group("b3")) or 0
                if 1 <= n <= 5_000_000 and (best is None or (2, n) > best[:2]):
                    best = (2, n, m.group().strip())
        m = _PAIR.search(t)
        if m and best is None:
            best = (1, 2.0, m.group())
        m = _ALONE.search(t)
        if m and best is None and not OTHERS_BEFORE.search(t[: m.start()]):
            best = (1, 1.0, m.group())
    if best is None and asked == "company" and parts:
        m = re.match(rf"^\s*{_APPROX}(?P<n>\d{{1,3}}(?:,\d{{3}})*|\d+)\s*(?:ish|\+)?\s*[.!]?\s*$", parts[0].text, re.I)
        short = re.fullmatch(rf"\s*(?:[^\W\d][\w .'’-]*,\s*{_APPROX}(?P<a>\d[\d,]*)|{_APPROX}(?P<b>\d[\d,]*)\s*,\s*[^\W\d][\w .'’-]*)\s*[.!]?\s*", parts[0].text, re.I)
        if m:
            best = (0, float(to_number(m.group("n")) or 0), m.group().strip())
        elif short and len(parts[0].text.split()) <= 5:  # "Toronto, 250"
            n_text = short.group("a") or short.group("b")
            best = (0, float(to_number(n_text) or 0), n_text)
        elif any(re.search(r"\b(?:just|only)\s+me\b|^\s*me\s*[.!]?\s*$", c.text, re.I) for c in parts):
            best = (0, 1.0, parts[0].text.strip())
    if best is None or not 1 <= best[1] <= MAX_HEADCOUNT:  # a 4,000-digit "count" is no company
        return []
    return [Fact(field="employees", value=int(best[1]), evidence=best[2], confidence=0.85)]


def _team_sum(t: str) -> tuple[float, str] | None:
    """The sum of counts joined by "and", "plus" or commas, when there are at least two."""
    counts = list(_ROLE_COUNT.finditer(t))
    best: tuple[float, str] | None = None
    i = 0
    while i < len(counts):
        j = i
        while j + 1 < len(counts) and _JOIN.match(t[counts[j].end() : counts[j + 1].start()]):
            j += 1
        me = re.search(r"\b(?:me|myself)\s*(?:plus|and|\+|&)\s*$", t[: counts[i].start()], re.I)
        if j > i or me:  # "me plus a part-time assistant" counts the writer too
            total = sum(_count(m.group("n") or m.group("n2")) or 0 for m in counts[i : j + 1]) + (1 if me else 0)
            if best is None or total > best[0]:
                best = (total, t[me.start() if me else counts[i].start() : counts[j].end()])
        i = j + 1
    return best


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


def read_country(parts: list[Clause], asked: str | None = None) -> list[Fact]:
    """The company's country: headquarters first, then the first located mention, then a bare country.

    Answering the company question, a bare place also counts ("Nordhavn Logistik ApS, Copenhagen");
    in "City, Region" the last place wins, since a region or country settles an ambiguous city."""
    found: list[tuple[int, int, str, str]] = []  # (rank, position, code, evidence)
    for ci, clause in enumerate(parts):
        t = clause.text
        base = ci * 10_000
        for m in _PLACE_AFTER_CUE.finditer(t):
            if _NOT_OURS.search(t[: m.start()]) or _SELLS.search(t[: m.start()]):
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
            if hit and not _NOT_OURS.search(t[: m.start()]) and not _SELLS.search(t[: m.start()]):
                # "a US company" states the company's nationality: as strong as "based in".
                rank = 0 if _COMPANY_NOUN.match(t[m.end() :]) else 2
                found.append((rank, base + m.start(), hit, m.group()))
        for m in _WE_ARE_DEMONYM.finditer(t):  # "we're Dutch"
            code = places.DEMONYMS.get(m.group("d").lower())
            if code:
                found.append((0, base + m.start(), code, m.group()))
        for m in _DEMONYM.finditer(t):
            code = places.DEMONYMS.get(m.group("d").lower())
            if code:
                found.append((0, base + m.start(), code, m.group()))
    spread = _GLOBAL.search(" ".join(c.text for c in parts)) is not None
    if spread:
        found = [f for f in found if f[0] == 0]  # a global company's "Singapore office" is one office, not where it is
    if not found and asked == "company" and not spread:
        found = _bare_places(parts)
    if not found and not spread:
        found = _listed_place(parts)
    if not found:
        return []
    rank, _, code, evidence = min(found)
    return [Fact(field="country", value=code, evidence=evidence, confidence=0.85 if rank < 2 else 0.7)]


_PROFILE_COUNT = re.compile(rf"\b{_APPROX}\d[\d,.]*\s*k?{_FUZZ}\s*-?\s*(?:{_PEOPLE}|person|employee|staff)", re.I)
_PLACE_ITEM = re.compile(r"(?:^|[,;(]|\s[-–]\s)\s*(?P<p>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})\s*[.!]?\s*(?=$|[,;)]|\s[-–]\s)")


def _listed_place(parts: list[Clause]) -> list[tuple[int, int, str, str]]:
    """A place listed on its own beside a headcount, as in a terse profile: "agency, 18 ppl, Manchester"."""
    for ci, clause in enumerate(parts):
        if not _PROFILE_COUNT.search(clause.text):
            continue
        for m in _PLACE_ITEM.finditer(clause.text):
            hit = _resolve(m.group("p"), lowercase_ok=False)
            if hit and hit[1] == m.group("p").rstrip(".!") and places.fold(hit[1]) not in places.PERSON_NAMES:
                return [(2, ci * 10_000 + m.start("p"), hit[0], hit[1])]
    return []


_TITLE_WORDS = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}")


def _bare_places(parts: list[Clause]) -> list[tuple[int, int, str, str]]:
    for ci, clause in enumerate(parts):
        hits: list[tuple[int, int, str, str]] = []
        for m in _TITLE_WORDS.finditer(clause.text):
            hit = _resolve(m.group(), lowercase_ok=False)
            if hit and places.fold(hit[1]) not in places.PERSON_NAMES:
                hits.append((3, -(ci * 10_000 + m.start()), hit[0], hit[1]))
        if hits:
            return [min(hits)]  # the last place of the first clause that names one
    return []
