"""Survey versions in the panel: drafts, their checks, publishing, and the office-data rule.

The office's rule (issue 4, point 6): before the survey or the office's data changes, a report of
the results so far is generated and archived, in the same transaction as the change. Nothing here
knows about HTTP: the views call these functions and show ``PublishError``'s Polish message.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import sqlalchemy as sa

import reports
from collector import default_survey
from collector.extensions import db
from collector.models import Office, Question, Report, Survey, SurveyVersion, User, utcnow
from collector.surveys import get_published_version, get_survey

KEY_RE = re.compile(r"^[a-z0-9_]{1,64}$")
KEY_RULE = "1–64 znaki: małe litery bez polskich znaków, cyfry lub _"
QUESTION_COLUMNS = ("key", "type", "required", "texts", "group", "group_texts", "hint", "options", "scale",
                    "allow_na", "max_picks", "max_length")
CHOICE_TYPES = ("single", "multi")
TYPE_LABELS = {
    "rating": "ocena 1–5",
    "single": "jednokrotny wybór",
    "multi": "wielokrotny wybór",
    "text": "tekst",
    "department": "wydział",
}
STATUS_LABELS = {"draft": "wersja robocza", "published": "opublikowana", "retired": "wycofana"}


class PublishError(Exception):
    """A draft could not be published (or a change saved); the message says why, in Polish."""


# ---------------------------------------------------------------------------------------------
# Drafts


def get_draft(survey: Survey) -> SurveyVersion | None:
    """Return the survey's draft, if one is being edited."""
    return db.session.scalar(
        sa.select(SurveyVersion).where(SurveyVersion.survey_id == survey.id, SurveyVersion.status == "draft")
    )


def copy_question(question: Question, position: int) -> Question:
    """Return a copy of a question for a new version: same key, same texts, same options."""
    fields = {column: _copy(getattr(question, column)) for column in QUESTION_COLUMNS}
    return Question(position=position, **fields)


def _copy(value: Any) -> Any:
    # JSON columns: a new version must never share a list or dict with the frozen one.
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def start_draft(office: Office, user: User | None) -> tuple[SurveyVersion, bool]:
    """Return the survey's draft, making it now as a copy of the newest version if there is none.

    Returns (draft, created). One draft at a time: a second "Edytuj" opens the same draft.
    """
    survey = get_survey(office)
    if survey is None:
        raise PublishError("Urząd nie ma jeszcze ankiety.")
    draft = get_draft(survey)
    if draft is not None:
        return draft, False
    source = get_published_version(office) or db.session.scalar(
        sa.select(SurveyVersion).where(SurveyVersion.survey_id == survey.id)
        .order_by(SurveyVersion.number.desc()).limit(1)
    )
    number = (db.session.scalar(
        sa.select(sa.func.max(SurveyVersion.number)).where(SurveyVersion.survey_id == survey.id)) or 0) + 1
    draft = SurveyVersion(survey=survey, number=number, status="draft", created_by_id=user.id if user else None,
                          title=_copy(source.title) if source else dict(default_survey.TITLE),
                          intro=_copy(source.intro) if source else dict(default_survey.INTRO))
    db.session.add(draft)
    for position, question in enumerate(source.questions if source else []):
        draft.questions.append(copy_question(question, position))
    db.session.flush()
    from .auditing import audit

    audit("survey.draft", draft, office_id=office.id,
          after={"number": number, "copied_from": source.number if source else None})
    return draft, True


def renumber(version: SurveyVersion) -> None:
    """Make the questions' positions 0, 1, 2, ... in their current order."""
    for position, question in enumerate(sorted(version.questions, key=lambda q: (q.position, q.id or 0))):
        question.position = position


def move_question(question: Question, step: int) -> bool:
    """Move a question one place up (-1) or down (+1); return whether it moved."""
    version = question.version
    renumber(version)
    ordered = sorted(version.questions, key=lambda q: q.position)
    index = ordered.index(question)
    target = index + step
    if not 0 <= target < len(ordered):
        return False
    other = ordered[target]
    question.position, other.position = other.position, question.position
    return True


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
        "scale": _copy(default_survey.SCALE) if kind == "rating" else {},
        "allow_na": kind == "rating",
        "max_length": 2000,
    }


# ---------------------------------------------------------------------------------------------
# Checks before publishing (the form checks each question as it is saved; this checks the whole)


def check_version(version: SurveyVersion) -> list[str]:
    """Return what stops the version from being published, in Polish; empty when it is fine."""
    problems: list[str] = []
    questions = sorted(version.questions, key=lambda q: q.position)
    if not (version.title or {}).get("pl", "").strip():
        problems.append("Ankieta musi mieć tytuł po polsku.")
    if not questions:
        problems.append("Ankieta musi mieć co najmniej jedno pytanie.")
    for key, n in Counter(q.key for q in questions).items():
        if n > 1:
            problems.append(f"Klucz „{key}” powtarza się w {n} pytaniach; każde pytanie potrzebuje własnego klucza.")
    if sum(q.type == "department" for q in questions) > 1:
        problems.append("Ankieta może mieć tylko jedno pytanie o wydział.")
    for q in questions:
        problems += [f"Pytanie „{q.key}”: {message}" for message in check_question_values(q)]
    # A grid is a run of rating questions sharing a group: its rows must stand together.
    seen: set[str] = set()
    previous = None
    for q in questions:
        if q.group and q.group != previous:
            if q.group in seen:
                problems.append(f"Pytania siatki „{q.group}” muszą stać jedno pod drugim; przesuń je razem.")
            seen.add(q.group)
        previous = q.group
    return problems


def check_question_values(q: Question) -> list[str]:
    """Return what is wrong with one question's stored values, in Polish."""
    problems = []
    if not KEY_RE.match(q.key or ""):
        problems.append(f"klucz może mieć {KEY_RULE}.")
    if not (q.texts or {}).get("pl", "").strip():
        problems.append("brak treści pytania po polsku.")
    options = q.options or []
    if q.type in CHOICE_TYPES and len(options) < 2:
        problems.append("pytanie wyboru musi mieć co najmniej dwie odpowiedzi do wyboru.")
    if q.type == "multi" and q.max_picks is not None and q.max_picks > len(options):
        problems.append(f"można wybrać najwyżej {q.max_picks}, a odpowiedzi do wyboru jest {len(options)}.")
    if q.group and q.type != "rating":
        problems.append("siatkę ocen tworzą tylko pytania typu ocena 1–5.")
    return problems


# ---------------------------------------------------------------------------------------------
# Publishing


def version_summary(version: SurveyVersion | None) -> dict[str, Any] | None:
    """Return what the audit log keeps of a version."""
    if version is None:
        return None
    return {"number": version.number, "status": version.status,
            "published_at": version.published_at.isoformat() if version.published_at else None,
            "retired_at": version.retired_at.isoformat() if version.retired_at else None,
            "questions": [q.key for q in sorted(version.questions, key=lambda q: q.position)]}


def publish_draft(office: Office, draft: SurveyVersion, user: User | None) -> Report | None:
    """Archive the current version's pre-change report, publish the draft, retire the current version.

    One transaction: commits when everything succeeded; on any failure rolls back (nothing
    archived, nothing published, nothing retired) and raises PublishError with the reason.
    Returns the archived report (None when there was no published version to report on).
    """
    from .auditing import audit

    try:
        # Lock the draft's row (PostgreSQL): of two clicks on "Opublikuj", the second sees it published.
        db.session.refresh(draft, with_for_update=True)
        if draft.status != "draft":
            raise PublishError(f"Wersja {draft.number} nie jest wersją roboczą, więc nie można jej opublikować.")
        problems = check_version(draft)
        if problems:
            raise PublishError("Nie opublikowano — popraw najpierw: " + " ".join(problems))
        current = get_published_version(office)
        before = {"published": version_summary(current), "draft": version_summary(draft)}
        report = None
        if current is not None:
            try:
                report = reports.archive_pre_change_report(db.session, office, current, user)
            except reports.ReportError as error:
                raise PublishError(f"Nie opublikowano: raport przed zmianą się nie powiódł. {error}") from error
        now = utcnow()
        if current is not None:
            current.status = "retired"
            current.retired_at = now
        draft.status = "published"
        draft.published_at = now
        db.session.flush()
        audit("survey.publish", draft, office_id=office.id, before=before, after={
            "published": version_summary(draft), "retired": version_summary(current),
            "report": str(report.id) if report else None,
        })
        db.session.commit()
    except PublishError:
        db.session.rollback()
        raise
    except sa.exc.SQLAlchemyError as error:
        db.session.rollback()
        raise PublishError("Nie opublikowano: zapis w bazie danych się nie powiódł. Spróbuj ponownie.") from error
    return report


def archive_before_office_change(office: Office, user: User | None) -> Report | None:
    """Archive a pre-change report if responses arrived since the last one; flush, do not commit.

    The report covers the published version's whole period, like the report made before a new
    survey version: a complete, comparable record of results gathered under the old office data.
    Raises PublishError, with the report's reason, when it cannot be made.
    """
    if reports.responses_since_last_report(db.session, office) == 0:
        return None
    current = get_published_version(office)
    try:
        if current is not None:
            return reports.archive_pre_change_report(db.session, office, current, user)
        return _archive_since_last_report(office, user)
    except reports.ReportError as error:
        raise PublishError(f"Nie zapisano: najpierw trzeba zarchiwizować raport z dotychczasowych wyników, "
                           f"a ten się nie powiódł. {error}") from error


def _archive_since_last_report(office: Office, user: User | None) -> Report:
    """Archive a pre-change report from the last report's end (or the first response) to today."""
    from collector.models import Response
    from reports.periods import local_today, to_local

    last_end = db.session.scalar(sa.select(sa.func.max(Report.period_end)).where(Report.office_id == office.id))
    first = db.session.scalar(sa.select(sa.func.min(Response.submitted_at)).where(Response.office_id == office.id))
    start = last_end or (to_local(first).date() if first else local_today())
    return reports.archive_report(db.session, office, period_start=start, period_end=max(start, local_today()),
                                  reason="pre-change", author=user)
