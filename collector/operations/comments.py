"""Comments (text answers): themes, reading, status, hiding from reports, and the corrective
actions they prompt.

The rules the panel's inbox and any other caller share:

* Only an office's own comments are touched: every operation takes the office and a list of
  answer ids and silently leaves out ids of other offices and of answers that are not comments
  (the panel shows how many it changed). Nothing is ever deleted.
* A comment's status is ``new`` until someone marks it read (or changes its status otherwise);
  "unread" in the inbox means ``new``.
* Hiding needs a reason (``HideReason``); the clerk and the time are kept. A hidden comment never
  appears in a report, an export or the dashboard, but stays in the inbox.
* Linking comments to a corrective action marks them ``needs_action``; when the action is done,
  its comments become ``answered`` ("odpowiedziano działaniem naprawczym"). A comment that a
  clerk set to ``answered`` by hand stays so.
* Each office has its own themes: a default set in Polish (``default_survey.DEFAULT_THEMES``) is
  made with the office, or the first time the themes of an office made before are asked for; a
  theme is retired (``active`` False), never deleted.

Every change writes one audit row per changed comment (before and after).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from ..audit import Actor, audit_change, model_values
from ..default_survey import DEFAULT_THEMES
from ..enums import CommentStatus, HideReason
from ..extensions import db
from ..models import Answer, CommentTheme, CorrectiveAction, Office, utcnow
from .problems import DomainError
from .rollup import forget_rolled_days

THEME_NAME_MAX = 80
DONE = "done"  # CorrectiveAction.status when it is carried out (reports.texts.ACTION_STATUSES)


def comment_condition(office_id: int | None) -> Any:
    """Return the SQL condition "a comment (text answer) of this office" (None: of any office)."""
    if office_id is None:
        return Answer.text.is_not(None)
    return sa.and_(Answer.office_id == office_id, Answer.text.is_not(None))


def get_themes(office_id: int, *, active_only: bool = False) -> list[CommentTheme]:
    """Return the office's themes in order, creating the default set the first time."""
    query = sa.select(CommentTheme).where(CommentTheme.office_id == office_id)
    themes = list(db.session.scalars(query.order_by(CommentTheme.position, CommentTheme.id)))
    if not themes:
        themes = [
            CommentTheme(office_id=office_id, name=name, position=i)
            for i, name in enumerate(DEFAULT_THEMES)
        ]
        db.session.add_all(themes)
        db.session.flush()
    return [t for t in themes if t.active or not active_only]


def get_comments(office_id: int | None, answer_ids: Iterable[Any]) -> list[Answer]:
    """Return the office's comments among ``answer_ids``; others' ids and non-comments are left out.

    ``office_id`` None is for the operator (superadmin), who works on every office.
    """
    ids = set()
    for value in answer_ids:
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            continue
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Answer)
            .where(comment_condition(office_id), Answer.id.in_(sorted(ids)))
            .order_by(Answer.id)
        )
    )


def _audit(action: str, answer: Answer, before: dict, after: dict, actor: Actor) -> None:
    audit_change(
        action,
        answer,
        actor=actor,
        before={**before, "response_id": str(answer.response_id)},
        after={**after, "response_id": str(answer.response_id)},
    )


def set_status(answers: Iterable[Answer], status: str, actor: Actor) -> int:
    """Set the comments' status; return how many changed."""
    if status not in CommentStatus.values():
        raise DomainError("unknown_status", field="status", status=status)
    changed = 0
    for answer in answers:
        if answer.status != status:
            _audit("comment.status", answer, {"status": answer.status}, {"status": status}, actor)
            answer.status = status
            changed += 1
    db.session.flush()
    return changed


def mark_read(answers: Iterable[Answer], actor: Actor) -> int:
    """Mark unread comments read; comments already further along keep their status."""
    return set_status([a for a in answers if a.status == CommentStatus.NEW], "read", actor)


def get_theme(office_id: int | None, theme_id: Any) -> CommentTheme:
    """Return the office's active theme with this id, else raise DomainError("unknown_theme")."""
    try:
        wanted = int(theme_id)
    except (TypeError, ValueError):
        raise DomainError("unknown_theme", field="theme") from None
    theme = db.session.get(CommentTheme, wanted)
    if theme is None or not theme.active or office_id not in (None, theme.office_id):
        raise DomainError("unknown_theme", field="theme")
    return theme


def assign_theme(answers: Iterable[Answer], theme: CommentTheme, actor: Actor) -> int:
    """Give the comments a theme (they keep their others); return how many changed."""
    changed = 0
    for answer in answers:
        if answer.office_id != theme.office_id or theme in answer.themes:
            continue
        before = [t.name for t in answer.themes]
        answer.themes.append(theme)
        _audit(
            "comment.theme", answer, {"themes": before}, {"themes": before + [theme.name]}, actor
        )
        changed += 1
    db.session.flush()
    return changed


def remove_theme(answers: Iterable[Answer], theme: CommentTheme, actor: Actor) -> int:
    """Take a theme off the comments; return how many changed."""
    changed = 0
    for answer in answers:
        if theme not in answer.themes:
            continue
        before = [t.name for t in answer.themes]
        answer.themes.remove(theme)
        _audit(
            "comment.theme",
            answer,
            {"themes": before},
            {"themes": [n for n in before if n != theme.name]},
            actor,
        )
        changed += 1
    db.session.flush()
    return changed


def check_hide_reason(reason: str) -> str:
    """Return ``reason`` if comments may be hidden for it, else raise ``unknown_hide_reason``."""
    if reason not in HideReason.values():
        raise DomainError("unknown_hide_reason", field="reason", reason=reason)
    return reason


def to_hide(answers: Iterable[Answer], reason: str) -> list[Answer]:
    """Return the comments that hiding for ``reason`` would change (not already hidden for it)."""
    return [a for a in answers if not (a.hidden and a.hidden_reason == reason)]


def hide(answers: Iterable[Answer], reason: str, actor: Actor) -> int:
    """Hide the comments from reports for ``reason`` (kept, never deleted); return how many changed."""
    check_hide_reason(reason)
    changed = 0
    now = utcnow()
    for answer in to_hide(answers, reason):
        _audit(
            "response.comment_hide",
            answer,
            {"hidden": answer.hidden, "hidden_reason": answer.hidden_reason},
            {"hidden": True, "hidden_reason": reason},
            actor,
        )
        if not answer.hidden:
            forget_rolled_days(answer.office_id, [answer.submitted_at])
        answer.hidden, answer.hidden_reason = True, reason
        answer.hidden_at = now
        answer.hidden_by_id = actor.user.id if actor.user is not None else None
        changed += 1
    db.session.flush()
    return changed


def show(answers: Iterable[Answer], actor: Actor) -> int:
    """Show hidden comments in reports again; return how many changed."""
    changed = 0
    for answer in answers:
        if not answer.hidden:
            continue
        _audit(
            "response.comment_show",
            answer,
            {"hidden": True, "hidden_reason": answer.hidden_reason},
            {"hidden": False, "hidden_reason": None},
            actor,
        )
        forget_rolled_days(answer.office_id, [answer.submitted_at])
        answer.hidden, answer.hidden_reason = False, None
        answer.hidden_at = answer.hidden_by_id = None
        changed += 1
    db.session.flush()
    return changed


def link_comments(action: CorrectiveAction, answers: Iterable[Answer], actor: Actor) -> int:
    """Link comments of the action's office to it as its evidence; return how many were new links.

    Unread or read comments become ``needs_action`` (``answered`` if the action is already done).
    """
    added = [a for a in answers if a.office_id == action.office_id and a not in action.answers]
    if not added:
        return 0
    action.answers.extend(added)
    audit_change(
        "action.link_comments",
        action,
        actor=actor,
        after={"answer_ids": [a.id for a in added]},
    )
    target = CommentStatus.ANSWERED if action.status == DONE else CommentStatus.NEEDS_ACTION
    set_status([a for a in added if a.status != CommentStatus.ANSWERED], target, actor)
    return len(added)


def create_action_from_comments(
    title: str, answers: list[Answer], actor: Actor
) -> CorrectiveAction:
    """Create a planned corrective action prompted by the comments (of one office), linked to them."""
    title = (title or "").strip()
    if not title:
        raise DomainError("action_title_missing", field="title")
    if len(title) > 300:
        raise DomainError("action_title_too_long", field="title", max=300)
    if not answers:
        raise DomainError("no_comments_selected", field="rowid")
    if len({a.office_id for a in answers}) > 1:
        raise DomainError("comments_of_several_offices", field="rowid")
    office_id = answers[0].office_id
    action = CorrectiveAction(office_id=office_id, title=title, status="planned", question_keys=[])
    db.session.add(action)
    db.session.flush()
    audit_change("create", action, actor=actor, after=model_values(action))
    link_comments(action, answers, actor)
    return action


def action_done(action: CorrectiveAction, actor: Actor) -> int:
    """Mark the comments of an action carried out as answered by it; return how many changed."""
    if action.status != DONE:
        return 0
    return set_status(
        [a for a in action.answers if a.status != CommentStatus.ANSWERED],
        CommentStatus.ANSWERED,
        actor,
    )


def add_theme(office: Office, name: str, actor: Actor) -> CommentTheme:
    """Add a theme to the office's set."""
    name = check_theme_name(office, name)
    position = len(get_themes(office.id))
    theme = CommentTheme(office_id=office.id, name=name, position=position)
    db.session.add(theme)
    db.session.flush()
    audit_change("create", theme, actor=actor, after=model_values(theme))
    return theme


def check_theme_name(office: Office | int | None, name: str, theme_id: int | None = None) -> str:
    """Return the cleaned theme name, or raise DomainError if it is empty, too long or taken."""
    office_id = office.id if isinstance(office, Office) else office
    name = " ".join((name or "").split())
    if not name:
        raise DomainError("theme_name_missing", field="name")
    if len(name) > THEME_NAME_MAX:
        raise DomainError("theme_name_too_long", field="name", max=THEME_NAME_MAX)
    taken = db.session.scalar(
        sa.select(CommentTheme.id).where(
            CommentTheme.office_id == office_id,
            sa.func.lower(CommentTheme.name) == name.lower(),
            CommentTheme.id != (theme_id or 0),
        )
    )
    if taken is not None:
        raise DomainError("theme_name_taken", field="name", name=name)
    return name
