"""Comments in reports protect people: the month, not the day; the department only where it has
at least 5 responses; hidden comments never appear; themes counted, "you said — we did" listed."""

from __future__ import annotations

import io

import openpyxl
import sqlalchemy as sa

from collector.audit import CLI_ACTOR
from collector.extensions import db
from collector.models import Answer, CorrectiveAction
from collector.operations import comments as ops
from reports import archive_report
from reports.export import write_aggregates_xlsx, write_responses_csv
from reports.periods import Period, local_today
from reports.sections import build_report_data
from reports.statistics import SUPPRESSED
from tests.admin.flowtools import answer_survey, pdf_text
from tests.factories import create_office

SMALL = "Kolejka w USC za długa, pani w okienku nr 2 niemiła."
BIG = "W podatkach wszystko sprawnie."
PRIVATE = "Nazywam się Jan Nowak i chcę skargę."


def setup(client):
    office = create_office()
    answer_survey(client, office, times=1, department="usc", comment=SMALL)
    answer_survey(client, office, times=3, department="usc")
    answer_survey(client, office, times=1, department="podatki", comment=BIG)
    answer_survey(client, office, times=1, department="podatki", comment=PRIVATE)
    answer_survey(client, office, times=4, department="podatki")
    answer_survey(client, office, times=6, department="komunikacja")
    db.session.commit()
    return office


def comment_of(text: str) -> Answer:
    return db.session.scalar(sa.select(Answer).where(Answer.text == text))


def today_period() -> Period:
    return Period(local_today(), local_today())


def test_comments_carry_the_month_and_a_department_only_with_five_responses(app, client):
    office = setup(client)
    data = build_report_data(db.session, office, today_period())
    groups = {g["key"]: [c["text"] for c in g["comments"]] for g in data["comments"]["groups"]}
    # usc has 4 responses: its comment is listed with the small departments, not under its name.
    assert SMALL in groups[SUPPRESSED] and "usc" not in groups
    assert BIG in groups["podatki"]
    sizes = {"usc": 4, "podatki": 6, "komunikacja": 6}
    assert all(sizes[key] >= 5 for key in groups if key != SUPPRESSED)
    entries = [c for g in data["comments"]["groups"] for c in g["comments"]]
    assert all(set(c) >= {"month"} and "date" not in c for c in entries)

    report = archive_report(
        db.session,
        office,
        period_start=local_today(),
        period_end=local_today(),
        reason="ad-hoc",
        author=None,
    )
    text = pdf_text(report.pdf)
    today = local_today()
    assert today.strftime("%m.%Y") in text
    assert today.strftime("%d.%m.%Y") + " v1" not in text  # no comment carries its day
    assert "Wydziały z małą liczbą odpowiedzi" in text
    db.session.rollback()


def test_hidden_comments_never_appear_even_as_evidence_of_an_action(app, client):
    office = setup(client)
    private, big = comment_of(PRIVATE), comment_of(BIG)
    theme = ops.get_theme(office.id, ops.get_themes(office.id)[1].id)  # "czas oczekiwania"
    ops.assign_theme([private, big], theme, CLI_ACTOR)
    ops.hide([private], "personal_data", CLI_ACTOR)
    action = ops.create_action_from_comments("Szkolenie z obsługi", [private, big], CLI_ACTOR)
    action.status = "done"
    ops.action_done(action, CLI_ACTOR)
    db.session.commit()
    assert (comment_of(PRIVATE).status, comment_of(BIG).status) == ("answered", "answered")

    data = build_report_data(db.session, office, today_period())
    assert data["themes"] == [
        {"name": "czas oczekiwania", "count": 1}
    ]  # the hidden one not counted
    report = archive_report(
        db.session,
        office,
        period_start=local_today(),
        period_end=local_today(),
        reason="ad-hoc",
        author=None,
    )
    text = pdf_text(report.pdf)
    assert "Jan Nowak" not in text
    assert "Tematy uwag" in text and "czas oczekiwania" in text
    assert "Powiedzieliście — zrobiliśmy" in text and "Szkolenie z obsługi" in text
    assert "komentarzy: 2" in text and "zrealizowane" in text

    book = io.BytesIO()
    write_aggregates_xlsx(data, book)
    cells = [
        str(value)
        for sheet in openpyxl.load_workbook(io.BytesIO(book.getvalue())).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert not any("Jan Nowak" in c for c in cells)
    assert "czas oczekiwania" in cells and "Szkolenie z obsługi" in cells

    raw = io.BytesIO()
    write_responses_csv(db.session, office, local_today(), local_today(), raw)
    csv_text = raw.getvalue().decode("utf-8-sig")
    assert "Jan Nowak" not in csv_text and "[komentarz ukryty]" in csv_text
    db.session.rollback()


def test_the_dashboard_counts_themes_without_hidden_comments(app, client):
    from tests.admin.flowtools import login
    from tests.factories import create_user

    office = setup(client)
    create_user("admin@demo.test", office=office)
    theme = ops.get_themes(office.id)[0]  # "obsługa"
    ops.assign_theme([comment_of(PRIVATE), comment_of(BIG), comment_of(SMALL)], theme, CLI_ACTOR)
    ops.hide([comment_of(PRIVATE)], "offensive", CLI_ACTOR)
    db.session.commit()
    login(client, "admin@demo.test")
    page = client.get("/admin/reports/").get_data(as_text=True)
    table = page[page.index('id="themes"') : page.index("</table>", page.index('id="themes"'))]
    assert "obsługa" in table and ">2<" in table.replace(" ", "")
    assert "Jan Nowak" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CorrectiveAction)) == 0
