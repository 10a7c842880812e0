"""axe on every panel page, listed by the url_map walk (tests/admin/panel_pages.py), in Chromium.

An office admin opens every listed page that draws HTML, with real ids (an office, a response, a
comment, a question, a report, a user, a corrective action…); a page an office admin may not see is
opened by a superadmin. axe-core (shipped inside axe-playwright-python, no network) reads each one
and the test fails on any serious or critical violation, naming the rule, the element and the page.
The addresses of the walk that are not pages are left out below, each with its reason.
"""

from __future__ import annotations

from datetime import date

import pyotp
import pytest

from collector.audit import CLI_ACTOR
from collector.extensions import db
from collector.models import CorrectiveAction
from collector.operations import two_factor
from collector.operations.versions import start_draft
from collector.surveys import create_office as make_office
from reports import archive_report
from tests.admin.panel_pages import panel_get_pages
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    server,
)
from tests.factories import DEFAULT_PASSWORD, create_user, post_response, valid_payload

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}

# Addresses of the walk that do not draw an HTML page, and why they are left out.
NOT_PAGES = {
    "embed.poster_view": "a PDF poster (a download)",
    "embed.qr_png_view": "a PNG image of the QR code",
    "embed.qr_svg_view": "an SVG image of the QR code",
    "paper.questionnaire_view": "the paper questionnaire, a PDF download",
    "reports.download": "an archived report, a PDF download",
    "reports.download_html": (
        "an archived report's HTML form, a download (the same builder's public form is checked"
        " with axe in tests/results/test_page_browser.py)"
    ),
    "reports.export": "the responses as CSV or XLSX, a download",
    "survey.document_view": "the survey document as JSON (the preview's data)",
}
# Views with no such page: 403 for every role, by design (the audit log, the responses and the
# comments are not typed in or edited through a model form; a comment is read in its row).
NO_SUCH_PAGE = {
    "audit.create_view": "the audit log is written by the app only (403 for every role)",
    "audit.edit_view": "the audit log is never edited (403 for every role)",
    "response.create_view": "responses come from residents or paper entry (403 for every role)",
    "response.edit_view": "a response is never edited (403 for every role)",
    "comment.create_view": "comments come from residents (403 for every role)",
    "comment.details_view": "a comment is read in its inbox row (403 for every role)",
    "comment.edit_view": "a comment is changed by the inbox's actions only (403 for every role)",
}
NOT_PAGE_SUFFIXES = {
    ".static": "a script, style sheet or image file",
    ".ajax_lookup": "JSON for a select box's search",
    ".export": "a list exported as CSV (a download)",
}
# Opened on their own below: the login page before logging in, the code step by a user with
# two-factor login on.
OWN_STEPS = {"auth.login", "auth.login_code"}


def reason_left_out(endpoint: str) -> str | None:
    if endpoint in NOT_PAGES or endpoint in NO_SUCH_PAGE:
        return NOT_PAGES.get(endpoint) or NO_SUCH_PAGE[endpoint]
    for suffix, reason in NOT_PAGE_SUFFIXES.items():
        if endpoint.endswith(suffix):
            return reason
    return None


def violations(page, where: str) -> list[str]:
    """Return axe's serious and critical violations on the page: rule, element and page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in SERIOUS:
            continue
        for node in violation["nodes"]:
            fixes = (node.get("failureSummary") or "").splitlines()[1:2]
            found.append(
                f"{where}: {violation['id']} ({violation['impact']}: {violation['help']}) "
                f"at {node['target']}: {' '.join(fix.strip() for fix in fixes)}"
            )
    return found


@pytest.fixture
def office_data(app, client):
    """An office with departments, a published survey, responses with a comment, a report, an
    action, its admin, a superadmin and a user with two-factor login on."""
    office = make_office(
        "demo",
        "Urząd Miasta Demo",
        origins=["http://demo.test"],
        departments=[("komunikacja", "Wydział Komunikacji", "Transport Department", "Відділ")],
    )
    db.session.commit()
    for _ in range(2):
        assert post_response(client, payload=valid_payload(office)).status_code == 201
    report = archive_report(
        db.session,
        office,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        reason="ad-hoc",
        author=None,
    )
    db.session.add(CorrectiveAction(office_id=office.id, title="Nowa kolejka", description=""))
    create_user("admin@demo.test", office=office)
    create_user("super@ops.test", role="superadmin")
    coded = create_user("kod@demo.test", office=office)
    secret = two_factor.start_enrolment(coded, actor=CLI_ACTOR)
    two_factor.confirm_enrolment(coded, pyotp.TOTP(secret).now(), actor=CLI_ACTOR)
    start_draft(office, CLI_ACTOR)  # the survey editor's pages open the draft
    db.session.commit()
    return office, report


def logged_in(browser, server: str, email: str | None, width: int):  # noqa: F811
    """Return a page of a new browser context, logged in with the password (None: anonymous)."""
    context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{server}/admin/login")
    if email is not None:
        page.get_by_label("Adres e-mail").fill(email)
        page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
    return page


def open_first_allowed(sessions, url: str):
    """Open the address as each user in turn; return the first user and answer that drew it."""
    for email, page in sessions:
        response = page.goto(url)
        if response.status == 200 and response.request.redirected_from is None:
            return email, page, response
    return None, page, response


@pytest.mark.parametrize("width", (1280, 390))
def test_every_panel_page_has_no_serious_axe_violation(
    app,
    server,  # noqa: F811
    browser,  # noqa: F811
    office_data,
    width,
):
    office, report = office_data
    found: list[str] = []
    refused: list[str] = []
    opened: dict[str, str] = {}
    pages = []
    try:
        # The login page, and the code step of a user with two-factor login on.
        anonymous = logged_in(browser, server, None, width)
        pages.append(anonymous)
        found += violations(anonymous, "auth.login")
        opened["auth.login"] = "anonymous"
        coded = logged_in(browser, server, "kod@demo.test", width)
        pages.append(coded)
        coded.wait_for_url(f"{server}/admin/login/code")
        found += violations(coded, "auth.login_code")
        opened["auth.login_code"] = "kod@demo.test"

        sessions = []
        for email in ("admin@demo.test", "super@ops.test"):
            page = logged_in(browser, server, email, width)
            pages.append(page)
            page.wait_for_url(f"{server}/admin/")
            sessions.append((email, page))

        for listed in panel_get_pages(app, office.id, report):
            if listed.endpoint in OWN_STEPS:
                continue
            if reason_left_out(listed.endpoint):
                # Left out only if it really is no page: 403 as said, or no HTML for anyone.
                for email, page in sessions:
                    answer = page.request.get(f"{server}{listed.url}", max_redirects=0)
                    kind = answer.headers.get("content-type", "")
                    if listed.endpoint in NO_SUCH_PAGE:
                        assert answer.status == 403, (listed.url, email, answer.status)
                    else:
                        download = "attachment" in answer.headers.get("content-disposition", "")
                        assert answer.status != 200 or "text/html" not in kind or download, (
                            listed.url,
                            kind,
                        )
                    answer.dispose()
                continue
            email, page, response = open_first_allowed(sessions, f"{server}{listed.url}")
            if email is None:
                refused.append(f"{listed.endpoint} {listed.url}: {response.status} at {page.url}")
                continue
            assert "text/html" in response.headers["content-type"], listed.url
            found += violations(page, f"{listed.endpoint} {listed.url} ({email}, {width} px)")
            opened[listed.endpoint] = email

        # A superadmin who has not chosen an office: the office choice and the inbox's chooser.
        superadmin = sessions[1][1]
        for url in ("/admin/", "/admin/comment/"):
            assert superadmin.goto(f"{server}{url}").status == 200
            found += violations(superadmin, f"{url} (super@ops.test, no office chosen)")
    finally:
        for page in pages:
            page.context.close()
    assert not refused, "pages that no user could open:\n" + "\n".join(refused)
    # Every page of the walk was read, and the superadmin's own ones by the superadmin.
    assert len(opened) >= 40, opened
    assert opened["office.create_view"] == "super@ops.test"
    assert opened["comment.index_view"] == "admin@demo.test"
    assert not found, "serious or critical axe violations:\n" + "\n".join(found)
