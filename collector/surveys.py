"""Offices and their surveys: creation, the published version, and the survey document in a language."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from . import default_survey
from .enums import QuestionType, VersionStatus
from .extensions import db
from .messages import survey_texts
from .models import (
    LANGUAGES,
    Department,
    Office,
    Question,
    Survey,
    SurveyVersion,
    pick_text,
    utcnow,
)


def create_office(
    slug: str,
    name: str,
    *,
    origins: list[str] | None = None,
    departments: list[tuple[str, str, str, str]] | None = None,
    privacy_url: str = "",
) -> Office:
    """Create an office with departments and the default survey, published as version 1."""
    office = Office(
        slug=slug,
        name=name,
        allowed_origins=list(origins or []),
        privacy_url=privacy_url,
        languages=list(LANGUAGES),
    )
    db.session.add(office)
    for position, (key, pl, en, uk) in enumerate(departments or default_survey.DEPARTMENTS):
        db.session.add(
            Department(
                office=office, key=key, name=pl, names={"en": en, "uk": uk}, position=position
            )
        )
    survey = Survey(office=office, name=default_survey.TITLE["pl"])
    version = SurveyVersion(
        survey=survey,
        number=1,
        status=VersionStatus.PUBLISHED,
        published_at=utcnow(),
        title=dict(default_survey.TITLE),
        intro=dict(default_survey.INTRO),
    )
    for position, fields in enumerate(default_survey.default_questions()):
        version.questions.append(Question(position=position, **fields))
    db.session.add(survey)
    db.session.flush()
    return office


def get_office(slug: str) -> Office | None:
    """Return the office with this slug, or None."""
    return db.session.scalar(sa.select(Office).where(Office.slug == slug))


def get_survey(office: Office) -> Survey | None:
    """Return the office's survey (one per office for now)."""
    return db.session.scalar(
        sa.select(Survey).where(Survey.office_id == office.id).order_by(Survey.id)
    )


def get_published_version(office: Office) -> SurveyVersion | None:
    """Return the version residents answer now, or None if nothing is published."""
    return db.session.scalar(
        sa.select(SurveyVersion)
        .join(Survey)
        .where(Survey.office_id == office.id, SurveyVersion.status == VersionStatus.PUBLISHED)
        .order_by(SurveyVersion.published_at.desc())
    )


def get_department_options(office: Office) -> list[dict[str, Any]]:
    """Return the department question's options: the active departments, then "Inny / nie wiem"."""
    departments = db.session.scalars(
        sa.select(Department)
        .where(Department.office_id == office.id, Department.active.is_(True))
        .order_by(Department.position, Department.id)
    ).all()
    options = [{"key": d.key, "texts": {"pl": d.name, **(d.names or {})}} for d in departments]
    return options + [default_survey.OTHER_DEPARTMENT]


def survey_document(office: Office, version: SurveyVersion, lang: str) -> dict[str, Any]:
    """Return the survey as the public API sends it: texts in ``lang``, Polish where missing.

    ``texts`` carries the words around the questions and the answer problems from the resident
    catalog (``collector.messages``), so the widget's bundle keeps only what it shows before.
    """
    department_options = None
    questions = []
    for q in version.questions:
        item: dict[str, Any] = {
            "key": q.key,
            "type": q.type,
            "text": pick_text(q.texts, lang),
            "required": q.required,
        }
        if q.type in {QuestionType.SINGLE, QuestionType.MULTI, QuestionType.DEPARTMENT}:
            if q.type == QuestionType.DEPARTMENT:
                department_options = department_options or get_department_options(office)
                options = department_options
            else:
                options = q.options or []
            item["options"] = [
                {"key": o["key"], "text": pick_text(o.get("texts"), lang)} for o in options
            ]
        if q.type == QuestionType.MULTI:
            item["max"] = q.max_picks or len(item["options"])
        if q.type == QuestionType.RATING:
            if q.group:
                item["group"] = q.group
                item["group_text"] = pick_text(q.group_texts, lang)
            item["allow_na"] = q.allow_na
            item["scale"] = (
                (q.scale or {}).get(lang) or (q.scale or {}).get("pl") or default_survey.SCALE["pl"]
            )
        if q.type == QuestionType.TEXT:
            item["max_length"] = q.max_length
        if q.hint:
            item["hint"] = pick_text(q.hint, lang)
        if q.show_if:
            item["show_if"] = {
                "question": q.show_if["question"],
                "min": q.show_if["min"],
                "max": q.show_if["max"],
            }
        questions.append(item)
    return {
        "office": {
            "slug": office.slug,
            "name": office.name,
            "privacy_url": office.privacy_url or "",
            "look": {
                "label": office.look_label,
                "color": office.look_color,
                "position": office.look_position,
            },
            "languages": list(office.languages or ["pl"]),
        },
        "version": version.number,
        "lang": lang,
        "title": pick_text(version.title, lang),
        "intro": pick_text(version.intro, lang),
        "questions": questions,
        "texts": survey_texts(lang),
    }
