import uuid
from datetime import timedelta

import sqlalchemy as sa

from collector.extensions import db
from collector.models import Answer, Office, Response, User, utcnow
from collector.passwords import verify_password
from collector.surveys import get_published_version, survey_document
from tests.factories import count, create_office


def test_seed_demo_creates_the_demo_office_once(runner):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    office = db.session.scalar(sa.select(Office).where(Office.slug == "demo"))
    assert office.name == "Urząd Miasta Demo"
    assert office.allowed_origins == ["http://demo.test"]
    assert count(Office) == 1


def test_create_office_publishes_the_default_survey_in_three_languages(runner):
    result = runner.invoke(args=["create-office", "leszno", "Urząd Miasta Leszna"])
    assert result.exit_code == 0, result.output
    office = db.session.scalar(sa.select(Office).where(Office.slug == "leszno"))
    version = get_published_version(office)
    assert version.number == 1
    keys = [q.key for q in version.questions]
    assert keys == [
        "overall",
        "department",
        "resolved",
        "service_politeness",
        "service_competence",
        "service_clarity",
        "service_waiting",
        "service_deadline",
        "what_went_wrong",
        "comment",
    ]
    pl, uk = survey_document(office, version, "pl"), survey_document(office, version, "uk")
    assert pl["questions"][1]["text"] == "W którym wydziale załatwiana była sprawa?"
    assert uk["questions"][1]["text"].startswith("У якому відділі")
    assert pl["questions"][1]["options"][-1] == {"key": "other", "text": "Inny / nie wiem"}
    assert [o["key"] for o in pl["questions"][2]["options"]] == ["tak", "czesciowo", "nie"]


def test_create_office_refuses_a_bad_or_taken_slug(runner):
    assert runner.invoke(args=["create-office", "Zły Slug!", "X"]).exit_code != 0
    runner.invoke(args=["create-office", "leszno", "Urząd Miasta Leszna"])
    result = runner.invoke(args=["create-office", "leszno", "Again"])
    assert result.exit_code != 0 and "już istnieje" in result.output


def test_create_user_reads_the_password_from_stdin_and_never_prints_it(runner):
    create_office()
    password = "a very long secret 123"
    result = runner.invoke(
        args=[
            "create-user",
            "Clerk@Demo.test",
            "--role",
            "admin",
            "--office",
            "demo",
            "--password-stdin",
        ],
        input=password + "\n",
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "clerk@demo.test"))
    assert user.role == "admin" and verify_password(user.password_hash, password)
    assert password not in user.password_hash


def test_create_user_asks_twice_and_refuses_short_or_missing_office(runner):
    create_office()
    result = runner.invoke(
        args=["create-user", "a@demo.test", "--role", "admin", "--office", "demo"],
        input="first password 1\nsecond password 2\nfirst password 1\nfirst password 1\n",
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(
        args=[
            "create-user",
            "b@demo.test",
            "--role",
            "admin",
            "--office",
            "demo",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert short.exit_code != 0 and "12 znaków" in short.output
    no_office = runner.invoke(
        args=["create-user", "c@demo.test", "--role", "reviewer", "--password-stdin"],
        input="long enough password\n",
    )
    assert no_office.exit_code != 0


def _add_response(office, version, days_ago: int) -> None:
    at = utcnow() - timedelta(days=days_ago)
    response = Response(
        id=uuid.uuid4(),
        office_id=office.id,
        version_id=version.id,
        submitted_at=at,
        channel="widget",
        content_hash="0" * 64,
    )
    response.answers.append(
        Answer(
            office_id=office.id,
            version_id=version.id,
            submitted_at=at,
            question_key="overall",
            value=4,
        )
    )
    db.session.add(response)
    db.session.commit()


def test_purge_responses_removes_only_old_ones_of_that_office(runner):
    demo, other = create_office(), create_office("other", "Inny Urząd")
    for office in (demo, other):
        version = get_published_version(office)
        _add_response(office, version, days_ago=400)
        _add_response(office, version, days_ago=10)
    result = runner.invoke(args=["purge-responses", "--office", "demo", "--older-than", "365"])
    assert result.exit_code == 0, result.output
    assert "Usunięto 1 " in result.output
    assert count(Response) == 3 and count(Answer) == 3


# ---------------------------------------------------------------------------------------------
# Every command that creates or deletes something writes an audit row, as done by "cli"


def _events(action: str) -> list:
    from collector.models import AuditEvent

    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def test_create_office_writes_an_audit_row_by_the_command_line(runner):
    result = runner.invoke(
        args=["create-office", "leszno", "Urząd Miasta Leszna", "--origin", "https://Leszno.pl/"]
    )
    assert result.exit_code == 0, result.output
    office = db.session.scalar(sa.select(Office).where(Office.slug == "leszno"))
    assert office.allowed_origins == ["https://leszno.pl"]
    [event] = _events("create")
    assert event.user_email == "cli" and event.user_id is None
    assert (
        event.object_type == "Office"
        and event.office_id == office.id
        and event.after["slug"] == "leszno"
    )


def test_create_office_refuses_an_origin_the_panel_would_refuse(runner):
    result = runner.invoke(
        args=["create-office", "leszno", "Urząd", "--origin", "http://leszno.pl"]
    )
    assert result.exit_code != 0 and "origin_not_https" in result.output
    assert count(Office) == 0 and _events("create") == []


def test_create_user_writes_an_audit_row_without_the_password(runner):
    office = create_office()
    password = "a very long secret 123"
    result = runner.invoke(
        args=[
            "create-user",
            "clerk@demo.test",
            "--role",
            "reviewer",
            "--office",
            "demo",
            "--password-stdin",
        ],
        input=password + "\n",
    )
    assert result.exit_code == 0, result.output
    [event] = _events("create")
    assert (
        event.user_email == "cli" and event.object_type == "User" and event.office_id == office.id
    )
    assert event.after["email"] == "clerk@demo.test" and event.after["role"] == "reviewer"
    assert "password_hash" not in event.after and password not in str(event.after)


def test_purge_responses_writes_an_audit_row_with_the_count(runner):
    office = create_office()
    _add_response(office, get_published_version(office), days_ago=400)
    result = runner.invoke(args=["purge-responses", "--office", "demo", "--older-than", "365"])
    assert result.exit_code == 0, result.output
    [event] = _events("response.purge")
    assert event.user_email == "cli" and event.office_id == office.id
    assert event.after["removed"] == 1 and event.after["older_than_days"] == 365


def test_seed_demo_and_demo_admin_write_audit_rows_once(runner):
    for _ in range(2):
        assert runner.invoke(args=["seed-demo"]).exit_code == 0
        assert runner.invoke(args=["ensure-demo-admin"]).exit_code == 0
    created = _events("create")
    assert [e.object_type for e in created] == ["Office", "User"]
    assert {e.user_email for e in created} == {"cli"}
    assert created[0].after["address"] == "ul. Przykładowa 1, 00-001 Demo"
