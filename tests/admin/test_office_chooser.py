"""A superadmin chooses the office (``?office_id=``) on the start page and in the comment inbox,
and the start page's links keep the chosen office; office users stay in their own."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Response
from tests.admin.panel import login, text
from tests.admin.test_flows_browser import (  # noqa: F401  (fixtures)
    app_config,
    browser,
    serious_violations,
    server,
)
from tests.admin.test_home import frozen  # noqa: F401  (fixture)
from tests.admin.test_home_browser import shoot
from tests.admin.view_cases import make_comment
from tests.factories import DEFAULT_PASSWORD, create_office, create_user


@pytest.fixture
def offices(app, frozen):  # noqa: F811
    alfa = create_office("alfa", "Urząd Alfa")
    beta = create_office("beta", "Urząd Beta")
    comments = {
        alfa.id: [make_comment(alfa).text, make_comment(alfa).text],
        beta.id: [make_comment(beta).text],
    }
    create_user("super@ops.test", role="superadmin")
    create_user("admin@alfa.test", office=alfa)
    return alfa, beta, comments


def links(page: str) -> list[str]:
    return [html_lib.unescape(href) for href in re.findall(r'href="(/admin/[^"#]*)', page)]


def office_of_link(href: str) -> list[str]:
    return parse_qs(urlsplit(href).query).get("office_id", [])


def test_the_superadmin_chooses_the_office_of_the_start_page(client, offices):
    alfa, beta, _comments = offices
    login(client, "super@ops.test")
    choice = text(client.get("/admin/"))
    assert "Wybierz urząd:" in choice
    assert f'href="/admin/?office_id={alfa.id}"' in choice
    assert f'href="/admin/?office_id={beta.id}"' in choice

    page = text(client.get(f"/admin/?office_id={beta.id}"))
    assert "Urząd Beta" in page and "Urząd Alfa" not in page
    assert re.search(r'id="comments-count">1<', page)  # Beta's one unread comment
    # Every link from the page's figures to a page of the office carries the chosen office.
    main = page[page.index("home-cards") :]
    for endpoint in ("/admin/response/", "/admin/comment/", "/admin/reports/", "/admin/embed/"):
        found = [href for href in links(main) if href.startswith(endpoint)]
        assert found, endpoint
        assert all(office_of_link(href) == [str(beta.id)] for href in found), found
    # The inbox link leads to Beta's comments only.
    inbox = next(href for href in links(main) if href.startswith("/admin/comment/"))
    inbox_page = text(client.get(inbox))
    assert "Nieprzeczytane: 1." in inbox_page


def test_the_superadmin_chooses_the_office_in_the_inbox(client, offices):
    alfa, beta, comments = offices
    login(client, "super@ops.test")
    every = text(client.get("/admin/comment/"))
    assert all(c in every for c in comments[alfa.id] + comments[beta.id])
    assert re.search(r'<option value=""\s*selected>Wszystkie urzędy</option>', every)
    assert "Nieprzeczytane: 3." in every

    page = text(client.get(f"/admin/comment/?office_id={alfa.id}"))
    assert all(c in page for c in comments[alfa.id])
    assert comments[beta.id][0] not in page
    assert re.search(rf'<option value="{alfa.id}"\s*selected>Urząd Alfa</option>', page)
    assert "Nieprzeczytane: 2." in page
    # Searching keeps the chosen office (Flask-Admin keeps it among the list's arguments).
    searched = text(client.get(f"/admin/comment/?office_id={beta.id}&search=komentarz"))
    assert comments[beta.id][0] in searched
    assert not any(c in searched for c in comments[alfa.id])
    # The responses list a start-page link opens is the chosen office's too.
    markers = {
        office_id: db.session.scalars(
            sa.select(Response.department_key).where(Response.office_id == office_id)
        ).all()
        for office_id in (alfa.id, beta.id)
    }
    responses = text(client.get(f"/admin/response/?office_id={beta.id}"))
    assert markers[beta.id][0] in responses
    assert not any(marker in responses for marker in markers[alfa.id])
    every = text(client.get("/admin/response/"))
    assert all(marker in every for marker in markers[alfa.id] + markers[beta.id])


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/admin/comment/?office_id=999999", 404),
        ("/admin/comment/?office_id=abc", 404),
        ("/admin/comment/?office_id=1.5", 404),
        ("/admin/comment/?office_id=%00", 404),
        ("/admin/?office_id=999999", 404),
        ("/admin/?office_id=-1", 404),
    ],
)
def test_an_unknown_office_answers_a_human_404(client, offices, url, status):
    login(client, "super@ops.test")
    response = client.get(url)
    assert response.status_code == status
    assert "Nie znaleziono" in text(response)


def test_an_office_admin_stays_in_their_office_whatever_the_address_says(client, offices):
    alfa, beta, comments = offices
    login(client, "admin@alfa.test")
    page = text(client.get(f"/admin/comment/?office_id={beta.id}"))
    assert all(c in page for c in comments[alfa.id])
    assert comments[beta.id][0] not in page
    assert 'id="office-picker"' not in page  # no chooser for an office user
    assert client.get(f"/admin/?office_id={beta.id}").status_code == 404
    home = text(client.get("/admin/"))
    assert "Urząd Alfa" in home
    assert not any(office_of_link(href) for href in links(home))  # no office in their links


@pytest.mark.browser
@pytest.mark.parametrize("width", (1280, 390))
def test_the_superadmin_chooses_in_a_browser(offices, server, browser, width):  # noqa: F811
    alfa, _beta, comments = offices
    context = browser.new_context(locale="pl-PL", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{server}/admin/login")
        page.get_by_label("Adres e-mail").fill("super@ops.test")
        page.get_by_label("Hasło").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Zaloguj się").click()
        page.get_by_text("Wybierz urząd:").wait_for()
        assert serious_violations(page) == [], "office choice"
        page.get_by_role("link", name="Urząd Beta").click()
        page.locator("#comments-link").click()
        picker = page.get_by_label("Urząd", exact=True)
        assert picker.evaluate("s => s.selectedOptions[0].text") == "Urząd Beta"
        assert serious_violations(page) == [], "inbox of the chosen office"
        picker.select_option(label="Urząd Alfa")
        page.get_by_role("button", name="Pokaż", exact=True).click()
        page.get_by_text("Nieprzeczytane: 2.").wait_for()
        assert page.get_by_text(comments[alfa.id][0]).is_visible()
        assert page.get_by_text(comments[_beta.id][0]).count() == 0
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, f"inbox-office-chooser-{width}")
    finally:
        context.close()
