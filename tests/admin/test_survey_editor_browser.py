"""The survey editor in a real browser: reorder by keyboard and by drag and drop without a reload,
the question form's type-specific fields and its live preview; axe and screenshots at 390 and 1280 px.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Question, SurveyVersion
from tests.admin.flowtools import office_with_admin
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    serious_violations,
    server,
)
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = (390, 1280)


def order(version_id: int) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Question.key)
            .where(Question.version_id == version_id)
            .order_by(Question.position)
        )
    )


def screenshots(page, name: str) -> None:
    """Save the page at each width (the whole page, for a reviewer to look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"editor-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def page(app, server, browser):  # noqa: F811  (the imported fixtures)
    office_with_admin()
    db.session.commit()
    context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{server}/admin/login")
    page.get_by_label("Adres e-mail").fill("admin@demo.test")
    page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    page.wait_for_url(f"{server}/admin/")
    page.goto(f"{server}/admin/survey/")
    page.get_by_role("button", name="Edytuj").click()
    page.get_by_text("Utworzono wersję roboczą 2").wait_for()
    yield page
    context.close()


def draft_id(page) -> int:
    return int(re.search(r"/version/(\d+)", page.url).group(1))


def test_reorder_by_keyboard_and_by_drag_and_drop_without_a_reload(page):
    version_id = draft_id(page)
    before = order(version_id)
    first = db.session.scalar(
        sa.select(Question).where(Question.version_id == version_id, Question.key == before[0])
    )
    page.evaluate("window.notReloaded = true")

    # Keyboard: choose "miejsce 3" in the first row's select, then Tab to "Przesuń" and press Enter.
    select = page.get_by_label(re.compile(r"^Miejsce pytania 1:"))
    select.focus()
    select.select_option("3")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    status = page.locator("#move-status")
    status.filter(has_text=f"Przesunięto pytanie „{before[0]}” na miejsce 3").wait_for()
    assert order(version_id) == [before[1], before[2], before[0], *before[3:]]
    assert page.evaluate("window.notReloaded") is True
    # Focus stays on the moved question's controls, in its new row.
    assert page.evaluate("document.activeElement.id") == f"position-{first.id}"
    rows = page.locator("#questions tbody tr")
    assert rows.nth(2).get_attribute("id") == f"q-{first.id}"
    assert rows.nth(2).locator("td").first.inner_text().strip().endswith("3")

    # Drag and drop: the fifth row onto the first (both in view, as a mouse user drags).
    now = order(version_id)
    fifth = db.session.scalar(
        sa.select(Question).where(Question.version_id == version_id, Question.key == now[4])
    )
    page.locator("#questions").scroll_into_view_if_needed()
    page.drag_and_drop(f"#q-{fifth.id} td:first-child", "#questions tbody tr:first-child")
    status.filter(has_text=f"Przesunięto pytanie „{fifth.key}” na miejsce 1").wait_for()
    assert order(version_id) == [now[4], *now[:4], *now[5:]]
    assert page.evaluate("window.notReloaded") is True
    assert rows.first.get_attribute("id") == f"q-{fifth.id}"

    assert serious_violations(page) == [], "draft page"
    screenshots(page, "version")


def test_the_question_form_shows_its_types_fields_and_a_live_preview(page, server):  # noqa: F811
    version_id = draft_id(page)
    rating = db.session.scalar(
        sa.select(Question)
        .where(Question.version_id == version_id, Question.type == "rating")
        .order_by(Question.position)
    )
    page.goto(f"{server}/admin/survey/version/{version_id}/question/new?type=rating")
    preview = page.locator("#preview-body")
    # The rating: one row of 1–5 with the words at the ends; "Nie dotyczy" apart.
    assert preview.locator(".pv-point").all_inner_texts() == ["1", "2", "3", "4", "5"]
    page.get_by_label("Treść pytania po polsku").fill("Jak ocenia Pan/Pani szybkość?")
    preview.get_by_text("Jak ocenia Pan/Pani szybkość?").wait_for()
    page.get_by_label("Opis oceny 1 po polsku").fill("fatalnie")
    page.get_by_label("Opis oceny 5 po polsku").fill("znakomicie")
    assert preview.locator(".pv-ends span").all_inner_texts() == ["fatalnie", "znakomicie"]
    assert preview.locator(".pv-na").inner_text() == "Nie dotyczy"
    page.get_by_label("Można odpowiedzieć „nie dotyczy”").uncheck()
    assert preview.locator(".pv-na").count() == 0
    # A grid picked from the list fills its title, which the preview shows above the question.
    page.get_by_label("Siatka ocen").select_option("service")
    title = rating.group_texts["pl"] if rating.group == "service" else None
    if title:
        assert page.get_by_label("Tytuł siatki po polsku").input_value() == title
        preview.locator(".pv-group").filter(has_text=title).wait_for()
    # The condition.
    page.get_by_label("Pokaż tylko, gdy odpowiedź na pytanie").select_option(rating.key)
    page.get_by_label("jest od").select_option("1")
    page.get_by_label("do", exact=True).select_option("2")
    page.locator("#preview-condition").filter(has_text="od 1 do 2").wait_for()
    assert page.locator("[data-no-js]").is_hidden()
    assert serious_violations(page) == [], "question form (rating)"
    screenshots(page, "question-rating")

    # Another type: only its fields; the preview follows.
    page.get_by_label("Rodzaj pytania").select_option("multi")
    assert page.locator("#section-rating").is_hidden()
    assert page.locator("#section-options").is_visible()
    assert page.locator("#section-picks").is_visible()
    page.locator("#options-0-key").fill("kolejka")
    page.locator("#options-0-pl").fill("długa kolejka")
    page.get_by_label("Najwięcej odpowiedzi do zaznaczenia").fill("1")
    preview.locator(".pv-multi li").filter(has_text="długa kolejka").wait_for()
    preview.get_by_text("najwyżej 1").wait_for()
    page.get_by_label("Rodzaj pytania").select_option("text")
    assert page.locator("#section-options").is_hidden()
    assert page.locator("#section-text").is_visible()
    assert preview.locator(".pv-textarea").count() == 1
    page.get_by_label("Rodzaj pytania").select_option("department")
    assert page.locator("[data-section]:visible").count() == 0

    # Saved as a multi choice with its condition, shown in the list.
    page.get_by_label("Rodzaj pytania").select_option("multi")
    page.locator("#options-1-key").fill("ton")
    page.locator("#options-1-pl").fill("niemiły ton")
    page.get_by_role("button", name="Zapisz", exact=True).click()
    page.get_by_text("Zapisano pytanie").wait_for()
    # The default survey's own follow-up has such a note too; the new question adds the second.
    notes = page.get_by_text(re.compile(r"widoczne, gdy ocena w pytaniu \d+ .* to 1–2"))
    notes.last.wait_for()
    assert notes.count() == 2
    db.session.expire_all()
    version = db.session.get(SurveyVersion, version_id)
    added = max(version.questions, key=lambda q: q.position)
    assert added.type == "multi"
    assert added.show_if == {"question": rating.key, "min": 1, "max": 2}
