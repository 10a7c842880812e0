"""In Chromium: the panel works under its Content-Security-Policy (no violation on the pages with
scripts, Flask-Admin's confirmations and bulk actions still work), and the two-factor pages at
390 and 1280 px, with screenshots and axe."""

from __future__ import annotations

import re
import threading
import time

import pyotp
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from collector.extensions import db
from collector.models import CorrectiveAction, Question, SurveyVersion, User
from collector.operations.two_factor import read_secret
from tests.admin.flowtools import answer_survey, office_with_admin
from tests.admin.test_flows_browser import CHROMIUM_ARGS, serious_violations
from tests.factories import DEFAULT_PASSWORD, create_user
from tests.widget.conftest import save_screenshot

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)

# Records a CSP violation in the page itself, so none is missed between console messages.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture
def app_config() -> dict:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def server(app):
    """Serve the test app on 127.0.0.1 and an ephemeral port; yield its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{httpd.server_port}"
    app.config["PUBLIC_URL"] = base
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    thread.join()


def log_in(page, server: str, email: str) -> None:
    page.goto(f"{server}/admin/login")
    page.fill("#email", email)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")


def violations(page, console: list[str]) -> list[str]:
    found = page.evaluate("window.__cspViolations || []")
    return found + [m for m in console if "Content Security Policy" in m]


def test_the_panel_works_under_its_content_security_policy(app, server, browser):
    office, _admin = office_with_admin(origins=("https://demo.test",))
    answer_survey(app.test_client(), office, times=3)
    db.session.add(CorrectiveAction(office_id=office.id, title="Druga kolejka", description=""))
    create_user("super@ops.test", role="superadmin")
    db.session.commit()
    version = db.session.scalars(sa.select(SurveyVersion)).first()
    question = db.session.scalars(sa.select(Question)).first()
    action_id = db.session.scalars(sa.select(CorrectiveAction.id)).one()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, server, "super@ops.test")
    page.wait_for_url(re.compile(r"/admin/$"))
    oid = f"office_id={office.id}"
    urls = [
        "/admin/",
        f"/admin/reports/?{oid}",  # dashboard charts
        f"/admin/survey/?{oid}",  # survey editor
        f"/admin/survey/version/{version.id}?{oid}",
        f"/admin/survey/question/{question.id}?{oid}",
        f"/admin/survey/version/{version.id}/question/new?{oid}",
        f"/admin/survey/version/{version.id}/preview?{oid}",  # the widget itself
        f"/admin/office/edit/?id={office.id}",  # office form
        "/admin/user/",
        "/admin/user/new/",
        "/admin/department/",
        "/admin/response/",
        "/admin/audit/",
        f"/admin/embed/?{oid}",
        "/admin/corrective_action/",
        "/admin/account/",
        "/admin/account/two-factor",
    ]
    for url in urls:
        response = page.goto(server + url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        assert violations(page, console) == [], url
    # The preview draws the survey with the widget's script (allowed: same origin).
    page.goto(f"{server}/admin/survey/version/{version.id}/preview?{oid}")
    page.wait_for_function(
        "() => { const h = document.querySelector('#widget-preview');"
        " return h && (h.shadowRoot || h.querySelector('*')); }"
    )

    # Flask-Admin's delete button still asks first (its handler moved out of the HTML).
    page.goto(f"{server}/admin/corrective_action/")
    asked: list[str] = []

    def dismiss(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("form.icon button[data-confirm]")
    assert asked == ["Are you sure you want to delete this record?"] or asked[0].startswith("Czy")
    assert db.session.get(CorrectiveAction, action_id) is not None
    # The bulk actions menu runs its action (asking first too).
    page.check("input.action-checkbox")
    page.locator("[data-model-action=delete]").locator("xpath=../preceding-sibling::a").click()
    page.click("[data-model-action=delete]")
    assert len(asked) == 2
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action_id) is not None
    page.remove_listener("dialog", dismiss)
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("form.icon button[data-confirm]")
    page.wait_for_load_state("networkidle")
    db.session.expire_all()
    assert db.session.get(CorrectiveAction, action_id) is None
    assert violations(page, console) == []
    context.close()


def test_two_factor_pages_in_a_browser(app, server, browser):
    office, _user = office_with_admin(origins=("https://demo.test",))
    for width in WIDTHS:
        user = create_user(f"clerk{width}@demo.test", office=office)
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        page.goto(f"{server}/admin/login")
        save_screenshot(page, f"security-login-{width}")
        assert serious_violations(page) == []

        log_in(page, server, user.email)
        page.wait_for_url(re.compile(r"/admin/$"))
        page.goto(f"{server}/admin/account/two-factor")
        assert page.locator(".qr-code svg").is_visible()
        save_screenshot(page, f"security-enrol-{width}")
        assert serious_violations(page) == []
        page.fill("#confirm-code", "000000")
        page.click("form:has(#confirm-code) button[type=submit]")
        assert page.locator("#confirm-code-error").is_visible()
        save_screenshot(page, f"security-enrol-wrong-code-{width}")
        db.session.expire_all()
        secret = read_secret(db.session.get(User, user.id))
        page.fill("#confirm-code", pyotp.TOTP(secret).now())
        page.click("form:has(#confirm-code) button[type=submit]")
        codes = page.locator(".recovery-codes code")
        codes.first.wait_for()
        assert codes.count() == 10
        save_screenshot(page, f"security-recovery-codes-{width}")
        assert serious_violations(page) == []
        page.click("text=Kody są zapisane — dalej")
        page.wait_for_url(re.compile(r"/admin/account/two-factor$"))
        page.wait_for_load_state("networkidle")
        context.clear_cookies()  # a new browser session (the menu is folded at 390 px)

        log_in(page, server, user.email)
        page.wait_for_url(re.compile(r"/admin/login/code$"))
        save_screenshot(page, f"security-code-prompt-{width}")
        assert serious_violations(page) == []
        totp = pyotp.TOTP(secret)
        page.fill("#code", "123456" if totp.now() != "123456" else "654321")
        page.click("button[type=submit]")
        assert page.locator("#code-error").is_visible()
        save_screenshot(page, f"security-code-wrong-{width}")
        assert serious_violations(page) == []
        # A fresh code (the enrolment used the current one): wait for the next time step.
        db.session.expire_all()
        last = db.session.get(User, user.id).totp_last_step or 0
        while int(time.time()) // 30 <= last:
            page.wait_for_timeout(500)
        page.fill("#code", totp.now())
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/admin/$"))
        assert page.evaluate("window.__cspViolations") == []
        context.close()
