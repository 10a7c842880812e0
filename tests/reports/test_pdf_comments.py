"""The comments pages, drawn as pre-wrapped plain cells, still print every shown comment whole: its
month, version and every character of its text, in the report's order (pdftotext, Poppler; pypdf where Poppler is missing outside CI)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from collector.extensions import db
from reports import tables
from reports.archive import build_report
from tests.conftest import IN_CI
from tests.reports.dataset import add_response, build_dataset, local

WORDS = (
    "zażółć gęślą jaźń Świętokrzyska Źródło kolejka okienko Wydział Obywatelskich formularz".split()
)


def comment_text(i: int) -> str:
    """Return comments of every length: a few words, a paragraph, one near the 2000-character limit,
    one with a line break and one word longer than the cell."""
    if i % 50 == 0:
        return " ".join(WORDS[(i + k) % len(WORDS)] for k in range(250))[:2000]
    if i % 37 == 0:
        return "Pierwsza linia uwagi.\nDruga linia: " + "x" * 140
    return " ".join(WORDS[(i + k) % len(WORDS)] for k in range(3 + i % 40)) + f" ({i})."


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes, tmp_path) -> str:
    """Return the PDF's text by Poppler's pdftotext (required in CI), else by pypdf."""
    if shutil.which("pdftotext") is None:
        if IN_CI:
            pytest.fail("pdftotext (poppler-utils) is required in CI", pytrace=False)
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    path = tmp_path / "raport.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def report_pdf(app):
    dataset = build_dataset()
    for i in range(400):
        add_response(
            dataset.office,
            dataset.v2,
            local(2024, 4 + i % 9, 1 + i % 28, 9 + i % 8, i % 60),
            {"overall": 1 + i % 5, "department": "komunikacja", "comment": comment_text(i)},
        )
    db.session.commit()
    report_data, pdf = build_report(
        db.session,
        dataset.office,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        reason="periodic",
        author=None,
    )
    return report_data, pdf


def test_every_shown_comment_is_printed_whole_and_in_order(report_pdf, tmp_path):
    report_data, pdf = report_pdf
    text = squeeze(pdf_text(pdf, tmp_path))
    listed = tables.comments(report_data["data"], "pl")
    rows = list(listed.texts())
    assert len(rows) == report_data["data"]["comments"]["shown"] > 400
    position = 0
    for _department, month, version, body in rows:
        row = squeeze(f"{month} {version} {body}")
        found = text.find(row, position)
        assert found >= 0, f"not printed whole after the previous one: {body[:60]!r}"
        position = found + len(row)
