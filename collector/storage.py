"""Store one checked response: idempotent on the client's UUID, updatable by it for 60 minutes.

``store_submission`` writes a ``Submission`` (from ``collector.validation``) with its answers, all or
nothing, and says what it did: ``"created"`` (stored now), ``"duplicate"`` (the same content again,
nothing changed) or ``"updated"`` (the response with this id replaced by the new answers, see
``check_update`` for when that is allowed); otherwise ``SubmissionError`` 409 with a code saying
why, and 503 when nothing could be stored. Nothing is acknowledged before the commit.

A new response: on SQLite two statements and one commit; on PostgreSQL one atomic statement in
autocommit. An update: one short transaction on both, ``UPDATE response … WHERE`` the content
read a moment before is still there (else someone updated it meanwhile: read again and decide
again), then the old answer rows deleted and the new ones inserted under that row's lock. The
first POST's time stays the response's ``submitted_at`` (and its answers'): a response counts from
the resident's first click, and a report period never splits one response.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from .enums import QuestionType
from .extensions import db
from .models import NA, Answer, Response, utcnow
from .validation import Submission, SubmissionError, is_shown

UPDATE_WINDOW_MINUTES = 60
MAX_UPDATE_TRIES = 30  # each lost race means another update of the same id went through


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
    "completed",
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
    ":department_key, :content_hash, CAST(:entered_by_id AS integer), :completed)) "
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


# The rest of an update on PostgreSQL, once the response row is locked by its UPDATE: the old
# answers out and the new ones in, one statement.
PG_REPLACE_ANSWERS = sa.text(
    "WITH dropped AS (DELETE FROM answer WHERE response_id = CAST(:id AS uuid)) "
    f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) SELECT * FROM unnest("
    "CAST(:a_response_id AS uuid[]), CAST(:a_office_id AS integer[]), CAST(:a_version_id AS integer[]), "
    "CAST(:a_submitted_at AS timestamp[]), CAST(:a_department_key AS varchar[]), "
    "CAST(:a_question_key AS varchar[]), CAST(:a_value AS integer[]), CAST(:a_option_key AS varchar[]), "
    "CAST(:a_text AS text[]), CAST(:a_hidden AS boolean[]))"
)


@dataclass(frozen=True)
class StoredResponse:
    """What an update needs to know of the stored response with the same id."""

    office_id: int
    version_id: int
    channel: str
    submitted_at: datetime
    content_hash: str
    completed: bool
    entered_by_id: int | None
    answered: frozenset[str]  # keys of the questions it answers


def read_stored(connection: sa.Connection, response_id: uuid.UUID) -> StoredResponse | None:
    """Return the stored response with this id and the keys it answers (one statement), or None."""
    rows = connection.execute(
        sa.select(
            RESPONSE_TABLE.c.office_id,
            RESPONSE_TABLE.c.version_id,
            RESPONSE_TABLE.c.channel,
            RESPONSE_TABLE.c.submitted_at,
            RESPONSE_TABLE.c.content_hash,
            RESPONSE_TABLE.c.completed,
            RESPONSE_TABLE.c.entered_by_id,
            ANSWER_TABLE.c.question_key,
        )
        .select_from(
            RESPONSE_TABLE.outerjoin(
                ANSWER_TABLE, ANSWER_TABLE.c.response_id == RESPONSE_TABLE.c.id
            )
        )
        .where(RESPONSE_TABLE.c.id == response_id)
    ).all()
    if not rows:
        return None
    first = rows[0]
    return StoredResponse(
        office_id=first.office_id,
        version_id=first.version_id,
        channel=first.channel,
        submitted_at=first.submitted_at,
        content_hash=first.content_hash,
        completed=bool(first.completed),
        entered_by_id=first.entered_by_id,
        answered=frozenset(row.question_key for row in rows if row.question_key is not None),
    )


def check_update(
    stored: StoredResponse, submission: Submission, content_hash: str, now: datetime
) -> bool:
    """Decide what a POST with a stored id means: False a replay, True an update; else raise 409.

    - the same content (and no newly reached end) is a replay, at any time: 200 "duplicate";
    - another office (``update_other_office``) or version (``update_other_version``) is refused;
    - a paper entry, or another channel, is never updated (``conflict``);
    - after ``UPDATE_WINDOW_MINUTES`` from the first POST: ``update_window_closed``;
    - an answer already stored must stay (``update_drops_answer``, the keys in ``field_codes`` as
      ``answer_dropped``), except a conditional question's whose condition this change made false:
      that answer must go.
    ``completed`` never goes back: once the resident reached the end, the response stays complete.
    """
    completed = stored.completed or submission.completed
    if stored.content_hash == content_hash and completed == stored.completed:
        return False
    if stored.office_id != submission.office_id:
        raise SubmissionError(409, "update_other_office")
    if stored.version_id != submission.version.id:
        raise SubmissionError(409, "update_other_version")
    if stored.entered_by_id is not None or stored.channel != submission.channel:
        raise SubmissionError(409, "conflict")
    window = timedelta(
        minutes=current_app.config.get("RESPONSE_UPDATE_MINUTES", UPDATE_WINDOW_MINUTES)
    )
    if now - stored.submitted_at > window:
        raise SubmissionError(409, "update_window_closed")
    dropped = sorted(
        key
        for key in stored.answered
        if key not in submission.answers
        and is_shown(submission.conditions.get(key), submission.answers)
    )
    if dropped:
        raise SubmissionError(409, "update_drops_answer", dict.fromkeys(dropped, "answer_dropped"))
    return True


def update_response(
    connection: sa.Connection,
    stored: StoredResponse,
    submission: Submission,
    content_hash: str,
    now: datetime,
) -> bool:
    """Replace the stored response's content and answers if nobody changed it since it was read.

    Returns False when the guarded UPDATE found the row changed (the caller reads again); the
    caller commits.
    """
    response = RESPONSE_TABLE
    result = connection.execute(
        response.update()
        .where(
            response.c.id == submission.id,
            response.c.content_hash == stored.content_hash,
            response.c.completed == stored.completed,
        )
        .values(
            lang=submission.lang,
            department_key=submission.department_key,
            content_hash=content_hash,
            completed=stored.completed or submission.completed,
            updated_at=now,
        )
    )
    if result.rowcount != 1:
        return False
    rows = answer_rows(submission, stored.submitted_at)
    if connection.dialect.name == "postgresql":
        params = {
            "id": submission.id,
            **{f"a_{column}": [row[column] for row in rows] for column in ANSWER_COLUMNS},
        }
        connection.execute(PG_REPLACE_ANSWERS, params)
    else:
        connection.execute(ANSWER_TABLE.delete().where(ANSWER_TABLE.c.response_id == submission.id))
        if rows:
            connection.execute(ANSWER_TABLE.insert(), rows)
    return True


def store_update(submission: Submission, content_hash: str) -> str:
    """Store a POST whose id is taken: "duplicate" or "updated", else raise SubmissionError."""
    session = db.session
    for _try in range(MAX_UPDATE_TRIES):
        with write_lock():
            connection = session.connection()
            stored = read_stored(connection, submission.id)
            if stored is None:  # a row that failed the insert is gone: nothing to update
                session.rollback()
                current_app.logger.error("A response's id was taken and then not found")
                raise SubmissionError(503, "unavailable")
            now = utcnow()
            try:
                is_update = check_update(stored, submission, content_hash, now)
            except SubmissionError:
                session.rollback()  # hand the connection back before answering 409
                raise
            if not is_update:
                session.rollback()
                return "duplicate"
            if update_response(connection, stored, submission, content_hash, now):
                session.commit()
                return "updated"
            session.rollback()  # lost a race with another update of the same id: decide again
    current_app.logger.error("A response kept changing while it was updated")
    raise SubmissionError(503, "unavailable")


def store_submission(
    submission: Submission,
    *,
    entered_by_id: int | None = None,
    before_commit: Callable[[], None] | None = None,
) -> str:
    """Commit the response and its answers; return "created", "duplicate" or "updated".

    The client's UUID is the primary key: a concurrent or later POST with it fails the insert,
    and ``check_update`` decides between a replay, an update and a 409. ``entered_by_id`` names
    the staff member who typed in a paper questionnaire; ``before_commit`` adds rows to the same
    transaction (run only when the response is new).
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
        "completed": submission.completed,
    }
    rows = answer_rows(submission, submitted_at)
    session = db.session
    try:
        write_response(values, rows, before_commit)
    except sa.exc.IntegrityError:
        session.rollback()
    except sa.exc.SQLAlchemyError:
        session.rollback()
        current_app.logger.exception("Storing a response failed")
        raise SubmissionError(503, "unavailable") from None
    else:
        return "created"
    try:
        return store_update(submission, content_hash)
    except SubmissionError:
        raise
    except sa.exc.SQLAlchemyError:
        session.rollback()
        current_app.logger.exception("Updating a response failed")
        raise SubmissionError(503, "unavailable") from None
