"""The responses endpoint is rate limited per client address, with a JSON 429."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from tests.factories import create_office, post_response, valid_payload


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "RESPONSES_RATE_LIMIT": "2 per minute"}


def test_too_many_responses_from_one_address_get_a_json_429(client):
    office = create_office()

    statuses = [post_response(client, payload=valid_payload(office)).status_code for _ in range(2)]
    limited = post_response(client, payload=valid_payload(office))
    other_address = post_response(
        client, payload=valid_payload(office), environ_base={"REMOTE_ADDR": "192.0.2.10"}
    )

    assert statuses == [201, 201]
    assert limited.status_code == 429
    assert limited.mimetype == "application/json"
    assert limited.get_json()["error"] == "rate_limited"
    assert "Za dużo zgłoszeń" in limited.get_json()["message"]
    assert int(limited.headers["Retry-After"]) > 0
    assert (
        limited.headers["Access-Control-Allow-Origin"] == "http://demo.test"
    )  # the widget can tell why
    assert other_address.status_code == 201


def test_reading_the_survey_is_not_limited(client):
    create_office()

    assert {client.get("/api/v1/offices/demo/survey").status_code for _ in range(5)} == {200}


def test_a_forged_forwarded_address_does_not_dodge_the_limit(client):
    office = create_office()

    statuses = [
        post_response(
            client, payload=valid_payload(office), headers={"X-Forwarded-For": f"198.51.100.{n}"}
        ).status_code
        for n in range(3)
    ]

    assert statuses == [201, 201, 429]


class TestBehindAReverseProxy:
    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_ENABLED": True, "RESPONSES_RATE_LIMIT": "2 per minute", "PROXY_COUNT": 1}

    def test_each_resident_behind_the_proxy_has_their_own_limit(self, client):
        office = create_office()

        def post_from(address):
            return post_response(
                client, payload=valid_payload(office), headers={"X-Forwarded-For": address}
            ).status_code

        assert [post_from("198.51.100.1") for _ in range(3)] == [201, 201, 429]
        assert post_from("198.51.100.2") == 201


def test_a_burst_of_429s_leaves_no_address_in_the_logs(client, caplog):
    office = create_office()
    resident = "198.51.100.23"
    with caplog.at_level(logging.DEBUG):
        statuses = [
            post_response(
                client, payload=valid_payload(office), environ_base={"REMOTE_ADDR": resident}
            ).status_code
            for _ in range(6)
        ]

    assert statuses.count(429) == 4
    assert any("ratelimit" in record.getMessage() for record in caplog.records)  # still logged
    assert not [r.getMessage() for r in caplog.records if resident in r.getMessage()]


def test_retry_after_is_sent_only_with_a_429(client):
    office = create_office()

    created = post_response(client, payload=valid_payload(office))
    post_response(client, payload=valid_payload(office))
    limited = post_response(client, payload=valid_payload(office))

    assert created.status_code == 201 and "Retry-After" not in created.headers
    assert not [name for name in created.headers.keys() if name.lower().startswith("x-ratelimit")]
    assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 60


def test_a_503_keeps_its_own_retry_after_with_the_limiter_on(client, monkeypatch):
    from collector import api

    office = create_office()
    payload = valid_payload(office)

    def fail(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(api, "get_office_context", fail)
    response = post_response(client, payload=payload)

    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
