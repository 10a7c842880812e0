"""The panel's start page in figures: what came in, how the index moves, what needs a look.

Every figure comes from the report's own reads (``queries``), sections and small-cell rule
(``statistics``), so the start page never tells a clerk a number the report would not print.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from collector.models import Office

from .cycle import periodic_status
from .periods import Period, to_local
from .queries import count_responses, last_response_by_channel
from .sections import OTHER_AREA, build_report_data
from .statistics import SUPPRESSED, is_small
from .texts import message

ATTENTION_ITEMS = 3
FALL_FROM = -0.1  # a mean lower by at least this much than a year before counts as a fall


def same_day_last_year(day: date) -> date:
    """Return the same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def last_year(period: Period) -> Period:
    """Return the same dates a year earlier."""
    return Period(same_day_last_year(period.start), same_day_last_year(period.end))


def twelve_months(today: date) -> Period:
    """Return the twelve months up to today: from the first day of the month eleven months ago."""
    index = today.year * 12 + today.month - 1 - 11
    return Period(date(index // 12, index % 12 + 1, 1), today)


def response_counts(session: Session, office: Office, today: date) -> dict[str, dict[str, Any]]:
    """Return responses this month and this year to date, beside the same dates last year."""
    out = {}
    for name, period in (
        ("month", Period(today.replace(day=1), today)),
        ("year", Period(date(today.year, 1, 1), today)),
    ):
        before = last_year(period)
        out[name] = {
            "period": period,
            "value": count_responses(session, office, period),
            "last_year_period": before,
            "last_year": count_responses(session, office, before),
        }
    return out


def index_line(data: dict[str, Any]) -> dict[str, Any]:
    """Return the satisfaction index of the twelve months (the overall question where no grid is rated).

    The index is the report's "mean of every detailed rating"; with no rating grid in the survey
    the overall question's mean takes its place, under its own name.
    """
    headline = data["headline"]
    lang = data["lang"]
    if headline["index_mean"]["n"] or not headline.get("overall_key"):
        figures, field, label = headline["index_mean"], "index_mean", message("index", lang)
    else:
        figures, field, label = (
            headline["overall_mean"],
            "overall_mean",
            message("overall_mean", lang),
        )
    months = [
        {
            "month": month["month"],
            "value": month[field],
            "n": month["index_n" if field == "index_mean" else "overall_n"],
        }
        for month in data["trend"]
    ]
    return {
        "label": label,
        "value": figures["value"],
        "n": figures["n"],
        "previous": figures["previous"],
        "change": figures["change"],
        "months": months,
    }


def attention(data: dict[str, Any], limit: int = ATTENTION_ITEMS) -> list[dict[str, Any]]:
    """Return the items or departments to look at first: the biggest falls, then the lowest means.

    Items answered fewer than five times and departments whose cell is "< 5" (the report's
    small-cell rule, secondary suppression included) are never named.
    """
    candidates: list[dict[str, Any]] = []
    for area in data["areas"]:
        for item in area["items"]:
            stats = item["stats"]
            if item["key"] == data["headline"].get("overall_key") or stats["mean"] is None:
                continue
            if is_small(stats["n"]):
                continue
            candidates.append(
                {
                    "kind": "item",
                    "key": item["key"],
                    "label": item["label"],
                    "area": area["label"] if area["key"] != OTHER_AREA else "",
                    "mean": stats["mean"],
                    "n": stats["n"],
                    "change": item["change"],
                }
            )
    summary = "overall" if data["headline"].get("overall_key") else "index"
    for row in data["departments"]["rows"]:
        value = row["cells"].get(summary)
        if not value or value == SUPPRESSED or value.get("mean") is None:
            continue
        candidates.append(
            {
                "kind": "department",
                "key": row["key"],
                "label": row["label"],
                "area": "",
                "mean": value["mean"],
                "n": value["n"],
                "change": None,
            }
        )
    falls = sorted(
        (c for c in candidates if c["change"] is not None and c["change"] <= FALL_FROM),
        key=lambda c: (c["change"], c["mean"]),
    )
    lowest = sorted((c for c in candidates if c not in falls), key=lambda c: (c["mean"], c["key"]))
    for entry in falls:
        entry["reason"] = "fell"
    for entry in lowest:
        entry["reason"] = "lowest"
    return (falls + lowest)[:limit]


def build_overview(
    session: Session, office: Office, today: date, *, lang: str = "pl"
) -> dict[str, Any]:
    """Return the start page's figures for the office as of ``today`` (a local date)."""
    period = twelve_months(today)
    data = build_report_data(session, office, period, lang=lang)
    status = periodic_status(session, office)
    return {
        "today": today,
        "responses": response_counts(session, office, today),
        "twelve_months": period,
        "index": index_line(data),
        "attention": attention(data),
        "cycle": {
            "last": to_local(status.last) if status.last else None,
            "due": to_local(status.due),
            "overdue": status.overdue,
        },
        "last_by_channel": {
            channel: to_local(at)
            for channel, at in last_response_by_channel(session, office.id).items()
        },
    }
