"""Need: a current problem a lead-qualification product addresses, or a clear "no need".

A sentence confirms a need when a *problem* or a *goal* cue meets a *lead-handling object* in
it ("our SDRs are drowning in demo requests", "we'd like to qualify web enquiries up front"),
or on one of a few self-sufficient pain phrasings ("nobody answers", "we lose them to
competitors"). "No need" covers being happy with what they have, having no such problem, and
wanting something else entirely (job hunting, pitching their own services, an HR or ticketing
tool). Strong "no need" cues beat pain (a vendor pitch may describe our problems); weak ones
("it's fine", "manageable") only count when no pain is stated.
"""

from __future__ import annotations

import re

from bot.extract.rules.text import APOS, Clause
from bot.facts import Fact
from bot.extract.prefilter import CueAlternatives, cue

# Writers who are not buying at all: job seekers, vendors pitching us, students. Used by authority too.
_NOT_A_BUYER = (
    rf"\blooking\s+for\s+(?:a\s+)?(?:job|work|an?\s+internship)\b|\b(?:are|is)\s+(?:you|your\s+\w+)\s+(?:guys\s+)?hiring\b|"
    rf"\byou{APOS}?(?:re|\s+are)\s+hiring\b|\bI{APOS}?m\s+a\s+recruiter\b|\b(?:sell|pitch|offer)\s+you\b|\bwe\s+do\s+(?:seo|marketing|ppc|web\s+design|outreach)\b|\bour\s+agency\s+speciali[sz]es\b|"
    rf"\b(?:show|help)\s+you\s+(?:how|get)\b|\bfree\s+audit\b|\bpartnership\s+opportunit|\buni(?:versity)?\s+(?:assignment|project)\b|"
    rf"\bI{APOS}?m\s+(?:actually\s+|just\s+)?(?:a|an)\s+(?:journalist|reporter|blogger|writer|analyst|researcher)\b|\bwriting\s+(?:an?\s+)?(?:article|story|piece|blog\s+post|report)\s+(?:about|on)\b|"
    rf"\b(?:companies|businesses|teams|firms|brands|agencies)\s+like\s+(?:yours|you)\b|\breaching\s+out\s+(?:because|to\s+(?:introduce|offer|see\s+if\s+you))\b|\bwould\s+you\s+be\s+open\s+to\s+a\s+(?:quick\s+)?(?:\d+|fifteen|ten|twenty|thirty)[- ]?min\w*\b|"
    rf"\b(?:talk|chat|ask|speak)\s+(?:to\s+you\s+)?about\s+(?:an?\s+|the\s+)?(?:reseller|affiliate|referral|integration|white[- ]label|technology|channel|agency)\s+partnership\b|"
    rf"\b(?:become|becoming)\s+(?:a|an|your)\s+(?:reseller|affiliate|referral\s+partner|channel\s+partner)\b|\bresell(?:ing)?\s+(?:your|the)\b|\bwhite[- ]label(?:ling)?\s+(?:your|the)\b|"
    rf"\bschool\s+(?:assignment|project)\b|\b(?:my|a|our)\s+(?:[\w-]+{APOS}?s?\s+)?(?:thesis|dissertation|coursework|class\s+project)\b"
)
NOT_A_BUYER = cue(_NOT_A_BUYER, re.I)

# Content with what they have: "no need", unless a contrast follows ("fine with the volume, the issue is…").
_CONTENT = cue(
    rf"\b(?:happy|satisfied|fine|good|content|pleased)\s+with\s+(?:our|what|the|it|them|how|my|\w+\s+(?:tool|setup|system|vendor|provider))\b|"
    rf"\bwe{APOS}?re\s+(?:quite\s+|very\s+|really\s+|pretty\s+|perfectly\s+|more\s+than\s+)?(?:happy|satisfied|content)\b(?!\s+to)|"
    rf"\b(?:happy|satisfied|content)\s+with\s+(?!(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)(?-i:[A-Z])\w+", re.I)
# "Leads aren't the problem": no need, unless what follows names a lead-handling problem after all.
_NOT_THE_PROBLEM = re.compile(rf"\b(?:leads|enquiries|inquiries|inbound|lead\s+handling|qualification)\s+(?:aren{APOS}?t|isn{APOS}?t|are\s+not|is\s+not)\s+(?:really\s+)?(?:the|our|an?)\s+(?:problem|issue|bottleneck|pain)\b", re.I)
_CONTRAST = re.compile(r"\b(?:but|however|though|except|the\s+(?:issue|problem|challenge|pain)\s+is|what\s+we\s+(?:need|lack))\b", re.I)

_NO_NEED = re.compile(
    rf"\b(?:isn{APOS}?t|is\s+not)\s+(?:really\s+)?for\s+us\b|\bsell\s+(?:exclusively|only|entirely|purely)\s+(?:on|through|via)\b|\bsell\s+(?:through|via)\s+(?:partners|distributors|resellers|dealers|wholesalers|marketplaces)\s+(?:only|exclusively)\b|\b(?:already\s+)?(?:have|got)\s+(?:a|an)\s+(?:\w+\s+){{0,2}}(?:team|person|agency|tool|system|partner)\s+(?:doing|that\s+does|who\s+does|which\s+does)\s+(?:exactly\s+|just\s+)?(?:this|that|it)\b|\bwe\s+(?:don{APOS}?t|do\s+not)\s+(?:really\s+)?have\s+(?:a\s+|any\s+)?(?:sales\s+(?:team|process|function|department|staff|people)|salespeople)\b|"
    rf"\balready\s+(?:use|have|run|got)\b[^.;]{{0,50}}?\b(?:and\s+)?(?:it|that)\s+(?:works|does\s+the\s+job)\b(?!\s+(?:badly|poorly|only|when|sometimes))|\bno\s+(?:issues?|problems?|complaints)\s+with\s+(?:our\s+|the\s+|how\s+we\s+(?:handle|manage)\s+)?(?:lead|leads|enquir\w+|inquir\w+|inbound|sales|follow)|"
    rf"\bnothing\s+(?:is\s+|{APOS}s\s+)?(?:broken|wrong)\b|\b(?:team|tool|system|process|setup|vendor|person|agency|partner|receptionists?|staff|assistants?|people|colleagues?)\s+(?:that|who|which)\s+(?:already\s+)?(?:handles?|covers?|does|manages?|deals?\s+with|answers?)\s+(?:this|it|that|them|(?:all\s+|every\s+|our\s+|the\s+)+(?:\w+\s+)?(?:enquiries|inquiries|leads|calls|chats|requests|enquiry|lead|call|chat))\s+(?:really\s+|perfectly\s+|very\s+|just\s+)?(?:well|fine|already|perfectly|great)\b|"
    rf"\bwe{APOS}?re\s+(?:good|all\s+set|covered|fine|sorted)\b(?!\s+(?:at|with))|"
    rf"\b(?:don{APOS}?t|do\s+not|doesn{APOS}?t|won{APOS}?t)\s+(?:really\s+|actually\s+)?need\s+(?:a|an|any|anything|this|it|the|your|one|such|more)\b|"
    rf"\b(?:don{APOS}?t|do\s+not|doesn{APOS}?t)\s+(?:really\s+|actually\s+)?need\s+(?:[\w-]+\s+){{0,2}}?(?:qualification|qualifying|scoring|routing|triage|chatbots?|bots?|tools?|software|platforms?|automation|help\s+with\s+(?:that|this|leads|qualification))\b|"
    rf"\b(?:does|doing|do|did)\s+(?:exactly\s+|just\s+|precisely\s+|pretty\s+much\s+)?what\s+we\s+need\b|\b(?:won{APOS}?t|will\s+not|don{APOS}?t|do\s+not)\s+(?:be\s+)?(?:buying|need(?:ing)?|looking\s+(?:at|for))\s+(?:another|a\s+second|a\s+separate|an\s+additional|any\s+other)\s+(?:\w+\s+)?(?:tool|solution|product|platform|vendor|system)\b|"
    rf"\b(?:don{APOS}?t|do\s+not)\s+(?:really\s+)?(?:think|believe|see)\s+(?:that\s+)?we\s+(?:need|have\s+a\s+use)|"
    rf"\bno\s+(?:real\s+)?(?:need|use)\s+for\b|\bnot\s+(?:interested|a\s+fit|relevant)\b|\bjust\s+(?:browsing|looking\s+around)\b|\b(?:setup|tool|system|solution|process|bot|crm)(?:\s*\([^()]{{0,60}}\))?\s+(?:works|is\s+working|does\s+the\s+job)(?:\s+\w+)?\s+(?:great|fine|well|perfectly)|"
    rf"\b(?:wrong|not\s+(?:a|the)\s+(?:right|good))\s+(?:fit|product|tool|vendor|match|ad|link|page|form|company)|\b(?:not|isn{APOS}?t)\s+what\s+(?:we|I)\s+(?:need|want|{APOS}?re\s+(?:after|looking\s+for)|are\s+(?:after|looking\s+for))|"
    rf"\b(?:stick|staying|stay)\s+with\s+(?:what|our|the)\b|\b(?:don{APOS}?t|do\s+not)\s+(?:really\s+)?(?:have|see)\s+(?:a|an|any|that|this|the|such|those)\s+(?:\w+\s+)?(?:problems?|issues?|pain|gap|need)|"
    rf"\b(?:doesn{APOS}?t|does\s+not|won{APOS}?t|wouldn{APOS}?t)\s+(?:really\s+)?(?:fit|suit|apply\s+to)\s+us|\b(?:don{APOS}?t|do\s+not)\s+think\s+(?:this|it|that|you)\s+(?:fits|suits|would\s+(?:fit|help|work)|is\s+for\s+us)|\bnot\s+(?:really\s+)?(?:a|an)\s+(?:problem|issue)\s+(?:for\s+us|we\s+(?:have|face|{APOS}ve\s+got))|"
    rf"\bwe\s+(?:don{APOS}?t|do\s+not)\s+(?:really\s+)?(?:do|get|have|generate|receive|make|run)\s+(?:any\s+|many\s+|much\s+|that\s+many\s+|(?:anywhere\s+near\s+|nearly\s+|quite\s+)?enough\s+)?(?:'|\")?(?:web\s+|website\s+|online\s+|inbound\s+)?(?:leads|inbound|enquiries|inquiries|sales\s+calls|sales\s+conversations|sales\s+meetings|outbound|demos)|"
    rf"\b(?:current|existing)\s+(?:\w+\s+){{0,2}}(?:process|setup|set-up|tool|system|team|flow|vendor|chatbot|bot|provider|platform|crm|solution)\s+(?:already\s+)?(?:handles|covers|does|manages|gives\s+us)\s+(?:it|that|this|everything|what\s+we\s+need|all\s+we\s+need)\b|\bno\s+(?:inbound|leads)\s+to\s+speak\s+of|"
    rf"{_NOT_A_BUYER}|\bno\s+problem\s+with\s+(?:our|lead)|\bonly\s+here\s+because\b|\bnot\s+in\s+the\s+market\b|\b(?:inbound|leads|enquiries|inquiries|demand)\s+(?:has|have)\s+(?:all\s+but\s+)?dried\s+up\b|\btoo\s+small\s+for\s+(?:this|it|that|you)\b|\bnot\s+a\s+priority\b|\binbound\s+is\s+(?:a\s+trickle|tiny|minimal|negligible|very\s+low)\b|\bmostly\s+outbound\b|\bnot\s+(?:really\s+)?looking\s+for\s+anything\b|\b(?:don{APOS}?t|do\s+not)\s+(?:really\s+)?sell\s+(?:anything|much|online)\b|\b(?:buil[dt]|build(?:ing)|develop(?:ed|ing)?|cod(?:e|ed|ing))\s+(?:[\w-]+\s+){{0,4}}?(?:in[- ]house|ourselves)\b|\b(?:we|I){APOS}?(?:ll|\s+will)\s+(?:have\s+to\s+|probably\s+|politely\s+)?pass\b(?=\s*(?:[.!,;]|$|on\s+(?:this|it|that)\b|for\s+now\b|this\s+time\b))|\bbuilt\s+our\s+own\b|\bnothing\s+(?:to\s+do\s+with\s+)?sales(?:[- ]related)?\b|\bnot\s+sales[- ]related\b|\brenewing\s+(?:our\s+)?(?:current\s+|existing\s+)?(?:contract|subscription)\b|\b(?:well|already)\s+(?:served|covered|looked\s+after)\b|\bwinding\s+(?:\w+\s+){{0,2}}down\b|\b(?:closing|shutting)\s+(?:down\s+)?(?:the|our)\s+(?:business|company|shop)\b|\bnothing\s+to\s+(?:fix|solve|improve)\b|\b(?:setup|set-up|process|system|tool|flow)\s+is\s+(?:solid|fine|great|good|working)\b|"
    rf"\bnothing\s+(?:for\s+(?:a|the|your|any)\s+[\w-]+\s+)?to\s+qualify\b|\bno\s+(?:lead\s+)?qualif\w+\s+(?:to\s+do|needed|required|necessary)\b|\bwe\s+(?:don{APOS}?t|do\s+not|never)\s+(?:need\s+to\s+)?qualify\s+(?:anyone|anybody|anything|people)\b|"
    rf"\bthere{APOS}?s?\s+(?:is\s+)?no\s+inbound\b|\bno\s+inbound\s+(?:leads|to\s+speak\s+of|at\s+all)\b|\bonly\s+sell\s+(?:through|via)\s+(?:partners|distributors|resellers|dealers|wholesalers)\b|"
    rf"\bnot\s+(?:for\s+)?(?:sales|selling)\b(?![-\w])|\b(?:get|collect)\s+(?:\w+\s+)?(?:quotes|bids)\s+at\s+renewal", re.I)

# Weak "no need": true only when nothing in the message describes a problem.
_WEAK_NO_NEED = cue(
    rf"\b(?:receptionists?|team|staff|assistants?|office\s+manager|we|I)\s+(?:already\s+)?(?:handles?|answers?|deals?\s+with|covers?)\s+(?:every|all|each)\s+(?:\w+\s+)?(?:enquiry|enquiries|inquiry|inquiries|lead|leads|call|calls|chat|chats)\b[^.;]{{0,40}}\b(?:brilliant|great|excellent|well|fine|perfectly|no\s+problem|easily)\b|"
    rf"\bnothing\s+(?:is\s+|{APOS}s\s+)?(?:broken|wrong)\b|\b(?:team|tool|system|process|setup|vendor|person|agency|partner|receptionists?|staff|assistants?|people|colleagues?)\s+(?:that|who|which)\s+(?:already\s+)?(?:handles?|covers?|does|manages?|deals?\s+with|answers?)\s+(?:this|it|that|them|(?:all\s+|every\s+|our\s+|the\s+)+(?:\w+\s+)?(?:enquiries|inquiries|leads|calls|chats|requests|enquiry|lead|call|chat))\s+(?:really\s+|perfectly\s+|very\s+|just\s+)?(?:well|fine|already|perfectly|great)\b|"
    rf"\b(?:it|that|this|things?|everything|all){APOS}?s?\s+(?:is\s+|are\s+)?(?:fine|ok|okay|working(?:\s+(?:fine|well))?|manageable)\b|\b(?:very|perfectly|totally)\s+manageable\b|"
    rf"\bkeep\s+up\s+(?:just\s+)?fine\b|\bin\s+(?:good|great|decent)\s+shape\b|\bunder\s+control\b|\bon\s+top\s+of\s+(?:it|things|this|that)\b|"
    rf"\b(?:already\s+)?qualif(?:y|ies)\s+(?:everything|every\s+(?:lead|enquiry|inquiry)|them\s+all|all\s+(?:of\s+them|leads|enquiries))\b|\bno\s+(?:real|big|major|actual|particular|specific|obvious|pressing|burning)\s+(?:problems?|issues?|pain(?:\s+points?)?|need)\b|\b(?:tool|system|setup|set-up|chatbot|bot|process|crm|team|provider|vendor)(?:\s+(?:we|I)\s+(?:use|have|run|got|picked|chose))?\s+(?:is|are|works|does)\s+(?:\w+\s+)?(?:fine|ok|okay|good|great|well)\b(?!\s+(?:but|except|apart))|\bno\s+complaints\b|\ball\s+good\b", re.I)

# Products outside lead handling: wanting one of these is "no need" unless a lead word is there too.
_OFF_DOMAIN = cue(
    r"\b(?:hr|human\s+resources|payroll|payslips?|employee\s+questions|ticketing|help\s?desk|support\s+tickets?|"
    r"customer\s+support\s+(?:tool|system|ticketing)|accounting|bookkeeping|faqs?(?:\s+bot)?|customer\s+service|existing\s+customers|internal\s+(?:it|support|helpdesk|help\s+desk|comms|communications)|it\s+support|service\s+desk|invoic\w+|inventory|timesheets?|"
    r"rostering|recruiting\s+software|applicant\s+tracking|ats)\b|\bnot\s+sales\b", re.I)

# Wanting something, however phrased: "we need payroll software", "after an HR tool".
_WANTS = cue(r"\b(?:need|needs|want|wants|require|requires|looking\s+for|after|seeking|searching\s+for|in\s+the\s+market\s+for)\b", re.I)

# What the product handles: leads and the people and steps around them.
_LEAD_OBJECT = cue(
    r"\b(?:leads?|inbound|enquir\w+|inquir\w+|prospects?|(?:demo|meeting|web|website|contact|quote|booking|sales)\s+requests?|(?:contact|enquiry|inquiry|info|leads?|sales|shared|general)\s+inbox(?:es)?|requests?\s+from|"
    r"form\s*(?:fills?|submissions?|entries)|(?:fill|fills|filled|filling)\s+(?:in\s+|out\s+)?(?:the\s+|a\s+|our\s+)?forms?|contact\s+forms?|web\s?forms?|web\s*chats?|live\s*chats?|site\s+chat|chats?\b|visitors?|"
    r"pipeline|qualif\w+|unqualified|follow[-\s]?ups?|followed\s+up|response\s+(?:times?|quality|rates?)|first\s+response|reply\s+times?|reps?\b|sdrs?|bdrs?|aes?\b|"
    r"account\s+execs?|sales\s+(?:team|people|reps?|staff|calls?|guys|girls|folks|inbox)|meetings?|demos?|no[-\s]shows?|buyers?|opportunit\w+|deals?|"
    r"conversions?|traffic|(?:discovery|sales|intro|qualification)\s+calls?|triag\w*|screening|(?:pricing|sales|product|buying)\s+questions|consultations?|appointments?|sign[-\s]?ups?|trials?|registrations?|closers?|sales\s?(?:people|persons?|folks)|salespeople|mqls?|sqls?|crm|routing|route|hand[-\s]?offs?|callbacks?|bookings?)\b", re.I)

_PROBLEM = CueAlternatives(
    rf"\bcan{APOS}?t\s+(?:triage|qualify|sort|screen|process|get\s+through|deal\s+with)\b|\b(?:won{APOS}?t|don{APOS}?t|can{APOS}?t|never|wouldn{APOS}?t)\s+(?:pass|qualify|be\s+eligible|meet\s+(?:our|the)\s+criteria)\b|\bnot\s+eligible\b|\bcherry[- ]?pick\w*|\brot(?:s|ting)?\b|\boutside\s+(?:of\s+)?(?:our|the)\s+(?:\w+\s+)?(?:areas?|scope|remit|niche|catchment|specialit(?:y|ies)|services?)\b|\bout\s+of\s+scope\b|\birrelevant\b|"
    rf"\b(?:below|under|short\s+of)\s+(?:our|the)\s+minimum\b|\bbudgets?\s+(?:way\s+|far\s+|well\s+)?(?:below|under|too\s+(?:low|small))\b|\bgo(?:es|ing)?\s+in\s+blind\b|\b(?:doesn{APOS}?t|don{APOS}?t|never)\s+ask\s+the\s+right\s+questions\b|\b(?:falls?|falling|fell)\s+apart\b|"
    rf"\b(?:nobody|no\s+one|no-one)\s+(?:really\s+|properly\s+)?(?:tracks?|keeps?\s+track|logs?|records?|knows?)\b|\b(?:don{APOS}?t|do\s+not|can{APOS}?t|cannot|never)\s+(?:really\s+|properly\s+)?(?:track|log|record|measure)\s+(?:which|where|how\s+many|what|whether|if)\b|"
    rf"\b(?:just|only|merely)\s+(?:comparing|shopping\s+around|fishing|checking)\b|\bprice[- ]?(?:shoppers?|shopping|comparisons?|hunters?)\b|\bshopping\s+around\b|\bnever\s+going\s+to\s+buy\b|\bfishing\s+for\s+(?:prices|quotes)\b|"
    rf"\b(?:los(?:e|es|ing|t)|miss(?:es|ed|ing)?|drop(?:s|ped|ping)?|leak\w*|slip(?:s|ping)?)\b|\bfall(?:s|ing)?\s+through|"
    rf"\bwast(?:e|es|ed|ing)\b|\btoo\s+(?:much\s+time|long|slow(?:ly)?|many)\b|\b(?:way|far)\s+too\b|\bdrown\w*|\bburied\b|\bclog\w*|\bswamped\b|\boverwhelm\w*|\bflooded\b|"
    rf"\bcan{APOS}?t\s+(?:keep\s+up|cope|respond|answer|handle|follow|get\s+to)|\b(?:not\s+able|unable)\s+to\s+(?:\w+\s+)?(?:keep\s+up|cope|respond|answer|handle|follow|get\s+to|call|reply|reach)|\bloos(?:e|es|ing)\b|\bcannot\s+(?:keep\s+up|cope|respond|answer|handle)|"
    rf"\bstruggl\w+|\bgo(?:es)?\s+nowhere\b|\bnothing\s+but\b|\bjunk\b|\b(?:rubbish|garbage|useless|worthless|crap|low[-\s]quality|broken|chaos|chaotic)\b|\bsome\s+get\s+none\b|\bspam\b|\bnoise\b|\bt[iy]re[- ]kickers\b|\bunqualified\b|\bnot\s+(?:qualified|real\s+buyers)\b|"
    rf"\bturn\s+out\s+to\s+be\b|\b(?:students|job\s+seekers|competitors)\b|\bby\s+hand\b|\bmanual(?:ly)?\b|\bslow\b|\bdelay\w*|\bbacklog\b|\bpil(?:e|es|ing)\s+up\b|"
    rf"(?<!\bno\s)(?<!\bno\sreal\s)(?<!\bno\sbig\s)(?<!\bno\smajor\s)(?<!\bno\sactual\s)(?<!\bno\sspecific\s)(?<!\bno\sparticular\s)(?<!\bno\sobvious\s)(?<!\bno\spressing\s)\b(?:issue|problem|pain|headache|challenge|bottleneck|nightmare|mess|weakness|weak\s+(?:spot|point|link)|sore\s+(?:point|spot))\b|\bignored\b|\bnever\s+(?:get|hear)|\bbehind\b|\b(?:gone|go|goes|going|went|gets?|got|getting)\s+(?:\w+\s+)?cold\b|\bghost\w*|\bover\s+and\s+over\b|\bagain\s+and\s+again\b|\brepetitive\b|\bsame\s+(?:\w+\s+)?questions\b|\bcan{APOS}?t\s+(?:tell|distinguish|separate)\b|\black(?:s|ing)?\b|\bno\s+(?:proper|good|real|easy|reliable|clear)\s+(?:way|process|system)\b|\b(?:don{APOS}?t|do\s+not|never|didn{APOS}?t)\s+(?:show|turn)(?:\s+up)?\b|\bout\s+of\s+(?:office\s+)?hours\b|\bafter[- ]hours\b|\bovernight\b|\bat\s+night\b|\bweekends?\b|\bprioriti[sz]\w*|\bcould\s+be\s+(?:a\s+lot\s+|much\s+|way\s+)?(?:better|faster|quicker|smarter)\b|\b(?:argu(?:e|es|ing)|fight(?:s|ing)?|blam(?:e|es|ing)|friction|disagree\w*)\b|\b(?:unhappy|dissatisfied|frustrated|fed\s+up|not\s+happy)\b|\bend\s+up\s+(?:doing|handling|answering|chasing|sorting)\b|\buse\s+of\s+(?:their|our|my|his|her)\s+time\b|\b(?:(?:don{APOS}?t|do\s+not)\s+know|(?:nobody|no\s+one|noone)\s+knows)\s+(?:who|which|whether)\b|\bnever\s+(?:talk|speak|hear)\b|\b(?:the\s+)?only\s+one\s+(?:answering|handling|responding|replying|doing)\b|\blate\s+at\s+night\b|\bnever\s+(?:show|turn)\s+up\b|"
    rf"\b(?:hours|days|a\s+week|weeks)\s+(?:to|before|later)\b|\b\d+\s+(?:hours|days)\b|\blike\s+\d+\s+days\b|\bcompetitors?\b|\bdoesn{APOS}?t\s+scale\b|\b(?:graveyard|black\s+hole|dumping\s+ground)\b|\b(?:answer\w*|repl\w+\s+to|respond\w*\s+to|get\s+(?:back\s+)?to|call\w*\s+back|follow\w*\s+up\s+(?:on|with))\s+(?:only\s+|maybe\s+|about\s+|around\s+|barely\s+|perhaps\s+|roughly\s+)?(?:a\s+third|a\s+quarter|half|a\s+fraction|\d+\s*%)\s+of\b|\btoo\s+late\b|"
    rf"\b(?:awful|terrible|poor|bad|horrible|abysmal|dreadful|low|lousy)\b|\bnot\s+(?:very\s+|so\s+|that\s+|really\s+)?(?:good|serious|qualified)(?:\s+quality)?\b|\bsit(?:s|ting)?\s+(?:there|in(?!\s+(?:our|the|an?|my|their)\s+(?:[\w-]+\s+)?(?:office|offices|building|hq|headquarters|branch)\b)|for|around|unanswered|untouched|idle|until|till|over)\b|"
    rf"\bspend(?:s|ing)?\s+(?:\w+\s+)?(?:hours|days|ages|too\s+much|half|most|all|whole|entire)\b|\bcan{APOS}?t\s+afford\s+us\b|\bdead\b|\bchas(?:e|es|ing)\b|\btakes?\s+(?:us\s+|them\s+)?(?:\S+\s+){{0,3}}?(?:hours|days|weeks|ages|forever)\b|\bburn(?:s|ing)?\s+(?:their|our|my|the)\b|\bonly\s+want(?:ed|s)?\s+(?:a|the|to|info\w*|pric\w+|quotes?|brochures?)\b|\bonly\s+(?:\d+|a\s+few|a\s+handful|some|a\s+fraction|one\s+in\s+\w+)\s+(?:of\s+(?:them|those)\s+)?(?:are|is|turn\s+out)\s+(?:(?:any|actually|really)\s+)?(?:good|qualified|real|serious|relevant|worth)|\b(?:no\s+idea|can{APOS}?t\s+tell|hard\s+to\s+(?:tell|know))\s+(?:which|who|whether|if)\b|"
    rf"\b(?:bought|buy|went|go|gone|signed|hired?|booked)\s+(?:\w+\s+){{0,3}}?(?:from|with|to)\s+(?:another|someone\s+else|a\s+competitor|competitors|the\s+competition|the\s+\w+\s+down\s+the\s+road)|\bdown\s+the\s+road\b", re.I)

# Problem words that carry a loss on their own, for a sentence that follows the one naming the leads.
_STRONG_PROBLEM = cue(
    rf"\b(?:los(?:e|es|ing|t)|miss(?:es|ed|ing)?)\b|\bfall(?:s|ing)?\s+through|\bwast(?:e|es|ed|ing)\b|\bdrown\w*|\bswamped\b|\boverwhelm\w*|"
    rf"\bcan{APOS}?t\s+(?:keep\s+up|cope)|\bgone\s+cold\b|\b(?:bought|booked|signed|went|gone)\s+(?:\w+\s+)?(?:with|from|to|elsewhere)\s+(?:another|someone|a\s+competitor|the\s+competition|elsewhere)|\belsewhere\b", re.I)

_GOAL = re.compile(
    rf"\b(?:we|i|they)(?:{APOS}d|\s+would)\s+(?:like|love|prefer|rather|benefit\s+from)\b|\b(?:we|i)\s+(?:really\s+|badly\s+|urgently\s+)?(?:need|want|must|have\s+to|hope|aim|plan)\s+(?:to(?!\s+(?:finish|complete|finali[sz]e|wrap\s+up|get\s+through|close\s+out)\b)|reps?|sdrs?|bdrs?|sales|leads?|each|only|something|a|some|an|the|our|all|every|them|it|proper|better|more|real|faster|smarter|automatic|automated)\b|\b(?:was|were|are|am|{APOS}m|{APOS}re)\s+(?:after|hoping\s+for)\b|"
    rf"\b(?:looking|search(?:ing)?|seeking|hoping|trying|aiming)\s+(?:for|to)\b|\bwe\s+search\b|\b(?:find|get|need|want)\s+(?:a|an|some)\s+(?:\w+\s+)?(?:tool|chatbot|bot|system|solution|platform|way|assistant)\s+(?:that|which|to)\b|\bneed\s+something\b|\bneed\s+to\s+(?:\w+\s+)?(?:qualif|triag|filter|screen|route|respond|answer|follow|automat|speed|sort|capture|convert|book)\w*|\b(?:want|need)(?:s|ed)?\s+(?:to\s+be\s+)?(?:fix|solv|automat|sort|filter)\w*|"
    rf"\b(?:evaluating|comparing|assessing|reviewing|shortlisting|trialling|trialing|testing|looking\s+at)\s+(?:\w+\s+){{0,2}}?(?:vendors|tools|solutions|options|platforms|products|providers|chatbots|bots)\s+(?:for|to)\b|"
    rf"\bso\s+(?:that\s+)?(?:reps?|sdrs?|bdrs?|they|our\s+\w+|the\s+team)\s+(?:only|can)\b|\b(?:goal|aim|priority|plan|objective|target|focus)s?(?:\s+(?:for|in|this|next|over)(?:\s+[\w-]+){{1,3}}?)?\s*(?:is\s+to\b|(?:is|are)\s*:|:)", re.I)

# Self-sufficient pain phrasings: they need no lead word next to them.
_PAIN = cue(
    rf"\b(?:answer|prioriti[sz]e|focus\s+on|get\s+(?:back\s+)?to|spot|identify|pick\s+out|separat\w+|sort(?:s|ing)?(?:\s+out)?|filter(?:s|ing)?(?:\s+out)?|tell\s+apart)\s+(?:\w+\s+)?(?:the\s+)?(?:serious|real|hot|genuine|qualified)\s+(?:ones|leads|buyers|enquiries|inquiries|prospects|(?:new\s+)?(?:clients|customers|patients))\b|"
    rf"\b(?:nobody|no\s+one|noone)\s+(?:\w+\s+){{0,2}}?(?:answers?|owns?|follows?\s+up|gets?\s+back|responds?|repl(?:y|ies)|picks?\s+up|checks?|handles?|sees?|confirms?|calls?|contacts?|chases?|reaches?\s+out)\b|"
    rf"\bnot\s+(?:\w+\s+)?(?:fast|quick(?:ly)?)\s+enough\b|\bnot\s+answered\b|\bunanswered\b|\bwait(?:s|ing)?\s+(?:hours|days|a\s+week|too\s+long|for\s+days)|"
    rf"\b(?:leave|leaves|leaving|left|drop\s+off|drops\s+off|bounce|bounces|go|goes)\s+(?:again\s+)?without\s+(?:booking|buying|converting|signing\s+up|getting\s+in\s+touch|contacting\s+us|enquiring|asking|leaving\s+(?:their|any)\s+(?:details|contact))\b|"
    rf"\bno\s+way\s+(?:to|of)\s+(?:tell|know|knowing|telling|see|seeing|track|tracking|distinguish)\b|\b(?:unmanned|unstaffed|unattended|unmonitored)\b|"
    rf"\bkilling\s+us\b|\blos(?:e|es|ing|t)\s+track\s+of\b|\bt[iy]re[- ]kickers\b|\btime[- ]wasters\b|\bthe\s+need\s+is\s+(?:definitely\s+)?there|\b(?:our|the)\s+(?:main\s+|biggest\s+|big\s+|real\s+)?(?:problem|issue)\s+is|"
    rf"\b(?:breaks?|crash(?:es)?|keeps\s+breaking|falls\s+over|goes\s+down)\s+(?:on|every|all|whenever|each|constantly)|\bcosting\s+us\b(?![^.]*\$)|"
    rf"\b(?:pushing|pushed|lobbying|asking|arguing|begging)\s+for\s+(?:better|faster|proper|smarter)|\b(?:better|faster|proper|smarter|automatic|automated)\s+(?:lead\s+|inbound\s+)?(?:routing|qualification|triage|follow[- ]?ups?)\b|"
    rf"\bspend\s+(?:most|half|all)\s+of\s+(?:their|our|my)\s+(?:day|time|week)|\bbook(?:ed)?\s+(?:somewhere\s+)?elsewhere|\b(?:most|many|half|the\s+majority)\s+(?:of\s+(?:them|those|these|the\s+callers|the\s+enquirers)\s+)?(?:never|don{APOS}?t|do\s+not)\s+(?:actually\s+|end\s+up\s+|even\s+)?(?:book|buy|convert|sign\s+up|become\s+(?:clients|customers|patients))\b|"
    rf"\bgo(?:ne)?\s+elsewhere\b|\blose\s+them\b|\b(?:comes?|came)\s+last\b|\bbottom\s+of\s+the\s+(?:pile|list|queue)\b|\bback\s+of\s+the\s+queue\b|\bwant(?:ed)?\s+(?:fixed|solved|sorted)\b|\bwhat\s+we\s+want\s+to\s+(?:fix|solve|sort)\b", re.I)
# "we'd like to see a demo first" answers with a next step, not a problem.
_GOAL_VERB = cue(r"[^ ]+(?:\s+\w+){0,2}?\s+(?:like|love|want|need|prefer)\s+to\s+", re.I)
_MEETING_ONLY = re.compile(r"\b(?:like|love|want)\s+(?:a|the|an)\s+(?:quick\s+)?(?:demo|call|trial|quote|proposal|meeting)\b|\b(?:see|get|book|have|do|schedule)\s+(?:a\s+|the\s+)?(?:demo|call|trial|pricing|price\s+list|quote|proposal|brochure|more\s+info\w*)\b|"
                           r"\b(?:see|know|understand|learn|find\s+out|hear)\s+(?:more\s+about\s+)?(?:how|what|whether|if)\b", re.I)  # a question about the product
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening))\b[^.!?]{0,40}[,!]?\s*$", re.I)
_NO = re.compile(r"^\s*(?:no|nope|nah|not\s+really|not\s+(?:at\s+the\s+moment|right\s+now|currently|at\s+present|for\s+now))\b", re.I)
_YES = re.compile(r"^\s*(?:yes|yeah|yep|yup|definitely|absolutely|for\s+sure|100%|very\s+much|sure)\b[\s,.!]*(?:we\s+(?:do|need\s+(?:this|it)))?", re.I)


def _names_lead_work(phrase: str) -> bool:
    """A goal phrase about handling leads, not a next step with us ("we'd like to see a demo")."""
    verb = _GOAL_VERB.match(phrase)
    meeting = _MEETING_ONLY.match(phrase, verb.end()) if verb else _MEETING_ONLY.search(phrase)  # "we'd like a demo"
    return _LEAD_OBJECT.search(phrase) is not None and not meeting


def _confirmed(text: str) -> str | None:
    """Evidence that ``text`` states a lead-handling problem or goal, or None."""
    m = _PAIN.search(text)
    if m:
        return m.group()
    lead = _LEAD_OBJECT.search(text)
    if lead is None:
        return None
    cue = _PROBLEM.search(text)
    if cue is None:
        # A goal counts only when its own phrase (up to the next comma) names what it is about.
        cue = next((g for g in _GOAL.finditer(text) if _names_lead_work(re.split(r"[,;:]", text[g.start() :])[0])), None)
        if cue is None:
            return None
        lead = _LEAD_OBJECT.search(text, cue.start()) or lead
    a, b = sorted((lead, cue), key=lambda x: x.start())
    return text[a.start() : b.end()] if b.end() - a.start() <= 120 else cue.group()


def read_need(parts: list[Clause], asked: str | None) -> tuple[list[Fact], bool]:
    """The need fact: strong "none" cues beat pain, pain beats weak "none" cues."""
    for clause in parts:
        m = _NO_NEED.search(clause.text)
        if m:
            return [Fact(field="need", value="none", evidence=m.group(), confidence=0.85)], False
    for clause in parts:
        m = _CONTENT.search(clause.text)
        if m:
            rest = clause.text[m.end() :]
            after = _CONTRAST.search(rest)
            if not (after and _confirmed(rest[after.start() :])):
                return [Fact(field="need", value="none", evidence=m.group(), confidence=0.8)], False
    for clause in parts:
        m = _NOT_THE_PROBLEM.search(clause.text)
        if m and not any(_confirmed(c.text[m.end() :] if c is clause else c.text) for c in parts):
            return [Fact(field="need", value="none", evidence=m.group(), confidence=0.75)], False
    for clause in parts:
        off = _OFF_DOMAIN.search(clause.text)
        if off and (_GOAL.search(clause.text) or _WANTS.search(clause.text[: off.start()])) and not _LEAD_OBJECT.search(clause.text):
            return [Fact(field="need", value="none", evidence=off.group(), confidence=0.7)], False
    for i, clause in enumerate(parts):
        evidence = _confirmed(clause.text)
        if evidence is None and i and _LEAD_OBJECT.search(parts[i - 1].text):
            # "Enquiries come in at night. By then half have booked elsewhere": the object was named just before.
            m = _STRONG_PROBLEM.search(clause.text)
            evidence = m.group() if m else None
        if evidence:
            return [Fact(field="need", value="confirmed", evidence=evidence, confidence=0.8)], False
    for clause in parts:
        m = _WEAK_NO_NEED.search(clause.text)
        if m:
            return [Fact(field="need", value="none", evidence=m.group(), confidence=0.6)], False
    # The answer starts after a greeting line ("Hi Sam,") in an email.
    first = next((c.text for c in parts if not _GREETING.match(c.text)), "")
    if asked == "need":
        # An answer to "what problem are you solving?" that states a problem or a goal confirms a need.
        for clause in parts:
            goal = _GOAL.search(clause.text)
            m = _PROBLEM.search(clause.text) or (goal if goal and not _MEETING_ONLY.search(clause.text) else None)
            if m and not _NO.match(first):
                return [Fact(field="need", value="confirmed", evidence=m.group(), confidence=0.6)], False
    if asked == "need" and first:
        m = _NO.match(first)
        if m:
            return [Fact(field="need", value="none", evidence=m.group().strip(), confidence=0.6)], False
        m = _YES.match(first)
        if m and m.group().strip():
            return [Fact(field="need", value="confirmed", evidence=m.group().strip(), confidence=0.7)], False
    return [], asked == "need"
