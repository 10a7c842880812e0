"""The audit log (KRI): one function that every layer calls to record who did what."""

from __future__ import annotations

from typing import Any

from .extensions import db
from .models import AuditEvent, User


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
