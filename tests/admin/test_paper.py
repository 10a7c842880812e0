"""Paper questionnaires: the printable questionnaire, and staff entering returned ones."""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa

from collector.extensions import db
from collector.models import Answer, AuditEvent, Response
from tests.admin.flowtools import flashes, login, office_with_admin, pdf_text, post
from tests.admin.panel import text
from tests.factories import count, create_user, post_response, valid_payload


@pytest.fixture
def office(client, app):
    office, _user = office_with_admin()
    login(client, "admin@demo.test")
    return office


def entry(**answers) -> dict:
    data = {"entry_id": str(uuid.uuid4()), "q-department": "usc", "q-overall": "4"}
    data.update({f"q-{key}": value for key, value in answers.items()})
    return {k: v for k, v in data.items() if v is not None}


def test_the_questionnaire_pdf_has_every_question_with_boxes(client, office):
    response = client.get("/admin/paper/questionnaire.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "ankieta-demo-wersja-1.pdf" in response.headers["Content-Disposition"]
    words = pdf_text(response.data)
    for phrase in (
        "Urząd Miasta Demo",
        "W którym wydziale załatwiana była sprawa?",
        "Jak ocenia Pan/Pani poszczególne elementy obsługi?",
        "Uprzejmość i życzliwość",
        "Co poszło nie tak?",
        "Prosimy odpowiedzieć tylko przy ocenie od 1 do 2 w pytaniu 1.",
        "Długi czas oczekiwania",
        "Co należałoby poprawić?",
        "nie dotyczy",
        "Wersja ankiety: 1",
        "☐",
    ):
        assert phrase in words, phrase


def test_a_paper_questionnaire_is_stored_as_paper_entered_by_the_user_and_audited(client, office):
    data = entry(
        overall="2",
        what_went_wrong=["czas", "inne"],
        service_waiting="na",
        comment="Za mało krzeseł. Żółw.",
    )

    response = post(client, "/admin/paper/", data, follow_redirects=True)

    assert response.status_code == 200
    assert any("Zapisano ankietę papierową" in m for m in flashes(response))
    stored = db.session.scalar(sa.select(Response))
    assert (stored.channel, stored.department_key, str(stored.id)) == (
        "paper",
        "usc",
        data["entry_id"],
    )
    assert stored.entered_by_id == db.session.scalar(
        sa.text("select id from app_user where email='admin@demo.test'")
    )
    picked = {
        (a.question_key, a.value, a.option_key, a.text)
        for a in db.session.scalars(sa.select(Answer))
    }
    assert ("what_went_wrong", None, "inne", None) in picked and (
        "overall",
        2,
        None,
        None,
    ) in picked
    assert ("service_waiting", None, "na", None) in picked and (
        "comment",
        None,
        None,
        "Za mało krzeseł. Żółw.",
    ) in picked
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "response.paper_entry")
    )
    assert event.user_email == "admin@demo.test" and event.after["response_id"] == data["entry_id"]


def test_an_entry_whose_audit_row_cannot_be_written_is_not_stored(client, office, monkeypatch):
    import admin.paper

    def failing_audit(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT INTO audit_event", {}, Exception("disk full"))

    monkeypatch.setattr(admin.paper, "audit", failing_audit)
    response = post(client, "/admin/paper/", entry(), follow_redirects=True)

    assert response.status_code == 400
    assert "Nie udało się zapisać odpowiedzi. Spróbuj ponownie za chwilę." in text(response)
    db.session.rollback()
    assert count(Response) == 0 and count(Answer) == 0  # never a paper entry without its audit row


def test_sending_the_same_form_twice_stores_it_once(client, office):
    data = entry()
    post(client, "/admin/paper/", data)
    response = post(client, "/admin/paper/", data, follow_redirects=True)
    assert any("była już zapisana" in m for m in flashes(response))
    assert count(Response) == 1


BAD_ENTRIES = [
    # (case, answers, the question whose message shows, words)
    ("required department missing", {"department": None}, "department", "Wybierz wydział"),
    ("required overall missing", {"overall": None}, "overall", "obowiązkowe"),
    ("rating out of range", {"overall": "7"}, "overall", "od 1 do 5"),
    ("rating not a number", {"overall": "dobrze"}, "overall", "od 1 do 5"),
    ("rating in non-ASCII digits", {"overall": "٣"}, "overall", "od 1 do 5"),
    ("rating in superscript digits", {"overall": "²"}, "overall", "od 1 do 5"),
    ("nie dotyczy where not allowed", {"overall": "na"}, "overall", "Nie dotyczy"),
    ("unknown department", {"department": "straz"}, "department", ""),
    ("unknown option", {"resolved": "moze"}, "resolved", ""),
    (
        "follow-up answered while hidden",
        {"overall": "4", "what_went_wrong": ["czas"]},
        "what_went_wrong",
        "nie dotyczy udzielonej odpowiedzi",
    ),
    ("comment too long", {"comment": "x" * 2001}, "comment", "2000"),
    ("control characters", {"comment": "a\x07b"}, "comment", ""),
]


@pytest.mark.parametrize("case, answers, key, words", BAD_ENTRIES, ids=[c[0] for c in BAD_ENTRIES])
def test_a_bad_paper_entry_is_refused_next_to_the_question_and_nothing_is_stored(
    client, office, case, answers, key, words
):
    response = post(client, "/admin/paper/", entry(**answers))

    assert response.status_code == 400
    page = text(response)
    message = re.search(rf'id="err-{key}">([^<]+)<', page)
    assert message, case
    assert words in message.group(1)
    assert re.search(rf'aria-describedby="err-{key}" aria-invalid="true"', page)
    assert "Nie zapisano" in page
    assert count(Response) == 0 and count(Answer) == 0
    assert not db.session.scalar(
        sa.select(AuditEvent.id).where(AuditEvent.action == "response.paper_entry")
    )


def test_a_bad_entry_id_is_refused(client, office):
    response = post(client, "/admin/paper/", {**entry(), "entry_id": "not-a-uuid"})
    assert response.status_code == 400 and count(Response) == 0


def test_the_public_api_still_refuses_the_paper_channel(client, office):
    response = post_response(client, "demo", valid_payload(office, channel="paper"))
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_channel"
    assert count(Response) == 0


def test_a_reviewer_cannot_enter_paper_questionnaires(client, office):
    create_user("reviewer@demo.test", role="reviewer", office=office)
    reviewer = client.application.test_client()
    login(reviewer, "reviewer@demo.test")
    assert reviewer.get("/admin/paper/").status_code == 403
    assert post(reviewer, "/admin/paper/", entry()).status_code == 403
    assert count(Response) == 0
