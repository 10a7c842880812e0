"""Corrective and improvement actions ("działania naprawcze i doskonalące") that the reports list."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from collector.default_survey import OTHER_DEPARTMENT
from collector.enums import COMMENT_STATUS_LABELS, HIDE_REASON_LABELS, QuestionType
from collector.extensions import db
from collector.models import CorrectiveAction, Department, Question, Survey, SurveyVersion
from collector.operations import comments
from reports.periods import local_today, to_local
from reports.texts import ACTION_STATUSES

from .auditing import get_actor
from .base import ALL_ROLES, WRITER_ROLES, OfficeScopedView, get_user, is_superadmin


def rated_items(office_id: int | None) -> list[tuple[str, str]]:
    """Return the rating questions of the office's versions (all offices' for a superadmin), newest texts."""
    query = (
        sa.select(Question.key, Question.texts, SurveyVersion.number)
        .join(SurveyVersion)
        .join(Survey)
        .where(Question.type == QuestionType.RATING)
        .order_by(SurveyVersion.number.desc(), Question.position)
    )
    if office_id is not None:
        query = query.where(Survey.office_id == office_id)
    items: dict[str, str] = {}
    for key, texts, _number in db.session.execute(query):
        items.setdefault(key, (texts or {}).get("pl") or key)
    return list(items.items())


class CorrectiveActionView(OfficeScopedView):
    """Corrective and improvement actions: what, who, by when, status, which item; admins write, reviewers read."""

    read_roles = ALL_ROLES
    write_roles = WRITER_ROLES
    details_template = "admin/ocen/action_details.html"
    column_list = ("title", "owner", "deadline", "status", "question_keys", "answers", "office")
    column_details_list = (
        "title",
        "description",
        "owner",
        "deadline",
        "status",
        "question_keys",
        "done_at",
        "created_at",
        "office",
    )
    form_columns = (
        "office",
        "title",
        "description",
        "owner",
        "deadline",
        "status",
        "question_keys",
        "done_at",
    )
    column_labels = {
        "title": _l("Działanie"),
        "description": _l("Opis"),
        "owner": _l("Odpowiedzialny"),
        "deadline": _l("Termin"),
        "status": _l("Stan"),
        "question_key": _l("Dotyczy pytania"),
        "question_keys": _l("Dotyczy pytań"),
        "answers": _l("Komentarze"),
        "done_at": _l("Data realizacji"),
        "created_at": _l("Utworzono"),
        "office": _l("Urząd"),
    }
    column_default_sort = [("deadline", False), ("id", False)]
    column_searchable_list = ("title", "owner")
    column_filters = ("status",)
    column_formatters = {
        "status": lambda v, c, m, p: _(ACTION_STATUSES.get(m.status, {}).get("pl", m.status)),
        "question_keys": lambda v, c, m, p: ", ".join(m.item_keys()) or "—",
        "answers": lambda v, c, m, p: str(len(m.answers)),
    }
    column_formatters_detail = {
        "status": column_formatters["status"],
        "question_keys": lambda v, c, m, p: (
            "; ".join(dict(rated_items(m.office_id)).get(k, k) for k in m.item_keys()) or "—"
        ),
    }
    form_overrides = {"status": SelectField, "question_keys": SelectMultipleField}
    form_args = {
        "status": {
            "choices": [SelectChoice(k, _l(v["pl"])) for k, v in ACTION_STATUSES.items()],
            "default": "planned",
        },
        "question_keys": {"choices": [], "validators": [Optional()]},
    }

    def _with_items(self, form: Any) -> Any:
        user = get_user()
        office_id = None if is_superadmin() else user.office_id
        if hasattr(form, "question_keys"):
            form.question_keys.choices = [
                SelectChoice(key, text) for key, text in rated_items(office_id)
            ]
        return form

    def evidence(self, action: CorrectiveAction) -> list[dict[str, Any]]:
        """Return the comments that prompted the action: month, department, themes, text (or why hidden)."""
        departments = {
            d.key: d.name
            for d in db.session.scalars(
                sa.select(Department).where(Department.office_id == action.office_id)
            )
        }
        departments[OTHER_DEPARTMENT["key"]] = OTHER_DEPARTMENT["texts"]["pl"]
        rows = []
        for answer in action.answers:
            reason = HIDE_REASON_LABELS.get(answer.hidden_reason or "")
            rows.append(
                {
                    "answer": answer,
                    "month": to_local(answer.submitted_at).strftime("%m.%Y"),
                    "department": departments.get(answer.department_key or "", "—"),
                    "themes": ", ".join(t.name for t in answer.themes) or "—",
                    "status": _(COMMENT_STATUS_LABELS.get(answer.status, answer.status)),
                    "hidden": (_(reason) if reason else _("ukryty")) if answer.hidden else None,
                }
            )
        return rows

    def create_form(self, obj: Any = None) -> Any:
        return self._with_items(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        form = self._with_items(super().edit_form(obj))
        if hasattr(form, "office"):
            del form.office  # an action stays with the office it was recorded for
        return form

    def on_model_change(self, form: Any, model: CorrectiveAction, is_created: bool) -> None:
        model.question_keys = list(model.question_keys or [])
        # The first item is also the legacy single item, which older readers use.
        model.question_key = model.question_keys[0] if model.question_keys else None
        if model.status == "done" and model.done_at is None:
            model.done_at = local_today()
        super().on_model_change(form, model, is_created)
        comments.action_done(model, get_actor())


def init_actions_view(panel: Any) -> None:
    """Add the corrective actions to the panel."""
    panel.add_view(
        CorrectiveActionView(
            CorrectiveAction,
            db.session,
            name=_l("Działania naprawcze"),
            endpoint="corrective_action",
        )
    )
