"""Need: a current problem a lead-qualification product addresses, or a clear "no need".

"No need" covers being happy with what they have, having no use for it, and writing about
something else entirely (job hunting, pitching their own services, homework).
"""

from __future__ import annotations

import re

from bot.extract.rules.text import APOS, Clause
from bot.facts import Fact

_NO_NEED = re.compile(
    rf"\b(?:happy|satisfied|fine|good)\s+with\s+(?:our|what|the|it|them|how|my)\b|\bwe{APOS}?re\s+(?:good|all\s+set|covered|fine)\b(?!\s+at)|"
    rf"\b(?:don{APOS}?t|do\s+not|doesn{APOS}?t|won{APOS}?t)\s+(?:really\s+)?need\s+(?:a|an|any|anything|this|it|the|your|one|such|more)\b|"
    rf"\bno\s+(?:real\s+)?(?:need|use)\s+for\b|\bnot\s+(?:interested|a\s+fit|relevant)\b|\bjust\s+(?:browsing|looking\s+around)\b|\b(?:setup|tool|system|solution|process|bot|crm)\s+(?:works|is\s+working|does\s+the\s+job)(?:\s+\w+)?\s+(?:great|fine|well|perfectly)|"
    rf"\blooking\s+for\s+(?:a\s+)?(?:job|work|an?\s+internship)\b|\b(?:are|is)\s+(?:you|your\s+\w+)\s+(?:guys\s+)?hiring\b|"
    rf"\byou{APOS}?(?:re|\s+are)\s+hiring\b|\bI{APOS}?m\s+a\s+recruiter\b|\b(?:sell|pitch|offer)\s+you\b|\bwe\s+do\s+(?:seo|marketing|ppc|web\s+design|outreach)\b|\bour\s+agency\s+speciali[sz]es\b|"
    rf"\b(?:show|help)\s+you\s+(?:how|get)\b|\bfree\s+audit\b|\bpartnership\s+opportunit|\buni(?:versity)?\s+(?:assignment|project)\b|"
    rf"\bschool\s+(?:assignment|project)\b|\bno\s+problem\s+with\s+(?:our|lead)", re.I)

_PAIN = re.compile(
    rf"\b(?:nobody|no\s+one|noone)\s+(?:\w+\s+){{0,2}}?(?:answers?|owns?|follows?\s+up|gets?\s+back|responds?|replies|picks?\s+up|checks?|handles?|sees?)\b|"
    rf"\b(?:los(?:e|es|ing)|lost|miss(?:es|ing)?|drop(?:s|ping)?)\s+(?:\w+\s+){{0,2}}?(?:deals?|leads?|sales|them|customers|clients|patients|business|track|time|revenue|opportunit\w+|enquiries|inquiries|chats|messages|calls|requests|visitors|a\s+lot)\b|"
    rf"\btoo\s+slow(?:ly)?\b|\bnot\s+(?:\w+\s+)?(?:fast|quick(?:ly)?)\s+enough\b|\bnot\s+answered\b|\bunanswered\b|\bwait(?:s|ing)?\s+(?:hours|days|too\s+long|for\s+days)|"
    rf"\b(?:can{APOS}?t|cannot|can\s+not|unable\s+to)\s+(?:keep\s+up|sort|handle|cope|respond|answer|follow)|"
    rf"\btakes?\s+(?:us\s+)?(?:\S+\s+){{0,4}}?(?:hours|days|a\s+week|weeks)\b|\bsit(?:s|ting)?\s+(?:there|for\s+days|for\s+hours|unanswered|in\s+(?:a|the|our)\s+(?:shared\s+)?inbox)\b|"
    rf"\bwast(?:e|es|ing)\b|\bspend(?:s|ing)?\s+(?:hours|days|ages|too\s+(?:much|long))|\bchasing\s+(?:leads|prospects|people)|\bkilling\s+us\b|\btire[- ]kickers\b|\bswamped\b|\boverwhelmed\b|\bstruggl\w+|\bpain(?:\s+point)?\b|\bbottleneck|"
    rf"\b(?:we|i)\s+(?:really\s+|definitely\s+|badly\s+)?need\s+(?:some(?:thing|\s+kind\s+of|\s+way)|a\s+(?:way|tool|solution|better|bot|system|chatbot)|this|help|better|to\s+(?:qualify|respond|answer|speed|automate|route|filter))|"
    rf"\b(?:looking|search(?:ing)?)\s+for\s+a\s+(?:solution|tool|way|chatbot|system)|\bwe\s+search\s+a\s+solution|\bwant\s+to\s+introduce\b|"
    rf"\bthe\s+need\s+is\s+(?:definitely\s+)?there|\b(?:our|the)\s+(?:main\s+|biggest\s+|big\s+)?problem\s+is|\bbreaks?\s+(?:on|every|all)|"
    rf"\bcosting\s+us\b(?![^.]*\$)|\bby\s+hand\b|\bmanual(?:ly)?\b|\bpushing\s+for\s+better|\bbetter\s+lead\s+(?:routing|qualification)|"
    rf"\bspend\s+(?:most|half|all)\s+of\s+(?:their|our|my)\s+(?:day|time|week)|\bgone\s+cold\b|\bhave\s+already\s+booked\b|"
    rf"\bbooked\s+somewhere\s+else|\bgo(?:ne)?\s+elsewhere\b|\blose\s+them\b|\bcome\s+last\b", re.I)
_NO = re.compile(r"^\s*(?:no|nope|nah|not\s+really)\b", re.I)
_YES = re.compile(r"^\s*(?:yes|yeah|yep|yup|definitely|absolutely|for\s+sure|100%|very\s+much|sure)\b[\s,.!]*(?:we\s+(?:do|need\s+(?:this|it)))?", re.I)


def read_need(parts: list[Clause], asked: str | None) -> tuple[list[Fact], bool]:
    """The need fact: "none" cues beat pain cues (a vendor pitch may describe our problems)."""
    for clause in parts:
        m = _NO_NEED.search(clause.text)
        if m:
            return [Fact(field="need", value="none", evidence=m.group(), confidence=0.85)], False
    for clause in parts:
        m = _PAIN.search(clause.text)
        if m:
            return [Fact(field="need", value="confirmed", evidence=m.group(), confidence=0.8)], False
    if asked == "need" and parts:
        m = _NO.match(parts[0].text)
        if m:
            return [Fact(field="need", value="none", evidence=m.group().strip(), confidence=0.6)], False
        m = _YES.match(parts[0].text)
        if m and m.group().strip():
            return [Fact(field="need", value="confirmed", evidence=m.group().strip(), confidence=0.7)], False
    return [], asked == "need"
