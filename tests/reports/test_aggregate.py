"""Every figure of the report equals the same figure computed independently over the raw rows.

Runs on SQLite and on PostgreSQL (conftest); the data's SHA-256 must come out the same on both.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from pytest import approx

from reports.periods import Period
from reports.sections import build_report_data, data_sha256
from reports.statistics import SUPPRESSED
from tests.reports.dataset import PRIVATE_COMMENT, build_dataset, local
from tests.reports.expected import GROUPS, expected_figures

HASHES: dict[str, str] = {}

pytestmark = pytest.mark.shared_data  # the dataset is built once per database; tests only read it


@pytest.fixture(scope="module")
def dataset(shared_app):
    return build_dataset()


@pytest.fixture
def report(dataset, session):
    return build_report_data(session, dataset.office, Period(date(2024, 1, 1), date(2024, 12, 31)))


@pytest.fixture(scope="module")
def expected(dataset):
    return expected_figures(dataset)


def items_by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for area in report["areas"] for item in area["items"]}


def assert_stats(actual: dict[str, Any], wanted: dict[str, Any]) -> None:
    assert actual["n"] == wanted["n"]
    assert actual["distribution"] == wanted["distribution"] | {"na": wanted["na"]}
    for key in ("mean", "sd", "satisfied_pct", "dissatisfied_pct"):
        assert actual[key] == approx(wanted[key], abs=1e-9), key


def test_the_period_is_cut_in_polish_time(dataset, expected):
    edges = [r["submitted_at"] for r in expected["rows"]]
    assert local(2024, 1, 1, 0, 30) in edges  # 2023-12-31 23:30 UTC belongs to 2024 in Łódź
    assert local(2025, 1, 1, 0, 30) not in edges  # 2024-12-31 23:30 UTC belongs to 2025


def test_responses_per_version_and_channel(report, expected):
    assert report["responses"]["total"] == expected["total"] == sum(expected["by_version"].values())
    assert report["responses"]["by_version"] == {
        str(v): n for v, n in sorted(expected["by_version"].items())
    }
    assert report["responses"]["by_channel"] == dict(expected["by_channel"])
    assert [v["number"] for v in report["versions"]] == [1, 2]


def test_every_item_area_and_the_overall_figures(report, expected):
    items = items_by_id(report)
    assert set(items) == set(expected["items"])  # the reworded item appears once per version
    for item_id, wanted in expected["items"].items():
        assert_stats(items[item_id]["stats"], wanted)
    assert "(wersja 1)" in items["service_waiting@v1"]["label"]
    areas = {a["key"]: a for a in report["areas"]}
    for group, wanted in expected["areas"].items():
        assert_stats(areas[group]["stats"], wanted)
        assert areas[group]["change"] == approx(wanted["mean"] - expected["previous_areas"][group])
    headline = report["headline"]
    assert headline["responses"] == {
        "value": expected["total"],
        "previous": expected["previous_total"],
        "change": expected["total"] - expected["previous_total"],
    }
    assert headline["overall_mean"]["value"] == approx(expected["items"]["overall"]["mean"])
    assert headline["overall_mean"]["change"] == approx(
        expected["items"]["overall"]["mean"] - expected["previous_overall"]["mean"]
    )
    assert headline["overall_satisfied_pct"]["value"] == approx(
        expected["items"]["overall"]["satisfied_pct"]
    )
    assert headline["index_mean"]["value"] == approx(expected["index"]["mean"])
    assert headline["index_mean"]["previous"] == approx(expected["previous_index"]["mean"])
    for key in ("service_politeness", "conditions_hours"):
        assert items[key]["change"] == approx(
            expected["items"][key]["mean"] - expected["previous_item_means"][key]
        )
    assert (
        items["service_waiting@v2"]["change"] is None
    )  # no like-for-like comparison for a reworded item


def test_not_applicable_is_counted_but_left_out_of_the_mean(report, expected):
    item = items_by_id(report)["service_politeness"]["stats"]
    assert item["distribution"]["na"] == expected["items"]["service_politeness"]["na"] > 0
    assert item["n"] + item["distribution"]["na"] == item["answers"]


def test_departments_with_fewer_than_five_answers_are_suppressed(report, expected):
    departments = report["departments"]
    assert expected["department_sizes"]["podatki"] == 3
    assert set(departments["hidden"]) == expected["hidden_departments"] == {"podatki", "other"}
    for row in departments["rows"]:
        key = row["key"]
        if key in expected["hidden_departments"]:
            assert set(row["cells"].values()) == {SUPPRESSED}, key
            continue
        wanted = expected["by_department"][key]
        assert row["cells"]["responses"] == {"n": expected["department_sizes"][key]}
        for column in departments["columns"][1:]:
            name = column.get("key") if column["kind"] in {"item", "area", "overall"} else "index"
            value = row["cells"][column["id"]]
            if wanted[name]["n"] < 5:
                assert value == SUPPRESSED, (key, name)
            else:
                assert value["n"] == wanted[name]["n"]
                assert value["mean"] == approx(wanted[name]["mean"]), (key, name)
    department_question = next(c for c in report["choices"] if c["key"] == "department")
    for option in department_question["options"]:
        if option["key"] in expected["hidden_departments"]:
            assert option["count"] == option["pct"] == SUPPRESSED
        else:
            assert option["count"] == expected["department_sizes"][option["key"]]


def test_trend_by_month(report, expected):
    trend = {m["month"]: m for m in report["trend"]}
    assert list(trend) == [f"2024-{m:02d}" for m in range(1, 13)]
    for month, wanted in expected["months"].items():
        assert trend[month]["responses"] == wanted["responses"]
        assert trend[month]["overall_mean"] == approx(wanted["overall_mean"])


def test_choice_questions(report, expected):
    choices = {c["key"]: c for c in report["choices"]}
    for key, wanted in expected["choices"].items():
        question = choices[key]
        assert question["respondents"] == wanted["respondents"]
        counts = {o["key"]: o["count"] for o in question["options"]}
        assert {k: v for k, v in counts.items() if v} == dict(wanted["counts"])
        for option in question["options"]:
            assert option["pct"] == approx(100 * option["count"] / wanted["respondents"])


def test_importance_against_satisfaction(report, expected):
    importance = {i["key"]: i for i in report["importance"]["items"]}
    assert set(importance) == set(expected["importance"])
    for key, wanted in expected["importance"].items():
        assert importance[key]["share_pct"] == approx(wanted["share_pct"]), key
        assert importance[key]["mean"] == approx(wanted["mean"]), key
    share_line = sum(w["share_pct"] for w in expected["importance"].values()) / len(
        expected["importance"]
    )
    mean_line = sum(w["mean"] for w in expected["importance"].values()) / len(
        expected["importance"]
    )
    for key, wanted in expected["importance"].items():
        quadrant = {
            (True, False): "act",
            (True, True): "keep",
            (False, False): "watch",
            (False, True): "surplus",
        }[(wanted["share_pct"] >= share_line, wanted["mean"] >= mean_line)]
        assert importance[key]["quadrant"] == quadrant


def test_needs_action_lists_the_weak_items_lowest_first(report, expected):
    weak = sorted(
        (w["mean"], item_id)
        for item_id, w in expected["items"].items()
        if item_id != "overall" and (w["mean"] < 4 or w["dissatisfied_pct"] >= 20)
    )
    assert [i["id"] for i in report["needs_action"]["items"]] == [item_id for _, item_id in weak]


def test_comments_not_hidden_grouped_by_department(report, expected):
    comments = report["comments"]
    assert comments["total"] == expected["comments_total"]
    assert comments["hidden"] == expected["comments_hidden"] == 2
    groups = {g["key"]: sorted(c["text"] for c in g["comments"]) for g in comments["groups"]}
    assert groups == {k: sorted(v) for k, v in expected["comment_groups"].items()}
    assert PRIVATE_COMMENT not in str(report)


def test_the_data_and_its_hash_are_the_same_on_every_database(report, database_url):
    kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    HASHES[kind] = data_sha256(report)
    assert len(set(HASHES.values())) == 1, HASHES


def test_a_version_filter_keeps_only_that_version(dataset, session, expected):
    data = build_report_data(
        session, dataset.office, Period(date(2024, 1, 1), date(2024, 12, 31)), version_numbers=[1]
    )
    assert data["responses"]["total"] == expected["by_version"][1]
    assert [v["number"] for v in data["versions"]] == [1]
    assert "conditions_online" not in {i["key"] for a in data["areas"] for i in a["items"]}


def test_areas_cover_the_rating_grids_in_survey_order(report):
    assert [a["key"] for a in report["areas"]] == [*GROUPS, ""]
    assert Counter(i["key"] for i in report["areas"][1]["items"])["conditions_online"] == 1


def test_corrective_actions_listed_are_recent_or_still_open(dataset, session):
    from collector.models import CorrectiveAction

    old = local(2021, 5, 1)
    session.add_all(
        [
            CorrectiveAction(
                office_id=dataset.office.id,
                title="Stare, zakończone",
                status="done",
                created_at=old,
            ),
            CorrectiveAction(
                office_id=dataset.office.id,
                title="Stare, otwarte",
                status="in_progress",
                created_at=old,
                owner="Sekretarz Miasta",
                deadline=date(2024, 6, 30),
                question_key="service_waiting",
            ),
            CorrectiveAction(
                office_id=dataset.office.id,
                title="Z poprzedniego okresu",
                status="done",
                created_at=local(2023, 3, 1),
                done_at=date(2023, 9, 1),
            ),
        ]
    )
    session.commit()
    try:
        data = build_report_data(
            session, dataset.office, Period(date(2024, 1, 1), date(2024, 12, 31))
        )
    finally:  # the module's other tests share the dataset
        session.execute(sa.delete(CorrectiveAction))
        session.commit()
    assert [(a["title"], a["status_label"]) for a in data["actions"]] == [
        ("Stare, otwarte", "w realizacji"),
        ("Z poprzedniego okresu", "zrealizowane"),
    ]
    assert data["actions"][0]["owner"] == "Sekretarz Miasta"
