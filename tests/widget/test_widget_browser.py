"""The widget in Debian's Chromium, embedded cross-origin in a city's page (issue 3's "Must show")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.widget.conftest import check_axe, deep_active, save_screenshot, stored, tab_to

pytestmark = pytest.mark.browser

SURVEY_API = re.compile(r"/api/v1/offices/demo/survey")


def open_survey(page):
    """Click the banner and wait until the survey's first question is there."""
    page.get_by_role("button", name="Oceń Urząd").click()
    expect(page.get_by_role("radio", name="Wydział Komunikacji")).to_be_visible()


def answer_required(page):
    page.get_by_role("radio", name="Urząd Stanu Cywilnego").check()
    page.locator("#q-overall").get_by_role("radio", name="raczej zadowolony(a)").check()


def test_keyboard_only_full_flow_stores_the_response(page, host_url, servers, collector_app):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(host_url("blank"))
    banner = page.get_by_role("button", name="Oceń Urząd")
    expect(banner).to_be_visible()
    # Page view: the only request to the collector is the script itself.
    collector = servers["collector"].url
    assert [url for url in requests if url.startswith(collector)] == [collector + "/widget.js"]
    check_axe(page, "banner")

    tab_to(page, "banner")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Badanie satysfakcji klienta")
    expect(dialog).to_be_visible()
    expect(page.get_by_role("radio", name="Wydział Komunikacji")).to_be_visible()
    assert deep_active(page)["tag"] == "h2"  # focus moved into the dialog, on its title
    check_axe(page, "open survey")
    save_screenshot(page, "open-survey-1280px")

    tab_to(page, "overall")  # the overall rating comes first
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # -> 4
    tab_to(page, "department")  # department: radio group, arrows pick
    page.keyboard.press("ArrowDown")  # -> Urząd Stanu Cywilnego
    tab_to(page, "resolved")  # single
    page.keyboard.press("Space")  # Tak
    tab_to(page, "service_politeness")  # rating grid item
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # 1 -> 5
    tab_to(page, "service_waiting")
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # -> Nie dotyczy
    tab_to(page, "comment")  # text (the low-score follow-up before it is left alone: a 4)
    page.keyboard.type("Długo czekałem, ale obsługa była miła.")
    expect(page.get_by_text("Pozostało znaków: 1962")).to_be_visible()
    for _ in range(30):
        page.keyboard.press("Tab")
        if (deep_active(page) or {}).get("text") == "Wyślij odpowiedzi":
            break
    page.keyboard.press("Enter")

    expect(page.get_by_text("Twoja odpowiedź została zapisana.")).to_be_visible()
    check_axe(page, "thank-you")
    save_screenshot(page, "thank-you")
    [response] = stored(collector_app)
    assert (
        response["channel"] == "widget"
        and response["lang"] == "pl"
        and response["department"] == "usc"
    )
    assert response["answers"] == {
        "department": "usc",
        "resolved": "tak",
        "service_politeness": 5,
        "service_waiting": "na",
        "overall": 4,
        "comment": "Długo czekałem, ale obsługa była miła.",
    }

    # Not offered again in this session: the banner stays, but it shows the thanks, not the form.
    page.keyboard.press("Escape")
    page.reload()
    requests.clear()
    page.get_by_role("button", name="Oceń Urząd").click()
    expect(page.get_by_text("Twoja odpowiedź została zapisana.")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    assert not [url for url in requests if "/api/" in url]
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length") == 0
    assert len(stored(collector_app)) == 1


def test_escape_closes_and_focus_returns_to_the_banner(page, host_url):
    page.goto(host_url("blank"))
    tab_to(page, "banner")
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="Wydział Komunikacji")).to_be_visible()
    expect(page.locator("dialog")).to_have_css("animation-name", "ou-in")  # a short fade-in
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert deep_active(page)["cls"] == "banner"
    # The visible close button does the same.
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Zamknij").click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert deep_active(page)["cls"] == "banner"
    # prefers-reduced-motion: the dialog appears without animation.
    page.emulate_media(reduced_motion="reduce")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.locator("dialog")).to_have_css("animation-name", "none")


def test_validation_errors_are_next_to_questions_and_linked_from_a_summary(
    page, host_url, collector_app
):
    page.goto(host_url("blank"))
    open_survey(page)
    page.get_by_role("button", name="Wyślij odpowiedzi").click()

    summary = page.get_by_role("alert").filter(has_text="Popraw odpowiedzi na pytania (2):")
    expect(summary).to_be_focused()
    expect(page.locator("#e-department")).to_have_text(
        re.compile("Wybierz wydział, w którym załatwiano sprawę")
    )
    expect(page.locator("#e-overall")).to_have_text(re.compile("wybierz ocenę od 1 do 5"))
    check_axe(page, "validation errors")
    save_screenshot(page, "validation-errors")
    summary.get_by_role("link", name=re.compile("^„Jak ogólnie")).click()
    assert deep_active(page)["name"] == "overall"
    assert stored(collector_app) == []


def test_failed_survey_fetch_offers_retry_and_the_hosted_page(page, host_url, servers):
    page.route(SURVEY_API, lambda route: route.abort("connectionrefused"))
    page.goto(host_url("blank"))
    page.get_by_role("button", name="Oceń Urząd").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("Nie udało się wczytać ankiety"))
    link = page.get_by_role("link", name="Otwórz ankietę na osobnej stronie")
    assert link.get_attribute("href") == servers["collector"].url + "/s/demo?lang=pl"
    check_axe(page, "failed network")
    page.unroute(SURVEY_API)
    page.get_by_role("button", name="Spróbuj ponownie").click()
    expect(page.get_by_role("radio", name="Wydział Komunikacji")).to_be_visible()


def test_collector_down_at_submit_then_a_retry_stores_exactly_one(
    page, host_url, servers, collector_app
):
    page.goto(host_url("blank"))
    open_survey(page)
    answer_required(page)
    servers["collector"].stop()
    try:
        page.get_by_role("button", name="Wyślij odpowiedzi").click()
        expect(
            page.get_by_text(re.compile("Nie udało się wysłać odpowiedzi: brak połączenia"))
        ).to_be_visible(timeout=15_000)
    finally:
        servers["collector"].start()
    assert stored(collector_app) == []
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_text("Twoja odpowiedź została zapisana.")).to_be_visible()
    assert len(stored(collector_app)) == 1


def test_pending_answer_is_sent_on_the_next_page_view(page, host_url, servers, collector_app):
    page.goto(host_url("blank"))
    open_survey(page)
    answer_required(page)
    servers["collector"].stop()
    try:
        page.get_by_role("button", name="Wyślij odpowiedzi").click()
        expect(page.get_by_text(re.compile("Nie udało się wysłać"))).to_be_visible(timeout=15_000)
    finally:
        servers["collector"].start()
    with page.expect_response(re.compile("/responses$")) as posted:
        page.reload()
    assert posted.value.status == 201
    [response] = stored(collector_app)
    assert response["answers"] == {"department": "usc", "overall": 4}


def test_strict_csp_host_page_shows_and_submits(page, host_url, collector_app):
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.goto(host_url("strict-csp"))
    banner = page.get_by_role("button", name="Oceń Urząd")
    # Styled from the constructable stylesheet, which the CSP does not block.
    expect(banner).to_have_css("background-color", "rgb(11, 92, 171)")
    expect(banner).to_have_css("position", "fixed")
    open_survey(page)
    expect(page.locator("dialog")).to_have_css("max-width", "640px")
    answer_required(page)
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_text("Twoja odpowiedź została zapisana.")).to_be_visible()
    assert len(stored(collector_app)) == 1
    assert violations == []


WIDGET_METRICS = """async () => {
    const root = document.querySelector('ocen-urzad').shadowRoot
    // Measure after the opening animation, not in the middle of it.
    await Promise.all(root.querySelector('dialog').getAnimations().map((a) => a.finished))
    const pick = (el) => {
        const s = getComputedStyle(el), r = el.getBoundingClientRect()
        return {box: [r.x, r.y, r.width, r.height].map(Math.round),
                style: ['display', 'font-size', 'font-family', 'line-height', 'color', 'background-color',
                        'padding', 'margin', 'border', 'position'].map((p) => s.getPropertyValue(p))}
    }
    const out = {}
    for (const sel of ['.banner', 'dialog', 'h2', '.close', 'legend', 'label.opt', 'input[type=radio]',
                       'input[type=checkbox]', 'textarea', 'button[type=submit]', '.foot a'])
        out[sel] = root.querySelector(sel) && pick(root.querySelector(sel))
    return out
}"""


def test_host_css_does_not_reach_in_and_ours_does_not_leak_out(page, host_url):
    page.goto(host_url("blank"))
    open_survey(page)
    blank = page.evaluate(WIDGET_METRICS)

    page.goto(host_url("hostile"))
    assert (
        page.evaluate("document.styleSheets.length") >= 2
    )  # Bootstrap and the aggressive rules are loaded
    host_before = page.evaluate("""() => ['#host-p', '#host-button', '#host-dialog', 'h1'].map((s) => {
        const c = getComputedStyle(document.querySelector(s)); return [c.fontSize, c.display, c.color, c.fontFamily]})""")
    open_survey(page)
    hostile = page.evaluate(WIDGET_METRICS)
    assert hostile == blank
    assert all(blank.values())

    host_after = page.evaluate("""() => ['#host-p', '#host-button', '#host-dialog', 'h1'].map((s) => {
        const c = getComputedStyle(document.querySelector(s)); return [c.fontSize, c.display, c.color, c.fontFamily]})""")
    assert host_after == host_before
    assert (
        host_after[0][0] == "30px" and host_after[1][1] == "none" and host_after[2][1] == "inline"
    )


def test_320px_and_200_percent_zoom(browser, host_url):
    for width, height, name in (
        (320, 640, "open-survey-320px"),
        (640, 450, None),
    ):  # 1280x900 at 200% zoom
        context = browser.new_context(viewport={"width": width, "height": height}, locale="pl-PL")
        page = context.new_page()
        page.goto(host_url("blank"))
        banner = page.get_by_role("button", name="Oceń Urząd")
        box = banner.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] < 60
        # The page reserves room under the floating banner: scrolled to the end, nothing is covered.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        footer = page.locator("#stopka").bounding_box()
        assert footer["y"] + footer["height"] <= banner.bounding_box()["y"]
        open_survey(page)
        dialog = page.locator("dialog")
        # No sideways scrolling: everything wraps inside the dialog, which fits the screen.
        assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth")
        assert dialog.bounding_box()["width"] <= width
        if name:
            save_screenshot(page, name)
        context.close()


def test_two_tags_and_double_load_give_one_banner(page, host_url):
    page.goto(host_url("double"))
    expect(page.get_by_role("button", name="Oceń Urząd")).to_have_count(1)
    assert page.locator("ocen-urzad").count() == 1
    assert page.evaluate("Object.keys(window.OcenUrzad)") == ["open", "close"]
    page.evaluate("window.OcenUrzad.open()")
    expect(page.get_by_role("radio", name="Wydział Komunikacji")).to_be_visible()
    page.evaluate("window.OcenUrzad.close()")
    expect(page.get_by_role("dialog")).to_be_hidden()


@pytest.mark.parametrize(
    ("query", "banner", "question"),
    [
        ({"lang": "en"}, "Rate the Office", "Which department handled the matter?"),
        ({"data-lang": "uk"}, "Оцініть установу", "У якому відділі вирішувалася справа?"),
        (
            {"data-label": "Jak nas oceniasz?", "data-department": "usc"},
            "Jak nas oceniasz?",
            "W którym wydziale załatwiana była sprawa?",
        ),
    ],
)
def test_language_label_and_department_from_the_tag(page, host_url, query, banner, question):
    page.goto(host_url("blank", **query))
    page.get_by_role("button", name=banner).click()
    expect(page.get_by_role("group", name=question)).to_be_visible()
    if "data-department" in query:
        expect(page.get_by_role("radio", name="Urząd Stanu Cywilnego")).to_be_checked()


def test_inline_target_and_left_position(page, host_url):
    page.goto(host_url("blank", **{"data-target": "#ocena"}))
    banner = page.get_by_role("button", name="Oceń Urząd")
    expect(banner).to_have_css("position", "static")
    assert page.locator("#ocena ocen-urzad").count() == 1
    page.goto(host_url("blank", **{"data-position": "bottom-left"}))
    assert page.get_by_role("button", name="Oceń Urząd").bounding_box()["x"] < 100


def test_staff_preview_uses_the_given_survey_and_sends_nothing(
    page, host_url, servers, collector_app
):
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    draft = servers["host"].url + "/draft.json"
    page.goto(host_url("blank", **{"data-preview": "", "data-survey-url": draft}))
    page.get_by_role("button", name="Oceń Urząd").click()
    expect(page.get_by_role("dialog", name="Wersja robocza ankiety")).to_be_visible()
    expect(page.get_by_text("Podgląd — odpowiedzi nie są zapisywane")).to_be_visible()
    # The draft's colour (#ffee00) is too light for white text: the dark safe colour is used instead.
    expect(page.get_by_role("button", name="Wyślij odpowiedzi")).to_have_css(
        "background-color", "rgb(26, 68, 128)"
    )
    page.get_by_role("radio", name="bardzo dobrze").check()
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.get_by_text("Dziękujemy!")).to_be_visible()
    assert posts == [] and stored(collector_app) == []
    assert page.evaluate("sessionStorage.length") == 0


def test_server_field_errors_are_shown_next_to_the_question(page, host_url, collector_app):
    page.goto(host_url("blank"))
    open_survey(page)
    answer_required(page)
    # The office closes the chosen department while the visitor is answering: only the server knows.
    with collector_app.app_context():
        from collector.extensions import db
        from collector.models import Department

        db.session.execute(
            sa.update(Department).where(Department.key == "usc").values(active=False)
        )
        db.session.commit()
        db.session.remove()
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.locator("#e-department")).to_contain_text("Tego wydziału nie ma na liście")
    expect(page.get_by_role("alert").filter(has_text="Popraw odpowiedzi")).to_be_focused()
    assert stored(collector_app) == []


def test_a_refusal_from_the_server_is_shown_in_the_visitors_language(page, host_url, collector_app):
    # The survey the Ukrainian visitor is answering was retired over a day ago (past the grace period).
    page.goto(host_url("blank", **{"data-lang": "uk"}))
    page.get_by_role("button", name="Оцініть установу").click()
    page.locator("#q-department input[type=radio]").first.check()
    page.locator("#q-overall input[type=radio][value='4']").check()
    with collector_app.app_context():
        from collector.extensions import db
        from collector.messages import error_message
        from collector.models import SurveyVersion, utcnow

        version = db.session.scalar(
            sa.select(SurveyVersion).where(SurveyVersion.status == "published")
        )
        version.status, version.retired_at = "retired", utcnow() - timedelta(days=2)
        db.session.commit()
        db.session.remove()
        refusal = error_message("version_retired", "uk")
    page.get_by_role("button", name="Надіслати відповіді").click()
    expect(page.get_by_role("alert")).to_have_text(refusal)
    assert stored(collector_app) == []
