"""Tenant isolation of the survey editor, embed, responses and paper views.

An admin of office "alfa" reaches for office "beta"'s version, question, department, response or
comment by id in the URL or names beta in a form field: refused (404), nothing changed.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from admin.auditing import model_values
from collector.extensions import db
from collector.models import Answer, AuditEvent, Question, Report, Response, SurveyVersion
from tests.admin.flowtools import answer_survey, login, office_with_admin, post, question
from tests.factories import create_version


@pytest.fixture
def beta(client, app):
    office_with_admin("alfa", "Urząd Miasta Alfa")
    beta, _user = office_with_admin("beta", "Urząd Miasta Beta")
    create_version(beta, status="draft")
    answer_survey(client, beta, comment="Komentarz z Bety")
    import reports
    from collector.surveys import get_published_version

    reports.archive_pre_change_report(db.session, beta, get_published_version(beta), None)
    db.session.commit()
    login(client, "admin@alfa.test")
    return beta


def ids(beta) -> dict:
    draft = db.session.scalar(
        sa.select(SurveyVersion).join(SurveyVersion.survey).where(SurveyVersion.status == "draft")
    )
    published = db.session.scalar(
        sa.select(SurveyVersion)
        .join(SurveyVersion.survey)
        .where(SurveyVersion.status == "published", SurveyVersion.survey.has(office_id=beta.id))
    )
    return {
        "draft": draft.id,
        "published": published.id,
        "question": question(draft, "overall").id,
        "department": beta.departments[0].id,
        "response": db.session.scalar(sa.select(Response.id)),
        "answer": db.session.scalar(sa.select(Answer.id).where(Answer.question_key == "comment")),
        "report": db.session.scalar(sa.select(Report.id)),
    }


ATTEMPTS = [
    # (method, url, form data) with {names} filled from beta's ids
    ("GET", "/admin/survey/version/{draft}", None),
    ("GET", "/admin/survey/version/{published}/preview", None),
    ("GET", "/admin/survey/version/{draft}/survey.json", None),
    ("GET", "/admin/survey/question/{question}", None),
    ("POST", "/admin/survey/question/{question}", {"type": "text", "text_pl": "Przejęte"}),
    ("POST", "/admin/survey/question/{question}/move", {"direction": "up"}),
    ("POST", "/admin/survey/question/{question}/delete", {}),
    (
        "POST",
        "/admin/survey/version/{draft}/question/new",
        {"type": "text", "key": "obce", "text_pl": "Obce"},
    ),
    ("POST", "/admin/survey/version/{draft}/details", {"title_pl": "Przejęta"}),
    ("POST", "/admin/survey/version/{draft}/publish", {}),
    ("POST", "/admin/survey/version/{draft}/discard", {}),
    ("GET", "/admin/survey/?office_id={office}", None),
    ("POST", "/admin/survey/edit", {"office_id": "{office}"}),
    ("GET", "/admin/reports/archive/{report}.pdf", None),
    ("GET", "/admin/embed/?office_id={office}", None),
    ("GET", "/admin/embed/qr/{department}.png", None),
    ("GET", "/admin/embed/qr/{department}.svg", None),
    ("GET", "/admin/embed/poster/{department}.pdf", None),
    ("GET", "/admin/response/details/?id={response}", None),
    ("POST", "/admin/response/comment/{answer}", {"hidden": "1", "reason": "personal_data"}),
    ("GET", "/admin/paper/?office_id={office}", None),
    ("GET", "/admin/paper/questionnaire.pdf?office_id={office}", None),
    (
        "POST",
        "/admin/paper/",
        {
            "office_id": "{office}",
            "entry_id": "6f1c2b9e-4d7a-4c1e-9a51-0d8f3c2b7a10",
            "q-department": "usc",
            "q-overall": "5",
        },
    ),
]


def state() -> dict:
    db.session.expire_all()
    return {
        model.__name__: sorted(
            str(model_values(row)) for row in db.session.scalars(sa.select(model))
        )
        for model in (SurveyVersion, Question, Response, Answer, Report, AuditEvent)
    }


@pytest.mark.parametrize("method, url, data", ATTEMPTS, ids=[f"{m} {u}" for m, u, _d in ATTEMPTS])
def test_another_offices_records_are_refused_and_nothing_changes(client, beta, method, url, data):
    values = {**ids(beta), "office": beta.id}
    before = state()
    target = url.format(**values)
    if method == "GET":
        response = client.get(target)
    else:
        response = post(client, target, {k: str(v).format(**values) for k, v in data.items()})
    assert response.status_code == 404, (target, response.status_code)
    assert state() == before


def test_the_lists_show_only_the_own_office(client, beta):
    assert "details/?id=" not in client.get("/admin/response/").get_data(as_text=True)
    page = client.get("/admin/survey/").get_data(as_text=True)
    assert "Urząd Miasta Alfa" in page and "Urząd Miasta Beta" not in page
    assert "Komentarz z Bety" not in client.get("/admin/response/").get_data(as_text=True)
