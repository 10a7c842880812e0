"""The PDF as a reader sees it: text extracted with pypdf, pages rendered to PNG with pdftoppm for a reviewer."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from collector.extensions import db
from reports import archive_report
from tests.conftest import IN_CI
from tests.reports.conftest import RENDERED
from tests.reports.dataset import OFFICE_NAME, PRIVATE_COMMENT, archive_year, build_dataset
from tests.reports.expected import expected_figures

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report-pages"


def polish(value: float, places: int = 2) -> str:
    """Write a number with a decimal comma, independently of the report's formatter."""
    return f"{value:.{places}f}".replace(".", ",")


def pdf_text(pdf: bytes, layout: bool = False) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    mode = {"extraction_mode": "layout"} if layout else {}
    return "\n".join(page.extract_text(**mode) for page in reader.pages)


def database_kind(url: str) -> str:
    return "postgresql" if url.startswith("postgresql") else "sqlite"


# The dataset and its archived report are built once per database; the tests add reports of
# their own at most, which no other test counts.
pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def dataset(shared_app):
    return build_dataset()


@pytest.fixture(scope="module")
def archived(dataset):
    report = archive_year(dataset.office)
    db.session.commit()
    return report


def test_pdf_text_holds_the_office_period_headline_numbers_and_hash(archived, dataset):
    expected = expected_figures(dataset)
    text = pdf_text(archived.pdf)
    pages = len(PdfReader(io.BytesIO(archived.pdf)).pages)

    assert OFFICE_NAME in text  # "Łódź — Śródmieście": the letters survive the embedded font
    assert "ul. Piotrkowska 104, 90-926 Łódź" in text
    assert "01.01.2024 – 31.12.2024" in text
    assert archived.data_sha256 in text and str(archived.id) in text
    assert f"Strona 1 z {pages}" in text and f"Strona {pages} z {pages}" in text
    summary = text[text.index("Podsumowanie") : text.index("Oceny w obszarach")]
    overall = expected["items"]["overall"]
    previous = expected["previous_overall"]
    for figure in (
        str(expected["total"]),
        polish(overall["mean"]),
        polish(previous["mean"]),
        f"{overall['mean'] - previous['mean']:+.2f}".replace(".", ","),
        polish(overall["satisfied_pct"], 1) + "%",
        polish(overall["dissatisfied_pct"], 1) + "%",
        polish(expected["index"]["mean"]),
        polish(expected["index"]["satisfied_pct"], 1) + "%",
        polish(expected["areas"]["service"]["mean"]),
        polish(expected["areas"]["conditions"]["mean"]),
    ):
        assert figure in summary, figure
    for item_id in ("service_politeness", "conditions_premises", "service_waiting@v1"):
        assert polish(expected["items"][item_id]["mean"]) in text
    assert "Czas oczekiwania w kolejce do stanowiska (wersja 2)" in " ".join(text.split())
    assert PRIVATE_COMMENT not in text  # hidden by staff
    assert "Formularz na stronie jest nieczytelny." in text or "Zażółć gęślą jaźń" in text


def test_pdf_embeds_dejavu_sans_regular_and_bold(archived):
    reader = PdfReader(io.BytesIO(archived.pdf))
    fonts = set()
    for page in reader.pages[:3]:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any(f.endswith("+DejaVuSans") for f in fonts), fonts
    assert any(f.endswith("+DejaVuSans-Bold") for f in fonts), fonts


def test_suppressed_departments_show_no_number_anywhere_in_the_pdf(archived, dataset):
    expected = expected_figures(dataset)
    labels = {"podatki": "Wydział Podatków i Opłat", "other": "Inny / nie wiem"}
    assert set(labels) == expected["hidden_departments"]
    rows = [
        line
        for line in pdf_text(archived.pdf, layout=True).splitlines()
        if any(line.strip().startswith(label) for label in labels.values())
    ]
    assert len(rows) >= 6  # chart, table of means, department question: each names both
    for line in rows:
        rest = next(
            line.strip()[len(label) :]
            for label in labels.values()
            if line.strip().startswith(label)
        )
        assert re.fullmatch(r"(\s+< 5)+", rest), line


def test_pdf_pages_render_to_png_for_a_reviewer(archived, database_url):
    if shutil.which("pdftoppm") is None:
        if IN_CI:
            pytest.fail("pdftoppm (poppler-utils) is missing on CI")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder = ARTIFACTS / database_kind(database_url)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "report.pdf").write_bytes(archived.pdf)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(folder / "report.pdf"), str(folder / "page")],
        check=True,
    )
    pngs = sorted(folder.glob("page-*.png"))
    assert len(pngs) == len(PdfReader(io.BytesIO(archived.pdf)).pages)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)
    RENDERED.append(folder)


def test_english_report(dataset, session):
    report = archive_report(
        session,
        dataset.office,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        reason="ad-hoc",
        author=None,
        lang="en",
    )
    text = pdf_text(report.pdf)
    assert "Customer satisfaction survey report" in text
    assert OFFICE_NAME in text and "1 Jan 2024 – 31 Dec 2024" in text
    assert "Page 1 of" in text and "Strona" not in text
    assert "Transport Department" in text  # department names in English
    mean = expected_figures(dataset)["items"]["overall"]["mean"]
    assert f"{mean:.2f}" in text


def test_empty_period_gives_a_valid_report_saying_no_answers_were_received(dataset, session):
    report = archive_report(
        session,
        dataset.office,
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        reason="periodic",
        author=None,
    )
    db.session.commit()
    text = pdf_text(report.pdf)
    assert report.response_count == 0 and report.versions == []
    assert "W tym okresie nie otrzymano żadnych odpowiedzi." in text
    assert OFFICE_NAME in text and "01.01.2021 – 31.12.2021" in text
    assert report.data_sha256 in text


def test_missing_fonts_fail_with_a_clear_message(dataset, session, monkeypatch, tmp_path):
    from reports import fonts
    from reports.fonts import FontMissing

    monkeypatch.setattr(fonts, "FONT_DIR", tmp_path)
    fonts.register_fonts.cache_clear()
    try:
        with pytest.raises(FontMissing, match="fonts-dejavu-core"):
            fonts.register_fonts()
    finally:
        monkeypatch.undo()
        fonts.register_fonts.cache_clear()
