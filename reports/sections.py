"""The report data: every section a report shows, summed from the counts ``reports.queries`` reads.

The result is plain JSON-ready data: what the PDF, the exports and the panel show (through
``reports.tables``), and what ``data_sha256`` hashes. Suppression of small cells happens here, in the
data (rules in ``reports.statistics``), so that no renderer can print a number it never receives.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from collector.enums import QuestionType
from collector.models import CorrectiveAction, Office, SurveyVersion, pick_text

from .periods import Period, to_local
from .queries import (
    COMMENT_LIMIT,
    NO_DEPARTMENT,
    Grain,
    PairSums,
    Scope,
    department_labels,
    load_versions,
    read_comments,
    read_driver_pairs,
    read_grain,
    read_theme_counts,
)
from .statistics import (
    MIN_CELL,
    SUPPRESSED,
    cell,
    change,
    pearson,
    rating_stats,
    suppress_column,
    suppress_options,
    suppressed_keys,
)
from .texts import ACTION_STATUSES, message
from .units import Unit, build_units

ACTION_MEAN_BELOW = 4.0
ACTION_DISSATISFIED_FROM = 20.0
OTHER_AREA = ""  # area key of rating questions outside any grid


def canonical_json(data: Any) -> bytes:
    """Return the data as canonical JSON bytes: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    ).encode()


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
    roll: bool = False,
) -> dict[str, Any]:
    """Return everything a report shows for the office and period, as JSON-ready data.

    ``roll`` first rolls up the closed days of both periods not yet rolled up (``reports.rollup``),
    writing in the session for the caller to commit; the data is the same either way.
    """
    all_versions = load_versions(session, office)
    version_ids = None
    if version_numbers is not None:
        by_number = {v.number: v.id for v in all_versions.values()}
        version_ids = [by_number[n] for n in version_numbers]
    scope = Scope(office, period, all_versions, version_ids)
    grain = read_grain(session, scope, roll=roll)
    previous_scope = Scope(office, period.previous(), all_versions, None)
    previous = read_grain(session, previous_scope, by_month=False, roll=roll)

    answered_ids = sorted({key[0] for key in grain.responses}, key=lambda i: all_versions[i].number)
    if version_ids is not None:
        answered_ids = sorted(version_ids, key=lambda i: all_versions[i].number)
    versions = [all_versions[i] for i in answered_ids]
    units = build_units(versions, lang)
    labels, department_order = department_labels(session, office, lang)

    data: dict[str, Any] = {
        "office": {"slug": office.slug, "name": office.name, "address": office.address or ""},
        "lang": lang,
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "timezone": "Europe/Warsaw",
        },
        "previous_period": {
            "start": period.previous().start.isoformat(),
            "end": period.previous().end.isoformat(),
        },
        "months": period.months(),
    }
    data["responses"] = responses_section(grain, versions)
    data["responses"]["paper_missing"] = grain.missing
    data["versions"] = [
        {
            "number": v.number,
            "title": pick_text(v.title, lang),
            "responses": data["responses"]["by_version"].get(str(v.number), 0),
        }
        for v in versions
    ]
    ratings = [u for u in units if u.type == QuestionType.RATING]
    data["areas"] = areas_section(grain, previous, ratings, lang)
    data["headline"] = headline_section(grain, previous, ratings)
    data["choices"] = choices_section(grain, units, labels, department_order, lang)
    data["departments"] = departments_section(grain, ratings, labels, department_order, lang)
    data["trend"] = trend_section(grain, ratings, period)
    if importance_units(units, ratings):
        data["importance"] = importance_section(grain, units, ratings, lang)
    else:
        overall = overall_unit(ratings)
        drivers = driver_units(ratings)
        pairs = (
            read_driver_pairs(session, scope, {u.key for u in drivers}, overall.key, grain)
            if overall is not None and drivers
            else {}
        )
        data["importance"] = derived_importance_section(grain, ratings, pairs, lang)
    data["needs_action"] = needs_action_section(data["areas"], data["importance"])
    data["comments"] = comments_section(
        session,
        scope,
        grain,
        versions,
        labels,
        department_order,
        data["departments"]["hidden"],
        lang,
    )
    data["themes"] = [
        {"name": name, "count": count} for name, count in read_theme_counts(session, scope)
    ]
    data["actions"] = actions_section(
        session, office, period, lang, labels_of_items(versions, lang)
    )
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
        "by_channel": {
            ch: by_channel[ch] for ch in sorted(by_channel, key=lambda c: -by_channel[c])
        },
        "by_channel_pct": {ch: 100 * c / total for ch, c in by_channel.items()} if total else {},
        "by_version_channel": dict(sorted(by_version_channel.items())),
    }


def rating_counts(grain: Grain, version_ids: Iterable[int], key: str) -> Counter:
    """Sum a rating question's values over departments and months."""
    wanted = set(version_ids)
    counts: Counter = Counter()
    for (version_id, _k, _d, _m, value, _h), count in grain.of_key(key):
        if version_id in wanted:
            counts[value] += count
    return counts


def counts_by_key(grain: Grain) -> dict[str, Counter]:
    """Return each question key's values summed over versions, departments and months."""
    if grain.by_value is None:
        out: dict[str, Counter] = defaultdict(Counter)
        for (_v, key, _d, _m, value, _h), count in grain.answers.items():
            out[key][value] += count
        grain.by_value = dict(out)
    return grain.by_value


def area_keys(ratings: list[Unit]) -> list[str]:
    """Return the rating grids' keys in order, then OTHER_AREA for rating questions outside grids."""
    keys = []
    for unit in ratings:
        area = unit.question.group or OTHER_AREA
        if area not in keys:
            keys.append(area)
    return [k for k in keys if k != OTHER_AREA] + ([OTHER_AREA] if OTHER_AREA in keys else [])


def areas_section(
    grain: Grain, previous: Grain, ratings: list[Unit], lang: str
) -> list[dict[str, Any]]:
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
            items.append(
                {
                    "id": unit.id,
                    "key": unit.key,
                    "label": unit.label(lang),
                    "versions": unit.version_numbers,
                    "scale": (unit.question.scale or {}).get(lang)
                    or (unit.question.scale or {}).get("pl")
                    or [],
                    "stats": stats,
                    "previous_mean": previous_stats["mean"] if comparable else None,
                    "change": change(stats["mean"], previous_stats["mean"]) if comparable else None,
                }
            )
        for key in {u.key for u in members}:
            previous_pooled.update(previous_by_key.get(key, Counter()))
        label = (
            pick_text(members[-1].question.group_texts, lang)
            if area != OTHER_AREA
            else message("other_area", lang)
        )
        area_stats = rating_stats(pooled) if area != OTHER_AREA else None
        previous_mean = rating_stats(previous_pooled)["mean"] if area != OTHER_AREA else None
        areas.append(
            {
                "key": area,
                "label": label,
                "stats": area_stats,
                "previous_mean": previous_mean,
                "change": change(area_stats["mean"], previous_mean) if area_stats else None,
                "items": items,
            }
        )
    return areas


def index_counts(grain: Grain, ratings: list[Unit]) -> Counter:
    """Pool the answers of every rating question in a grid: the satisfaction index."""
    keys = {u.key for u in ratings if u.question.group}
    counts: Counter = Counter()
    for key in keys:
        for (_v, _k, _d, _m, value, _h), count in grain.of_key(key):
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
        "index_mean": {
            "value": index["mean"],
            "n": index["n"],
            "previous": previous_index["mean"],
            "change": change(index["mean"], previous_index["mean"]),
        },
        "index_satisfied_pct": {
            "value": index["satisfied_pct"],
            "previous": previous_index["satisfied_pct"],
            "change": change(index["satisfied_pct"], previous_index["satisfied_pct"]),
        },
        "overall_key": None,
    }
    unit = overall_unit(ratings)
    if unit is not None:
        stats = rating_stats(rating_counts(grain, unit.version_ids, unit.key))
        before = rating_stats(counts_by_key(previous).get(unit.key, Counter()))
        out["overall_key"] = unit.key
        out["overall_mean"] = {
            "value": stats["mean"],
            "n": stats["n"],
            "sd": stats["sd"],
            "previous": before["mean"],
            "change": change(stats["mean"], before["mean"]),
        }
        out["overall_satisfied_pct"] = {
            "value": stats["satisfied_pct"],
            "previous": before["satisfied_pct"],
            "change": change(stats["satisfied_pct"], before["satisfied_pct"]),
        }
        out["overall_dissatisfied_pct"] = {
            "value": stats["dissatisfied_pct"],
            "previous": before["dissatisfied_pct"],
            "change": change(stats["dissatisfied_pct"], before["dissatisfied_pct"]),
        }
    return out


def choices_section(
    grain: Grain, units: list[Unit], labels: dict[str, str], department_order: list[str], lang: str
) -> list[dict[str, Any]]:
    """Return each single, multi and department question with its options' counts and shares."""
    out = []
    for unit in units:
        if unit.type not in {QuestionType.SINGLE, QuestionType.MULTI, QuestionType.DEPARTMENT}:
            continue
        wanted = set(unit.version_ids)
        counts: Counter = Counter()
        for (version_id, _k, _d, _m, option, _h), count in grain.of_key(unit.key):
            if version_id in wanted:
                counts[option] += count
        if unit.type == QuestionType.MULTI:
            # Shares of a multi question are of every response to a version asking it: counting
            # those who picked anything would need a second, DISTINCT pass over the answers.
            respondents = grain.responses_of(wanted)
        else:
            respondents = sum(counts.values())
        if unit.type == QuestionType.DEPARTMENT:
            keys = [k for k in department_order if counts.get(k)] + sorted(
                str(k) for k in counts if k not in department_order
            )
            option_labels = {k: labels.get(k, str(k)) for k in keys}
        else:
            keys = [o["key"] for o in unit.question.options or []]
            keys += sorted(str(k) for k in counts if k not in keys)
            option_labels = {
                o["key"]: pick_text(o.get("texts"), lang) for o in unit.question.options or []
            }
        options = []
        for key in keys:
            count = counts.get(key, 0)
            options.append(
                {
                    "key": key,
                    "label": option_labels.get(key, key),
                    "count": count,
                    "pct": 100 * count / respondents if respondents else None,
                }
            )
        if unit.type == QuestionType.DEPARTMENT:
            options = suppress_options(options)
        out.append(
            {
                "id": unit.id,
                "key": unit.key,
                "type": unit.type,
                "label": unit.label(lang),
                "versions": unit.version_numbers,
                "respondents": respondents,
                "options": options,
            }
        )
    return out


def departments_section(
    grain: Grain,
    ratings: list[Unit],
    labels: dict[str, str],
    department_order: list[str],
    lang: str,
) -> dict[str, Any]:
    """Return the breakdown by department: responses and means, suppressed below MIN_CELL.

    Departments with fewer than MIN_CELL responses are hidden as a whole; when that leaves one alone,
    the next smallest is hidden with it (see suppress_column). Suppression happens here, in the data,
    so that no renderer can print a number it never receives.
    """
    sizes: Counter = Counter()
    for (_v, _channel, department, _m), count in grain.responses.items():
        sizes[department] += count
    keys = [k for k in department_order if sizes.get(k)] + sorted(
        k for k in sizes if k not in department_order
    )
    hidden = suppressed_keys({k: sizes[k] for k in keys})

    per_key: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (_v, key, department, _m, value, _h), count in grain.answers.items():
        per_key[(department, key)][value] += count
    unit_by_key: dict[str, Unit] = {}
    for unit in ratings:
        unit_by_key.setdefault(unit.key, unit)

    columns: list[dict[str, Any]] = [
        {"id": "responses", "label": message("responses", lang), "kind": "count"}
    ]
    overall = overall_unit(ratings)
    if overall is not None:
        columns.append(
            {
                "id": "overall",
                "key": overall.key,
                "label": message("overall_short", lang),
                "kind": "overall",
            }
        )
    columns.append({"id": "index", "label": message("index", lang), "kind": "index"})
    areas = [a for a in area_keys(ratings) if a != OTHER_AREA]
    for area in areas:
        unit = next(u for u in ratings if u.question.group == area)
        columns.append(
            {
                "id": f"area:{area}",
                "key": area,
                "label": pick_text(unit.question.group_texts, lang),
                "kind": "area",
            }
        )
    for key, unit in unit_by_key.items():
        if unit.question.group:
            columns.append(
                {
                    "id": f"item:{key}",
                    "key": key,
                    "label": pick_text(unit.question.texts, lang),
                    "kind": "item",
                }
            )

    def counts_for(department: str, column: dict[str, Any]) -> Counter:
        if column["kind"] in {"overall", "item"}:
            return per_key.get((department, column["key"]), Counter())
        members = [
            u.key
            for u in unit_by_key.values()
            if u.question.group and (column["kind"] == "index" or u.question.group == column["key"])
        ]
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
        out.append(
            {
                "month": month,
                "responses": responses.get(i, 0),
                "overall_mean": o["mean"],
                "overall_n": o["n"],
                "index_mean": x["mean"],
                "index_n": x["n"],
            }
        )
    return out


def importance_units(units: list[Unit], ratings: list[Unit]) -> list[Unit]:
    """Return the "most important" question's units: key "important", else a multi whose options are rated items."""
    rated = {u.key for u in ratings}
    candidates = [
        u
        for u in units
        if u.type == QuestionType.MULTI
        and set(u.question.option_keys())
        and set(u.question.option_keys()) <= rated
    ]
    keys = [u.key for u in candidates]
    key = "important" if "important" in keys else (keys[0] if keys else None)
    return [u for u in candidates if u.key == key]


def importance_section(
    grain: Grain, units: list[Unit], ratings: list[Unit], lang: str
) -> dict[str, Any]:
    """Return, per rated item, the share of respondents naming it most important, beside its mean.

    The share is of every response to the versions that offered the item (see choices_section).
    """
    members = importance_units(units, ratings)
    if not members:
        return {"method": "stated", "key": None, "respondents": 0, "items": []}
    key = members[0].key
    picks: Counter = Counter()
    for (_v, _k, _d, _m, option, _h), count in grain.of_key(key):
        picks[option] += count
    respondents_by_version = {
        v: grain.responses_of([v]) for unit in members for v in unit.version_ids
    }
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
        items.append(
            {
                "key": option_key,
                "label": pick_text(option.get("texts"), lang),
                "picks": picks.get(option_key, 0),
                "respondents": respondents,
                "share_pct": 100 * picks.get(option_key, 0) / respondents if respondents else None,
                "mean": stats["mean"],
                "n": stats["n"],
            }
        )
    for item in items:
        item["importance"] = item["share_pct"]
    share_line, mean_line = place_in_quadrants(items)
    return {
        "method": "stated",
        "key": key,
        "label": pick_text(members[0].question.texts, lang),
        "respondents": sum(respondents_by_version.values()),
        "items": items,
        "share_line": share_line,
        "importance_line": share_line,
        "mean_line": mean_line,
    }


def place_in_quadrants(items: list[dict[str, Any]]) -> tuple[float | None, float | None]:
    """Set each item's quadrant by its importance and mean against their averages; return both."""
    rated = [i for i in items if i["mean"] is not None and i["importance"] is not None]
    importance_line = sum(i["importance"] for i in rated) / len(rated) if rated else None
    mean_line = sum(i["mean"] for i in rated) / len(rated) if rated else None
    for item in items:
        if item in rated:
            important = item["importance"] >= importance_line
            good = item["mean"] >= mean_line
            item["quadrant"] = {
                (True, False): "act",
                (True, True): "keep",
                (False, False): "watch",
                (False, True): "surplus",
            }[(important, good)]
        else:
            item["quadrant"] = None
    return importance_line, mean_line


def driver_units(ratings: list[Unit]) -> list[Unit]:
    """Return the rated items whose importance is derived: the grids' rows (else every rating but
    the overall one), one per key."""
    overall = overall_unit(ratings)
    in_grids = [u for u in ratings if u.question.group]
    candidates = in_grids or [u for u in ratings if overall is None or u.key != overall.key]
    by_key: dict[str, Unit] = {}
    for unit in candidates:
        by_key.setdefault(unit.key, unit)
    return list(by_key.values())


def derived_importance_section(
    grain: Grain, ratings: list[Unit], pairs: dict[str, PairSums], lang: str
) -> dict[str, Any]:
    """Return, per rated item, its importance derived from the answers beside its mean.

    With no question asking what matters most, an item's importance is Pearson's correlation
    coefficient r between its rating and the overall rating, over the responses that gave both
    (a standard key-driver analysis); ``pairs_n`` is that number of responses. Under MIN_CELL pairs
    neither r nor n is given (SUPPRESSED), and the item stays off the chart.
    """
    overall = overall_unit(ratings)
    drivers = driver_units(ratings) if overall is not None else []
    means = counts_by_key(grain)
    items = []
    for unit in drivers:
        sums = pairs.get(unit.key)
        n = sums.n if sums is not None else 0
        r = (
            pearson(n, sums.sum_x, sums.sum_y, sums.sum_xx, sums.sum_yy, sums.sum_xy)
            if sums
            else None
        )
        stats = rating_stats(means.get(unit.key, Counter()))
        shown = n >= MIN_CELL
        items.append(
            {
                "key": unit.key,
                "label": unit.label(lang),
                "pairs_n": n if shown else SUPPRESSED,
                "r": r if shown else None,
                "importance": r if shown else None,
                "mean": stats["mean"],
                "n": stats["n"],
            }
        )
    importance_line, mean_line = place_in_quadrants(items)
    overall_n = rating_stats(means.get(overall.key, Counter()))["n"] if overall else 0
    return {
        "method": "derived",
        "key": overall.key if overall is not None and items else None,
        "label": overall.label(lang) if overall is not None else "",
        "respondents": overall_n,
        "items": items,
        "importance_line": importance_line,
        "mean_line": mean_line,
    }


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
            flagged = (
                stats["mean"] < ACTION_MEAN_BELOW
                or stats["dissatisfied_pct"] >= ACTION_DISSATISFIED_FROM
            )
            items.append(
                {
                    "id": item["id"],
                    "key": item["key"],
                    "label": item["label"],
                    "area": area["label"],
                    "mean": stats["mean"],
                    "n": stats["n"],
                    "dissatisfied_pct": stats["dissatisfied_pct"],
                    "priority": quadrants.get(item["key"]) == "act",
                    "flagged": flagged,
                }
            )
    items.sort(key=lambda i: (i["mean"], -i["dissatisfied_pct"], i["id"]))
    flagged = [i for i in items if i["flagged"]]
    return {
        "threshold_mean": ACTION_MEAN_BELOW,
        "threshold_dissatisfied_pct": ACTION_DISSATISFIED_FROM,
        "below_threshold": bool(flagged),
        "items": flagged or items[:3],
    }


def comments_section(
    session: Session,
    scope: Scope,
    grain: Grain,
    versions: list[SurveyVersion],
    labels: dict[str, str],
    department_order: list[str],
    hidden_departments: list[str],
    lang: str,
) -> dict[str, Any]:
    """Return the comments not hidden, grouped by department; small departments share one group."""
    text_keys = {q.key for v in versions for q in v.questions if q.type == QuestionType.TEXT}
    text_counts = [entry for key in text_keys for entry in grain.of_key(key)]
    total = sum(c for (_v, _k, _d, _m, _value, hidden), c in text_counts if not hidden)
    hidden_count = sum(c for (_v, _k, _d, _m, _value, hidden), c in text_counts if hidden)
    question_texts = {
        (v.id, q.key): pick_text(q.texts, lang) for v in versions for q in v.questions
    }
    numbers = {v.id: v.number for v in versions}
    several_questions = len(text_keys) > 1
    merged = set(hidden_departments)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    rows = read_comments(session, scope, text_keys) if total else []
    for department, submitted_at, version_id, key, text in sorted(
        rows, key=lambda row: (row[1], row[4])
    ):
        group = (
            SUPPRESSED if (department or NO_DEPARTMENT) in merged else (department or NO_DEPARTMENT)
        )
        # The month, never the day: with the department it could point to one visit.
        entry = {
            "month": to_local(submitted_at).strftime("%Y-%m"),
            "version": numbers.get(version_id),
            "text": text,
        }
        if several_questions:
            entry["question"] = question_texts.get((version_id, key), key)
        groups[group].append(entry)
    order = [k for k in department_order if k in groups] + sorted(
        k for k in groups if k not in department_order and k != SUPPRESSED
    )
    if SUPPRESSED in groups:
        order.append(SUPPRESSED)
    out_groups = []
    for key in order:
        label = message("small_departments", lang) if key == SUPPRESSED else labels.get(key, key)
        out_groups.append({"key": key, "label": label, "comments": groups[key]})
    return {
        "total": total,
        "shown": len(rows),
        "hidden": hidden_count,
        "limit": COMMENT_LIMIT,
        "groups": out_groups,
    }


def labels_of_items(versions: list[SurveyVersion], lang: str) -> dict[str, str]:
    """Return question key -> its text in the newest version that has it."""
    labels: dict[str, str] = {}
    for version in versions:
        for q in version.questions:
            labels[q.key] = pick_text(q.texts, lang)
    return labels


def actions_section(
    session: Session,
    office: Office,
    period: Period,
    lang: str,
    item_labels: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Return the corrective actions recorded since the previous period began, and every one still open.

    Their status is as it stands when the report is generated: the model keeps no history. What
    prompted each ("you said — we did") is given as the items, the themes of its comments and how
    many comments: never a comment's text, so a hidden comment cannot leak through an action.
    """
    item_labels = item_labels or {}
    start = period.previous().utc_start
    query = (
        sa.select(CorrectiveAction)
        .where(
            CorrectiveAction.office_id == office.id,
            sa.or_(
                CorrectiveAction.created_at >= start,
                CorrectiveAction.status.not_in(("done", "cancelled")),
            ),
        )
        .order_by(
            CorrectiveAction.deadline.is_(None), CorrectiveAction.deadline, CorrectiveAction.id
        )
    )
    out = []
    for action in session.scalars(query):
        out.append(
            {
                "title": action.title,
                "description": action.description or "",
                "owner": action.owner or "",
                "deadline": action.deadline.isoformat() if action.deadline else None,
                "status": action.status,
                "status_label": ACTION_STATUSES.get(action.status, {}).get(lang, action.status),
                "question_key": action.question_key,
                "done_at": action.done_at.isoformat() if action.done_at else None,
                "items": [item_labels.get(k, k) for k in action.item_keys()],
                "themes": sorted({t.name for a in action.answers for t in a.themes}),
                "comments": len(action.answers),
            }
        )
    return out


def annex_section(
    versions: list[SurveyVersion], labels: dict[str, str], department_order: list[str], lang: str
) -> list[dict[str, Any]]:
    """Return each version's questionnaire as it was: its texts, options and scales."""
    department_options = [labels[k] for k in department_order if k != NO_DEPARTMENT]
    out = []
    for version in versions:
        questions = []
        for q in version.questions:
            options = [pick_text(o.get("texts"), lang) for o in q.options or []]
            if q.type == QuestionType.DEPARTMENT and not options:
                options = department_options
            entry: dict[str, Any] = {
                "key": q.key,
                "type": q.type,
                "text": pick_text(q.texts, lang),
                "required": q.required,
                "group": q.group or "",
                "group_text": pick_text(q.group_texts, lang),
            }
            if options:
                entry["options"] = options
            if q.type == QuestionType.RATING:
                entry["scale"] = (q.scale or {}).get(lang) or (q.scale or {}).get("pl") or []
                entry["allow_na"] = q.allow_na
            if q.type == QuestionType.MULTI and q.max_picks:
                entry["max_picks"] = q.max_picks
            questions.append(entry)
        out.append(
            {
                "number": version.number,
                "title": pick_text(version.title, lang),
                "published_at": to_local(version.published_at).date().isoformat()
                if version.published_at
                else None,
                "retired_at": to_local(version.retired_at).date().isoformat()
                if version.retired_at
                else None,
                "questions": questions,
            }
        )
    return out
