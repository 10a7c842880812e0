"""Audit helpers for the panel: JSON-safe snapshots of records and one call to log a change.

Every write goes through ``collector.audit`` (snapshots, secrets left out, the row itself); the
panel adds who (the logged-in user) and where (their address): ``get_actor`` for domain
operations, ``audit`` for the views' own events.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from collector.audit import (  # noqa: F401  (model_values, changed_values, office_of: used by views)
    SECRET_FIELDS,
    Actor,
    audit_change,
    changed_values,
    model_values,
    office_of,
)
from collector.enums import AUDIT_ACTION_LABELS
from collector.models import AuditEvent, User

# The action names and their labels live with the other label tables (collector/enums.py).
ACTION_LABELS = AUDIT_ACTION_LABELS


def get_remote_addr() -> str:
    """Return the staff member's address for the access log, or "" outside a request."""
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def get_acting_user() -> User | None:
    """Return the logged-in user, or None."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def get_actor(user: User | None = None) -> Actor:
    """Return the acting panel user (or ``user``) with their address, for domain operations."""
    return Actor(
        user=user if user is not None else get_acting_user(), remote_addr=get_remote_addr()
    )


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
    actor = get_actor(user)
    if user_email is not None:
        actor = Actor(user=actor.user, email=user_email, remote_addr=actor.remote_addr)
    return audit_change(action, obj, actor=actor, before=before, after=after, office_id=office_id)
