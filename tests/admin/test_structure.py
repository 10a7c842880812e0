"""Every URL under /admin is closed to anonymous visitors: a redirect to the login page or 403."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.admin.panel import csrf_token
from tests.conftest import CSRF_ON


@pytest.fixture
def app_config() -> dict:
    return CSRF_ON  # anonymous posts are refused whatever token they carry


OPEN_ENDPOINTS = {"auth.login", "auth.login_code"}
DUMMY_VALUES = {
    "int": 1,
    "integer": 1,
    "float": 1.0,
    "uuid": uuid.UUID(int=1),
    "path": "x",
    "string": "x",
    "default": "x",
}


def converter_value(rule, argument: str):
    converter = type(rule._converters[argument]).__name__.lower().replace("converter", "")
    if converter == "unicode":
        converter = "string"
    return DUMMY_VALUES.get(converter, "x")


def admin_rules(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin"):
            continue
        if rule.endpoint in OPEN_ENDPOINTS or rule.endpoint.endswith(".static"):
            continue
        yield rule


def test_the_panel_has_its_pages(app):
    endpoints = {rule.endpoint for rule in admin_rules(app)}
    assert {
        "admin.index",
        "office.index_view",
        "user.edit_view",
        "audit.index_view",
        "auth.logout",
    } <= endpoints


def test_every_admin_url_sends_anonymous_visitors_to_login_or_403(app, client):
    token = csrf_token(client)  # an anonymous session may well hold a valid token: it must not help
    checked = 0
    for rule in admin_rules(app):
        values = {arg: converter_value(rule, arg) for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = (
                {"csrf_token": token, "id": "1", "action": "delete", "rowid": "1"}
                if method == "POST"
                else None
            )
            response = client.open(url, method=method, data=data)
            assert response.status_code in (302, 303, 403), (method, url, response.status_code)
            if response.status_code in (302, 303):
                assert re.match(r"^(http://[^/]+)?/admin/login(\?|$)", response.location), (
                    method,
                    url,
                    response.location,
                )
            checked += 1
    assert checked > 20


def test_login_page_and_static_files_are_open(client):
    assert client.get("/admin/login").status_code == 200
    for path in (
        "/admin/static/bootstrap/bootstrap4/css/bootstrap.min.css",
        "/admin/ui-static/panel.css",
    ):
        with client.get(path) as response:  # a file response streams: close it
            assert response.status_code == 200


def test_anonymous_visitor_is_sent_back_to_the_page_after_login(client):
    response = client.get("/admin/department/?page=2")
    assert response.status_code == 302
    assert (
        "next=/admin/department/?page%3D2" in response.location
        or "next=%2Fadmin%2Fdepartment" in response.location
    )


def external_urls(html: str) -> list[str]:
    return [
        url
        for url in re.findall(r'(?:src|href|action)="([^"]+)"', html)
        if re.match(r"^(https?:)?//", url)
    ]


def test_login_page_loads_no_external_assets(client):
    assert external_urls(client.get("/admin/login").get_data(as_text=True)) == []


def test_panel_pages_load_no_external_assets(app, client):
    """Visit every page of the panel a superadmin can open and check every asset is local."""
    import sqlalchemy as sa

    from collector.extensions import db
    from tests.admin.panel import login
    from tests.factories import create_office, create_user

    create_office()
    create_user("super@ops.test", role="superadmin")
    assert login(client, "super@ops.test").status_code == 302
    views = {view.endpoint: view for view in app.extensions["ocen_admin"]._views}
    visited = 0
    for rule in admin_rules(app):
        if (
            "GET" not in rule.methods
            or rule.arguments
            or rule.endpoint.endswith((".export", ".ajax_lookup"))
        ):
            continue
        url = rule.rule
        if rule.endpoint.endswith((".edit_view", ".details_view")):
            view = views[rule.endpoint.split(".")[0]]
            first = db.session.scalars(sa.select(view.model).limit(1)).first()
            if first is None:
                continue
            url += f"?id={sa.inspect(first).identity[0]}"
        response = client.get(url)
        if (
            response.status_code == 403
        ):  # a page this role is not offered (e.g. editing the audit log)
            continue
        if response.status_code == 404:
            # A per-office page (the paper questionnaire) a superadmin reaches after choosing an office:
            # its human "not found" page must still load nothing from outside.
            assert external_urls(response.get_data(as_text=True)) == [], url
            continue
        assert response.status_code == 200, url
        assert external_urls(response.get_data(as_text=True)) == [], url
        visited += 1
    assert visited >= 12


def test_panel_leaves_public_responses_cacheable(app, client):
    """The panel's session machinery must not add "Vary: Cookie" to widget.js, the API or /healthz."""
    from tests.admin.panel import login
    from tests.factories import create_office, create_user

    create_office("demo")
    create_user("admin@demo.test", office=None, role="superadmin")
    urls = ["/healthz", "/api/v1/offices/demo/survey?lang=pl"]
    for url in urls:
        assert "cookie" not in {v.lower() for v in client.get(url).vary}, url
    login(client, "admin@demo.test")  # with a panel session cookie in the browser too
    for url in urls:
        assert "cookie" not in {v.lower() for v in client.get(url).vary}, url
    assert "cookie" in {v.lower() for v in client.get("/admin/").vary}
