"""Check one response against its office's survey: the public API, the hosted page and paper entry.

``validate_submission`` turns a parsed body into a clean ``Submission`` or raises
``SubmissionError`` (an HTTP status, a code from ``collector.messages``, and per-question codes).
Storing it is ``collector.storage``'s job.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Container, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError

from . import messages
from .enums import QuestionType, VersionStatus
from .extensions import db
from .models import Question, utcnow
from .office_cache import OfficeContext, VersionInfo, get_cache
from .schemas import (
    RESPONSE_FIELD_CODES,
    AnswersSchema,
    ResponseSchema,
    StaffEntrySchema,
    build_answers_schema,
)


class SubmissionError(Exception):
    """A response was refused: an HTTP status, a code, and messages for the resident."""

    def __init__(
        self,
        status: int,
        code: str,
        field_codes: dict[str, str] | None = None,
        field_params: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.field_codes = dict(field_codes or {})
        self.field_params = dict(field_params or {})

    @property
    def message(self) -> str:
        return messages.error_message(self.code, "pl")

    def message_in(self, lang: str) -> str:
        """Return the overall message in ``lang``."""
        return messages.error_message(self.code, lang)

    def fields_in(self, lang: str) -> dict[str, str]:
        """Return question key -> message in ``lang``."""
        return {
            key: messages.field_message(code, lang, **self.field_params.get(key, {}))
            for key, code in self.field_codes.items()
        }

    @property
    def fields(self) -> dict[str, str]:
        return self.fields_in("pl")

    @property
    def fields_en(self) -> dict[str, str]:
        return self.fields_in("en")


@dataclass(frozen=True)
class Submission:
    """A checked response to one office's version, ready to store."""

    id: uuid.UUID
    office_id: int
    version: VersionInfo  # .id, .number, .status, .retired_at of the answered version
    lang: str
    channel: str
    department_key: str | None
    answers: dict[str, Any] = field(
        default_factory=dict
    )  # key -> int | "na" | str | sorted list[str]
    question_types: Mapping[str, str] = field(default_factory=dict, compare=False)  # key -> type

    def content_hash(self) -> str:
        """Return the SHA-256 of the normalized content, to tell a replay from another response."""
        canonical = json.dumps(
            {
                "office": self.office_id,
                "version": self.version.number,
                "lang": self.lang,
                "channel": self.channel,
                "answers": self.answers,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class QuestionRule:
    """What one question accepts, as plain values (safe to keep across sessions and threads)."""

    key: str
    type: str
    required: bool
    allow_na: bool
    max_picks: int | None
    max_length: int
    options: tuple[str, ...]


@dataclass(frozen=True)
class VersionRules:
    """What a version's questions accept; versions are frozen once published, so this is cached."""

    questions: tuple[QuestionRule, ...]
    types: dict[str, str]
    params: dict[str, dict[str, Any]]
    department_keys: tuple[str, ...]  # keys of department questions, whose options are live


def get_version_rules(version_id: int) -> VersionRules:
    """Return the answer rules of a version (cached until the configuration changes)."""
    cache = get_cache("rules")
    rules = cache.get(version_id)
    if rules is None:
        rows = db.session.scalars(
            sa.select(Question)
            .where(Question.version_id == version_id)
            .order_by(Question.position, Question.id)
        ).all()
        questions = tuple(
            QuestionRule(
                key=q.key,
                type=q.type,
                required=q.required,
                allow_na=q.allow_na,
                max_picks=q.max_picks,
                max_length=q.max_length or 2000,
                options=tuple(q.option_keys()),
            )
            for q in rows
        )
        rules = VersionRules(
            questions=questions,
            types={q.key: q.type for q in questions},
            params={
                q.key: {"max": q.max_picks or len(q.options) or 1, "max_length": q.max_length}
                for q in questions
            },
            department_keys=tuple(q.key for q in questions if q.type == QuestionType.DEPARTMENT),
        )
        if len(cache) > 512:
            cache.clear()
        cache[version_id] = rules
    return rules


def optional_rules(rules: VersionRules) -> VersionRules:
    """Return the rules with every question optional (a paper questionnaire is entered as it is)."""
    return replace(rules, questions=tuple(replace(q, required=False) for q in rules.questions))


def get_answers_schema(
    rules: VersionRules, version_id: int, department_options: tuple[str, ...]
) -> AnswersSchema:
    """Return the (cached) answers schema for a version and the office's current departments."""
    cache = get_cache("schemas")
    key = (version_id, department_options, any(q.required for q in rules.questions))
    schema = cache.get(key)
    if schema is None:
        options = {
            q.key: list(department_options)
            if q.type == QuestionType.DEPARTMENT
            else list(q.options)
            for q in rules.questions
        }
        schema = build_answers_schema(list(rules.questions), options)
        if len(cache) > 512:
            cache.clear()
        cache[key] = schema
    return schema


def is_answerable(version: VersionInfo | None, now: datetime) -> bool:
    """Tell whether responses to the version are accepted: published, or retired within the grace."""
    if version is None or version.status not in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
        return False
    if version.status == VersionStatus.RETIRED:
        grace = timedelta(hours=current_app.config.get("RETIRED_GRACE_HOURS", 24))
        return version.retired_at is not None and now - version.retired_at <= grace
    return True


def find_version(context: OfficeContext, number: int) -> VersionInfo:
    """Return the office's version ``number`` if it accepts responses now, else raise SubmissionError."""
    version = context.version(number)
    if version is None:
        raise SubmissionError(400, "unknown_version")
    if not is_answerable(version, utcnow()):
        raise SubmissionError(400, "version_retired")
    return version


def _first_error_code(errors: Container[str]) -> str:
    for name, code in RESPONSE_FIELD_CODES.items():
        if name in errors:
            return code
    return "unknown_field"


def _field_code(problem: Any) -> str:
    # marshmallow gives a list of messages, or a dict for nested values; ours are codes.
    while isinstance(problem, (list, dict)) and problem:
        problem = problem[0] if isinstance(problem, list) else next(iter(problem.values()))
    return (
        problem
        if isinstance(problem, str) and messages.is_field_code(problem)
        else "unknown_question"
    )


_response_schema = ResponseSchema()
_staff_entry_schema = StaffEntrySchema()


def validate_submission(
    context: OfficeContext, data: Any, *, staff_entry: bool = False
) -> Submission:
    """Check a parsed response body against the office's survey; return the clean values.

    ``staff_entry`` is for a paper questionnaire typed in by staff in the panel: the channel must
    be ``paper`` and the anti-bot checks (honeypot, fill time) are skipped; the answers are checked
    exactly as for residents. The public API never sets it, so it keeps refusing ``paper``.
    """
    if not isinstance(data, dict):
        raise SubmissionError(400, "not_an_object")
    try:
        envelope = (_staff_entry_schema if staff_entry else _response_schema).load(data)
    except ValidationError as exc:
        raise SubmissionError(400, _first_error_code(exc.messages)) from None
    if not staff_entry:
        if envelope["website"].strip():
            raise SubmissionError(400, "honeypot")
        if envelope["elapsed_ms"] < current_app.config.get("MIN_FILL_SECONDS", 2) * 1000:
            raise SubmissionError(400, "too_fast")
    return check_answers(context, envelope, blanks_allowed=staff_entry)


def check_answers(
    context: OfficeContext, envelope: dict[str, Any], *, blanks_allowed: bool = False
) -> Submission:
    """Check the answers against the version they answer; return the Submission.

    ``blanks_allowed`` (paper entry): a question left blank on paper stays blank, required or not.
    """
    version = find_version(context, envelope["version"])
    rules = get_version_rules(version.id)
    if blanks_allowed:
        rules = optional_rules(rules)
    answers_in = envelope["answers"]
    department_options: tuple[str, ...] = ()
    if rules.department_keys:
        for key in rules.department_keys:
            picked = answers_in.get(key)
            if isinstance(picked, str) and not context.has_department(picked):
                break  # unknown even after a fresh look: the schema refuses it with its own message
        department_options = context.department_keys  # as known after that look
    schema = get_answers_schema(rules, version.id, department_options)
    try:
        loaded = schema.load(answers_in)
    except ValidationError as exc:
        codes = {key: _field_code(problem) for key, problem in exc.messages_dict.items()}
        params = {key: rules.params[key] for key in codes if key in rules.params}
        raise SubmissionError(400, "invalid_answers_content", codes, params) from None
    # Attributes are q0, q1… in question order; give them their keys back.
    answers = {rules.questions[int(name[1:])].key: value for name, value in loaded.items()}
    department_key = next((answers[k] for k in rules.department_keys if k in answers), None)
    return Submission(
        id=envelope["id"],
        office_id=context.id,
        version=version,
        lang=envelope["lang"],
        channel=envelope["channel"],
        department_key=department_key,
        answers=answers,
        question_types=rules.types,
    )
