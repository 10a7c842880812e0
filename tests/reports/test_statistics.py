"""The small-cell rule and the statistics, on counts alone (no database)."""

from __future__ import annotations

from collections import Counter

import pytest

from reports.statistics import SUPPRESSED, cell, rating_stats, suppress_options, suppressed_keys


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"a": 10, "b": 7, "c": 6}, set()),  # nothing small
        ({"a": 10, "b": 7, "c": 4}, {"b", "c"}),  # one small cell: the next smallest goes with it
        ({"a": 10, "b": 3, "c": 4}, {"b", "c"}),  # two small cells: nothing more
        ({"a": 10, "b": 6, "c": 6, "d": 2}, {"b", "d"}),  # a tie: the first in order goes
        ({"a": 3}, {"a"}),  # alone: nothing to recover it from
    ],
)
def test_suppressed_keys_hide_small_cells_and_one_more_when_one_is_alone(sizes, hidden):
    assert suppressed_keys(sizes) == hidden


def test_suppressed_options_lose_count_and_share():
    options = [
        {"key": "a", "label": "A", "count": 9, "pct": 60.0},
        {"key": "b", "label": "B", "count": 6, "pct": 40.0},
        {"key": "c", "label": "C", "count": 0, "pct": 0.0},
    ]
    assert [(o["count"], o["pct"]) for o in suppress_options(options)] == [
        (9, 60.0),
        (SUPPRESSED, SUPPRESSED),
        (SUPPRESSED, SUPPRESSED),
    ]


def test_a_cell_under_five_answers_is_suppressed_and_na_is_left_out_of_means():
    assert cell(Counter({5: 2, 4: 2, "na": 9})) == SUPPRESSED
    stats = rating_stats(Counter({5: 3, 1: 1, 3: 1, "na": 5}))
    assert (stats["n"], stats["answers"], stats["mean"], stats["satisfied_pct"]) == (
        5,
        10,
        3.8,
        60.0,
    )
    assert stats["sd"] == pytest.approx(1.78885, abs=1e-5)
