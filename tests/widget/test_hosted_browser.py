"""The hosted survey page in Chromium with JavaScript disabled: it stores, and shows errors at the fields."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.widget.conftest import check_axe, save_screenshot, stored

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}, locale="pl-PL"
    )
    yield context.new_page()
    context.close()


def test_hosted_page_without_javascript_stores_a_response(no_js_page, servers, collector_app):
    page = no_js_page
    page.goto(servers["collector"].url + "/s/demo?department=usc&src=qr")
    expect(page.get_by_role("radio", name="Urząd Stanu Cywilnego")).to_be_checked()
    page.locator("#q-overall").get_by_role("radio", name="bardzo zadowolony(a)").check()
    page.locator("#q-service_waiting").get_by_role("radio", name="Nie dotyczy").check()
    page.get_by_label("Co należałoby poprawić? Inne uwagi").fill("Więcej miejsc siedzących.")
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_role("heading", name="Dziękujemy!")).to_be_visible()
    assert page.url.endswith("/s/demo/dziekujemy?lang=pl")
    [response] = stored(collector_app)
    assert response["channel"] == "qr" and response["department"] == "usc"
    assert response["answers"] == {
        "department": "usc",
        "overall": 5,
        "service_waiting": "na",
        "comment": "Więcej miejsc siedzących.",
    }


def test_hosted_page_without_javascript_shows_errors_next_to_the_fields(
    no_js_page, servers, collector_app
):
    page = no_js_page
    page.goto(servers["collector"].url + "/s/demo")
    page.get_by_label("Co należałoby poprawić? Inne uwagi").fill("Zostaje po błędzie")
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Popraw odpowiedzi na pytania (2):")
    expect(page.locator("#q-department .err")).to_have_text(
        "Błąd: Wybierz wydział, w którym załatwiano sprawę, albo „Inny / nie wiem”."
    )
    expect(page.locator("#q-overall .err")).to_contain_text("wybierz ocenę od 1 do 5")
    expect(page.get_by_label("Co należałoby poprawić? Inne uwagi")).to_have_value(
        "Zostaje po błędzie"
    )
    save_screenshot(page, "hosted-page-errors")
    assert stored(collector_app) == []


def test_hosted_page_has_no_axe_violations_with_and_without_errors(page, servers, collector_app):
    # axe is JavaScript, so this check runs with it enabled; the page itself has no script either way.
    page.goto(servers["collector"].url + "/s/demo")
    check_axe(page, "hosted page")
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_role("alert")).to_contain_text("Popraw odpowiedzi na pytania (2):")
    check_axe(page, "hosted page with errors")


def test_the_hosted_page_counts_characters_left_with_javascript_and_works_without(
    page, no_js_page, servers
):
    field_name = "Co należałoby poprawić? Inne uwagi"
    page.goto(servers["collector"].url + "/s/demo")
    counter = page.locator("#c-comment")
    expect(counter).to_have_text("Pozostało znaków: 2000")
    page.get_by_label(field_name).fill("Zażółć gęślą jaźń")
    expect(counter).to_have_text("Pozostało znaków: 1983")
    assert "c-comment" in page.get_by_label(field_name).get_attribute("aria-describedby")

    # Without JavaScript the counter stays hidden; the limit is stated in words instead.
    no_js_page.goto(servers["collector"].url + "/s/demo")
    expect(no_js_page.locator("#c-comment")).to_be_hidden()
    expect(no_js_page.locator("#h-comment")).to_contain_text("Najwyżej 2000 znaków.")
