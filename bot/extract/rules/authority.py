"""Authority: does the writer sign, take part in the decision, or have no say at all.

Phrasings beat titles: "my VP signs off" makes the writer an influencer whatever their title,
"no committee, just me" is a decision maker (the negated "committee" is not a cue), and
"I'm just an intern" or "I have no say" is none.
"""

from __future__ import annotations

import re

from bot.extract.rules.text import APOS, Clause
from bot.facts import Fact

_I = rf"(?:\bI|\bi)(?:{APOS}(?:ll|m|d)|\s+(?:will|would|can|do|am|alone))?"
_BOSS = (r"(?:ceo|cfo|coo|cro|cto|cmo|vp|vice\s+president|director|head|boss|manager|board|owner|founder|president|"
         r"procurement|purchasing|finance|partner|partners|md|gm|committee|he|she|they|them|him|her|who)")

_NONE = re.compile(
    rf"\b(?:just|only)\s+(?:an?\s+)?(?:intern|student|trainee|temp)\b|"
    rf"\b(?:no|zero|don{APOS}?t\s+(?:get|have)\s+(?:any|a)|do\s+not\s+(?:get|have)\s+(?:any|a)|nothing)\s+(?:say|input|influence|part)\b|"
    rf"\bnothing\s+to\s+do\s+with\s+(?:the\s+)?(?:buying|purchas|decision|procurement|tool)|"
    rf"\bnot\s+involved\s+in\s+(?:the\s+)?(?:buying|purchas|decision)|\bno\s+(?:role|part)\s+in\s+(?:the\s+)?(?:buying|purchas|decision)|"
    rf"\b(?:not|never)\s+(?:my|me)\s+(?:department|area)\b", re.I)

_INFLUENCER = re.compile(
    rf"\b(?:run|check|clear|pass)\s+(?:it|this|that)\s+(?:by|with|past)\b|"
    rf"(?<!\bonce\s)(?<!\bwhen\s)(?<!\bafter\s)(?<!\bif\s)\b{_BOSS}\s+(?:(?!(?:I|i|so|and|we|then)\b)\w+\s+){{0,3}}?(?:signs?|approves?|decides?|makes\s+the\s+(?:final\s+)?(?:call|decision)|"
    rf"has\s+(?:the\s+)?(?:final|last)\s+(?:say|word|call)|gives\s+(?:the\s+)?final\s+approval|will\s+decide|{APOS}ll\s+decide|"
    rf"(?:has|have)\s+to\s+(?:sign|approve)|needs?\s+to\s+(?:sign|approve)|(?:is|are)\s+the\s+(?:decision\s+maker|one\s+who\s+signs))\b|"
    rf"\b(?:final|last)\s+(?:decision|call|say|word|sign[- ]?off|approval)\s+(?:is|sits|rests|lies|will\s+be)?\s*(?:with|up\s+to|for)\b|"
    rf"\b(?:decision|call)\s+is\s+(?:not\s+mine|taken\s+together|(?:made|taken)\s+by|up\s+to)|\bnot\s+(?:my|me)\s+(?:call|decision)\b|"
    rf"{_I}\s*(?:not|n{APOS}t)\s+(?:the\s+)?(?:one\s+who|person\s+who|decision[- ]maker|final\s+decision|sign)|"
    rf"\b(?:recommend(?:s|ation)?|shortlist|legwork|evaluat\w+|comparison|research(?:ing)?\s+options|"
    rf"on\s+behalf\s+of|(?:buying|selection|steering|purchasing)\s+(?:committee|group|team)|majority\s+vote|we\s+vote|"
    rf"beg\s+(?:the\s+)?\w+\s+to\s+approve|get\s+(?:sign[- ]?off|approval)\s+from|need\s+(?:sign[- ]?off|approval)\s+from)\b", re.I)

_DECIDER = re.compile(
    rf"{_I}\s*(?:sign|decide|approve|make\s+(?:the\s+)?(?:final\s+)?(?:call|decision|purchasing\s+decisions?)|"
    rf"(?:have|own)\s+(?:the\s+)?(?:final\s+say|budget|sign[- ]?off)|call\s+the\s+shots|"
    rf"(?:be\s+)?sign(?:ing)?\s+(?:off|it|this|the)|(?:be\s+)?the\s+one\s+signing|can\s+approve)\b|"
    rf"\b(?:it{APOS}?s|that{APOS}?s|is)\s+(?:my|me)\s+(?:call|decision)\b|\bmy\s+(?:call|decision)\b(?!\s+(?:with|to))|"
    rf"\bno\s+(?:committee|board|procurement)[^.]{0,30}\bjust\s+me\b|\bthe\s+decision\s+is\s+mine\b|\bhold\s+the\s+purse[- ]strings|\bbudget\s+holder\b|\bthe\s+buck\s+stops\s+with\s+me|\bwithin\s+my\s+(?:delegation|authority|sign[- ]?off|budget|remit)|"
    rf"\b(?:who|that)\s+makes?\s+the\s+(?:purchasing\s+|buying\s+|final\s+)?decisions?\b|{_I}\s+(?:am\s+)?the\s+(?:decision[- ]maker|one\s+who\s+(?:signs|decides|approves))|"
    rf"\bsign(?:ing)?\s+off\s+on\s+(?:this|it|tools\s+like\s+this)\s+myself|\bmyself\b", re.I)
_TITLE_DECIDER = re.compile(
    rf"{_I}\s*(?:{APOS}m|am)?\s*(?:the\s+)?(?:sole\s+|co-?)?(?:owner|founder|ceo|chief\s+executive|managing\s+director|president|proprietor)\b|"
    rf"\bas\s+(?:the\s+)?(?:ceo|owner|founder|md|managing\s+director)\b", re.I)
_NEGATED = re.compile(r"\b(?:no|without|not\s+a|no\s+need\s+for\s+(?:a|the)?)\s*$", re.I)


def read_authority(parts: list[Clause], asked: str | None) -> tuple[list[Fact], bool]:
    """The authority fact, if any, and whether the cues conflicted or an asked question went unanswered."""
    found: dict[str, tuple[str, float]] = {}
    for clause in parts:
        t = clause.text
        for name, rx in (("none", _NONE), ("influencer", _INFLUENCER), ("decision_maker", _DECIDER)):
            if name in found:
                continue
            for m in rx.finditer(t):
                if _NEGATED.search(t[: m.start()][-25:]):
                    continue  # "no committee", "no board approval needed"
                if name == "influencer" and re.search(r"\b(?:without|no)\b[^.]{0,20}$", t[: m.start()]):
                    continue
                found[name] = (m.group(), 0.85)
                break
        if "decision_maker" not in found:
            m = _TITLE_DECIDER.search(t)
            if m:
                found["decision_maker"] = (m.group(), 0.7)
    for name in ("none", "influencer", "decision_maker"):
        if name in found:
            evidence, conf = found[name]
            unsure = len(found) > 1 and name != "influencer"
            return [Fact(field="authority", value=name, evidence=evidence, confidence=conf)], unsure
    return [], asked == "authority"
