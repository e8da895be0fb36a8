"""The vocabulary of the timeline rules: dates, relative periods, bounds and the cues around them.

Compiled once; ``timeline.py`` turns the matches into days from the message's date. Split from it
to keep each file readable at once.
"""

from __future__ import annotations

import calendar
import re

from bot.extract.rules.text import APOS, NUMBER_WORDS, SMALL_WORDS
from bot.extract.prefilter import cue

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
MONTH_RE = r"(?:january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\b\.?"
CUE = r"(?:by|before|in|until|till|til|for|during|around|on|latest|not?\s+later\s+than|ideally|target(?:ing)?)"
END = r"(?:(?:the\s+)?(?:end|close|middle|start|beginning)\s+of\s+(?:the\s+)?)"
ORD = r"(?:st|nd|rd|th)?"
NEXT_YEAR = r"(?P<ny>(?:,?\s+|\s+of\s+)next\s+year)"

MEETING = cue(r"\b(?:demo|(?<!\bmake\s)(?<!\bmake\sa\s)(?<!\bmake\sthe\s)(?<!\bmaking\sa\s)(?<!\bmaking\sthe\s)(?<!\bmy\s)(?<!\bfinal\s)(?<!\btheir\s)(?<!\bhis\s)(?<!\bher\s)call(?!\s+(?:is|was|will\s+be)\s+(?:mine|yours|theirs|his|hers))|meeting|session|workshop|meet|talk|speak|catch\s+up|walk\s*through|webinar|minutes|invite|chat\s+(?:then|on|at)|available|free\s+(?:on|at)|shortlist|report\s+back|circle\s+back|get\s+back\s+to|send\s+(?:you|her|him|them|over|across)|reply|respond)\b", re.I)
NOT_PAST_ED = "interested|based|located|focused|planned|scheduled|supposed|expected|required|needed|excited|committed|prepared|aimed|hoped"
PAST = cue(rf"\b(?:we|I|i|they)\s+(?:(?:just|already|recently|also|then|finally|originally|previously|actually)\s+)?(?!(?:{NOT_PAST_ED}|need|feed|speed|proceed|succeed|exceed)\b)\w{{2,}}ed\b|\b(?:started|began|joined|since|was|were|ago|launched|moved|left|founded|established|had|did|went|last|used|previous(?:ly)?)\b|{APOS}d\s+been", re.I)
# Internal planning is not a buying date: "finishing our 2027 planning in October".
PLANNING = cue(r"\b(?:planning|budget(?:ing)?\s+(?:round|cycle|season|process)|board\s+meeting|offsite|reorg\w*)\s*$", re.I)
# The date the fiscal year starts, or an internal planning round, is no buying date ("our financial year starts in April").
NOT_A_BUYING_DATE = cue(
    r"\b(?:(?:fiscal|financial|budget|tax)\s+year\s+(?:starts|begins|kicks\s+off|runs\s+from|rolls\s+over|resets|opens)|"
    r"planning\s+(?:round|cycle|process|meeting|session|season)|budget(?:ing)?\s+(?:round|cycle|season|process))(?:\s+(?:is\s+)?(?:in|on|from|at))?\s*$", re.I)
BUDGETY = re.compile(r"[$€£¥₹]|\d\s?k\b|\bbudget|\bafford|\bmoney\b|\bfunds\b|\breforecast|\bfiscal|\bfinancial\s+year|\brevenue|\bspend", re.I)

INTENT = re.compile(
    r"\b(?:buy(?:s|ing)?|purchas\w*|sign\w*|decid\w*|decision|live|launch\w*|start\w*|implement\w*|roll\w*|set\s+up|in\s+place|"
    r"running|working|have|get|switch\w*|move|go|want|need|looking|plan\w*|aim\w*|ready|onboard\w*|like|hoping|hope|"
    r"asap|urgent\w*|immediately|timeline|timeframe|not\s+(?:before|until))\b", re.I)
NONE = cue(
    rf"\bno\s+(?:purchase|buying|buy)\s+(?:planned|scheduled|intended|in\s+sight|on\s+the\s+horizon)\b|\bno\s+(?:\w+\s+)?(?:plans?|intention|intent)\s+(?:\w+\s+){{0,2}}?(?:to|of)\s+(?:buy|buying|purchas\w*|switch\w*|chang\w*|invest\w*|get\w*)|"
    rf"(?:\bnot|n{APOS}t)\s+(?:really\s+)?(?:looking|planning|going|intending)\s+(?:on\s+|to\s+)(?:buy\w*|purchas\w*|switch\w*|chang\w*)|\bnot\s+in\s+the\s+market\b|(?:\bnot|n{APOS}t)\s+be\s+looking\s+(?:at|for)\s+(?:any\s+)?(?:alternatives|other\s+(?:tools|vendors|options|solutions|providers)|anything\s+else)\b|(?:\bnot|n{APOS}t)\s+(?:really\s+)?(?:want|plan|intend)\s+to\s+(?:buy|purchase)\b(?=\s*(?:anything|now|yet|at\s+the\s+moment|right\s+now|for\s+now|[,.;!]|$))|\bnot\s+(?:planning|budgeting\s+for|considering)\s+(?:any|a)\s+(?:new\s+)?(?:purchases?|investments?|spend|switch|change)\b|"
    rf"\b(?:won{APOS}?t|will\s+not)\s+be\s+(?:buying|purchasing)|\b(?:won{APOS}?t|will\s+not|not)\s+be\s+(?:pursuing|proceeding\s+with|taking\s+(?:this|it|things)\s+(?:any\s+)?further)\b|\bnot\s+buying\b|\b(?:nobody|no\s+one|no-one)(?:\s+here|\s+else)?(?:\s+is|{APOS}s|\s+will\s+be)\s+(?:buying|purchasing)\b(?=\s+(?:anything|any\b|a\s+new|new\s+(?:tools|software)|this\b|it\b|yet|now|right\s+now|at\s+the\s+moment|for\s+now)|\s*[,.;!]|\s*$)|\bno\s+timeline\s+(?:at\s+all|whatsoever)", re.I)
# "not for at least 18 months": a lower bound with no date, so a bucket without days.
NOT_FOR = re.compile(rf"\bnot\s+(?:for|within|in)\s+(?:at\s+least\s+|another\s+|the\s+next\s+|the\s+coming\s+)?(?P<n>\d+|{NUMBER_WORDS}|{SMALL_WORDS})?\s*(?P<unit>months?|years?)\b", re.I)
DAY_OF_MONTH = re.compile(r"\b(?:by|before|until|till|on|no\s+later\s+than)\s+the\s+(?P<d>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b(?!\s+(?:of|century|floor|percent))", re.I)
NEW_YEAR = cue(r"\b(?:in|after|early\s+in|at\s+the\s+start\s+of)\s+the\s+new\s+year\b", re.I)
NOW = cue(r"(?<!\bnothing\s)(?<!\bnot\s)(?<!\bno\s)(?<!\bnot\sthat\s)\b(?:(?:ideally|like|by|(?:need|needs|needed|want|wanted)(?:\s+(?:it|this|that|them))?)\s+yesterday|asap|a\.s\.a\.p\.?|as\s+soon\s+as\s+(?:possible|we\s+can)|right\s+away|immediately|urgent(?:ly)?|straight\s+away)\b", re.I)
NOT_BEFORE = cue(
    rf"(?:(?:\bnot|\b\w+n{APOS}t|\bnothing|\bnever)\s+(?:[\w-]+\s+){{0,6}}?(?:before|until|till|til|this\s+side\s+of)|\bno\s+(?:earlier|sooner)\s+than|\bthis\s+side\s+of|"
    rf"\b(?:frozen|on\s+hold|paused|locked|postponed|parked|shelved|deferred)\s+(?:\w+\s+){{0,2}}?(?:until|till|til|to)|\b(?:freeze|moratorium)\s+(?:\w+\s+){{0,2}}?(?:until|till|til)|\bpushed\s+(?:back\s+)?to)"
    rf"\s+(?:(?:the\s+)?(?P<part>end|start|beginning|middle)\s+of\s+|(?P<part2>mid|early|late)[-\s]?)?(?:(?P<mon>{MONTH_RE})\s*)?(?P<y>20\d\d)\b", re.I)
# "won't be buying this year (or next)": a lower bound, not "never".
NOT_THIS_YEAR = re.compile(
    r"^\s*(?:anything\s+|any\s+\w+\s+|another\s+\w+\s+|a\s+\w+\s+)?(?:this\s+(?:year|quarter|month|fiscal|financial)|before|until|till|yet|"
    r"in\s+(?:20\d\d|Q[1-4]|the\s+next|the\s+coming|\w+\s+20\d\d))\b", re.I)
OR_NEXT = re.compile(r"^\s*(?:anything\s+|any\s+\w+\s+)?this\s+year\s+or\s+(?:the\s+)?next\b", re.I)
# "no plans atm" answering "when?": no plan to buy.
NO_PLANS = re.compile(r"\bno\s+(?:real\s+|concrete\s+|firm\s+|immediate\s+)?plans?\b(?!\s+(?:for|to)\b)(?=\s*(?:atm|at\s+the\s+moment|right\s+now|for\s+now|currently|at\s+present|as\s+of\s+now|[.!,;]|$))", re.I)
# "after the summer": a lower bound at the end of the season or holiday, no day.
AFTER_EVENT = re.compile(r"\b(?:after|once)\s+(?:the\s+)?(?P<e>summer|winter|spring|autumn|fall|holidays|holiday\s+season|christmas|xmas|new\s+year|easter)\b(?:\s+(?:break|holidays?|is\s+over))?", re.I)
# "january-ish", "March or so": a month named alone.
MONTH_ISH = cue(rf"\b(?P<mon>{MONTH_RE})(?:[-\s]?ish\b|\s+or\s+so\b|\s+probably\b|\s+at\s+the\s+latest\b)", re.I)
# "end of month", "quarter-end", "EOM": this period's end.
PERIOD_END = cue(r"\b(?:(?:end|close)\s+of\s+(?P<u>month|quarter)|(?P<u2>month|quarter)[-\s]end|EO(?P<u3>[MQ]))\b(?!\s*(?:figures|report|close))", re.I)

# "until 2029 at the earliest": a lower bound like "not before 2029".
AT_EARLIEST = cue(
    rf"\b(?:(?:until|till|before|in)\s+)?(?:(?P<mon>{MONTH_RE})\s*)?(?P<y>20\d\d)\b[^.;,]{{0,30}}?\b(?:at\s+the\s+earliest|earliest)\b|\b(?:earliest|at\s+the\s+earliest)[\s,:-]+(?:in\s+)?(?P<y2>20\d\d)\b", re.I)

# A date something else starts on ("peak season starts next month") is no deadline for buying.
EVENT_START = re.compile(
    r"\b(?:starts?|starting|begins?|beginning|kicks?\s+off|opens?|arrives?|ends?|ending|expires?|expiring|lapses?|runs?\s+out|"
    r"shuts?\s+down|shutting\s+down|(?:switch\w*|turn\w*|shut\w*)\s+(?:\w+\s+){0,3}off|closes?|closing|is\s+up|renews?|goes\s+away|(?:is|are)\s+(?:being\s+)?(?:switched|turned)\s+off)\s+$", re.I)

# "we can't buy anything this year": a negated date is no deadline ("not later than June" still is).
NEGATED_BEFORE = re.compile(rf"(?:\bnot|\b\w+n{APOS}t|\bnever|\bnobody|\bno\s+one|\bno-one)(?:\s+(?!(?:later|after|beyond|longer|more|than)\b)\w[\w-]*){{0,5}}\s*$", re.I)
# A sentence that is only a date, as typed under a quoted "When do you want to be live?": an answer about timing.
DATE_ANSWER = re.compile(r"^\s*(?:ideally\s+|hopefully\s+|probably\s+|realistically\s+)?(?:by|before|within|no\s+later\s+than|(?:the\s+)?end\s+of)\s+(?:\S+\s*){1,4}[.!]?\s*$", re.I)
STARTS_AFTER = cue(r"\s*(?:starts|begins|kicks\s+off|comes\s+round|rolls\s+around)\b", re.I)
# A contrast between two dates: the one after it is the plan ("our renewal is in January, but we aim to decide by Q2").
DATE_CONTRAST = cue(r"\b(?:but|however|though|whereas|realistically|more\s+realistically)\b", re.I)

# A date named first and referred back to: "... ends 30 September and we need to commit before then".
THEN_DATE = cue(rf"\b(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH_RE})|(?P<mon2>{MONTH_RE})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b", re.I)
# A deadline set by the start of an event: "before our season starts (in October)".
BEFORE_EVENT = re.compile(r"\b(?:before|ahead\s+of|in\s+time\s+for|by\s+the\s+time)\b[^.;]{0,50}\b(?:starts?|begins?|kicks?\s+off|opens?|launch(?:es)?)\s+$", re.I)
BEFORE_THEN = re.compile(r"\b(?:before|by|until|till)\s+then\b", re.I)

REL_UNIT = cue(
    rf"\b(?P<cue>in|within|inside|over|during|for)\s+(?:the\s+)?(?P<nx>next\s+|coming\s+)?(?:(?:about|around|roughly|approximately|~)\s*)?(?:(?P<n>\d+|{NUMBER_WORDS}|{SMALL_WORDS})(?:\s*(?:-|–|to|or)\s*(?P<n3>\d+|{NUMBER_WORDS}))?\s+)?"
    rf"(?P<unit>days?|weeks?|fortnights?|months?|years?|quarters?)\b|\b(?:next|coming)\s+(?P<n2>\d+|{NUMBER_WORDS}|{SMALL_WORDS})\s+(?P<unit2>days?|weeks?|months?)\b", re.I)
BARE_REL = cue(rf"\s*(?:(?:about|around|roughly|approximately|~)\s*)?(?P<n>\d+|{NUMBER_WORDS}|{SMALL_WORDS})\s+(?P<unit>days?|weeks?|fortnights?|months?)\s*[.!]?\s*", re.I)
WEEK = cue(r"\b(?P<which>this|next|the\s+coming|end\s+of\s+(?:the|this))\s+week\b(?!{0}s)".format(APOS), re.I)
MONTH_REL = cue(rf"\b(?:{END})?(?P<which>this|next|the)\s+month\b(?!{APOS}s)", re.I)
QUARTER_REL = cue(rf"\b(?:{END})?(?P<which>this|next|the\s+current|the)\s+quarter\b(?!{APOS}s)", re.I)
YEAR_REL = cue(
    rf"\b(?P<mod>early|late|later|sometime|end\s+of|the\s+end\s+of|by\s+the\s+end\s+of|by\s+end\s+of|start\s+of|beginning\s+of)?\s*"
    rf"(?:in\s+)?(?P<which>this|next|the)\s+year\b(?!{APOS}s)|\b(?P<ye>year[-\s]end|EOY|end\s+of\s+(?:the\s+)?year)\b", re.I)
QUARTER = cue(
    rf"\b(?P<cue>{CUE}\s+{END}?|{END})?(?:the\s+)?(?:Q(?P<q>[1-4])|(?P<qw>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)"
    rf"(?:\s*(?:of\s+)?(?:FY\s?)?'?(?P<y>20\d\d|\d\d)\b)?(?:{NEXT_YEAR})?", re.I)
HALF = re.compile(rf"\b(?P<cue>{CUE}\s+{END}?|{END})(?:H(?P<h>[12])|(?P<hw>first|second)\s+half)(?:\s+(?:of\s+)?(?P<y>20\d\d))?(?:{NEXT_YEAR})?", re.I)
MONTH_DATE = cue(
    rf"\b(?P<cue>{CUE}\s+{END}?|{END}|early|mid|late)[\s-]*(?:(?P<d1>\d{{1,2}}){ORD}\s+(?:of\s+)?)?(?P<mon>{MONTH_RE})"
    rf"(?:\s+(?P<d2>\d{{1,2}}){ORD}\b)?(?:,?\s+(?P<y>20\d\d))?(?:{NEXT_YEAR})?", re.I)
BARE_MONTH = re.compile(rf"^\s*(?:(?:the\s+)?(?:end|close)\s+of\s+)?(?P<mon>{MONTH_RE})(?:\s+(?P<y>20\d\d))?\s*[.!]?\s*$", re.I)
BARE_YEAR = re.compile(r"^\s*(?:maybe|probably|possibly|likely|perhaps|hopefully|sometime\s+in|some\s+time\s+in|around|in)?\s*(?P<y>20\d\d)(?:\s+(?:maybe|probably|hopefully|I\s+guess))?\s*[.!?]?\s*$", re.I)
BARE_QUARTER = re.compile(rf"^\s*(?:{END})?Q(?P<q>[1-4])(?:\s+(?P<y>20\d\d))?\s*[.!]?\s*$", re.I)
YEAR = cue(rf"\b(?P<cue>by|before|in|until|during|sometime\s+in|{END})\s*(?P<y>20\d\d)\b", re.I)
FY = cue(r"\b(?:by|before|in|until|during|for|end\s+of)\s+(?:the\s+end\s+of\s+)?FY\s?'?(?P<y>20\d\d|\d\d)\b", re.I)
# "our fiscal year starts in April", "financial year (we run april to march)", "our FY runs July-June".
FY_START = re.compile(
    rf"\b(?:(?:fiscal|financial)\s+year|FY)\s*[(,–-]?\s*(?:(?:we|it|which|ours)\s+)?(?:starts|started|begins|began|runs?(?:\s+from)?|goes(?:\s+from)?|kicks\s+off)\s+"
    rf"(?:in\s+|on\s+|from\s+)?(?:1st\s+|the\s+1st\s+of\s+|1\s+)?(?P<mon>{MONTH_RE})", re.I)
# "by the end of our fiscal year": its last day, once the message says when that year starts.
FY_END = cue(r"\b(?:by|before|until|till|at|for)\s+(?:the\s+)?end\s+of\s+(?:our|the|this|the\s+current)\s+(?:fiscal|financial)\s+year\b|\b(?:by|before)\s+(?:our\s+)?(?:fiscal|financial)\s+year[-\s]end\b", re.I)
HOLIDAY = cue(r"\b(?:by|before|for|until|in\s+time\s+for)\s+(?:the\s+)?(?P<h>christmas|xmas|new\s+year(?:'s)?|thanksgiving|black\s+friday)\b", re.I)
SEASON = cue(r"\b(?:by|before|in|until|over|this|next|during|early|late|mid)[\s-]+(?:the\s+)?(?P<s>spring|summer|autumn|fall|winter)\b(?!\s+(?:season|collection|range|sale))", re.I)
