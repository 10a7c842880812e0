"""The rules for survey questions and versions, as codes; and the refusal every operation raises.

A ``Problem`` is a code (``"options_too_few"``), the field it belongs to (``"options"``,
``"options-2-key"``: the third filled answer) and named parameters. The panel turns codes into
texts in the staff's language (``admin/problems.py``); nothing here is a sentence.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from ..enums import QuestionType
from ..models import Question, SurveyVersion

KEY_RE = re.compile(r"^[a-z0-9_]{1,64}$")
CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTI)
SCALE_POINTS = 5
SHOW_IF_KEYS = frozenset({"question", "min", "max"})


@dataclasses.dataclass(frozen=True)
class Problem:
    """One broken rule: a code, the field it is about (or None), and the code's parameters."""

    code: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    """An operation was refused; ``code`` and ``params`` say why, ``problems`` list the details."""

    def __init__(
        self, code: str, field: str | None = None, problems: Iterable[Problem] = (), **params: Any
    ):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params
        self.problems = list(problems)

    def __str__(self) -> str:
        return self.code if not self.params else f"{self.code} {self.params}"


def check_question(
    question: Question,
    others: Iterable[Question] = (),
    *,
    earlier_keys: dict[str, int] | None = None,
    new: bool = False,
) -> list[Problem]:
    """Return what is wrong with one question among ``others`` of its version; empty when fine.

    ``new``: the key is being chosen now, so it must be free in this version and never used by an
    earlier one (``earlier_keys``: key -> the newest earlier version number that used it).
    """
    problems: list[Problem] = []
    others = list(others)
    key = question.key or ""
    if not KEY_RE.match(key):
        problems.append(Problem("key_format", "key"))
    elif new and key in {q.key for q in others}:
        problems.append(Problem("key_taken", "key", {"key": key}))
    elif new and earlier_keys is not None and key in earlier_keys:
        problems.append(
            Problem("key_used_earlier", "key", {"key": key, "number": earlier_keys[key]})
        )
    if not (question.texts or {}).get("pl", "").strip():
        problems.append(Problem("text_pl_missing", "text_pl"))
    if question.type == QuestionType.DEPARTMENT and any(
        q.type == QuestionType.DEPARTMENT for q in others
    ):
        problems.append(Problem("department_twice", "type"))
    if question.type in CHOICE_TYPES:
        options = question.options or []
        keys = [o.get("key", "") for o in options]
        for n, option in enumerate(options):
            option_key = option.get("key", "")
            if not KEY_RE.match(option_key):
                problems.append(Problem("option_key_format", f"options-{n}-key"))
            elif keys.count(option_key) > 1:
                problems.append(
                    Problem("option_key_repeated", f"options-{n}-key", {"key": option_key})
                )
            if not (option.get("texts") or {}).get("pl", "").strip():
                problems.append(Problem("option_text_pl_missing", f"options-{n}-pl"))
        if len(options) < 2:
            problems.append(Problem("options_too_few", "options"))
        if (
            question.type == QuestionType.MULTI
            and question.max_picks
            and question.max_picks > len(options)
        ):
            problems.append(
                Problem(
                    "max_picks_over_options",
                    "max_picks",
                    {"picks": question.max_picks, "count": len(options)},
                )
            )
    if question.type == QuestionType.RATING:
        for lang, labels in (question.scale or {}).items():
            if (
                not isinstance(labels, list)
                or len(labels) != SCALE_POINTS
                or not all(isinstance(label, str) and label.strip() for label in labels)
            ):
                problems.append(Problem("scale_incomplete", f"scale_{lang}", {"lang": lang}))
    if question.group:
        if question.type != QuestionType.RATING:
            problems.append(Problem("group_not_rating", "group"))
        elif not KEY_RE.match(question.group):
            problems.append(Problem("group_key_format", "group"))
        elif not (question.group_texts or {}).get("pl", "").strip():
            problems.append(Problem("group_text_pl_missing", "group_text_pl"))
    return problems


def show_if_targets(question: Question | None, questions: Iterable[Question]) -> list[Question]:
    """Return the questions ``question``'s condition may refer to: the rating questions before it.

    ``questions`` are the version's questions (``question`` among them or not); a new question
    (``None``, or one with no position yet) comes after all of them.
    """
    ordered = sorted(questions, key=lambda q: q.position if q.position is not None else 0)
    position = question.position if question is not None else None
    return [
        q
        for q in ordered
        if q is not question
        and (question is None or q.key != question.key)
        and q.type == QuestionType.RATING
        and (position is None or (q.position if q.position is not None else 0) < position)
    ]


def check_show_if(question: Question, ordered: Sequence[Question]) -> list[Problem]:
    """Return what is wrong with the question's condition (``show_if``); empty when fine or none.

    ``ordered``: the version's questions in their order, ``question`` among them at its place.
    A condition is ``{"question": key, "min": m, "max": n}``: shown only when the answer to an
    earlier rating question of the same version is within m..n (1 <= m <= n <= 5), so the resident
    has answered it before the question appears, and the frozen version keeps its meaning.
    """
    condition = question.show_if
    if condition is None:
        return []
    if not isinstance(condition, dict) or set(condition) != SHOW_IF_KEYS:
        return [Problem("show_if_format", "show_if_question")]
    key, low, high = condition["question"], condition["min"], condition["max"]
    problems: list[Problem] = []
    if not isinstance(key, str) or not key:
        problems.append(Problem("show_if_format", "show_if_question"))
    elif key == question.key:
        problems.append(Problem("show_if_self", "show_if_question"))
    else:
        index = next((n for n, q in enumerate(ordered) if q is question), len(ordered))
        target = next((q for q in ordered if q is not question and q.key == key), None)
        if target is None:
            problems.append(Problem("show_if_unknown", "show_if_question", {"key": key}))
        elif target.type != QuestionType.RATING:
            problems.append(Problem("show_if_not_rating", "show_if_question", {"key": key}))
        elif ordered.index(target) > index:
            problems.append(Problem("show_if_not_earlier", "show_if_question", {"key": key}))
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
        problems.append(Problem("show_if_range", "show_if_min", {"points": SCALE_POINTS}))
    elif not 1 <= low <= high <= SCALE_POINTS:
        problems.append(Problem("show_if_range", "show_if_min", {"points": SCALE_POINTS}))
    return problems


def dependants_of(key: str, questions: Iterable[Question]) -> list[Question]:
    """Return the questions whose condition refers to the question with this key."""
    return [q for q in questions if q.show_if and (q.show_if or {}).get("question") == key]


def check_version(version: SurveyVersion) -> list[Problem]:
    """Return what stops the version from being published; empty when it can be.

    A question's problems carry its key as the parameter ``question``.
    """
    problems: list[Problem] = []
    questions = sorted(version.questions, key=lambda q: q.position)
    if not (version.title or {}).get("pl", "").strip():
        problems.append(Problem("title_pl_missing", "title_pl"))
    if not questions:
        problems.append(Problem("no_questions"))
    for key, n in Counter(q.key for q in questions).items():
        if n > 1:
            problems.append(Problem("key_repeated", None, {"key": key, "count": n}))
    if sum(q.type == QuestionType.DEPARTMENT for q in questions) > 1:
        problems.append(Problem("department_twice", "type"))
    for q in questions:
        problems += [
            Problem(p.code, p.field, {**p.params, "question": q.key})
            for p in check_question(q) + check_show_if(q, questions)
        ]
    # A grid is a run of rating questions sharing a group: its rows must stand together.
    seen: set[str] = set()
    previous = None
    for q in questions:
        if q.group and q.group != previous:
            if q.group in seen:
                problems.append(Problem("grid_split", "group", {"group": q.group}))
            seen.add(q.group)
        previous = q.group
    return problems
