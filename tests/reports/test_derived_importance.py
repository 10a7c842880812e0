"""Importance derived from the answers: with no "what matters most" question (the short default
survey), each driver's importance is Pearson's r with the overall rating, over the responses that
rated both, with its n; under 5 pairs neither is shown. Checked against Python's own
``statistics.correlation`` on a dataset built so that some answers are known by construction."""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytest import approx

from collector.extensions import db
from reports import archive_report
from reports.periods import Period
from reports.sections import build_report_data
from reports.statistics import SUPPRESSED
from tests.conftest import IN_CI
from tests.factories import create_office, published_version
from tests.reports.conftest import RENDERED
from tests.reports.dataset import add_response, local

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report-pages"
PERIOD = Period(date(2024, 1, 1), date(2024, 12, 31))
OVERALL = [1, 2, 3, 4, 5, 5, 4, 2, 3, 1, 5, 4]
COMPETENCE = [2, 2, 3, 5, 4, 5, 3, 1, 4, 2, 4, 5]


def build_answers() -> list[dict]:
    """Return twelve responses: politeness = overall (r = 1), waiting = 6 − overall (r = −1),
    competence loosely following it, clarity rated by only four, deadline "nie dotyczy" once."""
    rows = []
    for i, (overall, competence) in enumerate(zip(OVERALL, COMPETENCE, strict=True)):
        answers = {
            "overall": overall,
            "department": "usc",
            "service_politeness": overall,
            "service_waiting": 6 - overall,
            "service_competence": competence,
            "service_deadline": "na" if i == 0 else 3 + i % 3,
        }
        if i < 4:
            answers["service_clarity"] = 5 - i
        rows.append(answers)
    # A driver rated without the overall rating does not make a pair (a partial response).
    rows.append({"department": "usc", "service_politeness": 1, "service_competence": 1})
    return rows


@pytest.fixture
def office(app):
    office = create_office("krotka", "Urząd Gminy Krótka")
    version = published_version(office)
    for day, answers in enumerate(build_answers(), start=1):
        add_response(office, version, local(2024, 3, day), answers)
    db.session.commit()
    return office


def test_each_drivers_importance_is_its_pearson_r_with_the_overall_rating(session, office):
    importance = build_report_data(session, office, PERIOD)["importance"]

    assert importance["method"] == "derived"
    items = {item["key"]: item for item in importance["items"]}
    assert list(items) == [
        "service_politeness",
        "service_competence",
        "service_clarity",
        "service_waiting",
        "service_deadline",
    ]
    assert items["service_politeness"]["r"] == approx(1.0)
    assert items["service_waiting"]["r"] == approx(-1.0)
    assert items["service_competence"]["r"] == approx(statistics.correlation(COMPETENCE, OVERALL))
    assert items["service_competence"]["pairs_n"] == 12  # the partial response has no overall
    deadline = [3 + i % 3 for i in range(1, 12)]
    assert items["service_deadline"]["r"] == approx(statistics.correlation(deadline, OVERALL[1:]))
    assert items["service_deadline"]["pairs_n"] == 11  # "nie dotyczy" is no rating
    assert items["service_politeness"]["n"] == 13  # the mean's n counts every rating
    assert items["service_politeness"]["importance"] == items["service_politeness"]["r"]


def test_under_five_pairs_neither_r_nor_n_is_given_and_the_item_stays_off_the_chart(
    session, office
):
    data = build_report_data(session, office, PERIOD)
    clarity = next(i for i in data["importance"]["items"] if i["key"] == "service_clarity")

    assert clarity["pairs_n"] == SUPPRESSED
    assert clarity["r"] is None and clarity["importance"] is None
    assert clarity["quadrant"] is None
    assert clarity["mean"] == approx(3.5)  # the mean itself is not a breakdown cell


def test_the_quadrants_use_the_derived_importance(session, office):
    importance = build_report_data(session, office, PERIOD)["importance"]
    rated = [i for i in importance["items"] if i["r"] is not None]

    assert importance["importance_line"] == approx(sum(i["r"] for i in rated) / len(rated))
    quadrants = {i["key"]: i["quadrant"] for i in rated}
    assert quadrants["service_politeness"] in {"keep", "act"}  # most important
    assert quadrants["service_waiting"] in {"watch", "surplus"}  # least important


def test_the_report_says_which_method_it_used_in_polish_and_english(session, office, database_url):
    polish = archive_report(
        session,
        office,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        reason="ad-hoc",
        author=None,
    )
    english = archive_report(
        session,
        office,
        period_start=PERIOD.start,
        period_end=PERIOD.end,
        reason="ad-hoc",
        author=None,
        lang="en",
    )
    session.commit()

    text = " ".join(pdf_text(polish.pdf).split())
    assert "Metoda: ważność wyprowadzona z odpowiedzi" in text
    assert "korelacja" in text and "Pearsona" in text
    assert "Ważność (r)" in text and "1,00" in text
    assert "−1,00" in text or "-1,00" in text
    english_text = " ".join(pdf_text(english.pdf).split())
    assert "Pearson" in english_text and "derived" in english_text
    keep_pages(polish.pdf, database_url)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def keep_pages(pdf: bytes, database_url: str) -> None:
    """Render the short survey's report to PNG for a reviewer (test-artifacts/report-pages)."""
    if shutil.which("pdftoppm") is None:
        if IN_CI:
            pytest.fail("pdftoppm (poppler-utils) is missing on CI")
        return
    kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    folder = ARTIFACTS / f"derived-{kind}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "report.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(folder / "report.pdf"), str(folder / "page")],
        check=True,
    )
    RENDERED.append(folder)
