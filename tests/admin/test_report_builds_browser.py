"""A report build left behind by a restart, as the clerk sees it in Chromium at 390 and 1280 px.

The clerk comes back to the report archive after the server restarted: the build is listed there
with a link to its page, which says the build was interrupted and resumed by itself, refreshes itself with no script, and ends on the archived report's download,
with no serious axe violation on either state and no sideways scroll on a phone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.extensions import db
from collector.models import Report
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    serious_violations,
    server,
)
from tests.admin.test_report_builds import RESUMED, held, left_by_a_restart  # noqa: F401
from tests.factories import DEFAULT_PASSWORD, count, create_user
from tests.reports.dataset import build_dataset

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.mark.parametrize("width", [390, 1280])
def test_a_build_interrupted_by_a_restart_resumes_on_its_page(app, server, browser, held, width):  # noqa: F811
    data = build_dataset()
    clerk = create_user("admin@lodz.pl", office=data.office)
    stuck = left_by_a_restart(clerk)
    context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{server}/admin/login")
        page.get_by_label("Adres e-mail").fill("admin@lodz.pl")
        page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(f"{server}/admin/")

        # The clerk looks in the archive, where the build's page said the report would go: the
        # report being built is listed there, and that request takes the build over.
        page.goto(f"{server}/admin/reports/archive/")
        builds = page.locator("#builds")
        assert "Wznowione po przerwie." in builds.inner_text()
        page.screenshot(
            path=str(SCREENSHOTS / f"report-archive-builds-{width}.png"), full_page=True
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []
        builds.get_by_role("link").click()
        page.wait_for_url(f"{server}/admin/reports/build/{stuck.id}")
        assert RESUMED in page.locator(".build-resumed").inner_text()
        page.screenshot(path=str(SCREENSHOTS / f"report-build-resumed-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # axe flags any timed refresh; WCAG 2.2.1 is met by the link that stops it (the running
        # page's own test, tests/admin/test_home_browser.py, follows it).
        assert serious_violations(page, skip=("meta-refresh",)) == []
        assert page.get_by_role("link", name="Zatrzymaj odświeżanie").count() == 1
        entered, release = held  # the resumed run waits inside archive_report until now
        assert entered.wait(30)
        release.set()

        # The page refreshes itself (every 5 s) until the resumed build has archived the report.
        download = page.get_by_role("link", name="Pobierz PDF")
        download.wait_for(timeout=60000)
        assert "Raport został wygenerowany i zarchiwizowany" in page.inner_text("#build")
        assert RESUMED in page.inner_text(".build-resumed")
        page.screenshot(
            path=str(SCREENSHOTS / f"report-build-resumed-done-{width}.png"), full_page=True
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []
        db.session.expire_all()
        assert count(Report) == 1
    finally:
        context.close()
