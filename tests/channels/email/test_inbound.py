"""Bad and unusual inbound mail: each is read or stored as rejected with a reason, never raised."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from bot.channels.email.inbound import classify, parse, wants_opt_out
from bot.channels.email.models import InboundEmail
from bot.channels.email.render import html_to_text
from tests.channels.email.conftest import Stack
from tests.channels.email.support import message

HEAD = b"From: Dana <dana@acmecorp.io>\r\nTo: sales@vendor.test\r\nSubject: Re: hi\r\nMessage-ID: <m1@acmecorp.io>\r\n"


def test_html_only_body_becomes_text_with_quotes_marked() -> None:
    msg = message(None)
    msg.set_content("<html><body><p>We need <b>faster</b> follow-up &amp; routing.</p><br>"
                    "<div>On Mon, Sam wrote:</div><blockquote><p>What problem are you solving?</p></blockquote>"
                    "<script>alert(1)</script></body></html>", subtype="html")
    parsed = parse(msg.as_bytes())
    assert "We need faster follow-up & routing." in parsed.body
    assert "> What problem are you solving?" in parsed.body and "alert" not in parsed.body
    assert classify(parsed) == ("reply", None)


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
def test_transfer_encodings_are_decoded(encoding: str) -> None:
    text = "Our budget is €20.000 per year — décidé."
    payload = base64.b64encode(text.encode()).decode() if encoding == "base64" else \
        "Our budget is =E2=82=AC20.000 per year =E2=80=94 d=C3=A9cid=C3=A9."
    raw = HEAD + (f"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
                  f"{payload}\r\n").encode()
    assert parse(raw).body.strip() == text


def test_non_utf8_and_unknown_charsets() -> None:
    latin = HEAD + b"Content-Type: text/plain; charset=iso-8859-1\r\n\r\nWir brauchen ein L\xf6sung, Budget 5.000 \xa4\r\n"
    assert "Lösung" in parse(latin).body
    unknown = HEAD + b"Content-Type: text/plain; charset=x-no-such-charset\r\n\r\nPlain words \xe9t\xe9\r\n"
    parsed = parse(unknown)
    assert "Plain words" in parsed.body and classify(parsed)[0] == "reply"


def test_malformed_mime_never_raises() -> None:
    broken = HEAD + (b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"NOPE\"\r\n\r\n"
                     b"--WRONG\r\nContent-Type: text/plain\r\n\r\nWe need help with lead routing.\r\n")
    parsed = parse(broken)
    assert parsed.notes and classify(parsed)[0] in ("reply", "rejected")
    for raw in (b"", b"\x00\xff\xfe garbage", b"Subject: only a header\r\n"):
        kind, reason = classify(parse(raw))
        assert kind == "rejected" and reason


def test_empty_body_and_only_quoted_text_are_rejected() -> None:
    assert classify(parse(message("").as_bytes())) == ("rejected", "empty body")
    only_quote = parse(message("On Mon, Sam wrote:\n> What problem are you solving?\n").as_bytes())
    assert classify(only_quote)[0] == "rejected" and "quoted" in (classify(only_quote)[1] or "")


def test_attachments_are_ignored() -> None:
    msg = message("We need better routing; see the attached deck.")
    msg.add_attachment(b"\x89PNG" + b"\x00" * 200_000, maintype="image", subtype="png", filename="deck.png")
    msg.add_attachment("budget: $1,000,000\n", filename="notes.txt")  # a text attachment is not the body
    parsed = parse(msg.as_bytes())
    assert parsed.body.strip() == "We need better routing; see the attached deck."
    assert any("image/png" in note for note in parsed.notes)


def test_opt_out_wording_in_own_lines_only() -> None:
    assert wants_opt_out(parse(message("Please remove me from your list.").as_bytes()))
    assert wants_opt_out(parse(message("x", subject="unsubscribe").as_bytes()))
    for own_words in ("Unsubscribe", "STOP", "please unsubscribe me", "Don't email me again.",
                      "Take me off your list", "Please opt me out."):
        assert wants_opt_out(parse(message(own_words).as_bytes())), own_words
    for about_business in ("We want to opt out of our current vendor contract.",
                           "Our customers unsubscribe when emails are irrelevant.",
                           "We need to stop losing leads to slow follow-up."):
        assert not wants_opt_out(parse(message(about_business).as_bytes())), about_business
    quoted = "Sounds good.\n\nOn Mon, Sam wrote:\n> If you'd rather not hear from us, reply \"unsubscribe\".\n"
    assert not wants_opt_out(parse(message(quoted).as_bytes()))


def test_html_to_text_survives_broken_markup() -> None:
    assert html_to_text("<p>Budget <b>$5k<p>per month</div></span>") == "Budget $5k\nper month"


async def test_every_bad_input_is_stored_with_a_reason(stack: Stack) -> None:
    other = HEAD.replace(b"<m1@", b"<m2@")
    bad = [b"", b"\x00\xff garbage", HEAD + b"\r\n", other + b"Content-Type: image/png\r\n\r\n\x89PNG"]
    results = [await stack.deliver(raw) for raw in bad]
    assert all(r.status == "rejected" and r.reason for r in results)
    async with stack.email.channel.sessionmaker() as session:
        rows = list(await session.scalars(select(InboundEmail).order_by(InboundEmail.id)))
    assert [r.status for r in rows] == ["rejected"] * len(bad)
    assert all(r.reason for r in rows)


async def test_oversized_message_is_refused_and_recorded(stack: Stack) -> None:
    stack.email.processor.settings = stack.settings.model_copy(update={"email_max_message_bytes": 50_000})
    msg = message("See attached.")
    msg.add_attachment(b"\x00" * 100_000, maintype="application", subtype="octet-stream", filename="big.bin")
    result = await stack.deliver(msg.as_bytes())
    assert result.status == "rejected" and "limit is 50000" in (result.reason or "")


def test_invalid_base64_text_is_not_read_as_words() -> None:
    raw = HEAD + b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n"
    assert classify(parse(raw)) == ("rejected", "the text could not be decoded (invalid base64)")
