"""The daily roll-up changes no figure: the report data (its SHA-256) read through the roll-up equals
the data read from the answers alone, on the realistic data set and on the short survey's derived
importance; and it stays equal after a late paper entry for a rolled-up day, a comment hidden on
one, a purge, and for a period whose last days are still open."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from collector.audit import CLI_ACTOR
from collector.extensions import db
from collector.models import Answer, Office, answer_daily, pair_daily, rollup_day
from collector.operations import comments as comment_ops
from reports import archive_report
from reports.periods import Period, local_today, to_utc
from reports.queries import Scope, load_versions, read_grain
from reports.rollup import last_closed_day
from reports.sections import build_report_data, data_sha256
from tests.factories import create_office, published_version
from tests.reports.dataset import add_response, build_dataset, local
from tests.reports.test_derived_importance import build_answers

YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))


def raw_sha(office: Office, period: Period, **options) -> str:
    """Return the data's SHA-256 read from the answers alone (the roll-up's marks set aside)."""
    nested = db.session.begin_nested()
    db.session.execute(sa.delete(rollup_day).where(rollup_day.c.office_id == office.id))
    data = build_report_data(db.session, office, period, **options)
    nested.rollback()
    return data_sha256(data)


def rolled_days(office: Office) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(rollup_day)
        .where(rollup_day.c.office_id == office.id)
    )


@pytest.fixture
def dataset(app):
    return build_dataset()


def test_the_rolled_up_report_equals_the_raw_one(dataset):
    office = dataset.office
    before = raw_sha(office, YEAR)
    rolling = build_report_data(db.session, office, YEAR, roll=True)
    db.session.commit()
    assert data_sha256(rolling) == before
    # Both periods' closed days are rolled up, and the next report reads them from the roll-up.
    assert rolled_days(office) == 12 + 12  # both years, month by month
    assert db.session.scalar(sa.select(sa.func.count()).select_from(answer_daily)) > 0
    # The marks hold (the responses per Polish day agree with the days rolled up, across both
    # daylight-saving changes): nothing of the year is read from the answers any more.
    scope = Scope(office, YEAR, load_versions(db.session, office), None)
    grain = read_grain(db.session, scope)
    assert grain.raw == [] and len(grain.rolled.months) == 12
    assert data_sha256(build_report_data(db.session, office, YEAR)) == before
    # Every other shape of report too: a version alone, a quarter, English.
    for options in ({"version_numbers": [1]}, {"lang": "en"}):
        rolled = build_report_data(db.session, office, YEAR, **options)
        assert data_sha256(rolled) == raw_sha(office, YEAR, **options)
    quarter = Period(date(2024, 2, 10), date(2024, 5, 9))
    assert data_sha256(build_report_data(db.session, office, quarter)) == raw_sha(office, quarter)


def test_a_late_paper_entry_for_a_rolled_up_day_is_counted(dataset):
    office = dataset.office
    build_report_data(db.session, office, YEAR, roll=True)
    db.session.commit()
    rolled = build_report_data(db.session, office, YEAR)
    # A questionnaire typed in afterwards, dated on a day already rolled up.
    add_response(
        office,
        dataset.v2,
        local(2024, 6, 3, 11),
        {"overall": 1, "department": "usc", "comment": "Spóźniona ankieta papierowa."},
        channel="paper",
    )
    db.session.commit()
    after = build_report_data(db.session, office, YEAR)
    assert after["responses"]["total"] == rolled["responses"]["total"] + 1
    assert data_sha256(after) == raw_sha(office, YEAR)
    # Rolled up again, the day holds it, and reading the roll-up gives the same data.
    build_report_data(db.session, office, YEAR, roll=True)
    db.session.commit()
    assert data_sha256(build_report_data(db.session, office, YEAR)) == data_sha256(after)


def test_a_comment_hidden_on_a_rolled_up_day_is_counted_as_hidden(dataset):
    office = dataset.office
    build_report_data(db.session, office, YEAR, roll=True)
    db.session.commit()
    before = build_report_data(db.session, office, YEAR)
    comment = db.session.scalars(
        sa.select(Answer).where(
            Answer.office_id == office.id,
            Answer.question_key == "comment",
            Answer.hidden.is_(False),
            Answer.submitted_at >= YEAR.utc_start,
            Answer.submitted_at < YEAR.utc_end,
        )
    ).first()
    comment_ops.hide([comment], "personal_data", CLI_ACTOR)
    db.session.commit()
    after = build_report_data(db.session, office, YEAR)
    assert after["comments"]["hidden"] == before["comments"]["hidden"] + 1
    assert data_sha256(after) == raw_sha(office, YEAR)
    comment_ops.show([comment], CLI_ACTOR)
    db.session.commit()
    assert data_sha256(build_report_data(db.session, office, YEAR, roll=True)) == data_sha256(
        before
    )


def test_derived_importance_is_the_same_from_the_roll_up(app):
    office = create_office("krotka", "Urząd Gminy Krótka")
    version = published_version(office)
    for day, answers in enumerate(build_answers(), start=1):
        add_response(office, version, local(2024, 3, day, 10), answers)
    db.session.commit()
    before = raw_sha(office, YEAR)
    assert data_sha256(build_report_data(db.session, office, YEAR, roll=True)) == before
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(pair_daily)) > 0
    data = build_report_data(db.session, office, YEAR)
    assert data_sha256(data) == before
    assert {i["key"]: i["r"] for i in data["importance"]["items"]}["service_politeness"] == (
        pytest.approx(1.0)
    )


def test_open_days_are_read_from_the_answers(app):
    """Today and the days whose responses may still be updated are never rolled up."""
    office = create_office("dzis", "Urząd Gminy Dziś")
    version = published_version(office)
    today = local_today()
    now = datetime.utcnow()
    for hours in (0, 2, 30, 50):
        add_response(office, version, now - timedelta(hours=hours), {"overall": 4})
    db.session.commit()
    period = Period(today - timedelta(days=5), today)
    before = raw_sha(office, period)
    assert data_sha256(build_report_data(db.session, office, period, roll=True)) == before
    db.session.commit()
    rolled = set(
        db.session.scalars(sa.select(rollup_day.c.day).where(rollup_day.c.office_id == office.id))
    )
    assert rolled and max(rolled) == last_closed_day() < today
    add_response(office, version, now, {"overall": 1})
    db.session.commit()
    assert data_sha256(build_report_data(db.session, office, period)) == raw_sha(office, period)


def test_archiving_a_report_rolls_up_and_keeps_the_hash(dataset):
    office = dataset.office
    before = raw_sha(office, YEAR)
    report = archive_report(
        db.session,
        office,
        period_start=YEAR.start,
        period_end=YEAR.end,
        reason="periodic",
        author=None,
    )
    db.session.commit()
    assert report.data_sha256 == before
    assert rolled_days(office) > 0


def test_a_purge_makes_the_purged_days_stale(dataset):
    from collector.operations.responses import purge_responses

    office = dataset.office
    build_report_data(db.session, office, YEAR, roll=True)
    db.session.commit()
    days = (datetime.utcnow() - to_utc(datetime(2024, 7, 1))).days
    assert purge_responses(office, days, CLI_ACTOR) > 0
    db.session.commit()
    assert data_sha256(build_report_data(db.session, office, YEAR)) == raw_sha(office, YEAR)
