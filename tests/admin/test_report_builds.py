"""Generating a report from the panel: the build runs in the background and its page says where it is.

The page answers at once, refreshes itself (meta refresh, no script) while the report is built,
links to the archived PDF when done, says in Polish why it failed, and two clicks make one build.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from admin import report_builds
from collector.extensions import db
from collector.models import Report, ReportBuild, utcnow
from reports import ReportError
from reports import archive_report as real_archive_report
from tests.admin.panel import finish_builds, login, post, text
from tests.factories import count, create_office, create_user
from tests.reports.dataset import OFFICE_NAME, build_dataset

YEAR = {"from": "2024-01-01", "to": "2024-12-31", "reason": "periodic", "lang": "pl"}
REFRESH = '<meta http-equiv="refresh"'


@pytest.fixture
def admin_user(app):
    data = build_dataset()
    return create_user("admin@lodz.pl", office=data.office)


@pytest.fixture
def held(monkeypatch):
    """Hold every build inside archive_report until the test lets it go (an Event, not a sleep)."""
    entered, release = threading.Event(), threading.Event()

    def archive_when_released(*args, **kwargs):
        entered.set()
        assert release.wait(60), "the test never released the build"
        return real_archive_report(*args, **kwargs)

    monkeypatch.setattr(report_builds, "archive_report", archive_when_released)
    yield entered, release
    release.set()


def states() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ReportBuild.state).order_by(ReportBuild.created_at)))


def test_the_page_refreshes_while_building_then_links_the_archived_report(client, admin_user, held):
    entered, release = held
    login(client, "admin@lodz.pl")
    response = post(client, "/admin/reports/generate", YEAR)
    assert response.status_code == 302 and "/admin/reports/build/" in response.location
    assert entered.wait(60)
    building = client.get(response.location)
    assert building.status_code == 200 and REFRESH in text(building)
    assert "Trwa generowanie raportu" in text(building) and states() == ["building"]
    assert count(Report) == 0

    release.set()
    finish_builds()
    done = text(client.get(response.location))
    report = db.session.scalar(sa.select(Report))
    assert states() == ["done"] and REFRESH not in done
    assert "Raport został wygenerowany i zarchiwizowany" in done
    assert f"/admin/reports/archive/{report.id}.pdf" in done and report.sha256 in done
    assert db.session.scalar(sa.select(ReportBuild.report_id)) == report.id


def test_a_queued_build_says_so_and_a_run_takes_it_to_done(client, admin_user):
    build = ReportBuild(
        office_id=admin_user.office_id,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        reason="periodic",
        lang="pl",
        requested_by_id=admin_user.id,
    )
    db.session.add(build)
    db.session.commit()
    login(client, "admin@lodz.pl")
    page = text(client.get(f"/admin/reports/build/{build.id}"))
    assert "W kolejce" in page and REFRESH in page
    report_builds.run_build(current_app._get_current_object(), build.id, "127.0.0.1")
    assert states() == ["done"] and count(Report) == 1


def test_two_clicks_make_one_build_and_one_report(client, admin_user, held):
    entered, release = held
    login(client, "admin@lodz.pl")
    first = post(client, "/admin/reports/generate", YEAR)
    assert entered.wait(60)
    second = post(client, "/admin/reports/generate", YEAR)
    assert second.status_code == 302 and second.location == first.location
    assert count(ReportBuild) == 1
    release.set()
    finish_builds()
    assert states() == ["done"] and count(Report) == 1


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ReportError("Okres raportu zaczyna się w przyszłości."), "zaczyna się w przyszłości"),
        (RuntimeError("disk full"), "Wystąpił błąd serwera"),
    ],
)
def test_a_failed_build_says_why_in_polish_and_stops_refreshing(
    client, admin_user, monkeypatch, error, shown
):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(report_builds, "archive_report", fail)
    login(client, "admin@lodz.pl")
    response = post(client, "/admin/reports/generate", YEAR)
    finish_builds()
    page = client.get(response.location)
    assert page.status_code == 200
    html = text(page)
    assert "Nie udało się wygenerować raportu." in html and shown in html
    assert "disk full" not in html and REFRESH not in html
    assert states() == ["failed"] and count(Report) == 0
    # The failed build does not block the next try.
    monkeypatch.setattr(report_builds, "archive_report", real_archive_report)
    again = post(client, "/admin/reports/generate", YEAR)
    assert again.location != response.location
    finish_builds()
    assert states() == ["failed", "done"]


def test_a_build_stuck_by_a_stopped_server_is_failed_and_a_new_one_starts(client, admin_user):
    stuck = ReportBuild(
        office_id=admin_user.office_id,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        reason="periodic",
        lang="pl",
        state="building",
        created_at=utcnow() - timedelta(hours=2),
        updated_at=utcnow() - timedelta(hours=2),
    )
    db.session.add(stuck)
    db.session.commit()
    login(client, "admin@lodz.pl")
    again = post(client, "/admin/reports/generate", YEAR)
    assert again.status_code == 302 and str(stuck.id) not in again.location
    finish_builds()
    assert "przerwane" in text(client.get(f"/admin/reports/build/{stuck.id}"))
    assert states() == ["failed", "done"] and count(Report) == 1


@pytest.mark.parametrize(
    "build_id", ["nie-uuid", "86ff1474-75fd-4e28-b3f1-387944546dd1", "%00", "1" * 400]
)
def test_an_unknown_build_is_a_polish_404(client, admin_user, build_id):
    login(client, "admin@lodz.pl")
    response = client.get(f"/admin/reports/build/{build_id}")
    assert response.status_code == 404 and "Nie ma takiego generowania raportu" in text(response)


def test_another_offices_build_is_not_shown(client, admin_user):
    login(client, "admin@lodz.pl")
    response = post(client, "/admin/reports/generate", YEAR)
    finish_builds()
    other = create_office("inny", "Urząd Inny")
    create_user("admin@inny.pl", office=other)
    login(client, "admin@inny.pl")
    page = client.get(response.location)
    assert page.status_code == 404 and OFFICE_NAME not in text(page)
