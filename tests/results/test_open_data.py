"""Open data: /wyniki/<slug>/dane.csv, dane.json and GET /api/v1/offices/<slug>/results.

A client reads the CSV back with csv.DictReader and the JSON with json, and the figures are checked
against the archived report's data; caching (ETag, 304), the licence, the small-cell rule, the
choice of report and every bad request are checked as a client would see them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta

import pytest

from collector.extensions import db
from collector.models import Report, utcnow
from reports import archive_report
from reports.periods import Period, local_today
from reports.sections import build_report_data, canonical_json
from reports.statistics import SUPPRESSED
from results.open_data import CSV_FIELDS, ROW_FIELDS
from tests.factories import create_office
from tests.reports.dataset import OFFICE_NAME, build_dataset

SLUG = "lodz-srodmiescie"
CSV_URL = f"/wyniki/{SLUG}/dane.csv"
JSON_URL = f"/wyniki/{SLUG}/dane.json"
API_URL = f"/api/v1/offices/{SLUG}/results"
ERROR_KEYS = {
    "error",
    "message",
    "message_en",
    "message_uk",
    "fields",
    "fields_en",
    "fields_uk",
    "field_codes",
}


def archive(office, start, end, reason="periodic"):
    from datetime import date

    report = archive_report(
        db.session,
        office,
        period_start=date.fromisoformat(start),
        period_end=date.fromisoformat(end),
        reason=reason,
        author=None,
    )
    db.session.commit()
    return report


@pytest.fixture
def published(app):
    """The data set's office, publishing, with the yearly report of 2024 archived."""
    data = build_dataset()
    data.office.created_at = utcnow() - timedelta(days=800)
    data.office.publish_results = True
    data.office.results_published_at = utcnow()
    db.session.commit()
    report = archive(data.office, "2024-01-01", "2024-12-31")
    return data.office, report


@pytest.fixture
def published_empty(app):
    """An office publishing its (empty) yearly report of 2024: enough for refused requests."""
    office = create_office(SLUG, OFFICE_NAME, publish_results=True)
    return office, archive(office, "2024-01-01", "2024-12-31")


def report_data(report: Report) -> dict:
    return json.loads(db.session.get(Report, report.id).data_json)


def read_csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def office_items(data: dict) -> dict[str, dict]:
    return {i["id"]: i for area in data["areas"] for i in area["items"]}


def test_a_client_reads_the_csv_back_and_finds_the_reports_figures(client, published):
    office, report = published
    data = report_data(report)

    response = client.get(CSV_URL)

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "charset=utf-8" in response.headers["Content-Type"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: LibreOffice and Excel open it as UTF-8
    assert "Wydział Komunikacji".encode() in raw  # Polish letters survive as UTF-8
    rows = read_csv(response)
    assert tuple(rows[0]) == CSV_FIELDS
    assert {r["office_slug"] for r in rows} == {SLUG}
    assert {(r["period_start"], r["period_end"]) for r in rows} == {("2024-01-01", "2024-12-31")}
    assert {r["report_id"] for r in rows} == {str(report.id)}
    assert {r["data_sha256"] for r in rows} == {report.data_sha256}
    assert {r["licence"] for r in rows} == {
        "CC-BY-4.0 https://creativecommons.org/licenses/by/4.0/deed.pl"
    }

    office_rows = {r["key"]: r for r in rows if r["breakdown"] == "office" and r["kind"] == "item"}
    items = office_items(data)
    published_items = {k: i for k, i in items.items() if i["stats"]["n"] >= 5}
    assert set(office_rows) == set(published_items)
    assert "service_waiting@v1" in office_rows  # a reworded item: one row per wording
    for key, item in published_items.items():
        row, stats = office_rows[key], item["stats"]
        assert row["label"] == item["label"]
        assert int(row["n"]) == stats["n"]
        assert float(row["mean"]) == pytest.approx(stats["mean"], abs=5e-5)
        assert float(row["satisfied_pct"]) == pytest.approx(stats["satisfied_pct"], abs=5e-3)
        assert float(row["dissatisfied_pct"]) == pytest.approx(stats["dissatisfied_pct"], abs=5e-3)
    total = next(r for r in rows if r["kind"] == "responses" and r["breakdown"] == "office")
    assert int(total["n"]) == data["responses"]["total"] == report.response_count

    # Departments: only cells of at least 5, the suppressed ones (fewer than 5) nowhere.
    departments = [r for r in rows if r["breakdown"] == "department"]
    assert departments and all(int(r["n"]) >= 5 for r in departments)
    shown = {r["department_key"] for r in departments}
    hidden = set(data["departments"]["hidden"])
    assert "podatki" in hidden and not shown & hidden
    assert "Urząd Stanu Cywilnego" in {r["department"] for r in departments}
    for department in data["departments"]["rows"]:
        for column_id, cell in department["cells"].items():
            if cell == SUPPRESSED or column_id == "responses":
                continue
            kind = "item" if column_id.startswith("item:") or column_id == "overall" else None
            if kind is None:
                continue
            key = column_id.split(":", 1)[-1] if column_id != "overall" else "overall"
            row = next(
                r
                for r in departments
                if r["department_key"] == department["key"] and r["key"] == key
            )
            assert int(row["n"]) == cell["n"]
            assert float(row["mean"]) == pytest.approx(cell["mean"], abs=5e-5)
            assert row["dissatisfied_pct"] == ""  # the report keeps no such share per department


def test_a_client_reads_the_json_back_with_the_same_rows_as_the_csv(client, published):
    office, report = published
    stored = db.session.get(Report, report.id)

    document = json.loads(client.get(JSON_URL).get_data())
    api = json.loads(client.get(API_URL).get_data())
    rows = read_csv(client.get(CSV_URL))

    assert api == document
    assert document["schema"] == "ocen-urzad/open-data/1"
    assert document["licence"]["id"] == "CC-BY-4.0"
    assert OFFICE_NAME in document["licence"]["attribution"]
    assert document["office"] == {"slug": SLUG, "name": OFFICE_NAME}
    assert document["period"] == {
        "start": "2024-01-01",
        "end": "2024-12-31",
        "timezone": "Europe/Warsaw",
    }
    # Anyone can tie the figures to the archive: the report's id and its data's SHA-256.
    assert document["report"]["id"] == str(report.id)
    assert document["report"]["data_sha256"] == stored.data_sha256
    assert document["report"]["pdf_sha256"] == hashlib.sha256(stored.pdf).hexdigest()
    assert document["report"]["figures"] == "archived"
    assert (
        document["report"]["figures_sha256"]
        == hashlib.sha256(stored.data_json.encode()).hexdigest()
        == stored.data_sha256
    )
    assert document["responses"] == stored.response_count
    assert all(tuple(row) == ROW_FIELDS for row in document["rows"])
    as_text = [{k: "" if v is None else str(v) for k, v in row.items()} for row in document["rows"]]
    assert as_text == [{k: r[k] for k in ROW_FIELDS} for r in rows]


def test_no_comment_and_no_single_response_is_published(client, published):
    office, report = published
    data = report_data(report)
    comments = [c["text"] for g in data["comments"]["groups"] for c in g["comments"]]
    assert comments

    for url in (CSV_URL, JSON_URL):
        body = client.get(url).get_data().decode("utf-8-sig")
        assert not [c for c in comments if c in body], url
        assert "PESEL" not in body


def test_etag_and_caching_let_a_client_and_a_proxy_revalidate(client, published):
    for url in (CSV_URL, JSON_URL, API_URL):
        first = client.get(url)
        etag = first.headers["ETag"]
        assert not etag.startswith("W/")  # strong: the same bytes
        assert etag.strip('"').startswith(published[1].data_sha256[:16])
        assert first.headers["Cache-Control"] == "public, max-age=3600"
        assert first.headers["Access-Control-Allow-Origin"] == "*"
        assert 'rel="license"' in first.headers["Link"]
        assert "Set-Cookie" not in first.headers
        assert "cookie" not in {v.lower() for v in first.vary}  # shared caches may keep it

        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b""
        assert again.headers["ETag"] == etag
        assert client.get(url, headers={"If-None-Match": "W/" + etag}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(CSV_URL).headers["ETag"] != client.get(JSON_URL).headers["ETag"]


def test_the_latest_yearly_report_in_force_is_the_default_and_a_period_picks_another(
    client, published
):
    office, report_2024 = published
    report_2023 = archive(office, "2023-01-01", "2023-12-31")
    archive(office, "2024-06-01", "2024-06-30", reason="ad-hoc")  # not a yearly report
    assert client.get(API_URL).get_json()["report"]["id"] == str(report_2024.id)

    assert client.get(API_URL, query_string={"period": "2023"}).get_json()["report"]["id"] == str(
        report_2023.id
    )
    exact = client.get(API_URL, query_string={"period": "2023-01-01/2023-12-31"})
    assert exact.get_json()["report"]["id"] == str(report_2023.id)
    csv_2023 = read_csv(client.get(CSV_URL, query_string={"period": "2023"}))
    assert {r["report_id"] for r in csv_2023} == {str(report_2023.id)}

    # A report superseded by a newer one of the same period is no longer served.
    newer = archive(office, "2024-01-01", "2024-12-31")
    db.session.get(Report, report_2024.id).superseded_by_id = newer.id
    db.session.commit()
    assert client.get(API_URL).get_json()["report"]["id"] == str(newer.id)
    assert client.get(API_URL, query_string={"period": "2024-06-01/2024-06-30"}).status_code == 404


def test_a_report_archived_before_its_data_was_kept_is_recounted_and_says_so(client, published):
    office, report = published
    stored = db.session.get(Report, report.id)
    stored.data_json = ""
    db.session.commit()
    expected = build_report_data(
        db.session, office, Period(stored.period_start, stored.period_end), lang="pl"
    )

    document = client.get(API_URL).get_json()

    assert document["report"]["figures"] == "recomputed"
    assert document["report"]["data_sha256"] == stored.data_sha256
    assert (
        document["report"]["figures_sha256"] == hashlib.sha256(canonical_json(expected)).hexdigest()
    )
    overall = next(
        r for r in document["rows"] if r["key"] == "overall" and r["breakdown"] == "office"
    )
    assert overall["mean"] == round(expected["headline"]["overall_mean"]["value"], 4)


def test_an_office_that_does_not_publish_answers_404_with_the_apis_error(client, published):
    office, _report = published
    office.publish_results = False
    db.session.commit()

    for url in (CSV_URL, JSON_URL, API_URL):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.get_json()
        assert set(body) == ERROR_KEYS
        assert body["error"] == "results_not_published"
        assert body["message"] == "Ten urząd nie publikuje wyników badania satysfakcji."
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("url", "query", "status", "code"),
    [
        ("/api/v1/offices/nie-ma/results", {}, 404, "office_not_found"),
        ("/wyniki/nie-ma/dane.csv", {}, 404, "office_not_found"),
        ("/api/v1/offices/%3Cscript%3E/results", {}, 404, "office_not_found"),
        ("/api/v1/offices/a%00b/results", {}, 404, "office_not_found"),
        ("/api/v1/offices/" + "x" * 300 + "/results", {}, 404, "office_not_found"),
        ("/wyniki/LODZ-SRODMIESCIE/dane.json", {}, 404, "office_not_found"),
        (API_URL, {"period": "abc"}, 400, "invalid_period"),
        (API_URL, {"period": ""}, 400, "invalid_period"),
        (API_URL, {"period": "24"}, 400, "invalid_period"),
        (API_URL, {"period": "2024 "}, 400, "invalid_period"),
        (API_URL, {"period": "２０２４"}, 400, "invalid_period"),  # fullwidth digits
        (API_URL, {"period": "2024-01-01"}, 400, "invalid_period"),
        (API_URL, {"period": "2024-01-01/"}, 400, "invalid_period"),
        (API_URL, {"period": "2024/2025"}, 400, "invalid_period"),
        (API_URL, {"period": "2024-02-30/2024-12-31"}, 400, "invalid_period"),
        (API_URL, {"period": "2024-13-01/2024-12-31"}, 400, "invalid_period"),
        (API_URL, {"period": "2024-12-31/2024-01-01"}, 400, "invalid_period"),
        (API_URL, {"period": "' OR 1=1 --"}, 400, "invalid_period"),
        (API_URL, {"period": "2024\x00"}, 400, "invalid_period"),
        (API_URL, {"period": ["2024", "2023"]}, 400, "invalid_period"),
        (API_URL, {"period": "1999"}, 400, "period_out_of_range"),
        (API_URL, {"period": "0000"}, 400, "period_out_of_range"),
        (API_URL, {"period": "9999"}, 400, "period_out_of_range"),
        (API_URL, {"period": "0001-01-01/0001-12-31"}, 400, "period_out_of_range"),
        (API_URL, {"period": "2024-01-01/9999-12-31"}, 400, "period_out_of_range"),
        (API_URL, {"period": "2021"}, 404, "report_not_found"),
        (API_URL, {"period": "2024-01-01/2024-12-30"}, 404, "report_not_found"),
        (CSV_URL, {"period": "2021"}, 404, "report_not_found"),
        (JSON_URL, {"period": "nonsense"}, 400, "invalid_period"),
    ],
)
def test_bad_requests_get_a_json_error_naming_the_problem(
    client, published_empty, url, query, status, code
):
    response = client.get(url, query_string=query)

    assert response.status_code == status
    body = response.get_json()
    assert set(body) == ERROR_KEYS
    assert body["error"] == code
    assert body["message"] and body["message_en"] and body["message_uk"]


def test_an_office_without_a_yearly_report_answers_404(client, app):
    office = create_office("bez-raportu", publish_results=True)
    assert office.publish_results
    response = client.get("/api/v1/offices/bez-raportu/results")
    assert response.status_code == 404
    assert response.get_json()["error"] == "report_not_found"


def test_this_year_and_next_are_in_range(client, app):
    create_office("bez-raportu", publish_results=True)
    for year in (local_today().year, local_today().year + 1):
        response = client.get("/api/v1/offices/bez-raportu/results", query_string={"period": year})
        assert response.get_json()["error"] == "report_not_found"
    over = client.get(
        "/api/v1/offices/bez-raportu/results", query_string={"period": local_today().year + 2}
    )
    assert over.get_json()["error"] == "period_out_of_range"
