"""In a real browser: the comment inbox — theme and hide comments, link two comments to a new
corrective action, and see them as the action's evidence. Screenshots at 1280 and 390 px."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Answer, AuditEvent, CorrectiveAction
from tests.admin import test_flows_browser as flows
from tests.admin.flowtools import answer_survey, office_with_admin
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

# The panel's browser fixtures: CSRF on, one Chromium per module, the app served on a real port.
app_config = flows.app_config
browser = flows.browser
server = flows.server
serious_violations = flows.serious_violations

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WAITING = "Kolejka była za długa, czekałem godzinę."
PRAISE = "Pani w okienku była bardzo miła."
RUDE = "Wszyscy tam to idioci!!!"


def shoot(page, name: str) -> None:
    """Save the page at 1280 px and at 390 px (full length) for a reviewer."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def row(page, text: str):
    return page.locator("table.model-list tr", has_text=text)


def test_theme_hide_and_turn_comments_into_an_action_in_a_browser(app, server, browser):
    office, _user = office_with_admin()
    client = app.test_client()
    answer_survey(client, office, department="usc", overall=2, comment=WAITING)
    answer_survey(client, office, department="podatki", overall=5, comment=PRAISE)
    answer_survey(client, office, department="podatki", overall=1, comment=RUDE)
    db.session.commit()

    context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{server}/admin/login")
        page.get_by_label("Adres e-mail").fill("admin@demo.test")
        page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(f"{server}/admin/")

        page.goto(f"{server}/admin/comment/")
        page.get_by_text("Nieprzeczytane: 3.").wait_for()
        assert serious_violations(page) == [], "comment inbox"
        assert "Urząd Stanu Cywilnego" in row(page, WAITING).inner_text()

        # Two comments get the theme "czas oczekiwania".
        row(page, WAITING).locator("input[name=rowid]").check()
        row(page, PRAISE).locator("input[name=rowid]").check()
        page.get_by_label("Temat", exact=True).select_option(label="czas oczekiwania")
        page.get_by_role("button", name="Nadaj temat").click()
        page.get_by_text("Nadano temat „czas oczekiwania” komentarzom: 2.").wait_for()
        assert "czas oczekiwania" in row(page, WAITING).inner_text()

        # The rude one is hidden from reports, with its reason.
        row(page, RUDE).locator("input[name=rowid]").check()
        page.get_by_label("Powód ukrycia").select_option(label="obraźliwy")
        page.get_by_role("button", name="Ukryj w raportach").click()
        # It asks first: how many, why, and that the comment stays stored.
        page.get_by_role("heading", name="Ukryć komentarze w raportach?").wait_for()
        page.get_by_text("Komentarze do ukrycia: 1. Powód: obraźliwy.").wait_for()
        assert serious_violations(page) == [], "hiding confirmation"
        page.get_by_role("button", name="Tak, ukryj w raportach (1)").click()
        page.get_by_text("Ukryto w raportach (komentarze pozostają zapisane): 1.").wait_for()
        assert "ukryty: obraźliwy" in row(page, RUDE).inner_text()
        shoot(page, "comment-inbox")

        # The first two become the evidence of a new corrective action.
        row(page, WAITING).locator("input[name=rowid]").check()
        row(page, PRAISE).locator("input[name=rowid]").check()
        page.get_by_label("Nazwa działania naprawczego").fill("Drugie okienko w USC")
        page.get_by_role("button", name="Utwórz działanie naprawcze").click()
        page.get_by_text("Co skłoniło do działania: komentarze (2)").wait_for()
        evidence = page.locator("#evidence").inner_text()
        assert WAITING in evidence and PRAISE in evidence and RUDE not in evidence
        assert "wymaga działania" in evidence and "czas oczekiwania" in evidence
        assert serious_violations(page) == [], "corrective action with its evidence"
        shoot(page, "corrective-action-evidence")

        # The dashboard counts the themes of comments not hidden.
        page.goto(f"{server}/admin/reports/")
        themes = page.locator("#themes").inner_text()
        assert "czas oczekiwania" in themes and "2" in themes
        page.locator("#themes").scroll_into_view_if_needed()
        shoot(page, "dashboard-themes")

        # A response's page hides its comment with a reason too.
        row_link = page.goto(f"{server}/admin/comment/")
        assert row_link.status == 200
        row(page, PRAISE).get_by_role("link", name="odpowiedź").click()
        page.get_by_label("Powód ukrycia").select_option(label="spam")
        shoot(page, "response-details-hide")
        page.get_by_role("button", name="Ukryj w raportach").click()
        page.get_by_text("Komentarze do ukrycia: 1. Powód: spam.").wait_for()
        page.get_by_role("link", name="Anuluj — nic nie zmieniaj").click()
        page.get_by_label("Powód ukrycia").wait_for()  # back on the response, nothing hidden
    finally:
        context.close()

    db.session.expire_all()
    action = db.session.scalar(sa.select(CorrectiveAction))
    assert sorted(a.text for a in action.answers) == sorted([WAITING, PRAISE])
    rude = db.session.scalar(sa.select(Answer).where(Answer.text == RUDE))
    assert (rude.hidden, rude.hidden_reason) == (True, "offensive")
    praise = db.session.scalar(sa.select(Answer).where(Answer.text == PRAISE))
    assert praise.hidden is False  # cancelled on its confirmation page
    audited = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"comment.theme", "response.comment_hide", "action.link_comments"} <= audited
