"""Reports in the panel: dashboard, yearly warning, generate, archive and download, exports, corrective actions."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from collector.extensions import db
from collector.models import AuditEvent, CorrectiveAction, Report, utcnow
from reports import archive_report
from reports import tables as report_tables
from reports.periods import Period
from reports.sections import build_report_data
from reports.statistics import SUPPRESSED
from tests.admin.panel import finish_builds, login, post, text
from tests.factories import count, create_office, create_user
from tests.reports.dataset import OFFICE_NAME, PRIVATE_COMMENT, archive_year, build_dataset
from tests.reports.expected import expected_figures

YEAR = {"from": "2024-01-01", "to": "2024-12-31"}


@pytest.fixture
def dataset(app):
    data = build_dataset()
    data.office.created_at = utcnow() - timedelta(days=800)
    db.session.commit()
    return data


@pytest.fixture
def bare_admin(app):
    """The office's admin, without the year of responses: enough for tests of refused requests."""
    office = create_office("lodz-srodmiescie", OFFICE_NAME)
    return create_user("admin@lodz.pl", office=office)


@pytest.fixture
def admin_user(dataset):
    return create_user("admin@lodz.pl", office=dataset.office)


@pytest.fixture
def reviewer(dataset):
    return create_user("recenzent@lodz.pl", role="reviewer", office=dataset.office)


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_dashboards_charts_have_sans_serif_labels_of_at_least_12_px_and_tables(
    client, dataset, admin_user
):
    login(client, "admin@lodz.pl")
    html = text(client.get("/admin/reports/", query_string=YEAR))
    images = re.findall(
        r'<img class="report-chart" width="(\d+)" height="(\d+)" src="data:image/svg\+xml;base64,([^"]+)"',
        html,
    )
    assert len(images) == 5
    for width, _height, data in images:
        svg = base64.b64decode(data).decode()
        # Shown at its own size (the <img> says the SVG's size; the CSS never shrinks it) ...
        assert abs(float(re.search(r'<svg width="([\d.]+)"', svg).group(1)) - int(width)) < 1
        # ... where every label is at least 12 px: its font size times the one scaling group.
        (scale,) = {float(s) for s in re.findall(r"matrix\(([\d.]+),0,0,[\d.]+,0,0\)", svg)}
        sizes = [float(s) for s in re.findall(r"font-size: ([\d.]+)px", svg)]
        assert sizes and min(sizes) * scale >= 12 - 1e-6
        families = set(re.findall(r"font-family: ([^;]+);", svg))
        assert families and all(f.rstrip().endswith("sans-serif") for f in families)
    # Each chart has its table alternative.
    assert html.count('<details class="mt-1 chart-table">') == 5


def test_dashboard_shows_the_headline_numbers_charts_and_suppressed_departments(
    client, dataset, admin_user
):
    expected = expected_figures(dataset)
    login(client, "admin@lodz.pl")
    page = client.get("/admin/reports/", query_string=YEAR)
    html = text(page)
    assert page.status_code == 200
    assert OFFICE_NAME in html
    headline = html[
        html.index('id="headline"') : html.index("</table>", html.index('id="headline"'))
    ]
    assert f">{expected['total']}<" in headline
    assert f"{expected['items']['overall']['mean']:.2f}".replace(".", ",") in headline
    assert (
        f"{expected['items']['overall']['satisfied_pct']:.1f}".replace(".", ",") + "%" in headline
    )
    charts = re.findall(
        r'<img class="report-chart" width="\d+" height="\d+" src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"',
        html,
    )
    assert len(charts) == 5  # two areas, other ratings, trend, departments
    svg = base64.b64decode(charts[0][0]).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg and "<script" not in svg
    departments = html[html.index('id="departments"') :]
    row = re.search(r"Wydział Podatków i Opłat</th>(.*?)</tr>", departments, re.S).group(1)
    cells = re.findall(r">([^<]+)</td>", row)
    assert len(cells) >= 2 and set(cells) == {
        "&lt; 5"
    }  # responses, overall, index and areas: all hidden
    assert PRIVATE_COMMENT not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_dashboard_of_an_empty_period_says_so(client, dataset, admin_user):
    login(client, "admin@lodz.pl")
    html = text(
        client.get("/admin/reports/", query_string={"from": "2020-01-01", "to": "2020-12-31"})
    )
    assert "W tym okresie nie otrzymano żadnych odpowiedzi." in html


def test_dashboard_warns_when_the_last_periodic_report_is_over_12_months_old(
    client, dataset, admin_user
):
    login(client, "admin@lodz.pl")
    assert "Urząd nie ma jeszcze raportu okresowego" in text(client.get("/admin/reports/"))
    old = archive_report(
        db.session,
        dataset.office,
        period_start=date(2023, 1, 1),
        period_end=date(2023, 12, 31),
        reason="periodic",
        author=None,
    )
    old.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    html = text(client.get("/admin/reports/"))
    assert "Raport okresowy jest zaległy" in html and "ponad 12 miesięcy temu" in html
    archive_year(dataset.office, "ad-hoc")
    db.session.commit()
    assert "Raport okresowy jest zaległy" in text(
        client.get("/admin/reports/")
    )  # ad-hoc does not count
    archive_year(dataset.office)
    db.session.commit()
    html = text(client.get("/admin/reports/"))
    assert "zaległy" not in html and "Następny raport okresowy: do" in html


def test_admin_generates_a_report_lists_it_with_its_hash_and_downloads_it(
    client, dataset, admin_user
):
    login(client, "admin@lodz.pl")
    response = post(client, "/admin/reports/generate", {**YEAR, "reason": "periodic", "lang": "pl"})
    assert response.status_code == 302 and "/admin/reports/build/" in response.location
    finish_builds()
    status = text(client.get(response.location))
    assert "Raport został wygenerowany i zarchiwizowany" in status
    report = db.session.scalar(sa.select(Report))
    assert (report.reason, report.author_id, report.period_start) == (
        "periodic",
        admin_user.id,
        date(2024, 1, 1),
    )
    archive = text(client.get("/admin/reports/archive/"))
    assert report.sha256 in archive and report.data_sha256 in archive
    assert report.sha256 in status and f"/admin/reports/archive/{report.id}.pdf" in status
    download = client.get(f"/admin/reports/archive/{report.id}.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert (
        hashlib.sha256(download.data).hexdigest()
        == report.sha256
        == download.headers["X-Content-SHA256"]
    )
    assert "attachment" in download.headers["Content-Disposition"]
    assert actions()[-2:] == ["report.generate", "report.download"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "report.generate"))
    assert event.user_id == admin_user.id and event.remote_addr == "127.0.0.1"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (
            {"from": "2024-13-01", "to": "2024-12-31", "reason": "periodic"},
            "nie jest datą w formacie RRRR-MM-DD",
        ),
        ({"from": "", "to": "2024-12-31", "reason": "periodic"}, "Podaj początek i koniec okresu"),
        (
            {"from": "2024-12-31", "to": "2024-01-01", "reason": "periodic"},
            "wcześniejszy niż jego początek",
        ),
        ({"from": "2001-01-01", "to": "2024-12-31", "reason": "periodic"}, "najwyżej 10 lat"),
        ({"from": "2999-01-01", "to": "2999-12-31", "reason": "periodic"}, "w przyszłości"),
        (
            {"from": "2024-01-01", "to": "2024-12-31", "reason": "pre-change"},
            "okresowy albo doraźny",
        ),
        (
            {"from": "2024-01-01", "to": "2024-12-31", "reason": "periodic", "lang": "uk"},
            "po polsku albo po angielsku",
        ),
        ({"from": "2024-01-01" * 100, "to": "2024-12-31", "reason": "periodic"}, "nie jest datą"),
    ],
)
def test_bad_generate_requests_get_400_with_a_message_and_archive_nothing(
    client, bare_admin, form, message
):
    login(client, "admin@lodz.pl")
    response = post(client, "/admin/reports/generate", {"lang": "pl", **form})
    assert response.status_code == 400
    assert message in text(response)
    assert count(Report) == 0


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"from": "2024-02-30"}, 400, "nie jest datą"),
        ({"from": "2024-06-01", "to": "2024-05-01"}, 400, "wcześniejszy"),
        ({"office_id": "999"}, 404, "Nie znaleziono"),
        ({"office_id": "abc"}, 404, "Nie znaleziono"),
    ],
)
def test_bad_dashboard_requests_get_a_human_error_page(client, bare_admin, query, status, message):
    login(client, "admin@lodz.pl")
    response = client.get("/admin/reports/", query_string=query)
    assert response.status_code == status
    assert message in text(response)


def test_reviewer_reads_results_and_archive_but_cannot_generate(client, dataset, reviewer):
    archive_year(dataset.office)
    db.session.commit()
    login(client, "recenzent@lodz.pl")
    page = text(client.get("/admin/reports/", query_string=YEAR))
    assert OFFICE_NAME in page and "Wygeneruj i zarchiwizuj" not in page
    assert client.get("/admin/reports/archive/").status_code == 200
    assert (
        post(client, "/admin/reports/generate", {**YEAR, "reason": "periodic"}).status_code == 403
    )
    assert count(Report) == 1


def test_another_offices_reports_are_not_found(client, dataset, admin_user):
    other = create_office("leszno", "Urząd Miasta Leszna")
    foreign = archive_year(other)
    db.session.commit()
    login(client, "admin@lodz.pl")
    assert client.get(f"/admin/reports/archive/{foreign.id}.pdf").status_code == 404
    assert client.get("/admin/reports/archive/not-a-uuid.pdf").status_code == 404
    assert client.get("/admin/reports/", query_string={"office_id": other.id}).status_code == 404
    assert "Urząd Miasta Leszna" not in text(client.get("/admin/reports/archive/"))


def test_archived_reports_cannot_be_changed_or_deleted_through_the_panel(
    app, client, dataset, admin_user
):
    report = archive_year(dataset.office)
    db.session.commit()
    login(client, "admin@lodz.pl")
    for method in ("POST", "PUT", "DELETE"):
        assert client.open(
            f"/admin/reports/archive/{report.id}.pdf", method=method
        ).status_code in (400, 405)
    rules = [r.rule for r in app.url_map.iter_rules() if "report" in r.rule]
    assert not [r for r in rules if re.search(r"edit|delete|update", r)]
    assert db.session.get(Report, report.id).sha256 == hashlib.sha256(report.pdf).hexdigest()


def test_superadmin_chooses_the_office(client, dataset):
    create_user("super@ocen.pl", role="superadmin")
    login(client, "super@ocen.pl")
    choice = text(client.get("/admin/reports/"))
    assert OFFICE_NAME in choice and f"office_id={dataset.office.id}" in choice
    page = text(
        client.get("/admin/reports/", query_string={"office_id": dataset.office.id, **YEAR})
    )
    assert OFFICE_NAME in page and f'name="office_id" value="{dataset.office.id}"' in page


def test_exports_download_and_are_audited(client, dataset, admin_user):
    expected = expected_figures(dataset)
    login(client, "admin@lodz.pl")
    response = client.get("/admin/reports/export", query_string={"format": "csv", **YEAR})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == expected["total"]
    assert "Wydział Podatków i Opłat" in {r["Wydział"] for r in rows}
    response = client.get("/admin/reports/export", query_string={"format": "xlsx", **YEAR})
    assert load_workbook(io.BytesIO(response.data)).worksheets[0].max_row == expected["total"] + 1
    response = client.get("/admin/reports/export", query_string={"format": "summary", **YEAR})
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    row = next(
        r
        for r in book["Wyniki według wydziałów"].iter_rows(values_only=True)
        if r[0] == "Wydział Podatków i Opłat"
    )
    assert set(row[1:]) == {"< 5"}
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "report.export")
    ).all()
    assert [e.after["format"] for e in events] == ["csv", "xlsx", "summary"]
    assert all(
        e.user_id == admin_user.id and e.after["period_start"] == "2024-01-01" for e in events
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"format": "pdf"}, "Nieznany format eksportu"),
        ({"format": ""}, "Nieznany format eksportu"),
        ({"format": "csv", "to": "31.12.2024"}, "nie jest datą"),
    ],
)
def test_bad_export_requests_get_400(client, bare_admin, query, message):
    login(client, "admin@lodz.pl")
    response = client.get("/admin/reports/export", query_string=query)
    assert response.status_code == 400 and message in text(response)
    assert "report.export" not in actions()


def test_admin_records_a_corrective_action_and_the_report_lists_it(client, dataset, admin_user):
    login(client, "admin@lodz.pl")
    form = client.get("/admin/corrective_action/new/")
    assert form.status_code == 200 and "Czas oczekiwania w kolejce do stanowiska" in text(form)
    response = post(
        client,
        "/admin/corrective_action/new/",
        {
            "title": "Drugi automat biletowy w Wydziale Komunikacji",
            "description": "Skrócić kolejki.",
            "owner": "Naczelnik Wydziału Komunikacji",
            "deadline": "2025-03-31",
            "status": "in_progress",
            "question_keys": ["service_waiting", "service_politeness"],
            "done_at": "",
        },
    )
    assert response.status_code == 302, text(response)
    action = db.session.scalar(sa.select(CorrectiveAction))
    assert (action.office_id, action.status, action.question_key, action.question_keys) == (
        dataset.office.id,
        "in_progress",
        "service_waiting",
        ["service_waiting", "service_politeness"],
    )
    listing = text(client.get("/admin/corrective_action/"))
    assert "Drugi automat biletowy" in listing and "w realizacji" in listing
    assert "create" in actions()
    report = archive_year(dataset.office)
    from tests.reports.test_pdf import pdf_text

    pdf = " ".join(pdf_text(report.pdf).split())
    assert "Drugi automat biletowy w Wydziale Komunikacji" in pdf and "w realizacji" in pdf


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": "", "status": "planned"}, "This field is required"),
        ({"title": "x" * 301, "status": "planned"}, "300"),
        ({"title": "Tablica", "status": "unknown"}, "Not a valid choice"),
        ({"title": "Tablica", "status": "planned", "deadline": "31.02.2025"}, "date"),
        (
            {"title": "Tablica", "status": "planned", "question_keys": ["no_such_item"]},
            "Not a valid choice",
        ),
    ],
)
def test_bad_corrective_actions_are_refused(client, bare_admin, form, message):
    login(client, "admin@lodz.pl")
    response = post(
        client,
        "/admin/corrective_action/new/",
        {"description": "", "owner": "", "deadline": "", "question_key": "", "done_at": "", **form},
    )
    assert response.status_code == 200  # Flask-Admin shows the form again with the error
    assert count(CorrectiveAction) == 0


def test_reviewer_reads_corrective_actions_but_cannot_write(client, dataset, reviewer):
    db.session.add(
        CorrectiveAction(office_id=dataset.office.id, title="Nowe oznakowanie", status="planned")
    )
    db.session.commit()
    login(client, "recenzent@lodz.pl")
    assert "Nowe oznakowanie" in text(client.get("/admin/corrective_action/"))
    assert client.get("/admin/corrective_action/new/").status_code == 403
    assert (
        post(
            client, "/admin/corrective_action/new/", {"title": "x", "status": "planned"}
        ).status_code
        == 403
    )


def page_table(html: str, table_id: str) -> list[list[str]]:
    """Return the body rows of the page's table ``table_id`` as the texts a reader sees."""
    body = html[html.index(f'id="{table_id}"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    return [
        [unescape(cell) for cell in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_dashboard_pdf_and_xlsx_show_the_figures_of_the_report_tables(client, dataset, admin_user):
    data = build_report_data(
        db.session, dataset.office, Period(date(2024, 1, 1), date(2024, 12, 31)), lang="pl"
    )
    headline = report_tables.headline(data, "pl")
    departments = report_tables.departments(data, "pl")
    summary = departments.pick(report_tables.department_summary_ids(data))
    assert any(
        SUPPRESSED in row for row in summary.texts()
    )  # the comparison covers suppressed cells too

    login(client, "admin@lodz.pl")
    html = text(client.get("/admin/reports/", query_string=YEAR))
    assert page_table(html, "headline") == headline.texts()
    assert page_table(html, "departments") == summary.texts()

    report = archive_year(dataset.office)
    db.session.commit()
    pdf = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(report.pdf)).pages
    )
    for row in headline.texts() + summary.texts():
        assert " ".join(row) in pdf, row

    response = client.get("/admin/reports/export", query_string={"format": "summary", **YEAR})
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    sheet = list(book["Podsumowanie"].iter_rows(values_only=True))
    assert [list(row) for row in sheet[2:]] == [pytest.approx(row) for row in headline.values()]
    sheet = list(book["Wyniki według wydziałów"].iter_rows(values_only=True))
    assert [list(row) for row in sheet[1:]] == [pytest.approx(row) for row in departments.values()]


PERIOD_ENDPOINTS = [
    ("GET", "/admin/reports/", {}),
    ("GET", "/admin/reports/export", {"format": "csv"}),
    ("GET", "/admin/reports/export", {"format": "xlsx"}),
    ("GET", "/admin/reports/export", {"format": "summary"}),
    ("POST", "/admin/reports/generate", {"reason": "periodic", "lang": "pl"}),
]


@pytest.mark.parametrize(("method", "url", "extra"), PERIOD_ENDPOINTS)
@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"from": "0001-01-01", "to": "0001-01-31"}, "Okres musi mieścić się między 01.01.2000"),
        ({"from": "1999-12-31", "to": "2000-01-31"}, "Okres musi mieścić się między 01.01.2000"),
        ({"from": "2024-01-01", "to": "9999-12-31"}, "najwyżej 10 lat"),
        ({"from": "9999-12-01", "to": "9999-12-31"}, "w przyszłości"),
        ({"from": "2026-01-01", "to": "2035-12-31"}, "Okres musi mieścić się między"),
        ({"from": "2024-06-01", "to": "2024-05-01"}, "wcześniejszy niż jego początek"),
        ({"from": "2010-01-01", "to": "2024-12-31"}, "najwyżej 10 lat"),
        ({"from": "2024-02-30", "to": "2024-03-31"}, "nie jest datą"),
        ({"from": "garbage!!!", "to": "2024-03-31"}, "nie jest datą"),
        ({"from": "99999-01-01", "to": "2024-03-31"}, "nie jest datą"),
        ({"from": "-001-01-01", "to": "2024-03-31"}, "nie jest datą"),
    ],
)
def test_periods_out_of_bounds_get_400_with_a_polish_message_on_every_endpoint(
    client, bare_admin, method, url, extra, period, message
):
    login(client, "admin@lodz.pl")
    if method == "GET":
        response = client.get(url, query_string={**extra, **period})
    else:
        response = post(client, url, {**extra, **period})
    assert response.status_code == 400
    assert message in text(response)
    assert "text/html" in response.content_type
    assert count(Report) == 0 and "report.export" not in actions()


def test_a_second_report_of_the_same_period_asks_first_then_supersedes_the_older(
    client, dataset, admin_user
):
    from tests.admin.panel import confirm_token_of

    login(client, "admin@lodz.pl")
    form = {**YEAR, "reason": "periodic", "lang": "pl"}
    assert post(client, "/admin/reports/generate", form).status_code == 302
    finish_builds()
    first = db.session.scalar(sa.select(Report))

    asked = post(client, "/admin/reports/generate", form)

    assert asked.status_code == 200
    assert "Raport za ten okres już istnieje" in text(asked)
    assert count(Report) == 1  # a second click alone makes nothing
    token = confirm_token_of(asked)
    done = post(client, "/admin/reports/generate", {**form, "confirm_token": token})
    assert done.status_code == 302
    finish_builds()
    db.session.expire_all()
    reports = db.session.scalars(sa.select(Report).order_by(Report.created_at)).all()
    assert len(reports) == 2 and reports[0].id == first.id
    assert reports[0].superseded_by_id == reports[1].id and reports[1].superseded_by_id is None
    archive = text(client.get("/admin/reports/archive/"))
    assert archive.count('class="badge badge-secondary superseded">zastąpiony<') == 1
    assert "report.supersede" in actions()
    # The token was for the first report: replaying it now (a newer one exists) is refused.
    replay = post(client, "/admin/reports/generate", {**form, "confirm_token": token})
    assert replay.status_code == 400 and "Nieprawidłowe potwierdzenie" in text(replay)
    assert count(Report) == 2


def test_a_forged_supersede_confirmation_is_refused(client, dataset, admin_user):
    login(client, "admin@lodz.pl")
    form = {**YEAR, "reason": "periodic", "lang": "pl"}
    post(client, "/admin/reports/generate", form)
    finish_builds()
    response = post(client, "/admin/reports/generate", {**form, "confirm_token": "x.y.z"})
    assert response.status_code == 400 and "Nieprawidłowe potwierdzenie" in text(response)
    assert count(Report) == 1


def test_another_period_is_generated_without_asking(client, dataset, admin_user):
    login(client, "admin@lodz.pl")
    post(client, "/admin/reports/generate", {**YEAR, "reason": "periodic", "lang": "pl"})
    finish_builds()
    other = {"from": "2024-01-01", "to": "2024-06-30", "reason": "periodic", "lang": "pl"}
    assert post(client, "/admin/reports/generate", other).status_code == 302
    finish_builds()
    assert count(Report) == 2
