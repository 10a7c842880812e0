"""A public POST or survey read runs none of the panel's per-request machinery: no session opened
from a cookie, no user loaded, no panel language, no CSRF check, no Flask-Limiter counting (the API counts its POSTs itself, in one round trip)."""

from __future__ import annotations

import flask.sessions
import flask_login
import flask_wtf.csrf
import limits.strategies
import pytest

import admin.i18n
from tests.factories import create_office, post_response, valid_payload


@pytest.fixture
def panel_machinery_forbidden(monkeypatch):
    ran: list[str] = []

    def forbid(name):
        def refuse(*args, **kwargs):
            ran.append(name)
            raise AssertionError(f"{name} ran on a public request")

        return refuse

    monkeypatch.setattr(
        flask.sessions.SecureCookieSessionInterface, "open_session", forbid("open_session")
    )
    monkeypatch.setattr(flask_login.LoginManager, "_load_user", forbid("load_user"))
    monkeypatch.setattr(admin.i18n, "remember_language", forbid("remember_language"))
    monkeypatch.setattr(admin.i18n, "select_locale", forbid("select_locale"))
    monkeypatch.setattr(flask_wtf.csrf.CSRFProtect, "protect", forbid("csrf"))
    for strategy in (
        limits.strategies.FixedWindowRateLimiter,
        limits.strategies.MovingWindowRateLimiter,
    ):
        monkeypatch.setattr(strategy, "hit", forbid("flask-limiter"))
        monkeypatch.setattr(strategy, "test", forbid("flask-limiter"))
    return ran


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RESPONSES_RATE_LIMIT": "100 per minute"}


def test_a_public_post_and_read_skip_the_panels_hooks(client, panel_machinery_forbidden):
    office = create_office()
    client.set_cookie("session", "a-panel-cookie-that-must-not-be-read", path="/")

    posted = post_response(client, payload=valid_payload(office))
    read = client.get("/api/v1/offices/demo/survey")

    assert posted.status_code == 201 and read.status_code == 200
    assert panel_machinery_forbidden == []
    for response in (posted, read):
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")


def test_open_data_and_the_results_endpoint_skip_the_panels_hooks(
    client, panel_machinery_forbidden
):
    from datetime import date

    from collector.extensions import db
    from reports import archive_report

    office = create_office(publish_results=True)
    archive_report(
        db.session,
        office,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        reason="periodic",
        author=None,
    )
    db.session.commit()
    client.set_cookie("session", "a-panel-cookie-that-must-not-be-read", path="/")

    answers = [
        client.get(url)
        for url in (
            "/wyniki/demo/dane.csv",
            "/wyniki/demo/dane.json",
            "/api/v1/offices/demo/results",
            "/api/v1/offices/demo/results?period=1999",
        )
    ]

    assert [r.status_code for r in answers] == [200, 200, 200, 400]
    assert panel_machinery_forbidden == []
    for response in answers:
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
