"""Clerks read and filter times in Polish local time (Europe/Warsaw, with summer time), never in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

import reports
from collector.extensions import db
from collector.models import AuditEvent, Response, SurveyVersion, User, utcnow
from tests.admin.flowtools import answer_survey, login, office_with_admin
from tests.admin.panel import form_login, text

WARSAW = ZoneInfo("Europe/Warsaw")

# Naive UTC instants as the database stores them, and what a clerk in Poland expects to read.
SUMMER = datetime(2026, 7, 1, 10, 0)  # CEST, UTC+2
WINTER = datetime(2026, 1, 15, 10, 0)  # CET, UTC+1
# Around local midnight between 1 and 2 July and between 2 and 3 July (UTC+2).
JULY_EDGES = {
    datetime(2026, 7, 1, 21, 30): "2026-07-01 23:30",
    datetime(2026, 7, 1, 22, 30): "2026-07-02 00:30",
    datetime(2026, 7, 2, 21, 30): "2026-07-02 23:30",
    datetime(2026, 7, 2, 22, 30): "2026-07-03 00:30",
}


def respond_at(client, office, *moments: datetime) -> None:
    """Post one response per moment and store it as submitted then (naive UTC)."""
    answer_survey(client, office, times=len(moments))
    responses = db.session.scalars(
        sa.select(Response).where(Response.office_id == office.id).order_by(Response.id)
    ).all()[-len(moments) :]
    for response, moment in zip(responses, moments, strict=True):
        response.submitted_at = moment
    db.session.commit()


def rows(page) -> int:
    return text(page).count("/admin/response/details/?id=")


@pytest.fixture
def office(client, app):
    office, _user = office_with_admin()
    return office


def test_the_responses_list_shows_summer_and_winter_times_in_polish_time(client, office):
    respond_at(client, office, SUMMER, WINTER)
    login(client, "admin@demo.test")
    page = text(client.get("/admin/response/"))
    assert "2026-07-01 12:00" in page and "2026-01-15 11:00" in page
    assert "2026-07-01 10:00" not in page and "2026-01-15 10:00" not in page

    response_id = db.session.scalar(sa.select(Response.id).where(Response.submitted_at == SUMMER))
    assert "2026-07-01 12:00" in text(client.get(f"/admin/response/details/?id={response_id}"))


def test_the_period_filter_takes_local_times(client, office):
    respond_at(client, office, *JULY_EDGES)
    login(client, "admin@demo.test")
    page = client.get("/admin/response/?flt1_0=2026-07-02+00:00:00+to+2026-07-02+23:59:59")
    assert rows(page) == 2
    assert "2026-07-02 00:30" in text(page) and "2026-07-02 23:30" in text(page)
    assert "2026-07-01 23:30" not in text(page) and "2026-07-03 00:30" not in text(page)
    # The filter is labelled for what it is, and keeps showing what the clerk typed.
    assert "Okres" in text(page) and "2026-07-02 00:00:00 to 2026-07-02 23:59:59" in text(page)


def test_the_lockout_message_gives_the_polish_hour(client, office):
    user = db.session.scalar(sa.select(User).where(User.email == "admin@demo.test"))
    user.locked_until = utcnow() + timedelta(minutes=10)
    db.session.commit()
    local = user.locked_until.replace(tzinfo=UTC).astimezone(WARSAW).strftime("%H:%M")
    page = text(form_login(client, "admin@demo.test"))
    assert f"Konto jest zablokowane do {local} " in page
    assert user.locked_until.strftime("%H:%M") not in page and "UTC" not in page


def test_the_audit_log_shows_and_filters_local_times(client, office):
    form_login(client, "admin@demo.test")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "login"))
    event.at = datetime(2026, 1, 15, 23, 30)  # 2026-01-16 00:30 in Poland
    db.session.commit()
    audit = next(
        v for v in client.application.extensions["ocen_admin"]._views if v.endpoint == "audit"
    )
    before = next(
        audit.get_filter_arg(index, flt)
        for index, flt in enumerate(audit._filters)
        if flt.column.key == "at" and str(flt.operation()) == "mniejsze niż"
    )

    assert "2026-01-16 00:30" in text(client.get("/admin/audit/"))
    assert "2026-01-16 00:30" in text(
        client.get(f"/admin/audit/?flt0_{before}=2026-01-16+01:00:00")
    )
    assert "2026-01-16 00:30" not in text(
        client.get(f"/admin/audit/?flt0_{before}=2026-01-16+00:00:00")
    )


def test_no_panel_page_speaks_of_utc(client, office):
    respond_at(client, office, SUMMER)
    login(client, "admin@demo.test")
    user = db.session.scalar(sa.select(User).where(User.email == "admin@demo.test"))
    user.last_login_at = WINTER
    user.previous_login_at = WINTER  # the start page shows the login before the current one
    version = db.session.scalar(sa.select(SurveyVersion).where(SurveyVersion.status == "published"))
    version.published_at = SUMMER
    report = reports.archive_report(
        db.session,
        office,
        period_start=date(2026, 7, 1),
        period_end=date(2026, 7, 1),
        reason="ad-hoc",
        author=None,
    )
    report.created_at = WINTER
    db.session.commit()
    response_id = db.session.scalar(sa.select(Response.id))
    expected = {
        "/admin/": "2026-01-15 11:00",
        "/admin/survey/": "2026-07-01 12:00",
        "/admin/response/": "2026-07-01 12:00",
        f"/admin/response/details/?id={response_id}": "2026-07-01 12:00",
        "/admin/user/": "2026-01-15 11:00",
        f"/admin/user/details/?id={user.id}": "2026-01-15 11:00",
        "/admin/audit/": None,
        f"/admin/office/details/?id={office.id}": None,
        "/admin/reports/archive/": "2026-01-15 11:00",
    }
    for url, shown in expected.items():
        page = client.get(url)
        assert page.status_code == 200, url
        assert "UTC" not in text(page), url
        assert shown is None or shown in text(page), url
