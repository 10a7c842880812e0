"""The panel's survey editor, embed page, responses and paper questionnaires, added by ``build_admin``."""

from __future__ import annotations

from flask_admin import Admin
from flask_babel import lazy_gettext as _l

from collector.extensions import db
from collector.models import Response


def add_flow_views(panel: Admin) -> None:
    """Add the survey editor, responses, paper questionnaire and embed views to the panel."""
    from .embed import EmbedView
    from .paper import PaperView
    from .responses import ResponseView
    from .survey_editor import SurveyView

    panel.add_view(SurveyView(name=_l("Ankieta"), endpoint="survey", url="/admin/survey"))
    panel.add_view(ResponseView(Response, db.session, name=_l("Odpowiedzi"), endpoint="response"))
    from .comments import init_comment_views

    init_comment_views(panel)
    panel.add_view(PaperView(name=_l("Ankiety papierowe"), endpoint="paper", url="/admin/paper"))
    panel.add_view(EmbedView(name=_l("Osadzanie i kody QR"), endpoint="embed", url="/admin/embed"))
