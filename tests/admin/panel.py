"""Helpers for panel tests: log in (directly, or through the real form), read CSRF tokens, post forms.

The test apps run with CSRF off and a cheap password hash; tests/admin/test_auth.py and the
CSRF tests turn CSRF on and log in through the form (``form_login``), everyone else starts from a
logged-in session (``login``).
"""

from __future__ import annotations

import re
import time

import sqlalchemy as sa
from flask.testing import FlaskClient

from admin.auth import KEPT_SESSION_KEYS
from collector.extensions import db
from collector.models import User
from tests.factories import DEFAULT_PASSWORD

TOKEN_RE = re.compile(r'name="csrf[-_]token"[^>]*(?:value|content)="([^"]+)"')


def csrf_token(client: FlaskClient, url: str = "/admin/login") -> str:
    """Return the CSRF token of the client's session, as a page of the panel shows it."""
    response = client.get(url)
    if response.status_code in (301, 302):  # logged in: the login page redirects to the panel
        response = client.get("/admin/")
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def is_csrf_on(client: FlaskClient) -> bool:
    return client.application.config.get("WTF_CSRF_ENABLED", True)


def form_login(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD, **environ):
    """Log in through the /admin/login form (password checked, audited) and return the response."""
    data = {"email": email, "password": password}
    if is_csrf_on(client):
        data["csrf_token"] = csrf_token(client)
    extra = {"environ_base": environ} if environ else {}
    return client.post("/admin/login", data=data, **extra)


def login(client: FlaskClient, email: str):
    """Start the client's panel session as the user, as a finished login leaves it; return the redirect.

    No form, no password hash: the session gets what admin/auth.py's ``start_session`` puts there
    (Flask-Login's user id, freshness and identifier; the idle clock). The answer is /admin/login's
    redirect to the panel (302), or the login page (200) when the user cannot log in.
    """
    app = client.application
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    assert user is not None, f"no user {email}"
    user_id = user.get_id()  # the id and the session version, as Flask-Login stores it
    with app.test_request_context(environ_base=client.environ_base):
        identifier = app.login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        kept = {key: session[key] for key in KEPT_SESSION_KEYS if key in session}
        session.clear()
        session.update(
            kept, _user_id=user_id, _fresh=True, _id=identifier, last_seen=int(time.time())
        )
        session.permanent = True
    return client.get("/admin/login")


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form, with the session's CSRF token when the app checks it."""
    data = dict(data or {})
    if is_csrf_on(client) and "csrf_token" not in data:
        data["csrf_token"] = csrf_token(client, "/admin/")
    return client.post(url, data=data, **kwargs)


def text(response) -> str:
    return response.get_data(as_text=True)


def messages(response) -> list[str]:
    """Return the flashed messages and field errors the page shows, as plain text."""
    html = text(response)
    found = re.findall(
        r'<(?:div|span|small)[^>]*class="[^"]*(?:alert|invalid-feedback|help-block|text-danger)[^"]*"[^>]*>(.*?)</(?:div|span|small)>',
        html,
        flags=re.S,
    )
    cleaned = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&times;", " ", item)).strip() for item in found]
    return [item for item in cleaned if item]


CONFIRM_RE = re.compile(r'name="confirm_token" value="([^"]+)"')


def confirm_token_of(response) -> str:
    """Return the confirmation token a confirmation page carries."""
    match = CONFIRM_RE.search(text(response))
    assert match, "no confirmation page"
    return match.group(1)


def confirm(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a permanent action, check that a confirmation page answers, and confirm it."""
    first = post(client, url, data)
    assert first.status_code == 200, first.status_code
    return post(client, url, {**(data or {}), "confirm_token": confirm_token_of(first)}, **kwargs)


def finish_builds() -> None:
    """Wait for the reports the panel is building in the background (joins their threads)."""
    from flask import current_app

    from admin.report_builds import wait_for_builds

    wait_for_builds(current_app._get_current_object())
    db.session.expire_all()
