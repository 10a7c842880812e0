"""Responses in the panel: a read-only list with filters, each answer shown with its version's texts.

Responses are never edited or deleted here. A comment (free-text answer) can be hidden from
reports with a reason: it is kept, marked ``hidden`` and the change is audited
(``collector.operations.comments``, as in the comment inbox).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import flash, has_request_context, redirect, request, url_for
from flask_admin.contrib.sqla.filters import FilterEqual, IntEqualFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from collector.default_survey import OTHER_DEPARTMENT, SCALE
from collector.enums import CHANNEL_LABELS, HIDE_REASON_LABELS, QuestionType, VersionStatus
from collector.extensions import db
from collector.models import CHANNELS, NA, Answer, Department, Response, SurveyVersion, pick_text
from collector.operations import DomainError, comments

from .auditing import get_actor
from .base import ALL_ROLES, OfficeScopedView, expose, scoped
from .comments import refusal_page
from .localtime import LocalDateTimeBetweenFilter
from .pages import get_scoped_or_404


def version_options() -> list[tuple[int, str]]:
    """Return the versions the user may filter by, newest first."""
    if not has_request_context():  # Flask-Admin asks once at start-up; the real list is per user
        return []
    versions = db.session.scalars(
        scoped(sa.select(SurveyVersion), SurveyVersion)
        .where(SurveyVersion.status != VersionStatus.DRAFT)
        .order_by(SurveyVersion.number.desc())
    )
    return [(v.id, _("wersja %(number)s", number=v.number)) for v in versions]


def department_options() -> list[tuple[str, str]]:
    """Return the departments the user may filter by."""
    if not has_request_context():
        return []
    departments = db.session.scalars(
        scoped(sa.select(Department), Department).order_by(Department.position, Department.id)
    )
    seen, options = set(), []
    for department in departments:
        if department.key not in seen:
            seen.add(department.key)
            options.append((department.key, department.name))
    return options + [(OTHER_DEPARTMENT["key"], OTHER_DEPARTMENT["texts"]["pl"])]


def _format_version(view: Any, context: Any, model: Response, name: str) -> str:
    return str(model.version.number)


def _format_channel(view: Any, context: Any, model: Response, name: str) -> str:
    return _(CHANNEL_LABELS.get(model.channel, model.channel))


class ResponseView(OfficeScopedView):
    """Read-only responses; writers may hide a comment from reports (and show it again)."""

    read_roles = ALL_ROLES
    allow_create = False
    allow_edit = False
    allow_delete = False
    details_template = "admin/ocen/response_details.html"
    column_list = ("submitted_at", "version", "channel", "department_key", "lang")
    column_details_list = ("id", "submitted_at", "version", "channel", "department_key", "lang")
    column_labels = {
        "id": _l("Identyfikator"),
        "submitted_at": _l("Kiedy"),
        "version": _l("Wersja ankiety"),
        "channel": _l("Kanał"),
        "department_key": _l("Wydział"),
        "lang": _l("Język"),
    }
    column_formatters = {"version": _format_version, "channel": _format_channel}
    column_formatters_detail = column_formatters
    column_default_sort = ("submitted_at", True)
    column_sortable_list = ("submitted_at", "channel", "department_key")
    column_filters = (
        LocalDateTimeBetweenFilter(Response.submitted_at, _l("Okres")),
        IntEqualFilter(Response.version_id, _l("Wersja ankiety"), options=version_options),
        FilterEqual(Response.department_key, _l("Wydział"), options=department_options),
        FilterEqual(
            Response.channel,
            _l("Kanał"),
            options=lambda: [(c, _(CHANNEL_LABELS[c])) for c in CHANNELS],
        ),
    )

    def _get_filter_groups(self) -> Any:
        # The version and department choices are the user's office's: build them for this request.
        self._refresh_filters_cache()
        return super()._get_filter_groups()

    def answer_rows(self, response: Response) -> list[dict[str, Any]]:
        """Return the response's answers in question order, with the texts of the version it answered."""
        answers: dict[str, list[Answer]] = {}
        for answer in db.session.scalars(
            sa.select(Answer).where(Answer.response_id == response.id).order_by(Answer.id)
        ):
            answers.setdefault(answer.question_key, []).append(answer)
        departments = {
            d.key: d.name
            for d in db.session.scalars(
                sa.select(Department).where(Department.office_id == response.office_id)
            )
        }
        departments[OTHER_DEPARTMENT["key"]] = OTHER_DEPARTMENT["texts"]["pl"]
        rows = []
        for question in response.version.questions:
            given = answers.get(question.key, [])
            options = {o["key"]: pick_text(o.get("texts"), "pl") for o in question.options or []}
            shown, comment = [], None
            for answer in given:
                if question.type == QuestionType.RATING:
                    if answer.option_key == NA:
                        shown.append(_("nie dotyczy"))
                    else:
                        labels = (question.scale or {}).get("pl") or SCALE["pl"]
                        label = (
                            labels[answer.value - 1]
                            if answer.value and 1 <= answer.value <= len(labels)
                            else ""
                        )
                        shown.append(f"{answer.value} — {label}" if label else str(answer.value))
                elif question.type == QuestionType.DEPARTMENT:
                    shown.append(departments.get(answer.option_key, answer.option_key))
                elif question.type == QuestionType.TEXT:
                    comment = answer
                    shown.append(answer.text or "")
                else:
                    shown.append(options.get(answer.option_key, answer.option_key))
            text = pick_text(question.texts, "pl")
            if question.group:
                text = f"{pick_text(question.group_texts, 'pl')} — {text}"
            rows.append({"key": question.key, "text": text, "answers": shown, "comment": comment})
        return rows

    def hide_reasons(self) -> list[tuple[str, str]]:
        """Return the reasons a comment may be hidden for, in the panel's language."""
        return [(k, _(v)) for k, v in HIDE_REASON_LABELS.items()]

    @expose("/comment/<int:answer_id>", methods=("POST",))
    def comment_view(self, answer_id: int) -> Any:
        """Hide a comment from reports with a reason, or show it again; the answer itself is kept."""
        answer = get_scoped_or_404(Answer, answer_id)
        hide = request.form.get("hidden") == "1"
        if answer.text is None:
            flash(_("Ukryć można tylko odpowiedź tekstową."), "error")
        else:
            try:
                changed = (
                    comments.hide([answer], request.form.get("reason", ""), get_actor())
                    if hide
                    else comments.show([answer], get_actor())
                )
            except DomainError as error:
                db.session.rollback()
                return refusal_page(error)
            db.session.commit()
            if changed:
                flash(
                    _("Komentarz ukryto w raportach (pozostaje zapisany).")
                    if hide
                    else _("Komentarz znów jest widoczny w raportach."),
                    "success",
                )
        return redirect(url_for(".details_view", id=str(answer.response_id)))
