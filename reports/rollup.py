"""The daily roll-up: the answers of closed days counted once, so a report reads days, not answers.

A local (Polish) day is closed once its last response can no longer change: an update by the same
id closes 60 minutes after the first POST, and ``SETTLE`` adds a margin. Rolling a day up stores,
per office and day, the answers' counts at the report's grain (``answer_daily``), the sums a
driver's correlation with the overall rating needs (``pair_daily``) and, in ``rollup_day``, how many
responses the day had. A report trusts a day's roll-up only while that number still matches the
responses the day has (read every time, from the small response table): a late paper entry, a
purge or any other change of a past day makes the day stale, and it is read from the answers again
and rolled up afresh. Hiding or showing a comment forgets its day (``collector.operations.rollup``).
Comments' texts are never rolled up; only their counts, with the hidden flag, are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from collector.enums import QuestionType
from collector.models import Answer, SurveyVersion, answer_daily, pair_daily, rollup_day, utcnow

from .periods import local_midnight_utc, to_local

SETTLE = timedelta(minutes=75)  # updates by id close 60 minutes after the first POST; clock margin
CHUNK_DAYS = 92  # days rolled up by one statement
ROLLUP_LOCK = 0x0C3A  # first key of the PostgreSQL advisory lock taken while rolling up an office


def overall_of_same_response(driver: Any, overall: Any, overall_key: str) -> sa.ColumnElement:
    """Join a driver's answer to the overall rating of the same response (rated, not „nie
    dotyczy”): the pairs of derived importance, read alike from the answers and for the roll-up."""
    return sa.and_(
        overall.response_id == driver.response_id,
        overall.question_key == overall_key,
        overall.value.is_not(None),
    )


def bucket(column: Any, bounds: Sequence[Any], values: Sequence[Any] | None = None) -> Any:
    """Return a balanced CASE giving the index (or ``values[index]``) of the range of ``column``.

    ``bounds`` are the ascending starts of the second, third, ... range; comparing with them needs
    no date function, so the same SQL runs on SQLite and PostgreSQL.
    """

    def leaf(index: int) -> Any:
        if values is None:
            return sa.literal(index, sa.Integer)
        return sa.literal(values[index], sa.Date)

    def build(low: int, high: int) -> Any:
        if low == high:
            return leaf(low)
        middle = (low + high + 1) // 2
        return sa.case(
            (column < bounds[middle - 1], build(low, middle - 1)), else_=build(middle, high)
        )

    return build(0, len(bounds))


@contextmanager
def hash_aggregation(session: Session) -> Iterator[None]:
    """On PostgreSQL, have the next GROUP BY hash its groups, in parallel workers where it can.

    PostgreSQL cannot estimate how many groups a CASE makes, guesses millions and sorts on disk;
    the real count is a few thousand. Inside this block (settings local to the transaction,
    restored after) sorting is switched off, for a hash aggregate, and gathering rows from
    parallel workers is costed as free, so that the workers aggregate their share first.
    """
    if session.get_bind().dialect.name != "postgresql" or session.info.get("hash_aggregation"):
        yield
        return
    # One round trip each way: read the settings and set them in one statement, restore in one.
    before = session.execute(
        sa.text(
            "SELECT current_setting('enable_sort'), current_setting('parallel_tuple_cost'), "
            "set_config('enable_sort', 'off', true), set_config('parallel_tuple_cost', '0', true)"
        )
    ).one()
    session.info["hash_aggregation"] = True
    try:
        yield
    finally:
        session.info.pop("hash_aggregation", None)
        session.execute(
            sa.text(
                "SELECT set_config('enable_sort', :sort, true), "
                "set_config('parallel_tuple_cost', :cost, true)"
            ),
            {"sort": before[0], "cost": before[1]},
        )


def last_closed_day(now: datetime | None = None) -> date:
    """Return the newest local day none of whose responses can change any more."""
    settled = (now or utcnow()) - SETTLE
    return to_local(settled).date() - timedelta(days=1)


@lru_cache(maxsize=4096)
def local_day(utc_date: date | str, late: int) -> date:
    """Return the Polish day of a UTC date's hours: before 22:00 (0), 22:00–23:00 (1), from 23:00 (2).

    Poland is one or two hours ahead of UTC and changes its offset at 01:00 UTC, so a UTC date's
    hours before 22:00 are on the same Polish day, those from 23:00 on the next, and those between
    on the next only in summer time.
    """
    if isinstance(utc_date, str):  # SQLite's date() answers text
        utc_date = date.fromisoformat(utc_date)
    if late == 2 or (late == 1 and to_local(datetime.combine(utc_date, time(22, 30))).hour == 0):
        return utc_date + timedelta(days=1)
    return utc_date


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Return the days as runs of consecutive days, (first, last) each."""
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and out[-1][1] + timedelta(days=1) == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out


def utc_ranges(ranges: Iterable[tuple[date, date]]) -> list[tuple[datetime, datetime]]:
    """Return runs of local days as UTC instants [start, end)."""
    return [(local_midnight_utc(a), local_midnight_utc(b + timedelta(days=1))) for a, b in ranges]


def day_in(column: Any, first: date, last: date) -> Any:
    """Return SQL giving the local day (a date) of a UTC ``column`` known to lie in first..last."""
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return bucket(column, [local_midnight_utc(d) for d in days[1:]], days)


def overall_key_of(version: SurveyVersion) -> str | None:
    """Return the version's overall rating as the report picks it: "overall", else the first rating outside grids."""
    ratings = [q for q in version.questions if q.type == QuestionType.RATING]
    if any(q.key == "overall" for q in ratings):
        return "overall"
    return next((q.key for q in ratings if not q.group), None)


def read_markers(
    session: Session, office_id: int, first: date, last: date
) -> dict[tuple[date, int], int]:
    """Return, per rolled-up (first day, span) of the office between first and last, its responses then."""
    if last < first:
        return {}
    query = sa.select(rollup_day.c.day, rollup_day.c.span, rollup_day.c.responses).where(
        rollup_day.c.office_id == office_id, rollup_day.c.day.between(first, last)
    )
    return {(day, span): count for day, span, count in session.execute(query)}


def whole_months(first: date, last: date) -> list[tuple[date, date]]:
    """Return the calendar months lying wholly within first..last, (first day, last day) each."""
    out: list[tuple[date, date]] = []
    start = first if first.day == 1 else (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    while True:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if end > last:
            return out
        out.append((start, end))
        start = end + timedelta(days=1)


def lock_office(session: Session, office_id: int) -> None:
    """Serialise rolling up one office's days (PostgreSQL; SQLite writes one at a time anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": ROLLUP_LOCK, "b": office_id}
        )


def roll_up(
    session: Session,
    office_id: int,
    versions: dict[int, SurveyVersion],
    months: Iterable[tuple[date, date]],
    days: Iterable[date],
    responses: dict[date, int],
) -> None:
    """Roll up the office's answers of these (closed) whole months and days, replacing what was there.

    ``responses`` is each day's number of responses as just read: it is stored with the span so a
    later change of it is noticed. Writes in the session; the caller commits.
    """
    spans = [(first, last, (last - first).days + 1) for first, last in months]
    for first, last in day_ranges(days):
        while first <= last:
            end = min(last, first + timedelta(days=CHUNK_DAYS - 1))
            spans.append((first, end, 1))
            first = end + timedelta(days=1)
    if not spans:
        return
    lock_office(session, office_id)
    now = utcnow()
    for first, last, span in spans:
        roll_up_range(session, office_id, versions, first, last, span)
        count = (last - first).days + 1
        every = [first + timedelta(days=i) for i in range(count)]
        marks = (
            [(first, sum(responses.get(d, 0) for d in every))]
            if span > 1
            else [(d, responses.get(d, 0)) for d in every]
        )
        session.execute(
            sa.insert(rollup_day),
            [
                {"office_id": office_id, "day": d, "span": span, "responses": n, "rolled_at": now}
                for d, n in marks
            ],
        )


def roll_up_range(
    session: Session,
    office_id: int,
    versions: dict[int, SurveyVersion],
    first: date,
    last: date,
    span: int,
) -> None:
    """Replace the roll-up of the office's days first..last (``span`` 1), or of that whole month.

    One INSERT … SELECT for the answers, one per version for the pairs.
    """
    for table in (answer_daily, pair_daily, rollup_day):
        where = (
            table.c.day.between(first, last) if span == 1 else table.c.day == first,
            table.c.span == span,
        )
        session.execute(sa.delete(table).where(table.c.office_id == office_id, *where))

    def day_of(column: Any, first: date, last: date) -> Any:
        if span > 1:
            return sa.literal(first, sa.Date)
        return day_in(column, first, last)

    low, high = utc_ranges([(first, last)])[0]
    department = sa.func.coalesce(Answer.department_key, "")
    inner = (
        sa.select(
            Answer.office_id,
            day_of(Answer.submitted_at, first, last).label("day"),
            sa.literal(span, sa.Integer).label("span"),
            Answer.version_id,
            Answer.question_key,
            department.label("department_key"),
            Answer.value,
            Answer.option_key,
            Answer.hidden,
        )
        .where(
            Answer.office_id == office_id,
            Answer.submitted_at >= low,
            Answer.submitted_at < high,
        )
        .subquery()
    )
    columns = list(inner.c)
    with hash_aggregation(session):
        session.execute(
            sa.insert(answer_daily).from_select(
                [c.name for c in columns] + ["count"],
                sa.select(*columns, sa.func.count()).group_by(*columns),
            )
        )
        for version_id, version in versions.items():
            overall_key = overall_key_of(version)
            keys = sorted(
                q.key
                for q in version.questions
                if q.type == QuestionType.RATING and q.key != overall_key
            )
            if overall_key is None or not keys:
                continue
            driver, overall = aliased(Answer), aliased(Answer)
            pairs = (
                sa.select(
                    day_of(driver.submitted_at, first, last).label("day"),
                    driver.question_key.label("question_key"),
                    driver.value.label("x"),
                    overall.value.label("y"),
                )
                .join(overall, overall_of_same_response(driver, overall, overall_key))
                .where(
                    driver.office_id == office_id,
                    driver.submitted_at >= low,
                    driver.submitted_at < high,
                    driver.version_id == version_id,
                    driver.question_key.in_(keys),
                    driver.value.is_not(None),
                )
                .subquery()
            )
            x, y = pairs.c.x, pairs.c.y
            session.execute(
                sa.insert(pair_daily).from_select(
                    [
                        "office_id",
                        "span",
                        "version_id",
                        "overall_key",
                        "day",
                        "question_key",
                        "n",
                        "sum_x",
                        "sum_y",
                        "sum_xx",
                        "sum_yy",
                        "sum_xy",
                    ],
                    sa.select(
                        sa.literal(office_id, sa.Integer),
                        sa.literal(span, sa.Integer),
                        sa.literal(version_id, sa.Integer),
                        sa.literal(overall_key, sa.String),
                        pairs.c.day,
                        pairs.c.question_key,
                        sa.func.count(),
                        sa.func.sum(x),
                        sa.func.sum(y),
                        sa.func.sum(x * x),
                        sa.func.sum(y * y),
                        sa.func.sum(x * y),
                    ).group_by(pairs.c.day, pairs.c.question_key),
                )
            )


@dataclass
class Spans:
    """What to read from the roll-up: whole months by their first day, and runs of single days."""

    months: list[date]
    days: list[tuple[date, date]]

    def __bool__(self) -> bool:
        return bool(self.months or self.days)

    def where(self, table: sa.Table) -> Any:
        """Return the condition selecting these spans' rows of a roll-up table."""
        clauses = [sa.and_(table.c.span == 1, table.c.day.between(a, b)) for a, b in self.days]
        if self.months:
            clauses.append(sa.and_(table.c.span > 1, table.c.day.in_(self.months)))
        return sa.or_(*clauses)


def read_rolled_answers(
    session: Session,
    office_id: int,
    version_ids: list[int] | None,
    spans: Spans,
    month_starts: list[date],
) -> list[Any]:
    """Return (version, question, department, month, value, option, hidden, count) summed over rolled-up days."""
    t = answer_daily.c
    clauses = [t.office_id == office_id, spans.where(answer_daily)]
    if version_ids is not None:
        clauses.append(t.version_id.in_(version_ids))
    inner = (
        sa.select(
            t.version_id,
            t.question_key,
            t.department_key,
            bucket(t.day, month_starts).label("month"),
            t.value,
            t.option_key,
            t.hidden,
            t.count,
        )
        .where(*clauses)
        .subquery()
    )
    keys = [c for c in inner.c if c.name != "count"]
    with hash_aggregation(session):
        return list(
            session.execute(sa.select(*keys, sa.func.sum(inner.c.count)).group_by(*keys)).all()
        )


def read_rolled_pairs(
    session: Session,
    office_id: int,
    version_ids: list[int] | None,
    spans: Spans,
    keys: list[str],
    overall_key: str,
) -> dict[str, tuple[int, ...]]:
    """Return, per driver key, (n, Σx, Σy, Σx², Σy², Σxy) summed over rolled-up days."""
    t = pair_daily.c
    clauses = [
        t.office_id == office_id,
        spans.where(pair_daily),
        t.overall_key == overall_key,
        t.question_key.in_(keys),
    ]
    if version_ids is not None:
        clauses.append(t.version_id.in_(version_ids))
    query = (
        sa.select(
            t.question_key,
            sa.func.sum(t.n),
            sa.func.sum(t.sum_x),
            sa.func.sum(t.sum_y),
            sa.func.sum(t.sum_xx),
            sa.func.sum(t.sum_yy),
            sa.func.sum(t.sum_xy),
        )
        .where(*clauses)
        .group_by(t.question_key)
    )
    return {key: tuple(int(v or 0) for v in sums) for key, *sums in session.execute(query)}
