"""The report's reads: a few GROUP BY queries over the answers and responses, tuned per dialect.

The finest grain (version × question × department × month × value/option × hidden) is read once
from the answer table, so no response is ever loaded as an object; ``reports.sections`` sums every
figure from those counts. SQLite groups by sorting and is fastest with one query per month;
PostgreSQL is fastest with one hash-aggregated pass whose month is a CASE over the month bounds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
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

from .periods import Period
from .texts import message

COMMENT_LIMIT = 1000  # newest comments printed; the exports carry all of them
NO_DEPARTMENT = ""  # department key of responses that named none


def month_bucket(column: sa.SQLColumnExpression[datetime], bounds: list) -> sa.ColumnElement:
    """Return the index of the period's month holding ``column``: a balanced CASE over local month starts.

    The month starts are computed in Polish time and compared as UTC instants, so bucketing is the
    same on SQLite and PostgreSQL and right across the daylight-saving shifts, with no date functions.
    """

    def build(low: int, high: int) -> sa.ColumnElement:
        if low == high:
            return sa.literal(low, sa.Integer)
        middle = (low + high + 1) // 2
        return sa.case(
            (column < bounds[middle - 1], build(low, middle - 1)), else_=build(middle, high)
        )

    return build(0, len(bounds))


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
    for month, (low, high) in enumerate(ranges):
        query = (
            sa.select(*ANSWER_GRAIN, sa.func.count())
            .where(*clauses, Answer.submitted_at >= low, Answer.submitted_at < high)
            .group_by(*ANSWER_GRAIN)
        )
        add_answer_rows(grain, session.execute(query), month)


@contextmanager
def hash_aggregation(session: Session) -> Iterator[None]:
    """On PostgreSQL, have the next GROUP BY hash its groups, in parallel workers where it can.

    PostgreSQL cannot estimate how many groups a CASE makes, guesses millions and sorts on disk;
    the real count is a few thousand. Inside this block (settings local to the transaction,
    restored after) sorting is switched off, for a hash aggregate, and gathering rows from
    parallel workers is costed as free, so that the workers aggregate their share first.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    settings = {"enable_sort": "off", "parallel_tuple_cost": "0"}
    before = {
        name: session.scalar(sa.text("SELECT current_setting(:name)"), {"name": name})
        for name in settings
    }
    for name, value in settings.items():
        session.execute(
            sa.text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value}
        )
    try:
        yield
    finally:
        for name, value in before.items():
            session.execute(
                sa.text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value}
            )


def read_answers_in_one_pass(session: Session, scope: Scope, grain: Grain, bounds: list) -> None:
    """Read one GROUP BY with the month as a CASE over its bounds: how PostgreSQL does it fastest."""
    month = month_bucket(Answer.submitted_at, bounds).label("month")
    inner = (
        sa.select(*ANSWER_GRAIN[:3], month, *ANSWER_GRAIN[3:])
        .where(*scope.where(Answer))
        .subquery()
    )
    columns = list(inner.c)
    with hash_aggregation(session):
        add_answer_rows(
            grain, session.execute(sa.select(*columns, sa.func.count()).group_by(*columns))
        )


def read_grain(session: Session, scope: Scope, by_month: bool = True) -> Grain:
    """Read the counts of one period: one pass over the answers, one over the responses."""
    bounds = scope.period.month_bounds_utc() if by_month else []
    grain = Grain()
    if session.get_bind().dialect.name == "sqlite" and bounds:
        edges = [scope.period.utc_start, *bounds, scope.period.utc_end]
        read_answers_by_month_ranges(
            session, scope, grain, list(zip(edges, edges[1:], strict=False))
        )
    else:
        read_answers_in_one_pass(session, scope, grain, bounds)

    month = month_bucket(Response.submitted_at, bounds).label("month")
    inner = (
        sa.select(Response.version_id, Response.channel, Response.department_key, month)
        .where(*scope.where(Response))
        .subquery()
    )
    columns = list(inner.c)
    with hash_aggregation(session):
        # Selected from a subquery, the rows are untyped: (version, channel, department, month, count).
        rows = cast(
            "Sequence[tuple[int, str, str | None, int, int]]",
            session.execute(sa.select(*columns, sa.func.count()).group_by(*columns)).all(),
        )
    for version_id, channel, department, month_index, count in rows:
        grain.responses[(version_id, channel, department or NO_DEPARTMENT, month_index)] += count
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
    session: Session, scope: Scope, driver_keys: Iterable[str], overall_key: str
) -> dict[str, PairSums]:
    """Return, per driver key, the sums for its correlation with the overall rating: one GROUP BY
    over the answer table joined to itself on the response ("nie dotyczy" rows have no value)."""
    keys = sorted(driver_keys)
    if not keys:
        return {}
    driver = sa.orm.aliased(Answer)
    overall = sa.orm.aliased(Answer)
    x, y = driver.value, overall.value
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
        .join(
            overall,
            sa.and_(
                overall.response_id == driver.response_id,
                overall.question_key == overall_key,
                overall.value.is_not(None),
            ),
        )
        .where(*scope.where(driver), driver.question_key.in_(keys), driver.value.is_not(None))
        .group_by(driver.question_key)
    )
    return {
        key: PairSums(*(int(v or 0) for v in sums)) for key, *sums in session.execute(query).all()
    }


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
        # No "text IS NOT NULL": implied by the key, and PostgreSQL, multiplying the two selectivities,
        # would expect a handful of rows and scan the whole table instead of walking the index back.
        .where(
            *scope.where(Answer), Answer.question_key.in_(sorted(keys)), Answer.hidden.is_(False)
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


def count_missing_answers(session: Session, scope: Scope) -> int:
    """Return how many of the scope's responses are paper entries with answers left blank."""
    query = (
        sa.select(sa.func.count())
        .select_from(Response)
        .where(*scope.where(Response), Response.missing_answers.is_(True))
    )
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
