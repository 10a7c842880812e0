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


class NotificationKind(LabelledEnum):
    """What an e-mail to staff is: the monthly digest, an alert on a drop, a report reminder."""

    DIGEST = "digest"
    ALERT = "alert"
    REMINDER = "reminder"

    @classmethod
    def _msgids(cls) -> dict[str, str]:
        return NOTIFICATION_KIND_LABELS


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
NOTIFICATION_KIND_LABELS = {
    "digest": "miesięczne podsumowanie wyników",
    "alert": "alerty o spadku ocen",
    "reminder": "przypomnienia o raporcie rocznym",
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

# Audit actions (``AuditEvent.action``), as the audit log names them; packages add their own actions
# here, so that the log never shows a raw name.
AUDIT_ACTION_LABELS = {
    "login": "logowanie",
    "login_failed": "nieudane logowanie",
    "account_locked": "blokada konta",
    "address_locked": "blokada adresu",
    "logout": "wylogowanie",
    "password_changed": "zmiana hasła",
    "password_set": "ustawienie hasła",
    "login_password_accepted": "logowanie: hasło poprawne, oczekiwanie na kod",
    "two_factor_enrolment_started": "logowanie dwuetapowe: nowy klucz",
    "two_factor_enabled": "włączenie logowania dwuetapowego",
    "two_factor_disabled": "wyłączenie logowania dwuetapowego",
    "two_factor_reset": "wyłączenie logowania dwuetapowego przez administratora",
    "recovery_codes_regenerated": "nowe kody odzyskiwania",
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
    "comment.status": "zmiana stanu komentarza",
    "comment.theme": "zmiana tematów komentarza",
    "action.link_comments": "powiązanie komentarzy z działaniem naprawczym",
    "response.paper_entry": "wprowadzenie ankiety papierowej",
    "response.purge": "usunięcie starych odpowiedzi (retencja)",
    "report.generate": "wygenerowanie raportu",
    "report.download": "pobranie raportu",
    "report.export": "eksport danych",
    "report.supersede": "zastąpienie raportu nowszym",
    "notifications.preferences": "zmiana ustawień powiadomień e-mail",
    "notifications.unsubscribe": "rezygnacja z powiadomień linkiem z e-maila",
}
# Records and fields as the audit log names them (``object_type`` and the keys of before/after).
AUDIT_OBJECT_LABELS = {
    "Office": "urząd",
    "Department": "wydział",
    "User": "użytkownik",
    "Survey": "ankieta",
    "SurveyVersion": "wersja ankiety",
    "Question": "pytanie",
    "Response": "odpowiedź",
    "Answer": "odpowiedź na pytanie",
    "Report": "raport",
    "report": "raport",
    "CorrectiveAction": "działanie naprawcze",
    "CommentTheme": "temat uwag",
    "RecoveryCode": "kod odzyskiwania",
}
AUDIT_FIELD_LABELS = {
    "name": "nazwa",
    "slug": "identyfikator",
    "key": "klucz",
    "email": "adres e-mail",
    "role": "rola",
    "active": "aktywne",
    "office_id": "urząd",
    "address": "adres",
    "contact_email": "e-mail kontaktowy",
    "contact_phone": "telefon kontaktowy",
    "privacy_url": "klauzula informacyjna (adres)",
    "allowed_origins": "dozwolone adresy stron",
    "languages": "języki ankiety",
    "look_label": "napis na przycisku",
    "look_color": "kolor przycisku",
    "look_position": "położenie przycisku",
    "retention_days": "okres przechowywania odpowiedzi (dni)",
    "publish_results": "publikacja wyników",
    "results_published_at": "wyniki publikowane od",
    "names": "nazwy w innych językach",
    "position": "kolejność",
    "hidden": "ukryty w raportach",
    "response_id": "odpowiedź",
    "status": "stan",
    "number": "numer",
    "title": "tytuł",
    "owner": "odpowiedzialny",
    "deadline": "termin",
    "description": "opis",
    "question_key": "pytanie",
    "done_at": "wykonano",
    "reason": "powód",
    "period_start": "początek okresu",
    "period_end": "koniec okresu",
    "versions": "wersje",
    "version": "wersja",
    "lang": "język",
    "format": "format",
    "responses": "odpowiedzi",
    "response_count": "liczba odpowiedzi",
    "sha256": "SHA-256 pliku",
    "data_sha256": "SHA-256 danych",
    "locked_until": "zablokowane do",
    "report": "raport",
    "superseded_by": "zastąpiony przez",
    "published": "opublikowana",
    "retired": "wycofana",
    "draft": "wersja robocza",
    "questions": "pytania",
    "answered_questions": "liczba odpowiedzi na pytania",
    "missing_answers": "pytania obowiązkowe bez odpowiedzi",
    "texts": "treść",
    "type": "rodzaj",
    "required": "obowiązkowe",
    "options": "odpowiedzi do wyboru",
    "created_at": "utworzono",
    "last_login_at": "ostatnie logowanie",
    "failed_logins": "nieudane logowania",
    "copied_from": "skopiowana z wersji",
    "removed": "usunięte",
    "older_than_days": "starsze niż (dni)",
    "cutoff": "granica",
    "intro": "wstęp",
    "group": "siatka ocen",
    "group_texts": "pytanie siatki",
    "allow_na": "„nie dotyczy” dozwolone",
    "max_picks": "najwięcej wyborów",
    "max_length": "najwięcej znaków",
    "scale": "opisy skali",
    "hint": "podpowiedź",
    "password": "hasło",
    "count": "liczba",
    "channel": "kanał",
    "department_key": "wydział",
    "published_at": "opublikowano",
    "retired_at": "wycofano",
    "invite_enabled": "zaproszenie włączone",
    "accessibility_url": "deklaracja dostępności (adres)",
    "info_clause": "klauzula informacyjna",
    "alert_mean_below": "próg alertu (średnia poniżej)",
    "notify_digest": "miesięczne podsumowanie e-mailem",
    "notify_alerts": "alerty e-mailem",
    "notify_reminders": "przypomnienia e-mailem",
    "notify_lang": "język wiadomości e-mail",
}
