"""Short answers: "yes", "nope", "me", "Q3" mean something only next to the question just asked."""

from __future__ import annotations

import re

from bot.extract.rules.text import APOS
from bot.facts import Fact

_YES = r"(?:yes|yeah|yep|yup|yas|yh|yea|yeh|sure|definitely|absolutely|of\s+course|correct|indeed|we\s+do|i\s+do|certainly|100%|affirmative|si|ja|oui)"
_NO = r"(?:no|nope|nah|not\s+really|not\s+at\s+all|none|nothing|zero|nil|negative|never|no\s+way|not\s+me|nein|non)"
# Trailing qualifiers that do not change a short answer: "none atm", "not sure yet tbh".
_TAIL = r"(?:[\s,.!?:)(\-🙂😅👍]*(?:atm|at\s+the\s+moment|right\s+now|for\s+now|currently|yet|sorry|tbh|honestly|really|lol|haha)\b)*[\s,.!?:)(\-🙂😅👍]*"
_SHORT_YES = re.compile(rf"^\s*{_YES}{_TAIL}$", re.I)
_SHORT_NO = re.compile(rf"^\s*{_NO}{_TAIL}$", re.I)
_ME = re.compile(rf"^\s*(?:(?:{_YES}[\s,.!]+)?(?:it{APOS}?s\s+|that{APOS}?s\s+|just\s+|only\s+|all\s+)?me|myself|(?:{_YES}[\s,.!]+)?(?:i\s+do|i\s+am|i{APOS}?m\s+the\s+one)(?:[\s,.!]+{_YES})?|yes,?\s+(?:it{APOS}?s\s+)?me|me,?\s+(?:myself|alone)){_TAIL}$", re.I)
_GREETING = r"(?:(?:hi|hello|hey|dear)\b[^,.!\n]{0,20}[,!.]\s*)?"
_ME_FIRST = re.compile(
    rf"^\s*{_GREETING}(?:{_YES}[\s,.!]+)?(?:it{APOS}?s|that{APOS}?s|that{APOS}?d\s+be|that{APOS}?ll\s+be|that\s+(?:would|will)\s+be)\s+me\b|"
    # "me I guess?", "me, really": a hedge or a comma after "me" (a bare "me?" is a question back)
    rf"^\s*(?:mostly|mainly|largely|basically|pretty\s+much|primarily)\s+me\b|"
    rf"^\s*(?:me|myself)(?![^.;]{{0,40}}\b(?:and|&|plus|with)\b)(?:,?\s*(?:I\s+(?:guess|suppose|think|reckon|believe)|probably|really|mostly|basically|honestly|mainly|obvs|obviously|ofc|lol|haha)\b\s*[?.!,;:—–-]?|\s*[.,;!—–-])", re.I)
_UNDECIDED = re.compile(rf"^\s*(?:not\s+yet|tbd|tbc|not\s+sure|no\s+idea|dunno|don{APOS}?t\s+know|depends|it\s+depends|maybe|unsure|pending){_TAIL}$", re.I)
_APPROVER = (r"(?:ceo|cfo|coo|cro|cto|cmo|vp|director|head|boss|manager|board|owner|founder|president|procurement|finance|"
             r"partners?|md|gm|committee|leadership|management|chairman|chair)")
# "my boss", "the CFO", "nope, that's Jenny our COO": someone else signs.
# The writer and someone else: "partly me", "me and my co-founder".
_SHARED = re.compile(rf"^\s*(?:(?:partly|partially|half)(?:\s+me)?|in\s+part|sort\s+of|kind\s+of|to\s+some\s+extent|me\s*(?:and|&|\+|plus|with|along\s+with)\s*(?:(?:my|our|the)\s+)?[\w-]+(?:\s+\w+)?(?:,?\s+(?:together|jointly))?|(?:both|all)\s+of\s+us|(?:my|our)\s+\w+\s+and\s+(?:me|I)|jointly|shared){_TAIL}$", re.I)
# Opening with the writer and someone else: "me and my business partner, we split it".
_SHARED_FIRST = re.compile(rf"^\s*{_GREETING}(?:(?:it{APOS}?s|that{APOS}?s)\s+)?(?:me|myself)\s*(?:and|&|\+|plus)\s*(?:my|our|the)\s+[\w-]+", re.I)
_SOMEONE_ELSE = re.compile(rf"^\s*(?:(?:no|nope|nah|not\s+me)(?:\s+(?:tbh|honestly|really|sorry))?[\s,.!]+)?(?:that{APOS}?s\s+|it{APOS}?s\s+|that\s+would\s+be\s+)?(?:(?!(?:i{APOS}?m|im|i\s+am)\b)(?:\w+\s+)?(?:my|our|the)\s+(?:\w+\s+)?{_APPROVER}\b|(?:procurement|purchasing|finance|legal|management|leadership|(?-i:IT)|{_APPROVER})\s*(?:team|dept|department)?\s*[.!]?\s*$)", re.I)
_BUDGET_SET = re.compile(rf"^\s*(?:{_YES}[\s,.!]*)?(?:it{APOS}?s\s+|budget{APOS}?s?\s+(?:is\s+|has\s+been\s+)?)?(?:already\s+)?(?:approved|allocated|signed\s+off|in\s+place|set\s+aside|confirmed|secured){_TAIL}$", re.I)
_NOW = re.compile(rf"^\s*(?:now|today|right\s+now|immediately|this\s+week|asap|yesterday|urgently|urgent){_TAIL}$", re.I)


def read_short_answer(text: str, asked: str | None) -> list[Fact]:
    """Facts from a reply of a few words, read against ``asked``; [] when it is not such a reply."""
    t = text.strip()
    if asked == "authority" and _SHARED_FIRST.match(t):
        return [Fact(field="authority", value="influencer", evidence=_SHARED_FIRST.match(t).group().strip(), confidence=0.5)]  # type: ignore[union-attr]
    if asked == "authority" and _ME_FIRST.match(t):
        return [Fact(field="authority", value="decision_maker", evidence=_ME_FIRST.match(t).group().strip(), confidence=0.6)]  # type: ignore[union-attr]
    if not asked or len(t) > 40 or len(t.split()) > 6:
        return []
    if asked == "budget":
        if _SHORT_YES.match(t) or _BUDGET_SET.match(t):
            return [Fact(field="budget_status", value="allocated", evidence=t, confidence=0.6)]
        if _UNDECIDED.match(t):
            return [Fact(field="budget_status", value="undecided", evidence=t, confidence=0.6)]
        if _SHORT_NO.match(t):
            return [Fact(field="budget_status", value="none", evidence=t, confidence=0.6)]
    if asked == "authority":
        if _SHARED.match(t):
            return [Fact(field="authority", value="influencer", evidence=t, confidence=0.5)]
        if _ME.match(t) or _SHORT_YES.match(t) or _ME_FIRST.match(t):
            return [Fact(field="authority", value="decision_maker", evidence=t, confidence=0.6)]
        if _SOMEONE_ELSE.match(t):
            return [Fact(field="authority", value="influencer", evidence=t, confidence=0.5)]
        if _SHORT_NO.match(t):
            return [Fact(field="authority", value="influencer", evidence=t, confidence=0.5)]
    if asked == "need":
        if _SHORT_YES.match(t):
            return [Fact(field="need", value="confirmed", evidence=t, confidence=0.6)]
        if _SHORT_NO.match(t):
            return [Fact(field="need", value="none", evidence=t, confidence=0.6)]
    if asked == "timeline":
        if _NOW.match(t):
            return [Fact(field="timeline_bucket", value="now", evidence=t, confidence=0.6)]
        if _SHORT_NO.match(t):
            return [Fact(field="timeline_bucket", value="none", evidence=t, confidence=0.5)]
    if asked == "company" and _ME.match(t):
        return [Fact(field="employees", value=1, evidence=t, confidence=0.6)]
    return []
