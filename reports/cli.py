"""``flask --app wsgi report ...``: generate and archive a report, list the offices whose yearly report is
due, roll up the closed days (cron); ``flask --app wsgi notify run``: send the staff's e-mail (digests,
alerts, reminders)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from collector.extensions import db
from collector.mail import Mailer
from collector.models import REPORT_REASONS, Office, utcnow

from . import rollup
from .archive import ReportError, archive_report
from .cycle import due_offices
from .notify import RETRY_DAYS, NotifyContext, run_notifications
from .periods import Period
from .queries import Scope, load_versions, read_grain
from .texts import REPORT_LANGUAGES

report_group = AppGroup("report", help="Raporty: generowanie i archiwum.")
notify_group = AppGroup("notify", help="Powiadomienia e-mail dla pracowników urzędów.")


def parse_date(_ctx: click.Context, param: click.Parameter, value: str) -> date:
    """Read a YYYY-MM-DD date, with a Polish message for anything else."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else date.fromisoformat("invalid")
    except ValueError:
        raise click.BadParameter(
            f"{value!r} nie jest datą w formacie RRRR-MM-DD (np. 2024-12-31).", param=param
        ) from None


@report_group.command("generate")
@click.option("--office", "office_slug", required=True, help="Identyfikator (slug) urzędu.")
@click.option(
    "--from", "start", required=True, callback=parse_date, help="Pierwszy dzień okresu, RRRR-MM-DD."
)
@click.option(
    "--to", "end", required=True, callback=parse_date, help="Ostatni dzień okresu, RRRR-MM-DD."
)
@click.option("--reason", type=click.Choice(REPORT_REASONS), default="periodic", show_default=True)
@click.option("--lang", type=click.Choice(REPORT_LANGUAGES), default="pl", show_default=True)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Plik PDF (domyślnie raport-SLUG-OD-DO.pdf).",
)
def generate_command(
    office_slug: str, start: date, end: date, reason: str, lang: str, out: Path | None
) -> None:
    """Generate a report for a period, archive it and write its PDF."""
    office = db.session.scalar(sa.select(Office).where(Office.slug == office_slug))
    if office is None:
        raise click.ClickException(f"Nie ma urzędu {office_slug!r}.")
    out = out or Path(f"raport-{office.slug}-{start.isoformat()}-{end.isoformat()}.pdf")
    try:
        report = archive_report(
            db.session(),
            office,
            period_start=start,
            period_end=end,
            reason=reason,
            author=None,
            lang=lang,
        )
    except ReportError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    try:
        out.write_bytes(report.pdf)
    except OSError as error:
        db.session.rollback()
        raise click.ClickException(
            f"Nie można zapisać pliku {out}: {error.strerror}. Raportu nie zarchiwizowano."
        ) from None
    try:
        db.session.commit()
    except sa.exc.SQLAlchemyError:
        out.unlink(missing_ok=True)
        raise
    click.echo(f"Zarchiwizowano raport {report.id} ({report.response_count} odpowiedzi).")
    click.echo(f"SHA-256 pliku PDF: {report.sha256}")
    click.echo(f"SHA-256 danych:    {report.data_sha256}")
    click.echo(f"PDF: {out}")


@report_group.command("rollup")
@click.option(
    "--days",
    type=click.IntRange(1, 3660),
    default=800,
    show_default=True,
    help="Ile ostatnich dni sprawdzić (bieżący i poprzedni rok raportów to 731).",
)
def rollup_command(days: int) -> None:
    """Roll up every office's closed days not yet rolled up (or gone stale): for cron, nightly."""
    last = rollup.last_closed_day()
    period = Period(last - timedelta(days=days - 1), last)
    for office in db.session.scalars(sa.select(Office).order_by(Office.id)):
        scope = Scope(office, period, load_versions(db.session(), office), None)
        grain = read_grain(db.session(), scope, by_month=False, roll=True)
        db.session.commit()
        click.echo(
            f"{office.slug}: {sum(grain.responses.values())} odpowiedzi w {days} dniach "
            f"do {last.isoformat()}, zestawienie dzienne aktualne."
        )


@report_group.command("due")
def due_command() -> None:
    """List the offices whose yearly (periodic) report is overdue; exit 1 if any."""
    due = due_offices(db.session())
    if not due:
        click.echo("Wszystkie urzędy mają aktualny raport okresowy.")
        return
    for status in due:
        last_text = status.last.date().isoformat() if status.last else "nigdy"
        click.echo(
            f"{status.office.slug}\t{status.office.name}\tostatni raport okresowy: {last_text}\t"
            f"zaległy od: {status.due.date().isoformat()}"
        )
    raise SystemExit(1)


@notify_group.command("run")
def run_command() -> None:
    """Send the due digests, alerts and reminders and retry failed ones; safe to run twice.

    Exits 1 when a message could not be sent (it is retried on the next run).
    """
    settings = current_app.config.get("MAIL")
    if settings is None:
        click.echo("Poczta jest wyłączona (brak MAIL_URL): nic nie wysłano.")
        return
    context = NotifyContext(
        public_url=current_app.config["PUBLIC_URL"],
        secret_key=current_app.config["SECRET_KEY"],
        sender=settings.sender,
        now=utcnow(),
    )
    with Mailer(settings) as mailer:
        result = run_notifications(db.session(), mailer, context)
    click.echo(f"Wysłano wiadomości: {result.sent}.")
    if result.unknown:
        click.echo(
            f"Przerwane w trakcie wysyłki (nie ponawiamy, by nie wysłać dwa razy): {result.unknown}."
        )
    if result.given_up:
        click.echo(f"Porzucone po {RETRY_DAYS} dniach nieudanych prób: {result.given_up}.")
    if result.failed:
        click.echo(
            f"Nie wysłano: {result.failed} ({'; '.join(result.errors)}). "
            "Ponowimy przy następnym uruchomieniu.",
            err=True,
        )
        raise SystemExit(1)
