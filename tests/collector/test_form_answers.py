"""The one reader of posted form answers, shared by the hosted page and paper entry."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from collector.form_answers import read_form_answers

QUESTIONS = [
    ("overall", "rating"),
    ("resolved", "single"),
    ("department", "department"),
    ("purpose", "multi"),
    ("comment", "text"),
]
UNANSWERED = object()

CASES = [
    # (case, posted fields, question key, what the API gets)
    ("rating as an int", [("overall", "4")], "overall", 4),
    ("rating nie dotyczy", [("overall", "na")], "overall", "na"),
    ("rating out of range stays a number", [("overall", "7")], "overall", 7),
    ("rating in words stays text", [("overall", "dobrze")], "overall", "dobrze"),
    ("rating blank is unanswered", [("overall", "")], "overall", UNANSWERED),
    ("rating absent is unanswered", [], "overall", UNANSWERED),
    ("single choice as its key", [("resolved", "tak")], "resolved", "tak"),
    ("department as its key", [("department", "usc")], "department", "usc"),
    (
        "multi as a list",
        [("purpose", "wniosek"), ("purpose", "skarga")],
        "purpose",
        ["wniosek", "skarga"],
    ),
    ("multi of one is a list", [("purpose", "wniosek")], "purpose", ["wniosek"]),
    ("multi nothing picked is unanswered", [], "purpose", UNANSWERED),
    ("text kept", [("comment", "Za mało krzeseł.")], "comment", "Za mało krzeseł."),
    # Where the hosted page's and paper entry's old parsers differed:
    (
        "multi blank picks dropped (paper kept them)",
        [("purpose", ""), ("purpose", "wniosek")],
        "purpose",
        ["wniosek"],
    ),
    (
        "multi only blank picks is unanswered (paper sent [''])",
        [("purpose", "")],
        "purpose",
        UNANSWERED,
    ),
    (
        "text trimmed, CRLF as one line end (paper kept it raw)",
        [("comment", "  Długo\r\nczekałem. \r\n")],
        "comment",
        "Długo\nczekałem.",
    ),
    (
        "text of spaces is unanswered (paper sent it)",
        [("comment", "  \r\n ")],
        "comment",
        UNANSWERED,
    ),
    ("rating in non-ASCII digits stays text (paper made it 3)", [("overall", "٣")], "overall", "٣"),
    ("rating in superscript digits stays text (paper crashed)", [("overall", "²")], "overall", "²"),
    (
        "rating of ten digits stays text (paper made it a number)",
        [("overall", "0000000004")],
        "overall",
        "0000000004",
    ),
    ("rating with spaces around is trimmed", [("overall", " 5 ")], "overall", 5),
]


@pytest.mark.parametrize("case, posted, key, expected", CASES, ids=[c[0] for c in CASES])
def test_a_form_answer_is_read_as_the_api_expects_it(case, posted, key, expected):
    answers = read_form_answers(MultiDict(posted), QUESTIONS)

    if expected is UNANSWERED:
        assert key not in answers
    else:
        assert answers[key] == expected
        assert type(answers[key]) is type(expected)


def test_a_prefix_names_the_fields_and_the_answers_keep_the_question_keys():
    form = MultiDict(
        [("q-overall", "3"), ("overall", "5"), ("q-purpose", "wniosek"), ("q-comment", "Ok")]
    )

    answers = read_form_answers(form, QUESTIONS, prefix="q-")

    assert answers == {"overall": 3, "purpose": ["wniosek"], "comment": "Ok"}


def test_fields_of_no_question_are_ignored():
    answers = read_form_answers(
        MultiDict([("token", "x"), ("website", "spam"), ("overall", "2")]), QUESTIONS
    )

    assert answers == {"overall": 2}


def test_missing_required_names_blank_required_questions_that_were_shown():
    from types import SimpleNamespace

    from collector.form_answers import missing_required

    def q(key, required=True, show_if=None):
        return SimpleNamespace(key=key, required=required, show_if=show_if)

    questions = [
        q("overall"),
        q("department"),
        q("comment", required=False),
        q("what_wrong", show_if={"question": "overall", "min": 1, "max": 2}),
    ]
    assert missing_required(questions, {"overall": 5}) == ["department"]
    assert missing_required(questions, {"overall": 1}) == ["department", "what_wrong"]
    assert missing_required(questions, {}) == ["overall", "department"]
    assert missing_required(questions, {"overall": 4, "department": "usc"}) == []
