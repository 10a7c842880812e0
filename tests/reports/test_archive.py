"""The archive: a report row with the PDF and its hashes, audited, added but not committed; nothing on failure."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

import reports
from collector.extensions import db
from collector.models import AuditEvent, Report, utcnow
from reports import (
    ReportError,
    archive_pre_change_report,
    archive_report,
    responses_since_last_report,
)
from reports.periods import local_today
from tests.factories import count, create_office, create_user, published_version
from tests.reports.dataset import add_response, local


@pytest.fixture
def office(app):
    return create_office("lodz", "Urząd Miasta Łódź")


def add_some(office, n: int, when=None) -> None:
    version = published_version(office)
    for i in range(n):
        add_response(
            office,
            version,
            when or utcnow() - timedelta(minutes=5),
            {"department": "usc", "overall": 1 + i % 5, "service_politeness": 4},
        )
    db.session.commit()


def test_archive_report_adds_the_pdf_its_hashes_and_an_audit_event(office, session):
    add_some(office, 6)
    author = create_user("sekretarz@lodz.pl", office=office, name="Anna Żółkiewska")
    today = local_today()

    report = archive_report(
        session,
        office,
        period_start=today - timedelta(days=30),
        period_end=today,
        reason="ad-hoc",
        author=author,
    )

    assert report.pdf.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(report.pdf).hexdigest()
    assert len(report.data_sha256) == 64
    # The archived data is the one hashed: a public page reading it shows the report's figures.
    assert hashlib.sha256(report.data_json.encode("utf-8")).hexdigest() == report.data_sha256
    assert json.loads(report.data_json)["responses"]["total"] == 6
    assert (report.response_count, report.versions, report.reason) == (6, [1], "ad-hoc")
    assert report.author_name == "Anna Żółkiewska (sekretarz@lodz.pl)"
    event = session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.generate"))
    assert event.object_id == str(report.id) and event.user_id == author.id
    assert event.after["sha256"] == report.sha256


def test_archive_report_does_not_commit_so_the_caller_decides(office, session):
    today = local_today()
    archive_report(
        session, office, period_start=today, period_end=today, reason="periodic", author=None
    )
    assert count(Report) == 1
    session.rollback()
    assert count(Report) == 0 and count(AuditEvent) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"period_start": date(2024, 2, 1), "period_end": date(2024, 1, 1)}, "wcześniejszy"),
        ({"period_start": date(2000, 1, 1), "period_end": date(2024, 1, 1)}, "10 lat"),
        ({"period_start": date(2999, 1, 1), "period_end": date(2999, 2, 1)}, "przyszłości"),
        ({"reason": "weekly"}, "Nieznany rodzaj"),
        ({"lang": "de"}, "po polsku"),
        ({"versions": [7]}, "nie ma wersji ankiety: 7"),
        ({"versions": []}, "nie ma wersji"),
        ({"period_start": "2024-01-01"}, "daty"),
    ],
)
def test_bad_requests_raise_report_error_and_add_nothing(office, session, kwargs, message):
    args = {
        "period_start": date(2024, 1, 1),
        "period_end": date(2024, 12, 31),
        "reason": "periodic",
        "author": None,
    } | kwargs
    with pytest.raises(ReportError, match=message):
        archive_report(session, office, **args)
    assert not session.new
    session.commit()
    assert count(Report) == 0 and count(AuditEvent) == 0


def test_a_failing_pdf_leaves_nothing_added(office, session, monkeypatch):
    add_some(office, 3)

    def broken_pdf(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports.archive, "build_pdf", broken_pdf)
    with pytest.raises(ReportError, match="Nie udało się wygenerować raportu"):
        archive_report(
            session,
            office,
            period_start=date(2024, 1, 1),
            period_end=local_today(),
            reason="periodic",
            author=None,
        )
    assert not session.new
    session.commit()
    assert count(Report) == 0 and count(AuditEvent) == 0


def test_a_failing_insert_leaves_nothing_added(office, session, monkeypatch):

    def broken_flush(*_args, **_kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(session, "flush", broken_flush)
    with pytest.raises(ReportError, match="zapisać"):
        archive_report(
            session,
            office,
            period_start=local_today(),
            period_end=local_today(),
            reason="periodic",
            author=None,
        )
    monkeypatch.undo()
    assert not session.new


def test_pre_change_report_covers_the_version_from_publication_to_today(office, session):
    version = published_version(office)
    version.published_at = local(2024, 3, 10, 9)
    add_some(
        office, 2, when=local(2024, 3, 9, 12)
    )  # before publication day: not this version's period
    add_some(office, 4, when=local(2024, 5, 1, 12))
    db.session.commit()

    report = archive_pre_change_report(session, office, version, None)

    assert (report.reason, report.period_start, report.period_end) == (
        "pre-change",
        date(2024, 3, 10),
        local_today(),
    )
    assert report.versions == [version.number]
    assert report.response_count == 4


def test_pre_change_report_of_an_unpublished_version_is_refused(office, session):
    version = published_version(office)
    version.published_at = None
    with pytest.raises(ReportError, match="nie była opublikowana"):
        archive_pre_change_report(session, office, version, None)


def test_responses_since_last_report_counts_what_arrived_after_the_newest_report(office, session):
    add_some(office, 3, when=utcnow() - timedelta(days=2))
    assert responses_since_last_report(session, office) == 3
    archive_report(
        session,
        office,
        period_start=local_today() - timedelta(days=7),
        period_end=local_today(),
        reason="ad-hoc",
        author=None,
    )
    session.commit()
    assert responses_since_last_report(session, office) == 0
    add_some(office, 2, when=utcnow() + timedelta(seconds=1))
    assert responses_since_last_report(session, office) == 2
    other = create_office("leszno", "Urząd Miasta Leszna")
    assert responses_since_last_report(session, other) == 0
