"""In Chromium, at 1280 px and 390 px: the account page's e-mail choices, the failed-mail notice on
the start page, the office form's alert threshold, and the public unsubscribe page (before and after
its button), each read by axe and saved as a screenshot (test-artifacts/screenshots/panel-mail-*)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Notification, User
from collector.operations.notifications import unsubscribe_token
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    serious_violations,
    server,
)
from tests.admin.test_home_browser import WIDTHS, log_in, shoot
from tests.factories import create_office, create_user

pytestmark = pytest.mark.browser


@pytest.fixture
def office_with_failure(app):
    office = create_office()
    admin = create_user("admin@demo.test", office=office)
    db.session.add(
        Notification(
            user_id=admin.id,
            office_id=office.id,
            kind="digest",
            subject=office.slug,
            period="2026-10",
            status="failed",
            mail_subject="Podsumowanie wyników: październik 2026 — Urząd Miasta Demo",
            mail_body="…",
            attempts=1,
            error="serwer SMTP odmówił połączenia",
            created_at=datetime(2026, 11, 1, 6, 0),
            attempted_at=datetime(2026, 11, 1, 6, 0),
        )
    )
    db.session.commit()
    return office


@pytest.mark.parametrize("width", WIDTHS)
def test_the_mail_pages_read_well_at_each_width(app, office_with_failure, server, browser, width):  # noqa: F811
    context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in(page, server)
        notice = page.locator("#mail-failed")
        assert "Ostatnia wysyłka e-maili nie powiodła się: serwer SMTP odmówił połączenia" in (
            notice.inner_text()
        )
        assert "Ponowimy przy następnym uruchomieniu." in notice.inner_text()
        assert serious_violations(page) == [], "start page"
        shoot(page, f"mail-failed-home-{width}")

        page.goto(f"{server}/admin/account/")
        page.get_by_label("Miesięczne podsumowanie wyników").uncheck()
        page.get_by_label("Język wiadomości").select_option("en")
        assert serious_violations(page) == [], "account page"
        shoot(page, f"mail-account-{width}")
        page.get_by_role("button", name="Zapisz ustawienia powiadomień").click()
        page.get_by_text("Ustawienia powiadomień zostały zapisane.").wait_for()
        assert not page.get_by_label("Miesięczne podsumowanie wyników").is_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.goto(f"{server}/admin/office/edit/?id={office_with_failure.id}")
        field = page.get_by_label("Próg alertu e-mail: średnia poniżej")
        assert field.input_value() == "3,5"
        field.scroll_into_view_if_needed()
        shoot(page, f"mail-office-threshold-{width}")
    finally:
        context.close()

    # The unsubscribe link, opened without a session, in the user's chosen language (English now).
    user = db.session.scalar(sa.select(User))
    token = unsubscribe_token(app.config["SECRET_KEY"], user.id, "alert")
    anonymous = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
    page = anonymous.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{server}/powiadomienia/wypisz/{token}?lang=pl")
        assert serious_violations(page) == [], "unsubscribe page"
        shoot(page, f"mail-unsubscribe-{width}")
        page.get_by_role("button", name="Nie wysyłaj mi tych wiadomości").click()
        page.locator("#unsubscribed").wait_for()
        assert serious_violations(page) == [], "unsubscribed page"
        shoot(page, f"mail-unsubscribed-{width}")
        assert anonymous.cookies() == []
    finally:
        anonymous.close()
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.notify_alerts)) is False
