"""Reading an email reply: keep what the prospect wrote now, drop what states nothing.

``strip_reply`` removes quoted history (``On … wrote:`` and its translations, ``>`` lines,
forwarded and Outlook ``From:/Sent:`` headers), signatures, disclaimers and footers, keeping
inline answers written between quoted lines. Header detection uses mail-parser-reply's
multilingual header patterns plus a catch-all for ``… wrote:`` lines it misses (Portuguese,
Spanish); its signature cut is not used because it treats any line starting with "Thanks" as a
signature. Every kept line is an unchanged line of the input, so evidence quoted from the
result is a substring of the original email. ``own_text`` is the one entry point: the rules and
the LLM extractor both read a message through it.
"""

from __future__ import annotations

import re
from bot.extract.prefilter import cue
from functools import lru_cache

from mailparser_reply.parser import EmailMessage

_LANGUAGES = ["en", "de", "fr", "es", "nl", "it", "pl", "sv", "da"]
_WROTE = cue(
    r"(?:wrote|writes|escribió|escreveu|a\s+écrit|schrieb|schreef|ha\s+scritto|napisał|skrev|kirjoitti)\s*:\s*$", re.I)
_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*\S[^\n]{0,40}?-{2,}\s*$|-{2,}\s*(?:original\s+message|forwarded\s+message|urspr[uü]e?ngliche\s+nachricht|message\s+d'origine|"
    r"mensaje\s+original|mensagem\s+original|oorspronkelijk\s+bericht)\s*-{2,}|_{10,}|begin\s+forwarded\s+message:)", re.I)
_FROM = re.compile(r"^\s*(?:from|von|de|van|da|od|från)\s*:\s*\S", re.I)
_SENT = re.compile(r"^\s*(?:sent|date|gesendet|datum|envoyé|enviado|fecha|verzonden|inviato|to|an|à|para|subject|betreff)\s*:", re.I)
_VALEDICTION = re.compile(
    r"^\s*(?:(?:best|kind|warm|many|with\s+kind|with\s+best|warmest)\s+(?:regards|wishes)|regards|best|cheers|thanks|"
    r"thank\s+you|many\s+thanks|thanks\s+again|sincerely|yours(?:\s+(?:sincerely|truly|faithfully))?|all\s+the\s+best|"
    r"talk\s+soon|speak\s+soon|br|kr|rgds|mit\s+freundlichen\s+grüßen|viele\s+grüße|beste\s+grüße|liebe\s+grüße|"
    r"met\s+vriendelijke\s+groet(?:en)?|groeten|cordialement|bien\s+à\s+vous|merci|bonne\s+journée|un\s+saludo|saludos|"
    r"atentamente|abraço|abraços|atenciosamente|cumprimentos|cordiali\s+saluti|distinti\s+saluti|saluti|"
    r"med\s+vänliga\s+hälsningar|mvh|hälsningar|pozdrawiam|tack)\s*[,.!]*\s*$", re.I)
_SENT_FROM = re.compile(r"^\s*(?:sent\s+from\s+my|sent\s+from\s+(?:outlook|mail)|get\s+outlook\s+for|enviado\s+do\s+meu|"
                        r"envoyé\s+de\s+mon|enviado\s+desde\s+mi|von\s+meinem|verzonden\s+vanaf)", re.I)
_DASHES = re.compile(r"^\s*(?:--|—|-- )\s*$")
_DISCLAIMER = cue(
    r"\b(?:confidential|intended\s+(?:solely|only)|privileged|if\s+you\s+have\s+received\s+this|registered\s+office|registered\s+in\s+(?:england|wales|scotland|(?:northern\s+)?ireland|[\w&,\s]{0,30}?\b(?:no\.?|number|under|with\s+(?:the\s+)?(?:companies|registrar|chamber)))|"
    r"company\s+(?:no|number|reg)|unsubscribe|do\s+not\s+print|think\s+before\s+you\s+print|ABN\s+\d|VAT\s+(?:no|reg)|"
    r"amtsgericht|geschäftsführer|geschaeftsfuehrer|handelsregister|siret|p\.\s?iva|cnpj)\b", re.I)
_CONTACT = re.compile(
    r"(?:\+?\d[\d\s().-]{6,}\d|@|https?://|www\.|\.(?:com|io|ai|co|net|org|de|fr|es|nl|uk|au)\b|^\s*(?:tel|phone|mob|m|t|f|e|fax)\s*[.:])", re.I)
_SENTENCE_END = re.compile(r"(?<!\binc)(?<!\bltd)(?<!\bco)(?<!\bcorp)(?<!\bllc)(?<!\bplc)(?<!\bb\.v)(?<!\bs\.a)[.!?:]$", re.I)
_AUTO_REPLY = cue(
    r"\b(?:automatic\s+reply|auto(?:matic)?[-\s]?(?:reply|response|responder)|out\s+of\s+(?:the\s+)?office|"
    r"abwesenheitsnotiz|absente?\s+du\s+bureau|fuera\s+de\s+la\s+oficina|afwezig|this\s+mailbox\s+is\s+not\s+monitored|"
    r"do\s+not\s+reply\s+to\s+this\s+(?:e-?mail|message))", re.I)
# Being away reads as a responder only where a responder says it, at the top: a person's real reply
# may mention a conference trip further down ("I am away on the 24th, but otherwise ...").
_AWAY = cue(
    r"\b(?:(?:on|currently\s+on)\s+(?:annual|parental|maternity|paternity|sick|medical|holiday|vacation|study)\s+leave|"
    r"(?:i\s+am|i'm|i’m)\s+(?:currently\s+)?(?:away|on\s+(?:vacation|holiday|leave))|"
    r"(?:won't|will\s+not|won’t)\s+be\s+checking\s+(?:my\s+)?e-?mail|(?:limited|no)\s+access\s+to\s+(?:my\s+)?e-?mail)", re.I)
_AWAY_WITHIN = 300  # characters from the top


@lru_cache(maxsize=1)
def _library_header() -> re.Pattern[str]:
    return EmailMessage(text="", languages=list(_LANGUAGES)).HEADER_REGEX


def _header_index(lines: list[str]) -> int:
    """Index of the first line of quoted history (len(lines) when there is none)."""
    joined = "\n".join(line.strip() for line in lines)
    m = _library_header().search(joined)
    first = joined.count("\n", 0, m.start() + (1 if m and joined[m.start()] == "\n" else 0)) if m else len(lines)
    for i, line in enumerate(lines[:first]):
        s = line.strip()
        if _SEPARATOR.match(s) or _WROTE.search(s):
            return i
        if i + 1 < len(lines) and _WROTE.search(lines[i + 1].strip()) and re.match(r"^\s*(?:on|em|el|le|am|op|il|den)\b", s, re.I):
            return i
        if _FROM.match(s) and (any(_SENT.match(x) for x in lines[i + 1 : i + 4]) or re.match(r"^\s*from:", s, re.I)):
            return i  # an English "From:" header line starts history even without a "Sent:" after it
    return first


def _quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _prose(line: str) -> bool:
    """A written sentence, not a contact line: "We are a company with 500-1000 employees." has a figure
    that looks like a phone number, but a signature line has no sentence of eight words ending in a full stop
    (nor one of twelve words around an email address)."""
    words = len(line.split())
    if "|" in line or words < 8 or _SENTENCE_END.search(line) is None:
        return False
    return words >= 12 or not re.search(r"@|https?://|www\.", line)  # an address inside a long sentence is still prose


def _signature_start(lines: list[str]) -> int:
    """Where the sign-off or signature block starts in the reply part (len(lines) when none)."""
    seen_text = False
    end = len(lines)
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if seen_text and (_VALEDICTION.match(s) or _DASHES.match(s)) or _SENT_FROM.match(s):
            end = i
            break
        seen_text = True
    lines = lines[:end]
    # No sign-off word (or a name after it): drop trailing paragraphs that look like a name and contact block.
    paragraphs: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate(lines + [""]):
        if line.strip() and start is None:
            start = i
        elif not line.strip() and start is not None:
            paragraphs.append((start, i))
            start = None
    for a, b in reversed(paragraphs[1:]):
        block = [x.strip() for x in lines[a:b]]
        signature_like = all(
            len(x) <= 70 and not _SENTENCE_END.search(x) or (_CONTACT.search(x) and not _prose(x)) or _DISCLAIMER.search(x) for x in block
        )
        if not signature_like:
            break
        end = a
    return end


_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|good\s+(?:morning|afternoon|evening))\b[^.!?]{0,40}[,!]?\s*$", re.I)


def _note_below_forward(history: list[str]) -> list[str]:
    """A forward with nothing above it may carry the sender's note below: from the last greeting
    that follows some of the forwarded body (a greeting opening that body is the original's)."""
    body_seen = False
    start = None
    for i, line in enumerate(history):
        s = line.strip()
        if _GREETING.match(s) and body_seen:
            start = i
        elif s and not (_FROM.match(s) or _SENT.match(s)):
            body_seen = True
    return history[start:] if start is not None else []


def strip_reply(text: str) -> str:
    """The part of an email reply the prospect wrote now (lines of ``text``, unchanged)."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    head = _header_index(lines)
    reply, history = lines[:head], lines[head + 1 :]
    if not any(line.strip() for line in reply) and _SEPARATOR.match(lines[head] if head < len(lines) else ""):
        reply = _note_below_forward(history)
    reply = [line for line in reply if not _quoted(line)]
    reply = reply[: _signature_start(reply)]
    # Inline answers: unquoted lines written between quoted lines of the history.
    inline: list[str] = []
    quoted_idx = [i for i, line in enumerate(history) if _quoted(line)]
    if quoted_idx:
        for i in range(quoted_idx[0], quoted_idx[-1]):
            line = history[i]
            if line.strip() and not _quoted(line) and not _SENT_FROM.match(line.strip()):
                inline.append(line)
    kept = [line for line in reply + inline if not _DISCLAIMER.search(line)]
    return "\n".join(kept).strip()


def own_text(text: str, channel: str) -> str:
    """What the sender wrote in this message, the one reading both extractors use: a chat message as is;
    an email without quoted history, signature and disclaimers, and nothing at all for an automatic reply."""
    if channel != "email":
        return text
    if is_auto_reply_text(text):
        return ""
    return strip_reply(text)


def is_auto_reply_text(text: str) -> bool:
    """True for out-of-office and vacation responders (they state nothing about the prospect)."""
    return _AUTO_REPLY.search(text[:1500]) is not None or _AWAY.search(text.lstrip()[:_AWAY_WITHIN]) is not None
