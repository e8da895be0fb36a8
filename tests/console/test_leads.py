"""The queue (filters, paging, SQLs waiting, CSV export) and the lead page (story, corrections, audit, outcome)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from bot.console.models import Correction, LeadOutcome
from bot.db import models
from bot.qualify.policy import decide, load_policy
from tests.console.conftest import Site
from tests.console.seed import SQL_ANSWERS, Script, seed


@pytest.fixture
def seeded(site: Site) -> tuple[Site, dict[str, str]]:
    return site, seed(site.database_url)


def _names(html: str) -> list[str]:
    return re.findall(r'class="lead-link" href="/console/leads/[0-9a-f]+">([^<]+)</a>', html)


def test_queue_is_sorted_by_score_and_filters(seeded: tuple[Site, dict[str, str]]) -> None:
    site, ids = seeded
    with site.db() as db:
        leads = {lead.id: lead for lead in db.scalars(select(models.Lead))}
    with site.signed_in("dana@example.com") as client:
        everyone = _names(client.get("/console/").text)
        by_score = sorted(leads.values(), key=lambda lead: -lead.score)
        assert [leads[ids[n if n != "Anonymous visitor" else "anonymous"]].score for n in everyone] == [lead.score for lead in by_score]
        sql = _names(client.get("/console/?stage=sql").text)
        assert sql and all(leads[ids[n]].stage == "sql" for n in sql)
        assert _names(client.get("/console/?q=brightwater").text) == ["Priya Natarajan"], "company search"
        assert _names(client.get("/console/?q=KENJI@").text) == ["Kenji Sato"], "email search ignores case"
        assert _names(client.get("/console/?q=100%25").text) == [], "% is a character, not a wildcard"
        assert _names(client.get("/console/?channel=email").text) == []
        assert len(_names(client.get("/console/?channel=chat").text)) == len(leads)
        assert _names(client.get("/console/?owner=me").text) == []
        client.submit(f"/console/leads/{ids['Tom Becker']}/owner", {"owner": "me"})
        assert _names(client.get("/console/?owner=me").text) == ["Tom Becker"]
        assert _names(client.get("/console/?owner=dana@example.com").text) == ["Tom Becker"]
        assert "Tom Becker" not in _names(client.get("/console/?owner=none").text)
        recent = _names(client.get("/console/?since=2999-01-01").text)
        assert recent == []
        assert len(_names(client.get("/console/?stage=<x>&page=abc&since=nope").text)) == len(leads), "bad values are ignored"


def test_sqls_waiting_for_contact_stand_out(seeded: tuple[Site, dict[str, str]]) -> None:
    site, ids = seeded
    with site.db() as db:
        decided = set(db.scalars(select(LeadOutcome.lead_id)))
        waiting = {lead.name for lead in db.scalars(select(models.Lead).where(models.Lead.stage == "sql")) if lead.id not in decided}
    assert "Priya Natarajan" in waiting
    with site.signed_in("dana@example.com") as client:
        page = client.get("/console/").text
        assert f"{len(waiting)} SQL{'s' if len(waiting) > 1 else ''} waiting for contact" in page
        assert set(_names(client.get("/console/?waiting=1").text)) == waiting
        rows = re.findall(r'<tr class="waiting">.*?</tr>', page, re.S)
        assert len(rows) == len(waiting) and all("Contact now" in row for row in rows)
        for name in waiting:
            client.submit(f"/console/leads/{ids[name]}/outcome", {"outcome": "won"})
        assert "waiting for contact" not in client.get("/console/").text, "an outcome means someone handled it"


def test_queue_pages(site: Site) -> None:
    seed(site.database_url, [Script(f"Lead {n:02d}", "Acme", f"l{n}@acme.example", [], 1) for n in range(30)])
    with site.signed_in("dana@example.com") as client:
        first = _names(client.get("/console/").text)
        second_page = client.get("/console/?page=2").text
        second = _names(second_page)
        assert len(first) == 25 and len(second) == 5 and not set(first) & set(second)
        assert "Page 2 of 2" in second_page and 'rel="prev"' in second_page
        assert _names(client.get("/console/?page=99").text) == second, "past the end shows the last page"


def test_csv_export_follows_the_filters_and_defuses_formulas(site: Site) -> None:
    seed(site.database_url, [
        Script('=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "a@b.example", SQL_ANSWERS, 1),
        Script("Plain Name", "-2+3", "@sum.example", ["No budget"], 2),
        Script("Other", "Other Co", "o@o.example", [], 3),
    ])
    with site.signed_in("dana@example.com") as client:
        response = client.get("/console/leads.csv?q=example&stage=sql")
        assert response.headers["content-type"].startswith("text/csv")
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert len(rows) == 1 and rows[0]["stage"] == "sql"
        assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example","x")'
        assert rows[0]["company"].startswith("'+")
        everyone = list(csv.DictReader(io.StringIO(client.get("/console/leads.csv").text)))
        assert len(everyone) == 3
        plain = next(r for r in everyone if r["name"] == "Plain Name")
        assert plain["company"] == "'-2+3" and plain["email"] == "'@sum.example"
        assert all(not cell.startswith(("=", "+", "-", "@")) for r in everyone for cell in r.values())


def test_lead_page_tells_the_story(seeded: tuple[Site, dict[str, str]]) -> None:
    site, ids = seeded
    with site.signed_in("dana@example.com") as client:
        page = client.get(f"/console/leads/{ids['Priya Natarajan']}").text
    for said in SQL_ANSWERS:
        assert said.replace("'", "&#39;") in re.sub(r"</?mark[^>]*>", "", page), said
    assert "Page view" in page and "/pricing" in page, "engagement events are in the timeline"
    marks = re.findall(r'<mark class="q" data-facts="([^"]+)">([^<]+)</mark>', page)
    assert "I sign" in [text for _, text in marks] and "$40,000" in [text for _, text in marks], marks
    budget_keys = next(keys for keys, text in marks if text == "$40,000").split()
    assert len(budget_keys) >= 3, "one quote can stand for several facts (amount, currency, status)"
    quote_links = re.findall(r'<a class="quote" href="#m-(\d+)" data-fact="(f\d+)"', page)
    assert quote_links and all(f'id="m-{m}"' in page for m, _ in quote_links), "each quote points at its message"
    with site.db() as db:
        score = db.get(models.Lead, ids["Priya Natarajan"]).score
    assert "Why SQL" in page and f"Score {score}</h2>" in page and "need confirmed" in page
    with site.signed_in("sam@example.com") as client:
        assert client.get("/console/leads/does-not-exist").status_code == 404


def test_correcting_a_fact_requalifies_and_is_audited(seeded: tuple[Site, dict[str, str]]) -> None:
    site, ids = seeded
    lead_id = ids["Priya Natarajan"]
    with site.signed_in("dana@example.com") as client:
        response = client.submit(f"/console/leads/{lead_id}/facts", {"field": "authority", "value": "none", "note": "Call: she only researches"})
        assert response.status_code == 303
        page = client.get(f"/console/leads/{lead_id}").text
    with site.db() as db:
        lead = db.get(models.Lead, lead_id)
        facts = {f.field: f for f in db.scalars(select(models.Fact).where(models.Fact.lead_id == lead_id, models.Fact.active.is_(True)))}
        audit = db.scalars(select(Correction).where(Correction.lead_id == lead_id))
        decision = db.scalars(
            select(models.Qualification).where(models.Qualification.lead_id == lead_id).order_by(models.Qualification.id.desc())
        )[0]
    expected = decide({f: row.value for f, row in facts.items()}, load_policy(site.settings.policy_dir / "policy.yaml"), complete=True)
    assert lead.stage == expected.stage != "sql"
    assert decision.stage == expected.stage and decision.reasons == expected.to_json()["reasons"]
    assert facts["authority"].value == "none" and facts["authority"].extractor == "sdr:dana@example.com"
    assert facts["authority"].evidence == "Call: she only researches" and facts["authority"].source_message_id is None
    assert [(a.kind, a.field, a.old_value, a.new_value, a.user_email) for a in audit] == [
        ("fact", "authority", "decision_maker", "none", "dana@example.com")
    ]
    assert "dana@example.com</b> changed Authority" in page and "Call: she only researches" in page
    assert lead.score < 74, "the score lost the authority points"


def test_bad_corrections_are_refused_and_nothing_changes(seeded: tuple[Site, dict[str, str]]) -> None:
    site, ids = seeded
    lead_id = ids["Priya Natarajan"]
    with site.signed_in("dana@example.com") as client:
        for form, says in (
            ({"field": "employees", "value": "lots", "note": "n"}, "not a number"),
            ({"field": "country", "value": "Atlantis", "note": "n"}, "ISO 3166"),
            ({"field": "employees", "value": "50", "note": "  "}, "note"),
            ({"field": "favourite_colour", "value": "red", "note": "n"}, "unknown field"),
        ):
            response = client.submit(f"/console/leads/{lead_id}/facts", form)
            assert response.status_code == 422 and says in response.text, form
        assert client.submit(f"/console/leads/{lead_id}/facts", {"field": "employees", "value": "1,500", "note": "LinkedIn"}).status_code == 303
    with site.db() as db:
        audit = db.scalars(select(Correction).where(Correction.lead_id == lead_id))
        (employees,) = db.scalars(
            select(models.Fact).where(models.Fact.lead_id == lead_id, models.Fact.field == "employees", models.Fact.active.is_(True))
        )
    assert len(audit) == 1 and employees.value == 1500


def test_stage_outcome_and_owner_changes_are_audited(seeded: tuple[Site, dict[str, str]]) -> None:
    site, ids = seeded
    lead_id = ids["Tom Becker"]
    with site.db() as db:
        before = db.get(models.Lead, lead_id).stage
    new_stage = "nurture" if before != "nurture" else "sql"
    with site.signed_in("dana@example.com") as client:
        assert client.submit(f"/console/leads/{lead_id}/stage", {"stage": new_stage, "note": "COO confirmed on a call"}).status_code == 303
        assert client.submit(f"/console/leads/{lead_id}/stage", {"stage": "hot", "note": "x"}).status_code == 422
        assert client.submit(f"/console/leads/{lead_id}/outcome", {"outcome": "won", "note": "signed"}).status_code == 303
        assert client.submit(f"/console/leads/{lead_id}/owner", {"owner": "", "assign": "me"}).status_code == 303
        page = client.get(f"/console/leads/{lead_id}").text
        assert client.submit(f"/console/leads/{lead_id}/owner", {"owner": "dana@example.com"}).status_code == 303, "no change, no audit row"
    with site.db() as db:
        lead = db.get(models.Lead, lead_id)
        outcome = db.get(LeadOutcome, lead_id)
        audit = [(a.kind, a.old_value, a.new_value) for a in db.scalars(select(Correction).where(Correction.lead_id == lead_id).order_by(Correction.id))]
    assert lead.stage == new_stage and lead.owner == "dana@example.com"
    assert outcome.outcome == "won" and outcome.stage == new_stage and outcome.decided_by == "dana@example.com"
    assert audit == [("stage", before, new_stage), ("outcome", None, "won"), ("owner", None, "dana@example.com")]
    assert "sdr_override" in page and "COO confirmed on a call" in page


def test_prospect_text_is_escaped_on_every_page(site: Site) -> None:
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    seed(site.database_url, [Script(evil, evil, "x@x.example", [f"We lose leads {evil}"], 0, questions=[(f"Do you {evil}?", False)])])
    with site.signed_in("ada@example.com", "admin") as client:
        lead_id = re.search(r"/console/leads/([0-9a-f]+)", client.get("/console/").text).group(1)  # type: ignore[union-attr]
        conversation = re.search(r'href="/console/live/([0-9a-f]+)"', client.get("/console/live").text).group(1)  # type: ignore[union-attr]
        for path in ("/console/", f"/console/leads/{lead_id}", "/console/live", f"/console/live/{conversation}"):
            html = client.get(path).text
            assert "<img src=x" not in html and "<script>alert" not in html, path
            assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html, path
        lead_page = client.get(f"/console/leads/{lead_id}").text
        assert "Visitor asked: “Do you &lt;img" in lead_page and "not answered — reply in person" in lead_page


def test_a_stage_set_by_hand_stays_through_later_turns_and_fact_corrections(site: Site) -> None:
    import asyncio

    from bench.load import ANSWERS  # a complete, qualifying set of answers
    from tests.console.conftest import in_thread
    from tests.support.chat import ChatClient

    async def visitor_and_sdr() -> tuple[str, dict[str, object]]:
        # One scenario on its own loop and thread: Playwright's loop may be running on this one.
        visitor = await ChatClient.connect(site.base_url.replace("http://", "ws://"))
        frames = await visitor.until_question()
        with site.signed_in("dana@example.com") as client:
            frames = await visitor.say(ANSWERS[frames[-1]["field"]])
            with site.db() as db:
                (lead_id,) = db.scalars(select(models.Lead.id))
            response = client.submit(f"/console/leads/{lead_id}/stage", {"stage": "disqualified", "note": "a competitor's employee"})
            assert response.status_code == 303
            while frames[-1]["type"] == "bot" and frames[-1].get("field"):  # the visitor answers everything, as an SQL would
                frames = await visitor.say(ANSWERS[frames[-1]["field"]])
            response = client.submit(f"/console/leads/{lead_id}/facts", {"field": "employees", "value": "500", "note": "LinkedIn"})
            assert response.status_code == 303
        await visitor.close()
        return lead_id, frames[-1]

    lead_id, last = in_thread(lambda: asyncio.run(visitor_and_sdr()))
    assert last["type"] == "qualified" and last["stage"] == "disqualified"
    with site.db() as db:
        lead = db.get(models.Lead, lead_id)
        decisions = [q.stage for q in db.scalars(select(models.Qualification).where(models.Qualification.lead_id == lead_id))]
    assert lead.stage == "disqualified" and lead.stage_set_by == "dana@example.com"
    assert decisions == ["disqualified"], "no later automatic decision was recorded over the person's"
