"""Reports generated from the panel are built in a background thread, their state kept in the database.

The clerk's click stores a ``ReportBuild`` (queued) and answers at once with its status page, which
refreshes itself (``<meta http-equiv="refresh">``, no script) until the build is done — with a link
to the archived report — or failed, with the reason in Polish. One build of the same office, period,
reason and language may be under way at a time (a partial unique index): a second click finds the
first and shows its page. A build left "building" by a process that stopped is failed after
``STALE_AFTER`` so the next click can start again.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _

from collector.audit import Actor, audit_change
from collector.extensions import db
from collector.models import Office, Report, ReportBuild, User, utcnow
from reports import ReportError, archive_report
from reports.periods import Period

log = logging.getLogger(__name__)
ACTIVE = ("queued", "building")
SERVER_ERROR, INTERRUPTED = "code:server", "code:interrupted"  # errors worded when shown
STALE_AFTER = timedelta(minutes=30)


def active_build(office: Office, period: Period, reason: str, lang: str) -> ReportBuild | None:
    """Return the build of this report under way, failing one that has been stuck too long."""
    build = db.session.scalar(
        sa.select(ReportBuild).where(
            ReportBuild.office_id == office.id,
            ReportBuild.period_start == period.start,
            ReportBuild.period_end == period.end,
            ReportBuild.reason == reason,
            ReportBuild.lang == lang,
            ReportBuild.state.in_(ACTIVE),
        )
    )
    if build is not None and utcnow() - build.updated_at > STALE_AFTER:
        set_state(build, "failed", INTERRUPTED)
        db.session.commit()
        return None
    return build


def start_build(
    office: Office,
    period: Period,
    reason: str,
    lang: str,
    author: User | None,
    supersedes: Report | None,
    remote_addr: str,
) -> ReportBuild:
    """Queue the report's build and start it in a thread; return the build (or the one already under way)."""
    existing = active_build(office, period, reason, lang)
    if existing is not None:
        return existing
    build = ReportBuild(
        office_id=office.id,
        period_start=period.start,
        period_end=period.end,
        reason=reason,
        lang=lang,
        requested_by_id=author.id if author is not None else None,
        supersedes_id=supersedes.id if supersedes is not None else None,
        state="queued",
    )
    db.session.add(build)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a second click won the race: show its build
        db.session.rollback()
        existing = active_build(office, period, reason, lang)
        if existing is None:
            raise
        return existing
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=run_build,
        args=(app, build.id, remote_addr),
        name=f"report-build-{build.id}",
        daemon=True,
    )
    app.extensions.setdefault("report_builds", {})[build.id] = thread
    thread.start()
    return build


def set_state(build: ReportBuild, state: str, error: str = "") -> None:
    build.state, build.error, build.updated_at = state, error, utcnow()


def run_build(app: Flask, build_id: uuid.UUID, remote_addr: str) -> None:
    """Build and archive the report of a queued build, recording each state; never raise."""
    with app.app_context():
        session = db.session
        try:
            build = session.get(ReportBuild, build_id)
            if build is None or build.state != "queued":
                return
            set_state(build, "building")
            session.commit()
            office = session.get(Office, build.office_id)
            author = session.get(User, build.requested_by_id) if build.requested_by_id else None
            try:
                report = archive_report(
                    session,
                    office,
                    period_start=build.period_start,
                    period_end=build.period_end,
                    reason=build.reason,
                    author=author,
                    lang=build.lang,
                    remote_addr=remote_addr,
                )
            except ReportError as error:
                session.rollback()
                build = session.get(ReportBuild, build_id)
                set_state(build, "failed", str(error))
                session.commit()
                return
            earlier = session.get(Report, build.supersedes_id) if build.supersedes_id else None
            if earlier is not None and earlier.superseded_by_id is None:
                earlier.superseded_by_id = report.id
                audit_change(
                    "report.supersede",
                    earlier,
                    actor=Actor(user=author, remote_addr=remote_addr),
                    before={"superseded_by": None},
                    after={"superseded_by": str(report.id)},
                )
            build.report_id = report.id
            set_state(build, "done")
            session.commit()
        except Exception:  # the page must say it failed, whatever happened
            log.exception("Building report %s failed", build_id)
            session.rollback()
            build = session.get(ReportBuild, build_id)
            if build is not None:
                set_state(build, "failed", SERVER_ERROR)
                session.commit()
        finally:
            session.remove()


def wait_for_builds(app: Flask, timeout: float = 120) -> None:
    """Wait until the app's background builds have finished (tests, the CLI, shutdown)."""
    for thread in list(app.extensions.get("report_builds", {}).values()):
        thread.join(timeout)
    app.extensions["report_builds"] = {
        k: t for k, t in app.extensions.get("report_builds", {}).items() if t.is_alive()
    }


def state_text(build: ReportBuild) -> str:
    """Return what the status page says of the build's state."""
    return {
        "queued": _("W kolejce — generowanie zaraz się rozpocznie."),
        "building": _("Trwa generowanie raportu: zestawienie odpowiedzi i plik PDF."),
        "done": _("Raport został wygenerowany i zarchiwizowany."),
        "failed": _("Nie udało się wygenerować raportu."),
    }[build.state]


def error_text(build: ReportBuild) -> str:
    """Return why the build failed, in the panel's language where the reason is ours."""
    if build.error == SERVER_ERROR:
        return _(
            "Wystąpił błąd serwera. Proszę spróbować ponownie; jeśli błąd się powtórzy, proszę "
            "zgłosić go administratorowi."
        )
    if build.error == INTERRUPTED:
        return _("Generowanie zostało przerwane (np. przez ponowne uruchomienie serwera).")
    return build.error  # a ReportError's own message (Polish)
