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

import fcntl
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
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
_lock_files: dict[str, tuple[int, int]] = {}  # database path -> (process id, open lock file)


def _lock_file(database: str) -> int:
    """Return this process's open lock file beside the SQLite database (opened once per process:
    a descriptor inherited through fork would share its lock with the parent)."""
    known = _lock_files.get(database)
    if known is not None and known[0] == os.getpid():
        return known[1]
    descriptor = os.open(database + "-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    _lock_files[database] = (os.getpid(), descriptor)
    return descriptor


@contextmanager
def _sqlite_write_lock(database: str | None) -> Iterator[None]:
    with _sqlite_writer:
        if not database or database == ":memory:" or database.startswith("file:"):
            yield
            return
        descriptor = _lock_file(database)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


def write_lock() -> AbstractContextManager[Any]:
    """Serialize the response writers on SQLite, which allows one writer at a time anyway.

    Writers that collide inside SQLite wait in its busy handler, which sleeps 1, 2, 5, 10… ms, even
    when the other writer finished long before; the threads of one process queue on a lock here,
    and the processes (gunicorn's workers) on a lock file beside the database (``flock``), which
    hands the database over as soon as the commit is done. PostgreSQL needs neither.
    """
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return nullcontext()
    return _sqlite_write_lock(engine.url.database)


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
_ANSWER_ARRAYS = (
    "SELECT * FROM unnest("
    "CAST(%(a_response_id)s AS uuid[]), CAST(%(a_office_id)s AS integer[]), "
    "CAST(%(a_version_id)s AS integer[]), CAST(%(a_submitted_at)s AS timestamp[]), "
    "CAST(%(a_department_key)s AS varchar[]), CAST(%(a_question_key)s AS varchar[]), "
    "CAST(%(a_value)s AS integer[]), CAST(%(a_option_key)s AS varchar[]), "
    "CAST(%(a_text)s AS text[]), CAST(%(a_hidden)s AS boolean[]))"
)
# PostgreSQL: the response and all its answers in ONE statement, run in autocommit, so that storing
# costs one round trip and one durable commit. (psycopg's executemany would send a pipeline of one
# statement per answer, and BEGIN/COMMIT two more round trips.) A single statement is atomic:
# either the response and every answer are stored, or nothing is.
PG_INSERT_RESPONSE = (
    f"WITH stored_response AS (INSERT INTO response ({', '.join(RESPONSE_COLUMNS)}) VALUES ("
    "%(id)s, %(office_id)s, %(version_id)s, %(submitted_at)s, %(channel)s, %(lang)s, "
    "%(department_key)s, %(content_hash)s, CAST(%(entered_by_id)s AS integer), %(completed)s)) "
    f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) {_ANSWER_ARRAYS}"
)
# PostgreSQL: an update by id in ONE statement: the response row changed only if it still holds
# the content read a moment before (else another update of the same id won: read and decide
# again), and only then its old answers out and the new ones in. Returns 1 row if it was updated.
PG_UPDATE_RESPONSE = (
    "WITH updated AS (UPDATE response SET lang = %(lang)s, department_key = %(department_key)s, "
    "content_hash = %(content_hash)s, completed = %(completed)s, updated_at = %(now)s "
    "WHERE id = %(id)s AND content_hash = %(old_hash)s AND completed = %(old_completed)s "
    "RETURNING id), "
    "dropped AS (DELETE FROM answer WHERE response_id = %(id)s AND EXISTS (SELECT 1 FROM updated)), "
    f"added AS (INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) {_ANSWER_ARRAYS} "
    "WHERE EXISTS (SELECT 1 FROM updated)) "
    "SELECT count(*) FROM updated"
)
SQLITE_INSERT_RESPONSE = (
    f"INSERT INTO response ({', '.join(RESPONSE_COLUMNS)}) "
    f"VALUES ({', '.join(':' + column for column in RESPONSE_COLUMNS)})"
)
SQLITE_INSERT_ANSWER = (
    f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in ANSWER_COLUMNS)})"
)
SQLITE_UPDATE_RESPONSE = (
    "UPDATE response SET lang = :lang, department_key = :department_key, "
    "content_hash = :content_hash, completed = :completed, updated_at = :now "
    "WHERE id = :id AND content_hash = :old_hash AND completed = :old_completed"
)
READ_STORED = (
    "SELECT r.office_id, r.version_id, r.channel, r.submitted_at, r.content_hash, r.completed, "
    "r.entered_by_id, a.question_key FROM response r "
    "LEFT JOIN answer a ON a.response_id = r.id WHERE r.id = {param}"
)


def _sqlite_time(value: datetime) -> str:
    """SQLite keeps times as text, in the format SQLAlchemy writes and reads."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _release_session() -> None:
    """End the request's read transaction, if any, so it holds no pooled connection while writing.

    A thread waiting for the SQLite write lock must not hold one, or 20 concurrent writers exhaust
    the pool; on PostgreSQL the write uses its own connection anyway.
    """
    if db.session.registry.has() and db.session().in_transaction():
        db.session.commit()


@contextmanager
def driver_connection() -> Iterator[Any]:
    """Lend the pool's driver (DBAPI) connection for one write; driver errors become SQLAlchemy's.

    No ORM session, no Core compilation: the statements above are sent as they are. On an error
    the transaction is rolled back; when the connection died with the database it is dropped and
    the pool renewed (connections are not pinged before use), so the next request connects again.
    """
    engine = db.engine
    dbapi = engine.dialect.loaded_dbapi
    try:
        connection = engine.raw_connection()
    except dbapi.Error as exc:
        raise sa.exc.DBAPIError.instance(None, None, exc, dbapi.Error) from exc
    try:
        yield connection
    except dbapi.Error as exc:
        try:
            connection.rollback()
        except dbapi.Error:
            pass
        if engine.dialect.is_disconnect(exc, connection.dbapi_connection, None):
            connection.invalidate(exc)
            engine.dispose()  # the others died too: connect afresh on the next checkout
        raise sa.exc.DBAPIError.instance(None, None, exc, dbapi.Error) from exc
    finally:
        connection.close()  # back to the pool


def commit(connection: Any) -> None:
    """Commit the driver connection's transaction (a seam for the tests' failing disk)."""
    connection.commit()


def _pg_autocommit(connection: Any, statement: str, params: dict[str, Any]) -> Any:
    """Run one statement in autocommit (one round trip, durable when it returns); return its cursor."""
    raw = connection.dbapi_connection
    raw.autocommit = True
    try:
        cursor = raw.cursor()
        cursor.execute(statement, params)
        return cursor
    finally:
        raw.autocommit = False


def _answer_arrays(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {f"a_{column}": [row[column] for row in rows] for column in ANSWER_COLUMNS}


def _sqlite_answer_rows(
    rows: list[dict[str, Any]], response_id: uuid.UUID, submitted_at: datetime
) -> list[tuple[Any, ...]]:
    """Return the rows as SQLite takes them; a response's rows share its id and time."""
    response_hex, stamp = response_id.hex, _sqlite_time(submitted_at)
    return [
        (
            response_hex,
            row["office_id"],
            row["version_id"],
            stamp,
            row["department_key"],
            row["question_key"],
            row["value"],
            row["option_key"],
            row["text"],
            0,
        )
        for row in rows
    ]


def write_response(
    values: dict[str, Any],
    rows: list[dict[str, Any]],
    before_commit: Callable[[], None] | None = None,
) -> None:
    """Write and commit a response with its answers, all or nothing.

    ``before_commit`` adds more rows (an audit event, paper entry in the panel) to the same
    transaction: that path goes through the ORM session, which it commits.
    """
    if before_commit is not None:
        write_response_in_session(values, rows, before_commit)
        return
    _release_session()
    if db.engine.dialect.name == "postgresql":
        with driver_connection() as connection:
            _pg_autocommit(connection, PG_INSERT_RESPONSE, {**values, **_answer_arrays(rows)})
        return
    params = {
        **values,
        "id": values["id"].hex,
        "submitted_at": _sqlite_time(values["submitted_at"]),
        "completed": int(values["completed"]),
    }
    answers = _sqlite_answer_rows(rows, values["id"], values["submitted_at"])  # before the lock
    with write_lock(), driver_connection() as connection:
        cursor = connection.cursor()
        cursor.execute(SQLITE_INSERT_RESPONSE, params)
        if answers:
            cursor.executemany(SQLITE_INSERT_ANSWER, answers)
        commit(connection)


def write_response_in_session(
    values: dict[str, Any], rows: list[dict[str, Any]], before_commit: Callable[[], None]
) -> None:
    """Write a response, its answers and the caller's rows in the session's transaction; commit."""
    session = db.session
    if session().in_transaction():
        session.commit()
    with write_lock():
        connection = session.connection()
        connection.execute(RESPONSE_TABLE.insert(), values)
        if rows:
            connection.execute(ANSWER_TABLE.insert(), rows)
        before_commit()
        session.commit()


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


def read_stored(connection: Any, response_id: uuid.UUID) -> StoredResponse | None:
    """Return the stored response with this id and the keys it answers (one statement), or None."""
    if db.engine.dialect.name == "postgresql":
        # in autocommit: no transaction left open before the update's own autocommit statement
        cursor = _pg_autocommit(connection, READ_STORED.format(param="%(id)s"), {"id": response_id})
    else:
        cursor = connection.cursor()
        cursor.execute(READ_STORED.format(param=":id"), {"id": response_id.hex})
    rows = cursor.fetchall()
    if not rows:
        return None
    office_id, version_id, channel, submitted_at, content_hash, completed, entered_by_id, _ = rows[
        0
    ]
    if isinstance(submitted_at, str):
        submitted_at = datetime.fromisoformat(submitted_at)
    return StoredResponse(
        office_id=office_id,
        version_id=version_id,
        channel=channel,
        submitted_at=submitted_at,
        content_hash=content_hash,
        completed=bool(completed),
        entered_by_id=entered_by_id,
        answered=frozenset(row[7] for row in rows if row[7] is not None),
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
    connection: Any,
    stored: StoredResponse,
    submission: Submission,
    content_hash: str,
    now: datetime,
) -> bool:
    """Replace the stored response's content and answers if nobody changed it since it was read.

    Returns False when the guarded UPDATE found the row changed (the caller reads again). On
    PostgreSQL one statement in autocommit; on SQLite one transaction, committed here.
    """
    rows = answer_rows(submission, stored.submitted_at)
    completed = stored.completed or submission.completed
    params: dict[str, Any] = {
        "id": submission.id,
        "lang": submission.lang,
        "department_key": submission.department_key,
        "content_hash": content_hash,
        "completed": completed,
        "now": now,
        "old_hash": stored.content_hash,
        "old_completed": stored.completed,
    }
    if db.engine.dialect.name == "postgresql":
        cursor = _pg_autocommit(connection, PG_UPDATE_RESPONSE, {**params, **_answer_arrays(rows)})
        return cursor.fetchone()[0] == 1
    params.update(
        id=submission.id.hex,
        completed=int(completed),
        old_completed=int(stored.completed),
        now=_sqlite_time(now),
    )
    cursor = connection.cursor()
    cursor.execute(SQLITE_UPDATE_RESPONSE, params)
    if cursor.rowcount != 1:
        connection.rollback()
        return False
    cursor.execute("DELETE FROM answer WHERE response_id = ?", (submission.id.hex,))
    if rows:
        cursor.executemany(
            SQLITE_INSERT_ANSWER, _sqlite_answer_rows(rows, submission.id, stored.submitted_at)
        )
    commit(connection)
    return True


def store_update(submission: Submission, content_hash: str) -> str:
    """Store a POST whose id is taken: "duplicate" or "updated", else raise SubmissionError."""
    for _try in range(MAX_UPDATE_TRIES):
        with write_lock(), driver_connection() as connection:
            stored = read_stored(connection, submission.id)
            if stored is None:  # a row that failed the insert is gone: nothing to update
                current_app.logger.error("A response's id was taken and then not found")
                raise SubmissionError(503, "unavailable")
            now = utcnow()
            if not check_update(stored, submission, content_hash, now):
                return "duplicate"
            if update_response(connection, stored, submission, content_hash, now):
                return "updated"
            # lost a race with another update of the same id: decide again
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
