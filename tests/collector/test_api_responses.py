"""POST /api/v1/offices/<slug>/responses: storing, idempotency, privacy, origins, failures."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Answer, Response, utcnow
from tests.factories import (
    count,
    create_office,
    create_version,
    post_response,
    published_version,
    valid_payload,
)


def stored_answers(response_id) -> dict:
    """Return question key -> what is stored for it (value, option keys or text)."""
    rows = db.session.scalars(sa.select(Answer).where(Answer.response_id == response_id)).all()
    result: dict = {}
    for row in rows:
        stored = (
            row.value
            if row.value is not None
            else row.option_key
            if row.option_key is not None
            else row.text
        )
        result.setdefault(row.question_key, []).append(stored)
    return {key: sorted(values) if len(values) > 1 else values[0] for key, values in result.items()}


def test_a_valid_response_is_stored_with_one_row_per_answer_and_option(client):
    office = create_office()
    payload = valid_payload(office)

    response = post_response(client, payload=payload)

    assert response.status_code == 201
    assert response.get_json() == {"id": payload["id"], "status": "created"}
    stored = db.session.get(Response, uuid.UUID(payload["id"]))
    assert (stored.office_id, stored.version_id) == (office.id, published_version(office).id)
    assert (stored.channel, stored.lang, stored.department_key) == ("widget", "pl", "komunikacja")
    assert len(stored.content_hash) == 64
    assert stored_answers(stored.id) == {
        "department": "komunikacja",
        "resolved": "tak",
        "service_politeness": 5,
        "service_waiting": "na",  # "nie dotyczy"
        "overall": 4,
        "comment": "Długo czekałem, ale pani była miła. Zażółć gęślą jaźń.",
    }
    assert stored.completed is True  # no "completed" in the body: a whole form, complete
    for answer in stored.answers:  # copied from the response, for the report queries
        assert (
            answer.office_id,
            answer.version_id,
            answer.submitted_at,
            answer.department_key,
        ) == (stored.office_id, stored.version_id, stored.submitted_at, "komunikacja")
    assert abs(stored.submitted_at - utcnow()) < timedelta(minutes=1)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain;charset=UTF-8", "application/json; charset=utf-8"]
)
def test_a_json_body_is_accepted_as_text_plain_too(client, content_type):
    # text/plain keeps the widget's cross-origin POST a "simple request": no preflight.
    office = create_office()

    response = post_response(client, payload=valid_payload(office), content_type=content_type)

    assert response.status_code == 201
    assert count(Response) == 1


def test_only_required_answers_are_enough_and_blank_text_counts_as_unanswered(client):
    office = create_office()
    payload = valid_payload(
        office,
        lang="uk",
        channel="qr",
        answers={"department": "other", "overall": 1, "comment": "  \r\n ", "what_went_wrong": []},
    )

    assert post_response(client, payload=payload).status_code == 201

    stored = db.session.get(Response, uuid.UUID(payload["id"]))
    assert (stored.lang, stored.channel, stored.department_key) == ("uk", "qr", "other")
    assert stored_answers(stored.id) == {"department": "other", "overall": 1}


def test_text_is_trimmed_and_keeps_new_lines_and_polish_letters(client):
    office = create_office()
    payload = valid_payload(office)
    payload["answers"]["comment"] = "  Pierwsza linia\r\n\tdruga: żółć ąę — «уклін»  "

    assert post_response(client, payload=payload).status_code == 201

    assert (
        stored_answers(uuid.UUID(payload["id"]))["comment"]
        == "Pierwsza linia\n\tdruga: żółć ąę — «уклін»"
    )


def test_text_of_exactly_the_maximum_length_is_accepted(client):
    office = create_office()
    payload = valid_payload(office)
    payload["answers"]["comment"] = "ą" * 2000

    assert post_response(client, payload=payload).status_code == 201


def test_the_collectors_own_hosted_page_may_post(client):
    office = create_office()

    response = post_response(
        client, payload=valid_payload(office, channel="page"), origin="http://collector.test"
    )

    assert response.status_code == 201


def test_the_same_id_and_content_again_is_acknowledged_once(client):
    office = create_office()
    payload = valid_payload(office)

    first = post_response(client, payload=payload)
    again = post_response(client, payload=payload, content_type="text/plain")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == {"id": payload["id"], "status": "duplicate"}
    assert count(Response) == 1
    assert count(Answer) == 6


def test_the_same_id_with_other_content_through_another_channel_is_a_conflict(client):
    # Other content through the same channel is an update (tests/collector/test_api_updates.py).
    office = create_office()
    payload = valid_payload(office)
    post_response(client, payload=payload)
    changed = {**payload, "channel": "qr", "answers": {**payload["answers"], "overall": 1}}

    response = post_response(client, payload=changed)

    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"
    assert "już zapisana z inną treścią" in response.get_json()["message"]
    db.session.expire_all()
    assert stored_answers(uuid.UUID(payload["id"]))["overall"] == 4
    assert count(Response) == 1


def test_the_same_id_at_another_office_is_a_conflict(client):
    office = create_office()
    other = create_office("inne", "Urząd Gminy Inne", origins=("http://inne.test",))
    payload = valid_payload(office)
    post_response(client, payload=payload)

    response = post_response(
        client, "inne", payload=valid_payload(other, id=payload["id"]), origin="http://inne.test"
    )

    assert response.status_code == 409
    assert response.get_json()["error"] == "update_other_office"
    assert count(Response) == 1


def test_twenty_concurrent_replays_store_exactly_one_response(app):
    office = create_office()
    payload = valid_payload(office)
    db.session.remove()  # the threads use their own sessions
    start = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit():
        client = app.test_client()
        start.wait()
        status = post_response(client, payload=payload).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] * 19 + [201]
    assert count(Response) == 1
    assert count(Answer) == 6


def test_a_stored_response_holds_no_address_user_agent_cookie_or_other_identifier(client):
    office = create_office()
    payload = valid_payload(office)
    client.set_cookie("_ga", "GA1.2.987654321.tracker-cookie", domain="localhost")
    secrets_sent = [
        "203.0.113.77",
        "198.51.100.23",
        "SecretBrowser/9.9",
        "tracker-cookie",
        "session-cookie-42",
        "https://referrer.example/page",
        "fingerprint-abc",
    ]

    response = post_response(
        client,
        payload=payload,
        headers={
            "User-Agent": "Mozilla/5.0 SecretBrowser/9.9",
            "X-Forwarded-For": "198.51.100.23",
            "Cookie": "sid=session-cookie-42",
            "Referer": "https://referrer.example/page",
            "X-Device-Id": "fingerprint-abc",
            "Accept-Language": "pl-PL",
        },
        environ_base={"REMOTE_ADDR": "203.0.113.77"},
    )
    assert response.status_code == 201

    # Every column of the response and its answers, read from the tables themselves.
    response_rows = db.session.execute(sa.select(Response.__table__)).mappings().all()
    answer_rows = db.session.execute(sa.select(Answer.__table__)).mappings().all()
    assert set(response_rows[0]) == {
        "id",
        "office_id",
        "version_id",
        "submitted_at",
        "channel",
        "lang",
        "department_key",
        "content_hash",
        "entered_by_id",
        "completed",
        "updated_at",
        "missing_answers",  # a paper entry with blanks: a flag, not an identifier
    }
    assert set(answer_rows[0]) == {
        "id",
        "response_id",
        "office_id",
        "version_id",
        "submitted_at",
        "department_key",
        "question_key",
        "value",
        "option_key",
        "text",
        "hidden",
        # The staff's work on a comment (inbox status, who hid it, when, why): nothing of the resident.
        "status",
        "hidden_reason",
        "hidden_by_id",
        "hidden_at",
    }
    stored_values = [str(value) for row in [*response_rows, *answer_rows] for value in row.values()]
    for secret in secrets_sent:
        assert not any(secret in value for value in stored_values), secret
    assert not any("127.0.0.1" in value or "localhost" in value for value in stored_values)
    assert response_rows[0]["id"] == uuid.UUID(
        payload["id"]
    )  # the only id is the client's random UUID
    assert response_rows[0]["entered_by_id"] is None
    # Nothing is set in the visitor's browser either.
    assert "Set-Cookie" not in response.headers


def test_a_retired_version_is_accepted_for_24_hours(client):
    office = create_office()
    create_version(office, retire_current_at=utcnow() - timedelta(hours=23))

    response = post_response(client, payload=valid_payload(office, version=1))

    assert response.status_code == 201
    assert db.session.scalar(sa.select(Response.version_id)) == published_version(office).id - 1


def test_a_retired_version_is_refused_after_24_hours(client):
    office = create_office()
    create_version(office, retire_current_at=utcnow() - timedelta(hours=24, minutes=1))

    response = post_response(client, payload=valid_payload(office, version=1))

    assert response.status_code == 400
    assert response.get_json()["error"] == "version_retired"
    assert post_response(client, payload=valid_payload(office, version=2)).status_code == 201


@pytest.fixture
def failing_commits(monkeypatch):
    """Make every later commit fail in the database, after the rows were written; give a payload."""
    payload = valid_payload(create_office())
    db.session.remove()
    if db.engine.dialect.name == "postgresql":
        # A deferred constraint trigger runs at COMMIT: the rows are in, then the commit fails.
        statements = [
            "DROP TRIGGER IF EXISTS ocen_test_fail_commit ON answer",
            "CREATE OR REPLACE FUNCTION ocen_test_fail_commit() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'could not write to disk (simulated)' USING ERRCODE = '53100'; END $$",
            "CREATE CONSTRAINT TRIGGER ocen_test_fail_commit AFTER INSERT ON answer DEFERRABLE INITIALLY DEFERRED "
            "FOR EACH ROW EXECUTE FUNCTION ocen_test_fail_commit()",
        ]
        with db.engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
        yield payload
        db.session.remove()  # the test's reads hold a lock that DROP TRIGGER waits for
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP TRIGGER ocen_test_fail_commit ON answer"))
            conn.execute(sa.text("DROP FUNCTION ocen_test_fail_commit()"))
        return
    import sqlite3

    from collector import storage

    def failing_commit(connection):
        connection.cursor().execute("SELECT 1")  # the rows are written in this transaction
        raise sqlite3.OperationalError("disk I/O error (simulated)")

    monkeypatch.setattr(storage, "commit", failing_commit)
    yield payload
    monkeypatch.undo()


def test_a_failed_commit_answers_503_and_stores_nothing(client, failing_commits):
    response = post_response(client, payload=failing_commits)

    assert response.status_code == 503
    assert response.get_json()["error"] == "unavailable"
    assert "Prosimy spróbować ponownie" in response.get_json()["message"]
    db.session.remove()
    assert count(Response) == 0
    assert count(Answer) == 0


def test_a_failure_while_writing_the_answers_leaves_no_response_behind(client, monkeypatch):
    office = create_office()
    from collector import storage

    real_answer_rows = storage.answer_rows

    def broken_rows(*args, **kwargs):
        rows = real_answer_rows(*args, **kwargs)
        rows[-1]["question_key"] = None  # violates NOT NULL after the response row is written
        return rows

    monkeypatch.setattr(storage, "answer_rows", broken_rows)
    response = post_response(client, payload=valid_payload(office))

    assert response.status_code == 503
    db.session.remove()
    assert count(Response) == 0
    assert count(Answer) == 0


def test_an_unexpected_error_is_json_500(client, monkeypatch):
    office = create_office()
    from collector import api

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "validate_submission", explode)
    response = post_response(client, payload=valid_payload(office))

    assert response.status_code == 500
    assert response.get_json()["error"] == "internal_error"
    assert "boom" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/offices/demo/responses", 405, "method_not_allowed"),
        ("PUT", "/api/v1/offices/demo/responses", 405, "method_not_allowed"),
        ("DELETE", "/api/v1/offices/demo/survey", 405, "method_not_allowed"),
        ("GET", "/api/v1/no-such-thing", 404, "not_found"),
        ("POST", "/api/v1/offices/demo/responses/extra", 404, "not_found"),
        ("GET", "/api/v2/offices/demo/survey", 404, "not_found"),
    ],
)
def test_every_api_error_is_json_never_html(client, method, path, status, code):
    create_office()

    response = client.open(path, method=method, headers={"Origin": "http://demo.test"})

    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.get_json()["error"] == code
    assert response.get_json()["message"]
    if status == 405:
        assert response.headers["Allow"]
