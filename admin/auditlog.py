"""The audit log in the panel: read-only, the office's events for its admins, all for the superadmin."""

from __future__ import annotations

from typing import Any

from flask_admin.contrib.sqla.filters import FilterEqual
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from collector.enums import (
    AUDIT_FIELD_LABELS,
    AUDIT_OBJECT_LABELS,
    CHANNEL_LABELS,
    ROLE_LABELS,
    VERSION_STATUS_LABELS,
)
from reports.texts import ACTION_STATUSES, REASONS

from .auditing import ACTION_LABELS
from .base import WRITER_ROLES, OfficeScopedView


def field_label(name: str) -> str:
    """Return a field's name in the panel's language (the raw name where none is known)."""
    label = AUDIT_FIELD_LABELS.get(name)
    return _(label) if label else name


# Stored values shown by their labels, per field.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "role": ROLE_LABELS,
    "channel": CHANNEL_LABELS,
    "status": {
        **VERSION_STATUS_LABELS,
        **{key: text["pl"] for key, text in ACTION_STATUSES.items()},
    },
    "reason": {key: text["pl"] for key, text in REASONS.items()},
}


def show_value(value: Any, field: str = "") -> str:
    """Write a stored value for a person: yes/no, lists joined, nested values by their labels."""
    labels = VALUE_LABELS.get(field, {})
    if isinstance(value, str) and value in labels:
        return _(labels[value])
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("tak") if value else _("nie")
    if isinstance(value, list):
        return ", ".join(show_value(v, field) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {show_value(v, k)}" for k, v in value.items())
    return str(value)


def changes(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[tuple[str, str, str]]:
    """Return (field, before, after) for every field the event names, by label."""
    before, after = before or {}, after or {}
    names = list(before) + [k for k in after if k not in before]
    return [
        (
            field_label(name),
            show_value(before.get(name), name) if name in before else "",
            show_value(after.get(name), name) if name in after else "",
        )
        for name in names
    ]


def _format_changes(view: Any, context: Any, model: Any, name: str) -> Markup:
    rows = changes(model.before, model.after)
    if not rows:
        return Markup("")
    items = []
    for label, old, new in rows:
        if old and new:
            shown = Markup("{} → {}").format(old, new)
        else:
            shown = Markup("{}").format(new or old)
        items.append(Markup("<li><strong>{}</strong>: {}</li>").format(label, shown))
    return Markup('<ul class="list-unstyled small mb-0 audit-changes">{}</ul>').format(
        Markup("").join(items)
    )


def _format_action(view: Any, context: Any, model: Any, name: str) -> str:
    label = ACTION_LABELS.get(model.action)
    return _(label) if label else model.action


def _format_object(view: Any, context: Any, model: Any, name: str) -> str:
    label = AUDIT_OBJECT_LABELS.get(model.object_type)
    return _(label) if label else model.object_type


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
    column_list = ("at", "user_email", "action", "object_type", "object_id", "changes")
    column_details_list = (
        "at",
        "user_email",
        "office",
        "action",
        "object_type",
        "object_id",
        "changes",
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
        "changes": _l("Zmiany (przed → po)"),
        "remote_addr": _l("Adres IP pracownika"),
        "office": _l("Urząd"),
    }
    column_formatters = {
        "changes": _format_changes,
        "action": _format_action,
        "object_type": _format_object,
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
