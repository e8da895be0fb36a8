"""Reading an inbound email: parse the bytes into what threading and the conversation need, and
classify it (a reply, an automatic reply, a bounce, or unreadable). Pure: no IO, no clock.

Parsing uses the standard library with ``policy.default``; it never raises on bad input — what
cannot be read becomes ``ParsedEmail.problem``. Attachments are never read. Reply stripping and
out-of-office wording live in :mod:`bot.extract.email_text` and are reused here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import errors, policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from typing import Literal

from bot.channels.email.render import html_to_text
from bot.extract.email_text import is_auto_reply_text, strip_reply

Kind = Literal["reply", "auto_reply", "bounce", "rejected"]

_MSGID = re.compile(r"<[^<>\s]+>")
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic\s+reply|auto(?:matic)?[-\s]?(?:reply|response)|out\s+of\s+(?:the\s+)?office|"
    r"abwesenheit|réponse\s+automatique|respuesta\s+automática)\b", re.I)
_BOUNCE_SENDER = re.compile(r"^(?:mailer-daemon|postmaster)@", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"\b(?:undeliverable|undelivered\s+mail|delivery\s+status\s+notification|mail\s+delivery\s+(?:failed|failure|"
    r"subsystem)|returned\s+mail|failure\s+notice|delivery\s+has\s+failed)\b", re.I)
_OPT_OUT = re.compile(
    r"^\W*(?:please\W+)?(?:unsubscribe|stop|opt[-\s]?out|remove(?:\s+me)?|remove\s+me\s+please)\W*$|"
    r"\bunsubscribe\s+me\b|\bplease\s+unsubscribe\b|\b(?:opt|take)\s+me\s+(?:out|off)\b|"
    r"\bopt[-\s]?out\s+of\s+(?:these|your|this|the|all)\s+(?:e-?mails?|messages|list|mailing)|"
    r"\b(?:stop|quit)\s+(?:e-?mailing|contacting|writing\s+to|sending\s+me|messaging)\b|"
    r"\b(?:don'?t|do\s+not|never)\s+(?:e-?mail|contact|write\s+to|message)\s+me\b|"
    r"\bremove\s+me\s+from\s+(?:your|this|the)\s+(?:list|mailing|e-?mails?|database)|"
    r"\btake\s+me\s+off\s+(?:your|this|the)\s+(?:list|mailing)|\bno\s+more\s+e-?mails\b", re.I)

# Where quoted history starts in a reply (enough for the opt-out check; stripping proper is email_text's).
_HISTORY = re.compile(r"(?:wrote|schrieb|a\s+écrit|escribió)\s*:\s*$|^-{2,}\s*original\s+message|^from:\s*\S", re.I)
_OWN_FOOTER = re.compile(r"rather\s+not\s+hear\s+from\s+us", re.I)  # our own footer, quoted without ">"


@dataclass(frozen=True)
class ParsedEmail:
    """What qualbot reads from one inbound message.

    ``body`` is the whole plain-text body (HTML converted), quoted history included: the
    extractor strips it. ``problem`` says why the message cannot be used, when it cannot.
    """

    message_id: str | None
    dedupe_key: str
    from_address: str | None
    from_name: str
    recipients: tuple[str, ...]
    subject: str
    date: datetime | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    body: str
    auto_submitted: bool
    bounce: bool
    bounced_recipients: tuple[str, ...] = ()
    bounce_failed: bool = False
    bounced_message_ids: tuple[str, ...] = ()
    problem: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def parse(raw: bytes, *, envelope_rcpts: tuple[str, ...] = (), max_body_chars: int = 20_000) -> ParsedEmail:
    """Parse raw RFC 822 bytes; never raises."""
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the parser is lenient, but a broken input must not take the receiver down
        return _unreadable(digest, envelope_rcpts, f"malformed message: {exc}")
    notes: list[str] = []
    message_id = _first_id(_header(msg, "Message-ID"))
    from_name, from_address = _sender(msg)
    recipients = tuple(dict.fromkeys(
        a.lower() for a in (*envelope_rcpts, *_addresses(msg, "To"), *_addresses(msg, "Cc"),
                            *_addresses(msg, "Delivered-To"), *_addresses(msg, "X-Original-To")) if a
    ))
    bounce, failed_rcpts, failed, bounced_ids = _bounce(msg, from_address, _header(msg, "Subject"))
    body, problem = _body(msg, notes, max_body_chars)
    if not msg.keys() and not raw.strip():
        problem = "empty message"
    elif not msg.keys():
        problem = "malformed message: no headers"
    defects = [type(d).__name__ for d in msg.defects]
    if defects:
        notes.append("MIME defects: " + ", ".join(sorted(set(defects))))
    return ParsedEmail(
        message_id=message_id,
        dedupe_key=message_id or digest,
        from_address=from_address,
        from_name=from_name,
        recipients=recipients,
        subject=_header(msg, "Subject")[:500],
        date=_date(msg),
        in_reply_to=tuple(_MSGID.findall(_header(msg, "In-Reply-To"))),
        references=tuple(_MSGID.findall(_header(msg, "References"))),
        body=body,
        auto_submitted=_auto_headers(msg),
        bounce=bounce,
        bounced_recipients=failed_rcpts,
        bounce_failed=failed,
        bounced_message_ids=bounced_ids,
        problem=problem,
        notes=tuple(notes),
    )


def classify(email: ParsedEmail) -> tuple[Kind, str | None]:
    """What the message is, and the reason when it is not a usable reply."""
    if email.bounce:
        return "bounce", "delivery failed" if email.bounce_failed else "delivery status notification (not a failure)"
    if email.auto_submitted:
        return "auto_reply", "automatic reply (headers)"
    if _AUTO_SUBJECT.search(email.subject) or is_auto_reply_text(email.body):
        return "auto_reply", "automatic reply (out-of-office wording)"
    if email.problem:
        return "rejected", email.problem
    if not email.from_address:
        return "rejected", "no sender address"
    if not email.body.strip():
        return "rejected", "empty body"
    if not own_text(email) and not wants_opt_out(email):
        return "rejected", "no new text (only quoted history or a signature)"
    return "reply", None


def own_text(email: ParsedEmail) -> str:
    """What the prospect wrote now: the body without quoted history and signature."""
    return strip_reply(email.body)


def wants_opt_out(email: ParsedEmail) -> bool:
    """True when the prospect asks not to be emailed, in the subject or their own lines.

    Not :func:`own_text`: reply stripping drops lines mentioning "unsubscribe" as footer noise,
    and a bare "Unsubscribe" is exactly what an opting-out prospect writes.
    """
    if re.match(r"^\s*(?:re:\s*)?(?:unsubscribe|stop)\b", email.subject, re.I):
        return True
    for line in email.body.split("\n"):
        s = line.strip()
        if s.startswith(">") or _OWN_FOOTER.search(s):
            continue
        if _HISTORY.search(s):
            break
        if _OPT_OUT.search(s):
            return True
    return False


# ---- helpers -------------------------------------------------------------------------------
def _unreadable(digest: str, rcpts: tuple[str, ...], problem: str) -> ParsedEmail:
    return ParsedEmail(None, digest, None, "", tuple(r.lower() for r in rcpts), "", None, (), (), "", False, False,
                       problem=problem)


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the policy cannot parse
        value = None
    if value is None:
        raw = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None) if hasattr(msg, "raw_items") else None
        value = raw
    return " ".join(str(value).split()) if value is not None else ""


def _first_id(value: str) -> str | None:
    found = _MSGID.findall(value)
    return found[0][:300] if found else None


def _sender(msg: Message) -> tuple[str, str | None]:
    for name in ("From", "Sender", "Reply-To"):
        display, address = parseaddr(_header(msg, name))
        if address and "@" in address:
            return display, address.lower()
    return "", None


def _addresses(msg: Message, name: str) -> list[str]:
    values = []
    try:
        values = [str(v) for v in msg.get_all(name, [])]
    except Exception:
        pass
    return [a for _, a in getaddresses(values) if "@" in a]


def _date(msg: Message) -> datetime | None:
    try:
        value = parsedate_to_datetime(_header(msg, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return value if value.tzinfo is not None else None


def _auto_headers(msg: Message) -> bool:
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and auto != "no":
        return True
    if any(_header(msg, h) for h in ("X-Autoreply", "X-Autorespond", "X-Autoresponder")):
        return True
    if _header(msg, "X-Auto-Response-Suppress") and _header(msg, "X-MS-Exchange-Generated-Message-Source"):
        return True
    return _header(msg, "Precedence").lower() in ("bulk", "auto_reply", "junk", "list")


def _bounce(msg: Message, sender: str | None, subject: str) -> tuple[bool, tuple[str, ...], bool, tuple[str, ...]]:
    """(is a bounce, failed recipients, any recipient failed for good, Message-IDs of the bounced mail)."""
    is_report = msg.get_content_type() == "multipart/report"
    if is_report and msg.get_param("report-type", "").lower() not in ("delivery-status", ""):
        return False, (), False, ()  # a read receipt or feedback report, not a bounce
    if not is_report and not (sender and _BOUNCE_SENDER.match(sender) and _BOUNCE_SUBJECT.search(subject)):
        return False, (), False, ()
    recipients: list[str] = []
    failed = not is_report  # a plain-text bounce from a mailer daemon: assume a failure
    ids: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            text = _status_text(part)
            for action, recipient in _status_fields(text):
                if action == "failed":
                    failed = True
                    if recipient:
                        recipients.append(recipient)
        elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            ids += _MSGID.findall(_message_id_in(part))
    if not is_report:
        body, _ = _body(msg, [], 20_000)
        recipients += re.findall(r"<?([\w.+-]+@[\w-]+(?:\.[\w-]+)+)>?", body)[:1]
    return True, tuple(dict.fromkeys(r.lower() for r in recipients)), failed, tuple(dict.fromkeys(ids))


def _status_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):  # the policy parses delivery-status into header blocks
        return "\n\n".join(block.as_string() if hasattr(block, "as_string") else str(block) for block in payload)
    if isinstance(payload, str):
        return payload
    return ""


def _status_fields(text: str) -> list[tuple[str, str | None]]:
    out = []
    for block in re.split(r"\n\s*\n", text):
        action = re.search(r"^action:\s*(\S+)", block, re.I | re.M)
        recipient = re.search(r"^(?:final|original)-recipient:\s*(?:rfc822\s*;)?\s*<?([^>\s]+)>?", block, re.I | re.M)
        if action:
            out.append((action.group(1).lower(), recipient.group(1) if recipient else None))
    return out


def _message_id_in(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and hasattr(payload[0], "get"):
        return str(payload[0].get("Message-ID", ""))
    text = payload if isinstance(payload, str) else ""
    found = re.search(r"^message-id:\s*(<[^>]+>)", text, re.I | re.M)
    return found.group(1) if found else ""


def _body(msg: Message, notes: list[str], limit: int) -> tuple[str, str | None]:
    """The plain-text body (HTML converted when there is no plain part), or the reason there is none."""
    plain: list[str] = []
    html: list[str] = []
    try:
        parts = list(msg.walk()) if msg.is_multipart() else [msg]
    except Exception as exc:
        return "", f"malformed MIME structure: {exc}"
    for part in parts:
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype not in ("text/plain", "text/html") or _is_attachment(part):
            if part.get_content_maintype() not in ("multipart", "message") and part is not msg:
                notes.append(f"ignored {ctype} part")
            continue
        text = _decode(part, notes)
        if any(isinstance(d, errors.InvalidBase64LengthDefect) for d in part.defects):
            notes.append(f"undecodable {ctype} part (invalid base64) ignored")  # its "text" would be the raw base64
            continue
        (plain if ctype == "text/plain" else html).append(text)
    if plain and any(p.strip() for p in plain):
        body = "\n".join(plain)
    elif html:
        body = "\n".join(html_to_text(h) for h in html)
        notes.append("HTML-only body converted to text")
    elif plain:
        body = ""
    elif any(note.startswith("undecodable") for note in notes):
        return "", "the text could not be decoded (invalid base64)"
    else:
        return "", "no text part" if msg.keys() else None
    body = body.replace("\r\n", "\n").replace("\x00", "")
    if len(body) > limit:
        notes.append(f"body cut to {limit} characters")
        body = body[:limit]
    return body, None


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment"


def _decode(part: Message, notes: list[str]) -> str:
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
            if isinstance(content, str):
                return content
        except (LookupError, UnicodeError, ValueError, AssertionError, KeyError) as exc:
            notes.append(f"charset/transfer decoding fell back: {type(exc).__name__}")
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload() or "")
    for charset in (part.get_content_charset() or "utf-8", "utf-8", "cp1252"):
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("latin-1")
