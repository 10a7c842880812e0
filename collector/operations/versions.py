"""Survey versions: start a draft, edit its details and questions, publish it, discard it.

A published or retired version is frozen: old answers never change meaning. Publishing runs a
caller's ``before_publish`` hook in the same transaction (the panel archives the pre-change
report there: reports/ sits above collector/, so it is passed in, not imported).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from .. import default_survey
from ..audit import Actor, audit_change
from ..enums import QuestionType, VersionStatus
from ..extensions import db
from ..models import Office, Question, Survey, SurveyVersion, utcnow
from ..surveys import get_published_version, get_survey
from .problems import (
    CHOICE_TYPES,
    DomainError,
    Problem,
    check_question,
    check_show_if,
    check_version,
)

QUESTION_COLUMNS = (
    "key",
    "type",
    "required",
    "texts",
    "group",
    "group_texts",
    "hint",
    "options",
    "scale",
    "allow_na",
    "max_picks",
    "max_length",
    "show_if",
)
DEFAULT_MAX_LENGTH = 2000


def get_draft(survey: Survey) -> SurveyVersion | None:
    """Return the survey's draft, if one is being edited."""
    return db.session.scalar(
        sa.select(SurveyVersion).where(
            SurveyVersion.survey_id == survey.id, SurveyVersion.status == VersionStatus.DRAFT
        )
    )


def copy_value(value: Any) -> Any:
    """Return a deep copy of a JSON column's value: a new version never shares a list or dict."""
    if isinstance(value, dict):
        return {k: copy_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_value(v) for v in value]
    return value


def copy_question(question: Question, position: int) -> Question:
    """Return a copy of a question for a new version: same key, same texts, same options."""
    return Question(
        position=position,
        **{column: copy_value(getattr(question, column)) for column in QUESTION_COLUMNS},
    )


def require_draft(version: SurveyVersion) -> None:
    """Refuse (``not_draft``) to change a published or retired version."""
    if version.status != VersionStatus.DRAFT:
        raise DomainError("not_draft", number=version.number, status=version.status)


def start_draft(office: Office, actor: Actor) -> tuple[SurveyVersion, bool]:
    """Return the survey's draft, making it now as a copy of the newest version if there is none.

    Returns (draft, created). One draft at a time: a second "Edytuj" opens the same draft.
    """
    survey = get_survey(office)
    if survey is None:
        raise DomainError("no_survey")
    draft = get_draft(survey)
    if draft is not None:
        return draft, False
    source = get_published_version(office) or db.session.scalar(
        sa.select(SurveyVersion)
        .where(SurveyVersion.survey_id == survey.id)
        .order_by(SurveyVersion.number.desc())
        .limit(1)
    )
    number = (
        db.session.scalar(
            sa.select(sa.func.max(SurveyVersion.number)).where(SurveyVersion.survey_id == survey.id)
        )
        or 0
    ) + 1
    draft = SurveyVersion(
        survey=survey,
        number=number,
        status=VersionStatus.DRAFT,
        created_by_id=actor.user.id if actor.user else None,
        title=copy_value(source.title) if source else dict(default_survey.TITLE),
        intro=copy_value(source.intro) if source else dict(default_survey.INTRO),
    )
    db.session.add(draft)
    for position, question in enumerate(source.questions if source else []):
        draft.questions.append(copy_question(question, position))
    db.session.flush()
    audit_change(
        "survey.draft",
        draft,
        actor=actor,
        office_id=office.id,
        after={"number": number, "copied_from": source.number if source else None},
    )
    return draft, True


def edit_details(
    version: SurveyVersion, title: dict[str, str], intro: dict[str, str], actor: Actor
) -> None:
    """Set the draft's title and introduction (per language; blank languages left out)."""
    require_draft(version)
    title = {lang: text.strip() for lang, text in title.items() if (text or "").strip()}
    intro = {lang: text.strip() for lang, text in intro.items() if (text or "").strip()}
    if not title.get("pl"):
        raise DomainError("title_pl_missing", field="title_pl")
    before = {"title": dict(version.title or {}), "intro": dict(version.intro or {})}
    version.title, version.intro = title, intro
    audit_change(
        "survey.details",
        version,
        actor=actor,
        office_id=version.survey.office_id,
        before=before,
        after={"title": version.title, "intro": version.intro},
    )


def renumber(version: SurveyVersion) -> None:
    """Make the questions' positions 0, 1, 2, ... in their current order."""
    for position, question in enumerate(
        sorted(version.questions, key=lambda q: (q.position, q.id or 0))
    ):
        question.position = position


def keys_of_earlier_versions(version: SurveyVersion) -> dict[str, int]:
    """Return key -> the newest earlier version number that used it."""
    rows = db.session.execute(
        sa.select(Question.key, sa.func.max(SurveyVersion.number))
        .join(SurveyVersion, Question.version_id == SurveyVersion.id)
        .where(SurveyVersion.survey_id == version.survey_id, SurveyVersion.id != version.id)
        .group_by(Question.key)
    ).all()
    return {key: number for key, number in rows}


def suggest_key(version: SurveyVersion, kind: str) -> str:
    """Return a key free in this version and never used in an earlier one, e.g. ``multi_2``."""
    taken = {q.key for q in version.questions} | set(keys_of_earlier_versions(version))
    n = 1
    while f"{kind}_{n}" in taken:
        n += 1
    return f"{kind}_{n}"


def new_question_defaults(kind: str) -> dict[str, Any]:
    """Return the columns a new question of ``kind`` starts with."""
    return {
        "type": kind,
        "scale": copy_value(default_survey.SCALE) if kind == QuestionType.RATING else {},
        "allow_na": kind == QuestionType.RATING,
        "max_length": DEFAULT_MAX_LENGTH,
    }


def question_candidate(values: dict[str, Any], question: Question | None = None) -> Question:
    """Return an unsaved question holding ``values``, cleared of what does not belong to its type.

    ``values``: type, key (a new question only), texts, hint, group_texts (dicts by language),
    required, allow_na, options (``[{"key", "texts"}]``), max_picks, max_length, group, and
    show_if (``{"question", "min", "max"}`` or None; left out, an edited question keeps its own).
    """
    kind = values["type"]
    if "show_if" in values:
        show_if = copy_value(values["show_if"]) or None
    else:
        show_if = copy_value(question.show_if) if question is not None else None
    group = (values.get("group") or "").strip() if kind == QuestionType.RATING else ""
    return Question(
        key=question.key if question is not None else (values.get("key") or "").strip(),
        type=kind,
        texts=dict(values.get("texts") or {}),
        hint=dict(values.get("hint") or {}),
        required=bool(values.get("required")),
        allow_na=bool(values.get("allow_na")) if kind == QuestionType.RATING else False,
        options=copy_value(values.get("options") or []) if kind in CHOICE_TYPES else [],
        max_picks=values.get("max_picks") if kind == QuestionType.MULTI else None,
        max_length=values.get("max_length") or DEFAULT_MAX_LENGTH,
        group=group or None,
        group_texts=dict(values.get("group_texts") or {}) if group else {},
        scale=(question.scale if question is not None and question.scale else None)
        or new_question_defaults(kind)["scale"],
        show_if=show_if,
        position=question.position if question is not None else None,
    )


def check_question_values(
    version: SurveyVersion, values: dict[str, Any], question: Question | None = None
) -> list[Problem]:
    """Return what is wrong with ``values`` as ``question`` (None: a new one) of the draft."""
    others = [q for q in version.questions if question is None or q.id != question.id]
    candidate = question_candidate(values, question)
    earlier = keys_of_earlier_versions(version) if question is None else None
    return [
        *check_question(candidate, others, earlier_keys=earlier, new=question is None),
        *check_show_if(candidate, others),
    ]


def question_snapshot(question: Question) -> dict[str, Any]:
    """Return what the audit log keeps of a question."""
    return {
        "key": question.key,
        "type": question.type,
        "position": question.position,
        "required": question.required,
        "texts": dict(question.texts or {}),
        "options": [o.get("key") for o in question.options or []],
        "max_picks": question.max_picks,
        "allow_na": question.allow_na,
        "group": question.group,
        "show_if": copy_value(question.show_if),
    }


def save_question(
    version: SurveyVersion, values: dict[str, Any], actor: Actor, question: Question | None = None
) -> Question:
    """Add a question to the draft (``question`` None) or change one; refuse ``invalid_question``."""
    require_draft(version)
    problems = check_question_values(version, values, question)
    if problems:
        raise DomainError("invalid_question", problems=problems)
    candidate = question_candidate(values, question)
    created = question is None
    before: dict[str, Any] | None
    if question is None:
        before = None
        question = Question(key=candidate.key, position=len(version.questions))
        version.questions.append(question)
    else:
        before = question_snapshot(question)
    for column in QUESTION_COLUMNS:
        if column != "key":
            setattr(question, column, getattr(candidate, column))
    if question.group:
        # A grid has one title: keep every row of the group in step.
        for other in version.questions:
            if other is not question and other.group == question.group:
                other.group_texts = dict(question.group_texts)
    renumber(version)
    db.session.flush()
    audit_change(
        "survey.question_add" if created else "survey.question_edit",
        question,
        actor=actor,
        office_id=version.survey.office_id,
        before=before,
        after=question_snapshot(question),
    )
    return question


def move_question(question: Question, step: int, actor: Actor) -> bool:
    """Move a question one place up (-1) or down (+1); return whether it moved."""
    version = question.version
    require_draft(version)
    renumber(version)
    ordered = sorted(version.questions, key=lambda q: q.position)
    index = ordered.index(question)
    target = index + step
    if not 0 <= target < len(ordered):
        return False
    before = question.position
    other = ordered[target]
    question.position, other.position = other.position, question.position
    audit_change(
        "survey.question_move",
        question,
        actor=actor,
        office_id=version.survey.office_id,
        before={"position": before},
        after={"position": question.position},
    )
    return True


def delete_question(question: Question, actor: Actor) -> None:
    """Remove a question from the draft."""
    version = question.version
    require_draft(version)
    audit_change(
        "survey.question_delete",
        question,
        actor=actor,
        office_id=version.survey.office_id,
        before=question_snapshot(question),
    )
    version.questions.remove(question)
    renumber(version)


def discard_draft(version: SurveyVersion, actor: Actor) -> None:
    """Delete the draft with its questions."""
    require_draft(version)
    audit_change(
        "survey.discard",
        version,
        actor=actor,
        office_id=version.survey.office_id,
        before={"number": version.number, "questions": [q.key for q in version.questions]},
    )
    db.session.delete(version)


def version_summary(version: SurveyVersion | None) -> dict[str, Any] | None:
    """Return what the audit log keeps of a version."""
    if version is None:
        return None
    return {
        "number": version.number,
        "status": str(version.status),
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "retired_at": version.retired_at.isoformat() if version.retired_at else None,
        "questions": [q.key for q in sorted(version.questions, key=lambda q: q.position)],
    }


def publish_draft(
    office: Office,
    draft: SurveyVersion,
    actor: Actor,
    before_publish: Callable[[SurveyVersion | None], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Publish the draft and retire the current version; flush, do not commit.

    Locks the draft's row first (PostgreSQL): of two clicks on "Opublikuj", the second sees it
    published and is refused (``not_draft``); a draft breaking a rule is refused
    (``invalid_version`` with its problems). ``before_publish(current)`` (None when nothing is published
    yet) runs before the change; what it returns joins the audit row's ``after``. Returns that dict.
    """
    db.session.refresh(draft, with_for_update=True)
    require_draft(draft)
    problems = check_version(draft)
    if problems:
        raise DomainError("invalid_version", problems=problems, number=draft.number)
    current = get_published_version(office)
    before = {
        VersionStatus.PUBLISHED.value: version_summary(current),
        VersionStatus.DRAFT.value: version_summary(draft),
    }
    extra = before_publish(current) if before_publish is not None else {}
    now = utcnow()
    if current is not None:
        current.status = VersionStatus.RETIRED
        current.retired_at = now
    draft.status = VersionStatus.PUBLISHED
    draft.published_at = now
    db.session.flush()
    audit_change(
        "survey.publish",
        draft,
        actor=actor,
        office_id=office.id,
        before=before,
        after={
            VersionStatus.PUBLISHED.value: version_summary(draft),
            VersionStatus.RETIRED.value: version_summary(current),
            **extra,
        },
    )
    return extra
