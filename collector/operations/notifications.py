"""E-mail to staff: each user's choice of messages, the signed unsubscribe link, the failures to show.

What is sent and when lives in ``reports/notify.py``; here are the rules that the panel, the
unsubscribe page and the sender share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from itsdangerous import BadSignature, URLSafeSerializer

from ..audit import Actor, audit_change
from ..enums import NotificationKind
from ..extensions import db
from ..models import Notification, User
from .problems import DomainError

MAIL_LANGUAGES = ("pl", "en")
PREFERENCE_FIELDS = {
    NotificationKind.DIGEST: "notify_digest",
    NotificationKind.ALERT: "notify_alerts",
    NotificationKind.REMINDER: "notify_reminders",
}
UNSUBSCRIBE_SALT = "ocen-urzad.unsubscribe"
# Statuses of a Notification row (see collector.models.Notification).
SENDING, SENT, FAILED, CANCELLED = "sending", "sent", "failed", "cancelled"


def wants(user: User, kind: str) -> bool:
    """Tell whether the user receives this kind of message (an inactive account receives none)."""
    return bool(
        user.active and user.email and getattr(user, PREFERENCE_FIELDS[NotificationKind(kind)])
    )


def set_preferences(
    user: User, *, digest: bool, alerts: bool, reminders: bool, lang: str, actor: Actor
) -> None:
    """Set which messages the user receives and in which language; audited when anything changed."""
    if lang not in MAIL_LANGUAGES:
        raise DomainError("language_unknown", field="notify_lang", lang=lang)
    before = {
        "notify_digest": user.notify_digest,
        "notify_alerts": user.notify_alerts,
        "notify_reminders": user.notify_reminders,
        "notify_lang": user.notify_lang,
    }
    after = {
        "notify_digest": digest,
        "notify_alerts": alerts,
        "notify_reminders": reminders,
        "notify_lang": lang,
    }
    changed = {k for k in after if before[k] != after[k]}
    if not changed:
        return
    for key in changed:
        setattr(user, key, after[key])
    audit_change(
        "notifications.preferences",
        user,
        actor=actor,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    db.session.flush()


def unsubscribe(user: User, kind: str) -> bool:
    """Stop one kind of message for the user (the link in an e-mail); tell whether it was on."""
    name = PREFERENCE_FIELDS[NotificationKind(kind)]
    if not getattr(user, name):
        return False
    setattr(user, name, False)
    audit_change(
        "notifications.unsubscribe",
        user,
        actor=Actor(user=user),
        before={name: True},
        after={name: False},
    )
    db.session.flush()
    return True


def unsubscribe_token(secret_key: str, user_id: int, kind: str) -> str:
    """Return the signed token of the unsubscribe link: the user and the kind, nothing else.

    It does not expire: an unsubscribe link must work in a message read months later (RFC 8058).
    """
    serializer = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT)
    return str(serializer.dumps([user_id, str(kind)]))


def read_unsubscribe_token(secret_key: str, token: str) -> tuple[int, str] | None:
    """Return (user id, kind) from a token this collector signed, or None for anything else."""
    serializer = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT)
    try:
        value = serializer.loads(token[:300])
    except (BadSignature, ValueError, TypeError):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or value[1] not in NotificationKind.values()
    ):
        return None
    return value[0], value[1]


@dataclass(frozen=True)
class MailFailures:
    """Messages the last runs could not send and the next run will retry: how many, the newest error."""

    count: int
    error: str
    at: datetime


def get_mail_failures(office_id: int | None = None) -> MailFailures | None:
    """Return the messages waiting to be retried (of one office, or all for None), or None."""
    where = [Notification.status == FAILED]
    if office_id is not None:
        where.append(Notification.office_id == office_id)
    count = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(*where)) or 0
    if not count:
        return None
    newest = db.session.execute(
        sa.select(Notification.error, Notification.attempted_at)
        .where(*where)
        .order_by(Notification.attempted_at.desc(), Notification.id.desc())
        .limit(1)
    ).one()
    return MailFailures(count, newest.error, newest.attempted_at)
