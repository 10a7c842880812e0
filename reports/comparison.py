"""Offices compared on one collector: the shared core of rating questions, per office and period.

A rating question whose key two or more compared offices answered in the period (``overall``,
``service_*`` of the default survey) is a core item. An office is compared only with at least
MIN_RESPONSES responses in the period; an office's cell on an item with fewer than 5 ratings is
left out by the one small-cell rule (``reports.statistics.is_small``). Per office and core item:
the mean, the satisfied share (4 and 5), n and the trend (the change of the mean against the
previous period of equal length, ``Period.previous``; none when that cell is small).

``standing`` is what an office's own staff may see: their value against the median of the other
offices, their rank and quartile; other offices are named only when they publish their results
(``Office.publish_results``). Pure reads and arithmetic: no Flask.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from collector.enums import QuestionType
from collector.models import (
    Answer,
    Office,
    Question,
    Response,
    Survey,
    SurveyVersion,
    pick_text,
)

from .periods import Period
from .statistics import is_small, rating_stats

MIN_RESPONSES = 30  # an office with fewer responses in the period is left out of the comparison
MIN_OFFICES_PER_ITEM = 2  # a key answered in fewer compared offices is not a shared item
# With fewer other offices, their "median" would be one office's own value (or the mean of two,
# which with one of them published gives away the other): the median of the others is not shown.
MIN_OTHERS_FOR_MEDIAN = 3
MIN_FOR_QUARTILE = 4  # with fewer offices ranked, a quartile says nothing the rank does not


@dataclass(frozen=True)
class Cell:
    """One office's figures on one core item."""

    n: int
    mean: float
    satisfied_pct: float
    change: float | None  # the mean minus the previous period's, None when that cell is small


@dataclass
class OfficeRow:
    """A compared office: its figures per core item (None: not asked, or under 5 ratings)."""

    id: int
    slug: str
    name: str
    publishes: bool
    responses: int
    cells: dict[str, Cell | None] = field(default_factory=dict)


@dataclass(frozen=True)
class LeftOut:
    """An office left out of the comparison: fewer than MIN_RESPONSES responses in the period."""

    id: int
    slug: str
    name: str
    responses: int


@dataclass(frozen=True)
class CoreItem:
    key: str
    label: str


@dataclass
class Comparison:
    period: Period
    previous: Period
    items: list[CoreItem]
    offices: list[OfficeRow]  # compared, by name
    left_out: list[LeftOut]  # by name

    def values(self, key: str, measure: str = "mean") -> list[float]:
        """Return every compared office's value of ``measure`` on the item (cells shown only)."""
        return [
            getattr(cell, measure)
            for row in self.offices
            if (cell := row.cells.get(key)) is not None
        ]

    def median(self, key: str, measure: str = "mean") -> float | None:
        """Return the median over every compared office (None when none has the cell)."""
        values = self.values(key, measure)
        return statistics.median(values) if values else None

    def row(self, office_id: int) -> OfficeRow | None:
        return next((row for row in self.offices if row.id == office_id), None)


def read_responses(session: Session, period: Period) -> dict[int, int]:
    """Return the number of responses per office in the period."""
    query = (
        sa.select(Response.office_id, sa.func.count())
        .where(Response.submitted_at >= period.utc_start, Response.submitted_at < period.utc_end)
        .group_by(Response.office_id)
    )
    return {office_id: count for office_id, count in session.execute(query)}


def read_ratings(
    session: Session, period: Period, office_ids: list[int]
) -> dict[tuple[int, str], Counter]:
    """Return the ratings 1–5 per office and question key in the period, as counts per value."""
    if not office_ids:
        return {}
    query = (
        sa.select(Answer.office_id, Answer.question_key, Answer.value, sa.func.count())
        .where(
            Answer.office_id.in_(office_ids),
            Answer.submitted_at >= period.utc_start,
            Answer.submitted_at < period.utc_end,
            Answer.value.is_not(None),
        )
        .group_by(Answer.office_id, Answer.question_key, Answer.value)
    )
    counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for office_id, key, value, count in session.execute(query):
        counts[(office_id, key)][value] += count
    return counts


def read_labels(
    session: Session, office_ids: list[int], keys: set[str], lang: str
) -> dict[str, tuple[int, str]]:
    """Return each key's position and its most common wording among the offices' survey versions."""
    if not office_ids or not keys:
        return {}
    query = (
        sa.select(Question.key, Question.position, Question.texts)
        .join(SurveyVersion, SurveyVersion.id == Question.version_id)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(
            Survey.office_id.in_(office_ids),
            Question.key.in_(keys),
            Question.type == QuestionType.RATING,
        )
    )
    wordings: dict[str, Counter] = defaultdict(Counter)
    positions: dict[str, int] = {}
    for key, position, texts in session.execute(query):
        wordings[key][pick_text(texts, lang)] += 1
        positions[key] = min(position, positions.get(key, position))
    return {
        key: (positions[key], min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0])
        for key, counts in wordings.items()
    }


def make_cell(counts: Counter, previous: Counter) -> Cell | None:
    """Return the office's cell on an item, or None under 5 ratings."""
    stats = rating_stats(counts)
    if is_small(stats["n"]):
        return None
    before = rating_stats(previous)
    change = None if is_small(before["n"]) else stats["mean"] - before["mean"]
    return Cell(stats["n"], stats["mean"], stats["satisfied_pct"], change)


def build_comparison(session: Session, period: Period, *, lang: str = "pl") -> Comparison:
    """Return the offices compared on the core items in the period."""
    offices = {o.id: o for o in session.scalars(sa.select(Office))}
    responses = read_responses(session, period)
    compared = sorted(
        (o for o in offices.values() if responses.get(o.id, 0) >= MIN_RESPONSES),
        key=lambda o: (o.name.casefold(), o.id),
    )
    left_out = [
        LeftOut(o.id, o.slug, o.name, responses.get(o.id, 0))
        for o in sorted(offices.values(), key=lambda o: (o.name.casefold(), o.id))
        if responses.get(o.id, 0) < MIN_RESPONSES
    ]
    ids = [o.id for o in compared]
    current = read_ratings(session, period, ids)
    previous = read_ratings(session, period.previous(), ids)
    asked: Counter = Counter(key for (_office, key) in current)
    keys = {key for key, count in asked.items() if count >= MIN_OFFICES_PER_ITEM}
    labels = read_labels(session, ids, keys, lang)
    order = sorted(keys, key=lambda k: (k != "overall", labels.get(k, (math.inf, ""))[0], k))
    items = [CoreItem(key, labels.get(key, (0, key))[1] or key) for key in order]
    rows = []
    for office in compared:
        row = OfficeRow(
            office.id, office.slug, office.name, office.publish_results, responses[office.id]
        )
        for key in order:
            row.cells[key] = make_cell(
                current.get((office.id, key), Counter()), previous.get((office.id, key), Counter())
            )
        rows.append(row)
    return Comparison(period, period.previous(), items, rows, left_out)


# -- where one office stands ------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """One office against the others on one core item."""

    item: CoreItem
    own: Cell | None
    others: int  # other offices with a cell on the item
    median_mean: float | None  # of the other offices; None under MIN_OTHERS_FOR_MEDIAN of them
    median_satisfied_pct: float | None
    rank: int | None  # 1 = the highest mean among every office with a cell, the office included
    ranked: int  # how many offices are ranked
    quartile: int | None  # 1 = the top quarter; None under MIN_FOR_QUARTILE offices ranked


def rank_of(value: float, values: list[float]) -> int:
    """Return the competition rank of ``value`` among ``values`` (1 = highest; ties share a rank)."""
    return 1 + sum(1 for other in values if other > value)


def quartile_of(rank: int, ranked: int) -> int | None:
    """Return the quarter a rank falls in (1 = top), or None when too few are ranked."""
    if ranked < MIN_FOR_QUARTILE:
        return None
    return math.ceil(4 * rank / ranked)


def standing(comparison: Comparison, office_id: int) -> list[Standing]:
    """Return the office's place on each core item against the median of the other offices."""
    own_row = comparison.row(office_id)
    out = []
    for item in comparison.items:
        own = own_row.cells.get(item.key) if own_row is not None else None
        others = [
            cell
            for row in comparison.offices
            if row.id != office_id and (cell := row.cells.get(item.key)) is not None
        ]
        means = [cell.mean for cell in others]
        shown = len(others) >= MIN_OTHERS_FOR_MEDIAN
        rank = ranked = None
        if own is not None:
            ranked = len(others) + 1
            rank = rank_of(own.mean, means)
        out.append(
            Standing(
                item=item,
                own=own,
                others=len(others),
                median_mean=statistics.median(means) if shown else None,
                median_satisfied_pct=(
                    statistics.median([c.satisfied_pct for c in others]) if shown else None
                ),
                rank=rank,
                ranked=ranked or len(others),
                quartile=quartile_of(rank, ranked) if rank is not None and ranked else None,
            )
        )
    return out


def named_for(comparison: Comparison, office_id: int) -> list[OfficeRow]:
    """Return the compared offices an office's staff may see by name: their own and those that publish."""
    return [row for row in comparison.offices if row.id == office_id or row.publishes]
