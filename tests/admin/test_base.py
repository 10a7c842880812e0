"""The base others build on: PanelView, panel_access, OfficeScopedView's rules, scoped()."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from admin.base import OfficeScopedView, PanelView, expose, get_office_or_404, panel_access, scoped
from collector.extensions import db
from collector.models import Question, SurveyVersion
from tests.admin.panel import login, post, text
from tests.factories import create_office, create_user

pytestmark = pytest.mark.own_app  # the tests add views and routes to the app


class EmbedLikeView(PanelView):
    """A page every role reads and writers post to, like the embed page or the survey editor."""

    @expose("/", methods=("GET", "POST"))
    def index(self):
        office = self.get_office()
        return f"office={office.slug if office else '-'}"


@pytest.fixture
def extended_app(app):
    app.extensions["ocen_admin"].add_view(EmbedLikeView(name="Embed", endpoint="embedlike"))

    @app.route("/admin/plain/<int:office_id>", methods=["GET", "POST"])
    @panel_access()
    def plain_page(office_id):
        return f"plain={get_office_or_404(office_id).slug}"

    @app.route("/admin/plain-write", methods=["GET"])
    @panel_access(write=True)
    def plain_write():
        return "written"

    alfa = create_office("alfa", "Urząd Miasta Alfa")
    beta = create_office("beta", "Urząd Miasta Beta")
    create_user("admin@alfa.test", office=alfa)
    create_user("reviewer@alfa.test", role="reviewer", office=alfa)
    return app, alfa, beta


def test_panel_view_follows_the_roles(extended_app, client):
    app, alfa, beta = extended_app
    response = client.get("/admin/embedlike/")
    assert response.status_code == 302 and response.location.startswith("/admin/login")
    login(client, "reviewer@alfa.test")
    assert text(client.get("/admin/embedlike/")) == "office=alfa"
    assert post(client, "/admin/embedlike/").status_code == 403
    assert client.get("/admin/plain-write").status_code == 403


def test_plain_routes_are_protected_and_scoped(extended_app, client):
    app, alfa, beta = extended_app
    assert client.get(f"/admin/plain/{alfa.id}").status_code == 302
    login(client, "admin@alfa.test")
    assert text(client.get(f"/admin/plain/{alfa.id}")) == "plain=alfa"
    assert client.get(f"/admin/plain/{beta.id}").status_code == 404
    assert post(client, "/admin/embedlike/").status_code == 200
    assert client.get("/admin/plain-write").status_code == 200


def test_scoped_reaches_models_without_office_id(extended_app, client):
    app, alfa, beta = extended_app
    login(client, "admin@alfa.test")
    with app.test_request_context():
        from flask_login import login_user

        from collector.models import User

        login_user(db.session.scalar(sa.select(User).where(User.email == "admin@alfa.test")))
        versions = db.session.scalars(scoped(sa.select(SurveyVersion))).all()
        questions = db.session.scalars(scoped(sa.select(Question))).all()
    assert versions and all(v.survey.office_id == alfa.id for v in versions)
    assert questions and all(q.version.survey.office_id == alfa.id for q in questions)


def test_subclass_must_not_set_can_flags():
    with pytest.raises(TypeError, match="allow_delete"):
        type("BadView", (OfficeScopedView,), {"can_delete": False})


class QuestionLikeView(OfficeScopedView):
    """A model without office_id, with a relation in its form (like the survey editor's)."""

    form_columns = ("version", "key", "type")


def test_relation_choices_are_scoped_to_the_office(extended_app, client):
    from tests.factories import published_version

    app, alfa, beta = extended_app
    app.extensions["ocen_admin"].add_view(
        QuestionLikeView(Question, db.session, name="Q", endpoint="qlike")
    )
    own, foreign = published_version(alfa), published_version(beta)
    login(client, "admin@alfa.test")
    form_page = text(client.get("/admin/qlike/new/"))
    assert f'value="{own.id}"' in form_page and f'value="{foreign.id}"' not in form_page
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
    response = post(
        client, "/admin/qlike/new/", {"version": str(foreign.id), "key": "x1", "type": "text"}
    )
    assert response.status_code == 200  # "not a valid choice": another office's version
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == count
    response = post(
        client, "/admin/qlike/new/", {"version": str(own.id), "key": "x2", "type": "text"}
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Question.version_id).where(Question.key == "x2")) == own.id
    foreign_question = foreign.questions[0]
    assert client.get(f"/admin/qlike/details/?id={foreign_question.id}").status_code == 404
