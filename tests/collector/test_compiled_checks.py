"""The compiled answer checks agree with the marshmallow schema they replace on the write path.

Thousands of generated answer sets (fixed seed), valid and invalid, complete and partial (a step
of the one-click flow or an update by id), with a conditional question: both must accept or refuse
the same set, with the same clean values and the same code for every question.
"""

from __future__ import annotations

import random

import pytest
from flask import Flask

from collector.enums import QuestionType
from collector.validation import (
    QuestionRule,
    VersionRules,
    check_conditions,
    compile_answers,
    load_answers_with_schema,
)

QUESTIONS = (
    QuestionRule("overall", QuestionType.RATING, True, False, None, 2000, ()),
    QuestionRule("department", QuestionType.DEPARTMENT, False, False, None, 2000, ()),
    QuestionRule("resolved", QuestionType.SINGLE, True, False, None, 2000, ("tak", "nie", "czesc")),
    QuestionRule("politeness", QuestionType.RATING, False, True, None, 2000, ()),
    QuestionRule("waiting", QuestionType.RATING, True, True, None, 2000, ()),
    QuestionRule(
        "what_went_wrong",
        QuestionType.MULTI,
        True,
        False,
        2,
        2000,
        ("kolejka", "uprzejmosc", "informacja", "termin"),
        show_if=("overall", 1, 2),
    ),
    QuestionRule(
        "why_low", QuestionType.TEXT, False, False, None, 40, (), show_if=("overall", 1, 2)
    ),
    QuestionRule("purpose", QuestionType.MULTI, False, False, None, 2000, ("a", "b", "c")),
    QuestionRule("comment", QuestionType.TEXT, False, False, None, 60, ()),
)
RULES = VersionRules(
    questions=QUESTIONS,
    types={q.key: q.type for q in QUESTIONS},
    params={},
    department_keys=("department",),
    conditions={q.key: q.show_if for q in QUESTIONS if q.show_if is not None},
)
DEPARTMENTS = ("komunikacja", "podatki", "other")

ODD_VALUES = (None, True, False, 0, -1, 6, 2**70, 3.0, 2.5, "", " ", "3", "na", "NA", [], {}, [1])


def odd_text(rng: random.Random) -> str:
    pieces = ["Zażółć", " ", "\n", "\r\n", "\t", "\x00", "\x07", "\ud800", "\u200b", "a", "ї"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))


def value_for(rng: random.Random, question: QuestionRule, valid: float):
    """Return a likely valid answer with probability ``valid``, else something odd."""
    kind = question.type
    if rng.random() < valid:
        if kind == QuestionType.RATING:
            return rng.choice([1, 2, 3, 4, 5, "na"])
        if kind == QuestionType.DEPARTMENT:
            return rng.choice(DEPARTMENTS)
        if kind == QuestionType.SINGLE:
            return rng.choice(question.options)
        if kind == QuestionType.MULTI:
            return rng.sample(question.options, rng.randint(0, len(question.options)))
        if valid > 0.9:
            return rng.choice(["Dziękujemy", "  dobrze  ", "Zażółć\r\ngęślą", "x" * 40])
        return rng.choice(["Dziękujemy", "  dobrze  ", "", "   ", "x" * rng.randint(30, 70)])
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(ODD_VALUES)
    if roll < 0.6:
        return odd_text(rng)
    if roll < 0.8:
        pool = [*question.options, "zzz", 1, None, "a", "tak"]
        return [rng.choice(pool) for _ in range(rng.randint(0, 5))]
    return rng.choice([{"a": 1}, [["a"]], rng.randint(-5, 10), "podatki", "kolejka"])


def generate(rng: random.Random) -> dict:
    """Return an answer set: half of them nearly clean (most accepted), half anything goes."""
    clean = rng.random() < 0.5
    valid = 0.99 if clean else 0.5
    answers = {}
    for question in QUESTIONS:
        if clean and question.show_if is not None and answers.get("overall") not in (1, 2):
            continue
        if rng.random() < (0.9 if clean else 0.75):
            answers[question.key] = value_for(rng, question, valid)
    if not clean and rng.random() < 0.2:
        answers[rng.choice(["unknown", "q0", "fields", "load", "Overall"])] = rng.choice(ODD_VALUES)
    return answers


@pytest.fixture(scope="module")
def app_context():
    with Flask(__name__).app_context():
        yield


def test_the_compiled_checks_and_marshmallow_agree_on_thousands_of_answer_sets(app_context):
    rng = random.Random(20261130)
    compiled = {
        partial: compile_answers(RULES, DEPARTMENTS, partial=partial) for partial in (False, True)
    }
    outcomes = {"accepted": 0, "refused": 0}
    codes_seen: set[str] = set()
    for _ in range(4000):
        answers_in = generate(rng)
        partial = rng.random() < 0.4  # a response not finished yet: a step, or an update by id
        expected = load_answers_with_schema(RULES, 1, DEPARTMENTS, answers_in, partial=partial)
        got = compiled[partial].load(answers_in)
        assert got[0] == expected[0], answers_in
        assert got[1] == expected[1], answers_in
        for answers, codes in (got, expected):
            codes.update(check_conditions(RULES, answers, codes, partial=partial))
        assert got[1] == expected[1], answers_in
        outcomes["refused" if got[1] else "accepted"] += 1
        codes_seen.update(got[1].values())
    # The generator reaches both outcomes and every kind of problem, or the test proves little.
    assert min(outcomes.values()) > 500, outcomes
    assert codes_seen >= {
        "required_rating",
        "required_choice",
        "required_multi",
        "not_a_rating",
        "out_of_range",
        "na_not_allowed",
        "not_an_option",
        "unknown_option",
        "unknown_department",
        "not_a_list",
        "duplicate_option",
        "too_many",
        "not_text",
        "control_chars",
        "too_long",
        "unknown_question",
        "condition_not_met",
    }, codes_seen


ENVELOPE_ODD = (None, True, False, 0, -1, 1, 2**31, 2**31 - 1, 1.0, "", "pl", "x", [], {}, ["pl"])
GOOD_ENVELOPE = {
    "id": "0b7f4a52-3c1e-4d8a-9f00-123456789abc",
    "version": 1,
    "lang": "en",
    "channel": "widget",
    "elapsed_ms": 4000,
    "website": "",
    "answers": {"overall": 4},
    "completed": False,
}
ODD_IDS = (
    "00000000-0000-0000-0000-000000000000",
    "0B7F4A52-3C1E-4D8A-9F00-123456789ABC",
    "{0b7f4a52-3c1e-4d8a-9f00-123456789abc}",
    "urn:uuid:0b7f4a52-3c1e-4d8a-9f00-123456789abc",
    "0b7f4a523c1e4d8a9f00123456789abc",
    "0b7f4a52-3c1e-4d8a-9f00-123456789ab",
    "not-a-uuid",
    12345,
)


def test_the_compiled_envelope_check_and_marshmallow_agree(app_context):
    from collector.validation import SubmissionError, load_envelope, load_envelope_with_schema

    rng = random.Random(1130)
    outcomes = {"accepted": 0, "refused": 0}
    codes_seen: set[str] = set()

    def outcome(check, body):
        try:
            return "ok", check(body)
        except SubmissionError as exc:
            return exc.code, None

    for _ in range(3000):
        body = dict(GOOD_ENVELOPE)
        for _change in range(rng.choice([0, 0, 1, 1, 2, 3])):
            field = rng.choice([*GOOD_ENVELOPE, "extra", "Id"])
            roll = rng.random()
            if roll < 0.2:
                body.pop(field, None)
            elif field == "id" and roll < 0.6:
                body["id"] = rng.choice(ODD_IDS)
            elif field == "channel" and roll < 0.6:
                body["channel"] = rng.choice(["hosted", "kiosk", "paper", "qr", "WIDGET"])
            elif field == "lang" and roll < 0.6:
                body["lang"] = rng.choice(["pl", "uk", "de", "PL"])
            else:
                body[field] = rng.choice(ENVELOPE_ODD)
        expected = outcome(load_envelope_with_schema, body)
        got = outcome(load_envelope, body)
        assert got == expected, body
        outcomes["accepted" if got[0] == "ok" else "refused"] += 1
        codes_seen.add(got[0])
    assert min(outcomes.values()) > 500, outcomes
    assert codes_seen >= {
        "ok",
        "invalid_id",
        "invalid_version",
        "invalid_lang",
        "invalid_channel",
        "invalid_elapsed",
        "invalid_answers",
        "invalid_website",
        "invalid_completed",
        "unknown_field",
    }, codes_seen
