"""Publishing a new survey version: the pre-change report first, all in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

import reports.archive
from collector.extensions import db
from collector.models import AuditEvent, Report, Response, SurveyVersion
from reports.periods import to_local
from tests.admin.flowtools import (
    answer_survey,
    flashes,
    login,
    office_with_admin,
    pdf_text,
    post,
    question,
    question_form,
    start_draft,
)
from tests.admin.panel import confirm, confirm_token_of, text
from tests.factories import count, create_user

OLD_OVERALL = "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"
NEW_OVERALL = "Jak ogólnie ocenia Pan/Pani wizytę w Urzędzie?"


@pytest.fixture
def office(app):
    office, _user = office_with_admin()
    return office


@pytest.fixture
def draft(client, office):
    """Three responses on version 1, then an admin's draft 2 with the overall question re-worded."""
    answer_survey(client, office, times=3)
    login(client, "admin@demo.test")
    draft = start_draft(client, office)
    overall = question(draft, "overall")
    response = post(
        client, f"/admin/survey/question/{overall.id}", question_form(overall, text_pl=NEW_OVERALL)
    )
    assert response.status_code == 302, flashes(response)
    return draft


def versions(office) -> dict[int, SurveyVersion]:
    db.session.expire_all()
    return {v.number: v for v in db.session.scalars(sa.select(SurveyVersion))}


def test_publishing_archives_a_pre_change_report_of_version_1_then_switches(client, office, draft):
    response = confirm(client, f"/admin/survey/version/{draft.id}/publish", follow_redirects=True)

    assert response.status_code == 200
    assert any(
        "Opublikowano wersję 2" in message and "zapisano w archiwum" in message
        for message in flashes(response)
    )
    v = versions(office)
    assert (v[1].status, v[2].status) == ("retired", "published")
    assert v[1].retired_at is not None and v[2].published_at == v[1].retired_at
    report = db.session.scalar(sa.select(Report))
    assert (report.reason, report.versions, report.response_count) == ("pre-change", [1], 3)
    # Report periods are Polish dates; published_at is a UTC timestamp (see the midnight test below).
    assert report.period_start <= to_local(v[1].published_at).date() and report.pdf.startswith(
        b"%PDF"
    )
    # The report's annex holds version 1's questionnaire as it was.
    assert OLD_OVERALL in pdf_text(report.pdf)
    assert NEW_OVERALL not in pdf_text(report.pdf)


def test_a_version_published_at_23_30_utc_is_reported_from_the_polish_date(client, office, draft):
    # Between 23:00 and 24:00 UTC the Polish date is already the next day: put version 1's
    # publication and its responses there (two days back, so that the Polish date is not in the future).
    late_evening = datetime.combine(datetime.now(UTC).date() - timedelta(days=2), time(23, 30))
    db.session.execute(
        sa.update(SurveyVersion).where(SurveyVersion.number == 1).values(published_at=late_evening)
    )
    db.session.execute(sa.update(Response).values(submitted_at=late_evening))
    db.session.commit()

    confirm(client, f"/admin/survey/version/{draft.id}/publish")

    report = db.session.scalar(sa.select(Report))
    assert (
        report.period_start
        == to_local(late_evening).date()
        == late_evening.date() + timedelta(days=1)
    )


def test_new_responses_land_on_version_2_and_old_ones_keep_version_1_texts(client, office, draft):
    confirm(client, f"/admin/survey/version/{draft.id}/publish")
    answer_survey(client, office)  # the public API now serves version 2

    by_version = dict(
        db.session.execute(
            sa.select(SurveyVersion.number, sa.func.count())
            .join(Response, Response.version_id == SurveyVersion.id)
            .group_by(SurveyVersion.number)
        ).all()
    )
    assert by_version == {1: 3, 2: 1}
    survey = client.get(f"/api/v1/offices/{office.slug}/survey").get_json()
    assert survey["version"] == 2
    assert next(q for q in survey["questions"] if q["key"] == "overall")["text"] == NEW_OVERALL

    old = db.session.scalar(
        sa.select(Response).join(SurveyVersion).where(SurveyVersion.number == 1)
    )
    new = db.session.scalar(
        sa.select(Response).join(SurveyVersion).where(SurveyVersion.number == 2)
    )
    old_page = client.get(f"/admin/response/details/?id={old.id}").get_data(as_text=True)
    new_page = client.get(f"/admin/response/details/?id={new.id}").get_data(as_text=True)
    assert OLD_OVERALL in old_page and NEW_OVERALL not in old_page
    assert NEW_OVERALL in new_page and OLD_OVERALL not in new_page


def test_a_retired_version_still_takes_responses_for_a_day(client, office, draft):
    confirm(client, f"/admin/survey/version/{draft.id}/publish")
    from tests.factories import post_response, valid_payload

    late = valid_payload(office, version=1)
    assert post_response(client, office.slug, late).status_code == 201


def test_failing_report_generation_changes_nothing_and_says_why(client, office, draft, monkeypatch):
    def broken_pdf(*args, **kwargs):
        raise RuntimeError("no paper in the PDF printer")

    monkeypatch.setattr(reports.archive, "build_pdf", broken_pdf)
    audit_before = count(AuditEvent)

    response = confirm(client, f"/admin/survey/version/{draft.id}/publish", follow_redirects=True)

    assert any(
        "Nie opublikowano" in m
        and "raport przed zmianą się nie powiódł" in m
        and "RuntimeError" in m
        for m in flashes(response)
    ), flashes(response)
    v = versions(office)
    assert (v[1].status, v[1].retired_at, v[2].status, v[2].published_at) == (
        "published",
        None,
        "draft",
        None,
    )
    assert count(Report) == 0
    assert count(AuditEvent) == audit_before
    assert client.get(f"/api/v1/offices/{office.slug}/survey").get_json()["version"] == 1


def test_the_audit_log_holds_the_publish_with_before_and_after(client, office, draft):
    confirm(client, f"/admin/survey/version/{draft.id}/publish")

    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "survey.publish"))
    assert event.user_email == "admin@demo.test" and event.office_id == office.id
    assert (
        event.before["published"]["number"] == 1
        and event.before["published"]["status"] == "published"
    )
    assert event.after["published"]["number"] == 2 and event.after["retired"]["status"] == "retired"
    report = db.session.scalar(sa.select(Report))
    assert event.after["report"] == str(report.id)
    assert "report.generate" in set(db.session.scalars(sa.select(AuditEvent.action)))


def test_the_audit_log_page_shows_the_publish(client, office, draft):
    confirm(client, f"/admin/survey/version/{draft.id}/publish")
    assert "publikacja ankiety" in client.get("/admin/audit/").get_data(as_text=True)


def test_a_reviewer_cannot_publish(client, office, draft):
    create_user("reviewer@demo.test", role="reviewer", office=office)
    client.post("/admin/logout", data={"csrf_token": ""})
    reviewer = client.application.test_client()
    login(reviewer, "reviewer@demo.test")

    response = post(reviewer, f"/admin/survey/version/{draft.id}/publish")

    assert response.status_code == 403
    v = versions(office)
    assert (v[1].status, v[2].status) == ("published", "draft") and count(Report) == 0


def test_publishing_without_responses_still_archives_the_report_of_version_1(client, app):
    office, _user = office_with_admin("pusty", "Urząd Gminy Pusta")
    login(client, "admin@pusty.test")
    draft = start_draft(client, office)
    confirm(client, f"/admin/survey/version/{draft.id}/publish")
    report = db.session.scalar(sa.select(Report))
    assert (report.reason, report.versions, report.response_count) == ("pre-change", [1], 0)


def test_a_draft_that_fails_its_checks_is_not_published(client, office, draft):
    purpose = question(draft, "resolved")
    db.session.execute(
        sa.update(type(purpose)).where(type(purpose).id == purpose.id).values(options=[])
    )
    db.session.commit()

    response = confirm(client, f"/admin/survey/version/{draft.id}/publish", follow_redirects=True)

    assert any("co najmniej dwóch odpowiedzi" in m for m in flashes(response)), flashes(response)
    assert versions(office)[2].status == "draft" and count(Report) == 0


def test_the_pre_change_report_is_downloaded_from_the_versions_page(client, office, draft):
    confirm(client, f"/admin/survey/version/{draft.id}/publish")
    report = db.session.scalar(sa.select(Report))
    page = client.get("/admin/survey/").get_data(as_text=True)
    link = f"/admin/reports/archive/{report.id}.pdf"  # the report archive's own download
    assert link in page
    download = client.get(link)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data == report.pdf and "attachment" in download.headers["Content-Disposition"]


def test_a_refused_publish_is_worded_in_the_panels_language(client, office, draft):
    purpose = question(draft, "resolved")
    db.session.execute(
        sa.update(type(purpose)).where(type(purpose).id == purpose.id).values(options=[])
    )
    db.session.commit()
    client.get("/admin/?lang=en")

    response = confirm(client, f"/admin/survey/version/{draft.id}/publish", follow_redirects=True)

    expected = "Not published: first correct: Question “resolved”: A choice question needs at least two answers"
    assert any(m.startswith(expected) for m in flashes(response)), flashes(response)
    assert not any("Nie opublikowano" in m for m in flashes(response))


def test_publishing_asks_first_with_the_pre_change_reports_preview(client, office, draft):
    responses = count(Response)
    page = post(client, f"/admin/survey/version/{draft.id}/publish")

    assert page.status_code == 200
    html = text(page)
    assert "Opublikować wersję 2 ankiety?" in html
    preview = html[html.index('id="confirm-preview"') :]
    assert f'<dd class="col-sm-7" data-fact="3">{responses}</dd>' in preview
    assert 'id="preview-headline"' in preview and "Liczba odpowiedzi" in preview
    assert "Wersja 1 zostanie wycofana" in html
    # Nothing happened yet.
    v = versions(office)
    assert (v[1].status, v[2].status) == ("published", "draft") and count(Report) == 0


BAD_CONFIRMATIONS = [
    ("forged token", lambda token: "abc.def.ghi"),
    ("token changed by one letter", lambda token: change_signature(token)),
]


def change_signature(token: str) -> str:
    """Change the signature's first letter: the last one may carry only base64 padding bits."""
    payload, signature = token.rsplit(".", 1)
    return f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"


@pytest.mark.parametrize("case, forge", BAD_CONFIRMATIONS, ids=[c[0] for c in BAD_CONFIRMATIONS])
def test_a_forged_confirmation_is_refused_and_nothing_published(client, office, draft, case, forge):
    token = confirm_token_of(post(client, f"/admin/survey/version/{draft.id}/publish"))
    response = post(
        client, f"/admin/survey/version/{draft.id}/publish", {"confirm_token": forge(token)}
    )
    assert response.status_code == 400
    assert "Nieprawidłowe potwierdzenie" in text(response)
    v = versions(office)
    assert (v[1].status, v[2].status) == ("published", "draft") and count(Report) == 0


def test_a_confirmation_for_another_version_is_refused(client, office, draft):
    other = start_draft(
        client, office
    )  # the same draft: take the token of version 1's page instead
    token = confirm_token_of(post(client, f"/admin/survey/version/{draft.id}/publish"))
    first = versions(office)[1]
    response = post(client, f"/admin/survey/version/{first.id}/publish", {"confirm_token": token})
    assert response.status_code == 409 and other.id == draft.id
    assert "publikować można tylko wersję roboczą" in text(response)


def test_confirming_the_publish_of_a_version_that_is_no_longer_a_draft_answers_409(
    client, office, draft
):
    token = confirm_token_of(post(client, f"/admin/survey/version/{draft.id}/publish"))
    post(client, f"/admin/survey/version/{draft.id}/publish", {"confirm_token": token})
    again = post(client, f"/admin/survey/version/{draft.id}/publish", {"confirm_token": token})
    assert again.status_code == 409
    assert "Wersja 2 jest opublikowana" in text(again)
    assert count(Report) == 1
