"""The public results page /wyniki/<slug>: what it shows, what it never shows, who may see it."""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.headers import HOSTED_PAGE_POLICY
from collector.models import AuditEvent, Office, utcnow
from reports.statistics import SUPPRESSED
from tests.admin.panel import login, messages, post
from tests.admin.view_cases import office_form
from tests.factories import create_user

from .published import SECRET_COMMENT, SLUG, archive_year, published_office, publishing_office


def text_of(body: bytes) -> str:
    """Return a page's visible text, tags dropped, entities read, whitespace collapsed."""
    page = body.decode("utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def test_the_page_shows_the_yearly_reports_headline_trend_departments_and_actions(client, app):
    published = published_office()
    response = client.get(f"/wyniki/{SLUG}")
    assert response.status_code == 200
    page = text_of(response.data)
    assert "Wyniki badania satysfakcji klientów" in page
    assert "01.01.2025 – 31.12.2025" in page
    for heading in (
        "Najważniejsze wyniki",
        "Ocena elementów obsługi",
        "Wyniki miesiąc po miesiącu",
        "Wyniki według wydziałów",
        "Powiedzieliście — zrobiliśmy",
        "Raporty roczne do pobrania",
        "Dane otwarte",
    ):
        assert heading in page, heading
    # The headline's figures are the archived report's, written as the report writes them.
    from reports import tables
    from reports.archive import archived_report_data

    data = archived_report_data(db.session, published.report)["data"]
    headline = tables.headline(data, "pl")
    for row in headline.texts():
        assert " ".join(row) in page, row
    # The five drivers, each with its share of 4+5.
    for item in data["areas"][0]["items"]:
        assert item["label"] in page
    # The actions with their status.
    assert "Dodatkowe stanowisko w Wydziale Komunikacji" in page
    assert "zrealizowane" in page and "w realizacji" in page
    # Contact and the accessibility statement.
    assert "sekretariat@wyniki.example.pl" in page and "+48 22 123 45 67" in page
    assert 'href="https://wyniki.example.pl/deklaracja-dostepnosci"' in response.text


def test_small_departments_are_hidden_and_comments_never_shown(client, app):
    published_office()
    page = client.get(f"/wyniki/{SLUG}").text
    assert SECRET_COMMENT not in html.unescape(page)
    assert "Pani Anna" not in html.unescape(page)
    # "podatki" (3 responses) shows "< 5", never its count or its mean.
    row = re.search(r"<tr><th scope=\"row\">Wydział Podatków[^<]*</th>(.*?)</tr>", page, re.S)
    assert row, "the department table has a row for the small department"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells and all(html.unescape(c) == SUPPRESSED for c in cells), cells


def test_the_open_data_links_are_the_literal_paths_of_the_slug(client, app):
    published_office()
    page = client.get(f"/wyniki/{SLUG}").text
    for path in (
        f"/wyniki/{SLUG}/dane.csv",
        f"/wyniki/{SLUG}/dane.json",
        f"/api/v1/offices/{SLUG}/results",
    ):
        assert f'href="{path}"' in page


def test_the_page_has_the_hosted_pages_headers_and_sets_no_cookie(client, app):
    published_office()
    response = client.get(f"/wyniki/{SLUG}")
    assert response.headers["Content-Security-Policy"] == HOSTED_PAGE_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "<script" not in response.text


def test_the_pdf_is_the_archived_file_with_its_sha256(client, app):
    published = published_office()
    page = client.get(f"/wyniki/{SLUG}").text
    listed = re.findall(r'<code class="sha256">([0-9a-f]{64})</code>', page)
    assert listed == [published.report.sha256]
    assert "sha256sum" in page
    response = client.get(f"/wyniki/{SLUG}/raport/{published.report.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="raport-{SLUG}-2025-01-01-2025-12-31.pdf"'
    )
    assert hashlib.sha256(response.data).hexdigest() == published.report.sha256
    assert response.data == published.report.pdf


def test_the_public_html_report_leaves_out_the_comments(client, app):
    published = published_office()
    response = client.get(f"/wyniki/{SLUG}/raport/{published.report.id}.html")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = text_of(response.data)
    assert "Uwagi mieszkańców nie są publikowane" in page
    assert SECRET_COMMENT not in page
    assert "Raport z badania satysfakcji klientów" in page
    # Its one inline stylesheet is allowed by hash; nothing else inline.
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'sha256-" in policy and "unsafe-inline" not in policy
    assert "Set-Cookie" not in response.headers


def test_only_yearly_reports_archived_since_publication_are_listed(client, app):
    office = publishing_office(publish=False)
    before = archive_year(office, year=2024)  # archived before publication was switched on
    office.publish_results = True
    office.results_published_at = before.created_at + timedelta(microseconds=1)
    db.session.commit()
    ad_hoc = archive_year(office, reason="ad-hoc")
    pre_change = archive_year(office, reason="pre-change")
    page = client.get(f"/wyniki/{SLUG}").text
    # The yearly report in force is shown (its figures, as open data gives them, and its HTML form
    # without comments), but its PDF, archived before publication, is neither listed nor served.
    assert "01.01.2024 – 31.12.2024" in page
    assert f'href="/wyniki/{SLUG}/raport/{before.id}.html"' in page
    assert client.get(f"/wyniki/{SLUG}/raport/{before.id}.html").status_code == 200
    assert '<code class="sha256">' not in page and f"{before.id}.pdf" not in page
    assert client.get(f"/wyniki/{SLUG}/raport/{before.id}.pdf").status_code == 404
    assert "Nie ma jeszcze raportów rocznych do pobrania" in page
    for report in (ad_hoc, pre_change):
        assert str(report.id) not in page
        assert client.get(f"/wyniki/{SLUG}/raport/{report.id}.pdf").status_code == 404
        assert client.get(f"/wyniki/{SLUG}/raport/{report.id}.html").status_code == 404
    yearly = archive_year(office)
    page = client.get(f"/wyniki/{SLUG}").text
    assert "01.01.2025 – 31.12.2025" in page
    assert re.findall(r'<code class="sha256">([0-9a-f]{64})</code>', page) == [yearly.sha256]
    assert client.get(f"/wyniki/{SLUG}/raport/{yearly.id}.pdf").status_code == 200
    # No longer in force, the older report's HTML form is no longer public either.
    assert client.get(f"/wyniki/{SLUG}/raport/{before.id}.html").status_code == 404


def test_a_superseded_report_stays_listed_and_the_newer_one_is_shown(client, app):
    published = published_office()
    newer = archive_year(published.office)
    published.report.superseded_by_id = newer.id
    db.session.commit()
    page = client.get(f"/wyniki/{SLUG}").text
    assert page.count('<code class="sha256">') == 2
    assert "Zastąpiony nowszym raportem" in page


def test_an_office_without_a_yearly_report_says_so(client, app):
    publishing_office()
    response = client.get(f"/wyniki/{SLUG}")
    assert response.status_code == 200
    page = text_of(response.data)
    assert "Urząd nie ma jeszcze raportu rocznego z badania satysfakcji" in page
    assert "Nie ma jeszcze raportów rocznych do pobrania" in page


def test_an_office_that_does_not_publish_answers_404(client, app):
    office = publishing_office(publish=False)
    report = archive_year(office)
    for path in (
        f"/wyniki/{SLUG}",
        f"/wyniki/{SLUG}/raport/{report.id}.pdf",
        f"/wyniki/{SLUG}/raport/{report.id}.html",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Nie znaleziono wyników" in response.text
        assert "Set-Cookie" not in response.headers


BAD_PATHS = [
    "/wyniki",
    "/wyniki/",
    "/wyniki/nie-ma-takiego",
    "/wyniki/A",
    "/wyniki/%00",
    "/wyniki/gmina-wyniki%00",
    "/wyniki/" + "a" * 300,
    "/wyniki/żółw",
    "/wyniki/..%2F..%2Fetc",
    f"/wyniki/{SLUG}/",
    f"/wyniki/{SLUG}/raport/",
    f"/wyniki/{SLUG}/raport/nie-uuid.pdf",
    f"/wyniki/{SLUG}/raport/{uuid.UUID(int=0)}.pdf",
    f"/wyniki/{SLUG}/raport/{uuid.UUID('6f6cad78-36d8-4b91-991c-089bceb0f3a6')}.html",
    f"/wyniki/{SLUG}/raport/{'f' * 40}.pdf",
    f"/wyniki/{SLUG}/raport/%00.pdf",
    f"/wyniki/{SLUG}/raport/REPORT.doc",
    f"/wyniki/{SLUG}/cokolwiek/dalej",
]


@pytest.mark.parametrize("path", BAD_PATHS)
def test_bad_addresses_answer_a_polish_404_page(client, app, path):
    published = published_office()
    response = client.get(path.replace("REPORT", str(published.report.id)))
    assert response.status_code == 404, path
    assert response.mimetype == "text/html"
    assert "Nie znaleziono wyników" in response.text
    assert "Proszę sprawdzić adres" in response.text


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "path",
    ["/wyniki", f"/wyniki/{SLUG}", f"/wyniki/{SLUG}/dane.csv", f"/wyniki/{SLUG}/raport/x.pdf"],
)
def test_a_change_is_refused_with_a_polish_page(client, app, method, path):
    published_office()
    response = getattr(client, method)(path, data={"a": "b"})
    assert response.status_code == 405, path
    assert response.headers["Allow"] == "GET, HEAD"
    assert "Tej strony nie można zmieniać" in response.text and "Set-Cookie" not in response.headers


def test_another_offices_report_is_not_served_under_this_slug(client, app):
    published = published_office()
    from tests.factories import create_office

    other = create_office("inna-gmina", "Inna Gmina", publish_results=True)
    other.results_published_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    response = client.get(f"/wyniki/inna-gmina/raport/{published.report.id}.pdf")
    assert response.status_code == 404


# --- The panel: switching publication on, the BIP snippet, the HTML report in the archive ------


@pytest.fixture
def admin_client(client, app):
    office = publishing_office(publish=False)
    user = create_user("admin@wyniki.test", office=office)
    login(client, user.email)
    client.office = office
    return client


def test_publication_is_off_by_default_and_switching_it_on_is_dated_and_audited(admin_client):
    office = admin_client.office
    assert office.publish_results is False and office.results_published_at is None
    form_page = admin_client.get(f"/admin/office/edit/?id={office.id}").text
    assert "Publikuj wyniki" in form_page
    assert "bez uwag mieszkańców" in form_page
    started = utcnow()
    response = post(
        admin_client,
        f"/admin/office/edit/?id={office.id}",
        office_form(office, publish_results="y"),
    )
    assert response.status_code == 302, messages(response)
    db.session.expire_all()
    office = db.session.get(Office, office.id)
    assert office.publish_results is True
    assert office.results_published_at is not None and office.results_published_at >= started
    event = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "Office", AuditEvent.action == "update")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.before["publish_results"] is False and event.after["publish_results"] is True
    assert "results_published_at" in event.after
    # The page is public now; switching it off hides it again.
    assert admin_client.get(f"/wyniki/{SLUG}").status_code == 200
    response = post(admin_client, f"/admin/office/edit/?id={office.id}", office_form(office))
    assert response.status_code == 302
    assert admin_client.get(f"/wyniki/{SLUG}").status_code == 404


def test_the_embed_page_offers_the_bip_text_with_the_link(admin_client):
    office = admin_client.office
    page = html.unescape(admin_client.get("/admin/embed/").text)
    assert "Urząd nie publikuje wyników" in page
    office.publish_results = True
    office.results_published_at = utcnow()
    db.session.commit()
    page = admin_client.get("/admin/embed/").text
    snippet = html.unescape(
        re.search(r'<textarea id="bip-snippet"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    )
    assert (
        f'<a href="http://collector.test/wyniki/{SLUG}">http://collector.test/wyniki/{SLUG}</a>'
        in snippet
    )
    assert "Urząd Gminy Wyniki" in snippet
    assert 'data-copy-target="bip-snippet"' in page


def test_the_archive_offers_each_report_as_html_with_the_pdfs_figures(admin_client):
    office = admin_client.office
    report = archive_year(office)
    page = admin_client.get("/admin/reports/archive/").text
    link = f"/admin/reports/archive/{report.id}.html"
    assert f'href="{link}"' in page
    response = admin_client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = text_of(response.data)
    # The staff's own HTML keeps the comments, as the PDF does.
    assert SECRET_COMMENT in text
    assert admin_client.get("/admin/reports/archive/nie-uuid.html").status_code == 404
    assert admin_client.get(f"/admin/reports/archive/{uuid.uuid4()}.html").status_code == 404


def test_publication_switched_on_without_a_date_shows_the_figures_but_no_pdf(client, app):
    published = published_office()
    published.office.results_published_at = None  # switched on outside the panel
    db.session.commit()
    page = client.get(f"/wyniki/{SLUG}").text
    assert "01.01.2025 – 31.12.2025" in page and '<code class="sha256">' not in page
    assert client.get(f"/wyniki/{SLUG}/raport/{published.report.id}.pdf").status_code == 404
    assert client.get(f"/wyniki/{SLUG}/raport/{published.report.id}.html").status_code == 200
