"""Currencies: symbols, ISO codes and words after a figure, and a currency named elsewhere in the message.

A figure's own marker wins; then a currency named on its own ("in euros", "GBP obviously"); then,
when no dollar is said at all, the currency of the country the message states.
"""

from __future__ import annotations

import re

from bot.extract.rules.text import Clause
from bot.facts import Fact
from bot.extract.prefilter import cue

_SYMBOLS = {
    "$": "USD", "us$": "USD", "ca$": "CAD", "c$": "CAD", "cad$": "CAD", "au$": "AUD", "a$": "AUD",
    "nz$": "NZD", "s$": "SGD", "hk$": "HKD", "r$": "BRL", "mx$": "MXN", "€": "EUR", "£": "GBP",
    "¥": "JPY", "₹": "INR", "rs": "INR", "rs.": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "zł": "PLN",
    "chf": "CHF", "fr.": "CHF", "sfr.": "CHF", "kr": "SEK", "kr.": "SEK", "r": "ZAR",
}
CODES = (
    "USD|EUR|GBP|CAD|AUD|NZD|INR|JPY|CNY|RMB|BRL|CHF|SEK|NOK|DKK|PLN|CZK|HUF|SGD|HKD|ZAR|MXN|AED|SAR|"
    "ILS|TRY|KRW|IDR|MYR|PHP|THB|VND|NGN|KES|EGP|ARS|CLP|COP|PEN|RON|BGN|UAH|TWD"
)
_WORDS = {
    "dollar": "USD", "buck": "USD", "euro": "EUR", "pound": "GBP", "quid": "GBP", "sterling": "GBP",
    "yen": "JPY", "rupee": "INR", "real": "BRL", "reais": "BRL", "franc": "CHF", "rand": "ZAR",
    "krona": "SEK", "kronor": "SEK", "yuan": "CNY", "peso": "MXN", "zloty": "PLN",
}
_ADJ_DOLLAR = {"canadian": "CAD", "australian": "AUD", "aussie": "AUD", "us": "USD", "american": "USD",
               "new zealand": "NZD", "singapore": "SGD", "hong kong": "HKD"}
WORD_RE = (r"(?:(?:canadian|australian|aussie|us|american|new\s+zealand|singapore|hong\s+kong)\s+)?"
            r"(?:dollars?|bucks|euros?|pounds?(?:\s+sterling)?|quid|sterling|yen|rupees?|reais|real|francs?|rand|"
            r"kronor|krona|yuan|pesos?|zloty)\b")


def currency_of(sym: str | None, code: str | None) -> str | None:
    """The ISO code for a symbol before a figure or a code or word after it, if any."""
    for token in (code, sym):  # a code after the figure overrides a bare $ before it
        if not token:
            continue
        t = " ".join(token.lower().split())
        if t in _SYMBOLS:
            return _SYMBOLS[t]
        if t.upper() in CODES.split("|"):
            return "CNY" if t.upper() == "RMB" else t.upper()
        words = t.split()
        base = words[-1].rstrip("s") if words[-1] not in ("reais", "kronor") else words[-1]
        if base in _WORDS or words[-1] in _WORDS:
            adj = " ".join(words[:-1])
            if base == "dollar" and adj in _ADJ_DOLLAR:
                return _ADJ_DOLLAR[adj]
            if base == "pound" and len(words) > 1 and words[-1] == "sterling":
                return "GBP"
            return _WORDS.get(base) or _WORDS.get(words[-1])
        if t.endswith("sterling"):
            return "GBP"
    return None


def dollar_hint(text: str) -> str | None:
    """The dollar a text names by its country ("Canadian dollars"), if any."""
    m = re.search(r"\b(canadian|australian|aussie|new\s+zealand|singapore|hong\s+kong)\s+dollars?\b", text, re.I)
    return _ADJ_DOLLAR[" ".join(m.group(1).lower().split())] if m else None


_LONE_CODE = re.compile(rf"(?<![\d$€£])\b({CODES})\b(?!\s?\d)")
_LONE_WORD = cue(
    r"(?<!\d)(?<!\d\s)(?<!\d[kKmM]\s)(?<!grand\s)(?<!thousand\s)(?<!hundred\s)\b(?P<w>(?:(?:canadian|australian|aussie|us|american|new\s+zealand|singapore|hong\s+kong)\s+)?"
    r"(?:dollars|euros|pounds(?:\s+sterling)?|quid|sterling|rupees|reais|francs|kronor|yuan|pesos|zloty))\b", re.I)


def named_currency(parts: list[Clause]) -> str | None:
    """A currency named on its own elsewhere in the message: "25 grand a year, GBP obviously"."""
    for clause in parts:
        m = _LONE_CODE.search(clause.text)
        if m:
            return "CNY" if m.group(1) == "RMB" else m.group(1)
        w = _LONE_WORD.search(clause.text)  # "30k a year, in euros"
        if w:
            return currency_of(None, w.group("w"))
    return None


_EURO_AREA = "AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK".split()
_LOCAL = {
    **{c: "EUR" for c in _EURO_AREA}, "GB": "GBP", "AU": "AUD", "NZ": "NZD", "CA": "CAD", "IN": "INR", "JP": "JPY",
    "CH": "CHF", "SE": "SEK", "NO": "NOK", "DK": "DKK", "ZA": "ZAR", "BR": "BRL", "MX": "MXN", "SG": "SGD", "AE": "AED", "PL": "PLN",
}
_DOLLAR_SAID = re.compile(r"\$|\bUSD\b|\bdollars?\b|\bbucks?\b", re.I)


def local_currency(facts: list[Fact], text: str) -> list[Fact]:
    """A bare figure (no symbol, code or word anywhere) from a company in a stated country takes that
    country's currency: "we're in Melbourne ... around 1,000 a month" is AUD, not the `$` default."""
    country = next((f.value for f in facts if f.field == "country"), None)
    cur = next((f for f in facts if f.field == "budget_currency"), None)
    if cur is None or cur.value != "USD" or country not in _LOCAL or _DOLLAR_SAID.search(text):
        return facts
    local = Fact(field="budget_currency", value=_LOCAL[str(country)], evidence=cur.evidence, confidence=min(cur.confidence, 0.7))
    return [local if f is cur else f for f in facts]
