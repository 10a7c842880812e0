"""The data: offices, their surveys and versions, responses and answers, users, audit, reports.

The collector owns the data; admin/ and reports/ import these models, never the other way.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, TypeAlias

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .enums import Channel, CommentStatus, QuestionType, Role, VersionStatus
from .extensions import db

LANGUAGES = ("pl", "en", "uk")
QUESTION_TYPES = QuestionType.values()
CHANNELS = Channel.values()
ROLES = Role.values()
REPORT_REASONS = ("periodic", "pre-change", "ad-hoc")
VERSION_STATUSES = VersionStatus.values()
NA = "na"  # "nie dotyczy" on a rating


def utcnow() -> datetime:
    """Return the current UTC time, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def pick_text(texts: dict[str, str] | None, lang: str) -> str:
    """Return the text in ``lang``, falling back to Polish, then to any text there is."""
    if not texts:
        return ""
    return texts.get(lang) or texts.get("pl") or next(iter(texts.values()), "")


# The banner as the widget draws it with no data- attribute (widget/src: messages.js, dialog.js).
DEFAULT_LOOK = {"label": "Oceń Urząd", "color": "#0b5cab", "position": "bottom-right"}

# Flask-SQLAlchemy builds db.Model at runtime (from extensions.Base plus its own mixins); mypy
# cannot use an instance attribute as a base class, so the models subclass this alias.
Model: TypeAlias = db.Model  # type: ignore[name-defined]


class Office(Model):
    __tablename__ = "office"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(50), default="")
    privacy_url: Mapped[str] = mapped_column(sa.String(500), default="")
    # Exact origins, scheme://host[:port], allowed to post responses.
    allowed_origins: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: list(LANGUAGES))
    look_label: Mapped[str] = mapped_column(sa.String(60), default=DEFAULT_LOOK["label"])
    look_color: Mapped[str] = mapped_column(sa.String(7), default=DEFAULT_LOOK["color"])
    look_position: Mapped[str] = mapped_column(sa.String(20), default=DEFAULT_LOOK["position"])
    retention_days: Mapped[int | None] = mapped_column(default=None)
    # The hosted page's footer: the accessibility statement (deklaracja dostępności) and the
    # information clause (RODO art. 13) as the office words it.
    accessibility_url: Mapped[str] = mapped_column(sa.String(500), default="")
    info_clause: Mapped[str] = mapped_column(sa.Text, default="")
    # The optional invitation (off by default): after ``invite_delay_seconds`` on the page and/or on
    # one of ``invite_paths``, to ``invite_sample_percent`` of visitors, not again for
    # ``invite_snooze_days`` once answered or dismissed.
    invite_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Every account of the office must log in with a one-time code as well (TOTP).
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The public results page (/wyniki/<slug>), open data and the results endpoint: off by default;
    # ``results_published_at`` is when the office last switched it on (reports archived since
    # then are listed publicly).
    publish_results: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    results_published_at: Mapped[datetime | None] = mapped_column(default=None)
    # An alert e-mail goes to the office's staff when a department's or an item's mean over the last
    # 30 days falls below this (with at least 10 responses); see reports/notify.py.
    alert_mean_below: Mapped[float] = mapped_column(sa.Double, default=3.5, server_default="3.5")
    invite_delay_seconds: Mapped[int | None] = mapped_column(default=None)
    invite_paths: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    invite_sample_percent: Mapped[int] = mapped_column(default=100, server_default="100")
    invite_snooze_days: Mapped[int] = mapped_column(default=90, server_default="90")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    departments: Mapped[list[Department]] = relationship(
        back_populates="office", order_by="Department.position"
    )
    surveys: Mapped[list[Survey]] = relationship(back_populates="office")

    def __str__(self) -> str:
        return self.name


class Department(Model):
    __tablename__ = "department"
    __table_args__ = (sa.UniqueConstraint("office_id", "key", name="uq_department_office_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    # Translations of the name, {"en": ..., "uk": ...}; Polish is ``name``.
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    office: Mapped[Office] = relationship(back_populates="departments")

    def text(self, lang: str) -> str:
        return (self.names or {}).get(lang) or self.name

    def __str__(self) -> str:
        return self.name


class Survey(Model):
    __tablename__ = "survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="Badanie satysfakcji klienta")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    office: Mapped[Office] = relationship(back_populates="surveys")
    versions: Mapped[list[SurveyVersion]] = relationship(
        back_populates="survey", order_by="SurveyVersion.number"
    )

    def __str__(self) -> str:
        return self.name


class SurveyVersion(Model):
    """A survey's definition; frozen once published, so old answers never change meaning."""

    __tablename__ = "survey_version"
    __table_args__ = (sa.UniqueConstraint("survey_id", "number", name="uq_survey_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(12), default=VersionStatus.DRAFT.value)
    title: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    intro: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), default=None)

    survey: Mapped[Survey] = relationship(back_populates="versions")
    questions: Mapped[list[Question]] = relationship(
        back_populates="version", order_by="Question.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"v{self.number} ({self.status})"


class Question(Model):
    __tablename__ = "question"
    __table_args__ = (sa.UniqueConstraint("version_id", "key", name="uq_question_version_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_version.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    type: Mapped[str] = mapped_column(sa.String(12))
    position: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=False)
    texts: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # A grid of ratings is a run of rating questions sharing a group.
    group: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    group_texts: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    hint: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    # [{"key": "wniosek", "texts": {"pl": ..., "en": ..., "uk": ...}}, ...]; for department
    # questions the options come from the office's active departments at publish time.
    options: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # Labels of 1..5 per language, {"pl": ["bardzo słabo", ...], ...}.
    scale: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON, default=dict)
    allow_na: Mapped[bool] = mapped_column(default=True)
    max_picks: Mapped[int | None] = mapped_column(default=None)
    max_length: Mapped[int] = mapped_column(default=2000)
    # Shown only when a rating question's answer is within a range:
    # {"question": "ocena_ogolna", "min": 1, "max": 2}; None = always shown.
    show_if: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)

    version: Mapped[SurveyVersion] = relationship(back_populates="questions")

    def option_keys(self) -> list[str]:
        return [o["key"] for o in self.options or []]

    def __str__(self) -> str:
        return self.key


class Response(Model):
    """One submitted survey. Anonymous by design: no IP address, cookie or user agent."""

    __tablename__ = "response"
    __table_args__ = (
        sa.Index("ix_response_office_submitted", "office_id", "submitted_at"),
        sa.Index("ix_response_version", "version_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)  # the client's idempotency key
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"))
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_version.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(sa.String(8))
    lang: Mapped[str] = mapped_column(sa.String(2), default="pl")
    department_key: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    # SHA-256 of the normalized content, to tell a replay (200) from a conflicting reuse (409).
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    # Staff member who typed in a paper questionnaire; None for residents' own answers.
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), default=None)
    # Whether the resident reached the end of the survey (one click stores the overall rating
    # alone; each later step updates the response under the same id).
    completed: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The last update by the same id (None: never updated); updates close 60 minutes after
    # ``submitted_at``.
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # A paper questionnaire typed in with answers the resident left blank (required ones too):
    # entered as it is on paper, and counted apart in the report.
    missing_answers: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    version: Mapped[SurveyVersion] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class Answer(Model):
    """One answered question, or one picked option of a multi question.

    office, version, department and time are copied from the response so that report
    queries scan this one table.
    """

    __tablename__ = "answer"
    __table_args__ = (
        sa.Index("ix_answer_report", "office_id", "submitted_at", "version_id", "question_key"),
        sa.Index("ix_answer_response", "response_id"),
        # The report's newest comments, walked back from the period's end (reports.queries).
        sa.Index(
            "ix_answer_comment",
            "office_id",
            "submitted_at",
            postgresql_where=sa.text("text IS NOT NULL"),
            sqlite_where=sa.text("text IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    response_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("response.id", ondelete="CASCADE"))
    # Copies of the response's: checked through it (its foreign keys), not once per answer row.
    office_id: Mapped[int]
    version_id: Mapped[int]
    submitted_at: Mapped[datetime]
    department_key: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    question_key: Mapped[str] = mapped_column(sa.String(64))
    value: Mapped[int | None] = mapped_column(default=None)  # rating 1..5
    option_key: Mapped[str | None] = mapped_column(sa.String(64), default=None)  # or "na"
    text: Mapped[str | None] = mapped_column(sa.Text, default=None)
    hidden: Mapped[bool] = mapped_column(default=False)  # a comment hidden from reports
    # The clerk's work on a comment (text answers only; see collector/operations/comments.py).
    status: Mapped[str] = mapped_column(
        sa.String(16), default=CommentStatus.NEW.value, server_default=CommentStatus.NEW.value
    )
    hidden_reason: Mapped[str | None] = mapped_column(sa.String(16), default=None)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), default=None)
    hidden_at: Mapped[datetime | None] = mapped_column(default=None)

    response: Mapped[Response] = relationship(back_populates="answers")
    themes: Mapped[list[CommentTheme]] = relationship(
        secondary="answer_theme", order_by="CommentTheme.position"
    )
    hidden_by: Mapped[User | None] = relationship(foreign_keys=[hidden_by_id])


class CommentTheme(Model):
    """A theme a clerk gives comments ("czas oczekiwania"); each office edits its own set."""

    __tablename__ = "comment_theme"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "name", name="uq_comment_theme_office_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(default=0)
    # A theme in use is retired, not deleted, so that past counts keep their name.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    office: Mapped[Office] = relationship()

    def __str__(self) -> str:
        return self.name


answer_theme = sa.Table(
    "answer_theme",
    Model.metadata,
    sa.Column("answer_id", sa.ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("comment_theme.id", ondelete="CASCADE"), primary_key=True),
)


class RefusedOrigin(Model):
    """A page address the collector refused for an office, counted per day (for embed health).

    Only the origin (scheme://host[:port]) of the refused page is kept, never a person's address.
    """

    __tablename__ = "refused_origin"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "day", "origin", name="uq_refused_origin_office_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"))
    day: Mapped[date]
    origin: Mapped[str] = mapped_column(sa.String(255))
    count: Mapped[int] = mapped_column(default=1)


class User(Model):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(12))
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("office.id"), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    # The login before the current one: what "Ostatnie logowanie" shows (last_login_at is this one).
    previous_login_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Raised to end every session of the user at once (logout, password change, deactivation):
    # sessions carry the value they started with and are refused once it differs.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Two-factor login (TOTP, RFC 6238): the base32 secret, sealed with the app's key
    # (operations/two_factor.py; plain text if stored before sealing), set at enrolment and in
    # force once confirmed; the last time step accepted, so that one code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255), default=None)
    totp_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger, default=None)
    # Which e-mails the user receives (reports/notify.py), each switched off on the account page or
    # by the link in every message, and in which language (pl or en).
    notify_digest: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    notify_alerts: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    notify_reminders: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    notify_lang: Mapped[str] = mapped_column(sa.String(2), default="pl", server_default="pl")

    office: Mapped[Office | None] = relationship()
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Return the session's user id: the row's id and its session version ("12:3")."""
        return f"{self.id}:{self.session_version or 0}"

    def __str__(self) -> str:
        return self.email


class Notification(Model):
    """One e-mail to a staff member, recorded before it is sent so that no run sends it twice.

    The key (user, kind, subject, period) is unique: ``subject`` is what the message is about
    (the office for a digest, ``department:<key>``/``item:<key>``/``low_run`` for an alert, the
    report's due date for a reminder) and ``period`` when (``2026-05``, ``2026-W24``, ``30``…).
    ``status``: ``sending`` (claimed; a crash leaves it so, and it is never sent again), ``sent``,
    ``failed`` (retried by the next run), ``cancelled`` (no longer wanted when retried).
    The message is kept as it was written, so a retry sends the same words.
    """

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "subject", "period", name="uq_notification_key"),
        sa.Index("ix_notification_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"))
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("office.id"), default=None)
    kind: Mapped[str] = mapped_column(sa.String(12))
    subject: Mapped[str] = mapped_column(sa.String(120))
    period: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(12), default="sending")
    mail_subject: Mapped[str] = mapped_column(sa.String(300), default="")
    mail_body: Mapped[str] = mapped_column(sa.Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempted_at: Mapped[datetime | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()


class RecoveryCode(Model):
    """A one-time code that replaces the TOTP code once (lost phone); only its hash is stored."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("app_user.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class AuditEvent(Model):
    """Who did what, when, with the values before and after (KRI). Append-only."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_office_at", "office_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), default=None)
    user_email: Mapped[str] = mapped_column(sa.String(254), default="")
    office_id: Mapped[int | None] = mapped_column(sa.ForeignKey("office.id"), default=None)
    action: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(60), default="")
    object_id: Mapped[str] = mapped_column(sa.String(64), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)
    # The staff member's address, kept for the access log; residents' addresses are never stored.
    remote_addr: Mapped[str] = mapped_column(sa.String(45), default="")

    user: Mapped[User | None] = relationship()


class Report(Model):
    """An archived report: the PDF as generated, with its SHA-256. Never edited or deleted."""

    __tablename__ = "report"
    __table_args__ = (sa.Index("ix_report_office_created", "office_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    versions: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    reason: Mapped[str] = mapped_column(sa.String(12))
    lang: Mapped[str] = mapped_column(sa.String(2), default="pl")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), default=None)
    author_name: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    response_count: Mapped[int] = mapped_column(default=0)
    pdf: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    # The report's data as canonical JSON (its SHA-256 is ``data_sha256``): the public results page
    # and open data show the archived figures, not a recount. Empty for reports archived before.
    data_json: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # A newer report of the same period and kind replaced this one; both stay in the archive.
    superseded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("report.id"), default=None
    )

    office: Mapped[Office] = relationship()
    author: Mapped[User | None] = relationship()


# The daily roll-up of closed days (filled and read by reports/rollup.py): per office and span of
# local (Polish) days — one day (``span`` 1) or a whole month (``span`` = its days, ``day`` its
# first) — the answers' counts at the report's grain, and the sums a driver's correlation with the
# overall rating needs. A span counts as rolled up only while its ``rollup_day`` row is there and
# still holds the number of responses the span has (a late or deleted response makes it stale);
# hiding or showing a comment forgets its day and month (``collector.operations.rollup``).
rollup_day = sa.Table(
    "rollup_day",
    Model.metadata,
    sa.Column("office_id", sa.ForeignKey("office.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("span", sa.Integer, primary_key=True),
    sa.Column("responses", sa.Integer, nullable=False),
    sa.Column("rolled_at", sa.DateTime, nullable=False),
)

answer_daily = sa.Table(
    "answer_daily",
    Model.metadata,
    sa.Column("office_id", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("span", sa.Integer, nullable=False),
    sa.Column("version_id", sa.Integer, nullable=False),
    sa.Column("question_key", sa.String(64), nullable=False),
    sa.Column("department_key", sa.String(64), nullable=False),  # "" for none
    sa.Column("value", sa.Integer),
    sa.Column("option_key", sa.String(64)),
    sa.Column("hidden", sa.Boolean, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.Index("ix_answer_daily_office_day", "office_id", "day", "span"),
)

pair_daily = sa.Table(
    "pair_daily",
    Model.metadata,
    sa.Column("office_id", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("span", sa.Integer, nullable=False),
    sa.Column("version_id", sa.Integer, nullable=False),
    sa.Column("question_key", sa.String(64), nullable=False),  # the driver (x)
    sa.Column("overall_key", sa.String(64), nullable=False),  # the overall rating (y)
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("sum_x", sa.BigInteger, nullable=False),
    sa.Column("sum_y", sa.BigInteger, nullable=False),
    sa.Column("sum_xx", sa.BigInteger, nullable=False),
    sa.Column("sum_yy", sa.BigInteger, nullable=False),
    sa.Column("sum_xy", sa.BigInteger, nullable=False),
    sa.Index("ix_pair_daily_office_day", "office_id", "day", "span"),
)


class ReportBuild(Model):
    """A report asked for in the panel and built in the background: its state for the status page.

    ``state`` is queued → building → done (``report_id`` set) or failed (``error`` in Polish). One
    build per office, period, reason and language may be queued or building at a time. While it
    runs, the process building it keeps ``updated_at`` fresh (a heartbeat); ``attempts`` counts the
    runs started, each taking the build by raising it, so a run whose number is no longer the
    row's has lost the build to a resumed one (``admin.report_builds``).
    """

    __tablename__ = "report_build"
    __table_args__ = (
        sa.Index("ix_report_build_office_created", "office_id", "created_at"),
        # Two clicks cannot start two builds of the same report: one may be under way at a time.
        sa.Index(
            "uq_report_build_active",
            "office_id",
            "period_start",
            "period_end",
            "reason",
            "lang",
            unique=True,
            postgresql_where=sa.text("state IN ('queued', 'building')"),
            sqlite_where=sa.text("state IN ('queued', 'building')"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(12))
    lang: Mapped[str] = mapped_column(sa.String(2), default="pl")
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"), default=None)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("report.id"), default=None
    )
    state: Mapped[str] = mapped_column(sa.String(10), default="queued")
    error: Mapped[str] = mapped_column(sa.Text, default="")
    report_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("report.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    # The requesting staff member's address, for the audit of a run resumed by another process.
    remote_addr: Mapped[str] = mapped_column(sa.String(45), default="", server_default="")


class CorrectiveAction(Model):
    """A corrective or improving action ("działanie naprawcze/doskonalące") taken on a report."""

    __tablename__ = "corrective_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("office.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    deadline: Mapped[date | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(sa.String(20), default="planned")
    question_key: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    # The items (rating question keys) that prompted the action; ``question_key`` is the first.
    question_keys: Mapped[list[str]] = mapped_column(sa.JSON, default=list, server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    done_at: Mapped[date | None] = mapped_column(default=None)

    office: Mapped[Office] = relationship()
    # The comments that prompted it (its evidence).
    answers: Mapped[list[Answer]] = relationship(
        secondary="corrective_action_answer", order_by="Answer.submitted_at"
    )

    def item_keys(self) -> list[str]:
        """Return the items the action is about, the legacy single item included."""
        keys = list(self.question_keys or [])
        if self.question_key and self.question_key not in keys:
            keys.insert(0, self.question_key)
        return keys


corrective_action_answer = sa.Table(
    "corrective_action_answer",
    Model.metadata,
    sa.Column(
        "action_id", sa.ForeignKey("corrective_action.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("answer_id", sa.ForeignKey("answer.id", ondelete="CASCADE"), primary_key=True),
)
