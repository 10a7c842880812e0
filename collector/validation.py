"""Check one response against its office's survey: the public API, the hosted page and paper entry.

``validate_submission`` turns a parsed body into a clean ``Submission`` or raises
``SubmissionError`` (an HTTP status, a code from ``collector.messages``, and per-question codes).
Storing it is ``collector.storage``'s job.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError

from . import messages
from .enums import QuestionType, VersionStatus
from .extensions import db
from .masking import mask_personal_data
from .models import LANGUAGES, NA, Question, utcnow
from .office_cache import OfficeContext, VersionInfo, get_cache
from .schemas import (
    MAX_VERSION,
    PUBLIC_CHANNELS,
    REQUIRED_BY_TYPE,
    RESPONSE_FIELD_CODES,
    AnswersSchema,
    ResponseSchema,
    StaffEntrySchema,
    build_answers_schema,
    has_control_chars,
    normalize_text,
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
    completed: bool = True  # the resident reached the end (absent in the body: true)
    # key -> (condition's question, min, max) of the version's conditional questions
    conditions: Mapping[str, tuple[str, int, int]] = field(default_factory=dict, compare=False)

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
    show_if: tuple[str, int, int] | None = None  # (rating question's key, min, max)


@dataclass(frozen=True)
class VersionRules:
    """What a version's questions accept; versions are frozen once published, so this is cached."""

    questions: tuple[QuestionRule, ...]
    types: dict[str, str]
    params: dict[str, dict[str, Any]]
    department_keys: tuple[str, ...]  # keys of department questions, whose options are live
    conditions: dict[str, tuple[str, int, int]]  # conditional question's key -> its show_if


def read_show_if(value: Any) -> tuple[str, int, int] | None:
    """Return a stored ``show_if`` as (question, min, max), or None if it is none or unreadable."""
    if not isinstance(value, dict):
        return None
    key, low, high = value.get("question"), value.get("min"), value.get("max")
    if not isinstance(key, str) or not isinstance(low, int) or not isinstance(high, int):
        return None
    return key, int(low), int(high)


def is_shown(condition: tuple[str, int, int] | None, answers: Mapping[str, Any]) -> bool:
    """Tell whether a question with ``condition`` is shown, given the (checked) answers.

    The condition holds when its rating question was answered with a number from min to max;
    unanswered or "nie dotyczy" means the question is not shown.
    """
    if condition is None:
        return True
    key, low, high = condition
    value = answers.get(key)
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


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
                show_if=read_show_if(q.show_if),
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
            conditions={q.key: q.show_if for q in questions if q.show_if is not None},
        )
        if len(cache) > 512:
            cache.clear()
        cache[version_id] = rules
    return rules


def optional_rules(rules: VersionRules) -> VersionRules:
    """Return the rules with every question optional (a paper questionnaire is entered as it is)."""
    return replace(rules, questions=tuple(replace(q, required=False) for q in rules.questions))


def get_answers_schema(
    rules: VersionRules,
    version_id: int,
    department_options: tuple[str, ...],
    *,
    partial: bool = False,
) -> AnswersSchema:
    """Return the (cached) answers schema for a version and the office's current departments.

    ``partial``: for a response not completed yet, which need not answer the required questions.
    """
    cache = get_cache("schemas")
    # Staff entry checks the same version with every question optional (``optional_rules``).
    key = (version_id, department_options, partial, any(q.required for q in rules.questions))
    schema = cache.get(key)
    if schema is None:
        options = {
            q.key: list(department_options)
            if q.type == QuestionType.DEPARTMENT
            else list(q.options)
            for q in rules.questions
        }
        schema = build_answers_schema(list(rules.questions), options, partial=partial)
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
    if staff_entry:
        try:
            envelope = _staff_entry_schema.load(data)
        except ValidationError as exc:
            raise SubmissionError(400, _first_error_code(exc.messages)) from None
    else:
        envelope = load_envelope(data)
    submission = check_answers(context, envelope, blanks_allowed=staff_entry)
    # The anti-bot checks come after the answers': a person who sends an empty form at once is
    # told which answers are missing, not that the form looks automated.
    if not staff_entry:
        # The hidden field is never typed into by a person: anything in it, whitespace included,
        # means a program filled the form in.
        if envelope["website"]:
            raise SubmissionError(400, "honeypot")
        if envelope["elapsed_ms"] < current_app.config.get("MIN_FILL_SECONDS", 2) * 1000:
            raise SubmissionError(400, "too_fast")
    return submission


def load_envelope_with_schema(data: dict[str, Any]) -> dict[str, Any]:
    """Check the body with marshmallow's ``ResponseSchema``: the reference for ``load_envelope``."""
    try:
        return _response_schema.load(data)
    except ValidationError as exc:
        raise SubmissionError(400, _first_error_code(exc.messages)) from None


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
    # A response the resident has not finished yet (the one-click overall rating, a step) need not
    # answer the required questions; every answer it does give is checked all the same.
    partial = not envelope.get("completed", True)
    checks = get_compiled_answers(rules, version.id, department_options, partial=partial)
    answers, codes = checks.load(answers_in)
    if rules.conditions:
        codes.update(check_conditions(rules, answers, codes, partial=partial or blanks_allowed))
    if codes:
        order = {q.key: n for n, q in enumerate(rules.questions)}
        codes = dict(sorted(codes.items(), key=lambda item: order.get(item[0], len(order))))
        params = {key: rules.params[key] for key in codes if key in rules.params}
        raise SubmissionError(400, "invalid_answers_content", codes, params)
    # Personal data typed into a comment is masked here, before anything stores it.
    answers = {
        k: mask_personal_data(v) if rules.types[k] == QuestionType.TEXT else v
        for k, v in answers.items()
    }
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
        completed=envelope.get("completed", True),
        conditions=rules.conditions,
    )


def load_answers_with_schema(
    rules: VersionRules,
    version_id: int,
    department_options: tuple[str, ...],
    answers_in: Any,
    *,
    partial: bool,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Check the answers with the marshmallow schema: the reference the compiled checks must match
    (tests/collector/test_compiled_checks.py)."""
    schema = get_answers_schema(rules, version_id, department_options, partial=partial)
    codes: dict[str, str] = {}
    try:
        loaded = schema.load(answers_in)
    except ValidationError as exc:
        codes = {key: _field_code(problem) for key, problem in exc.messages_dict.items()}
        loaded = exc.valid_data if isinstance(exc.valid_data, dict) else {}
    # Attributes are q0, q1… in question order; give them their keys back.
    answers = {rules.questions[int(name[1:])].key: value for name, value in loaded.items()}
    return answers, codes


def check_conditions(
    rules: VersionRules, answers: Mapping[str, Any], codes: Mapping[str, str], *, partial: bool
) -> dict[str, str]:
    """Return the problems of conditional questions: answered while hidden, or required and missing.

    ``codes`` are problems found already (a question's own, or its condition's, come first).
    """
    problems: dict[str, str] = {}
    for question in rules.questions:
        if question.show_if is None or question.key in codes or question.show_if[0] in codes:
            continue
        code = condition_problem_code(question, answers, partial=partial)
        if code is not None:
            problems[question.key] = code
    return problems


def condition_problem_code(
    question: QuestionRule, answers: Mapping[str, Any], *, partial: bool
) -> str | None:
    """Return what is wrong with a conditional question's answer, or None.

    A question whose condition is false must not be answered (``condition_not_met``); a required
    one is required only while its condition holds (and the response is to be complete).
    """
    shown = is_shown(question.show_if, answers)
    if not shown and question.key in answers:
        return "condition_not_met"
    if shown and question.required and not partial and question.key not in answers:
        return REQUIRED_BY_TYPE[QuestionType(question.type)]
    return None


# -- precompiled answer checks ----------------------------------------------------------------------
#
# marshmallow builds a schema per version and walks it for every response (about half a
# millisecond). The checks below are the same rules as plain closures, built once per frozen
# version (and the office's current departments) and kept in the API cache beside the office's
# context. tests/collector/test_compiled_checks.py fuzzes both with thousands of payloads and
# requires the same accept/refuse and the same codes; the marshmallow schema stays the reference
# and the source of the OpenAPI document.

_NO_ANSWER = object()
AnswerCheck = Callable[[Any], Any]  # returns the clean value, or raises _Refused(code)


class _Refused(Exception):
    __slots__ = ("code",)

    def __init__(self, code: str) -> None:
        self.code = code


def _rating_check(allow_na: bool) -> AnswerCheck:
    def check(value: Any) -> Any:
        if value.__class__ is int:
            if 1 <= value <= 5:
                return value
            raise _Refused("out_of_range")
        if isinstance(value, str) and value == NA:
            if allow_na:
                return NA
            raise _Refused("na_not_allowed")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _Refused("not_a_rating")
        if not 1 <= value <= 5:
            raise _Refused("out_of_range")
        return value

    return check


def _choice_check(options: frozenset[str], unknown: str) -> AnswerCheck:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise _Refused("not_an_option")
        if value not in options:
            raise _Refused(unknown)
        return value

    return check


def _multi_check(options: frozenset[str], max_picks: int) -> AnswerCheck:
    def check(value: Any) -> Any:
        if not isinstance(value, list):
            raise _Refused("not_a_list")
        for item in value:
            if not isinstance(item, str) or item not in options:
                raise _Refused("unknown_option")
        if len(set(value)) != len(value):
            raise _Refused("duplicate_option")
        if len(value) > max_picks:
            raise _Refused("too_many")
        return sorted(value)

    return check


def _text_check(max_length: int) -> AnswerCheck:
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            raise _Refused("not_text")
        text = normalize_text(value)
        if not text.isprintable() and has_control_chars(text):
            raise _Refused("control_chars")
        if len(text) > max_length:
            raise _Refused("too_long")
        return text

    return check


@dataclass(frozen=True)
class CompiledQuestion:
    key: str
    position: int
    check: AnswerCheck
    required_code: str | None  # the code when it is missing, None when it may be
    null_code: str  # the code for a JSON null
    drops_blank: str | None  # "text" or "multi": blank text / an empty list count as unanswered


class CompiledAnswers:
    """The answer checks of one version (with the office's departments): ``load`` is marshmallow's
    ``AnswersSchema.load`` without marshmallow: the clean answers by key and the codes by key."""

    def __init__(self, questions: tuple[CompiledQuestion, ...]) -> None:
        self.questions = questions
        self.by_key = {q.key: q for q in questions}
        self.unknown_code = "unknown_question"

    def load(self, answers_in: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        by_key = self.by_key
        loaded: dict[str, Any] = {}
        codes: dict[str, str] = {}
        for key in answers_in:
            if key not in by_key:
                codes[key] = self.unknown_code
        for question in self.questions:
            value = answers_in.get(question.key, _NO_ANSWER)
            if value is not _NO_ANSWER and question.drops_blank is not None:
                if question.drops_blank == QuestionType.TEXT:
                    if isinstance(value, str) and not normalize_text(value):
                        value = _NO_ANSWER
                elif isinstance(value, list) and not value:
                    value = _NO_ANSWER
            if value is _NO_ANSWER:
                if question.required_code is not None:
                    codes[question.key] = question.required_code
                continue
            if value is None:
                codes[question.key] = question.null_code
                continue
            try:
                loaded[question.key] = question.check(value)
            except _Refused as refused:
                codes[question.key] = refused.code
        return loaded, codes


def compile_answers(
    rules: VersionRules, department_options: tuple[str, ...], *, partial: bool
) -> CompiledAnswers:
    """Build the plain checks of a version's answers (what ``build_answers_schema`` checks)."""
    compiled = []
    for position, q in enumerate(rules.questions):
        kind = q.type
        required = q.required and not partial and q.show_if is None
        required_code = REQUIRED_BY_TYPE[QuestionType(kind)] if required else None
        drops_blank: str | None = None
        check: AnswerCheck
        if kind == QuestionType.RATING:
            check, null_code = _rating_check(q.allow_na), "not_a_rating"
        elif kind == QuestionType.SINGLE:
            check, null_code = (
                _choice_check(frozenset(q.options), "unknown_option"),
                "not_an_option",
            )
        elif kind == QuestionType.DEPARTMENT:
            check = _choice_check(frozenset(department_options), "unknown_department")
            null_code = "not_an_option"
        elif kind == QuestionType.MULTI:
            check = _multi_check(frozenset(q.options), q.max_picks or len(q.options))
            null_code, drops_blank = "not_a_list", QuestionType.MULTI
        elif kind == QuestionType.TEXT:
            check, null_code = _text_check(q.max_length or 2000), "not_text"
            drops_blank = QuestionType.TEXT
        else:
            raise ValueError(f"unknown question type {kind!r}")
        compiled.append(
            CompiledQuestion(q.key, position, check, required_code, null_code, drops_blank)
        )
    return CompiledAnswers(tuple(compiled))


_ENVELOPE_FIELDS = frozenset(
    ("id", "version", "lang", "channel", "elapsed_ms", "website", "answers", "completed")
)
_LANGUAGES = frozenset(LANGUAGES)
_PUBLIC_CHANNELS = frozenset(PUBLIC_CHANNELS)


def _is_strict_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def load_envelope(data: dict[str, Any]) -> dict[str, Any]:
    """Check a resident's response body as ``ResponseSchema().load`` does, without marshmallow;
    raise SubmissionError 400 with the same code (the first problem in ``RESPONSE_FIELD_CODES``'s
    order, else ``unknown_field``). The fuzz test keeps the two in agreement."""
    bad: set[str] = set()
    raw_id = data.get("id")
    response_id: uuid.UUID | None = None
    if isinstance(raw_id, str):
        try:
            response_id = uuid.UUID(raw_id)
        except ValueError:
            bad.add("id")
        else:
            if response_id.int == 0:
                bad.add("id")
    else:
        bad.add("id")
    version: Any = data.get("version")
    if not _is_strict_int(version) or not 1 <= version <= MAX_VERSION:
        bad.add("version")
    lang = data.get("lang", "pl")
    if not isinstance(lang, str) or lang not in _LANGUAGES:
        bad.add("lang")
    channel = data.get("channel", "widget")
    if not isinstance(channel, str) or channel not in _PUBLIC_CHANNELS:
        bad.add("channel")
    elapsed: Any = data.get("elapsed_ms")
    if not _is_strict_int(elapsed) or elapsed < 0:
        bad.add("elapsed_ms")
    website = data.get("website", "")
    if not isinstance(website, str):
        bad.add("website")
    answers: Any = data.get("answers")
    if not isinstance(answers, dict):
        bad.add("answers")
    completed = data.get("completed", True)
    if not isinstance(completed, bool):
        bad.add("completed")
    if bad:
        raise SubmissionError(400, _first_error_code(bad))
    if not _ENVELOPE_FIELDS.issuperset(data):
        raise SubmissionError(400, "unknown_field")
    return {
        "id": response_id,
        "version": version,
        "lang": lang,
        "channel": channel,
        "elapsed_ms": elapsed,
        "website": website,
        "answers": dict(answers),
        "completed": completed,
    }


def get_compiled_answers(
    rules: VersionRules, version_id: int, department_options: tuple[str, ...], *, partial: bool
) -> CompiledAnswers:
    """Return the version's compiled checks, built once and kept in the API cache."""
    cache = get_cache("compiled")
    # Staff entry checks the same version with every question optional (``optional_rules``).
    key = (version_id, department_options, partial, any(q.required for q in rules.questions))
    checks = cache.get(key)
    if checks is None:
        checks = compile_answers(rules, department_options, partial=partial)
        if len(cache) > 512:
            cache.clear()
        cache[key] = checks
    return checks
