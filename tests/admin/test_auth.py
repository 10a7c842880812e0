"""Login, lockout, idle timeout, logout, password change and their audit rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from collector.config import load_config
from collector.extensions import db
from collector.models import AuditEvent, User, utcnow
from collector.passwords import verify_password
from tests.admin.panel import csrf_token, post, text
from tests.admin.panel import form_login as login
from tests.conftest import CSRF_ON
from tests.factories import DEFAULT_PASSWORD, create_office, create_user


@pytest.fixture
def app_config() -> dict:
    return CSRF_ON  # the real login form, CSRF included


def actions(user_email: str | None = None) -> list[str]:
    query = sa.select(AuditEvent.action).order_by(AuditEvent.id)
    if user_email:
        query = query.where(AuditEvent.user_email == user_email)
    return list(db.session.scalars(query))


@pytest.fixture
def office(app):
    return create_office()


@pytest.fixture
def admin_user(office):
    return create_user("admin@demo.test", office=office)


def test_login_opens_the_panel_and_is_audited(client, admin_user):
    response = login(client, "admin@demo.test")
    assert response.status_code == 302 and response.location == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Zalogowano jako admin@demo.test" in text(page)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "login")).one()
    assert event.user_id == admin_user.id and event.office_id == admin_user.office_id
    assert db.session.get(User, admin_user.id).last_login_at is not None


def test_login_returns_to_the_page_asked_for(client, admin_user):
    token = csrf_token(client)
    response = client.post(
        "/admin/login",
        data={
            "email": "admin@demo.test",
            "password": DEFAULT_PASSWORD,
            "csrf_token": token,
            "next": "/admin/department/",
        },
    )
    assert response.location == "/admin/department/"


@pytest.mark.parametrize(
    "next_page", ["https://evil.example/", "//evil.example/admin", "/elsewhere", "/admin\\@x"]
)
def test_login_never_redirects_away_from_the_panel(client, admin_user, next_page):
    token = csrf_token(client)
    response = client.post(
        "/admin/login",
        data={
            "email": "admin@demo.test",
            "password": DEFAULT_PASSWORD,
            "csrf_token": token,
            "next": next_page,
        },
    )
    assert response.location == "/admin/"


@pytest.mark.parametrize(
    ("email", "password", "status", "message"),
    [
        ("admin@demo.test", "wrong password!", 401, "Nieprawidłowy adres e-mail lub hasło."),
        ("nobody@demo.test", DEFAULT_PASSWORD, 401, "Nieprawidłowy adres e-mail lub hasło."),
        ("", DEFAULT_PASSWORD, 400, "Podaj adres e-mail."),
        ("admin@demo.test", "", 400, "Podaj hasło."),
        ("x" * 300 + "@demo.test", DEFAULT_PASSWORD, 400, "Adres e-mail"),
    ],
)
def test_bad_login_is_refused_with_a_polish_message(
    client, admin_user, email, password, status, message
):
    response = login(client, email, password)
    assert response.status_code == status
    assert message in text(response)
    assert client.get("/admin/").status_code == 302


def test_failed_logins_are_audited_with_the_account(client, admin_user):
    login(client, "admin@demo.test", "wrong password!")
    login(client, "stranger@demo.test", "wrong password!")
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "login_failed")
    ).all()
    assert [(e.user_id, e.user_email) for e in events] == [
        (admin_user.id, "admin@demo.test"),
        (None, "stranger@demo.test"),
    ]
    assert all(e.remote_addr == "127.0.0.1" for e in events)


def test_deactivated_user_cannot_log_in(client, office):
    create_user("gone@demo.test", office=office, active=False)
    response = login(client, "gone@demo.test")
    assert response.status_code == 401
    assert client.get("/admin/").status_code == 302


def test_five_wrong_passwords_lock_the_account(client, admin_user):
    for n in range(5):  # from five addresses, so that only the account's counter trips
        response = login(
            client, "admin@demo.test", "wrong password!", REMOTE_ADDR=f"10.0.0.{n + 1}"
        )
        assert response.status_code == 401
    response = login(client, "admin@demo.test", DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.99")
    assert response.status_code == 429
    assert "Zbyt wiele nieudanych prób logowania na to konto" in text(response)
    assert "Konto jest zablokowane do" in text(response)
    assert client.get("/admin/").status_code == 302
    assert "account_locked" in actions("admin@demo.test")

    # Once the lock has passed, the right password works again.
    user = db.session.get(User, admin_user.id)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert (
        login(client, "admin@demo.test", DEFAULT_PASSWORD, REMOTE_ADDR="10.0.0.99").status_code
        == 302
    )


def test_four_wrong_passwords_do_not_lock_and_a_login_resets_the_count(client, admin_user):
    for n in range(4):
        login(client, "admin@demo.test", "wrong password!", REMOTE_ADDR=f"10.0.1.{n + 1}")
    assert login(client, "admin@demo.test", REMOTE_ADDR="10.0.1.9").status_code == 302
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    for n in range(4):
        login(client, "admin@demo.test", "wrong password!", REMOTE_ADDR=f"10.0.2.{n + 1}")
    assert login(client, "admin@demo.test", REMOTE_ADDR="10.0.2.9").status_code == 302


def test_five_failures_from_one_address_pause_logins_from_it(client, office, admin_user):
    for n in range(5):  # different accounts, one address
        response = login(client, f"guess{n}@demo.test", "wrong password!", REMOTE_ADDR="10.9.9.9")
        assert response.status_code == 401
    response = login(client, "admin@demo.test", DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 429
    assert "Zbyt wiele nieudanych prób logowania z tego adresu" in text(response)
    assert client.get("/admin/").status_code == 302
    assert "address_locked" in actions()
    # Another address is not affected.
    assert (
        login(client, "admin@demo.test", DEFAULT_PASSWORD, REMOTE_ADDR="10.9.9.10").status_code
        == 302
    )


def test_lockout_message_in_english_when_english_is_chosen(client, admin_user):
    client.get("/admin/login?lang=en")
    for n in range(5):
        login(client, f"guess{n}@demo.test", "wrong password!", REMOTE_ADDR="10.8.8.8")
    response = login(client, "admin@demo.test", REMOTE_ADDR="10.8.8.8")
    assert "Too many failed sign-in attempts from this address" in text(response)
    assert '<html lang="en">' in text(response)


def test_session_cookie_is_httponly_lax_and_lasts_30_minutes(client, admin_user):
    response = login(client, "admin@demo.test")
    cookie = response.headers["Set-Cookie"]
    assert (
        "HttpOnly" in cookie
        and "SameSite=Lax" in cookie
        and "Expires=" in cookie
        and "Path=/admin" in cookie
    )
    assert client.application.permanent_session_lifetime == timedelta(minutes=30)


@pytest.mark.parametrize(
    ("environ", "secure"),
    [
        ({"OCEN_ENV": "production", "SECRET_KEY": "k" * 32, "OCEN_SINGLE_PROCESS": "1"}, True),
        ({}, False),
    ],
)
def test_session_cookie_is_secure_in_production(tmp_path, environ, secure):
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, {}, environ=environ)
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_idle_session_ends_after_30_minutes(client, admin_user):
    login(client, "admin@demo.test")
    with client.session_transaction("/admin/") as session:
        session["last_seen"] -= 31 * 60
    response = client.get("/admin/department/")
    assert response.status_code == 302 and response.location.startswith("/admin/login")
    assert "Sesja wygasła po 30 minutach bezczynności" in text(client.get(response.location))
    assert client.get("/admin/").status_code == 302


def test_activity_keeps_the_session_alive(client, admin_user):
    login(client, "admin@demo.test")
    with client.session_transaction("/admin/") as session:
        session["last_seen"] -= 29 * 60
    assert client.get("/admin/department/").status_code == 200
    with client.session_transaction("/admin/") as session:
        session["last_seen"] -= 29 * 60  # 58 minutes since login, never 30 idle
    assert client.get("/admin/").status_code == 200


def test_logout_ends_the_session_and_is_audited(client, admin_user):
    login(client, "admin@demo.test")
    response = post(client, "/admin/logout")
    assert response.status_code == 302 and response.location == "/admin/login"
    assert "Wylogowano." in text(client.get("/admin/login"))
    assert client.get("/admin/").status_code == 302
    assert actions("admin@demo.test") == ["login", "logout"]


def test_logout_without_csrf_token_is_refused(client, admin_user):
    login(client, "admin@demo.test")
    response = client.post("/admin/logout")
    assert response.status_code == 400
    assert "Formularz wygasł" in text(response)
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("url", ["/admin/login", "/admin/department/new/", "/admin/account/"])
def test_form_post_without_csrf_token_is_refused(client, office, admin_user, url):
    login(client, "admin@demo.test")
    before = actions()
    response = client.post(
        url,
        data={
            "email": "admin@demo.test",
            "password": DEFAULT_PASSWORD,
            "name": "Wydział Nowy",
            "current_password": DEFAULT_PASSWORD,
            "new_password": "a much better password",
            "repeat_password": "a much better password",
        },
    )
    assert response.status_code == 400
    assert "Formularz wygasł albo nie został wysłany z tej strony" in text(response)
    assert actions() == before
    assert verify_password(db.session.get(User, admin_user.id).password_hash, DEFAULT_PASSWORD)


def test_form_post_with_a_forged_csrf_token_is_refused(client, office, admin_user):
    login(client, "admin@demo.test")
    response = client.post(
        "/admin/department/new/", data={"name": "Wydział Nowy", "csrf_token": "forged"}
    )
    assert response.status_code == 400


def test_user_changes_own_password(client, admin_user):
    login(client, "admin@demo.test")
    response = post(
        client,
        "/admin/account/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": "a much better password",
            "repeat_password": "a much better password",
        },
    )
    assert response.status_code == 302
    assert "Hasło zostało zmienione." in text(client.get("/admin/account/"))
    assert verify_password(
        db.session.get(User, admin_user.id).password_hash, "a much better password"
    )
    assert "password_changed" in actions("admin@demo.test")
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "password_changed")
    ).one()
    assert "argon2" not in str(event.before) + str(event.after)


@pytest.mark.parametrize(
    ("current", "new", "repeat", "message"),
    [
        (
            "wrong password!",
            "a much better password",
            "a much better password",
            "Obecne hasło jest nieprawidłowe.",
        ),
        ("", "a much better password", "a much better password", "Podaj obecne hasło."),
        (DEFAULT_PASSWORD, "short", "short", "Nowe hasło musi mieć co najmniej 12 znaków."),
        (
            DEFAULT_PASSWORD,
            "a much better password",
            "a different password",
            "Powtórzone hasło różni się od nowego.",
        ),
        (
            DEFAULT_PASSWORD,
            DEFAULT_PASSWORD,
            DEFAULT_PASSWORD,
            "Nowe hasło musi różnić się od obecnego.",
        ),
    ],
)
def test_bad_password_change_is_refused(client, admin_user, current, new, repeat, message):
    login(client, "admin@demo.test")
    response = post(
        client,
        "/admin/account/",
        {"current_password": current, "new_password": new, "repeat_password": repeat},
    )
    assert response.status_code == 400
    assert message in text(response)
    assert verify_password(db.session.get(User, admin_user.id).password_hash, DEFAULT_PASSWORD)
    assert "password_changed" not in actions()


def test_reviewer_changes_own_password_too(client, office):
    create_user("reviewer@demo.test", role="reviewer", office=office)
    login(client, "reviewer@demo.test")
    response = post(
        client,
        "/admin/account/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": "a much better password",
            "repeat_password": "a much better password",
        },
    )
    assert response.status_code == 302


def test_panel_is_polish_by_default_and_english_on_request(client, admin_user):
    login(client, "admin@demo.test")
    page = text(client.get("/admin/department/"))
    assert '<html lang="pl">' in page and "Wydziały" in page and "Lista" in page
    page = text(client.get("/admin/department/?lang=en"))
    assert '<html lang="en">' in page and "Departments" in page and "List" in page
    page = text(client.get("/admin/"))  # the choice is remembered
    assert '<html lang="en">' in page and "Sign out" in page
