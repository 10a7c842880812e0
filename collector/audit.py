"""The audit log (KRI): one function that every layer calls to record who did what.

``record_event`` writes the row. ``audit_change`` is what domain operations call: it takes the
``Actor`` (the panel passes the logged-in user and address, the command line ``CLI_ACTOR``) and
the record, and fills in the record's type, id and office. ``model_values`` and
``changed_values`` make JSON-safe snapshots of records, secrets left out.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from .extensions import db
from .models import AuditEvent, Office, User

# Never written to the audit log, whatever the model.
SECRET_FIELDS = frozenset({"password_hash", "totp_secret"})
CLI_EMAIL = "cli"  # user_email of every event written by a command-line tool


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a panel user (with their address), or a command-line tool."""

    user: User | None = None
    email: str | None = None  # overrides the user's e-mail, e.g. "cli"
    remote_addr: str = ""


CLI_ACTOR = Actor(email=CLI_EMAIL)


def record_event(
    action: str,
    *,
    user: User | None = None,
    office_id: int | None = None,
    object_type: str = "",
    object_id: Any = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    remote_addr: str = "",
    user_email: str | None = None,
) -> AuditEvent:
    """Add an audit event to the session; the caller's commit makes it part of the same change."""
    event = AuditEvent(
        action=action,
        user_id=user.id if user else None,
        user_email=user_email if user_email is not None else (user.email if user else ""),
        office_id=office_id if office_id is not None else (user.office_id if user else None),
        object_type=object_type,
        object_id=str(object_id) if object_id != "" else "",
        before=before,
        after=after,
        remote_addr=remote_addr or "",
    )
    db.session.add(event)
    return event


def json_value(value: Any) -> Any:
    """Return ``value`` as JSON-safe data (dates as ISO text, bytes as their size)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} B>"
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def model_values(obj: Any) -> dict[str, Any]:
    """Return the record's column values as JSON-safe data, without secrets."""
    mapper = sa.inspect(obj).mapper
    return {
        attr.key: json_value(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in SECRET_FIELDS
    }


def changed_values(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def office_of(obj: Any) -> int | None:
    """Return the office id a record belongs to, when it has one."""
    if isinstance(obj, Office):
        return obj.id
    return getattr(obj, "office_id", None)


def audit_change(
    action: str,
    obj: Any = None,
    *,
    actor: Actor,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    office_id: int | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj`` (flushed or not); the caller commits."""
    if obj is not None:
        identity = sa.inspect(obj).identity
        object_type, object_id = type(obj).__name__, identity[0] if identity else ""
        if office_id is None:
            office_id = office_of(obj)
    else:
        object_type, object_id = "", ""
    return record_event(
        action,
        user=actor.user,
        office_id=office_id,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        remote_addr=actor.remote_addr,
        user_email=actor.email,
    )
