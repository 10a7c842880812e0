"""Responses in the panel: read-only list with filters, answers with their version's texts, hiding comments."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Answer, AuditEvent, Response, SurveyVersion
from tests.admin.flowtools import answer_survey, flashes, login, office_with_admin, post
from tests.admin.panel import confirm, text
from tests.factories import count, create_user


@pytest.fixture
def office(client, app):
    office, _user = office_with_admin()
    answer_survey(
        client,
        office,
        department="usc",
        comment="Pani Anna Kowalska była miła.",
        overall=2,
        what_went_wrong=["czas", "informacja"],
    )
    answer_survey(client, office, times=2, department="podatki")
    login(client, "admin@demo.test")
    return office


def comment() -> Answer:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Answer).where(Answer.question_key == "comment", Answer.text.like("Pani Anna%"))
    )


def rows(page) -> int:
    return text(page).count("/admin/response/details/?id=")


def test_the_list_filters_by_department_channel_version_and_period(client, office):
    assert rows(client.get("/admin/response/")) == 3
    page = text(client.get("/admin/response/"))
    flt = {
        label: index for index, label in enumerate(("Okres", "Wersja ankiety", "Wydział", "Kanał"))
    }
    assert all(label in page for label in flt)
    version = db.session.scalar(sa.select(SurveyVersion.id))
    assert rows(client.get(f"/admin/response/?flt1_{flt['Wydział']}=usc")) == 1
    assert rows(client.get(f"/admin/response/?flt1_{flt['Kanał']}=paper")) == 0
    assert rows(client.get(f"/admin/response/?flt1_{flt['Kanał']}=widget")) == 3
    assert rows(client.get(f"/admin/response/?flt1_{flt['Wersja ankiety']}={version}")) == 3
    assert (
        rows(client.get("/admin/response/?flt1_0=2000-01-01+00:00:00+to+2000-12-31+23:59:59")) == 0
    )


def test_the_details_show_each_answer_with_its_question(client, office):
    response_id = db.session.scalar(sa.select(Response.id).where(Response.department_key == "usc"))
    page = text(client.get(f"/admin/response/details/?id={response_id}"))
    assert "Urząd Stanu Cywilnego" in page
    assert (
        "Jak ocenia Pan/Pani poszczególne elementy obsługi? — Uprzejmość i życzliwość" in page
        and "5 — bardzo dobrze" in page
    )
    assert "Czas oczekiwania na obsługę" in page and "nie dotyczy" in page
    assert "Długi czas oczekiwania, Niejasne lub niepełne informacje" in page
    assert "Pani Anna Kowalska była miła." in page


def test_a_comment_is_hidden_from_reports_kept_and_audited_then_shown_again(client, office):
    answer = comment()
    url = f"/admin/response/comment/{answer.id}"
    asked = post(client, url, {"hidden": "1", "reason": "personal_data"})
    assert asked.status_code == 200
    assert "Komentarze do ukrycia: 1. Powód: dane osobowe." in text(asked)
    assert "Pani Anna Kowalska była miła." in text(asked)
    assert "nigdy nie są usuwane" in text(asked)
    assert comment().hidden is False  # asked, not yet hidden
    refused = post(client, url, {"hidden": "1", "reason": "spam", "confirm_token": "x.y"})
    assert refused.status_code == 400 and "Nieprawidłowe potwierdzenie" in text(refused)
    assert comment().hidden is False
    response = confirm(
        client, url, {"hidden": "1", "reason": "personal_data"}, follow_redirects=True
    )

    assert any("ukryto" in m for m in flashes(response))
    assert comment().hidden is True and comment().text == "Pani Anna Kowalska była miła."
    assert "ukryty w raportach" in text(response)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "response.comment_hide")
    )
    assert (event.before["hidden"], event.after["hidden"], event.user_email) == (
        False,
        True,
        "admin@demo.test",
    )

    post(client, f"/admin/response/comment/{answer.id}", {"hidden": "0"})
    assert comment().hidden is False
    assert count(AuditEvent) >= 2


def test_a_hidden_comment_is_left_out_of_the_reports_comments(client, office):
    import reports
    from reports.periods import local_today

    confirm(
        client,
        f"/admin/response/comment/{comment().id}",
        {"hidden": "1", "reason": "personal_data"},
    )
    report = reports.archive_report(
        db.session,
        office,
        period_start=local_today(),
        period_end=local_today(),
        reason="ad-hoc",
        author=None,
    )
    from tests.admin.flowtools import pdf_text

    assert "Anna Kowalska" not in pdf_text(report.pdf)
    db.session.rollback()


def test_responses_are_never_edited_or_deleted_from_the_panel(client, office):
    response_id = db.session.scalar(sa.select(Response.id))
    assert client.get(f"/admin/response/edit/?id={response_id}").status_code == 403
    assert post(client, "/admin/response/delete/", {"id": str(response_id)}).status_code == 403
    assert post(
        client, "/admin/response/action/", {"action": "delete", "rowid": str(response_id)}
    ).status_code in (302, 403)
    assert client.get("/admin/response/new/").status_code == 403
    assert count(Response) == 3


def test_a_reviewer_reads_responses_but_cannot_hide_comments(client, office):
    create_user("reviewer@demo.test", role="reviewer", office=office)
    reviewer = client.application.test_client()
    login(reviewer, "reviewer@demo.test")
    assert rows(reviewer.get("/admin/response/")) == 3
    page = text(reviewer.get(f"/admin/response/details/?id={comment().response_id}"))
    assert "Pani Anna Kowalska" in page and "Ukryj w raportach" not in page
    assert (
        post(
            reviewer,
            f"/admin/response/comment/{comment().id}",
            {"hidden": "1", "reason": "personal_data"},
        ).status_code
        == 403
    )
    assert comment().hidden is False


@pytest.mark.parametrize("reason", ["", "nudny", "<script>"])
def test_hiding_without_a_known_reason_is_refused(client, office, reason):
    response = post(
        client, f"/admin/response/comment/{comment().id}", {"hidden": "1", "reason": reason}
    )
    assert response.status_code == 400
    assert "Nieznany powód ukrycia" in text(response)
    assert comment().hidden is False
