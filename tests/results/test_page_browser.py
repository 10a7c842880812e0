"""The public results page in Chromium, with JavaScript on and off, at 390 and 1280 px: axe finds
nothing (read with JavaScript on: axe is a script), each chart has its table and the table holds the chart's values, the SHA-256 listed is the
archived PDF's and the downloaded file's; a page that is not published answers 404.

Screenshots go to test-artifacts/screenshots/results-*.png (not committed).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Report
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    server,
)
from tests.widget.conftest import check_axe

from .published import SLUG, archive_year, published_office, publishing_office

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
NUMBER = re.compile(r"^\d+$")
MEAN = re.compile(r"^\d,\d\d$")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"results-{name}.png"), full_page=True)


def open_context(browser, width: int, javascript: bool):  # noqa: F811
    return browser.new_context(
        locale="pl-PL",
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
        accept_downloads=True,
    )


def chart_texts(page, chart_id: str) -> list[str]:
    return [t.strip() for t in page.locator(f"#{chart_id} svg text").all_text_contents()]


def table_rows(page, table_id: str) -> list[list[str]]:
    """Return the table's body rows as the cells' texts (the row's header first)."""
    return page.eval_on_selector(
        f"#{table_id}",
        """t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))""",
    )


def number(text: str) -> float:
    return float(text.replace("%", "").replace(",", ".").replace("\u00a0", "").replace(" ", ""))


def check_stacked_bars(page, chart_id: str) -> None:
    """The bars' percentage labels are the table's shares of 1–5 (those of 6% and more), rounded."""
    labels = sorted(int(t) for t in chart_texts(page, chart_id) if NUMBER.match(t))
    shares = sorted(
        number(cell)
        for row in table_rows(page, f"{chart_id}-dane")
        for cell in row[2:7]
        if cell != "—" and number(cell) >= 6
    )
    assert labels and len(labels) == len(shares), (labels, shares)
    assert all(abs(label - share) <= 0.55 for label, share in zip(labels, shares, strict=True))


def check_trend(page, chart_id: str) -> None:
    """One month label and one point per mean in the table; the bars' top label is the most responses."""
    rows = table_rows(page, f"{chart_id}-dane")
    months = [t for t in chart_texts(page, chart_id) if re.match(r"^\d\d\.\d{4}$", t)]
    assert len(months) == len(rows) == 12
    points = page.locator(f"#{chart_id} svg circle").count()
    assert points == sum(1 for row in rows for cell in row[2:4] if cell != "—")
    most = max(int(number(row[1])) for row in rows)
    assert str(most) in chart_texts(page, chart_id)


def check_departments(page, chart_id: str) -> None:
    """Each department's bar label (its mean, or "< 5") is the table's overall mean."""
    rows = table_rows(page, f"{chart_id}-dane")
    header = page.eval_on_selector(
        f"#{chart_id}-dane", "t => [...t.tHead.rows[0].cells].map(c => c.textContent.trim())"
    )
    column = header.index("Ogólne zadowolenie")
    labels = [t for t in chart_texts(page, chart_id) if MEAN.match(t) or t == "< 5"]
    assert labels == [row[column] for row in rows]
    assert "< 5" in labels  # the small department is hidden in the chart as in the table


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_public_page_in_a_browser(app, server, browser, width, javascript):  # noqa: F811
    published = published_office()
    context = open_context(browser, width, javascript)
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        response = page.goto(f"{server}/wyniki/{SLUG}")
        assert response.status == 200
        assert context.cookies() == []
        page.get_by_role("heading", level=1, name="Wyniki badania satysfakcji klientów").wait_for()
        # axe-core is itself a script (its checks wait on timers, which never fire in a page with
        # JavaScript off): it reads the page with JavaScript on; the page has no script of its own,
        # so the page without JavaScript is the same document, checked below for everything else.
        assert page.locator("script").count() == 0
        if javascript:
            check_axe(page, f"results page {width}px")

        # Every chart: a named image, its labels at least 12 px and sans-serif, then its table.
        charts = page.locator("figure.chart-figure")
        ids = [charts.nth(i).get_attribute("id") for i in range(charts.count())]
        assert len(ids) == 4, ids  # the drivers, the other rated question, the trend, departments
        for chart_id in ids:
            svg = page.locator(f"#{chart_id} svg")
            assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
            caption = page.locator(f"#{chart_id}-dane caption").inner_text()
            assert caption.startswith("Dane wykresu:")
            # The size as drawn: the label's font size times the scale of its transforms on screen.
            fonts = page.eval_on_selector_all(
                f"#{chart_id} svg text",
                """ts => ts.map(t => {
                    const m = t.getScreenCTM();
                    const scale = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
                    return [parseFloat(getComputedStyle(t).fontSize) * scale,
                            getComputedStyle(t).fontFamily];
                })""",
            )
            assert min(size for size, _f in fonts) >= 12 - 1e-6
            assert all("sans-serif" in family for _s, family in fonts)
        for chart_id in ids:
            if chart_id.startswith("wykres-obszar"):
                check_stacked_bars(page, chart_id)
        check_trend(page, "wykres-trend")
        check_departments(page, "wykres-wydzialy")
        # The page itself never scrolls sideways; a wide chart scrolls in its own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        # The SHA-256 listed is the archived file's and the downloaded file's.
        listed = page.locator("code.sha256").all_inner_texts()
        stored = db.session.scalar(sa.select(Report).where(Report.id == published.report.id))
        assert hashlib.sha256(stored.pdf).hexdigest() == stored.sha256
        assert listed == [stored.sha256]
        with page.expect_download() as download:
            page.locator("a.pdf").first.click()
        saved = Path(download.value.path()).read_bytes()
        assert hashlib.sha256(saved).hexdigest() == listed[0]
        assert download.value.suggested_filename == f"raport-{SLUG}-2025-01-01-2025-12-31.pdf"
        shoot(page, f"{'js' if javascript else 'nojs'}-{width}")

        # The HTML form of the report, linked from the page: no comments, axe finds nothing.
        page.locator("a.html").first.click()
        page.get_by_role("heading", level=1).first.wait_for()
        assert "Uwagi mieszkańców nie są publikowane" in page.content()
        if javascript:
            check_axe(page, f"public HTML report {width}px")
        else:
            shoot(page, f"report-html-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_an_unpublished_office_and_a_bad_address_answer_404(app, server, browser, width):  # noqa: F811
    office = publishing_office(publish=False)
    archive_year(office)
    context = open_context(browser, width, javascript=True)
    page = context.new_page()
    try:
        for path in (f"/wyniki/{SLUG}", "/wyniki/nie-ma-takiego-urzedu", f"/wyniki/{SLUG}/x"):
            response = page.goto(f"{server}{path}")
            assert response.status == 404, path
            page.get_by_role("heading", level=1, name="Nie znaleziono wyników").wait_for()
        check_axe(page, f"404 page {width}px")
        shoot(page, f"404-{width}")
    finally:
        context.close()


def test_an_office_without_a_yearly_report_says_so_in_a_browser(app, server, browser):  # noqa: F811
    publishing_office()
    context = open_context(browser, 390, javascript=True)
    page = context.new_page()
    try:
        assert page.goto(f"{server}/wyniki/{SLUG}").status == 200
        assert "nie ma jeszcze raportu rocznego" in page.locator("#brak-raportu").inner_text()
        check_axe(page, "results page without a report")
        shoot(page, "no-report-390")
    finally:
        context.close()
