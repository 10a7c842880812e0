"""Origins and CORS on the responses endpoint: only the office's own sites (and the hosted page)."""

from __future__ import annotations

import pytest

from tests.factories import RESPONSES_URL, create_office, post_response, valid_payload

URL = RESPONSES_URL.format(slug="demo")


def preflight(client, origin, slug="demo"):
    return client.options(
        RESPONSES_URL.format(slug=slug),
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


@pytest.mark.parametrize(
    "origin", ["http://demo.test", "http://DEMO.test:80", "http://collector.test"]
)
def test_the_preflight_allows_the_offices_own_origins(client, origin):
    create_office()

    response = preflight(client, origin)

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "null",
        "http://demo.test.evil.example",
        "http://demo.test:8080",
        "javascript:alert(1)",
    ],
)
def test_the_preflight_refuses_other_origins_without_cors_headers(client, origin):
    create_office()

    response = preflight(client, origin)

    assert response.status_code == 403
    assert response.get_json()["error"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in response.headers


def test_the_preflight_of_an_unknown_office_is_404(client):
    create_office()

    response = preflight(client, "http://demo.test", slug="nieznany")

    assert response.status_code == 404
    assert "Access-Control-Allow-Origin" not in response.headers


def test_an_allowed_origin_can_read_the_answer_and_the_errors(client):
    office = create_office()

    stored = post_response(client, payload=valid_payload(office), content_type="text/plain")
    refused = post_response(client, payload=valid_payload(office, answers={"overall": 9}))

    for response in (stored, refused):
        assert response.headers["Access-Control-Allow-Origin"] == "http://demo.test"
        assert "Origin" in response.headers["Vary"]
    assert refused.status_code == 400


def test_another_office_s_origin_may_not_post_here(client):
    office = create_office()
    create_office("inne", "Urząd Gminy Inne", origins=("http://inne.test",))

    response = post_response(
        client, payload=valid_payload(office), origin="http://inne.test", content_type="text/plain"
    )

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
