"""Bad, hostile and oversized responses: each is refused with its status, code and Polish message, and
nothing is stored."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Answer, Department, Response
from tests.factories import (
    count,
    create_office,
    create_version,
    low_score_answers,
    post_response,
    published_version,
    valid_answers,
    valid_payload,
)

CYRILLIC = re.compile("[\u0400-\u04ff]")

PARKING = {
    "key": "parking",
    "type": "single",
    "required": False,
    "texts": {"pl": "Czy był parking?"},
    "options": [{"key": "tak", "texts": {"pl": "Tak"}}, {"key": "nie", "texts": {"pl": "Nie"}}],
}


def answers(**changes):
    """Return the valid answers with ``changes``; a value of ... removes the question."""
    result = valid_answers()
    for key, value in changes.items():
        if value is ...:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def low(**changes):
    """Return complete answers with an overall 2 (the follow-up shown) and ``changes``."""
    return {**low_score_answers(), **changes}


def picky_follow_up(office):
    """Allow at most 2 picks in the follow-up (version 2), then pick 3."""
    from collector.models import Question

    create_version(office)
    db.session.execute(
        sa.update(Question)
        .where(Question.version_id == published_version(office).id)
        .where(Question.key == "what_went_wrong")
        .values(max_picks=2)
    )
    db.session.commit()
    return body(office, version=2, answers=low(what_went_wrong=["czas", "inne", "warunki"]))


def body(office, **overrides):
    return {"payload": valid_payload(office, **overrides)}


def raw(text):
    return lambda office: {"body": text}


def deactivate_usc(office):
    db.session.execute(
        sa.update(Department)
        .where(Department.office_id == office.id, Department.key == "usc")
        .values(active=False)
    )
    db.session.commit()
    return body(office, answers=answers(department="usc"))


def other_offices_version(office):
    other = create_office("inne", "Urząd Gminy Inne", origins=("http://inne.test",))
    create_version(other)  # "inne" has version 2, "demo" has only version 1
    return body(office, version=2)


def draft_version(office):
    create_version(office, status="draft")
    return body(office, version=2)


def retired_long_ago(office):
    from datetime import timedelta

    from collector.models import utcnow

    create_version(office, retire_current_at=utcnow() - timedelta(hours=25))
    return body(office, version=1)


def question_of_another_version(office):
    create_version(
        office, add=(PARKING,)
    )  # version 2 asks "parking"; version 1 (in its grace) did not
    return body(office, version=1, answers=answers(parking="tak"))


def nested(depth):
    return "[" * depth + "]" * depth


# (name, request builder, status, error code, question key or None, Polish text expected)
CASES = [
    (
        "malformed JSON",
        raw('{"id": "abc", '),
        400,
        "invalid_json",
        None,
        "nie jest poprawnym dokumentem JSON",
    ),
    ("empty body", raw(""), 400, "invalid_json", None, "nie jest poprawnym dokumentem JSON"),
    ("JSON array", raw("[1, 2, 3]"), 400, "not_an_object", None, "musi być obiektem JSON"),
    ("JSON string", raw('"Oceń Urząd"'), 400, "not_an_object", None, "musi być obiektem JSON"),
    ("JSON null", raw("null"), 400, "not_an_object", None, "musi być obiektem JSON"),
    (
        "form-encoded body",
        lambda o: {**body(o), "content_type": "application/x-www-form-urlencoded"},
        415,
        "unsupported_media_type",
        None,
        "Odpowiedź należy wysłać jako JSON",
    ),
    (
        "XML body",
        lambda o: {"body": "<answers/>", "content_type": "application/xml"},
        415,
        "unsupported_media_type",
        None,
        "Odpowiedź należy wysłać jako JSON",
    ),
    (
        "body over 16 KB",
        lambda o: body(o, answers=answers(comment="ż" * 9000)),
        413,
        "too_large",
        None,
        "za duże",
    ),
    (
        "unknown office",
        lambda o: {**body(o), "slug": "nieistniejacy"},
        404,
        "office_not_found",
        None,
        "Nie znaleziono urzędu",
    ),
    (
        "unknown version",
        lambda o: body(o, version=7),
        400,
        "unknown_version",
        None,
        "Ta wersja ankiety nie istnieje",
    ),
    (
        "another office's version",
        other_offices_version,
        400,
        "unknown_version",
        None,
        "Ta wersja ankiety nie istnieje",
    ),
    (
        "draft version",
        draft_version,
        400,
        "unknown_version",
        None,
        "Ta wersja ankiety nie istnieje",
    ),
    (
        "version retired over 24 h ago",
        retired_long_ago,
        400,
        "version_retired",
        None,
        "Ankieta została zmieniona",
    ),
    (
        "version as a string",
        lambda o: body(o, version="1"),
        400,
        "invalid_version",
        None,
        "numer wersji",
    ),
    (
        "version past 32 bits",
        lambda o: body(o, version=10**20),
        400,
        "invalid_version",
        None,
        "numer wersji",
    ),
    (
        "missing id",
        lambda o: {"payload": {k: v for k, v in valid_payload(o).items() if k != "id"}},
        400,
        "invalid_id",
        None,
        "formacie UUID",
    ),
    ("malformed id", lambda o: body(o, id="1234-abcd"), 400, "invalid_id", None, "formacie UUID"),
    (
        "nil UUID",
        lambda o: body(o, id=str(uuid.UUID(int=0))),
        400,
        "invalid_id",
        None,
        "formacie UUID",
    ),
    ("id as a number", lambda o: body(o, id=12345), 400, "invalid_id", None, "formacie UUID"),
    (
        "rating 0",
        lambda o: body(o, answers=answers(overall=0)),
        400,
        "invalid_answers_content",
        "overall",
        "od 1 do 5",
    ),
    (
        "rating 6",
        lambda o: body(o, answers=answers(service_politeness=6)),
        400,
        "invalid_answers_content",
        "service_politeness",
        "od 1 do 5",
    ),
    (
        "rating as a string",
        lambda o: body(o, answers=answers(overall="5")),
        400,
        "invalid_answers_content",
        "overall",
        "Prosimy wybrać ocenę od 1 do 5",
    ),
    (
        "rating 5.5",
        lambda o: body(o, answers=answers(overall=5.5)),
        400,
        "invalid_answers_content",
        "overall",
        "Prosimy wybrać ocenę od 1 do 5",
    ),
    (
        "rating true",
        lambda o: body(o, answers=answers(overall=True)),
        400,
        "invalid_answers_content",
        "overall",
        "Prosimy wybrać ocenę od 1 do 5",
    ),
    (
        "rating null",
        lambda o: body(o, answers=answers(service_waiting=None)),
        400,
        "invalid_answers_content",
        "service_waiting",
        "Prosimy wybrać ocenę od 1 do 5",
    ),
    (
        "huge rating",
        lambda o: body(o, answers=answers(overall=10**30)),
        400,
        "invalid_answers_content",
        "overall",
        "od 1 do 5",
    ),
    (
        "nie dotyczy where not offered",
        lambda o: body(o, answers=answers(overall="na")),
        400,
        "invalid_answers_content",
        "overall",
        "nie można wybrać „Nie dotyczy”",
    ),
    (
        "unknown option",
        lambda o: body(o, answers=answers(resolved="moze")),
        400,
        "invalid_answers_content",
        "resolved",
        "Tej odpowiedzi nie ma na liście",
    ),
    (
        "list for a single choice",
        lambda o: body(o, answers=answers(resolved=["tak"])),
        400,
        "invalid_answers_content",
        "resolved",
        "Prosimy wybrać jedną z podanych odpowiedzi",
    ),
    (
        "duplicated option",
        lambda o: body(o, answers=low(what_went_wrong=["czas", "czas"])),
        400,
        "invalid_answers_content",
        "what_went_wrong",
        "zaznaczona dwa razy",
    ),
    (
        "too many picks",
        picky_follow_up,
        400,
        "invalid_answers_content",
        "what_went_wrong",
        "za dużo odpowiedzi — najwyżej 2",
    ),
    (
        "unknown option in a multi",
        lambda o: body(o, answers=low(what_went_wrong=["czas", "spacer"])),
        400,
        "invalid_answers_content",
        "what_went_wrong",
        "Tej odpowiedzi nie ma na liście",
    ),
    (
        "string for a multi",
        lambda o: body(o, answers=low(what_went_wrong="czas")),
        400,
        "invalid_answers_content",
        "what_went_wrong",
        "Prosimy zaznaczyć jedną lub kilka",
    ),
    (
        "unknown department",
        lambda o: body(o, answers=answers(department="zoo")),
        400,
        "invalid_answers_content",
        "department",
        "Tego wydziału nie ma na liście",
    ),
    (
        "inactive department",
        deactivate_usc,
        400,
        "invalid_answers_content",
        "department",
        "Tego wydziału nie ma na liście",
    ),
    (
        "missing required rating",
        lambda o: body(o, answers=answers(overall=...)),
        400,
        "invalid_answers_content",
        "overall",
        "obowiązkowe — prosimy wybrać ocenę",
    ),
    (
        "missing required department",
        lambda o: body(o, answers=answers(department=...)),
        400,
        "invalid_answers_content",
        "department",
        "Prosimy wybrać wydział",
    ),
    (
        "unknown question key",
        lambda o: body(o, answers=answers(favourite_colour="blue")),
        400,
        "invalid_answers_content",
        "favourite_colour",
        "Tego pytania nie ma w tej wersji",
    ),
    (
        "question of another version",
        question_of_another_version,
        400,
        "invalid_answers_content",
        "parking",
        "Tego pytania nie ma w tej wersji",
    ),
    (
        "text too long",
        lambda o: body(o, answers=answers(comment="a" * 2001)),
        400,
        "invalid_answers_content",
        "comment",
        "prosimy skrócić go do 2000 znaków",
    ),
    (
        "text with NUL",
        lambda o: body(o, answers=answers(comment="dobrze\x00źle")),
        400,
        "invalid_answers_content",
        "comment",
        "znaki sterujące",
    ),
    (
        "text with an escape sequence",
        lambda o: body(o, answers=answers(comment="\x1b[31mczerwony")),
        400,
        "invalid_answers_content",
        "comment",
        "znaki sterujące",
    ),
    (
        "text with a lone surrogate",
        lambda o: {
            "body": json.dumps(valid_payload(o)).replace('"comment": "', '"comment": "a\\ud800b')
        },
        400,
        "invalid_answers_content",
        "comment",
        "znaki sterujące",
    ),
    (
        "number for a text",
        lambda o: body(o, answers=answers(comment=42)),
        400,
        "invalid_answers_content",
        "comment",
        "musi być tekstem",
    ),
    (
        "answers not an object",
        lambda o: body(o, answers=["komunikacja", 5]),
        400,
        "invalid_answers",
        None,
        "Pole answers musi być obiektem",
    ),
    (
        "wrong origin",
        lambda o: {**body(o), "origin": "https://evil.example"},
        403,
        "origin_not_allowed",
        None,
        "nie może wysyłać odpowiedzi",
    ),
    (
        "origin null",
        lambda o: {**body(o), "origin": "null"},
        403,
        "origin_not_allowed",
        None,
        "nie może wysyłać odpowiedzi",
    ),
    (
        "look-alike origin",
        lambda o: {**body(o), "origin": "http://demo.test.evil.example"},
        403,
        "origin_not_allowed",
        None,
        "nie może wysyłać odpowiedzi",
    ),
    (
        "other scheme of the origin",
        lambda o: {**body(o), "origin": "https://demo.test"},
        403,
        "origin_not_allowed",
        None,
        "nie może wysyłać odpowiedzi",
    ),
    (
        "no origin",
        lambda o: {**body(o), "origin": None},
        403,
        "origin_missing",
        None,
        "Brak nagłówka Origin",
    ),
    (
        "no origin, text/plain",
        lambda o: {**body(o), "origin": None, "content_type": "text/plain"},
        403,
        "origin_missing",
        None,
        "Brak nagłówka Origin",
    ),
    (
        "honeypot filled",
        lambda o: body(o, website="http://spam.example"),
        400,
        "honeypot",
        None,
        "wygląda na wysłane automatycznie",
    ),
    (
        "honeypot filled with whitespace only",
        lambda o: body(o, website=" \t\n"),
        400,
        "honeypot",
        None,
        "wygląda na wysłane automatycznie",
    ),
    (
        "submitted too fast",
        lambda o: body(o, elapsed_ms=1500),
        400,
        "too_fast",
        None,
        "zbyt szybko",
    ),
    (
        "elapsed time missing",
        lambda o: {"payload": {k: v for k, v in valid_payload(o).items() if k != "elapsed_ms"}},
        400,
        "invalid_elapsed",
        None,
        "czas wypełniania",
    ),
    ("deeply nested JSON", raw(nested(5000)), 400, "too_deep", None, "zagnieżdżony zbyt głęboko"),
    (
        "deeply nested answer",
        lambda o: {"body": json.dumps(valid_payload(o))[:-2] + ', "x": ' + nested(3000) + "}}"},
        400,
        "too_deep",
        None,
        "zagnieżdżony zbyt głęboko",
    ),
    (
        "huge number",
        raw('{"version": ' + "9" * 5000 + "}"),
        400,
        "invalid_json",
        None,
        "nie jest poprawnym dokumentem JSON",
    ),
    (
        "NaN",
        raw('{"version": NaN}'),
        400,
        "invalid_json",
        None,
        "nie jest poprawnym dokumentem JSON",
    ),
    (
        "invalid UTF-8",
        lambda o: {
            "body": json.dumps(valid_payload(o))
            .encode()
            .replace(b"komunikacja", b"komunikacja\xff")
        },
        400,
        "invalid_json",
        None,
        "nie jest poprawnym dokumentem JSON",
    ),
    (
        "duplicate key",
        lambda o: {"body": json.dumps(valid_payload(o))[:-1] + ', "version": 1}'},
        400,
        "duplicate_key",
        None,
        "ten sam klucz dwa razy",
    ),
    ("unknown language", lambda o: body(o, lang="de"), 400, "invalid_lang", None, "pl, en albo uk"),
    (
        "paper channel from the public API",
        lambda o: body(o, channel="paper"),
        400,
        "invalid_channel",
        None,
        "widget, page, qr albo kiosk",
    ),
    (
        "answer to a question whose condition is false",
        lambda o: body(o, answers=answers(what_went_wrong=["czas"])),  # overall 4: not shown
        400,
        "invalid_answers_content",
        "what_went_wrong",
        "nie dotyczy udzielonej odpowiedzi",
    ),
    (
        "answer to a conditional question whose condition is unanswered",
        lambda o: body(
            o, completed=False, answers={"department": "usc", "what_went_wrong": ["czas"]}
        ),
        400,
        "invalid_answers_content",
        "what_went_wrong",
        "nie dotyczy udzielonej odpowiedzi",
    ),
    (
        "completed as a string",
        lambda o: body(o, completed="false"),
        400,
        "invalid_completed",
        None,
        "true albo false",
    ),
    (
        "a complete response without a required answer",
        lambda o: body(o, completed=True, answers={"overall": 4}),
        400,
        "invalid_answers_content",
        "department",
        "Prosimy wybrać wydział",
    ),
    (
        "unknown top-level field",
        lambda o: body(o, ip="203.0.113.7"),
        400,
        "unknown_field",
        None,
        "nieznane pole",
    ),
]


@pytest.mark.parametrize(
    ("make_request", "status", "code", "question", "polish"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_response_is_refused_with_a_clear_message_and_nothing_stored(
    client, make_request, status, code, question, polish
):
    office = create_office()
    response = post_response(client, **make_request(office))

    assert response.status_code == status
    assert response.mimetype == "application/json"
    error = response.get_json()
    assert error["error"] == code
    assert error["message"] and error["message_en"]
    assert CYRILLIC.search(error["message_uk"]), error[
        "message_uk"
    ]  # a Ukrainian resident reads it too
    if question is None:
        assert polish in error["message"]
    else:
        assert list(error["fields"]) == [question]
        assert polish in error["fields"][question]
        assert error["fields_en"][question]
        assert CYRILLIC.search(error["fields_uk"][question]), error["fields_uk"]
        assert error["field_codes"][question]
    db.session.rollback()
    assert count(Response) == 0
    assert count(Answer) == 0


def test_every_problem_is_reported_at_once_in_question_order(client):
    office = create_office()
    payload = valid_payload(
        office, answers=answers(department=..., service_politeness=9, comment="\x07")
    )

    error = post_response(client, payload=payload).get_json()

    assert list(error["fields"]) == ["department", "service_politeness", "comment"]
    assert error["message"] == "Niektóre odpowiedzi wymagają poprawy — szczegóły przy pytaniach."
