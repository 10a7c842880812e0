"""In a real browser: log in, edit a draft, publish, download the archived report, copy the embed snippet.

Debian's Chromium through Playwright against a real local server on an ephemeral port; axe checks
the login page, the office form, the survey editor and the embed page for serious or critical
violations. One browser for the module: browser tests are few and each one does a lot.
"""

from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from collector.extensions import db
from collector.models import Report, SurveyVersion
from tests.admin.flowtools import answer_survey, office_with_admin, pdf_text
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}  # a real server and real forms


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def browser(playwright):
    # No skip when Chromium is missing: the launch fails and so does the test (CI must not pass silently).
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def server(app):
    """Serve the test app on 127.0.0.1 and an ephemeral port; yield its base URL."""
    app.config["PUBLIC_URL"] = "http://127.0.0.1"  # replaced below once the port is known
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{httpd.server_port}"
    app.config["PUBLIC_URL"] = base
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    thread.join()


def serious_violations(page, skip: tuple[str, ...] = ()) -> list[str]:
    """Return axe's serious and critical violations on the page, described for the failure message."""
    from axe_playwright_python.sync_playwright import Axe

    # The page as a person meets it: its scripts (at the end of the body) have run, e.g. panel.js
    # naming Flask-Admin's row checkboxes; axe started before the load event saw them unnamed.
    page.wait_for_load_state("load")
    options: dict = {"resultTypes": ["violations"]}  # the library's default
    if skip:
        options["rules"] = {rule: {"enabled": False} for rule in skip}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]} {v['nodes'][0].get('failureSummary', '')[:300]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def test_edit_publish_download_and_copy_in_a_browser(app, server, browser, tmp_path):
    office, _user = office_with_admin()
    client = app.test_client()
    answer_survey(client, office, times=2)
    db.session.commit()

    context = browser.new_context(
        permissions=["clipboard-read", "clipboard-write"], locale="pl-PL", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        # Log in.
        page.goto(f"{server}/admin/login")
        assert serious_violations(page) == [], "login page"
        page.get_by_label("Adres e-mail").fill("admin@demo.test")
        page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(f"{server}/admin/")

        # The office form.
        response = page.goto(f"{server}/admin/office/edit/?id={office.id}")
        assert response.status == 200, page.content()[:3000]
        page.locator("#name").wait_for()
        assert serious_violations(page) == [], "office form"

        # Edit: a draft copy of version 1.
        page.goto(f"{server}/admin/survey/")
        page.get_by_role("button", name="Edytuj").click()
        page.get_by_text("Utworzono wersję roboczą 2").wait_for()
        assert serious_violations(page) == [], "survey editor (draft)"

        # Re-word a question.
        page.get_by_role("link", name=re.compile(r"^Zmień pytanie \d+: Jak ogólnie")).click()
        assert serious_violations(page) == [], "survey editor (question form)"
        page.get_by_label("Treść pytania po polsku").fill("Jak ogólnie ocenia Pan/Pani wizytę?")
        page.get_by_role("button", name="Zapisz", exact=True).click()
        page.get_by_text("Zapisano pytanie „overall”").wait_for()
        version_page = page.url

        # Preview the draft in the real widget: the re-worded question, nothing sent.
        posts: list[str] = []
        page.on(
            "request",
            lambda request: posts.append(request.url) if request.method == "POST" else None,
        )
        page.get_by_role("link", name="Podgląd").click()
        page.get_by_role("button", name="Oceń Urząd").click()
        page.get_by_text("Podgląd — odpowiedzi nie są zapisywane").wait_for()
        page.get_by_text("Jak ogólnie ocenia Pan/Pani wizytę?").wait_for()
        assert posts == []
        page.goto(version_page)

        # Reorder with the keyboard only: choose place 2 for question 1, Tab to "Przesuń", Enter.
        page.get_by_label(re.compile(r"^Miejsce pytania 1:")).select_option("2")
        page.get_by_label(re.compile(r"^Miejsce pytania 1:")).focus()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.get_by_text("Przesunięto pytanie „overall” na miejsce 2").wait_for()

        # Publish: a confirmation page first, with the pre-change report's figures.
        page.get_by_role("button", name="Opublikuj wersję 2").click()
        page.get_by_role("heading", name="Opublikować wersję 2 ankiety?").wait_for()
        assert page.locator('#confirm-preview [data-fact="3"]').inner_text() == "2"
        assert serious_violations(page) == [], "publish confirmation"
        page.get_by_role("button", name="Tak, opublikuj wersję 2").click()
        page.get_by_text("Opublikowano wersję 2").wait_for()

        # Download the archived pre-change report.
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Pobierz raport (PDF) — wersja 1").click()
        path = tmp_path / "report.pdf"
        download_info.value.save_as(path)
        body = path.read_bytes()
        assert body.startswith(b"%PDF") and "Urząd Miasta Demo" in pdf_text(body)

        # Copy the embed snippet; the live region says so and the clipboard holds the tag.
        page.goto(f"{server}/admin/embed/")
        assert serious_violations(page) == [], "embed page"
        page.get_by_role("button", name="Kopiuj").click()
        page.get_by_role("status").filter(has_text="Skopiowano kod do schowka.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == f'<script src="{server}/o/demo.js" async></script>'
    finally:
        context.close()

    db.session.expire_all()
    numbers = dict(db.session.execute(sa.select(SurveyVersion.number, SurveyVersion.status)).all())
    assert numbers == {1: "retired", 2: "published"}
    report = db.session.scalar(sa.select(Report))
    assert (report.reason, report.versions, report.response_count) == ("pre-change", [1], 2)


def test_the_embed_page_copies_the_office_script_tag_first(app, server, browser):
    office_with_admin()
    db.session.commit()
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{server}/admin/login")
        page.get_by_label("Adres e-mail").fill("admin@demo.test")
        page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(f"{server}/admin/")
        page.goto(f"{server}/admin/embed/")
        assert serious_violations(page) == [], "embed page"
        page.get_by_role("button", name="Kopiuj").click()
        page.get_by_role("status").filter(has_text="Skopiowano kod do schowka.").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == (
            f'<script src="{server}/o/demo.js" async></script>'
        )
        # The older tag is there too, folded, for pages that already carry it.
        page.get_by_text("Starszy znacznik (widget.js z atrybutami data-)").click()
        legacy = page.get_by_label(re.compile("^Nadal działa"))
        assert (
            legacy.input_value()
            == f'<script src="{server}/widget.js" data-office="demo" async></script>'
        )
        assert serious_violations(page) == [], "embed page, older tag shown"
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"test-artifacts/screenshots/admin-embed-{width}px.png")
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_office_form_languages_do_not_overlap_the_next_label(app, server, browser, width):
    office, _user = office_with_admin()
    db.session.commit()
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="pl-PL")
    page = context.new_page()
    try:
        page.goto(f"{server}/admin/login")
        page.get_by_label("Adres e-mail").fill("admin@demo.test")
        page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.wait_for_url(f"{server}/admin/")
        page.goto(f"{server}/admin/office/edit/?id={office.id}")
        languages = page.locator("#languages").bounding_box()
        label = page.locator("label[for=look_label]").bounding_box()
        last = page.get_by_label("ukraiński").bounding_box()
        # The checkbox list ends above the next field's label, the last box inside the list.
        assert languages["y"] + languages["height"] <= label["y"], (languages, label)
        assert last["y"] + last["height"] <= languages["y"] + languages["height"], (last, languages)
        page.locator("#languages").scroll_into_view_if_needed()
        from tests.widget.conftest import save_screenshot

        save_screenshot(page, f"panel-office-form-languages-{width}")
        page.get_by_label("Zaproszenie do ankiety").evaluate(
            "box => box.scrollIntoView({block: 'center'})"
        )
        save_screenshot(page, f"panel-office-form-invitation-{width}")
    finally:
        context.close()
