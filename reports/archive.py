"""The report archive: build a report, store its PDF and hashes as a Report row, audit it.

Nothing here commits: the caller does, so that archiving and what it guards (publishing a new
survey version) are one transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from collector.audit import record_event
from collector.models import REPORT_REASONS, Office, Report, Response, SurveyVersion, User, utcnow

from .fonts import FontMissing
from .pdf import build_pdf
from .periods import Period, local_today, to_local
from .queries import load_versions
from .sections import build_report_data, canonical_json, data_sha256
from .texts import REPORT_LANGUAGES

log = logging.getLogger(__name__)
MAX_PERIOD_DAYS = 366 * 10


class ReportError(Exception):
    """A report could not be generated; the message says why, in Polish."""


def author_name(author: User | None) -> str:
    """Return how the report names its author."""
    if author is None:
        return ""
    return f"{author.name} ({author.email})" if author.name else author.email


def check_request(
    session: Session,
    office: Office,
    period_start: date,
    period_end: date,
    reason: str,
    lang: str,
    versions: list[int] | None,
) -> None:
    """Raise ReportError for a request that cannot make a report."""
    if not isinstance(period_start, date) or not isinstance(period_end, date):
        raise ReportError("Okres raportu musi być podany jako daty.")
    if period_end < period_start:
        raise ReportError("Koniec okresu raportu jest wcześniejszy niż jego początek.")
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise ReportError("Okres raportu może obejmować najwyżej 10 lat.")
    if period_start > local_today():
        raise ReportError("Okres raportu zaczyna się w przyszłości.")
    if reason not in REPORT_REASONS:
        raise ReportError(
            f"Nieznany rodzaj raportu {reason!r}; dozwolone: {', '.join(REPORT_REASONS)}."
        )
    if lang not in REPORT_LANGUAGES:
        raise ReportError(
            f"Raport można wygenerować po polsku (pl) lub po angielsku (en), nie {lang!r}."
        )
    if versions is not None:
        known = {v.number for v in load_versions(session, office).values()}
        unknown = sorted(set(versions) - known)
        if unknown or not versions:
            raise ReportError(
                "Urząd nie ma wersji ankiety: "
                + (", ".join(map(str, unknown)) or "(pusta lista)")
                + "."
            )


def build_report(
    session: Session,
    office: Office,
    *,
    period_start: date,
    period_end: date,
    reason: str,
    author: User | None,
    lang: str = "pl",
    versions: list[int] | None = None,
    report_id: uuid.UUID | None = None,
    generated_at: datetime | None = None,
) -> tuple[dict[str, Any], bytes]:
    """Return the report data (meta, data, data_sha256) and its PDF, storing nothing."""
    check_request(session, office, period_start, period_end, reason, lang, versions)
    report_id = report_id or uuid.uuid4()
    generated_at = generated_at or utcnow()
    period = Period(period_start, period_end)
    data = build_report_data(
        session,
        office,
        period,
        lang=lang,
        version_numbers=sorted(set(versions)) if versions is not None else None,
        roll=True,
    )
    report_data = {
        "meta": {
            "report_id": str(report_id),
            "generated_at": to_local(generated_at).isoformat(timespec="seconds"),
            "author_name": author_name(author),
            "reason": reason,
            "lang": lang,
        },
        "data": data,
        "data_sha256": data_sha256(data),
    }
    return report_data, build_pdf(report_data, lang=lang)


def archive_report(
    session: Session,
    office: Office,
    *,
    period_start: date,
    period_end: date,
    reason: str,
    author: User | None,
    lang: str = "pl",
    versions: list[int] | None = None,
    remote_addr: str = "",
) -> Report:
    """Build the report, add it to the archive with its hashes and audit it; flush, do not commit.

    Raises ReportError, with nothing added to the session, when the report cannot be made.
    ``remote_addr`` is the staff member's address for the audit log, when a panel asks.
    """
    report_id = uuid.uuid4()
    # Taken before the data is read: a response arriving meanwhile counts as "since the last report".
    created_at = utcnow()
    try:
        report_data, pdf = build_report(
            session,
            office,
            period_start=period_start,
            period_end=period_end,
            reason=reason,
            author=author,
            lang=lang,
            versions=versions,
            report_id=report_id,
            generated_at=created_at,
        )
    except ReportError:
        raise
    except FontMissing as error:
        raise ReportError(str(error)) from error
    except Exception as error:
        log.exception("report for office %s failed", office.slug)
        raise ReportError("Nie udało się wygenerować raportu: " + type(error).__name__) from error

    data = report_data["data"]
    report = Report(
        id=report_id,
        office_id=office.id,
        period_start=period_start,
        period_end=period_end,
        versions=[v["number"] for v in data["versions"]],
        reason=reason,
        lang=lang,
        author_id=author.id if author else None,
        author_name=report_data["meta"]["author_name"],
        created_at=created_at,
        response_count=data["responses"]["total"],
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        data_sha256=report_data["data_sha256"],
        data_json=canonical_json(data).decode("utf-8"),
    )
    session.add(report)
    event = record_event(
        "report.generate",
        user=author,
        office_id=office.id,
        object_type="report",
        object_id=report_id,
        after={
            "period_start": period_start.isoformat(),
            "period_end": period_end.isoformat(),
            "reason": reason,
            "versions": report.versions,
            "lang": lang,
            "response_count": report.response_count,
            "sha256": report.sha256,
            "data_sha256": report.data_sha256,
        },
        remote_addr=remote_addr,
    )
    try:
        session.flush()
    except sa.exc.SQLAlchemyError as error:
        for obj in (report, event):
            if obj in session:
                session.expunge(obj)
        raise ReportError("Nie udało się zapisać raportu w archiwum.") from error
    return report


def archive_pre_change_report(
    session: Session, office: Office, version: SurveyVersion, author: User | None
) -> Report:
    """Archive the report of a version's whole period (published → today), before the survey changes."""
    if version.published_at is None:
        raise ReportError(
            f"Wersja {version.number} nie była opublikowana, więc nie ma wyników do raportu."
        )
    start = to_local(version.published_at).date()
    return archive_report(
        session,
        office,
        period_start=start,
        period_end=max(start, local_today()),
        reason="pre-change",
        author=author,
        versions=[version.number],
    )


def responses_since_last_report(session: Session, office: Office) -> int:
    """Return how many responses arrived after the office's newest archived report (all, if none)."""
    last = session.scalar(
        sa.select(sa.func.max(Report.created_at)).where(Report.office_id == office.id)
    )
    query = sa.select(sa.func.count()).select_from(Response).where(Response.office_id == office.id)
    if last is not None:
        query = query.where(Response.submitted_at > last)
    return session.scalar(query) or 0


def archived_report_data(session: Session, report: Report) -> dict[str, Any]:
    """Return an archived report's data (meta, data, data_sha256), as its PDF was built from.

    The figures are the archived ones (``data_json``), never a recount. A report archived before
    the data was kept has an empty ``data_json``: its data is built again for its period, versions
    and language from the answers as they are now (a response purged since, or a comment hidden
    since, makes it differ from the PDF; its ``data_sha256`` then tells the two apart).
    """
    meta = {
        "report_id": str(report.id),
        "generated_at": to_local(report.created_at).isoformat(timespec="seconds"),
        "author_name": report.author_name or "",
        "reason": report.reason,
        "lang": report.lang,
    }
    if report.data_json:
        data = json.loads(report.data_json)
    else:
        data = build_report_data(
            session,
            report.office,
            Period(report.period_start, report.period_end),
            lang=report.lang,
            version_numbers=list(report.versions) or None,
        )
    return {"meta": meta, "data": data, "data_sha256": data_sha256(data)}
