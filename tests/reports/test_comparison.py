"""The comparison of offices (reports/comparison.py) against figures computed by hand.

Five offices in 2025 (2024 is the previous period of equal length):

| office  | publishes | responses | overall ratings            | service_politeness | 2024 overall |
|---------|-----------|-----------|----------------------------|--------------------|--------------|
| Alfa    | yes       | 40        | 20×5, 20×4 → 4.5, 100 %    | 40×4 → 4.0         | 10×4 → 4.0   |
| Beta    | no        | 30        | 10×5, 10×3, 10×1 → 3.0, 33⅓ % | 3×5 (under 5: left out) | —       |
| Gamma   | yes       | 50        | 50×4 → 4.0, 100 %          | 25×5, 25×3 → 4.0   | 5×5 → 5.0    |
| Delta   | no        | 35        | 35×2 → 2.0, 0 %            | —                  | 4×2 (under 5) |
| Epsilon | yes       | 29 (left out) | 29×5 → 5.0             | —                  | —            |

Delta and Epsilon also rate ``service_clarity``; Epsilon is left out, so only one compared office
asked it and it is not a shared item.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from collector.extensions import db
from reports.comparison import MIN_RESPONSES, build_comparison, named_for, standing
from reports.periods import Period
from tests.factories import create_office, published_version
from tests.reports.dataset import add_response, local

YEAR_2025 = Period(datetime(2025, 1, 1).date(), datetime(2025, 12, 31).date())


def add_ratings(office, when, overall: list[int], **others: list[int]) -> None:
    """Store one response per overall rating; the i-th response also rates each of ``others``' i-th value."""
    version = published_version(office)
    for i, value in enumerate(overall):
        answers = {"overall": value}
        for key, values in others.items():
            if i < len(values):
                answers[key] = values[i]
        add_response(office, version, when, answers)


def five_offices() -> dict:
    offices = {
        "alfa": create_office("alfa", "Alfa", publish_results=True),
        "beta": create_office("beta", "Beta"),
        "gamma": create_office("gamma", "Gamma", publish_results=True),
        "delta": create_office("delta", "Delta"),
        "epsilon": create_office("epsilon", "Epsilon", publish_results=True),
    }
    this_year, last_year = local(2025, 6, 15), local(2024, 6, 15)
    add_ratings(offices["alfa"], this_year, [5] * 20 + [4] * 20, service_politeness=[4] * 40)
    add_ratings(offices["alfa"], last_year, [4] * 10)
    add_ratings(
        offices["beta"], this_year, [5] * 10 + [3] * 10 + [1] * 10, service_politeness=[5] * 3
    )
    add_ratings(offices["gamma"], this_year, [4] * 50, service_politeness=[5] * 25 + [3] * 25)
    add_ratings(offices["gamma"], last_year, [5] * 5)
    add_ratings(offices["delta"], this_year, [2] * 35, service_clarity=[5] * 35)
    add_ratings(offices["delta"], last_year, [2] * 4)
    add_ratings(offices["epsilon"], this_year, [5] * 29, service_clarity=[5] * 29)
    db.session.commit()
    return offices


@pytest.fixture
def offices(app):
    return five_offices()


def test_offices_under_30_responses_are_left_out_and_only_shared_keys_are_compared(offices):
    comparison = build_comparison(db.session, YEAR_2025)

    assert MIN_RESPONSES == 30
    assert [row.slug for row in comparison.offices] == ["alfa", "beta", "delta", "gamma"]
    assert [(o.slug, o.responses) for o in comparison.left_out] == [("epsilon", 29)]
    assert [item.key for item in comparison.items] == ["overall", "service_politeness"]
    assert comparison.items[0].label == "Jak ogólnie ocenia Pan/Pani obsługę w Urzędzie?"
    assert comparison.previous == Period(datetime(2024, 1, 1).date(), datetime(2024, 12, 31).date())


def test_each_offices_cells_and_trend_are_the_hand_computed_ones(offices):
    comparison = build_comparison(db.session, YEAR_2025)
    cells = {row.slug: row.cells for row in comparison.offices}

    alfa = cells["alfa"]["overall"]
    assert (alfa.n, alfa.mean, alfa.satisfied_pct, alfa.change) == (40, 4.5, 100.0, 0.5)
    beta = cells["beta"]["overall"]
    assert (beta.n, beta.mean, beta.change) == (30, 3.0, None)
    assert beta.satisfied_pct == pytest.approx(100 / 3)
    gamma = cells["gamma"]["overall"]
    assert (gamma.mean, gamma.satisfied_pct, gamma.change) == (4.0, 100.0, -1.0)
    delta = cells["delta"]["overall"]
    assert (delta.mean, delta.satisfied_pct, delta.change) == (2.0, 0.0, None)  # 2024: n = 4
    assert cells["beta"]["service_politeness"] is None  # 3 ratings: under 5
    assert cells["delta"]["service_politeness"] is None  # not asked
    assert (
        cells["gamma"]["service_politeness"].mean,
        cells["gamma"]["service_politeness"].satisfied_pct,
    ) == (4.0, 50.0)


def test_the_medians_are_the_hand_computed_ones(offices):
    comparison = build_comparison(db.session, YEAR_2025)

    # overall: 2.0, 3.0, 4.0, 4.5 → (3.0 + 4.0) / 2; Epsilon's 5.0 is left out.
    assert comparison.median("overall") == 3.5
    # satisfied: 0, 33⅓, 100, 100 → (33⅓ + 100) / 2
    assert comparison.median("overall", "satisfied_pct") == pytest.approx(200 / 3)
    # politeness: Alfa 4.0 and Gamma 4.0; Beta's 3 ratings are left out.
    assert comparison.median("service_politeness") == 4.0


def test_an_office_stands_against_the_median_of_the_others(offices):
    comparison = build_comparison(db.session, YEAR_2025)

    alfa = {s.item.key: s for s in standing(comparison, offices["alfa"].id)}
    # The others on overall: Beta 3.0, Delta 2.0, Gamma 4.0 → median 3.0; Alfa first of four.
    assert (alfa["overall"].median_mean, alfa["overall"].rank, alfa["overall"].ranked) == (
        3.0,
        1,
        4,
    )
    assert alfa["overall"].quartile == 1
    assert alfa["overall"].median_satisfied_pct == pytest.approx(100 / 3)  # 0, 33⅓, 100
    # Politeness: only Gamma (4.0) besides Alfa (4.0): a tie shares first place; two ranked, no
    # quartile, and no median (it would be Gamma's own mean, given away to Alfa).
    assert (alfa["service_politeness"].median_mean, alfa["service_politeness"].rank) == (None, 1)
    assert (alfa["service_politeness"].ranked, alfa["service_politeness"].quartile) == (2, None)

    beta = {s.item.key: s for s in standing(comparison, offices["beta"].id)}
    # Others: 4.5, 4.0, 2.0 → median 4.0; Beta (3.0) third of four.
    assert (beta["overall"].median_mean, beta["overall"].rank, beta["overall"].quartile) == (
        4.0,
        3,
        3,
    )
    assert beta["service_politeness"].own is None and beta["service_politeness"].rank is None
    assert beta["service_politeness"].median_mean is None  # two others (Alfa, Gamma): not shown

    delta = {s.item.key: s for s in standing(comparison, offices["delta"].id)}
    assert (delta["overall"].median_mean, delta["overall"].rank, delta["overall"].quartile) == (
        4.0,
        4,
        4,
    )

    # Left out (29 responses): no value of its own, the median of the four compared offices.
    epsilon = {s.item.key: s for s in standing(comparison, offices["epsilon"].id)}
    assert epsilon["overall"].own is None and epsilon["overall"].median_mean == 3.5


def test_an_office_sees_by_name_only_itself_and_the_offices_that_publish(offices):
    comparison = build_comparison(db.session, YEAR_2025)

    assert [r.slug for r in named_for(comparison, offices["beta"].id)] == ["alfa", "beta", "gamma"]
    assert [r.slug for r in named_for(comparison, offices["delta"].id)] == [
        "alfa",
        "delta",
        "gamma",
    ]
    assert [r.slug for r in named_for(comparison, offices["alfa"].id)] == ["alfa", "gamma"]


def test_a_period_with_one_office_compares_nothing(offices):
    comparison = build_comparison(
        db.session, Period(datetime(2024, 1, 1).date(), datetime(2024, 12, 31).date())
    )

    assert comparison.offices == [] and comparison.items == []
    assert {o.slug for o in comparison.left_out} == {"alfa", "beta", "gamma", "delta", "epsilon"}
