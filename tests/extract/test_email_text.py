"""Email reply stripping and auto-reply detection, and the extractor reading only the new text."""

from __future__ import annotations

from bot.extract.email_text import is_auto_reply_text, own_text, strip_reply
from tests.extract.conftest import read

GMAIL = """Hello,

We have about $3k a month for this.

Best regards,
Ana Silva
VP Sales, Pinecrest Foods
120 King St, Toronto ON
+1 416 555 0000

On Mon, May 4, 2026 at 9:00 AM Rep <rep@vendor.io> wrote:
> Most customers spend $10,000 per year. We're based in Berlin.
> Can we talk before June 30?"""

OUTLOOK = """Not before next year, sorry.

-----Original Message-----
From: Rep <rep@vendor.io>
Sent: Monday, May 4, 2026 9:00 AM
To: Ana <ana@pinecrest.com>
Subject: Budget

Would $500/month work for your 40 people?"""

INLINE = """> What budget do you have?
About 20k EUR a year.
> Who signs off?
Our MD, I just recommend.

On Mon, May 4, 2026 at 9:00 AM Rep <rep@vendor.io> wrote:
> (see questions above)"""

FORWARD = """Looping in Marc who runs ops.

---------- Forwarded message ---------
From: Rep <rep@vendor.io>
Date: Mon, May 4, 2026
Subject: Pricing

Our plan is $1,200/month for 50 seats."""


def test_quoted_history_and_signature_are_removed() -> None:
    body = strip_reply(GMAIL)
    assert "$3k a month" in body
    assert "$10,000" not in body and "Berlin" not in body and "Toronto" not in body
    assert "VP Sales" not in body


def test_outlook_header_block_is_removed() -> None:
    body = strip_reply(OUTLOOK)
    assert body == "Not before next year, sorry."


def test_inline_answers_between_quoted_lines_are_kept() -> None:
    body = strip_reply(INLINE)
    assert "About 20k EUR a year." in body and "Our MD, I just recommend." in body
    assert "What budget" not in body


def test_forwarded_message_states_nothing() -> None:
    assert read(FORWARD, channel="email") == {}


def test_extractor_reads_only_the_reply() -> None:
    fields = read(GMAIL, asked="budget", channel="email")
    assert fields["budget_min"] == 3000 and fields["budget_period"] == "month"
    assert "country" not in fields and "timeline_days" not in fields and "authority" not in fields
    inline = read(INLINE, channel="email")
    assert inline["budget_max"] == 20000 and inline["budget_currency"] == "EUR"
    assert inline["authority"] == "influencer"


def test_disclaimer_lines_are_removed() -> None:
    text = "We're 25 people.\n\nThis message is confidential and intended solely for the addressee. Registered in England no. 123."
    assert strip_reply(text) == "We're 25 people."


def test_where_the_company_is_registered_is_not_a_disclaimer() -> None:
    # A footer names a register and a number; the writer saying where the firm is registered is prose.
    text = "Hi,\n\nWe're 30 people, mostly remote but registered in Portugal.\n\nRui"
    assert "registered in Portugal" in strip_reply(text)
    footer = "Hi,\n\nWe're 30 people.\n\nAcme Lda is registered in Portugal under number 5123."
    assert strip_reply(footer) == "Hi,\n\nWe're 30 people."


def test_a_sentence_with_a_range_is_not_a_contact_line() -> None:
    # "250-1200" looks like a phone number; a full sentence around it is still the prospect's own text.
    text = "Hello,\n\nWe are a packaging manufacturer with 250-1200 staff across the year, based in Ghent.\n\nBest regards,\nAnn"
    assert "250-1200 staff" in strip_reply(text)
    signature = "Hi,\n\nSee below.\n\nAnn Peeters\nSales | +32 9 555 01 23 | Ghent"
    assert "+32" not in strip_reply(signature)


def test_auto_replies_state_nothing() -> None:
    ooo = "I'm currently out of the office until 18 May with no access to email. For urgent matters call +44 20 0000 0000."
    assert is_auto_reply_text(ooo)
    assert is_auto_reply_text("Automatic reply: Re: pricing\n\nI am on annual leave until Monday.")
    assert not is_auto_reply_text("Thanks, we're in the office all week if you want to call.")
    assert read(ooo, asked="timeline", channel="email") == {}
    assert is_auto_reply_text("Hello,\n\nI'm away from my desk until Thursday and will reply when I'm back.")


def test_a_real_reply_that_mentions_being_away_later_on_is_read() -> None:
    reply = (
        "Hi Sam,\n\nThanks for the questions. We're a dental group of about 60 people and most of our new-patient "
        "enquiries go unanswered for days, which costs us bookings. I run operations and I'll make the call on "
        "this myself. We'd like something in place before the end of next month if the price is right.\n\n"
        "I am away at a trade fair next Tuesday, but otherwise free for a call.\n\nBest,\nPriya"
    )
    assert not is_auto_reply_text(reply)
    facts = read(reply, asked="authority", channel="email")
    assert facts["authority"] == "decision_maker" and facts["employees"] == 60 and facts["need"] == "confirmed"


def test_own_text_is_the_one_reading_for_both_extractors() -> None:
    chat = "we are 12 people\n> not quoted in chat"
    assert own_text(chat, "chat") == chat
    assert own_text("I am out of the office until Monday. We're 500 people.", "email") == ""
    bare_from = "We're 25 people.\n\nFrom: Sam Lee <sam@qualbot.io>\nbudget is 50k"
    assert own_text(bare_from, "email") == "We're 25 people."
    separator = "Budget is about 10k.\n\n----- Message transféré -----\nWe spend 90k a year"
    assert own_text(separator, "email") == "Budget is about 10k."


def test_a_note_typed_below_a_forward_is_the_senders_own() -> None:
    forward = ("---------- Forwarded message ---------\nFrom: Ana <ana@x.io>\nDate: Mon, 2 Nov 2026\nSubject: tools\n\n"
               "Hi Leo,\nwe spend 90k a year on agencies.\n\nAna\n\nHello,\n\nSee below from our COO. We are 40 people.\n")
    assert own_text(forward, "email") == "Hello,\n\nSee below from our COO. We are 40 people."
    no_note = "---------- Forwarded message ---------\nFrom: Ana <ana@x.io>\n\nHi Leo,\nwe spend 90k a year on agencies.\n\nAna\n"
    assert own_text(no_note, "email") == ""
