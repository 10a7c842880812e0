"""Responses: retention (deleting an office's responses older than its limit)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa

from ..audit import Actor, audit_change
from ..extensions import db
from ..models import (
    Answer,
    Office,
    Response,
    answer_theme,
    corrective_action_answer,
    utcnow,
)
from .problems import DomainError


def purge_responses(office: Office, days: int, actor: Actor) -> int:
    """Delete the office's responses (and their answers) older than ``days`` days; return how many."""
    if days < 1:
        raise DomainError("days_out_of_range", field="days", days=days)
    cutoff = utcnow() - timedelta(days=days)
    old = sa.select(Response.id).where(
        Response.office_id == office.id, Response.submitted_at < cutoff
    )
    old_answers = sa.select(Answer.id).where(Answer.response_id.in_(old))
    # SQLite enforces no ON DELETE CASCADE unless asked: drop the links of the answers explicitly.
    for link in (answer_theme, corrective_action_answer):
        db.session.execute(sa.delete(link).where(link.c.answer_id.in_(old_answers)))
    db.session.execute(sa.delete(Answer).where(Answer.response_id.in_(old)))
    # A DELETE statement's result is a CursorResult; Session.execute is typed as returning Result.
    result = cast(
        "sa.CursorResult[Any]",
        db.session.execute(
            sa.delete(Response).where(
                Response.office_id == office.id, Response.submitted_at < cutoff
            )
        ),
    )
    removed = result.rowcount
    audit_change(
        "response.purge",
        office,
        actor=actor,
        after={"older_than_days": days, "cutoff": cutoff.isoformat(), "removed": removed},
    )
    return removed
