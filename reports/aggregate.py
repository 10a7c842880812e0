"""Aggregation of an office's answers for a period: a few GROUP BY queries, rolled up in Python.

The finest grain (version × question × department × month × value/option × hidden) is read once
from the answer table; every figure of the report (items, areas, departments, months, choices,
importance) is summed from those counts, so no response is ever loaded as an object. The result is
plain JSON-ready data: what the PDF, the exports and the panel show, and what ``data_sha256`` hashes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from collector.default_survey import OTHER_DEPARTMENT
from collector.models import (
    NA,
    Answer,
    CorrectiveAction,
    Department,
    Office,
    Question,
    Response,
    Survey,
    SurveyVersion,
    pick_text,
)

from .periods import Period, to_local
from .texts import ACTION_STATUSES, message

SUPPRESSED = "< 5"  # what a breakdown cell of fewer than MIN_CELL answers shows instead of numbers
MIN_CELL = 5
COMMENT_LIMIT = 1000  # newest comments printed; the exports carry all of them
SCALE_VALUES = (1, 2, 3, 4, 5)
ACTION_MEAN_BELOW = 4.0
ACTION_DISSATISFIED_FROM = 20.0
NO_DEPARTMENT = ""  # department key of responses that named none
OTHER_AREA = ""  # area key of rating questions outside any grid


def month_bucket(column: sa.ColumnElement, bounds: list) -> sa.ColumnElement:
    """Return the index of the period's month holding ``column``: a balanced CASE over local month starts.

    The month starts are computed in Polish time and compared as UTC instants, so bucketing is the
    same on SQLite and PostgreSQL and right across the daylight-saving shifts, with no date functions.
    """

    def build(low: int, high: int) -> sa.ColumnElement:
        if low == high:
            return sa.literal(low, sa.Integer)
        middle = (low + high + 1) // 2
        return sa.case((column < bounds[middle - 1], build(low, middle - 1)), else_=build(middle, high))

    return build(0, len(bounds))


@dataclass
class Scope:
    """The office's versions and the period a report covers."""

    office: Office
    period: Period
    versions: dict[int, SurveyVersion]  # id -> version, every version of the office
    version_ids: list[int] | None  # the versions asked for, or None for all

    def where(self, model: type[Answer] | type[Response]) -> list[sa.ColumnElement]:
        clauses = [model.office_id == self.office.id, model.submitted_at >= self.period.utc_start,
                   model.submitted_at < self.period.utc_end]
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


ANSWER_GRAIN = (Answer.version_id, Answer.question_key, Answer.department_key, Answer.value, Answer.option_key,
                Answer.hidden)


def add_answer_rows(grain: Grain, rows: Iterable[Any], month: int | None = None) -> None:
    """Add rows of (version, question, department, [month,] value, option, hidden, count) to the grain."""
    for row in rows:
        if month is None:
            version_id, key, department, month_index, value, option, hidden, count = row
        else:
            (version_id, key, department, value, option, hidden, count), month_index = row, month
        grain.answers[(version_id, key, department or NO_DEPARTMENT, month_index,
                       value if value is not None else option, bool(hidden))] += count


def read_answers_by_month_ranges(session: Session, scope: Scope, grain: Grain, ranges: list[tuple]) -> None:
    """Read one GROUP BY per month range: how SQLite, which groups by sorting, does it fastest."""
    clauses = [c for c in scope.where(Answer) if c.left is not Answer.submitted_at]
    for month, (low, high) in enumerate(ranges):
        query = (sa.select(*ANSWER_GRAIN, sa.func.count())
                 .where(*clauses, Answer.submitted_at >= low, Answer.submitted_at < high)
                 .group_by(*ANSWER_GRAIN))
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
    before = {name: session.scalar(sa.text("SELECT current_setting(:name)"), {"name": name}) for name in settings}
    for name, value in settings.items():
        session.execute(sa.text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})
    try:
        yield
    finally:
        for name, value in before.items():
            session.execute(sa.text("SELECT set_config(:name, :value, true)"), {"name": name, "value": value})


def read_answers_in_one_pass(session: Session, scope: Scope, grain: Grain, bounds: list) -> None:
    """Read one GROUP BY with the month as a CASE over its bounds: how PostgreSQL does it fastest."""
    month = month_bucket(Answer.submitted_at, bounds).label("month")
    inner = sa.select(*ANSWER_GRAIN[:3], month, *ANSWER_GRAIN[3:]).where(*scope.where(Answer)).subquery()
    columns = list(inner.c)
    with hash_aggregation(session):
        add_answer_rows(grain, session.execute(sa.select(*columns, sa.func.count()).group_by(*columns)))


def read_grain(session: Session, scope: Scope, by_month: bool = True) -> Grain:
    """Read the counts of one period: one pass over the answers, one over the responses."""
    bounds = scope.period.month_bounds_utc() if by_month else []
    grain = Grain()
    if session.get_bind().dialect.name == "sqlite" and bounds:
        edges = [scope.period.utc_start, *bounds, scope.period.utc_end]
        read_answers_by_month_ranges(session, scope, grain, list(zip(edges, edges[1:], strict=False)))
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
        rows = session.execute(sa.select(*columns, sa.func.count()).group_by(*columns)).all()
    for version_id, channel, department, month_index, count in rows:
        grain.responses[(version_id, channel, department or NO_DEPARTMENT, month_index)] += count
    return grain


def read_comments(session: Session, scope: Scope, keys: Iterable[str], limit: int = COMMENT_LIMIT) -> list[tuple]:
    """Return the newest comments not hidden: (department_key, submitted_at, version_id, question_key, text).

    Naming the text questions lets the database skip other answers inside the report index.
    """
    query = (
        sa.select(Answer.department_key, Answer.submitted_at, Answer.version_id, Answer.question_key, Answer.text)
        # No "text IS NOT NULL": implied by the key, and PostgreSQL, multiplying the two selectivities,
        # would expect a handful of rows and scan the whole table instead of walking the index back.
        .where(*scope.where(Answer), Answer.question_key.in_(sorted(keys)), Answer.hidden.is_(False))
        .order_by(Answer.submitted_at.desc(), Answer.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(query) if row.text is not None]


# ---------------------------------------------------------------------------------------------
# Statistics from counts


def rating_stats(counts: Counter) -> dict[str, Any]:
    """Return mean, n, sample standard deviation, top-2 and bottom-2 boxes and the distribution."""
    valid = {v: counts.get(v, 0) for v in SCALE_VALUES}
    na = counts.get(NA, 0)
    n = sum(valid.values())
    answers = n + na
    stats: dict[str, Any] = {
        "n": n,
        "answers": answers,
        "distribution": {str(v): valid[v] for v in SCALE_VALUES} | {NA: na},
        "distribution_pct": {str(v): (100 * valid[v] / n if n else None) for v in SCALE_VALUES},
        "na_pct": 100 * na / answers if answers else None,
        "mean": None,
        "sd": None,
        "satisfied_pct": None,
        "dissatisfied_pct": None,
    }
    if n:
        mean = sum(v * c for v, c in valid.items()) / n
        stats["mean"] = mean
        if n > 1:
            stats["sd"] = math.sqrt(sum(c * (v - mean) ** 2 for v, c in valid.items()) / (n - 1))
        stats["satisfied_pct"] = 100 * (valid[4] + valid[5]) / n
        stats["dissatisfied_pct"] = 100 * (valid[1] + valid[2]) / n
    return stats


def change(current: float | None, previous: float | None) -> float | None:
    """Return current minus previous, or None when either is missing."""
    if current is None or previous is None:
        return None
    return current - previous


def cell(counts: Counter) -> dict[str, Any] | str:
    """Return a breakdown cell (n, mean, % satisfied), or SUPPRESSED when it holds fewer than MIN_CELL answers."""
    stats = rating_stats(counts)
    if stats["n"] < MIN_CELL:
        return SUPPRESSED
    return {"n": stats["n"], "mean": stats["mean"], "satisfied_pct": stats["satisfied_pct"]}


def suppress_column(cells: dict[str, Any], sizes: dict[str, int], hidden_rows: set[str]) -> dict[str, Any]:
    """Suppress the rows hidden as a whole, then one more cell when only one is suppressed.

    A lone suppressed cell could be recovered by subtracting the others from the published total;
    suppressing the next smallest one too (secondary suppression) leaves only a sum of two.
    """
    out = {key: (SUPPRESSED if key in hidden_rows else value) for key, value in cells.items()}
    suppressed = [key for key, value in out.items() if value == SUPPRESSED]
    if len(suppressed) == 1 and len(out) > 1:
        shown = [key for key, value in out.items() if value != SUPPRESSED]
        smallest = min(shown, key=lambda key: (sizes.get(key, 0), list(out).index(key)))
        out[smallest] = SUPPRESSED
    return out


# ---------------------------------------------------------------------------------------------
# Items: rating and choice questions matched across versions by key, split where the wording changed


@dataclass
class Unit:
    """A question as the report shows it: one key, the versions sharing its wording."""

    key: str
    id: str
    type: str
    question: Question  # the newest version's question of this wording
    version_ids: list[int]
    version_numbers: list[int]
    split: bool = False  # the key's wording differs between versions

    def label(self, lang: str) -> str:
        text = pick_text(self.question.texts, lang)
        if self.split:
            numbers = ", ".join(str(n) for n in self.version_numbers)
            text += " " + message("version_suffix", lang).format(numbers=numbers)
        return text


def signature(question: Question, lang: str) -> tuple:
    """Return what must match for answers of two versions to be counted together."""
    options = tuple((o["key"], pick_text(o.get("texts"), "pl"), pick_text(o.get("texts"), lang))
                    for o in question.options or [])
    return (question.type, pick_text(question.texts, "pl"), pick_text(question.texts, lang), options,
            question.group or "")


def build_units(versions: list[SurveyVersion], lang: str) -> list[Unit]:
    """Return the units of the given versions, in the newest version's question order."""
    by_key: dict[str, list[tuple[SurveyVersion, Question]]] = defaultdict(list)
    order: dict[str, tuple[int, int]] = {}
    for version in sorted(versions, key=lambda v: v.number, reverse=True):
        for question in version.questions:
            by_key[question.key].append((version, question))
            order.setdefault(question.key, (-version.number, question.position))
    units = []
    for key in sorted(by_key, key=lambda k: order[k]):
        groups: dict[tuple, list[tuple[SurveyVersion, Question]]] = {}
        for version, question in by_key[key]:
            groups.setdefault(signature(question, lang), []).append((version, question))
        split = len(groups) > 1
        for members in groups.values():
            numbers = sorted(v.number for v, _ in members)
            newest = max(members, key=lambda m: m[0].number)[1]
            unit_id = key if not split else f"{key}@v{'-'.join(str(n) for n in numbers)}"
            units.append(Unit(key=key, id=unit_id, type=newest.type, question=newest,
                              version_ids=[v.id for v, _ in members], version_numbers=numbers, split=split))
    return units


# ---------------------------------------------------------------------------------------------
# The report data


def load_versions(session: Session, office: Office) -> dict[int, SurveyVersion]:
    """Return every version of the office's surveys by id, questions loaded."""
    versions = session.scalars(
        sa.select(SurveyVersion).join(Survey).where(Survey.office_id == office.id)
        .options(selectinload(SurveyVersion.questions)).order_by(SurveyVersion.number)
    ).all()
    return {v.id: v for v in versions}


def department_labels(session: Session, office: Office, lang: str) -> tuple[dict[str, str], list[str]]:
    """Return the office's department names by key, and the keys in the office's order."""
    departments = session.scalars(
        sa.select(Department).where(Department.office_id == office.id).order_by(Department.position, Department.id)
    ).all()
    labels = {d.key: d.text(lang) for d in departments}
    labels[OTHER_DEPARTMENT["key"]] = pick_text(OTHER_DEPARTMENT["texts"], lang)
    labels[NO_DEPARTMENT] = message("no_department", lang)
    return labels, [d.key for d in departments] + [OTHER_DEPARTMENT["key"], NO_DEPARTMENT]


def canonical_json(data: Any) -> bytes:
    """Return the data as canonical JSON bytes: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def data_sha256(data: Any) -> str:
    """Return the SHA-256 of the data's canonical JSON."""
    return hashlib.sha256(canonical_json(data)).hexdigest()


def build_report_data(
    session: Session,
    office: Office,
    period: Period,
    *,
    lang: str = "pl",
    version_numbers: list[int] | None = None,
) -> dict[str, Any]:
    """Return everything a report shows for the office and period, as JSON-ready data."""
    all_versions = load_versions(session, office)
    version_ids = None
    if version_numbers is not None:
        by_number = {v.number: v.id for v in all_versions.values()}
        version_ids = [by_number[n] for n in version_numbers]
    scope = Scope(office, period, all_versions, version_ids)
    grain = read_grain(session, scope)
    previous_scope = Scope(office, period.previous(), all_versions, None)
    previous = read_grain(session, previous_scope, by_month=False)

    answered_ids = sorted({key[0] for key in grain.responses}, key=lambda i: all_versions[i].number)
    if version_ids is not None:
        answered_ids = sorted(version_ids, key=lambda i: all_versions[i].number)
    versions = [all_versions[i] for i in answered_ids]
    units = build_units(versions, lang)
    labels, department_order = department_labels(session, office, lang)

    data: dict[str, Any] = {
        "office": {"slug": office.slug, "name": office.name, "address": office.address or ""},
        "lang": lang,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "timezone": "Europe/Warsaw"},
        "previous_period": {"start": period.previous().start.isoformat(),
                            "end": period.previous().end.isoformat()},
        "months": period.months(),
    }
    data["responses"] = responses_section(grain, versions)
    data["versions"] = [{"number": v.number, "title": pick_text(v.title, lang),
                         "responses": data["responses"]["by_version"].get(str(v.number), 0)} for v in versions]
    ratings = [u for u in units if u.type == "rating"]
    data["areas"] = areas_section(grain, previous, ratings, lang)
    data["headline"] = headline_section(grain, previous, ratings)
    data["choices"] = choices_section(grain, units, labels, department_order, lang)
    data["departments"] = departments_section(grain, ratings, labels, department_order, lang)
    data["trend"] = trend_section(grain, ratings, period)
    data["importance"] = importance_section(grain, units, ratings, lang)
    data["needs_action"] = needs_action_section(data["areas"], data["importance"])
    data["comments"] = comments_section(session, scope, grain, versions, labels, department_order,
                                        data["departments"]["hidden"], lang)
    data["actions"] = actions_section(session, office, period, lang)
    data["annex"] = annex_section(versions, labels, department_order, lang)
    return data


def responses_section(grain: Grain, versions: list[SurveyVersion]) -> dict[str, Any]:
    """Return the number of responses, per version and per channel."""
    numbers = {v.id: v.number for v in versions}
    by_version: Counter = Counter()
    by_channel: Counter = Counter()
    by_version_channel: Counter = Counter()
    for (version_id, channel, _department, _month), count in grain.responses.items():
        by_version[str(numbers[version_id])] += count
        by_channel[channel] += count
        by_version_channel[f"{numbers[version_id]}:{channel}"] += count
    total = sum(by_version.values())
    return {
        "total": total,
        "by_version": dict(sorted(by_version.items(), key=lambda kv: int(kv[0]))),
        "by_channel": {ch: by_channel[ch] for ch in sorted(by_channel, key=lambda c: -by_channel[c])},
        "by_channel_pct": {ch: 100 * c / total for ch, c in by_channel.items()} if total else {},
        "by_version_channel": dict(sorted(by_version_channel.items())),
    }


def rating_counts(grain: Grain, version_ids: Iterable[int], key: str) -> Counter:
    """Sum a rating question's values over departments and months."""
    wanted = set(version_ids)
    counts: Counter = Counter()
    for (version_id, question_key, _d, _m, value, _h), count in grain.answers.items():
        if question_key == key and version_id in wanted:
            counts[value] += count
    return counts


def counts_by_key(grain: Grain) -> dict[str, Counter]:
    """Return each question key's values summed over versions, departments and months."""
    out: dict[str, Counter] = defaultdict(Counter)
    for (_v, key, _d, _m, value, _h), count in grain.answers.items():
        out[key][value] += count
    return out


def area_keys(ratings: list[Unit]) -> list[str]:
    """Return the rating grids' keys in order, then OTHER_AREA for rating questions outside grids."""
    keys = []
    for unit in ratings:
        area = unit.question.group or OTHER_AREA
        if area not in keys:
            keys.append(area)
    return [k for k in keys if k != OTHER_AREA] + ([OTHER_AREA] if OTHER_AREA in keys else [])


def areas_section(grain: Grain, previous: Grain, ratings: list[Unit], lang: str) -> list[dict[str, Any]]:
    """Return each area (rating grid) with its pooled statistics and its items'."""
    previous_by_key = counts_by_key(previous)
    split_keys = {u.key for u in ratings if u.split}
    areas = []
    for area in area_keys(ratings):
        members = [u for u in ratings if (u.question.group or OTHER_AREA) == area]
        items = []
        pooled: Counter = Counter()
        previous_pooled: Counter = Counter()
        for unit in members:
            counts = rating_counts(grain, unit.version_ids, unit.key)
            pooled.update(counts)
            stats = rating_stats(counts)
            previous_stats = rating_stats(previous_by_key.get(unit.key, Counter()))
            comparable = unit.key not in split_keys
            items.append({
                "id": unit.id, "key": unit.key, "label": unit.label(lang), "versions": unit.version_numbers,
                "scale": (unit.question.scale or {}).get(lang) or (unit.question.scale or {}).get("pl") or [],
                "stats": stats,
                "previous_mean": previous_stats["mean"] if comparable else None,
                "change": change(stats["mean"], previous_stats["mean"]) if comparable else None,
            })
        for key in {u.key for u in members}:
            previous_pooled.update(previous_by_key.get(key, Counter()))
        label = (pick_text(members[-1].question.group_texts, lang) if area != OTHER_AREA
                 else message("other_area", lang))
        stats = rating_stats(pooled) if area != OTHER_AREA else None
        previous_mean = rating_stats(previous_pooled)["mean"] if area != OTHER_AREA else None
        areas.append({"key": area, "label": label, "stats": stats, "previous_mean": previous_mean,
                      "change": change(stats["mean"], previous_mean) if stats else None, "items": items})
    return areas


def index_counts(grain: Grain, ratings: list[Unit]) -> Counter:
    """Pool the answers of every rating question in a grid: the satisfaction index."""
    keys = {u.key for u in ratings if u.question.group}
    counts: Counter = Counter()
    for (_v, key, _d, _m, value, _h), count in grain.answers.items():
        if key in keys:
            counts[value] += count
    return counts


def overall_unit(ratings: list[Unit]) -> Unit | None:
    """Return the overall-satisfaction question: key "overall", else the first rating outside grids."""
    for unit in ratings:
        if unit.key == "overall" and not unit.split:
            return unit
    return next((u for u in ratings if not u.question.group and not u.split), None)


def headline_section(grain: Grain, previous: Grain, ratings: list[Unit]) -> dict[str, Any]:
    """Return the headline numbers and their change against the previous period."""
    total = sum(grain.responses.values())
    previous_total = sum(previous.responses.values())
    index = rating_stats(index_counts(grain, ratings))
    previous_index = rating_stats(index_counts(previous, ratings))
    out: dict[str, Any] = {
        "responses": {"value": total, "previous": previous_total, "change": total - previous_total},
        "index_mean": {"value": index["mean"], "n": index["n"], "previous": previous_index["mean"],
                       "change": change(index["mean"], previous_index["mean"])},
        "index_satisfied_pct": {"value": index["satisfied_pct"], "previous": previous_index["satisfied_pct"],
                                "change": change(index["satisfied_pct"], previous_index["satisfied_pct"])},
        "overall_key": None,
    }
    unit = overall_unit(ratings)
    if unit is not None:
        stats = rating_stats(rating_counts(grain, unit.version_ids, unit.key))
        before = rating_stats(counts_by_key(previous).get(unit.key, Counter()))
        out["overall_key"] = unit.key
        out["overall_mean"] = {"value": stats["mean"], "n": stats["n"], "sd": stats["sd"],
                               "previous": before["mean"], "change": change(stats["mean"], before["mean"])}
        out["overall_satisfied_pct"] = {"value": stats["satisfied_pct"], "previous": before["satisfied_pct"],
                                        "change": change(stats["satisfied_pct"], before["satisfied_pct"])}
        out["overall_dissatisfied_pct"] = {"value": stats["dissatisfied_pct"],
                                           "previous": before["dissatisfied_pct"],
                                           "change": change(stats["dissatisfied_pct"], before["dissatisfied_pct"])}
    return out


def choices_section(grain: Grain, units: list[Unit], labels: dict[str, str], department_order: list[str],
                    lang: str) -> list[dict[str, Any]]:
    """Return each single, multi and department question with its options' counts and shares."""
    out = []
    for unit in units:
        if unit.type not in {"single", "multi", "department"}:
            continue
        wanted = set(unit.version_ids)
        counts: Counter = Counter()
        for (version_id, key, _d, _m, option, _h), count in grain.answers.items():
            if key == unit.key and version_id in wanted:
                counts[option] += count
        if unit.type == "multi":
            # Shares of a multi question are of every response to a version asking it: counting
            # those who picked anything would need a second, DISTINCT pass over the answers.
            respondents = grain.responses_of(wanted)
        else:
            respondents = sum(counts.values())
        if unit.type == "department":
            keys = [k for k in department_order if counts.get(k)] + sorted(
                str(k) for k in counts if k not in department_order)
            option_labels = {k: labels.get(k, str(k)) for k in keys}
        else:
            keys = [o["key"] for o in unit.question.options or []]
            keys += sorted(str(k) for k in counts if k not in keys)
            option_labels = {o["key"]: pick_text(o.get("texts"), lang) for o in unit.question.options or []}
        options = []
        for key in keys:
            count = counts.get(key, 0)
            options.append({"key": key, "label": option_labels.get(key, key), "count": count,
                            "pct": 100 * count / respondents if respondents else None})
        if unit.type == "department":
            options = suppress_options(options)
        out.append({"id": unit.id, "key": unit.key, "type": unit.type, "label": unit.label(lang),
                    "versions": unit.version_numbers, "respondents": respondents, "options": options})
    return out


def suppress_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hide the counts of departments with fewer than MIN_CELL responses, and the share with them."""
    sizes = {o["key"]: o["count"] for o in options}
    hidden = {k for k, n in sizes.items() if n < MIN_CELL}
    cells = suppress_column({k: n for k, n in sizes.items()}, sizes, hidden)
    out = []
    for option in options:
        if cells[option["key"]] == SUPPRESSED:
            out.append({"key": option["key"], "label": option["label"], "count": SUPPRESSED, "pct": SUPPRESSED})
        else:
            out.append(option)
    return out


def departments_section(grain: Grain, ratings: list[Unit], labels: dict[str, str], department_order: list[str],
                        lang: str) -> dict[str, Any]:
    """Return the breakdown by department: responses and means, suppressed below MIN_CELL.

    Departments with fewer than MIN_CELL responses are hidden as a whole; when that leaves one alone,
    the next smallest is hidden with it (see suppress_column). Suppression happens here, in the data,
    so that no renderer can print a number it never receives.
    """
    sizes: Counter = Counter()
    for (_v, _channel, department, _m), count in grain.responses.items():
        sizes[department] += count
    keys = [k for k in department_order if sizes.get(k)] + sorted(k for k in sizes if k not in department_order)
    primary = {k for k in keys if sizes[k] < MIN_CELL}
    hidden = {k for k, v in suppress_column({k: sizes[k] for k in keys}, sizes, primary).items() if v == SUPPRESSED}

    per_key: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (_v, key, department, _m, value, _h), count in grain.answers.items():
        per_key[(department, key)][value] += count
    unit_by_key = {}
    for unit in ratings:
        unit_by_key.setdefault(unit.key, unit)

    columns: list[dict[str, Any]] = [{"id": "responses", "label": message("responses", lang), "kind": "count"}]
    overall = overall_unit(ratings)
    if overall is not None:
        columns.append({"id": "overall", "key": overall.key, "label": message("overall_short", lang),
                        "kind": "overall"})
    columns.append({"id": "index", "label": message("index", lang), "kind": "index"})
    areas = [a for a in area_keys(ratings) if a != OTHER_AREA]
    for area in areas:
        unit = next(u for u in ratings if u.question.group == area)
        columns.append({"id": f"area:{area}", "key": area, "label": pick_text(unit.question.group_texts, lang),
                        "kind": "area"})
    for key, unit in unit_by_key.items():
        if unit.question.group:
            columns.append({"id": f"item:{key}", "key": key, "label": pick_text(unit.question.texts, lang),
                            "kind": "item"})

    def counts_for(department: str, column: dict[str, Any]) -> Counter:
        if column["kind"] in {"overall", "item"}:
            return per_key.get((department, column["key"]), Counter())
        members = [u.key for u in unit_by_key.values() if u.question.group and
                   (column["kind"] == "index" or u.question.group == column["key"])]
        total: Counter = Counter()
        for key in members:
            total.update(per_key.get((department, key), Counter()))
        return total

    table: dict[str, dict[str, Any]] = {k: {} for k in keys}
    for column in columns:
        if column["kind"] == "count":
            cells = suppress_column({k: {"n": sizes[k]} for k in keys}, sizes, hidden)
        else:
            raw = {k: cell(counts_for(k, column)) for k in keys}
            primary_cells = hidden | {k for k, v in raw.items() if v == SUPPRESSED}
            cells = suppress_column(raw, sizes, primary_cells)
        for key in keys:
            table[key][column["id"]] = cells[key]
    rows = [{"key": k, "label": labels.get(k, k), "cells": table[k]} for k in keys]
    return {"columns": columns, "rows": rows, "hidden": sorted(hidden)}


def trend_section(grain: Grain, ratings: list[Unit], period: Period) -> list[dict[str, Any]]:
    """Return per month: responses, the overall question's mean and the satisfaction index."""
    overall = overall_unit(ratings)
    overall_ids = set(overall.version_ids) if overall else set()
    index_keys = {u.key for u in ratings if u.question.group}
    responses: Counter = Counter()
    for (_v, _c, _d, month), count in grain.responses.items():
        responses[month] += count
    overall_counts: dict[int, Counter] = defaultdict(Counter)
    index: dict[int, Counter] = defaultdict(Counter)
    for (version_id, key, _d, month, value, _h), count in grain.answers.items():
        if overall and key == overall.key and version_id in overall_ids:
            overall_counts[month][value] += count
        if key in index_keys:
            index[month][value] += count
    out = []
    for i, month in enumerate(period.months()):
        o = rating_stats(overall_counts.get(i, Counter()))
        x = rating_stats(index.get(i, Counter()))
        out.append({"month": month, "responses": responses.get(i, 0), "overall_mean": o["mean"],
                    "overall_n": o["n"], "index_mean": x["mean"], "index_n": x["n"]})
    return out


def importance_units(units: list[Unit], ratings: list[Unit]) -> list[Unit]:
    """Return the "most important" question's units: key "important", else a multi whose options are rated items."""
    rated = {u.key for u in ratings}
    candidates = [u for u in units if u.type == "multi" and set(u.question.option_keys())
                  and set(u.question.option_keys()) <= rated]
    keys = [u.key for u in candidates]
    key = "important" if "important" in keys else (keys[0] if keys else None)
    return [u for u in candidates if u.key == key]


def importance_section(grain: Grain, units: list[Unit], ratings: list[Unit], lang: str) -> dict[str, Any]:
    """Return, per rated item, the share of respondents naming it most important, beside its mean.

    The share is of every response to the versions that offered the item (see choices_section).
    """
    members = importance_units(units, ratings)
    if not members:
        return {"key": None, "respondents": 0, "items": []}
    key = members[0].key
    picks: Counter = Counter()
    for (_v, question_key, _d, _m, option, _h), count in grain.answers.items():
        if question_key == key:
            picks[option] += count
    respondents_by_version = {v: grain.responses_of([v]) for unit in members for v in unit.version_ids}
    options: dict[str, dict[str, Any]] = {}
    offered: dict[str, set[int]] = defaultdict(set)
    for unit in members:  # newest wording first
        for option in unit.question.options or []:
            options.setdefault(option["key"], option)
            offered[option["key"]].update(unit.version_ids)
    means = counts_by_key(grain)
    items = []
    for option_key, option in options.items():
        respondents = sum(respondents_by_version.get(v, 0) for v in offered[option_key])
        stats = rating_stats(means.get(option_key, Counter()))
        items.append({"key": option_key, "label": pick_text(option.get("texts"), lang),
                      "picks": picks.get(option_key, 0), "respondents": respondents,
                      "share_pct": 100 * picks.get(option_key, 0) / respondents if respondents else None,
                      "mean": stats["mean"], "n": stats["n"]})
    rated = [i for i in items if i["mean"] is not None and i["share_pct"] is not None]
    share_line = sum(i["share_pct"] for i in rated) / len(rated) if rated else None
    mean_line = sum(i["mean"] for i in rated) / len(rated) if rated else None
    for item in items:
        if item in rated:
            important = item["share_pct"] >= share_line
            good = item["mean"] >= mean_line
            item["quadrant"] = {(True, False): "act", (True, True): "keep", (False, False): "watch",
                                (False, True): "surplus"}[(important, good)]
        else:
            item["quadrant"] = None
    return {"key": key, "label": pick_text(members[0].question.texts, lang),
            "respondents": sum(respondents_by_version.values()), "items": items,
            "share_line": share_line, "mean_line": mean_line}


def needs_action_section(areas: list[dict[str, Any]], importance: dict[str, Any]) -> dict[str, Any]:
    """Return the rated items needing action, lowest mean first (the three lowest when none falls short)."""
    quadrants = {i["key"]: i["quadrant"] for i in importance["items"]}
    items = []
    for area in areas:
        if area["key"] == OTHER_AREA:
            continue
        for item in area["items"]:
            stats = item["stats"]
            if stats["mean"] is None:
                continue
            flagged = (stats["mean"] < ACTION_MEAN_BELOW or stats["dissatisfied_pct"] >= ACTION_DISSATISFIED_FROM)
            items.append({"id": item["id"], "key": item["key"], "label": item["label"], "area": area["label"],
                          "mean": stats["mean"], "n": stats["n"], "dissatisfied_pct": stats["dissatisfied_pct"],
                          "priority": quadrants.get(item["key"]) == "act", "flagged": flagged})
    items.sort(key=lambda i: (i["mean"], -i["dissatisfied_pct"], i["id"]))
    flagged = [i for i in items if i["flagged"]]
    return {"threshold_mean": ACTION_MEAN_BELOW, "threshold_dissatisfied_pct": ACTION_DISSATISFIED_FROM,
            "below_threshold": bool(flagged), "items": flagged or items[:3]}


def comments_section(session: Session, scope: Scope, grain: Grain, versions: list[SurveyVersion],
                     labels: dict[str, str], department_order: list[str], hidden_departments: list[str],
                     lang: str) -> dict[str, Any]:
    """Return the comments not hidden, grouped by department; small departments share one group."""
    text_keys = {q.key for v in versions for q in v.questions if q.type == "text"}
    total = sum(c for (_v, key, _d, _m, _value, hidden), c in grain.answers.items() if key in text_keys and not hidden)
    hidden_count = sum(c for (_v, key, _d, _m, _value, hidden), c in grain.answers.items()
                       if key in text_keys and hidden)
    question_texts = {(v.id, q.key): pick_text(q.texts, lang) for v in versions for q in v.questions}
    numbers = {v.id: v.number for v in versions}
    several_questions = len(text_keys) > 1
    merged = set(hidden_departments)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = read_comments(session, scope, text_keys) if total else []
    for department, submitted_at, version_id, key, text in sorted(rows, key=lambda row: (row[1], row[4])):
        group = SUPPRESSED if (department or NO_DEPARTMENT) in merged else (department or NO_DEPARTMENT)
        entry = {"date": to_local(submitted_at).date().isoformat(), "version": numbers.get(version_id), "text": text}
        if several_questions:
            entry["question"] = question_texts.get((version_id, key), key)
        groups[group].append(entry)
    order = [k for k in department_order if k in groups] + sorted(k for k in groups if k not in department_order
                                                                  and k != SUPPRESSED)
    if SUPPRESSED in groups:
        order.append(SUPPRESSED)
    out_groups = []
    for key in order:
        label = message("small_departments", lang) if key == SUPPRESSED else labels.get(key, key)
        out_groups.append({"key": key, "label": label, "comments": groups[key]})
    return {"total": total, "shown": len(rows), "hidden": hidden_count, "limit": COMMENT_LIMIT,
            "groups": out_groups}


def actions_section(session: Session, office: Office, period: Period, lang: str) -> list[dict[str, Any]]:
    """Return the corrective actions recorded since the previous period began, and every one still open.

    Their status is as it stands when the report is generated: the model keeps no history.
    """
    start = period.previous().utc_start
    query = (
        sa.select(CorrectiveAction)
        .where(CorrectiveAction.office_id == office.id,
               sa.or_(CorrectiveAction.created_at >= start, CorrectiveAction.status.not_in(("done", "cancelled"))))
        .order_by(CorrectiveAction.deadline.is_(None), CorrectiveAction.deadline, CorrectiveAction.id)
    )
    out = []
    for action in session.scalars(query):
        out.append({
            "title": action.title, "description": action.description or "", "owner": action.owner or "",
            "deadline": action.deadline.isoformat() if action.deadline else None,
            "status": action.status, "status_label": ACTION_STATUSES.get(action.status, {}).get(lang, action.status),
            "question_key": action.question_key, "done_at": action.done_at.isoformat() if action.done_at else None,
        })
    return out


def annex_section(versions: list[SurveyVersion], labels: dict[str, str], department_order: list[str],
                  lang: str) -> list[dict[str, Any]]:
    """Return each version's questionnaire as it was: its texts, options and scales."""
    department_options = [labels[k] for k in department_order if k != NO_DEPARTMENT]
    out = []
    for version in versions:
        questions = []
        for q in version.questions:
            options = [pick_text(o.get("texts"), lang) for o in q.options or []]
            if q.type == "department" and not options:
                options = department_options
            entry: dict[str, Any] = {"key": q.key, "type": q.type, "text": pick_text(q.texts, lang),
                                     "required": q.required,
                                     "group": q.group or "", "group_text": pick_text(q.group_texts, lang)}
            if options:
                entry["options"] = options
            if q.type == "rating":
                entry["scale"] = (q.scale or {}).get(lang) or (q.scale or {}).get("pl") or []
                entry["allow_na"] = q.allow_na
            if q.type == "multi" and q.max_picks:
                entry["max_picks"] = q.max_picks
            questions.append(entry)
        out.append({
            "number": version.number, "title": pick_text(version.title, lang),
            "published_at": to_local(version.published_at).date().isoformat() if version.published_at else None,
            "retired_at": to_local(version.retired_at).date().isoformat() if version.retired_at else None,
            "questions": questions,
        })
    return out

