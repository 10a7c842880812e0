"""Exports read back as a clerk's spreadsheet would: csv for the CSV, openpyxl for the XLSX files."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from collector.extensions import db
from reports.export import write_aggregates_xlsx, write_responses_csv, write_responses_xlsx
from reports.periods import Period
from reports.sections import build_report_data
from reports.statistics import SUPPRESSED
from tests.reports.dataset import PRIVATE_COMMENT, add_response, build_dataset, local
from tests.reports.expected import expected_figures

POLITENESS = "Jak ocenia Pan/Pani obsługę? — Uprzejmość i życzliwość"
PURPOSE = "Jaki był cel wizyty?"
COMMENT = "Co powinniśmy poprawić? Inne uwagi."
DEPARTMENT_NAMES = {
    "komunikacja": "Wydział Komunikacji",
    "usc": "Urząd Stanu Cywilnego",
    "podatki": "Wydział Podatków i Opłat",
    "architektura": "Wydział Architektury i Budownictwa",
    "zdrowie": "Wydział Zdrowia i Spraw Społecznych",
    "other": "Inny / nie wiem",
}
PURPOSES = {
    "wniosek": "złożenie wniosku",
    "odbior": "odbiór dokumentu",
    "uzupelnienie": "uzupełnienie dokumentów",
    "informacja": "uzyskanie informacji",
    "skarga": "skarga",
    "inny": "inny",
}


@pytest.fixture
def dataset(app):
    return build_dataset()


def expected_cells(response: dict) -> dict[str, str]:
    """Return what the export should show for a response, as text."""
    answers = response["answers"]
    out = {"Wersja": str(response["version"]), "Wydział": DEPARTMENT_NAMES[response["department"]]}
    value = answers.get("service_politeness")
    out[POLITENESS] = "" if value is None else ("nie dotyczy" if value == "na" else str(value))
    out[PURPOSE] = ", ".join(PURPOSES[p] for p in answers.get("purpose", []))
    comment = answers.get("comment")
    out[COMMENT] = (
        ""
        if comment is None
        else ("[komentarz ukryty]" if "comment" in response["hidden"] else comment)
    )
    return out


def test_csv_reads_back_with_the_stored_answers_and_polish_letters(dataset, session):
    expected = expected_figures(dataset)
    out = io.BytesIO()
    count = write_responses_csv(session, dataset.office, date(2024, 1, 1), date(2024, 12, 31), out)

    raw = out.getvalue()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert count == len(rows) == expected["total"]
    assert {"Identyfikator odpowiedzi", "Wydział", "Wersja", POLITENESS, PURPOSE, COMMENT} <= set(
        rows[0]
    )
    by_id = {row["Identyfikator odpowiedzi"]: row for row in rows}
    for response in expected["rows"]:
        row = by_id[str(response["id"])]
        for column, value in expected_cells(response).items():
            assert row[column] == value, (column, response["answers"])
    assert PRIVATE_COMMENT not in raw.decode("utf-8-sig")
    assert sum(1 for row in rows if row[COMMENT] == "[komentarz ukryty]") == 2
    assert any("Zażółć gęślą jaźń" in row[COMMENT] for row in rows)


def test_xlsx_reads_back_with_the_stored_answers_and_polish_letters(dataset, session):
    expected = expected_figures(dataset)
    out = io.BytesIO()
    count = write_responses_xlsx(session, dataset.office, date(2024, 1, 1), date(2024, 12, 31), out)

    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header, rows = values[0], values[1:]
    assert count == len(rows) == expected["total"]
    by_id = {
        row[0]: dict(zip(header, row + (None,) * (len(header) - len(row)), strict=True))
        for row in rows
    }
    for response in expected["rows"]:
        row = by_id[str(response["id"])]
        assert row["Data i godzina (czas polski)"].date() >= date(2024, 1, 1)
        for column, value in expected_cells(response).items():
            got = row[column]
            assert ("" if got is None else str(got)) == value, (column, response["answers"])


def test_spreadsheet_formulas_in_comments_are_never_run(dataset, session):
    version = dataset.v2
    add_response(
        dataset.office,
        version,
        local(2024, 5, 5),
        {
            "department": "usc",
            "overall": 4,
            "comment": '=HYPERLINK("http://zły.example","Kliknij")',
        },
    )
    db.session.commit()
    out = io.BytesIO()
    write_responses_csv(session, dataset.office, date(2024, 5, 5), date(2024, 5, 5), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert [r[COMMENT] for r in rows if r[COMMENT].startswith("'=")] == [
        '\'=HYPERLINK("http://zły.example","Kliknij")'
    ]

    out = io.BytesIO()
    write_responses_xlsx(session, dataset.office, date(2024, 5, 5), date(2024, 5, 5), out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    cells = [
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("http://zły.example","Kliknij")', "s")
    ]


def test_aggregates_xlsx_holds_the_figures_and_never_a_suppressed_number(dataset, session):
    expected = expected_figures(dataset)
    data = build_report_data(session, dataset.office, Period(date(2024, 1, 1), date(2024, 12, 31)))
    out = io.BytesIO()
    write_aggregates_xlsx(data, out)
    book = load_workbook(io.BytesIO(out.getvalue()), read_only=True)

    summary = {row[0]: row[1] for row in book["Podsumowanie"].iter_rows(values_only=True)}
    assert summary["Liczba odpowiedzi"] == expected["total"]
    assert summary["Ogólne zadowolenie — średnia (1–5)"] == pytest.approx(
        expected["items"]["overall"]["mean"]
    )
    items = {row[0]: row for row in book["Oceny w obszarach"].iter_rows(values_only=True)}
    assert items["Uprzejmość i życzliwość"][4] == pytest.approx(
        expected["items"]["service_politeness"]["mean"]
    )

    rows = {row[0]: row[1:] for row in book["Wyniki według wydziałów"].iter_rows(values_only=True)}
    for department in expected["hidden_departments"]:
        assert set(rows[DEPARTMENT_NAMES[department]]) == {SUPPRESSED}
    assert rows["Wydział Komunikacji"][0] == expected["department_sizes"]["komunikacja"]
    choices = [
        row
        for row in book["Pytania wyboru"].iter_rows(values_only=True)
        if row[1] in (DEPARTMENT_NAMES["podatki"], DEPARTMENT_NAMES["other"])
    ]
    assert choices and all(row[2] == row[3] == SUPPRESSED for row in choices)
    comments = [row[3] for row in book["Uwagi klientów"].iter_rows(values_only=True)]
    assert (
        PRIVATE_COMMENT not in comments and "Zażółć gęślą jaźń — wszystko w porządku." in comments
    )
