"""Panel users: create one, set a password, and the rules for changing a role or deactivating."""

from __future__ import annotations

import sqlalchemy as sa

from ..audit import Actor, audit_change, model_values
from ..enums import Role
from ..extensions import db
from ..models import Office, User
from ..passwords import MIN_PASSWORD_LENGTH, hash_password
from .problems import DomainError


def normalize_email(email: str) -> str:
    """Return the e-mail address as stored: trimmed, lower case."""
    return email.strip().lower()


def check_password(password: str) -> None:
    """Refuse (``password_too_short``) a password under the minimum length."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("password_too_short", field="password", min=MIN_PASSWORD_LENGTH)


def check_membership(role: str, office: Office | int | None) -> None:
    """Refuse ``office_required`` for an admin or reviewer without an office."""
    if role != Role.SUPERADMIN and office is None:
        raise DomainError("office_required", field="office")


def check_role_change(
    *, actor_role: str, role: str, editing_self: bool, was_role: str | None, active: bool
) -> None:
    """Refuse what no one may do to a user: grant superadmin unless one, demote or deactivate oneself."""
    if role == Role.SUPERADMIN and actor_role != Role.SUPERADMIN:
        raise DomainError("superadmin_only", field="role")
    if editing_self and (not active or role != was_role):
        raise DomainError("self_demotion", field="role")


def create_user(email: str, password: str, role: str, office: Office | None, actor: Actor) -> User:
    """Add an active user with a hashed password; audited without the hash."""
    email = normalize_email(email)
    if "@" not in email:
        raise DomainError("email_format", field="email", email=email)
    if role not in Role.values():
        raise DomainError("role_unknown", field="role", role=role)
    check_membership(role, office)
    check_password(password)
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise DomainError("email_taken", field="email", email=email)
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=Role(role),
        office_id=office.id if office and role != Role.SUPERADMIN else None,
    )
    db.session.add(user)
    db.session.flush()
    audit_change("create", user, actor=actor, after=model_values(user))
    return user


def end_sessions(user: User) -> None:
    """End every session of the user at once: each carries the version it began with."""
    user.session_version = (user.session_version or 0) + 1


def apply_password(user: User, password: str) -> None:
    """Check and hash a new password, unlock the account and end its sessions, without auditing
    (the caller does)."""
    check_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    end_sessions(user)


def set_password(user: User, password: str, actor: Actor, *, action: str = "password_set") -> None:
    """Set a new password and unlock the account; the audit says it was set, never what it is."""
    apply_password(user, password)
    audit_change(action, user, actor=actor, after={"password": "***"})
