"""Every report figure computed again in plain Python over the data set's raw rows, independently of reports/."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import UTC
from typing import Any

from tests.reports.dataset import WARSAW, Dataset, rows_in, utc_bounds

GROUPS = {
    "service": [
        "service_politeness",
        "service_competence",
        "service_clarity",
        "service_waiting",
        "service_deadline",
    ],
    "conditions": [
        "conditions_signage",
        "conditions_hours",
        "conditions_premises",
        "conditions_accessibility",
        "conditions_forms",
        "conditions_online",
    ],
}
# The reworded item is reported per version; the others pool both versions.
UNITS = {
    "service_waiting@v1": ("service_waiting", {1}),
    "service_waiting@v2": ("service_waiting", {2}),
}


def ratings(rows: list[dict[str, Any]], key: str, versions: set[int] | None = None) -> list[Any]:
    return [
        r["answers"][key]
        for r in rows
        if key in r["answers"] and (versions is None or r["version"] in versions)
    ]


def stats(values: list[Any]) -> dict[str, Any]:
    numbers = [v for v in values if v != "na"]
    out: dict[str, Any] = {
        "n": len(numbers),
        "na": values.count("na"),
        "distribution": {str(v): numbers.count(v) for v in range(1, 6)},
    }
    out["mean"] = statistics.fmean(numbers) if numbers else None
    out["sd"] = statistics.stdev(numbers) if len(numbers) > 1 else None
    out["satisfied_pct"] = (
        100 * sum(1 for v in numbers if v >= 4) / len(numbers) if numbers else None
    )
    out["dissatisfied_pct"] = (
        100 * sum(1 for v in numbers if v <= 2) / len(numbers) if numbers else None
    )
    return out


def local_month(row: dict[str, Any]) -> str:
    return row["submitted_at"].replace(tzinfo=UTC).astimezone(WARSAW).strftime("%Y-%m")


def expected_figures(data: Dataset) -> dict[str, Any]:
    """Return the figures of the 2024 report (and the 2023 comparison) from the raw rows."""
    start, end = utc_bounds((2024, 1, 1), (2024, 12, 31))
    rows = rows_in(data, start, end)
    prev_start, prev_end = utc_bounds((2023, 1, 1), (2023, 12, 31))
    previous = rows_in(data, prev_start, prev_end)
    out: dict[str, Any] = {
        "rows": rows,
        "previous_rows": previous,
        "total": len(rows),
        "by_version": Counter(r["version"] for r in rows),
        "by_channel": Counter(r["channel"] for r in rows),
    }

    items = {}
    for keys in GROUPS.values():
        for key in keys:
            if key != "service_waiting":
                items[key] = stats(ratings(rows, key))
    for unit, (key, versions) in UNITS.items():
        items[unit] = stats(ratings(rows, key, versions))
    items["overall"] = stats(ratings(rows, "overall"))
    out["items"] = items
    out["previous_item_means"] = {
        key: stats(ratings(previous, key))["mean"] for keys in GROUPS.values() for key in keys
    } | {"overall": stats(ratings(previous, "overall"))["mean"]}
    out["areas"] = {
        g: stats([v for k in keys for v in ratings(rows, k)]) for g, keys in GROUPS.items()
    }
    out["previous_areas"] = {
        g: stats([v for k in keys for v in ratings(previous, k)])["mean"]
        for g, keys in GROUPS.items()
    }
    all_keys = [k for keys in GROUPS.values() for k in keys]
    out["index"] = stats([v for k in all_keys for v in ratings(rows, k)])
    out["previous_index"] = stats([v for k in all_keys for v in ratings(previous, k)])
    out["previous_overall"] = stats(ratings(previous, "overall"))
    out["previous_total"] = len(previous)

    # Departments: fewer than 5 hidden, and the next smallest with the lone one.
    sizes = Counter(r["department"] for r in rows)
    small = {d for d, n in sizes.items() if n < 5}
    if len(small) == 1:
        small.add(min((d for d in sizes if d not in small), key=lambda d: sizes[d]))
    out["department_sizes"] = sizes
    out["hidden_departments"] = small
    by_department: dict[str, dict[str, Any]] = defaultdict(dict)
    for department in sizes:
        mine = [r for r in rows if r["department"] == department]
        for key in [*all_keys, "overall"]:
            by_department[department][key] = stats(ratings(mine, key))
        by_department[department]["index"] = stats([v for k in all_keys for v in ratings(mine, k)])
        for group, keys in GROUPS.items():
            by_department[department][group] = stats([v for k in keys for v in ratings(mine, k)])
    out["by_department"] = by_department

    # Months in Polish time.
    months = defaultdict(list)
    for r in rows:
        months[local_month(r)].append(r)
    out["months"] = {
        m: {"responses": len(rs), "overall_mean": stats(ratings(rs, "overall"))["mean"]}
        for m, rs in months.items()
    }

    # Choice questions.
    choices = {}
    # Single questions: shares of those who answered; multi ("purpose"): of every response.
    for key in ("purpose", "resolved", "trend", "frequency", "age", "client_type"):
        answered = rows if key == "purpose" else [r for r in rows if key in r["answers"]]
        picks = Counter()
        for r in answered:
            value = r["answers"].get(key)
            if value is not None:
                picks.update(value if isinstance(value, list) else [value])
        choices[key] = {"respondents": len(answered), "counts": picks}
    out["choices"] = choices

    # Importance: share of the responses to the versions offering the item that name it, beside its mean.
    importance = {}
    offered = {1: set(all_keys) - {"conditions_online"}, 2: set(all_keys) - {"conditions_forms"}}
    for key in all_keys:
        if key == "conditions_online":
            continue  # not an option of "important" in either version
        respondents = [r for r in rows if key in offered[r["version"]]]
        picks = sum(1 for r in respondents if key in r["answers"].get("important", []))
        importance[key] = {
            "share_pct": 100 * picks / len(respondents),
            "mean": stats(ratings(rows, key))["mean"],
        }
    out["importance"] = importance

    # Comments: not hidden, by department; hidden departments' comments in one group.
    comments = [r for r in rows if "comment" in r["answers"]]
    out["comments_total"] = sum(1 for r in comments if "comment" not in r["hidden"])
    out["comments_hidden"] = sum(1 for r in comments if "comment" in r["hidden"])
    groups: dict[str, list[str]] = defaultdict(list)
    for r in comments:
        if "comment" in r["hidden"]:
            continue
        groups["< 5" if r["department"] in small else r["department"]].append(
            r["answers"]["comment"]
        )
    out["comment_groups"] = groups
    return out
