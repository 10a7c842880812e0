"""The panel's side of the staff e-mail: the account page's choices, the office's alert threshold,
and the public unsubscribe page (signed link, no login, bad links answered with a human 404)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import AuditEvent, Office, User
from collector.operations.notifications import unsubscribe_token
from tests.admin.panel import login, messages, post, text
from tests.admin.view_cases import office_form
from tests.factories import create_office, create_user

SECRET = "test-secret-key-0123456789abcdef"  # tests/conftest.py TEST_CONFIG


@pytest.fixture
def office(app):
    office = create_office("alfa", "Urząd Miasta Alfa", origins=("https://www.alfa.pl",))
    create_user("admin@alfa.test", office=office)
    return office


def user() -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == "admin@alfa.test"))


def test_the_account_page_saves_the_choice_of_messages_and_audits_it(client, office):
    login(client, "admin@alfa.test")
    page = text(client.get("/admin/account/"))
    assert "Powiadomienia e-mail" in page
    digest_box = re.search(r'<input[^>]*id="notify_digest"[^>]*>', page).group(0)
    assert " checked" in digest_box
    response = post(
        client,
        "/admin/account/notifications",
        {"notify_alerts": "y", "notify_lang": "en"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Ustawienia powiadomień zostały zapisane." in messages(response)
    u = user()
    assert (u.notify_digest, u.notify_alerts, u.notify_reminders, u.notify_lang) == (
        False,
        True,
        False,
        "en",
    )
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "notifications.preferences")
    )
    assert event.after == {"notify_digest": False, "notify_reminders": False, "notify_lang": "en"}


@pytest.mark.parametrize("lang", ["de", "", "x" * 300])
def test_an_unknown_message_language_is_refused_with_a_message(client, office, lang):
    login(client, "admin@alfa.test")
    response = post(client, "/admin/account/notifications", {"notify_lang": lang})
    assert response.status_code == 400
    assert any(
        "Not a valid choice" in m or "Niepoprawny" in m or "wybór" in m for m in messages(response)
    ), messages(response)
    assert user().notify_lang == "pl"


def test_a_superadmin_without_an_office_is_told_who_receives_mail(client, app):
    create_user("root@ocen.test", role="superadmin")
    login(client, "root@ocen.test")
    page = text(client.get("/admin/account/"))
    assert 'id="no-office-mail"' in page
    assert 'id="mail-off"' in page  # the test app has no MAIL_URL


@pytest.mark.parametrize(
    ("value", "stored"), [("3,0", 3.0), ("4.2", 4.2), (" 2,5 ", 2.5), ("5", 5.0)]
)
def test_the_office_sets_its_alert_threshold(client, office, value, stored):
    login(client, "admin@alfa.test")
    response = post(
        client, f"/admin/office/edit/?id={office.id}", office_form(office, alert_mean_below=value)
    )
    assert response.status_code == 302, messages(response)
    db.session.expire_all()
    assert db.session.get(Office, office.id).alert_mean_below == pytest.approx(stored)


@pytest.mark.parametrize("value", ["0,5", "5,1", "abc", "-1"])
def test_a_bad_alert_threshold_is_refused_with_a_message(client, office, value):
    login(client, "admin@alfa.test")
    response = post(
        client, f"/admin/office/edit/?id={office.id}", office_form(office, alert_mean_below=value)
    )
    assert response.status_code == 200
    assert messages(response), "no message shown"
    db.session.expire_all()
    assert db.session.get(Office, office.id).alert_mean_below == 3.5


def test_the_office_form_shows_the_threshold_with_a_decimal_comma(client, office):
    login(client, "admin@alfa.test")
    page = text(client.get(f"/admin/office/edit/?id={office.id}"))
    assert "Próg alertu e-mail: średnia poniżej" in page
    assert re.search(r'id="alert_mean_below"[^>]*value="3,5"', page)


def test_the_unsubscribe_page_speaks_the_users_language(app, office):
    u = user()
    u.notify_lang = "en"
    db.session.commit()
    token = unsubscribe_token(SECRET, u.id, "alert")
    page = text(app.test_client().get(f"/powiadomienia/wypisz/{token}"))
    assert '<html lang="en">' in page
    assert "Unsubscribe from e-mail notifications" in page
    assert "alerts when ratings drop" in page


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "WzEsImRpZ2VzdCJd.zly-podpis",  # a made-up signature
        unsubscribe_token("another-secret-key-0123456789", 1, "digest"),  # another collector's
        unsubscribe_token(SECRET, 1, "digest").replace("Wz", "Xz", 1),  # tampered with
        "a" * 5000,
        "%00",
    ],
)
def test_a_bad_unsubscribe_link_is_a_human_404(app, office, token):
    for method in ("get", "post"):
        response = getattr(app.test_client(), method)(f"/powiadomienia/wypisz/{token}")
        assert response.status_code == 404
        assert "Ten link rezygnacji jest nieprawidłowy." in text(response)
    assert (user().notify_digest, user().notify_alerts) == (True, True)


def test_an_unsubscribe_link_of_a_user_that_is_gone_is_a_404(app, office):
    token = unsubscribe_token(SECRET, 999, "digest")
    assert app.test_client().get(f"/powiadomienia/wypisz/{token}").status_code == 404


def test_unsubscribing_twice_says_it_is_already_off(app, office):
    token = unsubscribe_token(SECRET, user().id, "reminder")
    client = app.test_client()
    assert client.post(f"/powiadomienia/wypisz/{token}").status_code == 200
    page = text(client.get(f"/powiadomienia/wypisz/{token}"))
    assert 'id="already-off"' in page
    assert user().notify_reminders is False
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.action == "notifications.unsubscribe"
            )
        )
        == 1
    )
