"""The panel's security headers on every response, the login's "next" and its silence about which
accounts exist."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest

from collector.extensions import db
from collector.models import (
    CorrectiveAction,
    Report,
    User,
)
from collector.surveys import create_office as make_office
from reports import archive_report
from tests.admin.panel import csrf_token, form_login, login, text
from tests.admin.panel_pages import panel_get_pages
from tests.conftest import CSRF_ON
from tests.factories import (
    DEFAULT_PASSWORD,
    create_office,
    create_user,
    post_response,
    valid_payload,
)

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture
def app_config() -> dict:
    return CSRF_ON


def assert_secure(response, where: str, *, static: bool = False) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in policy.split(";")) if part
    )
    assert directives.get("frame-ancestors") == "'none'", where
    assert "script-src" in directives, where
    assert "unsafe-inline" not in directives["script-src"], where
    assert "unsafe-eval" not in directives["script-src"], where
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (where, name)
    if not static:
        assert response.headers.get("Cache-Control") == "no-store", where


@pytest.fixture
def dataset(app, client):
    """A small office: departments, a published survey, a response, a report, an action."""
    office = make_office(
        "demo",
        "Urząd Miasta Demo",
        origins=["http://demo.test"],
        departments=[("komunikacja", "Wydział Komunikacji", "Transport Department", "Відділ")],
    )
    db.session.commit()
    assert post_response(client, payload=valid_payload(office)).status_code == 201
    report = archive_report(
        db.session,
        office,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        reason="ad-hoc",
        author=None,
    )
    db.session.add(CorrectiveAction(office_id=office.id, title="Nowa kolejka", description=""))
    create_user("super@ops.test", role="superadmin")
    db.session.commit()
    return office, report


def test_every_admin_get_endpoint_sends_the_security_headers(app, client, dataset):
    office, report = dataset
    # Anonymous: the login page and the redirect to it.
    assert_secure(client.get("/admin/login"), "login")
    assert_secure(client.get("/admin/response/"), "redirect to login")
    login(client, "super@ops.test")
    seen: dict[int, int] = {}
    for page in panel_get_pages(app, office.id, report):
        url = page.url
        response = client.get(url)
        response.close()
        static = page.endpoint.endswith(".static")
        assert_secure(response, f"{page.endpoint} {url} {response.status_code}", static=static)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
    assert seen.get(200, 0) >= 30, seen  # pages, downloads (PDF, PNG, SVG, CSV, JSON) and files
    # An error page and a refused form.
    assert_secure(client.get("/admin/response/details/?id=999999"), "404")
    assert_secure(client.get("/admin/no-such-page"), "unknown address")
    assert_secure(client.post("/admin/logout"), "CSRF refusal")


def test_the_hosted_page_keeps_its_own_strict_policy(app, client):
    create_office("demo")
    response = client.get("/s/demo")
    assert response.status_code == 200
    assert_secure(response, "hosted page")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_panel_pages_carry_no_inline_event_handlers(app, client, dataset):
    """The CSP refuses inline handlers: pages must not rely on any (checked on the model lists)."""
    login(client, "super@ops.test")
    for url in ("/admin/department/", "/admin/user/", "/admin/corrective_action/", "/admin/audit/"):
        html = text(client.get(url))
        assert not re.search(r"\son[a-z]+\s*=", html), url
        nonce = re.search(r"'nonce-([^']+)'", client.get(url).headers["Content-Security-Policy"])
        assert nonce
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or "nonce=" in tag, (url, tag)


# ---------------------------------------------------------------------------------------------
# "next" after login


@pytest.fixture
def clerk(app):
    return create_user("clerk@demo.test", office=create_office())


@pytest.mark.parametrize(
    "next_page",
    [
        "/admin\r\nX-Injected: 1",
        "/admin/\r\nSet-Cookie: a=b",
        "/admin/%0d%0aX-Injected:%201",
        "/admin/%0D%0A",
        "/admin/\tresponse/",
        "/admin/%09",
        "/admin/\x00",
        "/admin/\x7f",
        "/admin/ response/",
        "/admin\\@evil.example",
        "/admin/%5c%5cevil.example",
        "//evil.example/admin",
        "/%2fevil.example",
        "https://evil.example/admin/",
        "javascript:alert(1)",
        "/elsewhere",
        "/administrator",
        "/admin/" + "x" * 3000,
    ],
)
def test_a_hostile_next_is_refused_for_the_panel_home(client, clerk, next_page):
    token = csrf_token(client, "/admin/login")
    response = client.post(
        "/admin/login",
        data={
            "email": "clerk@demo.test",
            "password": DEFAULT_PASSWORD,
            "csrf_token": token,
            "next": next_page,
        },
    )
    assert response.status_code == 302
    assert response.location == "/admin/"
    assert "X-Injected" not in response.headers and "evil" not in response.location


@pytest.mark.parametrize(
    "next_page", ["/admin\r\nX-Injected: 1", "//evil.example", "/admin/%0d%0a"]
)
def test_a_hostile_next_on_the_login_page_is_dropped(client, next_page):
    response = client.get("/admin/login", query_string={"next": next_page})
    assert response.status_code == 200
    assert 'name="next"' not in text(response)


def test_a_safe_next_still_works(client, clerk):
    token = csrf_token(client, "/admin/login")
    response = client.post(
        "/admin/login",
        data={
            "email": "clerk@demo.test",
            "password": DEFAULT_PASSWORD,
            "csrf_token": token,
            "next": "/admin/department/?page=2",
        },
    )
    assert response.location == "/admin/department/?page=2"


# ---------------------------------------------------------------------------------------------
# The login does not tell which accounts exist


def login_error(response) -> str:
    match = re.search(r'id="login-error">(.*?)</div>', text(response), flags=re.S)
    return match.group(1).strip() if match else ""


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, clerk):
    real = form_login(client, "clerk@demo.test", "wrong password!", REMOTE_ADDR="10.1.0.1")
    unknown = form_login(client, "nobody@demo.test", "wrong password!", REMOTE_ADDR="10.1.0.2")
    assert real.status_code == unknown.status_code == 401
    assert login_error(real) == login_error(unknown) == "Nieprawidłowy adres e-mail lub hasło."


def test_after_five_failures_an_unknown_address_says_locked_like_a_real_account(client, clerk):
    answers = {}
    for email in ("clerk@demo.test", "nobody@demo.test"):
        for n in range(5):  # from five addresses, so that only the account's counter trips
            response = form_login(client, email, "wrong password!", REMOTE_ADDR=f"10.2.{n}.9")
            assert response.status_code == 401
        answers[email] = form_login(client, email, DEFAULT_PASSWORD, REMOTE_ADDR="10.2.9.9")
    real, unknown = answers["clerk@demo.test"], answers["nobody@demo.test"]
    assert real.status_code == unknown.status_code == 429
    assert "Konto jest zablokowane do" in login_error(real)
    # The same words; the lock's end ("do 07:51") may differ by the minute the two logins straddle.
    clock = re.compile(r"\b\d{2}:\d{2}\b")
    assert clock.search(login_error(real)) and clock.search(login_error(unknown))
    assert clock.sub("HH:MM", login_error(real)) == clock.sub("HH:MM", login_error(unknown))
    # The real account's lock holds even with the right password.
    assert client.get("/admin/").status_code == 302


def test_an_inactive_account_answers_like_an_unknown_one(client, clerk):
    user = db.session.get(User, clerk.id)
    user.active = False
    db.session.commit()
    inactive = form_login(client, "clerk@demo.test", DEFAULT_PASSWORD, REMOTE_ADDR="10.3.0.1")
    unknown = form_login(client, "nobody@demo.test", DEFAULT_PASSWORD, REMOTE_ADDR="10.3.0.2")
    assert inactive.status_code == unknown.status_code == 401
    assert login_error(inactive) == login_error(unknown)


def test_unknown_addresses_lock_separately_and_real_accounts_still_lock(client, clerk):
    for n in range(5):
        form_login(client, f"guess{n}@demo.test", "wrong password!", REMOTE_ADDR=f"10.4.{n}.1")
    # Five different unknown addresses, one failure each: none is locked.
    response = form_login(client, "guess0@demo.test", "wrong password!", REMOTE_ADDR="10.4.9.1")
    assert response.status_code == 401
    assert form_login(client, "clerk@demo.test", REMOTE_ADDR="10.4.9.2").status_code == 302


def test_the_reports_id_is_a_uuid(dataset):
    _office, report = dataset
    assert isinstance(report.id, uuid.UUID) or uuid.UUID(str(report.id))
    assert db.session.get(Report, report.id) is not None
