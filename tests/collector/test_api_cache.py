"""The API's short-lived per-process cache: changes made here show at once, changes made by another
process within API_CACHE_SECONDS, and nothing is ever refused because of it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from collector import office_cache
from collector.extensions import db
from tests.factories import create_office, create_version, post_response, valid_payload

URL = "/api/v1/offices/demo/survey"


def change_behind_our_back(sql: str, **params) -> None:
    """Change the database as another collector process would: no ORM events here."""
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


@pytest.fixture
def clock(monkeypatch):
    """Let a test move the cache's clock forward."""
    now = [1000.0]
    monkeypatch.setattr(office_cache.time, "monotonic", lambda: now[0])
    return now


def test_a_change_by_another_process_shows_once_the_cache_expires(client, clock):
    create_office()
    etag = client.get(URL).headers["ETag"]
    change_behind_our_back("UPDATE office SET name = 'Urząd Miasta Nowa Nazwa' WHERE slug = 'demo'")

    clock[0] += 5
    within = client.get(URL, headers={"If-None-Match": etag})
    clock[0] += 6
    after = client.get(URL, headers={"If-None-Match": etag})

    assert within.status_code == 304
    assert after.status_code == 200
    assert after.get_json()["office"]["name"] == "Urząd Miasta Nowa Nazwa"


def test_a_change_committed_in_this_process_shows_at_once(client):
    office = create_office()
    etag = client.get(URL).headers["ETag"]

    office.look_color = "#aa0000"
    db.session.commit()

    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 200


def test_a_new_origin_added_elsewhere_is_accepted_at_once(client, clock):
    office = create_office()
    assert (
        post_response(client, payload=valid_payload(office)).status_code == 201
    )  # fills the cache
    change_behind_our_back("""UPDATE office SET allowed_origins = '["http://demo.test", "https://nowa.demo.test"]'
                              WHERE slug = 'demo'""")

    response = post_response(client, payload=valid_payload(office), origin="https://nowa.demo.test")

    assert response.status_code == 201


def test_a_new_department_added_elsewhere_is_accepted_at_once(client, clock):
    office = create_office()
    assert post_response(client, payload=valid_payload(office)).status_code == 201
    change_behind_our_back(
        "INSERT INTO department (office_id, key, name, names, position, active) "
        "VALUES (:office, 'ksiegowosc', 'Księgowość', '{}', 9, :yes)",
        office=office.id,
        yes=True,
    )
    payload = valid_payload(office)
    payload["answers"]["department"] = "ksiegowosc"

    assert post_response(client, payload=payload).status_code == 201


@pytest.mark.parametrize("app_config", [{"API_CACHE_SECONDS": 0}])
def test_the_cache_can_be_turned_off(app, client):
    create_office()
    etag = client.get(URL).headers["ETag"]
    change_behind_our_back("UPDATE office SET name = 'Inna' WHERE slug = 'demo'")

    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 200


@pytest.fixture
def as_another_process(monkeypatch):
    """Let a test commit through the ORM without this process's cache hearing of it."""
    monkeypatch.setattr(office_cache, "clear_caches", lambda app=None: None)


def test_a_version_published_elsewhere_is_accepted_at_once(client, clock, as_another_process):
    office = create_office()
    assert (
        post_response(client, payload=valid_payload(office)).status_code == 201
    )  # fills the cache
    version = create_version(office)

    response = post_response(client, payload=valid_payload(office, version=version.number))

    assert response.status_code == 201


def test_a_department_deactivated_elsewhere_is_refused_once_the_cache_expires(client, clock):
    office = create_office()
    assert post_response(client, payload=valid_payload(office)).status_code == 201
    change_behind_our_back(
        "UPDATE department SET active = :no WHERE office_id = :office AND key = 'komunikacja'",
        office=office.id,
        no=False,
    )

    clock[0] += 5
    within = post_response(client, payload=valid_payload(office))
    clock[0] += 6
    after = post_response(client, payload=valid_payload(office))

    assert within.status_code == 201
    assert after.status_code == 400
    assert after.get_json()["field_codes"] == {"department": "unknown_department"}


def test_an_origin_removed_elsewhere_is_refused_once_the_cache_expires(client, clock):
    office = create_office()
    assert post_response(client, payload=valid_payload(office)).status_code == 201
    change_behind_our_back("UPDATE office SET allowed_origins = '[]' WHERE slug = 'demo'")

    clock[0] += 5
    within = post_response(client, payload=valid_payload(office))
    clock[0] += 6
    after = post_response(client, payload=valid_payload(office))

    assert within.status_code == 201
    assert after.status_code == 403
