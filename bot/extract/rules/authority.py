"""Authority: does the writer sign, take part in the decision, or have no say at all.

Phrasings beat titles: "my VP signs off" makes the writer an influencer whatever their title,
"no committee, just me" is a decision maker (the negated "committee" is not a cue), and
"I'm just an intern" or "I have no say" is none.
"""

from __future__ import annotations

import re

from bot.extract.rules.text import APOS, Clause
from bot.facts import Fact
from bot.extract.prefilter import CueAlternatives, cue

_I = rf"(?:\bim(?=\s)|(?:\bI|\bi)(?:{APOS}(?:ll|m|d)|\s+(?:will|would|can|do|am|alone))?)"  # "im" as typed in chat
_BOSS = (r"(?:(?-i:IT)|(?-i:HQ)|team\s+lead(?:er)?|line\s+manager|corporate|head\s+office|headquarters|franchisor|shareholders|ceo|cfo|coo|cro|cto|cmo|vp|vice\s+president|director|head|boss|manager|board|owner|founder|president|"
         r"principal|headteacher|head\s+teacher|dean|superintendent|chair(?:man|woman|person)?|trustees|governors|council|"
         r"procurement|purchasing|finance|legal|partner|partners|md|gm|committee|leadership(?:\s+team)?|management|"
         r"he|she|they|who)")
_LOW_ROLE = (r"(?:(?:junior|personal|executive|office|team|marketing|sales|administrative|virtual|summer|part-time|unpaid|new|"
             rf"master{APOS}?s?|phd|mba|university|uni|college|grad|graduate|undergrad(?:uate)?)\s+)?(?:student|intern|trainee|receptionist|assistant|admin\w*|temp|secretary|apprentice|volunteer|work\s+experience)")

# A junior role alone: no part in the purchase, unless the message says they evaluate or recommend.
_LOW = cue(
    rf"\b(?:just|only)\s+(?:an?\s+)?(?:intern|student|trainee|temp)\b|\b(?:nur|solo|seulement|apenas|bara)\s+(?:ein\s+|una?\s+|un\s+)?(?:praktikant\w*|stagiaire|becari[oa]|estagi[áa]ri[oa]|stagista)\b|{_I}\s*(?:{APOS}m|am)?\s*(?:just\s+|only\s+)?(?:an?|the)\s+{_LOW_ROLE}\b", re.I)
_NONE = re.compile(
    rf"{_I}\s*(?:don{APOS}?t|do\s+not|never)\s+make\s+(?:any\s+)?(?:decisions|purchasing\s+decisions|buying\s+decisions)\b(?!\s+(?:alone|on\s+my\s+own|by\s+myself))|"
    rf"{_I}\s*(?:{APOS}m|am)\s+(?:just\s+|only\s+)curious\b|{_I}\s*(?:{APOS}m|am)\s+not\s+(?:really\s+)?(?:part\s+of|involved\s+(?:in|with))\s+(?:that|this|it|any\s+of\s+(?:that|this|it))\b|"
    rf"{_I}\s*(?:don{APOS}?t|do\s+not|never)\s+(?:decide|choose|pick|buy|sign|approve)\s+or\s+(?:evaluate|recommend|choose|pick|buy|sign|review|research)\b|"
    rf"\b(?:won{APOS}?t|will\s+not|wouldn{APOS}?t)\s+be\s+(?:picking|choosing|deciding|signing|involved|the\s+one)|\bnot\s+the\s+right\s+(?:person|contact|one)\b|"
    rf"\b(?:don{APOS}?t|do\s+not|never)\s+get\s+involved\s+(?:in|with)\b|\bno\s+(?:involvement|vote)\s+in\b|\bnot\s+my\s+area\b|"
    rf"\b(?:no|zero|don{APOS}?t\s+(?:get|have)\s+(?:any|a)|do\s+not\s+(?:get|have)\s+(?:any|a)|nothing)\s+(?:say|input|influence|part|vote|involvement)\b|"
    rf"\b(?:nothing|(?:don{APOS}?t|do\s+not)\s+have\s+anything)\s+to\s+do\s+with\s+(?:the\s+)?(?:buying|purchas|decision|procurement|tool)|"
    rf"\bnot\s+(?:\w+\s+)?involved\s+(?:in|with)\s+(?:the\s+|any\s+)?(?:[\w-]+\s+){{0,2}}?(?:buying|purchas\w*|decision\w*|procurement|choos\w*|select\w*|vendor\s+selection)|\bno\s+(?:role|part|say)\s+in\s+(?:the\s+)?(?:[\w-]+\s+){{0,2}}?(?:buying|purchas\w*|decision\w*|choos\w*|select\w*|pick\w*|procurement)|"
    rf"\b(?:not|never)\s+(?:my|me)\s+(?:department|area)\b|\b(?:just|only)\s+helping\s+(?:out\b|a\s+friend|my\s+\w+)|\bjust\s+(?:passing|forwarding)\s+(?:this|it|your\s+\w+)\s*(?:along|on)?\b|{_I}\s+(?:just|only|simply)\s+(?:forward|pass)\s+(?:this|it|stuff|everything|them|(?:these\s+|those\s+|the\s+|such\s+)?(?:e-?mails|messages|requests|things|enquiries)|these)\s+(?:on\s+|along\s+)?(?:to|up)\b|{_I}\s+(?:just|only)\s+(?:run|work|do|handle|look\s+after|man|answer|cover)\s+(?:the\s+|on\s+the\s+|in\s+the\s+)?(?:front\s+desk|reception|admin|warehouse|phones|tills?|shop\s+floor)\b", re.I)

# Someone else approves: the writer takes part at most.
_DEFERS = CueAlternatives(
    rf"\b(?:a\s+few|several|some|a\s+couple|two|three|four|five)\s+(?:of\s+us|people)\s+(?:are\s+|will\s+be\s+|get\s+)?(?:involved|deciding|decide)\b|\bteam\s+effort\b|\bI{APOS}?m\s+one\s+of\s+them\b|\bput\s+(?:it|this)\s+forward\s+to\b|\b(?:propose|suggest|submit)\s+(?:it|this)\s+to\s+(?:my|our|the)\b|"
    rf"\bsplit\s+(?:everything|it|things|decisions|the\s+decision)\s+(?:50/50|fifty[- ]fifty|down\s+the\s+middle|equally)|"
    rf"\b(?:it|this|that|anything|everything)\s+(?:then\s+)?(?:goes|go|has\s+to\s+go|gets\s+(?:sent|passed))\s+to\s+(?:our|the|my)\s+(?:\w+\s+)?{_BOSS}\b|\b(?:and\s+I|and\s+me|we)\s+both\s+(?:need|have|must|decide|sign|approve|agree)\b|\bnot\s+(?:me|mine|my\s+(?:call|decision))\s+alone\b|\bnot\s+(?:just|only)\s+(?:me|mine|my\s+(?:call|decision))\b|"
    rf"\bnot\s+(?:the|a|an)\s+(?:final\s+|ultimate\s+|actual\s+)?(?:approver|budget\s+(?:holder|owner)|economic\s+buyer|signatory|signer|decider|decision[- ]maker)\b|\bno\s+(?:signing|sign[- ]off|spending|purchasing)\s+(?:power|authority|rights)\b|"
    rf"\b(?:decision|decide|deciding|call|choose|choosing|sign|signing|pick)\s+(?:\w+\s+){{0,2}}?(?:together|jointly)\s+with\b|\b(?:make|making|take|taking)\s+the\s+(?:final\s+)?(?:decision|call)\s+(?:together\s+|jointly\s+)?with\s+(?:our|my|the)\b|\band\s+I\s+(?:will\s+|{APOS}ll\s+)?(?:make|take)\s+the\s+(?:\w+\s+)?(?:call|decision)\b|\bjoint\s+(?:call|sign[- ]?off)\b|\bshare\s+(?:the\s+)?(?:call|sign[- ]?off)\s+with\b|\b(?:50/50|fifty[- ]fifty)\s+(?:between|with)\b|\b(?:decid|choos|sign|pick)\w*\s+(?:it\s+|this\s+)?alongside\b|"
    rf"\bcommittee\s+(?:thing|decision|call|matter)\b|\b(?:we\s+all|all\s+of\s+us|each\s+of\s+us|(?:two|three|four|five)\s+of\s+us)\b[^.;]{{0,40}}?\b(?:(?:get|have|has)\s+a\s+vote|votes?\s+on\s+(?:it|this|that|tools|new|purchases|software|vendors|decisions|these|such)|vote(?!\s+(?:for|in)\b))\b|\b(?:put|goes|go)\s+to\s+a\s+vote\b|\ba\s+vote\s+between\b|\b(?:partners|directors|owners|founders|board|members|shareholders|trustees|we)\s+vote\s+on\b|\bgroup\s+(?:thing|call)\b|(?:\b[\w-]+,\s+){{1,4}}(?:[\w-]+\s+){{0,3}}(?:and|&)\s+(?:me|myself)\b|"
    rf"\b(?:run|check|clear|pass)\s+(?:it|this|that)\s+(?:by|with|past)\b|\b(?:any\s+|every\s+|all\s+)?(?:purchases?|spend|this|it|contracts?)\s+(?:goes|go|has\s+to\s+go|must\s+go|needs\s+to\s+go)\s+through\s+(?:our|the|my|a)\s+(?:central\s+|small\s+|internal\s+|group\s+)?(?:procurement|purchasing|committee|ceo|cfo|coo|board|owner|founder|boss|director|md|partners?|management|leadership)\b|\bco-?own\w*\s+(?:the\s+)?(?:budget|decision)\b|\bshare\s+(?:the\s+)?(?:budget|decision)\s+with\b|\b(?:that|it){APOS}?s\s+not\s+me\b|\b(?:final\s+)?(?:approval|sign[- ]?off|decision|say)\s+(?:comes|has\s+to\s+come|must\s+come)\s+from\b|"
    rf"\b(?:owner|founder|ceo|cfo|coo|boss|director|manager|board|partner|md|vp|gm|directors|partners|owners|committee|management)(?:{APOS}s|s{APOS})\s+(?:call|decision|sign[- ]?off|ok|okay|approval|go[- ]ahead|green\s+light|blessing|signature)\b|\b(?:owner|founder|ceo|boss|md){APOS}s\s+(?:son|daughter|wife|husband|partner|assistant|ea|pa|nephew|niece|brother|sister)\b|"
    rf"\b(?:that|it){APOS}?(?:d|ll|s|\s+would|\s+will|\s+is)\s+(?:be\s+)?(?:our|my|the)\s+(?:\w+\s+)?(?:ceo|cfo|coo|owner|founder|boss|director|md|gm|board|partners?|president|manager)\b|"
    rf"\b(?:the|our|my)\s+\w+\s+owns\s+(?:the|this)\s+(?:practice|business|company|firm|shop|clinic|agency|store|studio)\b|"
    rf"\b(?:need|needs|require|requires|get|gets)\s+(?:the\s+|our\s+|my\s+)?(?:ceo|cfo|coo|owner|founder|boss|director|md|gm|board|partners?|president|finance|procurement|legal|management)(?:{APOS}s)?\s+(?:approval|sign[- ]?off|ok|okay|signature|go[- ]ahead|green\s+light)\b|"
    rf"\b(?:goes|go|passes|gets\s+escalated|has\s+to\s+go)\s+up\s+to\s+(?:our|the|my)\s+\w+|\b(?:decisions?|purchas\w*|buying|it|this)\s+(?:are|is|gets?|get)\s+(?:made|taken|decided|approved|handled)\s+(?:at|by|in)\s+(?:the\s+)?(?:head\s+office|hq|headquarters|group(?:\s+level)?|corporate|the\s+parent|parent\s+company)\b|"
    rf"\bput\s+(?:this|it)\s+in\s+front\s+of\s+(?:them|him|her|the\s+\w+|our\s+\w+|my\s+\w+)\b|\b(?:bring|take|present|escalate)\s+(?:this|it)\s+to\s+(?:the\s+|our\s+|my\s+)?(?:\w+\s+)?(?:leadership|board|exec\w*|management|committee|boss|ceo|cfo|partners)\b|\b(?:convince|persuade|win\s+over|sell\s+(?:it|this)\s+to|pitch\s+(?:it|this)\s+to)\s+(?:my|our|the)\s+\w+|\bwe\s+(?:both|all)\s+(?:sign|decide|approve|have\s+to)\b|"
    rf"\bone\s+of\s+(?:the\s+|our\s+)?(?:two|three|four|\d)\s+(?:founders|co-?founders|partners|owners|directors)\b|\b(?:joint|shared|group|collective|team|consensus)\s+decision\b|\b(?:jointly|together)\s+(?:by|with)\b|\bby\s+(?:me|myself)\s+(?:and|&)\s+(?:my|our|the)\b|\b{_BOSS}(?:\s+(?:team|department|dept))?\s+(?:needs?|has|have|must)\s+to\s+(?:be\s+involved|sign\s+off|approve|agree)\b|\b(?:get|need|want)\s+(?:\w+\s+)?buy[- ]?in\s+from\b|"
    rf"\b(?:my|our)\s+(?:\w+\s+)?(?:husband|wife|partner|dad|father|mum|mom|mother|brother|sister|boss|uncle|aunt|son|daughter|friend|owner|founder)\s+(?:owns|runs)\b|"
    rf"\b{_BOSS}\s+(?:holds?|has|controls?|owns?)\s+the\s+(?:purse[- ]strings|budget|money|cheque\s?book|checkbook|final\s+say)\b|{_I}\s*(?:don{APOS}?t|do\s+not)\s+(?:have|hold|own)\s+(?:the\s+)?(?:sign[- ]?off|signing\s+authority|final\s+say|authority)\b|"
    rf"\b(?:he|she|they|who){APOS}(?:ll|d)\s+(?:\w+\s+)?(?:decide|choose|pick|approve|sign|make\s+the\s+(?:final\s+)?(?:call|decision)|have\s+the\s+(?:final|last)\s+(?:say|word))\b|"
    rf"(?<!\bonce\s)(?<!\bwhen\s)(?<!\bafter\s)(?<!\bif\s)\b{_BOSS}\s+(?:(?!(?:I|i|so|and|we|then|before|after|until|anyone|someone|when|if)\b)\w+\s+){{0,3}}?(?:signs?|approves?|approving|decides?|picks?|chooses?|pays(?!\s+(?:me|us|attention))|buys?\s+(?:all\s+)?(?:our|the)\s+(?:software|tools|systems|tech|subscriptions)|{APOS}ll\s+(?:choose|pick|approve|sign)|will\s+(?:choose|pick|approve|sign|(?:make|take)\s+the\s+(?:final\s+)?(?:call|decision)|want\s+to\s+see)|(?:makes?|takes?)\s+(?:the|every|all|any|those|these|such|all\s+the)\s+(?:final\s+|purchasing\s+|buying\s+)?(?:calls?|decisions?)|handles?\s+(?:all\s+)?(?:the\s+|our\s+)?(?:vendor\s+|supplier\s+|software\s+)?(?:purchasing|procurement|buying|contracts|budget|vendor\s+decisions|money|finances|payments)|(?:will\s+)?runs?\s+the\s+(?:tender|rfp|process|selection|procurement)|(?:has|have|must|needs?)\s+to\s+(?:give|okay|ok|green[- ]?light)|gives?\s+the\s+(?:green\s+light|go[- ]ahead|ok)|"
    rf"has\s+(?:the\s+)?(?:final|last)\s+(?:say|word|call)|gives\s+(?:the\s+)?final\s+approval|will\s+decide|{APOS}ll\s+decide|"
    rf"(?:has|have)\s+to\s+(?:sign|approve)|needs?\s+to\s+(?:sign|approve)|(?:is|are)\s+the\s+(?:decision\s+maker|one\s+who\s+signs))\b|"
    rf"\b(?:final|last)\s+(?:decision|call|say|word|sign[- ]?off|approval)\s+(?:is|sits|rests|lies|will\s+be)?\s*(?:with|up\s+to|for)\b(?!\s+me\b)|"
    rf"\b(?:budget|money|decision|sign[- ]?off|approval|purse[- ]strings)\s+(?:sits|rests|lies|is|are)\s+with\s+(?:our|the|my|his|her)\b|"
    rf"\bgoes\s+to\s+(?:our|the|my)\s+\w+(?:\s+\w+)?\s+for\s+(?:approval|sign[- ]?off)|\bget\s+(?:my|our|the)\s+\w+\s+on\s+board\b|"
    rf"\b(?:decision|call)\s+is\s+(?:not\s+mine|taken\s+together|(?:(?:made|taken)\s+by|up\s+to)(?!\s+(?:me|myself)\b))|\bnot\s+(?:solely\s+|only\s+|entirely\s+|just\s+|fully\s+)?(?:my|me)\s+(?:call|decision)\b|{_I}\s*(?:can{APOS}?t|cannot)\s+(?:sign|approve)\b|"
    rf"{_I}\s*(?:not|n{APOS}t)\s+(?:the\s+)?(?:(?:one|person)\s+(?:who|deciding|signing|approving|making)|decision[- ]maker|final\s+decision|sign)|"
    rf"\b(?:decision|call|sign[- ]?off|approval|purchase|budget)\s+(?:belongs|falls)\s+to\s+(?:our|the|my|his|her)\b|\b(?:is|are|will\s+be|gets?|(?:has|have|needs?|must)\s+(?:to\s+)?be)\s+(?:owned|made|taken|signed(?:\s+off)?|approved|decided|handled|authori[sz]ed)\s+by\s+(?:our|the|my)\b|"
    rf"\b(?:need|have|has|must)\s+to\s+agree\b|\b(?:approval|sign[- ]?off|authori[sz]ation|the\s+go[- ]ahead)\s+(?:is|will\s+be|gets|comes|has\s+to\s+be)\s+(?:given|granted|made|done)\s+by\s+(?!me\b)|\b(?:both|all)\s+(?:of\s+us|me\s+and)\b|\bme\s+and\s+(?:my|our)\s+[\w-]+\s+(?:need|have|must|decide|both)\b|"
    rf"\b(?:decide|deciding|sign|choose)\s+(?:it\s+|this\s+)?(?:as\s+a\s+(?:[\w-]+\s+)?(?:group|team|board|committee)|together|jointly)\b|\b(?:our|my)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:and|&)\s+I\s+(?:will\s+|{APOS}ll\s+|would\s+)?(?:decide|sign|choose|approve)\b|"
    rf"\b(?:buying|selection|steering|purchasing)\s+(?:committee|group|team)\b|\bmajority\s+vote\b|\bsplit\s+(?:the\s+|every\s+|all\s+|our\s+)?(?:decisions?|calls?|sign[- ]?off)\b|\b(?:50/50|fifty[- ]fifty|equal)\s+(?:say|vote|partners?|owners?)\b|\bwe\s+vote\b|"
    rf"\b(?:beg|ask|persuade|convince|get)\s+(?:the\s+|our\s+|my\s+)?(?!me\b|us\b|you\b|them\b|it\b)\w+\s+to\s+(?:approve|sign(?:\s+off)?|okay|ok|agree|say\s+yes)\b|\b(?:get|need|require)s?\s+(?:sign[- ]?off|approval|the\s+ok|the\s+green\s+light)\s+from\b", re.I)

# Taking part: evaluating, researching, recommending. A writer who also signs is still the decision maker.
_TAKES_PART = cue(
    rf"\b{_BOSS}\s+(?:[\w-]+\s+){{0,8}}?(?:asked|told|tasked|wants?|wanted|got|had|sent)\s+(?:me|us)\s+to\b|\bhelp(?:ing|s)?\s+(?:my|our|the)\s+(?:[\w'’-]+\s+){{0,2}}?(?:to\s+)?(?:choose|pick|find|select|evaluate|decide|compare)\b|{_I}\s*(?:{APOS}ve|\s+have)?\s*(?:been|was)\s+(?:(?:asked|told|instructed|sent)\s+to\s+(?:look|check|research|find|evaluate|compare|review|explore|scope|source|shortlist|get|follow|book|gather|collect|put\s+together)|tasked\s+(?:with|to))\b|\b(?:key\s+|an\s+)?influencer\b|\bstakeholder\b|\bI\s+influence\b|\b(?:opinion|voice|view|input)\s+(?:carries|counts|matters)\b|\b(?:strong|big|loud)\s+voice\b|"
    rf"\b(?:gather|collect|compil|pull|put)\w*\s+(?:together\s+)?(?:some\s+|a\s+few\s+|a\s+|the\s+)?(?:info|information|options|quotes|pricing|details|proposals?|recommendation|shortlist|business\s+case|case)\s+(?:together\s+)?for\b(?!\s+(?:now|the\s+moment|the\s+time\s+being|later|our\s+own))|"
    rf"{_I}\s*(?:{APOS}m|am)\s+(?:just\s+|currently\s+|now\s+)?(?:gather|collect|compil|pull)\w*\s+(?:together\s+)?(?:some\s+|a\s+few\s+)?(?:options|quotes|pricing|proposals|vendors|tools)\b|"
    rf"\b(?:assess|evaluat|review|compar|trial)\w*\s+(?:\w+\s+)?(?:tools|options|vendors|solutions|products)\b|\bpresent\s+(?:the\s+|my\s+|a\s+)?(?:options|shortlist|findings|recommendation)|"
    rf"\b(?:handling|running|managing|coordinating)\s+(?:this|the)\s+(?:tender|rfp|rfq|procurement\s+process|evaluation|selection)\b|\badvis\w*\s+(?:the\s+|our\s+|my\s+)?(?:client|customer|them|management|board|ceo|company)\b|\b(?:writ|draft)\w*\s+(?:up\s+)?(?:the\s+)?(?:requirements|rfp|spec|brief)\b|\bmake\s+(?:my|the|a|our)\s+case\b|\bbusiness\s+case\b|\bmade\s+my\s+case\b|\bpushing\s+for\s+it\b|\bone\s+of\s+(?:\d+|two|three|four|five|six|several)\s+(?:voices|votes|people|decision)|"
    rf"\bhave\s+(?:a\s+)?(?:big\s+|major\s+|large\s+|strong\s+|real\s+|some\s+)?say\b|\bone\s+(?:voice|vote|opinion)\s+(?:among|of)\b|\b(?:asked|told|tasked)\s+by\s+(?:our|my|the)\s+\w+(?:\s+\w+)?\s+to\b|\breport\s+back\s+to\s+(?:her|him|them|my|our|the)\b|\bpart\s+of\s+the\s+(?:decision|buying|selection|evaluation|review)\b|\bchampion\w*\s+(?:it|this|the\s+\w+)\b|\b(?:of\s+which\s+I\s+am|I{APOS}m|I\s+am)\s+(?:one|a|just\s+one)\s+(?:member|voice|vote)\b|\bI\s+(?:sit|serve)\s+on\s+(?:the|that|this|our)\s+(?:\w+\s+)?(?:committee|panel)\b|{_I}\s*(?:{APOS}m|am)\s+(?:also\s+)?on\s+(?:the|that|this|our)\s+(?:selection|buying|evaluation|review|steering|procurement|purchasing)\s+(?:panel|committee|group|team)\b|{_I}\s*(?:{APOS}m|am)?\s*(?:just\s+|only\s+|mainly\s+)?scop\w*\s+(?:out\s+)?(?:the\s+|our\s+)?(?:requirements|needs)\b|\b(?:do|doing)\s+the\s+research\b|\bmanag\w+\s+the\s+(?:evaluation|selection|process)\b|"
    rf"\b(?<!\byou\s)(?:recommend(?:s|ing|ation)?(?!\s+(?:you|your|us)\b)|shortlist|legwork|evaluat\w+|comparison|research(?:ing)?\s+options|"
    rf"on\s+behalf\s+of)\b|"
    rf"\b{_BOSS}\s+(?:\w+\s+)?(?:asked|told|tasked|wants?|wanted)\s+me\s+to\b|\b(?:asked|told|tasked|wants?|wanted)\s+me\s+to\s+(?:look\s+into|research|find|evaluate|compare|review|explore|scope|source|shortlist)\b", re.I)

_ONLY_ONE = r"(?:only|sole)\s+(?:one|person)\s+(?:who|that)\s+(?:signs?|approves?|decides?)"
_DECIDER = re.compile(
    rf"\b(?:don{APOS}?t|do\s+not)\s+need\s+(?:anyone|anybody|any\s+one)(?:{APOS}s|\s+else{APOS}s)?\s+(?:approval|sign[- ]?off|permission|ok|okay|go[- ]ahead)\b|\b(?:nobody|no\s+one|no-one)\s+else\s+(?:needs?\s+to\s+|has\s+to\s+|will\s+|gets\s+to\s+)?(?:sign|approve|decide|be\s+involved)|"
    rf"\b(?:decisions?|call|sign[- ]?off|say|word|approval|signature|choice|pick|selection|choosing|signing|picking|budget|purse[- ]strings)(?:\s+(?:is|are)|{APOS}s)\s+(?:all\s+)?mine\b|\bmine\b[^.;]{{0,20}}\bso\s+(?:is|are)\s+the\s+(?:final\s+)?(?:decision|call|sign[- ]?off|approval)\b|{_I}\s*(?:{APOS}m|am)?\s*(?:be\s+)?the\s+one\s+(?:saying|who\s+says|to\s+say|that\s+says|giving|who\s+gives|to\s+give|to\s+okay|to\s+ok|to\s+approve|to\s+sign\s+off)\b|\b(?:yes|answer|decision|call|approval|sign[- ]?off|go[- ]ahead)\s+(?:\w+\s+){{0,2}}?(?:comes?|will\s+come)\s+from\s+me\b|"
    rf"{_I}\s*(?:just\s+|only\s+|then\s+)?rubber[- ]?stamps?\b|{_I}\s*(?:sign(?!\s+(?:up|in|into|out|(?:most\s+|all\s+|my\s+|the\s+|our\s+)?(?:e-?mails?|letters?|messages?|name|posts?)))|decide|approve|make\s+(?:the\s+|those\s+|these\s+|such\s+|all\s+(?:the\s+|our\s+)?)?(?:final\s+|buying\s+|purchasing\s+)?(?:calls?|decisions?)|"
    rf"(?:have|own|{APOS}ve\s+got|have\s+got|got)\s+(?:(?:the|this|that|our)\s+(?:[\w-]+\s+)?)?(?:final\s+say|last\s+word|final\s+word|budget|sign[- ]?off)|call\s+the\s+shots|"
    rf"(?:be\s+)?sign(?:ing)?\s+(?:off|it|this|the)|(?:be\s+)?the\s+one\s+signing|can\s+approve)\b|"
    rf"\b(?:it{APOS}?s|that{APOS}?s|is)\s+(?:my|me)\s+(?:call|decision|sign[- ]?off|signature)\b|\b(?:sits|comes|falls|is)\s+(?:in|within|under|out\s+of)\s+my\s+(?:budget|remit|p&l|cost\s+cent(?:er|re))\b|\bmy\s+(?:call|decision)\b(?!\s+(?:with|to))|"
    rf"\bno\s+(?:committee|board|procurement)[^.]{{0,30}}\bjust\s+me\b|\b(?:the\s+)?(?:\w+\s+)?(?:decisions?|call|sign[- ]?off|say|word|approval)\s+(?:is|are)\s+(?:all\s+)?mine\b|\bhold\s+the\s+purse[- ]strings|{_I}\s*(?:{APOS}m|am)?\s*(?:the\s+one\s+)?(?:holding|hold|have|own)\s+the\s+(?:credit\s+card|budget|purse[- ]strings|cheque\s?book|checkbook|company\s+card)\b|\b(?:budget\s+(?:holder|owner)|economic\s+buyer|final\s+approver)\b|\bthe\s+buck\s+stops\s+with\s+me|\bwithin\s+my\s+(?:delegation|authority|sign[- ]?off|budget|remit)|"
    rf"\b(?:who|that)\s+makes?\s+the\s+(?:purchasing\s+|buying\s+|final\s+)?decisions?\b|{_I}\s+(?:am\s+)?the\s+(?:(?:sole|only|final|main|ultimate)\s+)?(?:decision[- ]maker|(?:one|person)\s+(?:who\s*(?:{APOS}ll|\s+will)?\s*|that\s+)?(?:signs?|decides?|approves?|signing|deciding|approving))|"
    rf"\bsign(?:ing)?\s+off\s+on\s+(?:this|it|tools\s+like\s+this)\s+myself|"
    rf"\b(?:approv|sign|decid|buy|pick|choos|purchas)\w*\s+(?:\w+\s+){{0,4}}myself\b|\bmine\s+to\s+(?:approve|sign|decide|make)|"
    rf"\b(?:rests?|sits?|lies|is)\s+with\s+me\b|\b(?:down|up)\s+to\s+me\b|{_I}\s*(?:{APOS}ve\s+got|have\s+got|got|have|hold|own)\s+(?:full\s+|final\s+|the\s+)?(?:purchasing\s+|buying\s+|signing\s+|spending\s+|budget\s+)?(?:authority|sign[- ]?off)\b|"
    rf"{_I}\s*(?:can\s+)?authori[sz]e\b|\bit{APOS}?s\s+all\s+(?:me|on\s+me|down\s+to\s+me)\b|{_I}\s*(?:handle|sign|manage|own|approve)\s+(?:all\s+)?(?:the\s+|our\s+)?(?:supplier|vendor|software|tool|purchasing)\s+(?:contracts|purchases|purchasing|spend|decisions)\b|{_I}\b[^.;]{{0,40}}\band\s+(?:also\s+)?(?:sign|approve)\s+(?:the\s+|all\s+)?(?:pos?|purchase\s+orders|contracts|invoices|off)\b|\b(?:decide|sign|approve|choose)\s+(?:alone|on\s+my\s+own|by\s+myself)\b|\bc{APOS}est\s+moi\s+qui\s+(?:d[ée]cide|signe)|\bich\s+entscheide\b|\b(?:yo|eu)\s+decido\b|\bdecido\s+io\b|{_I}\b[^.;]{{0,40}}\band\s+have\s+the\s+(?:final|last)\s+(?:say|word|call)\b|{_I}\s*(?:{APOS}m|am)?\s*(?:fully\s+)?authori[sz]ed\s+to\s+(?:sign|approve|buy|purchase|spend)\b|\bthe\s+one\s+who\s+(?:pays|picks|decides|signs|approves|chooses|buys)\b|{_I}\s*(?:be\s+)?(?:making|taking)\s+the\s+(?:final\s+)?(?:decision|call)|"
    rf"(?:{_I}|\bme)\b[^.;]{{0,40}}\b{_ONLY_ONE}|\b{_ONLY_ONE}[^.;]{{0,40}}\b(?:me|I)\b|"
    rf"\b(?:decision|call)\s+(?:is\s+)?(?:made\s+|taken\s+)?(?:by|with)\s+me\b|\b{_I}\s*(?:decide|pick|choose)\s+(?:on|which|what)\b", re.I)
_TITLE_DECIDER = re.compile(
    rf"{_I}\s*(?:{APOS}m|am)?\s*(?:the\s+|a\s+)?(?:sole\s+|co-?)?(?:(?:practice|business|company|shop|store|clinic|agency|studio|firm|restaurant|salon|franchise)\s+)?(?:owner|founder|ceo|md|(?<=sole\s)director|gesch[äa]ftsf[üu]hrer(?:in)?|inhaber(?:in)?|directeur\s+g[ée]n[ée]ral|pdg|g[ée]rante?|director\s+general|gerente\s+general|due[ñn][oa]|propriet[áa]ri[oa]|titolare|amministratore\s+delegato|chief\s+executive|managing\s+director|managing\s+partner|president|proprietor)\b(?!{APOS}s)|\bI\s+(?:just\s+|only\s+)?(?:run|own)\s+(?:a|an|the|this|our|my)\s+(?:[\w-]+\s+){{0,3}}?(?:company|business|firm|shop|practice|agency|store|clinic|studio)\b|"
    rf"\bas\s+(?:the\s+)?(?:ceo|owner|founder|md|managing\s+director|managing\s+partner)\b|"
    rf"\b(?:je\s+suis|ich\s+bin|soy|sou|sono|jag\s+är)\s+(?:le\s+|la\s+|der\s+|die\s+|el\s+|la\s+|o\s+|a\s+|il\s+)?(?:propriétaire|fondat\w+|gesch[äa]ftsf[üu]hrer\w*|inhaber\w*|directeur\s+g[ée]n[ée]ral|pdg|g[ée]rante?|director\s+general|gerente\s+general|due[ñn][oa]|dono|titolare|ceo|vd)\b", re.I)
_SELF_BEFORE = re.compile(rf"{_I}\s*(?:{APOS}m|am)?\s+(?:the|a|an)\s+(?:[\w-]+\s+){{0,2}}[\w-]*$", re.I)
# "I'm the VP of Sales and I make the call": the writer describes themself, nobody shares the call.
_SELF_TITLE_BEFORE = re.compile(rf"\b{_I}\s*(?:{APOS}m|\s+am)\s+(?:the|a|an)\s+(?:(?!(?:but|and|though|while)\b)[\w&-]+\s+){{1,5}}$", re.I)
_MONEY_APPROVAL = cue(r"\b(?:budget|spend|spending|money|funds?|funding|finance|business\s+case|numbers)\b", re.I)
_NEGATED = re.compile(r"\b(?:no|without|not\s+a|no\s+need\s+for\s+(?:a|the)?)\s*$", re.I)


# Users and implementers: no part in choosing ("I'd be an end user", "whatever marketing picks I'll install").
_USER = cue(
    rf"(?:{_I}\s*(?:be\s+)?(?:just\s+|only\s+|simply\s+|going\s+to\s+be\s+)*|^\s*(?:just\s+)?)(?:an?|one\s+of\s+the)\s+(?:end[- ]users?|users?\s+of\s+(?:the|this|it)\b)|"
    rf"{_I}\s*(?:{APOS}m|am)?\s*(?:just|only)\s+(?:an?\s+)?(?:end[- ])?users?\b(?!\s+of\s+(?!(?:the|this|it)\b))|"
    rf"\b(?:using|use)\s+it,?\s+not\s+(?:buying|choosing|picking|signing)|"
    rf"\bwhatever\s+(?:[\w-]+\s+){{0,3}}?(?:picks?|chooses?|decides?|buys?|goes\s+with|signs?|they\s+(?:pick|choose|buy|go\s+with))\b[^.;]{{0,20}}?{_I}\s*(?:just\s+|then\s+)?(?:install|set\s+(?:it\s+)?up|configure|integrate|implement|deploy|roll\s+(?:it\s+)?out)|"
    rf"{_I}\s*(?:just\s+|only\s+)?(?:install|set\s+up|configure|integrate|implement|deploy|do\s+the\s+installs?)\s+(?:it\s+)?(?:whatever|once\s+(?:someone|somebody|they|\w+)\s+(?:else\s+)?(?:has\s+)?(?:chosen|picked|decided))", re.I)
# Asking for money that a named body approves: "I've requested 18k, pending approval from our board".
_REQUESTED = re.compile(rf"{_I}\s*(?:{APOS}ve|\s+have)?\s*(?:requested|applied\s+for|put\s+in\s+(?:a\s+)?(?:request|bid)\s+for|submitted\s+(?:a\s+)?(?:budget\s+)?request)\b"
                        rf"[^.]{{0,80}}?\b(?:approval|sign[- ]?off)\s+(?:from|by)\s+(?:our|the|my)\s+{_BOSS}\b", re.I)
# A veto is a part in the decision, not the decision: it beats "I won't be the one choosing".
_VETO = cue(r"\bveto\b|\b(?:can|could|will|would)\s+(?:still\s+)?block\s+(?:it|this|that|anything|the\s+purchase)\b|\bnothing\s+goes\s+(?:live|ahead|through)\s+without\s+my\b", re.I)
# A spending limit the writer signs within: "I do, up to 10k", "I sign for anything under 5k".
_LIMIT = cue(
    rf"^\s*(?:yes|yep|yeah|me|I\s+do|I\s+can)\b[\s,]*(?:for\s+)?(?:anything\s+)?(?:up\s+to|under|below|as\s+long\s+as)\b|"
    rf"{_I}\s*(?:do|sign|approve|decide|authori[sz]e)\s+(?:off\s+)?(?:for\s+)?(?:anything|everything|purchases|spend|tools|contracts)?\s*(?:up\s+to|under|below)\b|"
    rf"\b(?:authority|sign[- ]?off|signing\s+(?:power|rights))\s+(?:is\s+)?(?:up\s+to|under|below)\b", re.I)
_ABOVE = cue(r"\b(?:above|over|past|beyond|more\s+than|bigger|larger|higher)\b", re.I)
# Someone else only handles the process (paperwork, vetting): the writer's signature still decides.
_PROCESS_ONLY = cue(r"^(?!.*\b(?:sign|approv|decid|decision|final|budget|purse|call|say)\w*).*\b(?:runs?|handles?|does|manages?)\s+the\s+(?:\w+\s+)?(?:rfp|tender|paperwork|admin|process|procurement)\b", re.I)
# Someone else signs off one aspect only (security, compliance): a check, not the purchase.
_VETTING = re.compile(r"\b(?:sign(?:s|ing)?\s+off|approv\w*|check\w*|vet\w*|review\w*)\s+(?:on\s+|of\s+|for\s+)?(?:the\s+)?(?:security|compliance|data\s+protection|gdpr|privacy|integrations?|technical|tech|legal|(?:contract\s+)?terms)\b", re.I)

# Someone else only chooses or evaluates; approving is not in their cue.
_CHOOSES_ONLY = cue(r"^(?!.*\b(?:sign|approv|decid|decision|final|budget|purse|call|say)\w*).*\b(?:pick|choos|select|evaluat|recommend|shortlist|research|find)\w*", re.I)
_APPROVES = cue(r"\b(?:rubber[- ]?stamp|sign|approv|authori[sz])\w*", re.I)


def read_authority(parts: list[Clause], asked: str | None) -> tuple[list[Fact], bool]:
    """The authority fact, if any, and whether the cues conflicted or an asked question went unanswered.

    Precedence: no part at all; someone else approves; the writer signs (by phrase or top title);
    the writer only takes part.
    """
    found: dict[str, tuple[str, float]] = {}
    defers_clause = ""
    for clause in parts:
        t = clause.text
        for name, rx in (("none", _NONE), ("low", _LOW), ("user", _USER), ("defers", _DEFERS), ("signs", _DECIDER), ("takes_part", _TAKES_PART), ("title", _TITLE_DECIDER), ("limit", _LIMIT), ("veto", _VETO)):
            if name in found:
                continue
            for m in rx.finditer(t):
                if re.match(r"i\b|i['’]", m.group(), re.I):
                    pass  # "no, I'm not the one deciding": an answer, not a negated noun
                elif _NEGATED.search(t[: m.start()][-25:]):
                    continue  # "no committee", "no board approval needed"
                elif name in ("defers", "takes_part") and re.search(r"\b(?:without|no)\b[^.,;]{0,20}$", t[: m.start()]):
                    continue
                elif name == "defers" and re.search(r"\b(?:only|sole)\s+(?:one|person)\s*$", t[: m.start()], re.I):
                    continue  # "the only person who signs off": "who" is the writer
                elif name == "defers" and m.group().lower().startswith("and") and _SELF_TITLE_BEFORE.search(t[: m.start()]):
                    continue
                elif name == "defers" and _SELF_BEFORE.search(t[: m.start()][-30:]) and not re.match(r"\w+['’]s\b", m.group()):
                    continue  # "I am the co-founder who makes the decisions": the approver is the writer
                found[name] = (m.group(), 0.7 if name == "title" else 0.85)
                if name == "defers":
                    defers_clause = t
                break
    if not found:
        m = _REQUESTED.search(" ".join(c.text for c in parts))  # the approver may follow a semicolon
        if m:
            found["takes_part"] = (m.group(), 0.7)
    if "user" in found:
        found.setdefault("low", found.pop("user"))
    if "veto" in found:
        # "I won't be the one choosing, but I have veto power": a part in the decision.
        found.pop("none", None)
        found.pop("low", None)
        found.setdefault("takes_part", found.pop("veto"))
    if "limit" in found:
        found.setdefault("signs", found.pop("limit"))
        if "defers" in found and _ABOVE.search(defers_clause):
            del found["defers"]  # "I do, up to 10k; above that it goes to the board": the writer signs this
    if "signs" in found and "defers" in found and (_PROCESS_ONLY.search(found["defers"][0]) or _VETTING.search(defers_clause)):
        del found["defers"]  # "procurement runs the RFP, the signature is mine"; "IT signs off on security, I decide"
    if asked == "budget" and set(found) == {"defers"} and _MONEY_APPROVAL.search(defers_clause):
        return [], False  # "the spend needs the board's approval" answers the budget question, not who the writer is
    if "low" in found:
        # "I'm an intern, my manager asked me to compare a few options": a junior who evaluates takes part.
        role = found.pop("low")
        if "none" not in found and "takes_part" not in found:
            found["none"] = role
    if "signs" in found and "defers" in found and _CHOOSES_ONLY.search(found["defers"][0]) and _APPROVES.search(found["signs"][0]):
        del found["defers"]  # "our head of sales picks the tools, I just rubber-stamp it": the writer approves
    for name, value in (("none", "none"), ("defers", "influencer"), ("signs", "decision_maker"), ("title", "decision_maker"), ("takes_part", "influencer")):
        if name in found:
            evidence, conf = found[name]
            values = {v for n, v in (("none", "none"), ("defers", "influencer"), ("signs", "decision_maker"), ("title", "decision_maker"), ("takes_part", "influencer")) if n in found}
            unsure = len(values) > 1 and value != "influencer"
            return [Fact(field="authority", value=value, evidence=evidence, confidence=conf)], unsure
    return [], asked == "authority"


_STUDYING = re.compile(rf"{_I}\s*(?:{APOS}m|am)\s+(?:currently\s+)?(?:writing|doing|researching)\s+(?:my|a)\s+(?:[\w-]+{APOS}?s?\s+)?(?:thesis|dissertation|coursework|class\s+project)\b", re.I)


def read_student_authority(parts: list[Clause]) -> list[Fact]:
    """A student who is not buying has no part in a purchase, unless they compare vendors for someone."""
    if any(_TAKES_PART.search(c.text) for c in parts):
        return []
    for clause in parts:
        m = _LOW.search(clause.text) or _STUDYING.search(clause.text)
        if m and re.search(r"student|thesis|dissertation|coursework|class", m.group(), re.I):
            return [Fact(field="authority", value="none", evidence=m.group(), confidence=0.7)]
    return []
