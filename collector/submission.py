"""Check and store one resident's response; used by the public API and the hosted survey page.

``validate_submission`` turns a parsed body into a clean ``Submission`` or raises
``SubmissionError``; ``store_submission`` commits it once, idempotently on the client's UUID.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError

from . import messages
from .extensions import db
from .models import NA, Answer, Office, Question, Response, utcnow
from .office_cache import OfficeContext, VersionInfo, context_for, get_cache, get_office_context
from .schemas import (
    RESPONSE_FIELD_CODES,
    AnswersSchema,
    ResponseSchema,
    StaffEntrySchema,
    build_answers_schema,
)

MIN_ELAPSED_MS = 2000


class SubmissionError(Exception):
    """A response was refused: an HTTP status, a code, and messages for the resident."""

    def __init__(self, status: int, code: str, field_codes: dict[str, str] | None = None,
                 field_params: dict[str, dict[str, Any]] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.field_codes = dict(field_codes or {})
        self.field_params = dict(field_params or {})

    @property
    def message(self) -> str:
        return messages.error_message(self.code, "pl")

    @property
    def message_en(self) -> str:
        return messages.error_message(self.code, "en")

    def message_in(self, lang: str) -> str:
        """Return the overall message in ``lang``."""
        return messages.error_message(self.code, lang)

    def fields_in(self, lang: str) -> dict[str, str]:
        """Return question key -> message in ``lang``."""
        return {key: messages.field_message(code, lang, **self.field_params.get(key, {}))
                for key, code in self.field_codes.items()}

    @property
    def fields(self) -> dict[str, str]:
        return self.fields_in("pl")

    @property
    def fields_en(self) -> dict[str, str]:
        return self.fields_in("en")

    def to_json(self) -> dict[str, Any]:
        """Return the API's error body."""
        return {"error": self.code, "message": self.message, "message_en": self.message_en,
                "message_uk": self.message_in("uk"), "fields": self.fields, "fields_en": self.fields_en,
                "fields_uk": self.fields_in("uk"), "field_codes": dict(self.field_codes)}


@dataclass(frozen=True)
class Submission:
    """A checked response, ready to store."""

    id: uuid.UUID
    version: VersionInfo  # .id, .number, .status, .retired_at of the answered version
    lang: str
    channel: str
    department_key: str | None
    answers: dict[str, Any] = field(default_factory=dict)  # key -> int | "na" | str | sorted list[str]

    def content_hash(self, office: Office | OfficeContext) -> str:
        """Return the SHA-256 of the normalized content, to tell a replay from another response."""
        canonical = json.dumps(
            {"office": office.id, "version": self.version.number, "lang": self.lang, "channel": self.channel,
             "answers": self.answers},
            sort_keys=True, ensure_ascii=False, separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class QuestionRule:
    """What one question accepts, as plain values (safe to keep across sessions and threads)."""

    key: str
    type: str
    required: bool
    allow_na: bool
    max_picks: int | None
    max_length: int
    options: tuple[str, ...]


@dataclass(frozen=True)
class VersionRules:
    """What a version's questions accept; versions are frozen once published, so this is cached."""

    questions: tuple[QuestionRule, ...]
    types: dict[str, str]
    params: dict[str, dict[str, Any]]
    department_keys: tuple[str, ...]  # keys of department questions, whose options are live


def get_version_rules(version_id: int) -> VersionRules:
    """Return the answer rules of a version (cached until the configuration changes)."""
    cache = get_cache("rules")
    rules = cache.get(version_id)
    if rules is None:
        rows = db.session.scalars(
            sa.select(Question).where(Question.version_id == version_id).order_by(Question.position, Question.id)
        ).all()
        questions = tuple(
            QuestionRule(key=q.key, type=q.type, required=q.required, allow_na=q.allow_na,
                         max_picks=q.max_picks, max_length=q.max_length or 2000, options=tuple(q.option_keys()))
            for q in rows
        )
        rules = VersionRules(
            questions=questions,
            types={q.key: q.type for q in questions},
            params={q.key: {"max": q.max_picks or len(q.options) or 1, "max_length": q.max_length}
                    for q in questions},
            department_keys=tuple(q.key for q in questions if q.type == "department"),
        )
        if len(cache) > 512:
            cache.clear()
        cache[version_id] = rules
    return rules


def get_answers_schema(rules: VersionRules, version_id: int, department_options: tuple[str, ...]) -> AnswersSchema:
    """Return the (cached) answers schema for a version and the office's current departments."""
    cache = get_cache("schemas")
    key = (version_id, department_options)
    schema = cache.get(key)
    if schema is None:
        options = {q.key: list(department_options) if q.type == "department" else list(q.options)
                   for q in rules.questions}
        schema = build_answers_schema(list(rules.questions), options)
        if len(cache) > 512:
            cache.clear()
        cache[key] = schema
    return schema


def is_answerable(version: VersionInfo | None, now: datetime) -> bool:
    """Tell whether responses to the version are accepted: published, or retired within the grace."""
    if version is None or version.status not in ("published", "retired"):
        return False
    if version.status == "retired":
        grace = timedelta(hours=current_app.config.get("RETIRED_GRACE_HOURS", 24))
        return version.retired_at is not None and now - version.retired_at <= grace
    return True


def find_version(context: OfficeContext, number: int) -> VersionInfo:
    """Return the office's version ``number`` if it accepts responses now, else raise SubmissionError."""
    version = context.versions.get(number)
    if version is None or version.status == "draft":
        raise SubmissionError(400, "unknown_version")
    if not is_answerable(version, utcnow()):
        raise SubmissionError(400, "version_retired")
    return version


def _first_error_code(errors: dict[str, Any]) -> str:
    for name, code in RESPONSE_FIELD_CODES.items():
        if name in errors:
            return code
    return "unknown_field"


def _field_code(problem: Any) -> str:
    # marshmallow gives a list of messages, or a dict for nested values; ours are codes.
    while isinstance(problem, (list, dict)) and problem:
        problem = problem[0] if isinstance(problem, list) else next(iter(problem.values()))
    return problem if isinstance(problem, str) and messages.is_field_code(problem) else "unknown_question"


_response_schema = ResponseSchema()
_staff_entry_schema = StaffEntrySchema()
# Refusals that a stale cache could cause; they are checked again against the database.
RECHECKED = {"unknown_version", "invalid_answers_content"}


def validate_submission(office: Office | OfficeContext, data: Any, *, staff_entry: bool = False) -> Submission:
    """Check a parsed response body against the office's survey; return the clean values.

    ``staff_entry`` is for a paper questionnaire typed in by staff in the panel: the channel must
    be ``paper`` and the anti-bot checks (honeypot, fill time) are skipped; the answers are checked
    exactly as for residents. The public API never sets it, so it keeps refusing ``paper``.
    """
    if not isinstance(data, dict):
        raise SubmissionError(400, "not_an_object")
    try:
        envelope = (_staff_entry_schema if staff_entry else _response_schema).load(data)
    except ValidationError as exc:
        raise SubmissionError(400, _first_error_code(exc.messages)) from None
    if not staff_entry:
        if envelope["website"].strip():
            raise SubmissionError(400, "honeypot")
        if envelope["elapsed_ms"] < current_app.config.get("MIN_FILL_SECONDS", 2) * 1000:
            raise SubmissionError(400, "too_fast")
    context = context_for(office)
    try:
        return check_answers(context, envelope)
    except SubmissionError as exc:
        if exc.code not in RECHECKED or context.fresh:
            raise
    return check_answers(_fresh(context), envelope)


def _fresh(context: OfficeContext) -> OfficeContext:
    fresh = get_office_context(context.slug, fresh=True)
    if fresh is None:
        raise SubmissionError(404, "office_not_found")
    return fresh


def check_answers(context: OfficeContext, envelope: dict[str, Any]) -> Submission:
    """Check the answers against the version they answer; return the Submission."""
    version = find_version(context, envelope["version"])
    rules = get_version_rules(version.id)
    department_options = context.department_keys if rules.department_keys else ()
    schema = get_answers_schema(rules, version.id, department_options)
    try:
        loaded = schema.load(envelope["answers"])
    except ValidationError as exc:
        codes = {key: _field_code(problem) for key, problem in exc.messages.items()}
        params = {key: rules.params[key] for key in codes if key in rules.params}
        raise SubmissionError(400, "invalid_answers_content", codes, params) from None
    # Attributes are q0, q1… in question order; give them their keys back.
    answers = {rules.questions[int(name[1:])].key: value for name, value in loaded.items()}
    department_key = next((answers[k] for k in rules.department_keys if k in answers), None)
    return Submission(id=envelope["id"], version=version, lang=envelope["lang"], channel=envelope["channel"],
                      department_key=department_key, answers=answers)


def answer_rows(office_id: int, submission: Submission, rules: VersionRules, submitted_at: Any) -> list[dict]:
    """Return the Answer rows of a submission: one per answered question or picked option."""
    common = {"response_id": submission.id, "office_id": office_id, "version_id": submission.version.id,
              "submitted_at": submitted_at, "department_key": submission.department_key, "hidden": False}
    rows: list[dict] = []
    for key, value in submission.answers.items():
        kind = rules.types[key]
        base = {**common, "question_key": key, "value": None, "option_key": None, "text": None}
        if kind == "rating":
            rows.append({**base, "option_key": NA} if value == NA else {**base, "value": value})
        elif kind == "multi":
            rows.extend({**base, "option_key": option} for option in value)
        elif kind == "text":
            rows.append({**base, "text": value})
        else:
            rows.append({**base, "option_key": value})
    return rows


_sqlite_writer = threading.Lock()


def write_lock() -> AbstractContextManager[Any]:
    """Serialize this process's writers on SQLite, which allows one writer at a time anyway.

    Threads that collide inside SQLite wait in its busy handler, which sleeps 1, 2, 5, 10… ms;
    queueing them on a lock here hands the database over as soon as the commit is done.
    """
    return _sqlite_writer if db.engine.dialect.name == "sqlite" else nullcontext()


RESPONSE_TABLE = Response.__table__
ANSWER_TABLE = Answer.__table__
RESPONSE_COLUMNS = ("id", "office_id", "version_id", "submitted_at", "channel", "lang", "department_key",
                    "content_hash", "entered_by_id")
ANSWER_COLUMNS = ("response_id", "office_id", "version_id", "submitted_at", "department_key", "question_key",
                  "value", "option_key", "text", "hidden")
# PostgreSQL: the response and all its answers in ONE statement, run in autocommit, so that storing
# costs one round trip and one durable commit. (psycopg's executemany would send a pipeline of one
# statement per answer, and BEGIN/COMMIT two more round trips.) A single statement is atomic:
# either the response and every answer are stored, or nothing is.
PG_INSERT_RESPONSE = sa.text(
    f"WITH stored_response AS (INSERT INTO response ({', '.join(RESPONSE_COLUMNS)}) VALUES ("
    "CAST(:id AS uuid), :office_id, :version_id, CAST(:submitted_at AS timestamp), :channel, :lang, "
    ":department_key, :content_hash, CAST(:entered_by_id AS integer))) "
    f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) SELECT * FROM unnest("
    "CAST(:a_response_id AS uuid[]), CAST(:a_office_id AS integer[]), CAST(:a_version_id AS integer[]), "
    "CAST(:a_submitted_at AS timestamp[]), CAST(:a_department_key AS varchar[]), "
    "CAST(:a_question_key AS varchar[]), CAST(:a_value AS integer[]), CAST(:a_option_key AS varchar[]), "
    "CAST(:a_text AS text[]), CAST(:a_hidden AS boolean[]))"
)


def write_response(values: dict[str, Any], rows: list[dict[str, Any]],
                   before_commit: Callable[[], None] | None = None) -> None:
    """Write and commit a response with its answers, all or nothing (commits the session).

    ``before_commit`` adds more rows (an audit event) to the same transaction.
    """
    session = db.session
    if db.engine.dialect.name == "postgresql" and before_commit is None:
        params = {**values, **{f"a_{column}": [row[column] for row in rows] for column in ANSWER_COLUMNS}}
        if session().in_transaction():
            session.commit()  # end a read transaction, so that the autocommit below may begin
        connection = session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        connection.execute(PG_INSERT_RESPONSE, params)
        session.commit()  # hands the connection back to the pool
        return
    if session().in_transaction():
        # End the read transaction of validation first: a thread waiting for the write lock must
        # not hold a pooled connection, or 20 concurrent writers exhaust the pool.
        session.commit()
    with write_lock():
        # Core inserts: one statement for the response, one executemany for its answers, one commit.
        connection = session.connection()
        connection.execute(RESPONSE_TABLE.insert(), values)
        if rows:
            connection.execute(ANSWER_TABLE.insert(), rows)
        if before_commit is not None:
            before_commit()
        session.commit()


def store_submission(office: Office | OfficeContext, submission: Submission, *,
                     entered_by_id: int | None = None,
                     before_commit: Callable[[], None] | None = None) -> tuple[Response, bool]:
    """Commit the response and its answers; return it and whether it was created now.

    The client's UUID is the primary key: a concurrent or later replay fails the insert, and
    the stored content hash tells a replay (False) from a different response (409). The
    Response returned for a new row is built from the stored values, outside the session.
    ``entered_by_id`` names the staff member who typed in a paper questionnaire;
    ``before_commit`` adds rows to the same transaction (run only when the response is new).
    """
    content_hash = submission.content_hash(office)
    submitted_at = utcnow()
    rules = get_version_rules(submission.version.id)
    values = {"id": submission.id, "office_id": office.id, "version_id": submission.version.id,
              "submitted_at": submitted_at, "channel": submission.channel, "lang": submission.lang,
              "department_key": submission.department_key, "content_hash": content_hash,
              "entered_by_id": entered_by_id}
    rows = answer_rows(office.id, submission, rules, submitted_at)
    session = db.session
    try:
        write_response(values, rows, before_commit)
    except sa.exc.IntegrityError:
        session.rollback()
        existing = session.get(Response, submission.id)
        if existing is None:
            current_app.logger.exception("Storing a response failed on a constraint")
            raise SubmissionError(503, "unavailable") from None
        if existing.content_hash != content_hash:
            raise SubmissionError(409, "conflict") from None
        return existing, False
    except sa.exc.SQLAlchemyError:
        session.rollback()
        current_app.logger.exception("Storing a response failed")
        raise SubmissionError(503, "unavailable") from None
    return Response(**values), True
