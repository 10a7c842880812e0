"""Helpers for panel tests: log in through the real login form, read CSRF tokens, post forms."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

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


def login(client: FlaskClient, email: str, password: str = DEFAULT_PASSWORD, **environ):
    """Log in through /admin/login and return the response."""
    token = csrf_token(client)
    extra = {"environ_base": environ} if environ else {}
    return client.post("/admin/login", data={"email": email, "password": password, "csrf_token": token}, **extra)


def post(client: FlaskClient, url: str, data: dict | None = None, **kwargs):
    """POST a form with the session's CSRF token."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, "/admin/"))
    return client.post(url, data=data, **kwargs)


def text(response) -> str:
    return response.get_data(as_text=True)


def messages(response) -> list[str]:
    """Return the flashed messages and field errors the page shows, as plain text."""
    html = text(response)
    found = re.findall(r'<(?:div|span|small)[^>]*class="[^"]*(?:alert|invalid-feedback|help-block|text-danger)[^"]*"[^>]*>(.*?)</(?:div|span|small)>',
                       html, flags=re.S)
    cleaned = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&times;", " ", item)).strip() for item in found]
    return [item for item in cleaned if item]
