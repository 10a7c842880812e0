"""Statistics from answer counts and the small-cell rule: pure functions, no SQL, no Flask.

The anonymity rule lives here and only here: a breakdown cell of fewer than MIN_CELL answers is
SUPPRESSED in the data itself, and when only one cell of a column would be hidden the next smallest
is hidden too (secondary suppression), so that it cannot be recovered by subtraction.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from collector.models import NA

SUPPRESSED = "< 5"  # what a breakdown cell of fewer than MIN_CELL answers shows instead of numbers
MIN_CELL = 5
SCALE_VALUES = (1, 2, 3, 4, 5)


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


def suppress_column(
    cells: dict[str, Any], sizes: dict[str, int], hidden_rows: set[str]
) -> dict[str, Any]:
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


def suppressed_keys(sizes: dict[str, int]) -> set[str]:
    """Return the keys whose cells are hidden: those under MIN_CELL, plus the secondary one when needed."""
    primary = {key for key, size in sizes.items() if size < MIN_CELL}
    return {
        key
        for key, value in suppress_column(dict(sizes), sizes, primary).items()
        if value == SUPPRESSED
    }


def suppress_options(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hide the counts of options (departments) with fewer than MIN_CELL answers, and the share with them."""
    hidden = suppressed_keys({o["key"]: o["count"] for o in options})
    return [
        {"key": o["key"], "label": o["label"], "count": SUPPRESSED, "pct": SUPPRESSED}
        if o["key"] in hidden
        else o
        for o in options
    ]


def pearson(
    n: int, sum_x: float, sum_y: float, sum_xx: float, sum_yy: float, sum_xy: float
) -> float | None:
    """Return Pearson's correlation coefficient r from the sums of n pairs, or None when undefined
    (fewer than two pairs, or either rating the same in every pair)."""
    if n < 2:
        return None
    cov = n * sum_xy - sum_x * sum_y
    var_x = n * sum_xx - sum_x * sum_x
    var_y = n * sum_yy - sum_y * sum_y
    if var_x <= 0 or var_y <= 0:
        return None
    return max(-1.0, min(1.0, cov / math.sqrt(var_x * var_y)))
