"""Helpers shared by the panel's own pages (survey editor, embed page, paper questionnaires, reports).

Office users always work on their own office; a superadmin picks one with ``?office_id=`` (the one
parameter name of the panel), from the list ``render_office_choice`` answers.
Records reached by id go through ``admin.base.scoped``, so another office's id answers 404.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, request

from collector.enums import Role
from collector.extensions import db
from collector.models import Office

from .base import error_page, get_office_or_404, get_user, scoped


def get_chosen_office() -> Office | None:
    """Return the office this page works on: the user's own, or the one a superadmin chose; None if none chosen."""
    user = get_user()
    chosen = request.values.get("office_id", "")
    if user is not None and user.role == Role.SUPERADMIN and not chosen:
        return None
    return get_office_or_404(chosen or None)


def list_offices() -> list[Office]:
    """Return the offices the user may choose from (every office for a superadmin)."""
    return list(db.session.scalars(scoped(sa.select(Office), Office).order_by(Office.name)))


def get_scoped_or_404(model: type, record_id: Any) -> Any:
    """Return the record with this id if it belongs to the user's office, else answer a 404 page."""
    pk = model.__mapper__.primary_key[0]
    try:
        kind = pk.type.python_type
        value = record_id if isinstance(record_id, kind) else kind(record_id)
    except (TypeError, ValueError, AttributeError):
        abort(error_page(404))
    record = db.session.scalar(scoped(sa.select(model).where(pk == value), model))
    if record is None:
        abort(error_page(404))
    return record


def render_office_choice(view: Any, target: str) -> Any:
    """Answer the list of offices a superadmin chooses from, each linking to ``target`` with ``?office_id=``."""
    return view.render("admin/ocen/choose_office.html", offices=list_offices(), target=target)
