"""Sessions end on the server: a cookie copied before logout, a password change or deactivation
opens nothing afterwards, in any browser."""

from __future__ import annotations

import pytest

from collector.extensions import db
from collector.models import User
from tests.admin.conftest import PanelClient
from tests.admin.panel import confirm_token_of, form_login, post, text
from tests.conftest import CSRF_ON
from tests.factories import DEFAULT_PASSWORD, create_office, create_user

NEW_PASSWORD = "a much better password"


@pytest.fixture
def app_config() -> dict:
    return CSRF_ON


@pytest.fixture
def office(app):
    return create_office()


@pytest.fixture
def clerk(office):
    return create_user("clerk@demo.test", office=office)


@pytest.fixture
def admin_user(office):
    return create_user("admin@demo.test", office=office)


def new_client(app):
    app.test_client_class = PanelClient
    return app.test_client()


def session_cookie(client) -> str:
    cookie = client.get_cookie("session", path="/admin")
    assert cookie is not None
    return cookie.value


def with_cookie(app, value: str):
    """Return a fresh browser that presents a copied session cookie."""
    thief = new_client(app)
    thief.set_cookie("session", value, path="/admin")
    return thief


def is_refused(client) -> bool:
    response = client.get("/admin/")
    return response.status_code == 302 and response.location.startswith("/admin/login")


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, clerk):
    assert form_login(client, "clerk@demo.test").status_code == 302
    other_browser = new_client(app)
    assert form_login(other_browser, "clerk@demo.test").status_code == 302
    copied = session_cookie(client)
    assert not is_refused(with_cookie(app, copied))  # the copy works while the session lives

    assert post(client, "/admin/logout").status_code == 302

    assert is_refused(with_cookie(app, copied))
    assert is_refused(other_browser)  # logout ends every session of the user
    # The next login works again.
    assert form_login(client, "clerk@demo.test").status_code == 302
    assert client.get("/admin/").status_code == 200


def test_own_password_change_ends_the_other_sessions_and_keeps_this_one(app, client, clerk):
    form_login(client, "clerk@demo.test")
    other_browser = new_client(app)
    form_login(other_browser, "clerk@demo.test")
    copied = session_cookie(client)

    response = post(
        client,
        "/admin/account/",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert "Hasło zostało zmienione." in text(client.get("/admin/account/"))
    assert is_refused(other_browser)
    assert is_refused(with_cookie(app, copied))


def test_password_set_by_an_admin_ends_the_users_sessions(app, client, office, clerk, admin_user):
    clerk_browser = new_client(app)
    form_login(clerk_browser, "clerk@demo.test")
    copied = session_cookie(clerk_browser)
    form_login(client, "admin@demo.test")

    response = post(
        client,
        f"/admin/user/edit/?id={clerk.id}",
        {
            "email": "clerk@demo.test",
            "name": "",
            "role": "admin",
            "active": "y",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert is_refused(clerk_browser)
    assert is_refused(with_cookie(app, copied))
    assert not is_refused(client)  # the admin's own session goes on


def test_deactivation_ends_the_users_sessions_for_good(app, client, office, clerk, admin_user):
    clerk_browser = new_client(app)
    form_login(clerk_browser, "clerk@demo.test")
    copied = session_cookie(clerk_browser)
    form_login(client, "admin@demo.test")
    form = {"email": "clerk@demo.test", "name": "", "role": "admin"}

    asked = post(client, f"/admin/user/edit/?id={clerk.id}", form)  # asks first
    confirmed = {**form, "confirm_token": confirm_token_of(asked)}
    assert post(client, f"/admin/user/edit/?id={clerk.id}", confirmed).status_code == 302
    assert db.session.get(User, clerk.id).active is False
    assert is_refused(clerk_browser)

    # Reactivated, the user logs in anew; the old cookie stays dead.
    post(client, f"/admin/user/edit/?id={clerk.id}", {**form, "active": "y"})
    assert db.session.get(User, clerk.id).active is True
    assert is_refused(with_cookie(app, copied))
    assert form_login(clerk_browser, "clerk@demo.test").status_code == 302


@pytest.mark.parametrize("user_id", ["1", "1:", "1:x", "abc:0", ":0", "1:0:0", "99:0"])
def test_a_forged_session_user_id_opens_nothing(app, client, clerk, user_id):
    with client.session_transaction("/admin/") as session:
        session.update(_user_id=user_id, _fresh=True, last_seen=10**10)
    assert is_refused(client)
