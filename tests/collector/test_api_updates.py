"""A response updated by its id: one click stores the overall rating, each later step replaces it.

Same office, same version, within 60 minutes of the first POST, no answer dropped: 200 "updated".
Otherwise 409 with a code saying why; an identical replay stays 200 "duplicate" at any time.
"""

from __future__ import annotations

import json
import re
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
    valid_answers,
    valid_payload,
)

CYRILLIC = re.compile("[\u0400-\u04ff]")

FOLLOW_UP = {
    "key": "low_reason",
    "type": "multi",
    "required": True,
    "texts": {"pl": "Co poszło nie tak?"},
    "options": [
        {"key": "czas", "texts": {"pl": "Czas oczekiwania"}},
        {"key": "inne", "texts": {"pl": "Inne"}},
    ],
    "show_if": {"question": "overall", "min": 1, "max": 2},
}


def stored(response_id: str) -> Response:
    db.session.expire_all()
    response = db.session.get(Response, uuid.UUID(response_id))
    assert response is not None
    return response


def stored_answers(response_id: str) -> dict:
    """Return question key -> value / option / text (a list for several rows) as stored."""
    rows = db.session.execute(
        sa.select(Answer.question_key, Answer.value, Answer.option_key, Answer.text)
        .where(Answer.response_id == uuid.UUID(response_id))
        .order_by(Answer.question_key, Answer.option_key)
    ).all()
    result: dict = {}
    for key, value, option, text in rows:
        item = value if value is not None else option if option is not None else text
        result.setdefault(key, []).append(item)
    return {key: items[0] if len(items) == 1 else items for key, items in result.items()}


def one_click(office, **overrides):
    """Return the widget's first POST: the overall rating alone, not completed."""
    return valid_payload(office, **{"answers": {"overall": 4}, "completed": False, **overrides})


def test_one_click_is_stored_at_once_and_each_step_updates_it(client):
    office = create_office()
    first = one_click(office)

    created = post_response(client, payload=first)
    assert created.status_code == 201
    assert created.get_json() == {"id": first["id"], "status": "created"}
    assert stored(first["id"]).completed is False
    submitted_at = stored(first["id"]).submitted_at

    step = {**first, "answers": {"overall": 4, "department": "usc", "service_waiting": 2}}
    updated = post_response(client, payload=step)
    assert updated.status_code == 200
    assert updated.get_json() == {"id": first["id"], "status": "updated"}

    last = {**first, "answers": valid_answers(), "completed": True}
    assert post_response(client, payload=last).get_json()["status"] == "updated"

    response = stored(first["id"])
    assert response.completed is True
    assert response.updated_at is not None and response.updated_at >= submitted_at
    assert response.submitted_at == submitted_at  # counts from the first click
    assert response.department_key == "komunikacja"
    assert stored_answers(first["id"])["overall"] == 4
    assert stored_answers(first["id"])["comment"] == valid_answers()["comment"]
    assert count(Response) == 1
    assert count(Answer) == 6  # the step's rows were replaced, not added to
    times = db.session.scalars(sa.select(Answer.submitted_at).distinct()).all()
    assert times == [submitted_at]


def test_a_changed_rating_is_an_update(client):
    office = create_office()
    payload = valid_payload(office)
    post_response(client, payload=payload)

    response = post_response(
        client, payload={**payload, "answers": valid_answers() | {"overall": 1}}
    )

    assert (response.status_code, response.get_json()["status"]) == (200, "updated")
    assert stored_answers(payload["id"])["overall"] == 1


def test_an_identical_replay_stays_a_duplicate_with_the_same_body(client):
    office = create_office()
    payload = one_click(office)
    post_response(client, payload=payload)

    again = post_response(client, payload=payload, content_type="text/plain")

    assert again.status_code == 200
    assert again.get_json() == {"id": payload["id"], "status": "duplicate"}
    assert stored(payload["id"]).updated_at is None


def test_a_finished_response_never_goes_back_to_unfinished(client):
    office = create_office()
    payload = valid_payload(office)  # no "completed": an old client's whole form counts as complete
    post_response(client, payload=payload)
    assert stored(payload["id"]).completed is True

    late_retry = post_response(client, payload={**payload, "completed": False})

    assert late_retry.get_json()["status"] == "duplicate"
    assert stored(payload["id"]).completed is True


def test_reaching_the_end_without_new_answers_is_an_update(client):
    office = create_office()
    payload = valid_payload(office, completed=False)
    post_response(client, payload=payload)

    response = post_response(client, payload={**payload, "completed": True})

    assert response.get_json()["status"] == "updated"
    assert stored(payload["id"]).completed is True


def test_a_partial_response_need_not_answer_required_questions_but_a_complete_one_must(client):
    office = create_office()

    partial = post_response(client, payload=one_click(office))
    complete = post_response(client, payload=one_click(office, completed=True))

    assert partial.status_code == 201
    assert complete.status_code == 400
    assert "department" in complete.get_json()["field_codes"]


def test_an_update_is_checked_like_a_new_response(client):
    office = create_office()
    payload = one_click(office)
    post_response(client, payload=payload)

    response = post_response(client, payload={**payload, "answers": {"overall": 9}})

    assert response.status_code == 400
    assert response.get_json()["field_codes"] == {"overall": "out_of_range"}
    assert stored_answers(payload["id"]) == {"overall": 4}


def outside_the_window(office, payload):
    db.session.execute(
        sa.update(Response)
        .where(Response.id == uuid.UUID(payload["id"]))
        .values(submitted_at=utcnow() - timedelta(minutes=61))
    )
    db.session.commit()
    return {"payload": {**payload, "answers": {"overall": 2}}}


def inside_the_window(office, payload):
    db.session.execute(
        sa.update(Response)
        .where(Response.id == uuid.UUID(payload["id"]))
        .values(submitted_at=utcnow() - timedelta(minutes=59))
    )
    db.session.commit()
    return {"payload": {**payload, "answers": {"overall": 2}}}


def at_another_office(office, payload):
    other = create_office("inne", "Urząd Gminy Inne", origins=("http://inne.test",))
    return {
        "slug": "inne",
        "origin": "http://inne.test",
        "payload": valid_payload(other, id=payload["id"], answers={"overall": 4}, completed=False),
    }


def to_another_version(office, payload):
    create_version(office)  # version 2 published now; version 1 is still accepted for 24 hours
    return {"payload": {**payload, "version": 2}}


def dropping_an_answer(office, payload):
    return {"payload": {**payload, "answers": {"department": "usc", "comment": "Sprawnie."}}}


def blanking_an_answer(office, payload):
    return {"payload": {**payload, "answers": {"overall": 4, "comment": "   "}}}


def through_another_channel(office, payload):
    return {"payload": {**payload, "channel": "page", "answers": {"overall": 5}}}


def with_a_conditional_answer_while_hidden(office, payload):
    create_version(office, add=(FOLLOW_UP,))
    return {"payload": {**payload, "version": 2, "answers": {"overall": 4, "low_reason": ["czas"]}}}


# (name, what happens between the first POST and the second, status, code, question, Polish text)
UPDATE_CASES = [
    (
        "after the 60-minute window",
        outside_the_window,
        409,
        "update_window_closed",
        None,
        "przez 60 minut",
    ),
    ("another office", at_another_office, 409, "update_other_office", None, "innym urzędzie"),
    ("another version", to_another_version, 409, "update_other_version", None, "innej wersji"),
    ("an answer dropped", dropping_an_answer, 409, "update_drops_answer", "overall", "usunąć"),
    ("an answer blanked", blanking_an_answer, 409, "update_drops_answer", "comment", "usunąć"),
    ("another channel", through_another_channel, 409, "conflict", None, "inną treścią"),
]


@pytest.mark.parametrize(
    ("change", "status", "code", "question", "polish"),
    [case[1:] for case in UPDATE_CASES],
    ids=[case[0] for case in UPDATE_CASES],
)
def test_a_refused_update_says_why_and_changes_nothing(
    client, change, status, code, question, polish
):
    office = create_office()
    first = valid_payload(office, answers={"overall": 4, "comment": "Sprawnie."}, completed=False)
    assert post_response(client, payload=first).status_code == 201
    before = stored_answers(first["id"])

    response = post_response(client, **change(office, first))

    assert response.status_code == status
    error = response.get_json()
    assert error["error"] == code
    assert polish in error["message"]
    assert error["message_en"] and CYRILLIC.search(error["message_uk"])
    if question is not None:
        assert error["field_codes"] == {question: "answer_dropped"}
        assert "usunięta" in error["fields"][question]
        assert CYRILLIC.search(error["fields_uk"][question])
    assert stored_answers(first["id"]) == before
    assert stored(first["id"]).updated_at is None
    assert count(Response) == 1


def test_an_update_59_minutes_after_the_first_post_is_accepted(client):
    office = create_office()
    first = one_click(office)
    post_response(client, payload=first)

    response = post_response(client, **inside_the_window(office, first))

    assert (response.status_code, response.get_json()["status"]) == (200, "updated")


def test_an_identical_replay_after_the_window_is_still_a_duplicate(client):
    office = create_office()
    first = one_click(office)
    post_response(client, payload=first)
    outside_the_window(office, first)

    response = post_response(client, payload=first)

    assert (response.status_code, response.get_json()["status"]) == (200, "duplicate")


def test_a_conditional_answer_goes_when_its_condition_becomes_false(client):
    office = create_office()
    create_version(office, add=(FOLLOW_UP,))
    low = valid_payload(
        office, version=2, answers={"overall": 1, "low_reason": ["czas", "inne"]}, completed=False
    )
    assert post_response(client, payload=low).status_code == 201

    kept = post_response(client, payload={**low, "answers": {"overall": 4, "low_reason": ["czas"]}})
    assert kept.status_code == 400
    assert kept.get_json()["field_codes"] == {"low_reason": "condition_not_met"}

    changed = post_response(client, payload={**low, "answers": {"overall": 4}})
    assert (changed.status_code, changed.get_json()["status"]) == (200, "updated")
    assert stored_answers(low["id"]) == {"overall": 4}


def test_a_conditional_answer_cannot_be_dropped_while_its_condition_holds(client):
    office = create_office()
    create_version(office, add=(FOLLOW_UP,))
    low = valid_payload(
        office, version=2, answers={"overall": 2, "low_reason": ["czas"]}, completed=False
    )
    post_response(client, payload=low)

    response = post_response(client, payload={**low, "answers": {"overall": 1}})

    assert response.status_code == 409
    assert response.get_json()["field_codes"] == {"low_reason": "answer_dropped"}


def test_a_paper_entry_is_never_updated_through_the_api(client):
    office = create_office()
    payload = valid_payload(office, channel="page", answers={"overall": 4}, completed=False)
    post_response(client, payload=payload, origin="http://collector.test")
    db.session.execute(sa.update(Response).values(channel="paper", entered_by_id=None))
    db.session.commit()

    response = post_response(client, payload={**payload, "channel": "widget"})

    assert (response.status_code, response.get_json()["error"]) == (409, "conflict")


@pytest.mark.parametrize("completed", ["true", 1, None, "yes"])
def test_completed_must_be_a_boolean(client, completed):
    office = create_office()

    response = post_response(client, payload=valid_payload(office, completed=completed))

    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_completed"
    assert count(Response) == 0


def test_twenty_concurrent_updates_of_one_id_leave_one_consistent_response(app):
    office = create_office()
    base = valid_payload(office, completed=False)
    bodies = [
        {
            **base,
            "answers": {**valid_answers(), "overall": 1 + n % 5, "comment": f"Odpowiedź {n}"},
            "completed": n % 2 == 0,
        }
        for n in range(20)
    ]
    db.session.remove()  # the threads use their own sessions
    start = threading.Barrier(20)
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    def submit(body):
        client = app.test_client()
        start.wait()
        response = post_response(client, payload=body)
        with lock:
            results.append((response.status_code, response.get_json().get("status", "")))

    threads = [threading.Thread(target=submit, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] * 19 + [201], results
    assert {kind for status, kind in results if status == 200} <= {"updated", "duplicate"}
    assert count(Response) == 1
    answers = stored_answers(base["id"])
    winner = next(b for b in bodies if b["answers"]["comment"] == answers["comment"])
    assert answers["overall"] == winner["answers"]["overall"]
    assert count(Answer) == 6  # one body's rows, not a mix or a sum
    assert stored(base["id"]).completed is True  # some body reached the end, and it stays


def test_the_update_body_is_json_with_no_rate_limit_headers(client):
    office = create_office()
    payload = one_click(office)
    post_response(client, payload=payload)

    response = post_response(client, payload={**payload, "answers": {"overall": 5}})

    assert response.mimetype == "application/json"
    assert json.loads(response.data) == {"id": payload["id"], "status": "updated"}
    assert "Retry-After" not in response.headers
