"""The report's reads: a few GROUP BY queries over the answers and responses, tuned per dialect.

The finest grain (version × question × department × month × value/option × hidden) is read once
from the answer table, so no response is ever loaded as an object; ``reports.sections`` sums every
figure from those counts. SQLite groups by sorting and is fastest with one query per month;
PostgreSQL is fastest with one hash-aggregated pass whose month is a CASE over the month bounds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from collector.default_survey import OTHER_DEPARTMENT
from collector.models import (
    Answer,
    CommentTheme,
    Department,
    Office,
    Response,
    Survey,
    SurveyVersion,
    answer_theme,
    pick_text,
)

from . import rollup
from .periods import Period
from .texts import message

COMMENT_LIMIT = 1000  # newest comments printed; the exports carry all of them
NO_DEPARTMENT = ""  # department key of responses that named none


def month_bucket(column: sa.SQLColumnExpression[datetime], bounds: list) -> sa.ColumnElement:
    """Return the index of the period's month holding ``column``: a balanced CASE over local month starts.

    The month starts are computed in Polish time and compared as UTC instants, so bucketing is the
    same on SQLite and PostgreSQL and right across the daylight-saving shifts, with no date functions.
    """
    return cast("sa.ColumnElement", rollup.bucket(column, bounds))


@dataclass
class Scope:
    """The office's versions and the period a report covers."""

    office: Office
    period: Period
    versions: dict[int, SurveyVersion]  # id -> version, every version of the office
    version_ids: list[int] | None  # the versions asked for, or None for all

    def where(self, model: type[Answer] | type[Response]) -> list[sa.ColumnElement]:
        clauses = [
            model.office_id == self.office.id,
            model.submitted_at >= self.period.utc_start,
            model.submitted_at < self.period.utc_end,
        ]
        if self.version_ids is not None:
            clauses.append(model.version_id.in_(self.version_ids))
        return clauses


@dataclass
class Grain:
    """Counts at the finest grain, read from the database."""

    # (version_id, question_key, department_key, month, value or option_key, hidden) -> count
    answers: Counter = field(default_factory=Counter)
    # (version_id, channel, department_key, month) -> responses
    responses: Counter = field(default_factory=Counter)
    missing: int = 0  # paper entries with answers left blank
    rolled: rollup.Spans = field(default_factory=lambda: rollup.Spans([], []))  # from the roll-up
    raw: list[tuple[date, date]] = field(default_factory=list)  # days read from the answers
    _by_key: dict[str, list[tuple[tuple, int]]] | None = field(default=None, repr=False)
    by_value: dict[str, Counter] | None = field(default=None, repr=False)  # see counts_by_key

    def of_key(self, key: str) -> list[tuple[tuple, int]]:
        """Return the answer counts of one question key (indexed once, on first use)."""
        if self._by_key is None:
            self._by_key = {}
            for grain_key, count in self.answers.items():
                self._by_key.setdefault(grain_key[1], []).append((grain_key, count))
        return self._by_key.get(key, [])

    def responses_of(self, version_ids: Iterable[int]) -> int:
        """Return how many responses answered one of the versions."""
        wanted = set(version_ids)
        return sum(c for (v, _c, _d, _m), c in self.responses.items() if v in wanted)


ANSWER_GRAIN = (
    Answer.version_id,
    Answer.question_key,
    Answer.department_key,
    Answer.value,
    Answer.option_key,
    Answer.hidden,
)


def add_answer_rows(grain: Grain, rows: Iterable[Any], month: int | None = None) -> None:
    """Add rows of (version, question, department, [month,] value, option, hidden, count) to the grain."""
    for row in rows:
        if month is None:
            version_id, key, department, month_index, value, option, hidden, count = row
        else:
            (version_id, key, department, value, option, hidden, count), month_index = row, month
        grain.answers[
            (
                version_id,
                key,
                department or NO_DEPARTMENT,
                month_index,
                value if value is not None else option,
                bool(hidden),
            )
        ] += count


def read_answers_by_month_ranges(
    session: Session, scope: Scope, grain: Grain, ranges: list[tuple]
) -> None:
    """Read one GROUP BY per month range: how SQLite, which groups by sorting, does it fastest."""
    clauses = [c for c in scope.where(Answer) if c.left is not Answer.submitted_at]
    for month, (low, high) in ranges:
        query = (
            sa.select(*ANSWER_GRAIN, sa.func.count())
            .where(*clauses, Answer.submitted_at >= low, Answer.submitted_at < high)
            .group_by(*ANSWER_GRAIN)
        )
        add_answer_rows(grain, session.execute(query), month)


def read_answers_in_one_pass(
    session: Session, scope: Scope, grain: Grain, bounds: list, ranges: list[tuple]
) -> None:
    """Read one GROUP BY with the month as a CASE over its bounds: how PostgreSQL does it fastest."""
    clauses = [c for c in scope.where(Answer) if c.left is not Answer.submitted_at]
    month = month_bucket(Answer.submitted_at, bounds).label("month")
    inner = (
        sa.select(*ANSWER_GRAIN[:3], month, *ANSWER_GRAIN[3:])
        .where(
            *clauses,
            sa.or_(
                *(sa.and_(Answer.submitted_at >= a, Answer.submitted_at < b) for a, b in ranges)
            ),
        )
        .subquery()
    )
    columns = list(inner.c)
    with rollup.hash_aggregation(session):
        add_answer_rows(
            grain, session.execute(sa.select(*columns, sa.func.count()).group_by(*columns))
        )


def split_at(ranges: list[tuple[datetime, datetime]], bounds: list[datetime]) -> list[tuple]:
    """Return (month index, (low, high)) pieces of the UTC ranges cut at the month bounds."""
    edges = [datetime.min, *bounds, datetime.max]
    pieces = []
    for month, (m_low, m_high) in enumerate(zip(edges, edges[1:], strict=False)):
        for low, high in ranges:
            a, b = max(low, m_low), min(high, m_high)
            if a < b:
                pieces.append((month, (a, b)))
    return pieces


def read_responses_by_day(session: Session, scope: Scope, grain: Grain, by_month: bool) -> Counter:
    """Add the period's responses to the grain; return every version's responses per local day.

    Two GROUP BYs over the (small) response table: the grain's (version, channel, department,
    month), and every version's responses by UTC date and late hour (from 22:00 and from 23:00
    UTC, where a Polish day may begin), turned into Polish days here: those totals tell which spans
    of the roll-up still hold (``reports.rollup``).
    """
    bounds = scope.period.month_bounds_utc() if by_month else []
    month = month_bucket(Response.submitted_at, bounds).label("month")
    inner = (
        sa.select(
            Response.version_id,
            Response.channel,
            Response.department_key,
            Response.missing_answers,
            month,
        )
        .where(*scope.where(Response))
        .subquery()
    )
    columns = list(inner.c)
    with rollup.hash_aggregation(session):
        # Selected from a subquery, the rows are untyped: (version, channel, department, missing,
        # month, count).
        rows = cast(
            "Sequence[tuple[int, str, str | None, bool, int, int]]",
            session.execute(sa.select(*columns, sa.func.count()).group_by(*columns)).all(),
        )
    for version_id, channel, department, missing, month_index, count in rows:
        grain.responses[(version_id, channel, department or NO_DEPARTMENT, month_index)] += count
        if missing:
            grain.missing += count

    hour = sa.extract("hour", Response.submitted_at)
    late = sa.case((hour >= 23, 2), (hour >= 22, 1), else_=0)
    every_version = Scope(scope.office, scope.period, scope.versions, None)
    inner = (
        sa.select(sa.func.date(Response.submitted_at).label("utc_date"), late.label("late"))
        .where(*every_version.where(Response))
        .subquery()
    )
    columns = list(inner.c)
    per_day: Counter = Counter()
    with rollup.hash_aggregation(session):
        days = cast(
            "Sequence[tuple[date | str, int, int]]",
            session.execute(sa.select(*columns, sa.func.count()).group_by(*columns)).all(),
        )
    for utc_date, late_hour, count in days:
        per_day[rollup.local_day(utc_date, late_hour)] += count
    return per_day


def read_grain(session: Session, scope: Scope, by_month: bool = True, roll: bool = False) -> Grain:
    """Read the counts of one period: the responses by day, closed days from the roll-up, the rest raw.

    ``roll`` rolls up the closed days not yet rolled up (or gone stale) first, in the session: the
    caller commits. Either way the counts are the same as a read of the answers alone.
    """
    with rollup.hash_aggregation(session):
        return read_grain_hashed(session, scope, by_month, roll)


def read_grain_hashed(session: Session, scope: Scope, by_month: bool, roll: bool) -> Grain:
    """Read the grain (see read_grain), inside one hash_aggregation block."""
    period = scope.period
    days = [period.start + timedelta(days=i) for i in range(period.days)]
    months = period.months() if by_month else []
    grain = Grain()
    per_day = read_responses_by_day(session, scope, grain, by_month)

    last_closed = min(rollup.last_closed_day(), period.end)
    markers = rollup.read_markers(session, scope.office.id, period.start, last_closed)
    closed_months = rollup.whole_months(period.start, last_closed)

    def month_total(first: date, last: date) -> int:
        return sum(
            per_day.get(first + timedelta(days=i), 0) for i in range((last - first).days + 1)
        )

    def is_month_held(first: date, last: date) -> bool:
        return markers.get((first, (last - first).days + 1)) == month_total(first, last)

    held_months = [m for m in closed_months if is_month_held(*m)]
    in_months = {
        m[0] + timedelta(days=i) for m in closed_months for i in range((m[1] - m[0]).days + 1)
    }
    loose = [d for d in days if d <= last_closed and d not in in_months]
    held_days = {d for d in loose if markers.get((d, 1)) == per_day.get(d, 0)}
    if roll:
        stale_months = [m for m in closed_months if m not in held_months]
        stale_days = [d for d in loose if d not in held_days]
        rollup.roll_up(session, scope.office.id, scope.versions, stale_months, stale_days, per_day)
        held_months, held_days = closed_months, set(loose)
    grain.rolled = rollup.Spans([m[0] for m in held_months], rollup.day_ranges(held_days))
    covered = held_days | {
        m[0] + timedelta(days=i) for m in held_months for i in range((m[1] - m[0]).days + 1)
    }
    grain.raw = rollup.day_ranges(set(days) - covered)

    if grain.rolled:
        month_starts = [date(int(m[:4]), int(m[5:]), 1) for m in months[1:]]
        rows = rollup.read_rolled_answers(
            session, scope.office.id, scope.version_ids, grain.rolled, month_starts
        )
        add_answer_rows(grain, rows)
    if grain.raw:
        bounds = period.month_bounds_utc() if by_month else []
        ranges = rollup.utc_ranges(grain.raw)
        if session.get_bind().dialect.name == "sqlite":
            read_answers_by_month_ranges(session, scope, grain, split_at(ranges, bounds))
        else:
            read_answers_in_one_pass(session, scope, grain, bounds, ranges)
    return grain


@dataclass(frozen=True)
class PairSums:
    """Sums over the responses that rated both a driver (x) and the overall question (y)."""

    n: int
    sum_x: int
    sum_y: int
    sum_xx: int
    sum_yy: int
    sum_xy: int


def read_driver_pairs(
    session: Session,
    scope: Scope,
    driver_keys: Iterable[str],
    overall_key: str,
    grain: Grain | None = None,
) -> dict[str, PairSums]:
    """Return, per driver key, the sums for its correlation with the overall rating.

    The days the grain read from the roll-up are summed from it, when every version of the scope
    rolled its pairs up against this overall key; the other days come from one GROUP BY over the
    answer table joined to itself on the response ("nie dotyczy" rows have no value).
    """
    keys = sorted(driver_keys)
    if not keys:
        return {}
    versions = [
        v for i, v in scope.versions.items() if scope.version_ids is None or i in scope.version_ids
    ]
    usable = grain is not None and all(
        rollup.overall_key_of(v) in (overall_key, None)
        or overall_key not in {q.key for q in v.questions}
        for v in versions
    )
    totals: dict[str, list[int]] = {}
    if grain is not None and usable:
        if grain.rolled:
            rolled = rollup.read_rolled_pairs(
                session, scope.office.id, scope.version_ids, grain.rolled, keys, overall_key
            )
            for key, sums in rolled.items():
                totals[key] = list(sums)
        ranges = rollup.utc_ranges(grain.raw)
    else:
        ranges = [(scope.period.utc_start, scope.period.utc_end)]
    if ranges:
        for key, sums in read_raw_pairs(session, scope, keys, overall_key, ranges).items():
            old = totals.setdefault(key, [0] * 6)
            totals[key] = [a + b for a, b in zip(old, sums, strict=True)]
    return {key: PairSums(*sums) for key, sums in totals.items()}


def read_raw_pairs(
    session: Session, scope: Scope, keys: list[str], overall_key: str, ranges: list[tuple]
) -> dict[str, tuple[int, ...]]:
    """Return the pair sums per driver key over the answers in the UTC ranges: one self-join GROUP BY."""
    driver = sa.orm.aliased(Answer)
    overall = sa.orm.aliased(Answer)
    x, y = driver.value, overall.value
    clauses = [driver.office_id == scope.office.id]
    if scope.version_ids is not None:
        clauses.append(driver.version_id.in_(scope.version_ids))
    query = (
        sa.select(
            driver.question_key,
            sa.func.count(),
            sa.func.sum(x),
            sa.func.sum(y),
            sa.func.sum(x * x),
            sa.func.sum(y * y),
            sa.func.sum(x * y),
        )
        .join(overall, rollup.overall_of_same_response(driver, overall, overall_key))
        .where(
            *clauses,
            sa.or_(
                *(sa.and_(driver.submitted_at >= a, driver.submitted_at < b) for a, b in ranges)
            ),
            driver.question_key.in_(keys),
            driver.value.is_not(None),
        )
        .group_by(driver.question_key)
    )
    return {key: tuple(int(v or 0) for v in sums) for key, *sums in session.execute(query).all()}


def read_comments(
    session: Session, scope: Scope, keys: Iterable[str], limit: int = COMMENT_LIMIT
) -> list[tuple]:
    """Return the newest comments not hidden: (department_key, submitted_at, version_id, question_key, text).

    Naming the text questions lets the database skip other answers inside the report index.
    """
    query = (
        sa.select(
            Answer.department_key,
            Answer.submitted_at,
            Answer.version_id,
            Answer.question_key,
            Answer.text,
        )
        # "text IS NOT NULL" lets both databases walk the comments' own (partial) index back from
        # the period's end, instead of every answer of the period.
        .where(
            *scope.where(Answer),
            Answer.text.is_not(None),
            Answer.question_key.in_(sorted(keys)),
            Answer.hidden.is_(False),
        )
        .order_by(Answer.submitted_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query) if row.text is not None]


def read_theme_counts(session: Session, scope: Scope) -> list[tuple[str, int]]:
    """Return (theme, comments not hidden in the period) for each of the office's themes in use, most first."""
    count = sa.func.count(Answer.id)
    query = (
        sa.select(CommentTheme.name, count)
        .join(answer_theme, answer_theme.c.theme_id == CommentTheme.id)
        .join(Answer, Answer.id == answer_theme.c.answer_id)
        .where(
            CommentTheme.office_id == scope.office.id,
            *scope.where(Answer),
            # Themes are a comment's: this walks the comments' partial index, not every answer.
            Answer.text.is_not(None),
            Answer.hidden.is_(False),
        )
        .group_by(CommentTheme.id, CommentTheme.name, CommentTheme.position)
        .order_by(count.desc(), CommentTheme.position, CommentTheme.name)
    )
    return [(name, n) for name, n in session.execute(query)]


def count_responses(session: Session, office: Office, period: Period) -> int:
    """Return how many responses the office received in the period."""
    scope = Scope(office, period, {}, None)
    query = sa.select(sa.func.count()).select_from(Response).where(*scope.where(Response))
    return session.scalar(query) or 0


def read_latest_ratings(
    session: Session, office_id: int, key: str, limit: int
) -> list[tuple[int, datetime]]:
    """Return the office's newest ratings of one question (value, submitted_at), newest first."""
    query = (
        sa.select(Answer.value, Answer.submitted_at)
        .where(Answer.office_id == office_id, Answer.question_key == key, Answer.value.is_not(None))
        .order_by(Answer.submitted_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    return [(int(value or 0), at) for value, at in session.execute(query)]


def last_response_by_channel(session: Session, office_id: int) -> dict[str, datetime]:
    """Return, per channel, when the office's newest response through it arrived (UTC)."""
    query = (
        sa.select(Response.channel, sa.func.max(Response.submitted_at))
        .where(Response.office_id == office_id)
        .group_by(Response.channel)
    )
    return {channel: at for channel, at in session.execute(query)}


def load_versions(session: Session, office: Office) -> dict[int, SurveyVersion]:
    """Return every version of the office's surveys by id, questions loaded."""
    versions = session.scalars(
        sa.select(SurveyVersion)
        .join(Survey)
        .where(Survey.office_id == office.id)
        .options(selectinload(SurveyVersion.questions))
        .order_by(SurveyVersion.number)
    ).all()
    return {v.id: v for v in versions}


def department_labels(
    session: Session, office: Office, lang: str
) -> tuple[dict[str, str], list[str]]:
    """Return the office's department names by key, and the keys in the office's order."""
    departments = session.scalars(
        sa.select(Department)
        .where(Department.office_id == office.id)
        .order_by(Department.position, Department.id)
    ).all()
    labels = {d.key: d.text(lang) for d in departments}
    labels[OTHER_DEPARTMENT["key"]] = pick_text(OTHER_DEPARTMENT["texts"], lang)
    labels[NO_DEPARTMENT] = message("no_department", lang)
    return labels, [d.key for d in departments] + [OTHER_DEPARTMENT["key"], NO_DEPARTMENT]
