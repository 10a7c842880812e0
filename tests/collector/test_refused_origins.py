"""Refused origins are counted per office and day (the origin only), and the survey tells the widget
whether its page may post before the resident answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import RefusedOrigin
from collector.operations import origins
from collector.operations.origins import get_refused_origins
from tests.factories import RESPONSES_URL, create_office, post_response, valid_payload

SURVEY_URL = "/api/v1/offices/demo/survey"


def refused() -> list[tuple[str, int]]:
    db.session.expire_all()
    return [
        (row.origin, row.count)
        for row in db.session.scalars(sa.select(RefusedOrigin).order_by(RefusedOrigin.origin))
    ]


def preflight(client, origin, slug="demo"):
    return client.options(
        RESPONSES_URL.format(slug=slug),
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )


def test_a_refused_post_and_preflight_are_counted_for_the_office_and_day(client):
    office = create_office()

    first = post_response(client, payload=valid_payload(office), origin="https://www.demo.test")
    second = post_response(client, payload=valid_payload(office), origin="https://www.demo.test")
    check = preflight(client, "https://www.demo.test")

    assert (first.status_code, second.status_code, check.status_code) == (403, 403, 403)
    assert first.get_json()["error"] == "origin_not_allowed"
    assert refused() == [("https://www.demo.test", 3)]
    row = db.session.scalar(sa.select(RefusedOrigin))
    assert (row.office_id, row.day) == (office.id, datetime.now(UTC).date())


def test_the_origin_is_counted_as_browsers_send_it_normalized(client):
    office = create_office()

    post_response(client, payload=valid_payload(office), origin="HTTPS://WWW.Demo.TEST:443")
    post_response(client, payload=valid_payload(office), origin="https://www.demo.test")

    assert refused() == [("https://www.demo.test", 2)]


@pytest.mark.parametrize(
    "origin",
    [
        "null",
        "file://",
        "chrome-extension://abcdefghijklmnop",
        "https://www.demo.test/path",
        "https://user@www.demo.test",
        "https://" + "a" * 60 + "." + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".pl",
        "https://" + "x" * 5000 + ".pl",
        "https://bad host.pl",
    ],
    ids=[
        "null",
        "file",
        "extension",
        "path",
        "credentials",
        "over 200 characters",
        "huge",
        "space",
    ],
)
def test_what_is_not_a_web_origin_is_refused_but_not_counted(client, origin):
    office = create_office()

    response = post_response(client, payload=valid_payload(office), origin=origin)

    assert response.status_code == 403
    assert refused() == []


def test_allowed_missing_and_unknown_office_origins_are_not_counted(client):
    office = create_office()

    assert post_response(client, payload=valid_payload(office)).status_code == 201
    assert post_response(client, payload=valid_payload(office), origin=None).status_code == 403
    unknown = post_response(
        client, "nieznany", payload=valid_payload(office), origin="https://www.demo.test"
    )
    assert unknown.status_code == 404
    assert refused() == []


def test_a_database_error_while_counting_keeps_the_403(client, monkeypatch):
    office = create_office()

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT INTO refused_origin", {}, Exception("disk full"))

    monkeypatch.setattr(origins, "sqlite_insert", broken)
    monkeypatch.setattr(origins, "pg_insert", broken)

    response = post_response(client, payload=valid_payload(office), origin="https://www.demo.test")

    assert response.status_code == 403
    assert response.get_json()["error"] == "origin_not_allowed"
    assert refused() == []


def test_the_panel_reads_the_last_seven_days_summed_most_refused_first(app):
    office = create_office()
    other = create_office("inne", "Urząd Gminy Inne", origins=("https://inne.test",))
    today = datetime.now(UTC).date()
    for day, origin, count in [
        (today, "https://www.demo.test", 2),
        (today - timedelta(days=6), "https://www.demo.test", 3),
        (today - timedelta(days=1), "https://demo.test:8443", 7),
        (today - timedelta(days=7), "https://stara.demo.test", 50),  # eight days ago: too old
    ]:
        db.session.add(RefusedOrigin(office_id=office.id, day=day, origin=origin, count=count))
    db.session.add(RefusedOrigin(office_id=other.id, day=today, origin="https://x.test", count=9))
    db.session.commit()

    assert get_refused_origins(office.id) == [
        ("https://demo.test:8443", 7),
        ("https://www.demo.test", 5),
    ]


# -- the survey says whether the page may post ---------------------------------------------------


def get_survey(client, origin=None, etag=None):
    headers = {}
    if origin:
        headers["Origin"] = origin
    if etag:
        headers["If-None-Match"] = etag
    return client.get(SURVEY_URL, headers=headers)


def test_the_survey_says_whether_the_asking_page_may_post(client):
    create_office()

    allowed = get_survey(client, "http://demo.test")
    refused_page = get_survey(client, "https://www.demo.test")
    plain = get_survey(client)

    assert allowed.get_json()["origin_allowed"] is True
    assert refused_page.get_json()["origin_allowed"] is False
    assert "origin_allowed" not in plain.get_json()
    assert len({allowed.headers["ETag"], refused_page.headers["ETag"], plain.headers["ETag"]}) == 3
    for response in (allowed, refused_page, plain):
        assert "Origin" in response.headers["Vary"]
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert refused() == []  # reading the survey is not a refusal


def test_each_answer_has_its_own_304(client):
    create_office()
    allowed = get_survey(client, "http://demo.test")
    refused_page = get_survey(client, "https://www.demo.test")

    assert get_survey(client, "http://demo.test", allowed.headers["ETag"]).status_code == 304
    assert get_survey(client, "https://www.demo.test", allowed.headers["ETag"]).status_code == 200
    again = get_survey(client, "https://www.demo.test", refused_page.headers["ETag"])
    assert again.status_code == 304 and "Origin" in again.headers["Vary"]


def test_the_304_with_an_origin_reads_nothing_from_the_database(client):
    create_office()
    first = get_survey(client, "https://www.demo.test")
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = get_survey(client, "https://www.demo.test", first.headers["ETag"])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)

    assert response.status_code == 304
    assert statements == []
