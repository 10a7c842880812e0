"""The hosted page and the kiosk in Chromium: two steps without JavaScript, axe on every state, and
the rating scale on one row at 320, 390 and 1280 px (screenshots in test-artifacts/screenshots/)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from collector.extensions import db
from collector.surveys import get_office
from tests.collector.short_survey import ensure_short_survey
from tests.widget.conftest import check_axe, save_screenshot, stored

pytestmark = pytest.mark.browser

QUESTION = "Jak ocenia Pan/Pani załatwienie sprawy w Urzędzie?"
WIDTHS = (320, 390, 1280)


@pytest.fixture
def short_app(collector_app):
    """The collector with the demo office on the short survey and its footer details filled in."""
    with collector_app.app_context():
        office = get_office("demo")
        office.address = "ul. Rynek 1, 64-100 Demo"
        office.contact_phone = "65 123 45 67"
        office.contact_email = "urzad@demo.test"
        office.accessibility_url = "https://demo.test/deklaracja-dostepnosci"
        office.info_clause = "Administratorem danych jest Burmistrz Miasta Demo."
        db.session.commit()
        ensure_short_survey(office)
        db.session.remove()
    return collector_app


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="pl-PL"
    )
    yield context.new_page()
    context.close()


def rating_boxes(page, key: str = "overall") -> list[dict]:
    return [point.bounding_box() for point in page.locator(f"#q-{key} .point").all()]


def assert_one_row_of_large_targets(page, key: str = "overall") -> None:
    """The five points share one top offset, left to right, each at least 44 × 44 px."""
    boxes = rating_boxes(page, key)
    assert len(boxes) == 5
    assert len({round(box["y"]) for box in boxes}) == 1, boxes
    assert [box["x"] for box in boxes] == sorted(box["x"] for box in boxes)
    assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes), boxes
    viewport = page.viewport_size["width"]
    assert boxes[-1]["x"] + boxes[-1]["width"] <= viewport, (boxes, viewport)


def test_two_steps_without_javascript_store_then_update_one_response(
    no_js_page, servers, short_app
):
    page = no_js_page
    page.goto(servers["collector"].url + "/s/demo?department=usc&src=qr")
    expect(page.get_by_text("Krok 1 z 2")).to_be_visible()
    expect(page.locator("fieldset")).to_have_count(1)  # the overall rating alone
    page.get_by_role("radio", name="2 — słabo").check()
    page.get_by_role("button", name="Wyślij ocenę").click()

    expect(page.get_by_role("status")).to_contain_text("Dziękujemy, ocena została zapisana.")
    expect(page.get_by_text("Krok 2 z 2")).to_be_visible()
    [first] = stored(short_app)
    assert first["answers"] == {"overall": 2} and first["channel"] == "qr"
    # The follow-up for a rating of 2; the department from the QR link already chosen.
    expect(page.get_by_role("group", name="Co poszło nie tak?")).to_be_visible()
    expect(page.get_by_role("radio", name="Urząd Stanu Cywilnego")).to_be_checked()
    page.get_by_role("checkbox", name="długie oczekiwanie").check()
    page.locator("#q-service_waiting").get_by_role("radio", name="Nie dotyczy").check()
    page.locator("#q-service_politeness").get_by_role("radio", name="5 — bardzo dobrze").check()
    page.get_by_role("button", name="Wyślij odpowiedzi").click()

    expect(page.get_by_role("heading", name="Dziękujemy!")).to_be_visible()
    [response] = stored(short_app)
    assert response["id"] == first["id"]
    assert response["channel"] == "qr" and response["department"] == "usc"
    assert response["answers"] == {
        "overall": 2,
        "department": "usc",
        "what_wrong": "czekanie",
        "service_waiting": "na",
        "service_politeness": 5,
    }


def test_a_rating_of_4_gets_no_follow_up_and_may_stop_there(no_js_page, servers, short_app):
    page = no_js_page
    page.goto(servers["collector"].url + "/s/demo")
    page.get_by_role("radio", name="4 — dobrze").check()
    page.get_by_role("button", name="Wyślij ocenę").click()
    expect(page.get_by_text("Krok 2 z 2")).to_be_visible()
    expect(page.get_by_text("Co poszło nie tak?")).to_have_count(0)
    page.get_by_role("link", name="Zakończ bez dalszych odpowiedzi").click()
    expect(page.get_by_role("heading", name="Dziękujemy!")).to_be_visible()
    assert [r["answers"] for r in stored(short_app)] == [{"overall": 4}]


def test_an_empty_page_names_the_missing_answer_without_javascript(no_js_page, servers, short_app):
    page = no_js_page
    page.goto(servers["collector"].url + "/s/demo")
    page.get_by_role("button", name="Wyślij ocenę").click()
    expect(page.get_by_role("alert")).to_contain_text("Prosimy poprawić odpowiedzi na pytania (1):")
    expect(page.locator("#q-overall .err")).to_have_text(
        "Błąd: To pytanie jest obowiązkowe — prosimy wybrać ocenę od 1 do 5."
    )
    assert stored(short_app) == []


def test_the_scale_works_from_the_keyboard_with_a_visible_focus(page, servers, short_app):
    page.goto(servers["collector"].url + "/s/demo")
    presses = 0
    while page.evaluate("document.activeElement.name") != "overall":
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 10, "Tab never reached the rating"
    point = page.locator("#q-overall .point").first
    assert point.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="4 — dobrze")).to_be_checked()
    page.keyboard.press("Enter")  # submits the form from the radio
    expect(page.get_by_text("Krok 2 z 2")).to_be_visible()
    # Two language links, the scale, three arrows to "4", Enter: the rating stored in 7 presses.
    assert presses + 4 <= 7, f"{presses + 4} key presses for the one-click rating"
    assert [r["answers"] for r in stored(short_app)] == [{"overall": 4}]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_hosted_state_passes_axe_with_the_scale_on_one_row(page, servers, short_app, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(servers["collector"].url + "/s/demo")
    assert_one_row_of_large_targets(page)
    save_screenshot(page, f"hosted-1-rating-{width}")
    check_axe(page, f"hosted page 1 at {width}px")

    page.get_by_role("button", name="Wyślij ocenę").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_one_row_of_large_targets(page)
    save_screenshot(page, f"hosted-1-errors-{width}")
    check_axe(page, f"hosted page 1 with errors at {width}px")

    page.get_by_role("radio", name="1 — bardzo słabo").check()
    page.get_by_role("button", name="Wyślij ocenę").click()
    expect(page.get_by_text("Krok 2 z 2")).to_be_visible()
    for key in ("service_politeness", "service_deadline"):
        assert_one_row_of_large_targets(page, key)
    save_screenshot(page, f"hosted-2-rest-{width}")
    page.locator("#q-service_politeness").scroll_into_view_if_needed()
    save_screenshot(page, f"hosted-2-drivers-{width}")
    check_axe(page, f"hosted page 2 at {width}px")

    page.locator("#f-comment").fill("x" * 2001)
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_role("alert")).to_contain_text("prosimy skrócić go do 2000 znaków")
    save_screenshot(page, f"hosted-2-errors-{width}")
    check_axe(page, f"hosted page 2 with errors at {width}px")

    page.locator("#f-comment").fill("Krócej.")
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_role("heading", name="Dziękujemy!")).to_be_visible()
    page.locator("footer summary").click()  # the information clause, opened
    save_screenshot(page, f"hosted-3-thanks-{width}")
    check_axe(page, f"hosted thank-you page at {width}px")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_kiosk_state_passes_axe_with_the_scale_on_one_row(page, servers, short_app, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(servers["collector"].url + "/k/demo?department=usc")
    assert_one_row_of_large_targets(page)
    if width >= 390:
        assert all(box["height"] >= 64 for box in rating_boxes(page))  # large, for a finger
    save_screenshot(page, f"kiosk-1-rating-{width}")
    check_axe(page, f"kiosk start at {width}px")

    page.get_by_role("radio", name="5 — bardzo dobrze").check()
    page.get_by_role("button", name="Wyślij ocenę").click()
    expect(page.get_by_text("Krok 2 z 2")).to_be_visible()
    expect(page.locator("textarea")).to_have_count(0)
    save_screenshot(page, f"kiosk-2-rest-{width}")
    check_axe(page, f"kiosk page 2 at {width}px")

    page.get_by_role("link", name="Zakończ").click()
    expect(page.get_by_role("heading", name="Dziękujemy!")).to_be_visible()
    save_screenshot(page, f"kiosk-3-thanks-{width}")
    check_axe(page, f"kiosk thank-you at {width}px")


def test_the_kiosk_cycle_goes_back_to_the_start_without_javascript(no_js_page, servers, short_app):
    page = no_js_page
    start = servers["collector"].url + "/k/demo?department=usc"
    page.goto(start)
    page.get_by_role("radio", name="3 — dostatecznie").check()
    page.get_by_role("button", name="Wyślij ocenę").click()
    page.get_by_role("radio", name="Tak").check()
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_role("heading", name="Dziękujemy!")).to_be_visible()
    # The thank-you's meta refresh brings the next person to the start (a few seconds).
    page.wait_for_url(start, timeout=15_000)
    expect(page.get_by_role("button", name="Wyślij ocenę")).to_be_visible()
    [response] = stored(short_app)
    assert response["channel"] == "kiosk" and response["department"] == "usc"
    assert response["answers"] == {"overall": 3, "department": "usc", "resolved": "tak"}


def test_the_kiosk_warns_then_goes_back_to_the_start_when_left_idle(
    page, servers, short_app, monkeypatch
):
    from collector import hosted

    def open_page_two():
        page.goto(start)
        page.get_by_role("radio", name="4 — dobrze").check()
        page.get_by_role("button", name="Wyślij ocenę").click()
        expect(page.get_by_text("Krok 2 z 2")).to_be_visible()

    start = servers["collector"].url + "/k/demo"
    monkeypatch.setattr(hosted, "KIOSK_IDLE_SECONDS", 1)
    # A warning first, announced, with a button to stay (WCAG 2.2.1); staying keeps page 2.
    monkeypatch.setattr(hosted, "KIOSK_WARN_SECONDS", 60)
    open_page_two()
    warning = page.get_by_role("alert")
    expect(warning).to_contain_text("ankieta wróci do początku")
    check_axe(page, "kiosk idle warning")
    page.get_by_role("button", name="Potrzebuję więcej czasu").click()
    expect(warning).to_be_hidden()
    assert page.url != start
    # Left alone through the warning: back to the start, the rating stored.
    monkeypatch.setattr(hosted, "KIOSK_WARN_SECONDS", 1)
    open_page_two()
    page.wait_for_url(start, timeout=15_000)
    expect(page.get_by_text("Krok 1 z 2")).to_be_visible()
    assert [r["answers"] for r in stored(short_app)] == [{"overall": 4}, {"overall": 4}]


def test_the_hosted_page_counts_characters_left_with_javascript_and_works_without(
    page, no_js_page, servers, short_app
):
    for tab in (page, no_js_page):
        tab.goto(servers["collector"].url + "/s/demo")
        tab.get_by_role("radio", name="3 — dostatecznie").check()
        tab.get_by_role("button", name="Wyślij ocenę").click()
    counter = page.locator("#c-comment")
    expect(counter).to_have_text("Pozostało znaków: 2000")
    page.locator("#f-comment").fill("Zażółć gęślą jaźń")
    expect(counter).to_have_text("Pozostało znaków: 1983")
    assert "c-comment" in page.locator("#f-comment").get_attribute("aria-describedby")

    # Without JavaScript the counter stays hidden; the limit is stated in words instead.
    expect(no_js_page.locator("#c-comment")).to_be_hidden()
    expect(no_js_page.locator("#h-comment")).to_contain_text("Najwyżej 2000 znaków.")
