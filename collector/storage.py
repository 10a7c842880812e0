"""Store one checked response: idempotent on the client's UUID, nothing acknowledged before the commit.

``store_submission`` writes a ``Submission`` (from ``collector.validation``) with its answers, all or
nothing: ``(response, True)`` when stored now, ``(existing, False)`` for a replay of the same content,
``SubmissionError`` 409 for the same id with other content and 503 when nothing could be stored.
On SQLite that is two statements and one commit; on PostgreSQL one atomic statement in autocommit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import sqlalchemy as sa
from flask import current_app

from .enums import QuestionType
from .extensions import db
from .models import NA, Answer, Response, utcnow
from .validation import Submission, SubmissionError


def answer_rows(submission: Submission, submitted_at: Any) -> list[dict]:
    """Return the Answer rows of a submission: one per answered question or picked option."""
    common = {
        "response_id": submission.id,
        "office_id": submission.office_id,
        "version_id": submission.version.id,
        "submitted_at": submitted_at,
        "department_key": submission.department_key,
        "hidden": False,
    }
    rows: list[dict] = []
    for key, value in submission.answers.items():
        kind = submission.question_types[key]
        base = {**common, "question_key": key, "value": None, "option_key": None, "text": None}
        if kind == QuestionType.RATING:
            rows.append({**base, "option_key": NA} if value == NA else {**base, "value": value})
        elif kind == QuestionType.MULTI:
            rows.extend({**base, "option_key": option} for option in value)
        elif kind == QuestionType.TEXT:
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
RESPONSE_COLUMNS = (
    "id",
    "office_id",
    "version_id",
    "submitted_at",
    "channel",
    "lang",
    "department_key",
    "content_hash",
    "entered_by_id",
)
ANSWER_COLUMNS = (
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
)
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


def write_response(
    values: dict[str, Any],
    rows: list[dict[str, Any]],
    before_commit: Callable[[], None] | None = None,
) -> None:
    """Write and commit a response with its answers, all or nothing (commits the session).

    ``before_commit`` adds more rows (an audit event) to the same transaction.
    """
    session = db.session
    if db.engine.dialect.name == "postgresql" and before_commit is None:
        params = {
            **values,
            **{f"a_{column}": [row[column] for row in rows] for column in ANSWER_COLUMNS},
        }
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


def store_submission(
    submission: Submission,
    *,
    entered_by_id: int | None = None,
    before_commit: Callable[[], None] | None = None,
) -> tuple[Response, bool]:
    """Commit the response and its answers; return it and whether it was created now.

    The client's UUID is the primary key: a concurrent or later replay fails the insert, and
    the stored content hash tells a replay (False) from a different response (409). The
    Response returned for a new row is built from the stored values, outside the session.
    ``entered_by_id`` names the staff member who typed in a paper questionnaire;
    ``before_commit`` adds rows to the same transaction (run only when the response is new).
    """
    content_hash = submission.content_hash()
    submitted_at = utcnow()
    values = {
        "id": submission.id,
        "office_id": submission.office_id,
        "version_id": submission.version.id,
        "submitted_at": submitted_at,
        "channel": submission.channel,
        "lang": submission.lang,
        "department_key": submission.department_key,
        "content_hash": content_hash,
        "entered_by_id": entered_by_id,
    }
    rows = answer_rows(submission, submitted_at)
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
