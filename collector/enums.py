"""The closed sets of stored values: version statuses, response channels, staff roles.

Each is a ``StrEnum``, so a member is the very string the database holds (no migration) and
compares equal to it. Each member carries its label: ``msgid`` is the Polish source text (the
msgid of the staff catalog), ``label`` the same text translated lazily for the current locale.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import LazyString, lazy_gettext


class LabelledEnum(StrEnum):
    """A string enum whose members have a Polish msgid and a lazily translated label."""

    @property
    def msgid(self) -> str:
        return type(self)._msgids()[self.value]

    @property
    def label(self) -> LazyString:
        return lazy_gettext(self.msgid)

    @classmethod
    def _msgids(cls) -> dict[str, str]:
        raise NotImplementedError

    @classmethod
    def values(cls) -> tuple[str, ...]:
        """Return the stored strings, in definition order."""
        return tuple(member.value for member in cls)


class VersionStatus(LabelledEnum):
    """A survey version's life: a draft is edited, published once, retired when replaced."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"

    @classmethod
    def _msgids(cls) -> dict[str, str]:
        return VERSION_STATUS_LABELS


class Channel(LabelledEnum):
    """How a response reached the collector; ``paper`` is entered by staff only."""

    WIDGET = "widget"
    PAGE = "page"
    QR = "qr"
    KIOSK = "kiosk"
    PAPER = "paper"

    @classmethod
    def _msgids(cls) -> dict[str, str]:
        return CHANNEL_LABELS


class QuestionType(LabelledEnum):
    """What a question asks for; frozen with its version, so answers keep their meaning."""

    RATING = "rating"
    SINGLE = "single"
    MULTI = "multi"
    TEXT = "text"
    DEPARTMENT = "department"

    @classmethod
    def _msgids(cls) -> dict[str, str]:
        return QUESTION_TYPE_LABELS


class Role(LabelledEnum):
    """A panel user's role: the operator, an office's admin, or its read-only reviewer."""

    ADMIN = "admin"
    REVIEWER = "reviewer"
    SUPERADMIN = "superadmin"

    @classmethod
    def _msgids(cls) -> dict[str, str]:
        return ROLE_LABELS


class CommentStatus(LabelledEnum):
    """Where a comment is in the clerk's work: unread (new), read, needs action, answered by an action."""

    NEW = "new"
    READ = "read"
    NEEDS_ACTION = "needs_action"
    ANSWERED = "answered"

    @classmethod
    def _msgids(cls) -> dict[str, str]:
        return COMMENT_STATUS_LABELS


class HideReason(LabelledEnum):
    """Why a comment is hidden from reports (it is kept, never deleted)."""

    OFFENSIVE = "offensive"
    SPAM = "spam"
    PERSONAL_DATA = "personal_data"

    @classmethod
    def _msgids(cls) -> dict[str, str]:
        return HIDE_REASON_LABELS


# The labels' msgids (Polish), one table per enum: `make messages` reads these tables (babel.cfg).
VERSION_STATUS_LABELS = {
    "draft": "wersja robocza",
    "published": "opublikowana",
    "retired": "wycofana",
}
CHANNEL_LABELS = {
    "widget": "widżet na stronie urzędu",
    "page": "strona ankiety",
    "qr": "kod QR w urzędzie",
    "kiosk": "tablet (kiosk) w urzędzie",
    "paper": "ankieta papierowa",
}
QUESTION_TYPE_LABELS = {
    "rating": "ocena 1–5",
    "single": "jednokrotny wybór",
    "multi": "wielokrotny wybór",
    "text": "odpowiedź otwarta",
    "department": "wybór wydziału",
}
COMMENT_STATUS_LABELS = {
    "new": "nowy",
    "read": "przeczytany",
    "needs_action": "wymaga działania",
    "answered": "odpowiedziano działaniem naprawczym",
}
HIDE_REASON_LABELS = {
    "offensive": "obraźliwy",
    "spam": "spam",
    "personal_data": "dane osobowe",
}
ROLE_LABELS = {
    "admin": "administrator",
    "reviewer": "recenzent (tylko odczyt)",
    "superadmin": "superadministrator",
}
