"""Domain operations: the rules as codes, the operations' effects and their audit rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from collector.audit import CLI_ACTOR, Actor
from collector.enums import Channel, Role, VersionStatus
from collector.extensions import db
from collector.models import AuditEvent, Question, SurveyVersion
from collector.operations import DomainError, Problem
from collector.operations import versions as ops
from collector.operations.origins import check_allowed_origin, normalize_origin, origin_or_none
from collector.operations.problems import (
    check_question,
    check_show_if,
    check_version,
    show_if_targets,
)
from collector.operations.users import check_role_change, create_user, set_password
from collector.passwords import verify_password
from tests.factories import create_office, published_version


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


def choice(**fields) -> Question:
    values = {
        "key": "purpose",
        "type": "single",
        "texts": {"pl": "Cel wizyty"},
        "options": [{"key": "a", "texts": {"pl": "A"}}, {"key": "b", "texts": {"pl": "B"}}],
    }
    return Question(**{**values, **fields})


# ---------------------------------------------------------------------------------------------
# Rules


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, []),
        ({"key": "Zły klucz"}, ["key_format"]),
        ({"texts": {"en": "Purpose"}}, ["text_pl_missing"]),
        ({"options": [{"key": "a", "texts": {"pl": "A"}}]}, ["options_too_few"]),
        (
            {"options": [{"key": "a", "texts": {"pl": "A"}}, {"key": "a", "texts": {"pl": "B"}}]},
            ["option_key_repeated", "option_key_repeated"],
        ),
        (
            {"options": [{"key": "A!", "texts": {"pl": "A"}}, {"key": "b", "texts": {}}]},
            ["option_key_format", "option_text_pl_missing"],
        ),
        ({"type": "multi", "max_picks": 3}, ["max_picks_over_options"]),
        ({"group": "grid"}, ["group_not_rating"]),
        ({"type": "rating", "options": [], "group": "grid"}, ["group_text_pl_missing"]),
    ],
)
def test_question_rules_return_codes(fields, expected):
    assert codes(check_question(choice(**fields))) == expected


def test_question_rules_carry_fields_and_params():
    [problem] = check_question(choice(type="multi", max_picks=5))
    assert problem == Problem("max_picks_over_options", "max_picks", {"picks": 5, "count": 2})
    [second] = check_question(
        choice(options=[{"key": "a", "texts": {"pl": "A"}}, {"key": "b!", "texts": {"pl": "B"}}])
    )
    assert second.field == "options-1-key"


def test_a_new_key_must_be_free_now_and_never_used_before():
    other = choice()
    assert codes(check_question(choice(), [other], new=True)) == ["key_taken"]
    [problem] = check_question(choice(), [], earlier_keys={"purpose": 2}, new=True)
    assert problem.code == "key_used_earlier" and problem.params == {"key": "purpose", "number": 2}
    assert check_question(choice(), [other]) == []  # a copied question keeps its key


def test_version_rules_name_the_question():
    version = SurveyVersion(
        number=2,
        title={"en": "Survey"},
        questions=[
            choice(position=0),
            choice(position=1, texts={}),
            Question(key="d1", type="department", texts={"pl": "W"}, position=2),
            Question(key="d2", type="department", texts={"pl": "W"}, position=3),
        ],
    )
    problems = check_version(version)
    assert codes(problems) == [
        "title_pl_missing",
        "key_repeated",
        "department_twice",
        "text_pl_missing",
    ]
    assert problems[1].params == {"key": "purpose", "count": 2}
    assert problems[3].params == {"question": "purpose"}
    assert codes(check_version(SurveyVersion(number=1, title={"pl": "A"}, questions=[]))) == [
        "no_questions"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://WWW.Leszno.pl/", "https://www.leszno.pl"),
        ("https://leszno.pl:443", "https://leszno.pl"),
        ("http://localhost:5001", "http://localhost:5001"),
    ],
)
def test_an_allowed_origin_is_read_one_way(text, expected):
    assert check_allowed_origin(text) == expected == normalize_origin(text)
    assert origin_or_none(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("https://*.leszno.pl", "origin_wildcard"),
        ("https://leszno.pl/rodo", "origin_path"),
        ("https://jan:haslo@leszno.pl", "origin_credentials"),
        ("https://leszno.pl:99999", "origin_port"),
        ("leszno.pl", "origin_not_address"),
        ("https://lesz_no.pl", "origin_host"),
        ("http://leszno.pl", "origin_not_https"),
    ],
)
def test_a_bad_origin_is_refused_with_a_code(text, code):
    with pytest.raises(DomainError) as refused:
        check_allowed_origin(text)
    assert refused.value.code == code and refused.value.params == {"origin": text}
    # The API reads a request's Origin header the same way; only https is a rule of office data.
    assert origin_or_none(text) == ("http://leszno.pl" if code == "origin_not_https" else None)


def test_enums_keep_the_stored_strings_and_have_labels():
    assert VersionStatus.values() == ("draft", "published", "retired")
    assert Channel.values() == ("widget", "page", "qr", "kiosk", "paper") and Role.values() == (
        "admin",
        "reviewer",
        "superadmin",
    )
    assert VersionStatus.RETIRED == "retired" and VersionStatus("draft").msgid == "wersja robocza"
    assert str(Channel.QR.label) == "kod QR w urzędzie"


def test_every_code_has_one_panel_text_in_polish_and_english():
    from admin.problems import IN_QUESTION, TEXTS
    from collector.catalog import get_translations

    english = get_translations("en")
    untranslated = [
        text for text in [*TEXTS.values(), IN_QUESTION] if english.gettext(text) == text
    ]
    assert untranslated == []


def test_role_rules():
    with pytest.raises(DomainError, match="superadmin_only"):
        check_role_change(
            actor_role="admin", role="superadmin", editing_self=False, was_role=None, active=True
        )
    with pytest.raises(DomainError, match="self_demotion"):
        check_role_change(
            actor_role="admin", role="reviewer", editing_self=True, was_role="admin", active=True
        )
    check_role_change(
        actor_role="admin", role="reviewer", editing_self=False, was_role="admin", active=False
    )


# ---------------------------------------------------------------------------------------------
# Operations (on each database)


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_draft_questions_and_publish_are_operations_with_audit_rows(app):
    office = create_office()
    old = published_version(office)
    actor = Actor(email="tester@demo.test")
    draft, created = ops.start_draft(office, actor)
    assert (
        created
        and draft.status == VersionStatus.DRAFT
        and ops.start_draft(office, actor) == (draft, False)
    )
    values = {
        "type": "single",
        "key": "channel_seen",
        "texts": {"pl": "Skąd wiesz?"},
        "options": [
            {"key": "www", "texts": {"pl": "Strona"}},
            {"key": "tv", "texts": {"pl": "TV"}},
        ],
    }
    question = ops.save_question(draft, values, actor)
    assert question.position == len(draft.questions) - 1
    assert ops.move_question(question, -1, actor)
    with pytest.raises(DomainError) as refused:
        ops.save_question(draft, {**values, "key": "overall"}, actor)
    assert refused.value.code == "invalid_question"
    assert codes(refused.value.problems) == ["key_taken"]
    ops.publish_draft(office, draft, actor)
    db.session.commit()
    assert draft.status == "published" and old.status == "retired" and old.retired_at is not None
    with pytest.raises(DomainError, match="not_draft"):
        ops.save_question(draft, values, actor)
    for action in ("survey.draft", "survey.question_add", "survey.question_move", "survey.publish"):
        [event] = events(action)
        assert event.user_email == "tester@demo.test" and event.office_id == office.id


def test_an_invalid_draft_is_not_published(app):
    office = create_office()
    draft, _ = ops.start_draft(office, CLI_ACTOR)
    draft.title = {}
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        ops.publish_draft(office, draft, CLI_ACTOR)
    assert refused.value.code == "invalid_version" and codes(refused.value.problems) == [
        "title_pl_missing"
    ]
    db.session.rollback()
    assert published_version(office).number == 1


def test_users_are_created_and_passwords_set_with_audit_rows(app):
    office = create_office()
    user = create_user(" Jan@Demo.test ", "a long enough password", "admin", office, CLI_ACTOR)
    with pytest.raises(DomainError, match="email_taken"):
        create_user("jan@demo.test", "a long enough password", "admin", office, CLI_ACTOR)
    with pytest.raises(DomainError, match="office_required"):
        create_user("ewa@demo.test", "a long enough password", "reviewer", None, CLI_ACTOR)
    with pytest.raises(DomainError, match="password_too_short"):
        set_password(user, "short", CLI_ACTOR)
    user.failed_logins = 5
    set_password(user, "another long password", CLI_ACTOR)
    db.session.commit()
    assert user.email == "jan@demo.test" and user.failed_logins == 0
    assert verify_password(user.password_hash, "another long password")
    [created] = events("create")
    [password_set] = events("password_set")
    assert created.after["role"] == "admin" and "password_hash" not in created.after
    assert password_set.after == {"password": "***"} and password_set.user_email == "cli"


# ---------------------------------------------------------------------------------------------
# Conditions (show_if)


def rating(key: str, position: int) -> Question:
    return Question(key=key, type="rating", position=position, texts={"pl": key})


FOLLOW_UP_CONDITIONS = [
    ({"question": "overall", "min": 1, "max": 2}, []),
    ({"question": "overall", "min": 3, "max": 3}, []),
    ({"question": "overall", "min": 0, "max": 2}, ["show_if_range"]),
    ({"question": "overall", "min": 4, "max": 2}, ["show_if_range"]),
    ({"question": "overall", "min": 1, "max": 6}, ["show_if_range"]),
    ({"question": "nope", "min": 1, "max": 2}, ["show_if_unknown"]),
    ({"question": "later", "min": 1, "max": 2}, ["show_if_not_earlier"]),
    ({"question": "resolved", "min": 1, "max": 2}, ["show_if_not_rating"]),
    ({"question": "follow_up", "min": 1, "max": 2}, ["show_if_unknown"]),
    ({"question": "overall", "min": "1", "max": 2}, ["show_if_format"]),
    ({"question": "overall", "min": True, "max": 2}, ["show_if_format"]),
    ({"question": "overall", "max": 2}, ["show_if_format"]),
    (["overall", 1, 2], ["show_if_format"]),
]


@pytest.mark.parametrize(("show_if", "expected"), FOLLOW_UP_CONDITIONS)
def test_a_condition_refers_to_an_earlier_rating_with_a_range_within_1_to_5(show_if, expected):
    questions = [
        rating("overall", 0),
        choice(key="resolved", position=1),
        choice(key="follow_up", position=2, show_if=show_if),
        rating("later", 3),
    ]
    follow_up = questions[2]

    assert codes(check_show_if(follow_up, questions)) == expected
    assert [q.key for q in show_if_targets(follow_up, questions)] == ["overall"]


def test_a_condition_moved_above_its_question_stops_the_publication(app):
    office = create_office()
    draft, _ = ops.start_draft(office, CLI_ACTOR)
    follow_up = next(q for q in draft.questions if q.key == "what_went_wrong")
    assert check_version(draft) == []
    for _step in range(len(draft.questions)):
        ops.move_question(follow_up, -1, CLI_ACTOR)

    problems = check_version(draft)

    assert [(p.code, p.params) for p in problems] == [
        ("show_if_not_earlier", {"key": "overall", "question": "what_went_wrong"})
    ]


def test_editing_a_conditional_question_keeps_or_changes_its_condition(app):
    office = create_office()
    draft, _ = ops.start_draft(office, CLI_ACTOR)
    follow_up = next(q for q in draft.questions if q.key == "what_went_wrong")
    values = {
        "type": "multi",
        "texts": {"pl": "Co poszło nie tak?"},
        "options": follow_up.options,
    }

    ops.save_question(draft, values, CLI_ACTOR, follow_up)  # the form does not send show_if
    assert follow_up.show_if == {"question": "overall", "min": 1, "max": 2}
    ops.save_question(
        draft,
        {**values, "show_if": {"question": "overall", "min": 1, "max": 3}},
        CLI_ACTOR,
        follow_up,
    )
    assert follow_up.show_if == {"question": "overall", "min": 1, "max": 3}
    with pytest.raises(DomainError) as refused:
        ops.save_question(
            draft,
            {**values, "show_if": {"question": "comment", "min": 1, "max": 2}},
            CLI_ACTOR,
            follow_up,
        )
    assert codes(refused.value.problems) == ["show_if_not_rating"]
    ops.save_question(draft, {**values, "show_if": None}, CLI_ACTOR, follow_up)
    assert follow_up.show_if is None
