"""The audit log in the panel: read-only, the office's events for its admins, all for the superadmin."""

from __future__ import annotations

import json
from typing import Any

from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .auditing import ACTION_LABELS
from .base import WRITER_ROLES, OfficeScopedView


def _format_values(view: Any, context: Any, model: Any, name: str) -> Markup:
    value = getattr(model, name)
    if not value:
        return Markup("")
    text = json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)
    return Markup(f'<pre class="small mb-0">{escape(text)}</pre>')


def _format_action(view: Any, context: Any, model: Any, name: str) -> str:
    label = ACTION_LABELS.get(model.action)
    return f"{_(label)} ({model.action})" if label else model.action


class ActionFilter(FilterEqual):
    """Filter by action, offering the known actions by name."""

    def get_options(self, view: Any) -> list[tuple[str, str]]:
        return [(action, _(label)) for action, label in ACTION_LABELS.items()]


class AuditEventView(OfficeScopedView):
    """Who did what and when; nobody edits or deletes it."""

    read_roles = WRITER_ROLES
    write_roles = ()
    allow_create = False
    allow_edit = False
    allow_delete = False
    office_field = ""
    column_list = ("at", "user_email", "action", "object_type", "object_id", "before", "after")
    column_details_list = (
        "at",
        "user_email",
        "office",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "remote_addr",
    )
    column_labels = {
        "at": _l("Kiedy"),
        "user_email": _l("Kto"),
        "action": _l("Zdarzenie"),
        "object_type": _l("Obiekt"),
        "object_id": _l("Identyfikator"),
        "before": _l("Przed"),
        "after": _l("Po"),
        "remote_addr": _l("Adres IP pracownika"),
        "office": _l("Urząd"),
    }
    column_formatters = {
        "before": _format_values,
        "after": _format_values,
        "action": _format_action,
    }
    column_formatters_detail = column_formatters
    column_default_sort = ("at", True)
    column_searchable_list = ("user_email", "object_type", "object_id")
    page_size = 100

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from collector.models import AuditEvent

        self.column_filters = (
            ActionFilter(AuditEvent.action, _l("Zdarzenie")),
            "user_email",
            "at",
        )
        super().__init__(*args, **kwargs)
