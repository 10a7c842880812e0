"""Issue 10 in the browser: one click counts, short steps, honest refusals, the per-office script,
the invitation, the keyboard budget, axe on every state and screenshots at 320, 390 and 1280 px."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from collector.extensions import db
from collector.models import Office
from tests.widget.conftest import (
    check_axe,
    save_screenshot,
    settle_animations,
    stored,
    tab_to,
)

pytestmark = pytest.mark.browser

RESPONSES = re.compile(r"/api/v1/offices/demo/responses$")


def change_office(app, **fields) -> None:
    """Change the demo office as the panel would (committed, so this process's caches are cleared)."""
    with app.app_context():
        office = db.session.scalars(sa.select(Office).where(Office.slug == "demo")).one()
        for name, value in fields.items():
            setattr(office, name, value)
        db.session.commit()
        db.session.remove()


def open_widget(page):
    page.get_by_role("button", name="Oceń Urząd").click()
    expect(page.get_by_role("button", name="5 — bardzo zadowolony(a)")).to_be_visible()


def rate(page, value: int, word: str) -> None:
    """Give the overall rating with one click and wait until the collector stored it."""
    with page.expect_response(RESPONSES) as posted:
        page.get_by_role("button", name=f"{value} — {word}").click()
    assert posted.value.status == 201
    expect(page.get_by_text("Ocena została zapisana.")).to_be_visible()


def next_step(page, name: str = "Dalej") -> int:
    with page.expect_response(RESPONSES) as posted:
        page.get_by_role("button", name=name).click()
    return posted.value.status


def scale_tops(page, question: str) -> list[float]:
    """Return the top offsets of a rating's five targets, checking each is at least 44 x 44 px."""
    settle_animations(page)  # not halfway through the dialog's slide-in
    boxes = [page.locator(f"#q-{question} .pt").nth(i).bounding_box() for i in range(5)]
    assert all(box["width"] >= 44 and box["height"] >= 44 for box in boxes), boxes
    return sorted({round(box["y"]) for box in boxes})


def test_one_click_is_a_stored_and_counted_response(page, host_url, collector_app):
    page.goto(host_url("blank"))
    open_widget(page)
    # The dialog opens on the overall question alone.
    expect(page.locator("fieldset")).to_have_count(1)
    expect(
        page.get_by_role("group", name="Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?")
    ).to_be_visible()

    rate(page, 4, "raczej zadowolony(a)")

    expect(
        page.get_by_role("button", name="Prosimy powiedzieć nam więcej (ok. 1 minuty)")
    ).to_be_visible()
    [response] = stored(collector_app)
    assert response["answers"] == {"overall": 4}
    assert response["channel"] == "widget" and response["completed"] is False


def test_the_steps_to_the_end_each_update_the_same_response(page, host_url, collector_app):
    page.goto(host_url("blank"))
    open_widget(page)
    rate(page, 5, "bardzo zadowolony(a)")
    page.get_by_role("button", name="Prosimy powiedzieć nam więcej (ok. 1 minuty)").click()

    # Each step's heading says where the visitor is and takes the focus: a screen reader says it.
    heading = page.get_by_role("heading", name="Krok 2 z 4")
    expect(heading).to_be_focused()
    page.get_by_role("radio", name="Urząd Stanu Cywilnego").check()
    page.get_by_role("radio", name="Tak").check()
    assert next_step(page) == 200
    [response] = stored(collector_app)
    assert response["answers"] == {"overall": 5, "department": "usc", "resolved": "tak"}
    assert response["completed"] is False

    expect(page.get_by_role("heading", name="Krok 3 z 4")).to_be_focused()
    assert scale_tops(page, "service_politeness") == scale_tops(page, "service_politeness")[:1]
    page.locator("#q-service_politeness").get_by_role("radio", name="5 — bardzo dobrze").check()
    page.locator("#q-service_waiting").get_by_role("radio", name="Nie dotyczy").check()
    assert next_step(page) == 200

    expect(page.get_by_role("heading", name="Krok 4 z 4")).to_be_focused()
    expect(page.get_by_text("Co poszło nie tak?")).to_have_count(0)
    page.get_by_role("textbox").fill("Sprawnie i uprzejmie.")
    assert next_step(page, "Wyślij odpowiedzi") == 200

    expect(page.get_by_text("Odpowiedź została zapisana.")).to_be_visible()
    [response] = stored(collector_app)
    assert response["completed"] is True
    assert response["answers"] == {
        "overall": 5,
        "department": "usc",
        "resolved": "tak",
        "service_politeness": 5,
        "service_waiting": "na",
        "comment": "Sprawnie i uprzejmie.",
    }
    # The session is not asked again; nothing is fetched for the thanks.
    page.reload()
    open_banner = page.get_by_role("button", name="Oceń Urząd")
    open_banner.click()
    expect(page.get_by_text("Odpowiedź została zapisana.")).to_be_visible()
    assert page.evaluate("localStorage.length") == 0 and page.evaluate("document.cookie") == ""


def test_closing_midway_keeps_what_was_sent_and_what_was_typed(page, host_url, collector_app):
    page.goto(host_url("blank"))
    open_widget(page)
    rate(page, 3, "ani zadowolony(a), ani niezadowolony(a)")
    page.get_by_role("button", name="Prosimy powiedzieć nam więcej (ok. 1 minuty)").click()
    page.get_by_role("radio", name="Urząd Stanu Cywilnego").check()
    page.get_by_role("radio", name="Nie", exact=True).check()
    assert next_step(page) == 200
    # On the drivers' step the visitor picks one and leaves without sending it.
    page.locator("#q-service_clarity").get_by_role("radio", name="2 — słabo").check()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()

    [response] = stored(collector_app)
    assert response["answers"] == {"overall": 3, "department": "usc", "resolved": "nie"}
    assert response["completed"] is False

    page.reload()
    page.get_by_role("button", name="Oceń Urząd").click()
    expect(page.get_by_role("heading", name="Krok 3 z 4")).to_be_focused()
    expect(
        page.locator("#q-service_clarity").get_by_role("radio", name="2 — słabo")
    ).to_be_checked()
    assert len(stored(collector_app)) == 1


@pytest.mark.parametrize(
    ("value", "word", "follow_up"),
    [
        (1, "bardzo niezadowolony(a)", True),
        (2, "raczej niezadowolony(a)", True),
        (3, "ani zadowolony(a), ani niezadowolony(a)", False),
    ],
)
def test_the_low_score_follow_up_only_for_1_and_2(
    page, host_url, collector_app, value, word, follow_up
):
    page.goto(host_url("blank"))
    open_widget(page)
    rate(page, value, word)
    page.get_by_role("button", name="Prosimy powiedzieć nam więcej (ok. 1 minuty)").click()
    steps = 5 if follow_up else 4
    expect(page.get_by_role("heading", name=f"Krok 2 z {steps}")).to_be_visible()
    page.get_by_role("radio", name="Wydział Podatków i Opłat").check()
    assert next_step(page) == 200
    assert next_step(page) == 200
    if follow_up:
        expect(page.get_by_role("group", name="Co poszło nie tak?")).to_be_visible()
        page.get_by_role("checkbox", name="Długi czas oczekiwania").check()
        assert next_step(page) == 200
    expect(page.get_by_role("heading", name=f"Krok {steps} z {steps}")).to_be_visible()
    expect(page.get_by_text("Co poszło nie tak?")).to_have_count(0)
    assert next_step(page, "Wyślij odpowiedzi") == 200
    [response] = stored(collector_app)
    assert response["completed"] is True
    assert response["answers"] == (
        {"overall": value, "department": "podatki", "what_went_wrong": "czas"}
        if follow_up
        else {"overall": value, "department": "podatki"}
    )


def test_a_refused_origin_says_so_and_offers_the_hosted_page(
    page, host_url, servers, collector_app
):
    # www vs no www is enough: the office allows another address than this page's.
    change_office(collector_app, allowed_origins=["https://www.demo.example"])
    page.goto(host_url("blank"))
    page.get_by_role("button", name="Oceń Urząd").click()
    scale = page.get_by_role("button", name="4 — raczej zadowolony(a)")
    # The survey document already says it (origin_allowed: false); else the first post finds out.
    refused = page.get_by_text("Ankieta nie jest włączona na tej stronie.")
    expect(refused.or_(scale)).to_be_visible()
    if scale.is_visible():
        scale.click()
    expect(refused).to_be_visible()
    expect(page.get_by_text(re.compile("spróbuj|ponownie za chwilę", re.I))).to_have_count(0)
    link = page.get_by_role("link", name="Ankieta na osobnej stronie")
    assert link.get_attribute("href") == servers["collector"].url + "/s/demo?lang=pl"
    check_axe(page, "refused")
    for width in (1280, 390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        save_screenshot(page, f"steps-refused-{width}px")
    check_axe(page, "refused at 320px")
    assert stored(collector_app) == []


def test_a_403_from_the_collector_is_the_same_message(page, host_url, collector_app):
    # A proxy that lets the refusal through with CORS headers: the widget reads the code itself.
    page.route(
        RESPONSES,
        lambda route: route.fulfill(
            status=403,
            headers={"Access-Control-Allow-Origin": "*"},
            json={"error": "origin_not_allowed", "message": "…"},
        ),
    )
    page.goto(host_url("blank"))
    open_widget(page)
    page.get_by_role("button", name="4 — raczej zadowolony(a)").click()
    expect(page.get_by_text("Ankieta nie jest włączona na tej stronie.")).to_be_focused()


def test_the_banner_follows_the_panel_through_the_office_script(browser, host_url, collector_app):
    def banner_color(**query) -> str:
        # A new context each time: an empty cache, as a visitor after the hour's max-age.
        context = browser.new_context(locale="pl-PL")
        page = context.new_page()
        page.goto(host_url("blank", script="office", **query))
        banner = page.get_by_role("button", name=re.compile("Oceń|Jak"))
        expect(banner).to_be_visible()
        color = banner.evaluate("b => getComputedStyle(b).backgroundColor")
        position = banner.bounding_box()["x"]
        context.close()
        return color, position

    assert banner_color() == ("rgb(11, 92, 171)", pytest.approx(1280 - 12 - 120, abs=120))
    change_office(collector_app, look_color="#8a1538", look_position="bottom-left")
    color, x = banner_color()
    assert color == "rgb(138, 21, 56)" and x < 100
    # data- attributes on the tag still win over the panel.
    assert banner_color(**{"data-color": "#1d6b2f"})[0] == "rgb(29, 107, 47)"


def test_the_office_script_is_one_request_and_revalidates_with_its_etag(
    page, host_url, servers, collector_app
):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(host_url("blank", script="office"))
    expect(page.get_by_role("button", name="Oceń Urząd")).to_be_visible()
    collector = servers["collector"].url
    assert [u for u in requests if u.startswith(collector)] == [collector + "/o/demo.js"]
    with page.expect_response(re.compile("/o/demo.js")) as script:
        page.reload()  # a reload revalidates: the unchanged office answers 304
    assert script.value.status in (200, 304)


MULBERRY32 = """(seed) => { let a = seed >>> 0; window.__OCEN_RANDOM__ = () => {
  a = (a + 0x6D2B79F5) >>> 0; let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296 } }"""


def mulberry32(seed: int) -> float:
    """The first number the seeded generator gives (the same arithmetic as MULBERRY32)."""
    a = (seed + 0x6D2B79F5) & 0xFFFFFFFF
    t = a
    t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
    t = (t ^ ((t + ((t ^ (t >> 7)) * (t | 61))) & 0xFFFFFFFF)) & 0xFFFFFFFF
    return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296


def test_the_invitation_samples_visitors_and_never_comes_back_once_answered(
    browser, host_url, collector_app
):
    change_office(
        collector_app,
        invite_enabled=True,
        invite_delay_seconds=1,
        invite_sample_percent=40,
        invite_snooze_days=30,
        invite_paths=["/blank.html"],
    )
    context = browser.new_context(locale="pl-PL")
    page = context.new_page()
    invitation = page.get_by_role("region", name="Zaproszenie do ankiety")
    seeds = range(1, 13)
    expected = {seed: mulberry32(seed) * 100 < 40 for seed in seeds}
    assert 0 < sum(expected.values()) < len(seeds)  # the seeds cover both outcomes
    shown = {}
    for seed in seeds:
        page.add_init_script(f"({MULBERRY32})({seed})")
        page.goto(host_url("blank", script="office"))
        expect(page.get_by_role("button", name="Oceń Urząd")).to_be_visible()
        page.wait_for_timeout(1300)  # the office's delay, and a little more
        shown[seed] = invitation.is_visible()
        page.close()
        page = context.new_page()
        invitation = page.get_by_role("region", name="Zaproszenie do ankiety")
    assert shown == expected
    # Nothing is remembered until the visitor acts on it.
    assert page.evaluate("1") == 1
    invited = next(seed for seed in seeds if expected[seed])
    page.add_init_script(f"({MULBERRY32})({invited})")
    page.goto(host_url("blank", script="office"))
    assert page.evaluate("localStorage.length") == 0
    expect(invitation).to_be_visible()
    expect(page.get_by_role("button", name="Oceń Urząd")).to_be_visible()  # the banner stays
    check_axe(page, "invitation")
    for width in (1280, 390, 320):
        page.set_viewport_size({"width": width, "height": 800})
        save_screenshot(page, f"invitation-{width}px")
    check_axe(page, "invitation at 320px")
    page.get_by_role("button", name="Nie, dziękuję").click()
    expect(invitation).to_be_hidden()
    flag = page.evaluate("Object.entries(localStorage)")
    assert len(flag) == 1 and flag[0][0] == "ocen-urzad:invite"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", flag[0][1])  # an expiry date, no identifier
    page.reload()
    page.wait_for_timeout(1300)
    expect(invitation).to_have_count(0)
    # Another path than the office chose: no invitation, whatever the draw.
    change_office(collector_app, invite_paths=["/kontakt"])
    page.evaluate("localStorage.clear()")
    other = browser.new_context(locale="pl-PL").new_page()
    other.add_init_script(f"({MULBERRY32})({invited})")
    other.goto(host_url("blank", script="office"))
    other.wait_for_timeout(1300)
    expect(other.get_by_role("region", name="Zaproszenie do ankiety")).to_have_count(0)
    other.context.close()
    context.close()


def test_keyboard_only_one_click_in_6_and_the_whole_survey_in_40(page, host_url, collector_app):
    page.goto(host_url("blank"))
    tab_to(page, "banner")
    presses: list[str] = []

    def press(key: str, times: int = 1) -> None:
        for _ in range(times):
            presses.append(key)
            page.keyboard.press(key)

    press("Enter")  # open: focus on the scale's first target
    # The dialog focuses its title, then (once the survey has arrived) the form's first control;
    # a Tab pressed in between would be lost.
    page.wait_for_function("""() => {
        let el = document.activeElement
        while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement
        return !!(el && el.closest('form') && ['BUTTON', 'INPUT'].includes(el.tagName))
    }""")
    press("Tab", 4)  # -> 5
    with page.expect_response(RESPONSES):
        press("Enter")
    expect(page.get_by_text("Ocena została zapisana.")).to_be_visible()
    assert len(presses) <= 6, presses
    assert stored(collector_app)[0]["answers"] == {"overall": 5}

    press("Tab")  # -> "Prosimy powiedzieć nam więcej"
    press("Enter")
    expect(page.get_by_role("heading", name="Krok 2 z 4")).to_be_focused()
    press("Tab")  # department: the first option
    press("Space")
    press("Tab")  # resolved
    press("Space")
    press("Tab")  # -> Dalej
    with page.expect_response(RESPONSES):
        press("Enter")
    expect(page.get_by_role("heading", name="Krok 3 z 4")).to_be_focused()
    for _ in range(5):  # each driver: into its scale, then back round to 5 (past "nie dotyczy")
        press("Tab")
        press("ArrowLeft", 2)
    press("Tab")
    with page.expect_response(RESPONSES):
        press("Enter")
    expect(page.get_by_role("heading", name="Krok 4 z 4")).to_be_focused()
    press("Tab")
    typed = "Dobrze."
    page.keyboard.type(typed)
    press("Tab")
    with page.expect_response(RESPONSES):
        press("Enter")
    expect(page.get_by_text("Odpowiedź została zapisana.")).to_be_visible()
    print(f"keyboard: {len(presses)} key presses and {len(typed)} characters typed")
    assert len(presses) <= 40, presses
    [response] = stored(collector_app)
    assert response["completed"] is True
    assert response["answers"] == {
        "overall": 5,
        "department": "komunikacja",
        "resolved": "tak",
        **{key: 5 for key in ("service_politeness", "service_competence", "service_clarity",
                              "service_waiting", "service_deadline")},
        "comment": "Dobrze.",
    }  # fmt: skip


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_every_state_passes_axe_and_is_photographed(browser, host_url, collector_app, width):
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="pl-PL")
    page = context.new_page()
    axe = width != 390  # the two extremes; 390 px is photographed

    def state(name: str) -> None:
        if axe:
            check_axe(page, f"{name} at {width}px")
        save_screenshot(page, f"steps-{name}-{width}px")

    page.goto(host_url("blank"))
    state("banner")
    open_widget(page)
    assert len(scale_tops(page, "overall")) == 1  # one row of five
    # No sideways scrolling inside the dialog, which fits the screen.
    assert page.locator("dialog").evaluate("d => d.scrollWidth <= d.clientWidth")
    state("1-overall")
    rate(page, 2, "raczej niezadowolony(a)")
    state("2-thanks-more")
    page.get_by_role("button", name="Prosimy powiedzieć nam więcej (ok. 1 minuty)").click()
    expect(page.get_by_role("heading", name="Krok 2 z 5")).to_be_focused()
    state("3-department")
    page.get_by_role("button", name="Dalej").click()  # the department is required
    expect(page.locator("#e-department")).to_be_visible()
    state("3-department-error")
    page.get_by_role("radio", name="Urząd Stanu Cywilnego").check()
    next_step(page)
    expect(page.get_by_role("heading", name="Krok 3 z 5")).to_be_focused()
    for key in ("service_politeness", "service_deadline"):
        assert len(scale_tops(page, key)) == 1
    state("4-drivers")
    next_step(page)
    expect(page.get_by_role("heading", name="Krok 4 z 5")).to_be_focused()
    state("5-follow-up")
    next_step(page)
    expect(page.get_by_role("heading", name="Krok 5 z 5")).to_be_focused()
    page.get_by_role("textbox").fill("x" * 2001)
    page.get_by_role("button", name="Wyślij odpowiedzi").click()
    expect(page.locator(".summary")).to_be_focused()
    expect(page.locator("#e-comment")).to_be_visible()
    state("6-errors")
    page.get_by_role("textbox").fill("Długo czekałem.")
    next_step(page, "Wyślij odpowiedzi")
    expect(page.get_by_text("Odpowiedź została zapisana.")).to_be_visible()
    state("7-thanks")
    context.close()
    assert stored(collector_app)[0]["completed"] is True
