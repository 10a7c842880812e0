"""E-mail that brings results to the office: the monthly digest, alerts on a drop, report reminders.

``run_notifications`` is what ``flask --app wsgi notify run`` (cron, once a day) calls. It plans
every message due for every user who wants it, in the user's language, from the report's own
reads (``build_report_data``, ``overview.attention``, ``cycle.periodic_status``): the same means
and the same small-cell rule as the PDF. A message holds figures and links only: no comment text,
no attachment (the archived report is linked, behind the panel's login).

**No message is sent twice.** Each message is a ``Notification`` row, unique per (user, kind,
subject, period), written and committed *before* the SMTP conversation (status ``sending``) and
marked ``sent`` or ``failed`` after it:

- a second run (or one running at the same time) finds the key taken and sends nothing;
- an SMTP failure leaves ``failed`` with the reason: the next run sends the same stored message
  again (up to ``RETRY_DAYS``), and the panel shows the failure meanwhile;
- a crash between the server's acceptance and the ``sent`` mark leaves ``sending``: SMTP cannot
  tell whether the message went out, so it is *not* sent again (a lost message is possible, a
  double one is not); the next run marks it ``unknown`` and logs it.

Recording only after sending would turn that crash into a message sent twice on every retry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from collector.default_survey import OTHER_DEPARTMENT
from collector.enums import NotificationKind
from collector.mail import Mailer, MailError
from collector.models import Notification, Office, Report, User
from collector.operations.notifications import (
    CANCELLED,
    FAILED,
    SENDING,
    SENT,
    unsubscribe_token,
    wants,
)

from .cycle import periodic_status
from .overview import attention, index_line
from .periods import Period, to_local
from .queries import NO_DEPARTMENT, count_responses, read_latest_ratings
from .sections import build_report_data
from .statistics import SUPPRESSED
from .texts import REASONS, fmt_change, fmt_date, fmt_int, fmt_month, fmt_num, translate

log = logging.getLogger(__name__)

ALERT_DAYS = 30  # an alert looks at the means of the last 30 days
ALERT_MIN_RESPONSES = 10  # ... of a department or item rated at least this often
ALERT_EVERY_DAYS = 7  # at most one alert per subject in this many days
LOW_RUN = 5  # this many overall ratings in a row at or below LOW_RATING make an alert
LOW_RATING = 2
REMINDER_DAYS = (30, 7)  # reminders before the yearly report is due
RETRY_DAYS = 7  # a failed message is retried by each run for this long, then given up
STALE_SENDING = timedelta(hours=1)  # a "sending" row older than this was left by a crash
UNKNOWN = "unknown"

# The messages' words: msgids of the staff catalog (babel.cfg reads this table), filled in with
# str.format. Addressed impersonally, as the panel is.
MAIL_TEXTS = {
    "greeting": "Dzień dobry,",
    "digest_subject": "Podsumowanie wyników: {month} — {office}",
    "digest_intro": "podsumowanie ankiety satysfakcji klientów urzędu „{office}” za {month}.",
    "digest_responses": "Odpowiedzi: {n} (miesiąc wcześniej: {previous})",
    "digest_index": "{label}: {mean} / 5 (n = {n}; zmiana wobec poprzedniego miesiąca: {change})",
    "digest_no_ratings": "{label}: brak ocen w tym miesiącu.",
    "digest_attention": (
        "Do przyjrzenia się (tylko elementy i wydziały z co najmniej 5 odpowiedziami):"
    ),
    "digest_attention_fell": "{label}: średnia {mean} (n = {n}), spadek o {change}",
    "digest_attention_low": "{label}: średnia {mean} (n = {n}), wśród najniżej ocenionych",
    "digest_attention_none": "Do przyjrzenia się: brak elementów z co najmniej 5 odpowiedziami.",
    "department_suffix": "(wydział)",
    "digest_comments": "Komentarze w tym miesiącu (bez ukrytych): {n}",
    "digest_themes": "Według tematów nadanych przez pracowników:",
    "digest_reports": "Raporty zarchiwizowane w tym miesiącu (do pobrania po zalogowaniu):",
    "alert_subject": "Alert: spadek ocen — {label} — {office}",
    "alert_intro": (
        "w urzędzie „{office}” średnia ocen z ostatnich 30 dni ({period}) spadła poniżej progu "
        "{threshold} ustawionego w danych urzędu:"
    ),
    "alert_department": "{label} (wydział): średnia {mean}, n = {n}",
    "alert_item": "{label}: średnia {mean}, n = {n}",
    "alert_low_run_subject": "Alert: seria niskich ocen — {office}",
    "alert_low_run": (
        "w urzędzie „{office}” ostatnie {count} ocen ogólnych z rzędu to 1 lub 2 (najnowsza z "
        "{date})."
    ),
    "alert_next": "Kolejny alert o tym samym przyjdzie najwcześniej za 7 dni.",
    "reminder_subject_days": "Przypomnienie: raport roczny za {days} dni — {office}",
    "reminder_subject_overdue": "Raport roczny jest zaległy — {office}",
    "reminder_days": (
        "raport okresowy (roczny) urzędu „{office}” należy przygotować do {due} (za {days} dni). "
        "Raport trzeba przygotować co najmniej raz na 12 miesięcy."
    ),
    "reminder_overdue": (
        "termin raportu okresowego (rocznego) urzędu „{office}” minął {due}. Raport trzeba "
        "przygotować co najmniej raz na 12 miesięcy."
    ),
    "reminder_last": "Ostatni raport okresowy: {date} (do pobrania po zalogowaniu): {link}",
    "reminder_none": "Urząd nie ma jeszcze raportu okresowego.",
    "reminder_generate": "Przygotowanie raportu: {link}",
    "panel_link": "Panel: {link}",
    "reports_link": "Wyniki i wykresy: {link}",
    "footer_why": "Wiadomość wysłano na adres {email}, użytkownika panelu Oceń Urząd.",
    "footer_stop": "Aby nie otrzymywać takich wiadomości ({kind}): {link}",
    "footer_settings": "Wszystkie ustawienia powiadomień (po zalogowaniu): {link}",
}


def text(key: str, lang: str, **params: Any) -> str:
    """Return a message text in ``lang``, its ``{name}`` placeholders filled in."""
    return translate(MAIL_TEXTS[key], lang).format(**params)


@dataclass(frozen=True)
class NotifyContext:
    """What a run needs besides the database: the collector's address, the key signing the
    unsubscribe links, the sender, and the time (naive UTC)."""

    public_url: str
    secret_key: str
    sender: str
    now: datetime

    @property
    def today(self) -> date:
        return to_local(self.now).date()

    def link(self, path: str) -> str:
        return self.public_url + path


@dataclass
class Planned:
    """A message to send: its key, its words."""

    user: User
    office: Office
    kind: str
    subject: str
    period: str
    mail_subject: str
    body: str


@dataclass
class RunResult:
    """What a run did: sent, failed (retried next run), given up, and the errors seen."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    unknown: int = 0
    errors: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Links and the message itself


def unsubscribe_url(ctx: NotifyContext, user_id: int, kind: str) -> str:
    """Return the one-click unsubscribe link of one kind of message (signed; no login needed)."""
    return ctx.link(f"/powiadomienia/wypisz/{unsubscribe_token(ctx.secret_key, user_id, kind)}")


def footer(ctx: NotifyContext, user: User, kind: str, lang: str) -> list[str]:
    kind_label = translate(NotificationKind(kind).msgid, lang)
    return [
        "",
        "-- ",
        text("footer_why", lang, email=user.email),
        text("footer_stop", lang, kind=kind_label, link=unsubscribe_url(ctx, user.id, kind)),
        text("footer_settings", lang, link=ctx.link("/admin/account/")),
    ]


def build_email(ctx: NotifyContext, row: Notification, to: str) -> EmailMessage:
    """Return the e-mail of a recorded message: UTF-8 plain text, with List-Unsubscribe."""
    message = EmailMessage()
    message["Subject"] = row.mail_subject
    message["From"] = formataddr(("Oceń Urząd", ctx.sender))
    message["To"] = to
    message["Date"] = format_datetime(ctx.now.replace(tzinfo=UTC))
    # The same Message-ID on every attempt, so that a mail system can tell a retry from a new one.
    domain = ctx.sender.rpartition("@")[2]
    message["Message-ID"] = f"<ocen-urzad.{row.id}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"
    message["List-Unsubscribe"] = f"<{unsubscribe_url(ctx, row.user_id, row.kind)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.mail_body, charset="utf-8")
    return message


# ---------------------------------------------------------------------------------------------
# What is due


class ReportCache:
    """Report data per (office, period, language), built once per run."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.data: dict[tuple[int, Period, str], dict[str, Any]] = {}

    def get(self, office: Office, period: Period, lang: str) -> dict[str, Any]:
        key = (office.id, period, lang)
        if key not in self.data:
            self.data[key] = build_report_data(self.session, office, period, lang=lang)
        return self.data[key]


def last_month(today: date) -> Period:
    """Return the calendar month before ``today``'s."""
    first = today.replace(day=1)
    return Period((first - timedelta(days=1)).replace(day=1), first - timedelta(days=1))


def archived_in(session: Session, office: Office, period: Period) -> list[Report]:
    """Return the office's reports archived within the period, oldest first."""
    return list(
        session.scalars(
            sa.select(Report)
            .where(
                Report.office_id == office.id,
                Report.created_at >= period.utc_start,
                Report.created_at < period.utc_end,
            )
            .order_by(Report.created_at)
        )
    )


def report_line(ctx: NotifyContext, report: Report, lang: str) -> str:
    reason = REASONS[report.reason][lang] if report.reason in REASONS else report.reason
    period = f"{fmt_date(report.period_start, lang)} – {fmt_date(report.period_end, lang)}"
    return f"- {reason}, {period}: {ctx.link(f'/admin/reports/archive/{report.id}.pdf')}"


def digest_body(
    ctx: NotifyContext, cache: ReportCache, office: Office, user: User, lang: str, month: Period
) -> tuple[str, str]:
    """Return the subject and body of the month's digest (figures and links only)."""
    session = cache.session
    data = cache.get(office, month, lang)
    month_name = fmt_month(month.months()[0], lang)
    index = index_line(data)
    previous = count_responses(session, office, month.previous())
    lines = [
        text("greeting", lang),
        "",
        text("digest_intro", lang, office=office.name, month=month_name),
        "",
        text(
            "digest_responses",
            lang,
            n=fmt_int(data["responses"]["total"], lang),
            previous=fmt_int(previous, lang),
        ),
    ]
    if index["value"] is None:
        lines.append(text("digest_no_ratings", lang, label=index["label"]))
    else:
        lines.append(
            text(
                "digest_index",
                lang,
                label=index["label"],
                mean=fmt_num(index["value"], lang),
                n=fmt_int(index["n"], lang),
                change=fmt_change(index["change"], lang),
            )
        )
    lines.append("")
    entries = attention(data)
    if entries:
        lines.append(text("digest_attention", lang))
        for entry in entries:
            label = entry["label"]
            if entry["kind"] == "department":
                label = f"{label} {text('department_suffix', lang)}"
            key = "digest_attention_fell" if entry["reason"] == "fell" else "digest_attention_low"
            change = fmt_num(-entry["change"], lang) if entry["change"] is not None else ""
            lines.append(
                "- "
                + text(
                    key,
                    lang,
                    label=label,
                    mean=fmt_num(entry["mean"], lang),
                    n=fmt_int(entry["n"], lang),
                    change=change,
                )
            )
    else:
        lines.append(text("digest_attention_none", lang))
    lines += ["", text("digest_comments", lang, n=fmt_int(data["comments"]["total"], lang))]
    # Counts of comments not hidden, by theme; never a comment's text.
    if data["themes"]:
        lines.append(text("digest_themes", lang))
        lines += [f"- {t['name']}: {fmt_int(t['count'], lang)}" for t in data["themes"]]
    reports = archived_in(session, office, month)
    if reports:
        lines += ["", text("digest_reports", lang)]
        lines += [report_line(ctx, report, lang) for report in reports]
    lines += [
        "",
        text("panel_link", lang, link=ctx.link("/admin/")),
        text("reports_link", lang, link=ctx.link("/admin/reports/")),
    ]
    lines += footer(ctx, user, NotificationKind.DIGEST, lang)
    subject = text("digest_subject", lang, month=month_name, office=office.name)
    return subject, "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Drop:
    """One alert's subject: a department or item below the threshold, or a run of low ratings."""

    subject: str  # "department:<key>", "item:<key>" or "low_run"
    kind: str  # "department", "item" or "low_run"
    key: str
    mean: float | None = None
    n: int = 0
    last_at: datetime | None = None


def alert_period(today: date) -> Period:
    return Period(today - timedelta(days=ALERT_DAYS - 1), today)


def find_drops(ctx: NotifyContext, cache: ReportCache, office: Office) -> list[Drop]:
    """Return what fell: departments and items whose 30-day mean is below the office's threshold
    with at least ALERT_MIN_RESPONSES ratings, and a run of LOW_RUN low overall ratings."""
    data = cache.get(office, alert_period(ctx.today), "pl")
    threshold = office.alert_mean_below
    drops = []
    summary = "overall" if data["headline"].get("overall_key") else "index"
    for row in data["departments"]["rows"]:
        value = row["cells"].get(summary)
        if row["key"] in (NO_DEPARTMENT, OTHER_DEPARTMENT["key"]):
            continue
        if not value or value == SUPPRESSED or value.get("mean") is None:
            continue  # the report's small-cell rule hides it: so does the alert
        if value["n"] >= ALERT_MIN_RESPONSES and value["mean"] < threshold:
            drops.append(
                Drop(
                    f"department:{row['key']}", "department", row["key"], value["mean"], value["n"]
                )
            )
    for area in data["areas"]:
        for item in area["items"]:
            stats = item["stats"]
            if stats["mean"] is None or stats["n"] < ALERT_MIN_RESPONSES:
                continue
            if stats["mean"] < threshold:
                drops.append(
                    Drop(f"item:{item['key']}", "item", item["key"], stats["mean"], stats["n"])
                )
    overall_key = data["headline"].get("overall_key")
    if overall_key:
        latest = read_latest_ratings(cache.session, office.id, overall_key, LOW_RUN)
        if (
            len(latest) == LOW_RUN
            and all(value <= LOW_RATING for value, _at in latest)
            and ctx.now - latest[0][1] <= timedelta(days=ALERT_EVERY_DAYS)
        ):
            drops.append(Drop("low_run", "low_run", overall_key, n=LOW_RUN, last_at=latest[0][1]))
    return drops


def drop_label(
    cache: ReportCache, ctx: NotifyContext, office: Office, drop: Drop, lang: str
) -> str:
    """Return the department's or item's name in ``lang``, from the same report data."""
    data = cache.get(office, alert_period(ctx.today), lang)
    if drop.kind == "department":
        return next(
            (r["label"] for r in data["departments"]["rows"] if r["key"] == drop.key), drop.key
        )
    for area in data["areas"]:
        for item in area["items"]:
            if item["key"] == drop.key:
                return str(item["label"])
    return drop.key


def alert_body(
    ctx: NotifyContext, cache: ReportCache, office: Office, user: User, drop: Drop, lang: str
) -> tuple[str, str]:
    """Return the subject and body of one alert."""
    lines = [text("greeting", lang), ""]
    if drop.kind == "low_run":
        assert drop.last_at is not None
        lines.append(
            text(
                "alert_low_run",
                lang,
                office=office.name,
                count=LOW_RUN,
                date=fmt_date(to_local(drop.last_at).date(), lang),
            )
        )
        subject = text("alert_low_run_subject", lang, office=office.name)
    else:
        period = alert_period(ctx.today)
        label = drop_label(cache, ctx, office, drop, lang)
        lines += [
            text(
                "alert_intro",
                lang,
                office=office.name,
                period=f"{fmt_date(period.start, lang)} – {fmt_date(period.end, lang)}",
                threshold=fmt_num(office.alert_mean_below, lang, 1),
            ),
            "",
            "- "
            + text(
                "alert_department" if drop.kind == "department" else "alert_item",
                lang,
                label=label,
                mean=fmt_num(drop.mean, lang),
                n=fmt_int(drop.n, lang),
            ),
        ]
        subject = text("alert_subject", lang, label=label, office=office.name)
    lines += [
        "",
        text("alert_next", lang),
        "",
        text("panel_link", lang, link=ctx.link("/admin/")),
        text("reports_link", lang, link=ctx.link("/admin/reports/")),
    ]
    lines += footer(ctx, user, NotificationKind.ALERT, lang)
    return subject, "\n".join(lines) + "\n"


def reminder_stage(due: datetime, now: datetime) -> str | None:
    """Return which reminder is due now: "overdue", "7", "30", or None."""
    if now >= due:
        return "overdue"
    for days in sorted(REMINDER_DAYS):
        if now >= due - timedelta(days=days):
            return str(days)
    return None


def last_periodic_report(session: Session, office: Office) -> Report | None:
    return session.scalar(
        sa.select(Report)
        .where(Report.office_id == office.id, Report.reason == "periodic")
        .order_by(Report.created_at.desc())
        .limit(1)
    )


def reminder_body(
    ctx: NotifyContext,
    session: Session,
    office: Office,
    user: User,
    due: datetime,
    stage: str,
    lang: str,
) -> tuple[str, str]:
    """Return the subject and body of a reminder of the yearly report."""
    due_text = fmt_date(to_local(due).date(), lang)
    if stage == "overdue":
        subject = text("reminder_subject_overdue", lang, office=office.name)
        intro = text("reminder_overdue", lang, office=office.name, due=due_text)
    else:
        subject = text("reminder_subject_days", lang, days=stage, office=office.name)
        intro = text("reminder_days", lang, office=office.name, due=due_text, days=stage)
    lines = [text("greeting", lang), "", intro, ""]
    last = last_periodic_report(session, office)
    if last is not None:
        lines.append(
            text(
                "reminder_last",
                lang,
                date=fmt_date(to_local(last.created_at).date(), lang),
                link=ctx.link(f"/admin/reports/archive/{last.id}.pdf"),
            )
        )
    else:
        lines.append(text("reminder_none", lang))
    lines += [
        text("reminder_generate", lang, link=ctx.link("/admin/reports/#generate")),
        text("panel_link", lang, link=ctx.link("/admin/")),
    ]
    lines += footer(ctx, user, NotificationKind.REMINDER, lang)
    return subject, "\n".join(lines) + "\n"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def is_recorded(session: Session, user: User, kind: str, subject: str, period: str) -> bool:
    return (
        session.scalar(
            sa.select(Notification.id).where(
                Notification.user_id == user.id,
                Notification.kind == kind,
                Notification.subject == subject,
                Notification.period == period,
            )
        )
        is not None
    )


def alerted_lately(session: Session, user: User, subject: str, now: datetime) -> bool:
    """Tell whether the user had an alert on this subject in the last ALERT_EVERY_DAYS days."""
    return (
        session.scalar(
            sa.select(Notification.id).where(
                Notification.user_id == user.id,
                Notification.kind == NotificationKind.ALERT,
                Notification.subject == subject,
                Notification.status != CANCELLED,
                Notification.created_at > now - timedelta(days=ALERT_EVERY_DAYS),
            )
        )
        is not None
    )


def plan_office(
    ctx: NotifyContext, cache: ReportCache, office: Office, users: list[User]
) -> Iterator[Planned]:
    """Yield the messages due to the office's users and not yet recorded."""
    session = cache.session
    month = last_month(ctx.today)
    # An office set up after the month ended has nothing to sum up for it.
    if office.created_at < month.utc_end:
        period = month.months()[0]
        for user in users:
            if wants(user, NotificationKind.DIGEST) and not is_recorded(
                session, user, NotificationKind.DIGEST, office.slug, period
            ):
                subject, body = digest_body(ctx, cache, office, user, user.notify_lang, month)
                yield Planned(
                    user, office, NotificationKind.DIGEST, office.slug, period, subject, body
                )

    if any(wants(u, NotificationKind.ALERT) for u in users):
        week = iso_week(ctx.today)
        for drop in find_drops(ctx, cache, office):
            for user in users:
                if (
                    wants(user, NotificationKind.ALERT)
                    and not is_recorded(session, user, NotificationKind.ALERT, drop.subject, week)
                    and not alerted_lately(session, user, drop.subject, ctx.now)
                ):
                    subject, body = alert_body(ctx, cache, office, user, drop, user.notify_lang)
                    yield Planned(
                        user, office, NotificationKind.ALERT, drop.subject, week, subject, body
                    )

    status = periodic_status(session, office, ctx.now)
    stage = reminder_stage(status.due, ctx.now)
    if stage is not None:
        subject_key = f"report_due:{status.due.date().isoformat()}"
        for user in users:
            if wants(user, NotificationKind.REMINDER) and not is_recorded(
                session, user, NotificationKind.REMINDER, subject_key, stage
            ):
                subject, body = reminder_body(
                    ctx, session, office, user, status.due, stage, user.notify_lang
                )
                yield Planned(
                    user, office, NotificationKind.REMINDER, subject_key, stage, subject, body
                )


# ---------------------------------------------------------------------------------------------
# Sending


def claim(session: Session, planned: Planned, now: datetime) -> Notification | None:
    """Record the message as being sent and commit, or return None when its key is taken."""
    row = Notification(
        user_id=planned.user.id,
        office_id=planned.office.id,
        kind=str(planned.kind),
        subject=planned.subject,
        period=planned.period,
        status=SENDING,
        mail_subject=planned.mail_subject[:300],
        mail_body=planned.body,
        attempts=1,
        error="",
        created_at=now,
        attempted_at=now,
    )
    session.add(row)
    try:
        session.commit()
    except sa.exc.IntegrityError:
        # Another run recorded it first (the unique key): that run sends it.
        session.rollback()
        return None
    return row


def deliver(
    session: Session, mailer: Mailer, ctx: NotifyContext, row: Notification, result: RunResult
) -> None:
    """Send a claimed message and record how it went (committed)."""
    user = session.get(User, row.user_id)
    assert user is not None
    try:
        mailer.send(build_email(ctx, row, user.email))
    except MailError as error:
        row.status, row.error = FAILED, str(error)[:500]
        result.failed += 1
        if str(error) not in result.errors:
            result.errors.append(str(error))
        log.warning("E-mail %s to user %s not sent: %s", row.kind, row.user_id, error)
    else:
        row.status, row.error, row.sent_at = SENT, "", ctx.now
        result.sent += 1
    session.commit()


def mark_interrupted(session: Session, ctx: NotifyContext, result: RunResult) -> None:
    """Mark messages a crashed run left "sending" as unknown: never sent again, logged once."""
    rows = session.scalars(
        sa.select(Notification).where(
            Notification.status == SENDING, Notification.attempted_at < ctx.now - STALE_SENDING
        )
    ).all()
    for row in rows:
        row.status = UNKNOWN
        row.error = "przerwano w trakcie wysyłki; nie ponawiamy, by nie wysłać dwa razy"
        result.unknown += 1
        log.warning(
            "E-mail %s to user %s (%s, %s) was interrupted while being sent; it may or may not "
            "have gone out and is not sent again.",
            row.kind,
            row.user_id,
            row.subject,
            row.period,
        )
    session.commit()


def retry_failed(session: Session, mailer: Mailer, ctx: NotifyContext, result: RunResult) -> None:
    """Send again the messages earlier runs could not send (the same words), or give them up."""
    ids = session.scalars(
        sa.select(Notification.id).where(Notification.status == FAILED).order_by(Notification.id)
    ).all()
    for row_id in ids:
        # Claimed by one UPDATE: of two runs at once only one sends it.
        claimed = session.execute(  # type: ignore[attr-defined]
            sa.update(Notification)
            .where(Notification.id == row_id, Notification.status == FAILED)
            .values(status=SENDING, attempts=Notification.attempts + 1, attempted_at=ctx.now)
        ).rowcount
        session.commit()
        if not claimed:
            continue
        row = session.get(Notification, row_id)
        assert row is not None
        session.refresh(row)
        user = session.get(User, row.user_id)
        if user is None or not wants(user, row.kind):
            row.status, row.error = CANCELLED, "odbiorca zrezygnował lub konto wyłączono"
            session.commit()
            continue
        if row.created_at < ctx.now - timedelta(days=RETRY_DAYS):
            row.status = CANCELLED
            row.error = f"nie wysłano przez {RETRY_DAYS} dni: {row.error}"[:500]
            result.given_up += 1
            log.error("E-mail %s to user %s given up after %s days.", row.kind, user.id, RETRY_DAYS)
            session.commit()
            continue
        deliver(session, mailer, ctx, row, result)


def run_notifications(session: Session, mailer: Mailer, ctx: NotifyContext) -> RunResult:
    """Send what is due to every user who wants it, and retry what failed; safe to run twice."""
    result = RunResult()
    mark_interrupted(session, ctx, result)
    retry_failed(session, mailer, ctx, result)
    cache = ReportCache(session)
    offices = session.scalars(sa.select(Office).order_by(Office.slug)).all()
    for office in offices:
        users = list(
            session.scalars(
                sa.select(User)
                .where(User.office_id == office.id, User.active.is_(True))
                .order_by(User.id)
            )
        )
        if not users:
            continue
        for planned in list(plan_office(ctx, cache, office, users)):
            row = claim(session, planned, ctx.now)
            if row is not None:
                deliver(session, mailer, ctx, row, result)
    if result.failed:
        log.error(
            "E-mail: %s message(s) not sent (%s); they are retried on the next run.",
            result.failed,
            "; ".join(result.errors),
        )
    log.info("E-mail: %s sent, %s failed.", result.sent, result.failed)
    return result
