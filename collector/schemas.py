"""The public API's marshmallow schemas: the response body, its answers, the survey document.

Validators raise ``ValidationError`` whose message is a short code (``"out_of_range"``); the
codes are turned into Polish, English and Ukrainian sentences by ``collector.messages``.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable
from typing import Any, cast

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, types, validate

from .enums import Channel, QuestionType
from .models import LANGUAGES, NA

# "paper" is typed in by staff, never posted publicly.
PUBLIC_CHANNELS = tuple(channel for channel in Channel.values() if channel != Channel.PAPER)
MAX_VERSION = 2**31 - 1
ALLOWED_CONTROLS = {"\n", "\t"}


def _codes(code: str, *names: str) -> types.ErrorMessages:
    return {name: code for name in names}


def _not_nil(value: uuid.UUID) -> None:
    if value.int == 0:
        raise ValidationError("invalid_id")


class StrictBoolean(fields.Boolean):
    """A JSON true or false, nothing else (not 1, "true" or null)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class ResponseSchema(Schema):
    """A resident's response as the widget and the hosted page post it."""

    class Meta:
        unknown = RAISE

    id = fields.UUID(
        required=True,
        validate=_not_nil,
        error_messages=_codes("invalid_id", "required", "null", "invalid", "invalid_uuid"),
        metadata={"description": "Client-generated UUID; the idempotency key."},
    )
    version = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(1, MAX_VERSION, error="invalid_version"),
        error_messages=_codes("invalid_version", "required", "null", "invalid"),
        metadata={"description": "The survey version number that was answered."},
    )
    lang = fields.String(
        load_default="pl",
        validate=validate.OneOf(LANGUAGES, error="invalid_lang"),
        error_messages=_codes("invalid_lang", "null", "invalid"),
    )
    channel = fields.String(
        load_default="widget",
        validate=validate.OneOf(PUBLIC_CHANNELS, error="invalid_channel"),
        error_messages=_codes("invalid_channel", "null", "invalid"),
    )
    elapsed_ms = fields.Integer(
        strict=True,
        required=True,
        validate=validate.Range(min=0, error="invalid_elapsed"),
        error_messages=_codes("invalid_elapsed", "required", "null", "invalid"),
        metadata={"description": "How long the form was open; under 2000 is refused."},
    )
    website = fields.String(
        load_default="",
        error_messages=_codes("invalid_website", "null", "invalid"),
        metadata={"description": "Honeypot: must be empty."},
    )
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        required=True,
        error_messages=_codes("invalid_answers", "required", "null", "invalid"),
        metadata={
            "description": 'Question key → answer: 1–5 or "na" for a rating, '
            "an option key, a list of option keys, or text."
        },
    )
    completed = StrictBoolean(
        load_default=True,
        error_messages=_codes("invalid_completed", "null", "invalid"),
        metadata={
            "description": "Whether the resident reached the end of the survey. Absent means true, "
            "so a client that posts the whole form at once is counted as complete; the widget "
            "sends false with the one-click overall rating and true on the last step."
        },
    )


class StaffEntrySchema(ResponseSchema):
    """A paper questionnaire typed in by staff in the panel: channel ``paper`` only."""

    channel = fields.String(
        load_default="paper",
        validate=validate.OneOf(("paper",), error="invalid_channel"),
        error_messages=_codes("invalid_channel", "null", "invalid"),
    )
    elapsed_ms = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(min=0, error="invalid_elapsed"),
        error_messages=_codes("invalid_elapsed", "null", "invalid"),
    )
    completed = StrictBoolean(
        load_default=True,
        validate=validate.Equal(True, error="invalid_completed"),
        error_messages=_codes("invalid_completed", "null", "invalid"),
    )


# The order in which problems with the envelope are reported, first one wins.
RESPONSE_FIELD_CODES = {
    "id": "invalid_id",
    "version": "invalid_version",
    "lang": "invalid_lang",
    "channel": "invalid_channel",
    "elapsed_ms": "invalid_elapsed",
    "answers": "invalid_answers",
    "website": "invalid_website",
    "completed": "invalid_completed",
}


class RatingAnswer(fields.Field):
    """A rating: an integer 1–5, or "na" ("nie dotyczy") when the question allows it."""

    default_error_messages = _codes("not_a_rating", "null", "invalid")

    def __init__(self, *, allow_na: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.allow_na = allow_na

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | str:
        if value == NA and isinstance(value, str):
            if not self.allow_na:
                raise ValidationError("na_not_allowed")
            return NA
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError("not_a_rating")
        if not 1 <= value <= 5:
            raise ValidationError("out_of_range")
        return value


class ChoiceAnswer(fields.Field):
    """One option key out of a known set."""

    default_error_messages = _codes("not_an_option", "null", "invalid")

    def __init__(
        self, *, options: Iterable[str], unknown: str = "unknown_option", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.options = frozenset(options)
        self.unknown = unknown

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("not_an_option")
        if value not in self.options:
            raise ValidationError(self.unknown)
        return value


class MultiAnswer(fields.Field):
    """A list of distinct option keys, at most ``max_picks`` of them."""

    default_error_messages = _codes("not_a_list", "null", "invalid")

    def __init__(self, *, options: Iterable[str], max_picks: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.options = frozenset(options)
        self.max_picks = max_picks

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if not isinstance(value, list):
            raise ValidationError("not_a_list")
        if any(not isinstance(item, str) or item not in self.options for item in value):
            raise ValidationError("unknown_option")
        if len(set(value)) != len(value):
            raise ValidationError("duplicate_option")
        if len(value) > self.max_picks:
            raise ValidationError("too_many")
        return sorted(value)


def has_control_chars(text: str) -> bool:
    """Tell whether the text holds control characters (other than newline and tab) or lone surrogates."""
    return any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in ALLOWED_CONTROLS
        for ch in text
        if not ch.isprintable()
    )


class TextAnswer(fields.Field):
    """Free text: trimmed, line ends made \\n, at most ``max_length`` characters, no control characters."""

    default_error_messages = _codes("not_text", "null", "invalid")

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("not_text")
        text = normalize_text(value)
        if has_control_chars(text):
            raise ValidationError("control_chars")
        if len(text) > self.max_length:
            raise ValidationError("too_long")
        return text


def normalize_text(value: str) -> str:
    """Return the text trimmed, with Windows and old Mac line ends made \\n."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def is_empty_answer(question_type: str, value: Any) -> bool:
    """Tell whether an answer counts as not given: blank text or an empty list of picks."""
    if question_type == QuestionType.TEXT:
        return isinstance(value, str) and not normalize_text(value)
    if question_type == QuestionType.MULTI:
        return isinstance(value, list) and not value
    return False


class AnswersSchema(Schema):
    """Base of the per-version answer schemas built by ``build_answers_schema``."""

    error_messages = {"unknown": "unknown_question", "type": "invalid_answers"}
    question_types: dict[str, str] = {}

    class Meta:
        unknown = RAISE

    @pre_load
    def drop_empty_answers(self, data: Any, **kwargs: Any) -> Any:
        """Treat blank text and empty lists as unanswered, so "required" reports them."""
        if not isinstance(data, dict):
            return data
        return {
            key: value
            for key, value in data.items()
            if not is_empty_answer(self.question_types.get(key, ""), value)
        }


REQUIRED_BY_TYPE = {  # the code of a required question left unanswered
    QuestionType.RATING: "required_rating",
    QuestionType.SINGLE: "required_choice",
    QuestionType.DEPARTMENT: "required_department",
    QuestionType.MULTI: "required_multi",
    QuestionType.TEXT: "required",
}


def answer_field(question: Any, options: Iterable[str], *, partial: bool = False) -> fields.Field:
    """Return the marshmallow field that checks an answer to ``question``.

    A conditional question (``show_if``) is never required here: whether it is depends on the
    other answers, which ``collector.validation`` checks after loading. ``partial``: a response
    the resident has not finished (``completed`` false), where nothing is required yet.
    """
    kind = question.type
    required = question.required and not partial and not getattr(question, "show_if", None)
    if kind == QuestionType.RATING:
        return RatingAnswer(
            allow_na=question.allow_na,
            required=required,
            data_key=question.key,
            error_messages={"required": "required_rating"},
        )
    if kind == QuestionType.SINGLE:
        return ChoiceAnswer(
            options=options,
            required=required,
            data_key=question.key,
            error_messages={"required": "required_choice"},
        )
    if kind == QuestionType.DEPARTMENT:
        return ChoiceAnswer(
            options=options,
            unknown="unknown_department",
            required=required,
            data_key=question.key,
            error_messages={"required": "required_department"},
        )
    if kind == QuestionType.MULTI:
        keys = list(options)
        return MultiAnswer(
            options=keys,
            max_picks=question.max_picks or len(keys),
            required=required,
            data_key=question.key,
            error_messages={"required": "required_multi"},
        )
    if kind == QuestionType.TEXT:
        return TextAnswer(
            max_length=question.max_length or 2000,
            required=required,
            data_key=question.key,
            error_messages={"required": "required"},
        )
    raise ValueError(f"unknown question type {kind!r}")


def build_answers_schema(
    questions: list[Any], options: dict[str, list[str]], *, partial: bool = False
) -> AnswersSchema:
    """Build the schema that checks the answers to one survey version.

    The attribute names are positional (``q0``, ``q1``…) and the question keys are data keys, so
    a question called ``fields`` or ``load`` cannot clash with the Schema's own attributes.
    """
    declared = {
        f"q{i}": answer_field(q, options.get(q.key, ()), partial=partial)
        for i, q in enumerate(questions)
    }
    # from_dict subclasses the class it is called on; it is typed as returning type[Schema].
    cls = cast(type[AnswersSchema], AnswersSchema.from_dict(declared, name="VersionAnswersSchema"))
    cls.question_types = {q.key: q.type for q in questions}
    return cls()


# The survey document (GET /survey), for the OpenAPI description and a test of the wire format.


class LookSchema(Schema):
    label = fields.String(required=True)
    color = fields.String(required=True, metadata={"example": "#0b5cab"})
    position = fields.String()


class OfficeSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    privacy_url = fields.String(
        required=True, metadata={"description": "The office's information clause."}
    )
    look = fields.Nested(LookSchema, required=True)
    languages = fields.List(fields.String(validate=validate.OneOf(LANGUAGES)))


class OptionSchema(Schema):
    key = fields.String(required=True)
    text = fields.String(required=True)


class ShowIfSchema(Schema):
    question = fields.String(required=True, metadata={"example": "overall"})
    min = fields.Integer(required=True, metadata={"example": 1})
    max = fields.Integer(required=True, metadata={"example": 2})


class QuestionSchema(Schema):
    key = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(QuestionType.values()))
    text = fields.String(required=True)
    required = fields.Boolean(required=True)
    hint = fields.String()
    options = fields.List(
        fields.Nested(OptionSchema), metadata={"description": "single, multi, department"}
    )
    max = fields.Integer(metadata={"description": "multi: most picks allowed"})
    group = fields.String(
        metadata={"description": "rating: a grid is a run of ratings sharing a group"}
    )
    group_text = fields.String()
    allow_na = fields.Boolean(metadata={"description": 'rating: "na" (nie dotyczy) is accepted'})
    scale = fields.List(fields.String(), metadata={"description": "rating: labels of 1..5"})
    max_length = fields.Integer(metadata={"description": "text: most characters allowed"})
    show_if = fields.Nested(
        ShowIfSchema,
        metadata={
            "description": "Shown (and answerable) only when the rating question `question`, "
            "earlier in the survey, was answered with a value from `min` to `max`; absent = always."
        },
    )


class SurveyTextsSchema(Schema):
    """The resident catalog's texts a client needs to show the survey, in the document's language."""

    form = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": "Words around the questions by key (submit, summary, chars_left…); "
            "placeholders like `{count}`, `{max}`, `{max_length}` are filled by the client."
        },
    )
    fields_ = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        data_key="fields",
        metadata={
            "description": "Problem code (as in an error's `field_codes`) → message; "
            "`{max}` and `{max_length}` are the question's limits."
        },
    )
    widget_steps = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": "The widget's step flow: the thanks after the first click (`rating_saved`), "
            "`more`, `step` (`{n}`, `{count}`), `next`, `refused` (this page may not post), `preview`."
        },
    )
    thanks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": "The thanks once the response is stored: `title`, `body`."},
    )


class SurveyDocumentSchema(Schema):
    """The published survey in one language, as GET /survey returns it."""

    office = fields.Nested(OfficeSchema, required=True)
    version = fields.Integer(required=True)
    lang = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    title = fields.String(required=True)
    intro = fields.String()
    questions = fields.List(fields.Nested(QuestionSchema), required=True)
    origin_allowed = fields.Boolean(
        metadata={
            "description": "Only when the request carried an `Origin` header: whether a page at "
            "that origin may post responses to this office (the widget says so before the "
            "resident answers). The document then varies by Origin (`Vary: Origin`, own ETag)."
        }
    )
    texts = fields.Nested(
        SurveyTextsSchema,
        required=True,
        metadata={
            "description": "The texts to show around the survey in `lang`: buttons, hints, error summary, problems."
        },
    )


class StoredSchema(Schema):
    """The answer to a stored response (201), a replay of it or an update by its id (200)."""

    id = fields.UUID(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(["created", "duplicate", "updated"]),
        metadata={
            "description": "created (201): stored now; duplicate (200): the same content again, "
            "nothing changed; updated (200): the response with this id was replaced."
        },
    )


class ErrorSchema(Schema):
    """Every error of the API."""

    error = fields.String(required=True, metadata={"example": "invalid_answers_content"})
    message = fields.String(required=True, metadata={"description": "Polish"})
    message_en = fields.String(required=True)
    message_uk = fields.String(required=True, metadata={"description": "Ukrainian"})
    fields_ = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        data_key="fields",
        metadata={"description": "Question key → Polish message"},
    )
    fields_en = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Question key → English message"},
    )
    fields_uk = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Question key → Ukrainian message"},
    )
    field_codes = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Question key → problem code (e.g. required_rating)"},
    )


# Open data (GET /results, and /wyniki/<slug>/dane.json): the aggregates of a yearly report.


class ResultsLicenceSchema(Schema):
    id = fields.String(required=True, metadata={"example": "CC-BY-4.0"})
    name = fields.String(required=True)
    url = fields.String(required=True)
    attribution = fields.String(
        required=True, metadata={"description": "How to credit the data: the office's name."}
    )


class ResultsOfficeSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)


class ResultsPeriodSchema(Schema):
    start = fields.Date(required=True, metadata={"description": "First day, included."})
    end = fields.Date(required=True, metadata={"description": "Last day, included."})
    timezone = fields.String(required=True, metadata={"example": "Europe/Warsaw"})


class ResultsReportSchema(Schema):
    id = fields.UUID(required=True, metadata={"description": "The archived report's id."})
    reason = fields.String(required=True, metadata={"example": "periodic"})
    created_at = fields.String(required=True, metadata={"description": "When archived (UTC)."})
    lang = fields.String(required=True, metadata={"description": "The labels' language."})
    data_sha256 = fields.String(
        required=True,
        metadata={
            "description": "SHA-256 of the archived report data (canonical JSON), as the archive "
            "records it."
        },
    )
    pdf_sha256 = fields.String(required=True, metadata={"description": "SHA-256 of the PDF."})
    figures = fields.String(
        required=True,
        validate=validate.OneOf(["archived", "recomputed"]),
        metadata={
            "description": "`archived`: the figures are the archive's data; `recomputed`: the "
            "report was archived before its data was kept, so they were counted again."
        },
    )
    figures_sha256 = fields.String(
        required=True,
        metadata={
            "description": "SHA-256 of the data the figures come from: equal to `data_sha256` "
            "when they are the archive's."
        },
    )


class ResultsRowSchema(Schema):
    """One published figure (the CSV's row, without the columns the document says once)."""

    breakdown = fields.String(
        required=True,
        validate=validate.OneOf(["office", "department"]),
        metadata={"description": "`office`: the whole office; `department`: one department."},
    )
    department_key = fields.String(required=True, metadata={"description": "Empty for `office`."})
    department = fields.String(required=True, metadata={"description": "Empty for `office`."})
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["responses", "index", "area", "item"]),
        metadata={
            "description": "`responses`: number of responses (n only); `index`: every grid "
            "item pooled; `area`: one grid's items pooled; `item`: one rating question."
        },
    )
    key = fields.String(required=True, metadata={"description": "The question (or area) key."})
    label = fields.String(required=True, metadata={"description": "Its text in the report."})
    n = fields.Integer(
        required=True,
        metadata={
            "description": "Ratings 1–5 counted, at least 5 (a smaller cell is not published); "
            "for `responses` the number of responses."
        },
    )
    mean = fields.Float(allow_none=True, required=True, metadata={"description": "1–5"})
    satisfied_pct = fields.Float(
        allow_none=True, required=True, metadata={"description": "Share of 4 and 5, 0–100."}
    )
    dissatisfied_pct = fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "Share of 1 and 2, 0–100 (null for departments and the index)."},
    )


class ResultsSchema(Schema):
    """The published aggregates of one archived yearly report."""

    schema = fields.String(required=True, metadata={"example": "ocen-urzad/open-data/1"})
    licence = fields.Nested(ResultsLicenceSchema, required=True)
    office = fields.Nested(ResultsOfficeSchema, required=True)
    period = fields.Nested(ResultsPeriodSchema, required=True)
    report = fields.Nested(ResultsReportSchema, required=True)
    min_cell = fields.Integer(
        required=True, metadata={"description": "No row counts fewer answers (5)."}
    )
    responses = fields.Integer(required=True)
    rows = fields.List(fields.Nested(ResultsRowSchema), required=True)
