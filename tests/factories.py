"""Test-data factories: build what a test needs in one call."""

from __future__ import annotations

import sqlalchemy as sa

from collector.extensions import db
from collector.models import Office, SurveyVersion, User
from collector.operations.versions import QUESTION_COLUMNS
from collector.passwords import hash_password
from collector.surveys import create_office as _create_office
from collector.surveys import get_published_version

DEFAULT_PASSWORD = "correct horse battery staple"


def create_office(
    slug: str = "demo",
    name: str = "Urząd Miasta Demo",
    origins: tuple[str, ...] = ("http://demo.test",),
    **fields,
) -> Office:
    """Create and commit an office with the default survey published as version 1."""
    office = _create_office(slug, name, origins=list(origins))
    for key, value in fields.items():
        setattr(office, key, value)
    db.session.commit()
    return office


def create_user(
    email: str = "admin@demo.test",
    role: str = "admin",
    office: Office | None = None,
    password: str = DEFAULT_PASSWORD,
    **fields,
) -> User:
    """Create and commit a panel user."""
    user = User(
        email=email,
        role=role,
        office_id=office.id if office else None,
        password_hash=hash_password(password),
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def published_version(office: Office) -> SurveyVersion:
    """Return the office's published version."""
    version = get_published_version(office)
    assert version is not None
    return version


def count(model) -> int:
    """Return how many rows the model's table holds."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


DEMO_ORIGIN = "http://demo.test"
RESPONSES_URL = "/api/v1/offices/{slug}/responses"


def valid_answers() -> dict:
    """Return complete answers to the default survey covering every question type it shows for a 4."""
    return {
        "overall": 4,
        "department": "komunikacja",
        "resolved": "tak",
        "service_politeness": 5,
        "service_waiting": "na",
        "comment": "Długo czekałem, ale pani była miła. Zażółć gęślą jaźń.",
    }


def low_score_answers() -> dict:
    """Return complete answers with an overall 2, so the multi follow-up "what_went_wrong" is shown."""
    return {
        **valid_answers(),
        "overall": 2,
        "what_went_wrong": ["czas", "inne"],
    }


def valid_payload(office: Office, **overrides) -> dict:
    """Return a valid response body for the office's published survey; ``overrides`` replace fields."""
    import uuid

    payload = {
        "id": str(uuid.uuid4()),
        "version": published_version(office).number,
        "lang": "pl",
        "channel": "widget",
        "elapsed_ms": 41250,
        "website": "",
        "answers": valid_answers(),
    }
    payload.update(overrides)
    return payload


def post_response(
    client,
    slug: str = "demo",
    payload=None,
    *,
    origin: str | None = DEMO_ORIGIN,
    content_type: str = "application/json",
    body: bytes | str | None = None,
    headers=None,
    **request_kwargs,
):
    """POST a response body (a dict as JSON, or raw ``body``) to the office's responses endpoint."""
    import json

    sent_headers = dict(headers or {})
    if origin is not None:
        sent_headers["Origin"] = origin
    if body is None:
        body = json.dumps(payload, ensure_ascii=False)
    if isinstance(body, str):
        body = body.encode()
    return client.post(
        RESPONSES_URL.format(slug=slug),
        data=body,
        content_type=content_type,
        headers=sent_headers,
        **request_kwargs,
    )


def create_version(
    office: Office,
    *,
    status: str = "published",
    drop: tuple[str, ...] = (),
    add: tuple[dict, ...] = (),
    retire_current_at=None,
) -> SurveyVersion:
    """Copy the office's published version into the next one, without ``drop`` and with ``add`` questions.

    With ``status="published"`` the current version is retired at ``retire_current_at`` (default now).
    """
    from collector.models import Question, utcnow

    current = published_version(office)
    number = max(v.number for v in current.survey.versions) + 1
    questions = [
        {c: getattr(q, c) for c in QUESTION_COLUMNS} for q in current.questions if q.key not in drop
    ]
    version = SurveyVersion(
        survey=current.survey,
        number=number,
        status=status,
        title=dict(current.title),
        intro=dict(current.intro),
    )
    for position, fields in enumerate([*questions, *add]):
        version.questions.append(Question(position=position, **fields))
    if status == "published":
        current.status = "retired"
        current.retired_at = retire_current_at or utcnow()
        version.published_at = utcnow()
    db.session.add(version)
    db.session.commit()
    return version
