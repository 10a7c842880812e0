"""In Chromium, at 1280 px and 390 px: the start page, the confirmation pages, the audit log, the
responses list and the dashboard's charts, each read by axe and saved as a screenshot.

Screenshots go to test-artifacts/screenshots/panel-*.png (not committed).
"""

from __future__ import annotations

import random
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import RefusedOrigin, ReportBuild, User
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    CHROMIUM_ARGS,
    app_config,
    browser,
    serious_violations,
    server,
)
from tests.admin.test_home import add_response, frozen  # noqa: F401  (fixture)
from tests.factories import DEFAULT_PASSWORD, create_office, create_user

from ..reports.dataset import local

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = (1280, 390)


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"panel-{name}.png"), full_page=True)


@pytest.fixture
def busy_office(app, frozen):  # noqa: F811
    """An office with a year of ratings in three departments, comments and refused origins."""
    office = create_office()
    office.created_at = datetime(2025, 1, 10)
    rng = random.Random(9)
    for month in range(1, 13):
        year, number = (2025, month + 5) if month <= 7 else (2026, month - 7)
        for i in range(rng.randint(6, 12)):
            department = ("komunikacja", "usc", "podatki")[i % 3]
            waiting = 2 if (year, number) >= (2026, 3) else 4
            add_response(
                office,
                local(year, number, 1 + i % 27),
                department=department,
                overall=rng.choice((3, 4, 4, 5, 5)),
                ratings={
                    "service_waiting": rng.choice((waiting, waiting + 1)),
                    "service_politeness": rng.choice((4, 5)),
                    "service_competence": rng.choice((3, 4, 5)),
                },
                comment="Długo czekałem w kolejce." if i == 0 else None,
                channel="qr" if i == 1 else "widget",
            )
    for day, origin, count in (
        (date(2026, 6, 14), "https://kopia.example.pl", 12),
        (date(2026, 6, 12), "http://localhost:8080", 1),
    ):
        db.session.add(RefusedOrigin(office_id=office.id, day=day, origin=origin, count=count))
    db.session.commit()
    create_user("admin@demo.test", office=office)
    create_user("anna@demo.test", role="reviewer", office=office)
    return office


def log_in(page, server: str) -> None:  # noqa: F811
    page.goto(f"{server}/admin/login")
    page.get_by_label("Adres e-mail").fill("admin@demo.test")
    page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(f"{server}/admin/")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_clerks_pages_read_well_at_each_width(busy_office, server, browser, width):  # noqa: F811
    context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in(page, server)
        # The start page: its chart's labels are at least 12 px as drawn, in a sans-serif font.
        page.locator("#responses-figures").wait_for()
        labels = page.evaluate(
            """() => [...document.querySelectorAll('svg.home-chart text')].map(t => {
                const style = getComputedStyle(t);
                return [t.getBoundingClientRect().height, parseFloat(style.fontSize), style.fontFamily];
            })"""
        )
        assert labels and min(size for _h, size, _f in labels) >= 12
        assert all("sans-serif" in family for *_rest, family in labels)
        # The month labels under the line stand apart (a gap of at least 6 px) inside the chart.
        chart, months = page.evaluate(
            """() => {
                const svg = document.querySelector('svg.home-chart').getBoundingClientRect();
                const months = [...document.querySelectorAll('svg.home-chart text')]
                    .filter(t => /^\\d\\d\\.\\d{4}$/.test(t.textContent))
                    .map(t => { const b = t.getBoundingClientRect(); return [b.left, b.right]; });
                return [[svg.left, svg.right], months.sort((a, b) => a[0] - b[0])];
            }"""
        )
        assert len(months) == 4, months
        assert all(chart[0] <= left and right <= chart[1] for left, right in months), (
            chart,
            months,
        )
        assert all(b[0] - a[1] >= 6 for a, b in pairwise(months)), months
        # No sideways scrolling of the page itself.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == [], "start page"
        shoot(page, f"home-{width}")

        # The dashboard: the charts are shown at their own size (labels stay 12 px).
        page.goto(f"{server}/admin/reports/")
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('img.report-chart')].map(
                i => [i.getBoundingClientRect().width, i.naturalWidth, +i.getAttribute('width')])"""
        )
        assert sizes and all(abs(shown - declared) < 1 for shown, _n, declared in sizes)
        assert serious_violations(page) == [], "dashboard"
        shoot(page, f"dashboard-{width}")

        # Generating: the build's page answers at once and refreshes itself until the report is
        # archived; the same period a second time asks first.
        for attempt in range(2):
            page.goto(f"{server}/admin/reports/")
            page.get_by_role("button", name="Wygeneruj i zarchiwizuj").click()
            if attempt == 0:
                page.get_by_role("heading", name="Generowanie raportu").wait_for()
                page.get_by_text("Raport został wygenerowany i zarchiwizowany.").wait_for()
                assert page.get_by_role("link", name="Pobierz PDF").is_visible()
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                assert serious_violations(page) == [], "build done"
                shoot(page, f"build-done-{width}")
        page.get_by_role("heading", name="Raport za ten okres już istnieje").wait_for()
        assert serious_violations(page) == [], "supersede confirmation"
        shoot(page, f"confirm-supersede-{width}")
        page.get_by_role("button", name="Tak, wygeneruj nowy raport").click()
        page.get_by_text("Raport został wygenerowany i zarchiwizowany.").wait_for()
        page.get_by_role("link", name="Przejdź do archiwum raportów").click()
        page.locator(".superseded").first.wait_for()
        shoot(page, f"archive-{width}")

        # A build under way, and one that failed (rows as the background thread leaves them).
        for state, error, name in (
            ("building", "", "build-running"),
            ("failed", "Okres raportu zaczyna się w przyszłości.", "build-failed"),
        ):
            build = ReportBuild(
                office_id=busy_office.id,
                period_start=date(2031 if state == "failed" else 2030, 1, 1),
                period_end=date(2031 if state == "failed" else 2030, 12, 31),
                reason="ad-hoc",
                lang="pl",
                state=state,
                error=error,
            )
            db.session.add(build)
            db.session.commit()
            page.goto(f"{server}/admin/reports/build/{build.id}")
            page.get_by_role("heading", name="Generowanie raportu").wait_for()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            if state == "building":
                # axe flags any timed refresh; WCAG 2.2.1 is met by the link that stops it, and
                # the page it leads to passes every rule.
                assert serious_violations(page, skip=("meta-refresh",)) == [], name
                shoot(page, f"{name}-refreshing-{width}")
                page.get_by_role("link", name="Zatrzymaj odświeżanie").click()
                page.get_by_role("link", name="Sprawdź teraz").wait_for()
                assert page.locator('meta[http-equiv="refresh"]').count() == 0
            assert serious_violations(page) == [], name
            shoot(page, f"{name}-{width}")

        # Deactivating a user asks first.
        anna = db.session.scalar(sa.select(User.id).where(User.email == "anna@demo.test"))
        page.goto(f"{server}/admin/user/edit/?id={anna}")
        page.locator("#active").uncheck()
        page.get_by_role("button", name="Zapisz", exact=True).click()
        page.get_by_role("heading", name="Dezaktywować konto").wait_for()
        assert serious_violations(page) == [], "deactivation confirmation"
        shoot(page, f"confirm-deactivate-{width}")
        page.get_by_role("link", name="Anuluj — nic nie zmieniaj").click()

        # Publishing asks first, with the pre-change report's figures.
        page.goto(f"{server}/admin/survey/")
        page.get_by_role("button", name="Edytuj").click()
        page.get_by_text("Utworzono wersję roboczą 2").wait_for()
        page.get_by_role("button", name="Opublikuj wersję 2").click()
        page.get_by_role("heading", name="Opublikować wersję 2 ankiety?").wait_for()
        assert serious_violations(page) == [], "publish confirmation"
        shoot(page, f"confirm-publish-{width}")

        # The audit log and the responses list in words.
        page.goto(f"{server}/admin/audit/")
        assert serious_violations(page) == [], "audit log"
        shoot(page, f"audit-{width}")
        page.goto(f"{server}/admin/response/")
        assert serious_violations(page) == [], "responses list"
        shoot(page, f"responses-{width}")
        page.goto(f"{server}/admin/paper/")
        shoot(page, f"paper-{width}")
        # The office form: the survey's language checkboxes stay clear of the next label.
        page.goto(f"{server}/admin/office/edit/?id={busy_office.id}")
        boxes = page.locator("ul#languages").bounding_box()
        label = page.locator("label[for=look_label]").bounding_box()
        assert boxes["y"] + boxes["height"] <= label["y"]
        shoot(page, f"office-form-{width}")
    finally:
        context.close()
