"""The accessible HTML form of the report and the PDF's accessibility: the same figures in both,
the PDF's title, language and bookmark outline."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from collector.extensions import db
from collector.models import CorrectiveAction
from reports import tables
from reports.archive import archived_report_data
from reports.html import STYLE, STYLE_HASH, build_html
from tests.conftest import IN_CI
from tests.reports.dataset import (
    COMMENTS,
    OFFICE_NAME,
    PRIVATE_COMMENT,
    archive_year,
    build_dataset,
)

pytestmark = pytest.mark.shared_data

# Every table the PDF prints, by the builder in reports/tables.py that makes it.
TABLES = (
    tables.headline,
    tables.area_means,
    tables.versions,
    tables.channels,
    tables.items,
    tables.departments,
    tables.trend,
    tables.importance,
    tables.needs_action,
    tables.choices,
    tables.comments,
    tables.themes,
    tables.actions,
    tables.you_said_we_did,
)
# Columns the PDF shows another way: an item's area and versions are its section's heading and
# the versions table; a comment's department is its group's heading.
SHOWN_ELSEWHERE = {("items", "area"), ("items", "versions"), ("comments", "department")}


@pytest.fixture(scope="module")
def archived(shared_app):
    dataset = build_dataset()
    db.session.add_all(
        [
            CorrectiveAction(
                office_id=dataset.office.id,
                title="Dłuższe godziny pracy w czwartki",
                owner="Sekretarz Miasta",
                deadline=date(2024, 10, 31),
                status="done",
                question_keys=["service_waiting"],
                question_key="service_waiting",
            ),
            CorrectiveAction(
                office_id=dataset.office.id, title="Nowe tablice informacyjne", status="planned"
            ),
        ]
    )
    report = archive_year(dataset.office)
    db.session.commit()
    return report


def squeeze(text: str) -> str:
    """Drop every whitespace: a figure wrapped over two lines of a PDF cell still matches."""
    return "".join(text.split())


def html_text(page: str) -> str:
    page = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def pdf_texts(pdf: bytes) -> dict[str, str]:
    """Return the PDF's text as pypdf and as pdftotext read it (both must hold every figure)."""
    reader = PdfReader(io.BytesIO(pdf))
    texts = {"pypdf": "\n".join(page.extract_text() for page in reader.pages)}
    if shutil.which("pdftotext"):
        texts["pdftotext"] = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode("utf-8")
    elif IN_CI:
        pytest.fail("pdftotext (poppler-utils) is not installed", pytrace=False)
    return texts


def figures(data: dict) -> list[tuple[str, str, str]]:
    """Return (table, column, text) of every figure of every report table."""
    out = []
    for build in TABLES:
        table = build(data, "pl")
        for row in table.rows:
            for column, figure in zip(table.columns, row, strict=True):
                if (build.__name__, column.id) in SHOWN_ELSEWHERE or not figure.text.strip():
                    continue
                out.append((build.__name__, column.id, figure.text))
    return out


def test_the_html_report_and_the_pdf_give_the_same_figures(archived):
    report_data = archived_report_data(db.session, archived)
    data = report_data["data"]
    page = build_html(report_data, "pl")
    in_html = squeeze(html_text(page))
    in_pdf = {name: squeeze(text) for name, text in pdf_texts(archived.pdf).items()}
    expected = figures(data)
    assert len(expected) > 500  # every table of a full report, not an empty one
    missing_html = [f for f in expected if squeeze(f[2]) not in in_html]
    assert missing_html == []
    for name, text in in_pdf.items():
        missing_pdf = [f for f in expected if squeeze(f[2]) not in text]
        assert missing_pdf == [], name
    # The same sections, in the PDF's order.
    headings = re.findall(r"<h2 id=\"[^\"]+-h\">(.*?)</h2>", page)
    assert headings == [
        "Dane raportu",
        "Podsumowanie",
        "Oceny w obszarach",
        "Trend miesięczny",
        "Wyniki według wydziałów",
        "Ważność a zadowolenie",
        "Obszary wymagające działań",
        "Pytania wyboru",
        "Uwagi klientów",
        "Działania naprawcze i doskonalące",
        "Załącznik: kwestionariusz",
    ]
    assert OFFICE_NAME in html_text(page) and archived.data_sha256 in page


def test_the_html_report_is_built_from_the_archived_figures_not_a_recount(archived):
    report_data = archived_report_data(db.session, archived)
    assert report_data["data_sha256"] == archived.data_sha256


def test_the_public_html_report_leaves_out_the_comments(archived):
    report_data = archived_report_data(db.session, archived)
    staff = html_text(build_html(report_data, "pl"))
    public = html_text(build_html(report_data, "pl", public=True))
    assert any(comment in staff for comment in COMMENTS)
    assert not any(comment in public for comment in COMMENTS)
    assert PRIVATE_COMMENT not in staff and PRIVATE_COMMENT not in public  # hidden by staff
    assert "Uwagi mieszkańców nie są publikowane" in public
    assert "Tematy uwag" not in public


def test_the_html_report_is_one_accessible_document(archived):
    page = build_html(archived_report_data(db.session, archived), "en")
    assert page.startswith("<!doctype html>") and '<html lang="en">' in page
    assert "<script" not in page and " style=" not in page  # CSP: no inline script or style
    assert f"<style>{STYLE}</style>" in page and STYLE_HASH.startswith("'sha256-")
    # Every chart is a named image followed by the table of its data.
    charts = re.findall(r'<svg role="img" aria-label="([^"]+)"', page)
    assert len(charts) >= 4
    assert page.count("<caption>") > len(charts)
    assert "<title>Customer satisfaction survey report — " in page


def test_the_pdf_has_a_title_a_language_and_an_outline_of_its_sections(archived):
    reader = PdfReader(io.BytesIO(archived.pdf))
    assert reader.metadata.title == f"Raport z badania satysfakcji klientów — {OFFICE_NAME}"
    assert reader.metadata.subject == "01.01.2024 – 31.12.2024"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "pl"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert root["/PageMode"] == "/UseOutlines"
    top = [entry for entry in reader.outline if not isinstance(entry, list)]
    titles = [entry.title for entry in top]
    assert titles == [
        "Raport z badania satysfakcji klientów",
        "Podsumowanie",
        "Oceny w obszarach",
        "Trend miesięczny",
        "Wyniki według wydziałów",
        "Ważność a zadowolenie",
        "Pytania wyboru",
        "Uwagi klientów",
        "Działania naprawcze i doskonalące",
        "Załącznik: kwestionariusz",
    ]
    # Each bookmark opens the page its section starts on (pages in order, the cover first).
    pages = [reader.get_destination_page_number(entry) for entry in top]
    assert pages[0] == 0 and pages == sorted(pages) and len(set(pages)) == len(pages)
    for entry, page in zip(top, pages, strict=True):
        assert entry.title in reader.pages[page].extract_text()
    # The areas are nested under their chapter.
    position = next(
        i for i, e in enumerate(reader.outline) if getattr(e, "title", "") == "Oceny w obszarach"
    )
    nested = reader.outline[position + 1]
    assert isinstance(nested, list) and len(nested) >= 2


def test_an_english_report_says_so_in_its_pdf(archived, shared_app):
    from reports.archive import build_report

    office = archived.office
    _data, pdf = build_report(
        db.session,
        office,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        reason="ad-hoc",
        author=None,
        lang="en",
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title.startswith("Customer satisfaction survey report")
    assert [e.title for e in reader.outline if not isinstance(e, list)][1] == "Summary"
