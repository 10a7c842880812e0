"""The one list of the panel's GET addresses, walked from the url_map, with real ids filled in.

tests/admin/test_panel_security.py sends every one of them for the security headers;
tests/admin/test_panel_axe_browser.py opens every one that draws a page and runs axe on it.
A new view appears in both without anyone adding it by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Flask, url_for

from collector.extensions import db
from collector.models import (
    Answer,
    AuditEvent,
    CommentTheme,
    CorrectiveAction,
    Department,
    Question,
    Report,
    ReportBuild,
    Response,
    SurveyVersion,
    User,
)

# The record a Flask-Admin view's details and edit pages are opened with (?id=…).
MODELS = {
    "audit": AuditEvent,
    "comment": Answer,
    "comment_theme": CommentTheme,
    "corrective_action": CorrectiveAction,
    "department": Department,
    "office": None,  # the office itself
    "response": Response,
    "user": User,
}


@dataclass(frozen=True)
class PanelPage:
    endpoint: str
    url: str  # path and query


def first_id(model, *where, newest: bool = False) -> str:
    """Return the id of a row of ``model`` matching ``where``: the first, or the newest."""
    order = [key.desc() for key in sa.inspect(model).primary_key] if newest else []
    value = db.session.scalars(sa.select(model).where(*where).order_by(*order).limit(1)).first()
    assert value is not None, model
    return str(sa.inspect(value).identity[0])


def report_build_id(report: Report) -> str:
    """Return the id of a finished build of ``report`` (its status page), made when there is none."""
    build = db.session.scalars(sa.select(ReportBuild).limit(1)).first()
    if build is None:
        build = ReportBuild(
            office_id=report.office_id,
            period_start=report.period_start,
            period_end=report.period_end,
            reason=report.reason,
            lang=report.lang,
            state="done",
            report_id=report.id,
        )
        db.session.add(build)
        db.session.commit()
    return str(build.id)


def rule_values(rule, report: Report) -> dict:
    by_argument = {
        "department_id": lambda: first_id(Department),
        # The newest version (a draft, when there is one: its editor's pages) and its question.
        "version_id": lambda: first_id(SurveyVersion, newest=True),
        "question_id": lambda: first_id(
            Question, Question.version_id == int(first_id(SurveyVersion, newest=True))
        ),
        "report_id": lambda: str(report.id),
        "build_id": lambda: report_build_id(report),
        "export_type": lambda: "csv",
        "filename": lambda: (
            "panel.js" if rule.endpoint == "admin_ui.static" else "admin/js/helpers.js"
        ),
    }
    return {argument: by_argument[argument]() for argument in rule.arguments}


def record_id(view: str, office_id: int) -> str:
    """Return the id of a record the view shows: the office, or a row of its model."""
    model = MODELS[view]
    if model is None:
        return str(office_id)
    if model is Answer:
        return first_id(Answer, Answer.text.is_not(None))  # the inbox shows comments only
    return first_id(model)


def panel_get_pages(app: Flask, office_id: int, report: Report) -> list[PanelPage]:
    """Return every GET address under /admin, with real ids and the office chosen (?office_id=)."""
    pages = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods:
            continue
        with app.test_request_context():
            path = url_for(rule.endpoint, **rule_values(rule, report))
        query: dict = {"office_id": office_id}
        if rule.endpoint.endswith((".edit_view", ".details_view")) and "<" not in rule.rule:
            query["id"] = record_id(rule.endpoint.split(".")[0], office_id)
        if rule.endpoint == "reports.export":
            query["format"] = "csv"
        pages.append(PanelPage(rule.endpoint, f"{path}?{urlencode(query)}"))
    return pages
