"""Audit helpers for the panel: JSON-safe snapshots of records and one call to log a change.

Every write goes through ``collector.audit.record_event``; these helpers add who (the logged-in
user), where (their address) and what (the record's values, secrets left out).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from collector.audit import record_event
from collector.models import AuditEvent, User

# Never written to the audit log, whatever the model.
SECRET_FIELDS = frozenset({"password_hash"})

# The action names the panel writes; other packages add theirs (publish, report, export, ...).
ACTION_LABELS = {
    "login": "logowanie",
    "login_failed": "nieudane logowanie",
    "account_locked": "blokada konta",
    "address_locked": "blokada adresu",
    "logout": "wylogowanie",
    "password_changed": "zmiana hasła",
    "password_set": "ustawienie hasła",
    "create": "utworzenie",
    "update": "zmiana",
    "delete": "usunięcie",
    "survey.draft": "utworzenie wersji roboczej ankiety",
    "survey.details": "zmiana tytułu lub wstępu ankiety",
    "survey.question_add": "dodanie pytania",
    "survey.question_edit": "zmiana pytania",
    "survey.question_move": "przesunięcie pytania",
    "survey.question_delete": "usunięcie pytania",
    "survey.discard": "usunięcie wersji roboczej ankiety",
    "survey.publish": "publikacja ankiety",
    "response.comment_hide": "ukrycie komentarza w raportach",
    "response.comment_show": "przywrócenie komentarza w raportach",
    "response.paper_entry": "wprowadzenie ankiety papierowej",
}


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} B>"
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def model_values(obj: Any) -> dict[str, Any]:
    """Return the record's column values as JSON-safe data, without secrets."""
    mapper = sa.inspect(obj).mapper
    return {
        attr.key: _json_value(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in SECRET_FIELDS
    }


def changed_values(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return only the fields that differ, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def get_remote_addr() -> str:
    """Return the staff member's address for the access log, or "" outside a request."""
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def get_acting_user() -> User | None:
    """Return the logged-in user, or None."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def office_of(obj: Any) -> int | None:
    """Return the office id a record belongs to, when it has one."""
    from collector.models import Office

    if isinstance(obj, Office):
        return obj.id
    return getattr(obj, "office_id", None)


def audit(
    action: str,
    obj: Any = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    user: User | None = None,
    office_id: int | None = None,
    user_email: str | None = None,
) -> AuditEvent:
    """Record an audit event for the acting user (or ``user``) about ``obj``; the caller commits."""
    user = user if user is not None else get_acting_user()
    if obj is not None:
        object_type = type(obj).__name__
        object_id = sa.inspect(obj).identity[0] if sa.inspect(obj).identity else ""
        if office_id is None:
            office_id = office_of(obj)
    else:
        object_type, object_id = "", ""
    return record_event(
        action,
        user=user,
        office_id=office_id,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        remote_addr=get_remote_addr(),
        user_email=user_email,
    )
