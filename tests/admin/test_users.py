"""Users in the panel: office admins manage their office's users; nobody escalates; hashes never shown."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import AuditEvent, User
from collector.passwords import verify_password
from tests.admin.panel import confirm_token_of, form_login, login, messages, post, text
from tests.factories import DEFAULT_PASSWORD, create_office, create_user


@pytest.fixture
def office(app):
    return create_office("alfa", "Urząd Miasta Alfa")


@pytest.fixture
def admin_user(office):
    return create_user("admin@alfa.test", office=office)


@pytest.fixture
def admin_client(client, admin_user):
    assert login(client, "admin@alfa.test").status_code == 302
    return client


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.email == email))


def new_user_form(**changes) -> dict:
    data = {
        "email": "anna@alfa.test",
        "name": "Anna Nowak",
        "role": "reviewer",
        "active": "y",
        "password": "a long enough password",
    }
    data.update(changes)
    return data


def test_admin_creates_a_user_of_the_office_who_can_log_in(admin_client, office, app):
    response = post(admin_client, "/admin/user/new/", new_user_form())
    assert response.status_code == 302, messages(response)
    anna = user_by_email("anna@alfa.test")
    assert (anna.role, anna.office_id, anna.active) == ("reviewer", office.id, True)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "create")).one()
    assert event.after["email"] == "anna@alfa.test" and "password_hash" not in event.after
    other = app.test_client()
    assert form_login(other, "anna@alfa.test", "a long enough password").status_code == 302


def test_password_hash_is_never_shown(admin_client, office, admin_user):
    anna = create_user("anna@alfa.test", role="reviewer", office=office)
    post(
        admin_client,
        f"/admin/user/edit/?id={anna.id}",
        new_user_form(password="another long password"),
    )
    pages = [
        admin_client.get(url)
        for url in (
            "/admin/user/",
            f"/admin/user/details/?id={anna.id}",
            f"/admin/user/edit/?id={anna.id}",
            "/admin/user/new/",
            "/admin/audit/",
        )
    ]
    for page in pages:
        assert page.status_code == 200
        assert "argon2" not in text(page) and "password_hash" not in text(page)
    for event in db.session.scalars(sa.select(AuditEvent)):
        assert "argon2" not in str(event.before) + str(event.after)
    assert "password_set" in [e.action for e in db.session.scalars(sa.select(AuditEvent))]
    assert verify_password(user_by_email("anna@alfa.test").password_hash, "another long password")


def test_admin_cannot_grant_superadmin(admin_client, office):
    assert 'value="superadmin"' not in text(admin_client.get("/admin/user/new/"))
    response = post(admin_client, "/admin/user/new/", new_user_form(role="superadmin"))
    assert response.status_code == 200
    assert user_by_email("anna@alfa.test") is None
    anna = create_user("anna@alfa.test", role="reviewer", office=office)
    response = post(
        admin_client,
        f"/admin/user/edit/?id={anna.id}",
        new_user_form(role="superadmin", password=""),
    )
    assert response.status_code == 200
    assert user_by_email("anna@alfa.test").role == "reviewer"


def test_superadmin_grants_superadmin_without_an_office(client, office):
    create_user("super@ops.test", role="superadmin")
    login(client, "super@ops.test")
    response = post(
        client,
        "/admin/user/new/",
        new_user_form(email="ops2@ops.test", role="superadmin", office=str(office.id)),
    )
    assert response.status_code == 302, messages(response)
    assert (user_by_email("ops2@ops.test").role, user_by_email("ops2@ops.test").office_id) == (
        "superadmin",
        None,
    )
    response = post(client, "/admin/user/new/", new_user_form(role="admin", office=""))
    assert "Administrator i recenzent muszą należeć do urzędu." in " ".join(
        messages(response) + messages(client.get("/admin/user/"))
    )
    assert user_by_email("anna@alfa.test") is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "admin@alfa.test"}, "Użytkownik admin@alfa.test już istnieje."),
        ({"email": "ADMIN@alfa.test "}, "Użytkownik admin@alfa.test już istnieje."),
        ({"email": "not-an-address"}, "Nieprawidłowy adres e-mail."),
        ({"email": ""}, "To pole jest wymagane."),
        ({"password": "short"}, "Hasło musi mieć co najmniej 12 znaków."),
        ({"password": ""}, "Podaj hasło dla nowego użytkownika."),
        ({"role": "owner"}, "Nieprawidłowy wybór"),
    ],
)
def test_bad_user_form_is_refused(admin_client, changes, message):
    count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = post(admin_client, "/admin/user/new/", new_user_form(**changes))
    assert response.status_code == 200
    assert any(message in m for m in messages(response)), messages(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == count


def test_admin_deactivates_a_user_who_then_cannot_log_in(admin_client, office, app):
    anna = create_user("anna@alfa.test", role="reviewer", office=office)
    anna_client = app.test_client()
    assert login(anna_client, "anna@alfa.test").status_code == 302
    form = {"email": "anna@alfa.test", "name": "", "role": "reviewer", "password": ""}
    asked = post(admin_client, f"/admin/user/edit/?id={anna.id}", form)  # active unticked
    assert asked.status_code == 200 and "Dezaktywować konto anna@alfa.test?" in text(asked)
    assert user_by_email("anna@alfa.test").active is True  # nothing changed yet
    response = post(
        admin_client,
        f"/admin/user/edit/?id={anna.id}",
        {**form, "confirm_token": confirm_token_of(asked)},
    )
    assert response.status_code == 302, messages(response)
    assert user_by_email("anna@alfa.test").active is False
    assert anna_client.get("/admin/").status_code == 302  # her open session ends at once
    assert form_login(app.test_client(), "anna@alfa.test").status_code == 401
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "update")).one()
    assert event.before["active"] is True and event.after["active"] is False


@pytest.mark.parametrize(
    "token", ["forged", "made-for-another-user"], ids=["forged token", "another user's token"]
)
def test_a_bad_deactivation_confirmation_is_refused(admin_client, office, token):
    anna = create_user("anna@alfa.test", role="reviewer", office=office)
    bob = create_user("bob@alfa.test", role="reviewer", office=office)
    form = {"email": "bob@alfa.test", "name": "", "role": "reviewer", "password": ""}
    value = "x.y.z"
    if token == "made-for-another-user":
        asked = post(admin_client, f"/admin/user/edit/?id={bob.id}", form)
        value = confirm_token_of(asked)
    response = post(
        admin_client,
        f"/admin/user/edit/?id={anna.id}",
        {**form, "email": "anna@alfa.test", "confirm_token": value},
    )
    assert response.status_code == 400 and "Nieprawidłowe potwierdzenie" in text(response)
    assert user_by_email("anna@alfa.test").active is True
    assert user_by_email("bob@alfa.test").active is True


@pytest.mark.parametrize("changes", [{"active": ""}, {"role": "reviewer"}])
def test_admin_cannot_lock_themselves_out(admin_client, admin_user, changes):
    data = {"email": "admin@alfa.test", "name": "", "role": "admin", "active": "y", "password": ""}
    data.update(changes)
    data = {k: v for k, v in data.items() if v != "" or k != "active"}
    response = post(admin_client, f"/admin/user/edit/?id={admin_user.id}", data)
    shown = messages(response) + (
        messages(admin_client.get(response.location)) if response.status_code == 302 else []
    )
    assert any(
        "Nie możesz dezaktywować własnego konta ani odebrać sobie roli." in m for m in shown
    ), shown
    me = user_by_email("admin@alfa.test")
    assert (me.role, me.active) == ("admin", True)


def test_setting_a_password_unlocks_the_account(admin_client, office):
    from datetime import timedelta

    from collector.models import utcnow

    anna = create_user(
        "anna@alfa.test",
        role="reviewer",
        office=office,
        locked_until=utcnow() + timedelta(minutes=10),
    )
    response = post(
        admin_client,
        f"/admin/user/edit/?id={anna.id}",
        new_user_form(password="a brand new password"),
    )
    assert response.status_code == 302, messages(response)
    assert user_by_email("anna@alfa.test").locked_until is None
    assert not verify_password(user_by_email("anna@alfa.test").password_hash, DEFAULT_PASSWORD)
