"""The panel's workflows that need reports/: a change to the survey or the office's data is
preceded by an archived report of the results so far, in the same transaction (issue 4, point 6).

The survey's operations are in ``collector.operations.versions``; reports/ sits above
collector/, so the pre-change report is added here, as the operation's ``before_publish`` hook.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from wtforms.validators import ValidationError

import reports
from collector.audit import Actor
from collector.extensions import db
from collector.models import Office, Report, Response, SurveyVersion
from collector.operations import DomainError
from collector.operations import versions as version_operations
from collector.surveys import get_published_version

from .problems import error_text


def publish_draft(office: Office, draft: SurveyVersion, actor: Actor) -> Report | None:
    """Archive the current version's pre-change report, publish the draft, retire the current version.

    One transaction: commits when everything succeeded; on any failure rolls back (nothing
    archived, nothing published, nothing retired) and raises DomainError with the reason.
    Returns the archived report (None when there was no published version to report on).
    """
    archived: list[Report] = []

    def archive(current: SurveyVersion | None) -> dict[str, Any]:
        if current is None:
            return {"report": None}
        try:
            report = reports.archive_pre_change_report(db.session, office, current, actor.user)
        except reports.ReportError as error:
            raise DomainError("publish_report_failed", reason=str(error)) from error
        archived.append(report)
        return {"report": str(report.id)}

    try:
        version_operations.publish_draft(office, draft, actor, before_publish=archive)
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        raise DomainError("publish_database_error") from error
    return archived[0] if archived else None


def archive_before_office_change(office: Office, actor: Actor) -> Report | None:
    """Archive a pre-change report if responses arrived since the last one; flush, do not commit.

    The report covers the published version's whole period, like the report made before a new
    survey version: a complete, comparable record of results gathered under the old office data.
    Raises DomainError ``change_report_failed``, with the report's reason, when it cannot be made.
    """
    if reports.responses_since_last_report(db.session, office) == 0:
        return None
    current = get_published_version(office)
    try:
        if current is not None:
            return reports.archive_pre_change_report(db.session, office, current, actor.user)
        return _archive_since_last_report(office, actor)
    except reports.ReportError as error:
        raise DomainError("change_report_failed", reason=str(error)) from error


def _archive_since_last_report(office: Office, actor: Actor) -> Report:
    """Archive a pre-change report from the last report's end (or the first response) to today."""
    from reports.periods import local_today, to_local

    last_end = db.session.scalar(
        sa.select(sa.func.max(Report.period_end)).where(Report.office_id == office.id)
    )
    first = db.session.scalar(
        sa.select(sa.func.min(Response.submitted_at)).where(Response.office_id == office.id)
    )
    start = last_end or (to_local(first).date() if first else local_today())
    return reports.archive_report(
        db.session,
        office,
        period_start=start,
        period_end=max(start, local_today()),
        reason="pre-change",
        author=actor.user,
    )


def before_office_change(office: Office) -> None:
    """Archive a pre-change report first if responses arrived since the last archived report.

    Called before a change to the office's data or departments is written; the report joins the
    change's transaction, so a refused change leaves no report either. Raises ``ValidationError``
    with the reason, in the panel's language, when the report cannot be made: nothing is saved.
    """
    from .auditing import get_actor

    try:
        archive_before_office_change(office, get_actor())
    except DomainError as error:
        raise ValidationError(error_text(error)) from error


def publish_preview(office: Office) -> dict[str, Any] | None:
    """Return what the pre-change report will hold if a draft is published now; None without a published version.

    The same report data the archive will store (period from the current version's publication to
    today, its responses, the headline figures), computed without storing anything.
    """
    from reports.periods import Period, local_today, to_local
    from reports.sections import build_report_data

    current = get_published_version(office)
    if current is None or current.published_at is None:
        return None
    start = to_local(current.published_at).date()
    period = Period(start, max(start, local_today()))
    data = build_report_data(db.session, office, period, version_numbers=[current.number])
    return {"version": current, "period": period, "data": data}
