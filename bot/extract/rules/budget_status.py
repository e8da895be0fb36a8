"""Budget status cues: money set aside (``allocated``), none to spend (``none``), or not settled (``undecided``).

Cues are built from parts rather than listed sentence by sentence: a settling verb under a
negation or "yet" ("hasn't been signed off", "nothing is locked in yet", "still to be
determined") is undecided; a lack or loss of money ("no funds", "spending is on hold", "it was
scrapped") is none; reserving or approving money ("ring-fenced", "earmarked", "budget's there",
"low five figures") is allocated.
"""

from __future__ import annotations

import re

from bot.extract.rules.text import APOS
from bot.extract.prefilter import cue

_NEG = rf"(?:n{APOS}?t|\s+not|\s+never)"
_SETTLED = (r"(?:decided|set|approved|finali[sz]ed|confirmed|fixed|defined|allocated|agreed|signed[\s-]off|budgeted|locked(?:\s+in)?|"
            r"determined|pinned\s+down|sanctioned|released|earmarked|sorted)")
_MONEY = r"(?:money|budget|funds?|funding|cash|spend|spending|purchases|purchasing|capex|opex)"

UNDECIDED = cue(
    # Someone else has yet to set the figure: "budget is up to the board", "finance will set the budget".
    rf"\b{_MONEY}\s+(?:is|{APOS}s|will\s+be)\s+(?:entirely\s+|really\s+)?(?:up|down)\s+to\s+(?:the|our|my)\s+(?:\w+\s+)?(?:board|finance|cfo|ceo|coo|md|owners?|founders?|partners|directors?|management|committee|boss|council|trustees|governors|procurement|head\s+office)\b|"
    rf"\b(?:board|finance|cfo|ceo|management|committee|owners?|partners|directors|head\s+office|procurement|trustees)\s+(?:will\s+|{APOS}ll\s+|still\s+(?:has|have)\s+to\s+|(?:has|have)\s+yet\s+to\s+)(?:decide|set|agree|approve)\s+(?:on\s+)?(?:the\s+|a\s+|our\s+)?{_MONEY}\b|"
    rf"\bnot\s+(?:been\s+|yet\s+)?{_SETTLED}\b|\bnothing\s+(?:is\s+|has\s+been\s+)?{_SETTLED}\b|\bballpark\b|\b(?:need|have|got)\s+to\s+(?:check|confirm|clear\s+it|run\s+it\s+by|talk\s+to|speak\s+(?:to|with)|ask|consult)\s+(?:with\s+)?(?:my|our|the)?\s*(?:\w+\s+)?(?:finance|cfo|ceo|boss|board|manager|director|owner|partners?|accountant|management|team)\b|\b(?:try|hope|want|need)\s+to\s+get\s+(?:something|it|this|that|budget|money|a\s+budget)\s+(?:approved|signed\s+off|allocated)|\bif\s+(?:the\s+)?(?:trial|pilot|demo|test|poc)\s+(?:goes|works|is\s+successful)\b|\b(?:don{APOS}?t|do\s+not|no)\s+(?:\w+\s+){{0,3}}?budget\b[^.;]{{0,20}}\bbut\b[^.;]{{0,30}}\b(?:could|might|may|can|would)\b|\btoo\s+(?:early|soon)\s+to\s+(?:talk|say|discuss|commit|put)\b|(?:n{APOS}t|\bnot)\b[^.;?]{{0,40}}\bbudget\b[^.;?]{{0,20}}\byet\b|\bbudget\b[^.;?]{{0,30}}\b(?:n{APOS}t|not)\b[^.;?]{{0,30}}\byet\b|\bno\s+(?:budget|money|funds?)\s+(?:has\s+been|is|was)\s+(?:\w+\s+)?{_SETTLED}\s+yet\b|\b(?:will|{APOS}ll|going\s+to)\s+(?:decide|set|agree|figure\s+out|work\s+out|determine|look\s+at)\s+(?:on\s+|the\s+)?(?:budget|numbers|figures|amount|spend)\b|\b(?:has|have|is|are|was|were|had){_NEG}\s+(?:yet\s+)?(?:been\s+)?(?:\w+\s+)?{_SETTLED}\b|"
    rf"\b(?:waiting|wait)\s+(?:on|for)\s+(?:the\s+|our\s+|my\s+)?(?:\w+\s+){{0,2}}?(?:approval|sign[- ]?off|board|finance|budget|cfo|ceo|boss|management|go[- ]ahead|confirmation)|"
    rf"\b(?:amount|figure|number|size)\s+(?:is\s+)?(?:still\s+)?(?:unknown|unclear|open|tbd|tbc)\b|\bnext\s+year{APOS}s\s+budget\b|"
    rf"\b(?:pending|awaiting|subject\s+to)\s+(?:\w+\s+)?(?:approval|sign[- ]?off)|\bTB[DC]\b|\bdepends?\s+(?:\w+\s+)?(?:on|what|how|whether)\b|\bdepending\s+on\b|"
    rf"\bwill\s+depend\b|\bnot\s+sure\b|\bno\s+idea\b|\bhaven{APOS}?t\s+(?:set|decided|agreed|allocated|talked|discussed|got\s+to|thought\s+about|looked\s+at|considered|worked\s+out)|"
    rf"\bnothing{APOS}?s?\s+(?:is\s+|has\s+)?(?:been\s+)?(?:set\s+aside|allocated|approved|{_SETTLED})(?:\s+in)?\s+yet|\bno\s+budget\s+(?:set\s+)?yet\b|"
    rf"\bno\s+(?:number|figure|amount|budget)\s+(?:\w+\s+)?yet\b|\b(?:don{APOS}?t|do\s+not|doesn{APOS}?t)\s+(?:have|know)\s+(?:a|the|an|any|our)\s+(?:exact\s+|firm\s+|final\s+|real\s+)?(?:number|figure|amount|budget)\s+yet\b|\blet\s+me\s+(?:check|confirm|ask|talk|speak|clear\s+it)\s+(?:with\s+|to\s+)?(?:my|our|the)?\s*(?:\w+\s+)?(?:finance|cfo|ceo|boss|board|manager|director|owner|partners?|accountant|management)\b|\bstill\s+(?:working|figuring)\s+(?:it\s+|that\s+)?out\b|"
    rf"\b(?:can{APOS}?t|cannot|won{APOS}?t|rather\s+not|not\s+(?:able|ready)\s+to)\s+(?:\w+\s+)?(?:give|commit|say|put|name)\b(?:\s+\w+){{0,3}}?\s+(?:figure|number|amount|budget|yet)\b|"
    rf"\b(?:can{APOS}?t|cannot|won{APOS}?t|not\s+(?:able|ready)\s+to)\s+(?:share|tell|disclose)\b(?:\s+\w+){{0,4}}?\s+yet\b|"
    rf"\b(?:isn{APOS}?t|is\s+not)\s+something\s+I\s+can\s+(?:give|share|tell)|\bcan{APOS}?t\s+say\s+yet\b|"
    rf"\bunder\s+review\b|\b(?:need|have)\s+to\s+(?:build|make|write|put\s+together|prepare)\s+(?:a|the|our)\s+business\s+case\b|\bneeds?\s+(?:to\s+be\s+approved|the\s+\w+{APOS}s\s+(?:blessing|approval|sign[- ]?off|ok))|\bmust\s+be\s+approved|"
    rf"\b(?:have|need)\s+to\s+get\s+(?:a|the|it|that|this|any)\s*(?:figure|number|budget|amount)?\s*(?:approved|signed\s+off)|"
    rf"\bstill\s+(?:to\s+be\s+)?(?:decided|set|approved|determined)|\b(?:to\s+be|will\s+be)\s+(?:decided|set|determined|agreed|confirmed)\b|"
    rf"\bnot\s+(?:decided|set)\s+yet|\bundecided\b|\bwe{APOS}?ll\s+see\b|\bopen\s+to\s+(?:suggestions|proposals)\b|\bup\s+in\s+the\s+air\b|"
    rf"\bbudget\s+(?:planning|cycle|round|process|season)\b|\b(?:I|we){APOS}?ll\s+know\s+(?:more|then|later|after|by|in|once)\b|\buntil\s+(?:we|I)\s+see\b", re.I)

NONE = cue(
    rf"\bno\s+budget\b(?!\s+(?:limit|constraint|cap|issue|problem))(?![^.;]*\byet\b)|"
    rf"(?<!\bwho\s)(?<!\bthey\s)(?<!\bthat\s)\b(?:can{APOS}?t|cannot|can\s+not|couldn{APOS}?t|unable\s+to|not\s+able\s+to)\s+afford(?!\s+us\b)|\bzero\s+(?:budget|money|funds|spend)|"
    rf"\bbudget\s+(?:is|of)\s+(?:zero|nil|nothing)\b|\bno\s+(?:runway|(?:spare|extra|additional|more|further|leftover|remaining)\s+(?:cash|money|budget|funds|funding)|(?:cash|money)\s+to\s+spare)\b|\bno\s+(?:money|funds|funding|cash)\b(?!\s+(?:issue|problem))|"
    rf"\b(?:don{APOS}?t|do\s+not|doesn{APOS}?t|does\s+not)\s+(?:\w+\s+)?have\s+(?:a|any|the)?\s*(?:dedicated\s+|specific\s+|separate\s+|real\s+)?{_MONEY}\b|"
    rf"\b(?:have|has)\s+not\s+(?:got\s+)?(?:a\s+|any\s+)?(?:budget|money|funds)\b(?![^.;]*\byet\b)|"
    rf"\b{_MONEY}s?\s+(?:was|got|has\s+been|have\s+been|is|are)\s+(?:\w+\s+)?(?:cut|frozen|slashed|gone|pulled|scrapped|axed|cancell?ed|paused|(?:put\s+)?on\s+hold)|"
    rf"\b(?:it|that|which)\s+(?:was|got|has\s+been)\s+(?:cut|pulled|scrapped|axed|cancell?ed|slashed|frozen)\b|"
    rf"\bnot\s+in\s+(?:the|our)\s+budget|\bnothing\s+(?:left\s+)?(?:budgeted|in\s+the\s+budget|to\s+spend)|\bright\s+now\s+there{APOS}?s\s+nothing\b|"
    rf"\b(?:budget|spending|hiring)\s+freeze|\bout\s+of\s+(?:our\s+)?budget\b|\bnot\s+(?:a|one)\s+(?:cent|penny|dime|dollar|euro|pound)\b(?!\s+(?:more|over|above))|\b(?:unable\s+to|not\s+able\s+to|can{APOS}?t|cannot)\s+commit\s+any\s+(?:funds|money|budget|spend)\b|\b(?:can{APOS}?t|cannot|unable\s+to)\s+spend\b|\bstretched\s+(?:thin|too\s+thin)\b|\b(?:finance|the\s+cfo|our\s+cfo|the\s+board|my\s+boss|management)\s+(?:said|says|has\s+said)\s+no\b|\bbudget\s+(?:request\s+)?(?:was\s+)?(?:rejected|declined|denied|turned\s+down)\b|\b(?:got|have|there{APOS}?s)\s+nothing\s+(?:until|till|before|left|this\s+year|for\s+(?:this|it|now))\b|\bwe{APOS}?re\s+(?:broke|bootstrapped|skint)\b|\b(?:money|cash|funds?|budgets?){APOS}?s?\s+(?:is\s+|are\s+)?(?:very\s+|really\s+|super\s+)?(?:tight|scarce|short)\b|^\s*(?:zero|nil|nothing|none|nada)\s*[.!,]|\bnone\s+really\b|\bbudget\W+(?:none|zero|nil|nothing)\b|"
    rf"\bcan{APOS}?t\s+justify\s+(?:any\s+|the\s+)?(?:spend|cost|spending|expense)|\b(?:won{APOS}?t|will\s+not)\s+be\s+spending\b|"
    rf"\bnot\s+spending\s+(?:anything|any\s+money)|\bfree\s+(?:tools?|plans?|options?)\s+only\b|\bonly\s+(?:free|use\s+free)\b", re.I)

ALLOCATED = cue(
    rf"\b(?:we|I|they)\s*(?:{APOS}ve|\s+have|\s+do\s+have)\s+(?:got\s+)?(?:(?:a|the|some|my|our)\s+(?:own\s+|discretionary\s+|dedicated\s+|separate\s+){{0,2}})?budget\b(?!\s+(?:yet|constraints?|issues?|problems?|cycle|process|review|planning|meeting))|\bbudget\s+(?:already\s+)?(?:approved|allocated|signed\s+off|secured)\s+for\b|"
    rf"\b(?:we|I)\s*(?:{APOS}ve|\s+have)\s+(?:got\s+)?(?:the\s+)?(?:money|budget|funds)\s+for\b|"
    rf"\bbudget\s+(?:is|has\s+been|was)\s+(?:already\s+)?(?:approved|allocated|set|signed\s+off|in\s+place|available|secured)\b|"
    rf"\b(?:approved|allocated|secured)\s+budget\b|\b(?:reserved|ring[- ]?fenced|earmarked|set\s+aside|allocated)\s+(?:some\s+)?(?:funds|money|budget)\b|"
    rf"\b(?:budget|money|funds|funding|cash){APOS}?s?\s+(?:is\s+|are\s+)?(?:definitely\s+|already\s+)?there\b|\bgot\s+it\s+(?:approved|signed\s+off)\b|"
    rf"\b(?:money|budget|cost|price|funding|spend)\s+(?:isn{APOS}?t|is\s+not|won{APOS}?t\s+be|shouldn{APOS}?t\s+be|is\s+no|is\s+not\s+really)\s+(?:the\s+|an?\s+|really\s+a\s+)?(?:issue|problem|concern|blocker|obstacle)\b|"
    rf"\b(?:funds|money|budget|cash)\s+(?:\w+\s+)?(?:earmarked|ring[- ]?fenced|reserved|set\s+aside|put\s+aside|allocated)\b|"
    rf"\b(?:low|mid|high)?[-\s]?(?:three|four|five|six|seven|3|4|5|6|7)\s+figures?\b|\bin\s+(?:this|next)\s+year{APOS}s\s+(?:plan|budget)\b", re.I)
