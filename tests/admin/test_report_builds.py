"""Generating a report from the panel: the build runs in the background and its page says where it is.

The page answers at once, refreshes itself (meta refresh, no script) while the report is built,
links to the archived PDF when done, says in Polish why it failed, and two clicks make one build.
A build whose process went away (a restart leaves its row queued or building, untouched, with no
thread) is taken over by the next request that shows or asks for it and archived once.
"""

from __future__ import annotations

import itertools
import threading
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from admin import report_builds
from collector.extensions import db
from collector.models import AuditEvent, Report, ReportBuild, utcnow
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


def left_by_a_restart(
    user, state: str = "building", attempts: int = 1, age: int = 120
) -> ReportBuild:
    """Store a build as a stopped process leaves it: under way, untouched for ``age`` s, no thread."""
    build = ReportBuild(
        office_id=user.office_id,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        reason="periodic",
        lang="pl",
        requested_by_id=user.id,
        state=state,
        attempts=attempts,
        remote_addr="192.0.2.7",
        created_at=utcnow() - timedelta(seconds=age + 5),
        updated_at=utcnow() - timedelta(seconds=age),
    )
    db.session.add(build)
    db.session.commit()
    return build


def reload(build: ReportBuild) -> ReportBuild:
    db.session.expire_all()
    return db.session.get(ReportBuild, build.id)


def wait_until(condition, timeout: float = 60) -> None:
    """Wait for ``condition()`` to hold (polling the database), failing after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


RESUMED = "i wznowione samoczynnie"


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
    report_builds.run_build(current_app._get_current_object(), build.id)
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


@pytest.mark.parametrize(
    ("state", "attempts", "resumed"),
    [
        ("building", 1, True),
        # Queued by a process that stopped before its thread began: started now, not "resumed".
        ("queued", 0, False),
    ],
)
def test_a_build_left_by_a_restart_is_resumed_by_its_page_and_archived_once(
    client, admin_user, state, attempts, resumed
):
    stuck = left_by_a_restart(admin_user, state=state, attempts=attempts)
    login(client, "admin@lodz.pl")
    page = text(client.get(f"/admin/reports/build/{stuck.id}"))
    assert REFRESH in page and "Trwa generowanie raportu" in page and (RESUMED in page) == resumed
    finish_builds()
    done = text(client.get(f"/admin/reports/build/{stuck.id}"))
    report = db.session.scalar(sa.select(Report))
    assert "Raport został wygenerowany i zarchiwizowany" in done and REFRESH not in done
    assert f"/admin/reports/archive/{report.id}.pdf" in done and (RESUMED in done) == resumed
    assert states() == ["done"] and count(Report) == 1
    assert reload(stuck).report_id == report.id and reload(stuck).attempts == attempts + 1
    # The audit says who asked and from where, as an uninterrupted build would.
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.generate"))
    assert event.user_id == admin_user.id and event.remote_addr == "192.0.2.7"


def test_asking_again_for_an_interrupted_report_resumes_its_build(client, admin_user):
    stuck = left_by_a_restart(admin_user)
    login(client, "admin@lodz.pl")
    again = post(client, "/admin/reports/generate", YEAR)
    assert again.status_code == 302 and again.location.endswith(f"/admin/reports/build/{stuck.id}")
    finish_builds()
    assert "Raport został wygenerowany" in text(client.get(again.location))
    assert states() == ["done"] and count(ReportBuild) == 1 and count(Report) == 1


def test_of_two_processes_taking_an_orphan_one_wins(app, admin_user):
    stuck = left_by_a_restart(admin_user)
    cutoff = utcnow() - timedelta(seconds=60)
    both_read = threading.Barrier(2)
    won: list[int | None] = []

    def take() -> None:
        with app.app_context():
            seen = db.session.get(ReportBuild, stuck.id).attempts
            both_read.wait(10)
            won.append(
                report_builds.claim_build(db.session, stuck.id, seen, orphaned_before=cutoff)
            )
            db.session.remove()

    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(won, key=str) == [2, None]
    # Taking it again with what was read before the winner's claim fails too.
    assert report_builds.claim_build(db.session, stuck.id, 1, orphaned_before=cutoff) is None
    assert reload(stuck).attempts == 2 and reload(stuck).state == "building"


def test_a_build_interrupted_three_times_fails_and_says_so_in_polish(client, admin_user):
    stuck = left_by_a_restart(admin_user, attempts=3)
    login(client, "admin@lodz.pl")
    page = text(client.get(f"/admin/reports/build/{stuck.id}"))
    assert "Nie udało się wygenerować raportu." in page and REFRESH not in page
    assert "Generowanie zostało przerwane 3 razy" in page and "nie będzie już wznawiane" in page
    assert RESUMED not in page
    finish_builds()
    assert states() == ["failed"] and count(Report) == 0
    # A new click starts a new build.
    again = post(client, "/admin/reports/generate", YEAR)
    assert str(stuck.id) not in again.location
    finish_builds()
    assert states() == ["failed", "done"] and count(Report) == 1


def test_the_heartbeat_keeps_a_live_build_from_being_taken_over(client, app, admin_user, held):
    entered, release = held
    app.config.update(REPORT_BUILD_HEARTBEAT_SECONDS=0.1, REPORT_BUILD_ORPHANED_SECONDS=1.5)
    login(client, "admin@lodz.pl")
    response = post(client, "/admin/reports/generate", YEAR)
    assert entered.wait(60)
    build = db.session.scalar(sa.select(ReportBuild))
    started = build.updated_at
    # The build is held for longer than the orphan age; its heartbeat keeps it fresh meanwhile.
    wait_until(lambda: reload(build).updated_at > started + timedelta(seconds=2))
    page = text(client.get(response.location))
    assert "Trwa generowanie raportu" in page and RESUMED not in page
    assert reload(build).attempts == 1
    release.set()
    finish_builds()
    assert states() == ["done"] and count(Report) == 1 and reload(build).attempts == 1


@pytest.mark.parametrize("first_run", ["archives", "breaks"])
def test_a_run_that_lost_its_build_to_a_resumed_one_changes_nothing(
    client, app, admin_user, monkeypatch, request, first_run
):
    entered, release = (
        [threading.Event(), threading.Event()],
        [threading.Event(), threading.Event()],
    )
    request.addfinalizer(lambda: [event.set() for event in release])  # never leave a run waiting
    runs = itertools.count()

    def archive_when_released(*args, **kwargs):
        run = next(runs)
        entered[run].set()
        assert release[run].wait(60), "the test never released the run"
        if run == 0 and first_run == "breaks":
            raise RuntimeError("the stalled run breaks at last")
        return real_archive_report(*args, **kwargs)

    monkeypatch.setattr(report_builds, "archive_report", archive_when_released)
    app.config.update(REPORT_BUILD_HEARTBEAT_SECONDS=3600)  # the first run's heartbeat stalls
    login(client, "admin@lodz.pl")
    response = post(client, "/admin/reports/generate", YEAR)
    assert entered[0].wait(60)
    build = db.session.scalar(sa.select(ReportBuild))
    build.updated_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    assert RESUMED in text(client.get(response.location))  # taken over; the first run still works
    assert entered[1].wait(60) and reload(build).attempts == 2
    first, _resumed = app.extensions["report_builds"]
    release[0].set()
    first.join(60)
    # The first run ended while the resumed one holds the build: neither its report nor its
    # failure is kept, and the page goes on saying the report is being made.
    page = text(client.get(response.location))
    assert "Trwa generowanie raportu" in page and count(Report) == 0
    release[1].set()
    finish_builds()
    report = db.session.scalar(sa.select(Report))
    assert states() == ["done"] and count(Report) == 1 and reload(build).report_id == report.id
    assert "Raport został wygenerowany" in text(client.get(response.location))
    generated = sa.select(AuditEvent).where(AuditEvent.action == "report.generate")
    assert len(db.session.scalars(generated).all()) == 1


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


def test_the_archive_lists_reports_being_built_and_resumes_one_left_by_a_restart(
    client, admin_user
):
    """The build's page says the report will go to the archive, so that is where a clerk who left
    the page looks: the reports still being built are listed there, linked to their pages, and one
    whose process went away is taken over by the archive's own request."""
    stuck = left_by_a_restart(admin_user)
    elsewhere = left_by_a_restart(create_user("admin@inny.pl", office=create_office("inny")))
    login(client, "admin@lodz.pl")
    page = text(client.get("/admin/reports/archive/"))
    assert "Raporty w przygotowaniu" in page
    assert f"/admin/reports/build/{stuck.id}" in page and "Wznowione po przerwie." in page
    assert f"/admin/reports/build/{elsewhere.id}" not in page  # another office's build
    finish_builds()
    assert reload(stuck).state == "done" and reload(elsewhere).state == "building"
    after = text(client.get("/admin/reports/archive/"))
    assert "Raporty w przygotowaniu" not in after
    report = db.session.scalar(sa.select(Report).where(Report.office_id == admin_user.office_id))
    assert f"/admin/reports/archive/{report.id}.pdf" in after and count(Report) == 1


def test_the_archive_leaves_a_live_build_to_its_process(client, admin_user):
    """A build whose process still beats is only listed: nobody else starts it again."""
    live = left_by_a_restart(admin_user, age=1)
    login(client, "admin@lodz.pl")
    page = text(client.get("/admin/reports/archive/"))
    assert f"/admin/reports/build/{live.id}" in page and "Wznowione po przerwie." not in page
    finish_builds()
    assert reload(live).state == "building" and reload(live).attempts == 1 and count(Report) == 0
