"""Responses in the panel: a read-only list with filters, each answer shown with its version's texts.

Responses are never edited or deleted here. A comment (free-text answer) can be hidden from
reports with a reason: it is kept, marked ``hidden`` and the change is audited
(``collector.operations.comments``, as in the comment inbox).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import flash, g, has_request_context, redirect, request, url_for
from flask_admin.contrib.sqla.filters import BaseSQLAFilter, FilterEqual, IntEqualFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from collector.default_survey import OTHER_DEPARTMENT, SCALE
from collector.enums import CHANNEL_LABELS, HIDE_REASON_LABELS, QuestionType, VersionStatus
from collector.extensions import db
from collector.models import CHANNELS, NA, Answer, Department, Response, SurveyVersion, pick_text
from collector.operations import DomainError, comments

from .auditing import get_actor
from .base import ALL_ROLES, OfficeScopedView, expose, scoped
from .comments import confirm_hide, refusal_page
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


def department_names(office_id: int) -> dict[str, str]:
    """Return the office's department names by key (once per request), "other" included."""
    cache = g.setdefault("department_names", {})
    if office_id not in cache:
        names = {
            d.key: d.name
            for d in db.session.scalars(
                sa.select(Department).where(Department.office_id == office_id)
            )
        }
        names[OTHER_DEPARTMENT["key"]] = _(OTHER_DEPARTMENT["texts"]["pl"])
        cache[office_id] = names
    return cache[office_id]


def _format_department(view: Any, context: Any, model: Response, name: str) -> str:
    if not model.department_key:
        return "—"
    return department_names(model.office_id).get(model.department_key, model.department_key)


def overall_key(version: SurveyVersion) -> str | None:
    """Return the version's overall question: key "overall", else its first rating outside a grid."""
    ratings = [q for q in version.questions if q.type == QuestionType.RATING]
    for question in ratings:
        if question.key == "overall":
            return question.key
    return next((q.key for q in ratings if not q.group), None)


def list_figures(responses: list[Response]) -> dict[Any, dict[str, Any]]:
    """Return per response on the page its overall rating and whether it holds a comment (one query)."""
    ids = [r.id for r in responses]
    out: dict[Any, dict[str, Any]] = {r.id: {"overall": None, "comment": False} for r in responses}
    if not ids:
        return out
    wanted = {r.id: overall_key(r.version) for r in responses}
    rows = db.session.execute(
        sa.select(
            Answer.response_id, Answer.question_key, Answer.value, Answer.option_key, Answer.text
        ).where(Answer.response_id.in_(ids))
    )
    for response_id, key, value, option, text in rows:
        if text is not None:
            out[response_id]["comment"] = True
        elif key == wanted.get(response_id):
            out[response_id]["overall"] = value if value is not None else option
    return out


def _figures(model: Response) -> dict[str, Any]:
    figures = g.get("response_figures")
    if figures is None or model.id not in figures:
        figures = list_figures([model])
    return figures[model.id]


def _format_overall(view: Any, context: Any, model: Response, name: str) -> str:
    value = _figures(model)["overall"]
    if value is None:
        return "—"
    return _("nie dotyczy") if value == NA else f"{value}/5"


def _format_comment(view: Any, context: Any, model: Response, name: str) -> str:
    return _("tak") if _figures(model)["comment"] else _("nie")


class CommentFilter(BaseSQLAFilter):
    """Responses with a comment (a text answer, hidden or not), or without."""

    def __init__(self, name: Any) -> None:
        super().__init__(Response.id, name, options=(("1", _l("tak")), ("0", _l("nie"))))

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        with_text = sa.select(Answer.response_id).where(Answer.text.is_not(None))
        condition = Response.id.in_(with_text)
        return query.filter(condition if value == "1" else sa.not_(condition))

    def operation(self) -> Any:
        return _l("równa się")


# The list's filters, in column_filters order: their position is their name in the URL (flt0_<i>).
FILTER_PERIOD, FILTER_VERSION, FILTER_DEPARTMENT, FILTER_CHANNEL, FILTER_COMMENT = range(5)


def filter_args(
    period: tuple[date, date] | None = None,
    department: str | None = None,
    comments: str | None = None,
    channel: str | None = None,
) -> dict[str, str]:
    """Return the query arguments that open the responses list with these filters set."""
    chosen = []
    if period is not None:
        start, end = period
        chosen.append(
            (FILTER_PERIOD, f"{start.isoformat()} 00:00:00 to {end.isoformat()} 23:59:59")
        )
    if department is not None:
        chosen.append((FILTER_DEPARTMENT, department))
    if channel is not None:
        chosen.append((FILTER_CHANNEL, channel))
    if comments is not None:
        chosen.append((FILTER_COMMENT, comments))
    return {f"flt{position}_{index}": value for position, (index, value) in enumerate(chosen)}


class ResponseView(OfficeScopedView):
    """Read-only responses; writers may hide a comment from reports (and show it again)."""

    read_roles = ALL_ROLES
    allow_create = False
    allow_edit = False
    allow_delete = False
    details_template = "admin/ocen/response_details.html"
    column_list = ("submitted_at", "channel", "department_key", "overall", "comment", "version")
    column_details_list = (
        "id",
        "submitted_at",
        "version",
        "channel",
        "department_key",
        "lang",
        "missing_answers",
    )
    column_labels = {
        "id": _l("Identyfikator"),
        "submitted_at": _l("Kiedy"),
        "version": _l("Wersja ankiety"),
        "channel": _l("Kanał"),
        "department_key": _l("Wydział"),
        "lang": _l("Język"),
        "overall": _l("Ocena ogólna"),
        "comment": _l("Komentarz"),
        "missing_answers": _l("Ankieta papierowa z brakującymi odpowiedziami"),
    }
    column_formatters = {
        "version": _format_version,
        "channel": _format_channel,
        "department_key": _format_department,
        "overall": _format_overall,
        "comment": _format_comment,
    }
    column_formatters_detail = {
        "version": _format_version,
        "channel": _format_channel,
        "department_key": _format_department,
        "missing_answers": lambda view, context, model, name: (
            _("tak") if model.missing_answers else _("nie")
        ),
    }
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
        CommentFilter(_l("Komentarz")),
    )

    def get_list(self, *args: Any, **kwargs: Any) -> Any:
        """Return the page of responses; their overall ratings and comments are read in one query."""
        count, responses = super().get_list(*args, **kwargs)
        g.response_figures = list_figures(list(responses))
        return count, responses

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
        back = url_for(".details_view", id=str(answer.response_id))
        if answer.text is None:
            flash(_("Ukryć można tylko odpowiedź tekstową."), "error")
        else:
            if hide:  # asks first: how many, why, and that the comment stays stored
                reason = request.form.get("reason", "")
                page = confirm_hide(
                    self,
                    [answer],
                    reason,
                    action_url=url_for(".comment_view", answer_id=answer.id),
                    fields=[("hidden", "1"), ("reason", reason)],
                    cancel_url=back,
                )
                if page is not None:
                    return page
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
        return redirect(back)
