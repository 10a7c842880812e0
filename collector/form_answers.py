"""Read a posted HTML form's answers into the API's shape: the hosted page and paper entry share it.

Each question's field is named by its key (after an optional prefix). A rating becomes an int, or
stays "na"; a multi choice a list; text is trimmed with line ends made \\n; a blank field is left
out (unanswered). Anything odd is passed on as it came, for ``validate_submission`` to refuse
with the question's own message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from werkzeug.datastructures import MultiDict

from .enums import QuestionType
from .models import NA
from .schemas import normalize_text

MAX_RATING_DIGITS = 9  # longer digit strings are not ratings, and stay text to be refused as such


def read_form_answers(
    form: MultiDict, questions: Iterable[tuple[str, str]], *, prefix: str = ""
) -> dict[str, Any]:
    """Return question key -> answer from ``form`` for ``questions``, given as (key, type) pairs."""
    answers: dict[str, Any] = {}
    for key, kind in questions:
        name = prefix + key
        if kind == QuestionType.MULTI:
            picked = [value.strip() for value in form.getlist(name) if value.strip()]
            if picked:
                answers[key] = picked
            continue
        # Browsers send a textarea's line breaks as CRLF; count them as one character, like the widget.
        value = normalize_text(form.get(name, ""))
        if not value:
            continue
        if kind == QuestionType.RATING and value != NA:
            answers[key] = to_rating(value)
        else:
            answers[key] = value
    return answers


def to_rating(value: str) -> int | str:
    """Return the rating as an int if it is written in ASCII digits, else the text as it came."""
    if value.isascii() and value.isdigit() and len(value) <= MAX_RATING_DIGITS:
        return int(value)
    return value


def missing_required(questions: Iterable[Any], answers: dict[str, Any]) -> list[str]:
    """Return the keys of required questions left blank that the resident was meant to answer.

    ``questions`` are the version's ``Question`` rows; a question shown only after a rating in a
    range (``show_if``) counts as missing only when that rating was given in the range.
    """
    missing = []
    for question in questions:
        if not question.required or question.key in answers:
            continue
        condition = question.show_if
        if condition:
            given = answers.get(condition.get("question"))
            if not isinstance(given, int) or not (
                condition.get("min", 1) <= given <= condition.get("max", 5)
            ):
                continue
        missing.append(question.key)
    return missing
