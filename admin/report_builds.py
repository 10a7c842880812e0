"""Reports generated from the panel are built in a background thread, their state kept in the database.

The clerk's click stores a ``ReportBuild`` (queued) and answers at once with its status page, which
refreshes itself (``<meta http-equiv="refresh">``, no script) until the build is done — with a link
to the archived report — or failed, with the reason in Polish. One build of the same office, period,
reason and language may be under way at a time (a partial unique index): a second click finds the
first and shows its page.

A build outlives the process that runs it. While a run works, a heartbeat thread of the same
process touches the build's ``updated_at`` every ``REPORT_BUILD_HEARTBEAT_SECONDS``. A build queued
or building that nobody touched for ``REPORT_BUILD_ORPHANED_SECONDS`` has lost its process (a
deploy, a recycled worker, a crash): whichever process next shows its status page, or is asked for
the same report, takes it over and runs it again (``resume_orphan``), without a new click.

Every run takes the build by raising ``attempts`` in one conditional UPDATE (``claim_build``), so of
two processes taking it at once one wins; every later write of a run — its heartbeat, done, failed —
holds only while ``attempts`` is still its own number, so a run that lost the build to another
changes nothing. The report is archived in the transaction that marks the build done: both happened
or neither, and a build's report is archived once. After ``REPORT_BUILD_ATTEMPTS`` runs the build
fails as interrupted, so a report that kills its process cannot loop; a run that has not ended after
``REPORT_BUILD_MAX_SECONDS`` stops its heartbeat, so a hung run is taken over too.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from collector.audit import Actor, audit_change
from collector.extensions import db
from collector.models import Office, Report, ReportBuild, User, utcnow
from reports import ReportError, archive_report
from reports.periods import Period

log = logging.getLogger(__name__)
ACTIVE = ("queued", "building")
SERVER_ERROR, INTERRUPTED = "code:server", "code:interrupted"  # errors worded when shown


def active_build(office: Office, period: Period, reason: str, lang: str) -> ReportBuild | None:
    """Return the build of this report under way, resuming it if its process went away."""
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
    if build is not None:
        resume_orphan(build)
        if build.state not in ACTIVE:  # it had all its attempts: the click starts a new build
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
        remote_addr=remote_addr,
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
    start_run(build.id)
    return build


def is_orphaned(build: ReportBuild) -> bool:
    """Tell whether the build is under way but its process has not touched it for the orphan age."""
    return build.state in ACTIVE and build.updated_at < orphaned_before()


def orphaned_before() -> datetime:
    """Return the time before which an untouched build has lost its process."""
    return utcnow() - timedelta(seconds=current_app.config["REPORT_BUILD_ORPHANED_SECONDS"])


def resume_orphan(build: ReportBuild) -> bool:
    """Take over a build whose process went away and run it here; True when this process took it.

    A build that has had all its attempts is failed as interrupted instead. ``build`` is reloaded.
    """
    if not is_orphaned(build):
        return False
    attempt = claim_build(db.session, build.id, build.attempts, orphaned_before=orphaned_before())
    db.session.refresh(build)
    if attempt is None:
        return False
    log.warning("Report build %s lost its process; resuming it (run %s)", build.id, attempt)
    start_run(build.id, attempt)
    return True


def claim_build(
    session: Session,
    build_id: uuid.UUID,
    seen_attempts: int,
    *,
    orphaned_before: datetime | None = None,
) -> int | None:
    """Take the build for a new run in one conditional UPDATE; return the run's number, or None.

    The UPDATE holds only while ``attempts`` is still ``seen_attempts``: of two processes taking the
    same build, one wins. Without ``orphaned_before`` only a queued build is taken (the run its click
    started); with it, a queued or building one untouched since then. A build that has had all its
    attempts is failed as interrupted instead (None). Commits.
    """
    where = [
        ReportBuild.id == build_id,
        ReportBuild.attempts == seen_attempts,
        ReportBuild.state.in_(ACTIVE),
        ReportBuild.state == "queued"
        if orphaned_before is None
        else ReportBuild.updated_at < orphaned_before,
    ]
    exhausted = seen_attempts >= current_app.config["REPORT_BUILD_ATTEMPTS"]
    if exhausted:
        won = update_build(session, where, state="failed", error=INTERRUPTED)
    else:
        won = update_build(session, where, state="building", error="", attempts=seen_attempts + 1)
    session.commit()
    if exhausted and won:
        log.error("Report build %s was interrupted %s times; failed", build_id, seen_attempts)
    return seen_attempts + 1 if won and not exhausted else None


def held_by(build_id: uuid.UUID, attempt: int) -> list[Any]:
    """Return the conditions under which run ``attempt`` still holds the build."""
    return [
        ReportBuild.id == build_id,
        ReportBuild.attempts == attempt,
        ReportBuild.state == "building",
    ]


def update_build(session: Session | sa.Connection, where: list[Any], **values: Any) -> bool:
    """Update the build only where ``where`` holds, touching ``updated_at``; True if it did."""
    statement = sa.update(ReportBuild).where(*where).values(updated_at=utcnow(), **values)
    # An UPDATE's result is a CursorResult; Session.execute is typed as returning Result.
    result = cast(
        "sa.CursorResult[Any]",
        session.execute(statement.execution_options(synchronize_session=False)),
    )
    return result.rowcount == 1


def start_run(build_id: uuid.UUID, attempt: int | None = None) -> None:
    """Run the build in a thread of this process (see ``run_build``)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=run_build,
        args=(app, build_id, attempt),
        name=f"report-build-{build_id}",
        daemon=True,
    )
    # The running builds' threads, for ``wait_for_builds``; finished ones are dropped here, so a
    # long-running process does not keep one per report it ever built.
    running = [t for t in app.extensions.get("report_builds", []) if t.is_alive()]
    app.extensions["report_builds"] = [*running, thread]
    thread.start()


class Heartbeat:
    """Touch a running build's ``updated_at`` from a thread of its own until stopped.

    It stops by itself once the build is no longer the run's (done, failed or taken over) and after
    ``REPORT_BUILD_MAX_SECONDS``, so that a hung run is seen as lost and taken over.
    """

    def __init__(self, app: Flask, build_id: uuid.UUID, attempt: int) -> None:
        self.build_id, self.attempt = build_id, attempt
        self.engine = db.engine
        self.every = app.config["REPORT_BUILD_HEARTBEAT_SECONDS"]
        self.deadline = time.monotonic() + app.config["REPORT_BUILD_MAX_SECONDS"]
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self.beat, name=f"report-build-heartbeat-{build_id}", daemon=True
        )
        self.thread.start()

    def beat(self) -> None:
        while not self.stopped.wait(self.every):
            if time.monotonic() > self.deadline:
                log.warning("Report build %s is still running; its heartbeat stops", self.build_id)
                return
            try:
                with self.engine.begin() as connection:
                    if not update_build(connection, held_by(self.build_id, self.attempt)):
                        return
            except sa.exc.SQLAlchemyError:  # the database is away for a moment: beat again later
                log.warning("Could not touch report build %s", self.build_id, exc_info=True)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()


def run_build(app: Flask, build_id: uuid.UUID, attempt: int | None = None) -> None:
    """Build and archive the report as run ``attempt`` (None: take the queued build); never raise."""
    with app.app_context():
        session = db.session
        heartbeat = None
        try:
            if attempt is None:
                attempt = claim_build(session, build_id, 0)
                if attempt is None:
                    return
            heartbeat = Heartbeat(app, build_id, attempt)
            build = session.get(ReportBuild, build_id)
            if build is None:
                return
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
                    remote_addr=build.remote_addr,
                )
            except ReportError as error:
                session.rollback()
                update_build(session, held_by(build_id, attempt), state="failed", error=str(error))
                session.commit()
                return
            # The report and the build's "done" commit together, and only while this run holds the
            # build: a run that lost it to a resumed one rolls its report back.
            if not update_build(
                session, held_by(build_id, attempt), state="done", error="", report_id=report.id
            ):
                session.rollback()
                log.warning(
                    "Report build %s was taken over; run %s archives nothing", build_id, attempt
                )
                return
            earlier = session.get(Report, build.supersedes_id) if build.supersedes_id else None
            if earlier is not None and earlier.superseded_by_id is None:
                earlier.superseded_by_id = report.id
                audit_change(
                    "report.supersede",
                    earlier,
                    actor=Actor(user=author, remote_addr=build.remote_addr),
                    before={"superseded_by": None},
                    after={"superseded_by": str(report.id)},
                )
            session.commit()
        except Exception:  # the page must say it failed, whatever happened
            log.exception("Building report %s failed", build_id)
            session.rollback()
            if attempt is not None:
                try:
                    update_build(
                        session, held_by(build_id, attempt), state="failed", error=SERVER_ERROR
                    )
                    session.commit()
                except sa.exc.SQLAlchemyError:  # it stays building, and is resumed once orphaned
                    log.exception("Could not record the failure of report build %s", build_id)
                    session.rollback()
        finally:
            if heartbeat is not None:
                heartbeat.stop()
            session.remove()


def wait_for_builds(app: Flask, timeout: float = 120) -> None:
    """Wait until the app's background builds have finished (tests, the CLI, shutdown)."""
    for thread in list(app.extensions.get("report_builds", [])):
        thread.join(timeout)
    app.extensions["report_builds"] = [
        t for t in app.extensions.get("report_builds", []) if t.is_alive()
    ]


def state_text(build: ReportBuild) -> str:
    """Return what the status page says of the build's state."""
    return {
        "queued": _("W kolejce — generowanie zaraz się rozpocznie."),
        "building": _("Trwa generowanie raportu: zestawienie odpowiedzi i plik PDF."),
        "done": _("Raport został wygenerowany i zarchiwizowany."),
        "failed": _("Nie udało się wygenerować raportu."),
    }[build.state]


def is_resumed(build: ReportBuild) -> bool:
    """Tell whether the build was taken over after its process went away (and has not failed)."""
    return build.attempts > 1 and build.state != "failed"


def error_text(build: ReportBuild) -> str:
    """Return why the build failed, in the panel's language where the reason is ours."""
    if build.error == SERVER_ERROR:
        return _(
            "Wystąpił błąd serwera. Proszę spróbować ponownie; jeśli błąd się powtórzy, proszę "
            "zgłosić go administratorowi."
        )
    if build.error == INTERRUPTED and build.attempts > 1:
        return _(
            "Generowanie zostało przerwane %(count)s razy (np. przez ponowne uruchomienie serwera) "
            "i nie będzie już wznawiane. Proszę spróbować ponownie; jeśli sytuacja się powtórzy, "
            "proszę zgłosić ją administratorowi.",
            count=build.attempts,
        )
    if build.error == INTERRUPTED:
        return _("Generowanie zostało przerwane (np. przez ponowne uruchomienie serwera).")
    return build.error  # a ReportError's own message (Polish)
