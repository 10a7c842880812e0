"""The survey's 304 answered before the request machinery has the full path's headers exactly."""

from __future__ import annotations

import pytest

from collector import api
from tests.factories import create_office

URL = "/api/v1/offices/demo/survey"


def headers_of(response) -> list[tuple[str, str]]:
    return sorted(response.headers.items())


@pytest.fixture
def no_full_path(monkeypatch):
    """Make the full path fail, so that a 304 can only come from the short-circuit."""

    def refuse(*args, **kwargs):
        raise AssertionError("the full request path ran")

    def switch_off():
        monkeypatch.setattr(api, "get_survey_body", refuse)

    return switch_off


@pytest.mark.parametrize(
    ("query", "origin"),
    [
        ("", None),
        ("?lang=en", None),
        ("", "http://demo.test"),
        ("?lang=uk", "https://elsewhere.test"),
    ],
    ids=["plain", "english", "allowed-origin", "refused-origin"],
)
def test_the_short_circuit_304_has_the_full_paths_headers(client, no_full_path, query, origin):
    create_office()
    extra = {"Origin": origin} if origin else {}
    etag = client.get(URL + query, headers=extra).headers["ETag"]
    full = client.get(URL + query, headers={**extra, "If-None-Match": etag})
    no_full_path()
    short = client.get(URL + query, headers={**extra, "If-None-Match": etag})

    assert full.status_code == short.status_code == 304
    assert headers_of(short) == headers_of(full)
    assert short.headers["Access-Control-Allow-Origin"] == "*"
    assert "Origin" in short.headers["Vary"]
    assert short.headers["Cache-Control"].startswith("public, max-age=")
    assert short.data == b""


def test_another_etag_or_another_origin_goes_the_full_path(client):
    create_office()
    etag = client.get(URL).headers["ETag"]
    client.get(URL, headers={"If-None-Match": etag})  # remembered

    stale = client.get(URL, headers={"If-None-Match": '"something-else"'})
    with_origin = client.get(URL, headers={"If-None-Match": etag, "Origin": "http://demo.test"})

    assert stale.status_code == 200 and stale.headers["ETag"] == etag
    assert with_origin.status_code == 200  # its document says origin_allowed: another ETag
    assert with_origin.get_json()["origin_allowed"] is True


def test_a_change_in_the_panel_ends_the_short_circuit_at_once(client):
    office = create_office()
    etag = client.get(URL).headers["ETag"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304

    from collector.extensions import db

    office.name = "Urząd Miasta Nowa Nazwa"
    db.session.commit()
    after = client.get(URL, headers={"If-None-Match": etag})

    assert after.status_code == 200
    assert after.get_json()["office"]["name"] == "Urząd Miasta Nowa Nazwa"


def test_an_unknown_office_is_never_short_circuited(client):
    create_office()
    response = client.get("/api/v1/offices/nowhere/survey", headers={"If-None-Match": '"x"'})
    assert response.status_code == 404
    assert response.get_json()["error"] == "office_not_found"
