"""``flask report generate`` archives and writes the PDF; ``flask report due`` finds overdue yearly reports."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Report, utcnow
from tests.factories import count, create_office, published_version
from tests.reports.dataset import OFFICE_NAME, build_dataset


def test_generate_archives_the_report_and_writes_the_pdf(app, runner, tmp_path):
    build_dataset()
    out = tmp_path / "raport 2024.pdf"
    result = runner.invoke(
        args=[
            "report",
            "generate",
            "--office",
            "lodz-srodmiescie",
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    db.session.remove()  # read what was committed, not what the command's session holds
    report = db.session.scalar(sa.select(Report))
    assert report.reason == "periodic" and report.author_name == ""
    assert out.read_bytes() == report.pdf
    assert report.sha256 in result.output and str(report.id) in result.output
    assert f"{report.response_count} odpowiedzi" in result.output


def test_generate_writes_a_default_file_name(app, runner, tmp_path, monkeypatch):
    create_office("leszno", "Urząd Miasta Leszna")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        args=[
            "report",
            "generate",
            "--office",
            "leszno",
            "--from",
            "2024-01-01",
            "--to",
            "2024-03-31",
            "--reason",
            "ad-hoc",
            "--lang",
            "en",
        ]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "raport-leszno-2024-01-01-2024-03-31.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--office", "nieznany", "--from", "2024-01-01", "--to", "2024-12-31"],
            "Nie ma urzędu 'nieznany'",
        ),
        (
            ["--office", "leszno", "--from", "2024-13-01", "--to", "2024-12-31"],
            "nie jest datą w formacie RRRR-MM-DD",
        ),
        (
            ["--office", "leszno", "--from", "01.01.2024", "--to", "2024-12-31"],
            "nie jest datą w formacie RRRR-MM-DD",
        ),
        (
            ["--office", "leszno", "--from", "2024-01-01", "--to", "jutro"],
            "nie jest datą w formacie RRRR-MM-DD",
        ),
        (
            ["--office", "leszno", "--from", "2024-12-31", "--to", "2024-01-01"],
            "wcześniejszy niż jego początek",
        ),
        (
            [
                "--office",
                "leszno",
                "--from",
                "2024-01-01",
                "--to",
                "2024-12-31",
                "--reason",
                "monthly",
            ],
            "monthly",
        ),
        (
            [
                "--office",
                "leszno",
                "--from",
                "2024-01-01",
                "--to",
                "2024-12-31",
                "--out",
                "/nonexistent/dir/r.pdf",
            ],
            "Nie można zapisać pliku",
        ),
        (["--office", "leszno", "--from", "2024-01-01"], "--to"),
    ],
)
def test_generate_rejects_bad_input_with_a_clear_message_and_archives_nothing(
    app, runner, args, message
):
    create_office("leszno", "Urząd Miasta Leszna")
    result = runner.invoke(args=["report", "generate", *args])
    assert result.exit_code != 0
    assert message in result.output
    db.session.remove()
    assert count(Report) == 0


def add_report(office, reason: str, days_ago: int) -> None:
    db.session.add(
        Report(
            office_id=office.id,
            period_start=utcnow().date(),
            period_end=utcnow().date(),
            reason=reason,
            created_at=utcnow() - timedelta(days=days_ago),
            pdf=b"%PDF-",
            sha256="0" * 64,
        )
    )
    db.session.commit()


def test_due_lists_offices_whose_yearly_report_is_overdue_and_exits_1(app, runner):
    fresh = create_office(
        "nowy", "Urząd Gminy Nowy"
    )  # set up today: its first report is due in a year
    never = create_office("stary", "Urząd Miasta Łódź — Śródmieście")
    never.created_at = utcnow() - timedelta(days=400)
    late = create_office("leszno", "Urząd Miasta Leszna", created_at=utcnow() - timedelta(days=900))
    add_report(late, "periodic", 370)
    add_report(late, "ad-hoc", 10)  # an ad-hoc report does not count as the yearly one
    ok = create_office(
        "gniezno", "Urząd Miejski w Gnieźnie", created_at=utcnow() - timedelta(days=900)
    )
    add_report(ok, "periodic", 300)
    db.session.commit()

    result = runner.invoke(args=["report", "due"])

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["leszno", "stary"]
    assert OFFICE_NAME in result.output and "nigdy" in result.output
    assert fresh.slug not in result.output and ok.slug not in result.output


def test_due_exits_0_when_every_office_is_up_to_date(app, runner):
    office = create_office(
        "leszno", "Urząd Miasta Leszna", created_at=utcnow() - timedelta(days=900)
    )
    add_report(office, "periodic", 30)
    result = runner.invoke(args=["report", "due"])
    assert result.exit_code == 0
    assert "Wszystkie urzędy mają aktualny raport okresowy." in result.output


def test_rollup_rolls_up_closed_days_and_changes_no_figure(app, runner):
    from collector.models import rollup_day
    from reports.periods import Period, local_today
    from reports.sections import build_report_data, data_sha256
    from tests.reports.dataset import add_response, local

    office = create_office("rolka", "Urząd Gminy Rolka")
    version = published_version(office)
    yesterday = local_today() - timedelta(days=1)
    for days_ago in (3, 40, 400):
        day = local_today() - timedelta(days=days_ago)
        add_response(office, version, local(day.year, day.month, day.day, 10), {"overall": 4})
    db.session.commit()
    period = Period(local_today() - timedelta(days=500), yesterday)
    before = data_sha256(build_report_data(db.session, office, period))
    result = runner.invoke(args=["report", "rollup"])
    assert result.exit_code == 0, result.output
    assert "rolka: 3 odpowiedzi" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(rollup_day)) > 0
    assert data_sha256(build_report_data(db.session, office, period)) == before
    assert runner.invoke(args=["report", "rollup", "--days", "0"]).exit_code == 2
