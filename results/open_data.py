"""Open data: the published aggregates as CSV and JSON, and ``GET /api/v1/offices/<slug>/results``.

Only the aggregates of an archived yearly report are published (never a response, never a
comment), and only for an office that publishes its results (``Office.publish_results``). The
figures are the archive's: ``Report.data_json``, whose SHA-256 is ``Report.data_sha256``; a report
archived before the data was kept is recounted (``build_report_data``) and says so
(``figures: "recomputed"``). A cell under 5 answers is never published: the department breakdown
comes already suppressed from the report data, and every other row passes the same rule
(``reports.statistics.is_small``). The schema (one row shape for CSV and JSON) is documented in the
README, "Open data"; ``SCHEMA`` names its version.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import Response, request
from sqlalchemy.orm import defer

from collector.api import error_response, to_json
from collector.extensions import db
from collector.models import Office, Report
from collector.office_cache import recall, remember
from collector.operations.offices import SLUG_RE
from reports.periods import EARLIEST_DAY, Period, is_sane_day, local_today
from reports.sections import OTHER_AREA, build_report_data, data_sha256
from reports.statistics import MIN_CELL, SUPPRESSED, is_small

from . import bp

SCHEMA = "ocen-urzad/open-data/1"
MAX_AGE = 3600  # an archived report never changes; a switched-off office leaves shared caches within the hour
YEARLY = "periodic"
LICENCE = {
    "id": "CC-BY-4.0",
    "name": "Creative Commons Uznanie autorstwa 4.0 Międzynarodowe (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/deed.pl",
}
# One row shape for the CSV and the JSON's "rows" (README, "Open data"); the CSV adds the columns
# that the JSON says once at the top (period, report, licence), so that every CSV row stands alone.
ROW_FIELDS = (
    "breakdown",
    "department_key",
    "department",
    "kind",
    "key",
    "label",
    "n",
    "mean",
    "satisfied_pct",
    "dissatisfied_pct",
)
CSV_FIELDS = (
    "office_slug",
    "period_start",
    "period_end",
    *ROW_FIELDS,
    "report_id",
    "data_sha256",
    "licence",
)
MEAN_DIGITS = 4
PCT_DIGITS = 2
YEAR_RE = re.compile(r"[0-9]{4}")
RANGE_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})/([0-9]{4}-[0-9]{2}-[0-9]{2})")


class OpenDataError(Exception):
    """A request for open data that gets a JSON error: its status and code (resident catalog)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


# -- which report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodQuery:
    """What ``?period=`` asked for: the latest report (both None), a year, or an exact period."""

    year: int | None = None
    start: date | None = None
    end: date | None = None


def parse_period(values: list[str]) -> PeriodQuery:
    """Return the period asked for: absent, ``YYYY`` or ``YYYY-MM-DD/YYYY-MM-DD``; OpenDataError if wrong."""
    if not values:
        return PeriodQuery()
    if len(values) > 1:
        raise OpenDataError(400, "invalid_period")
    raw = values[0]
    if YEAR_RE.fullmatch(raw):
        year = int(raw)
        if not EARLIEST_DAY.year <= year <= local_today().year + 1:
            raise OpenDataError(400, "period_out_of_range")
        return PeriodQuery(year=year)
    match = RANGE_RE.fullmatch(raw)
    if match is None:
        raise OpenDataError(400, "invalid_period")
    try:
        start, end = (date.fromisoformat(part) for part in match.groups())
    except ValueError:
        raise OpenDataError(400, "invalid_period") from None
    if end < start:
        raise OpenDataError(400, "invalid_period")
    if not (is_sane_day(start) and is_sane_day(end)):
        raise OpenDataError(400, "period_out_of_range")
    return PeriodQuery(start=start, end=end)


def get_publishing_office(slug: str) -> Office:
    """Return the office if it publishes its results; OpenDataError 404 otherwise."""
    office = (
        db.session.scalar(sa.select(Office).where(Office.slug == slug))
        if SLUG_RE.fullmatch(slug)
        else None
    )
    if office is None:
        raise OpenDataError(404, "office_not_found")
    if not office.publish_results:
        raise OpenDataError(404, "results_not_published")
    return office


def find_yearly_report(office: Office, query: PeriodQuery) -> Report:
    """Return the yearly report asked for (in force, not superseded); OpenDataError 404 if none.

    The latest by the end of its period when no period is given; for a year, the one whose period
    ends in that year (an office's yearly cycle need not follow the calendar).
    """
    statement = sa.select(Report).where(
        Report.office_id == office.id,
        Report.reason == YEARLY,
        Report.superseded_by_id.is_(None),
    )
    if query.year is not None:
        statement = statement.where(
            Report.period_end >= date(query.year, 1, 1),
            Report.period_end <= date(query.year, 12, 31),
        )
    elif query.start is not None:
        statement = statement.where(
            Report.period_start == query.start, Report.period_end == query.end
        )
    report = db.session.scalar(
        statement.order_by(Report.period_end.desc(), Report.created_at.desc())
        .limit(1)
        .options(defer(Report.pdf), defer(Report.data_json))
    )
    if report is None:
        raise OpenDataError(404, "report_not_found")
    return report


def load_report_data(report: Report, office: Office) -> tuple[dict[str, Any], str]:
    """Return the report's data and where its figures come from ("archived" or "recomputed")."""
    stored = db.session.scalar(sa.select(Report.data_json).where(Report.id == report.id))
    if stored:
        return json.loads(stored), "archived"
    # Archived before the data was kept beside the PDF: counted again from the answers as they are
    # now (a purge or a hidden comment may have changed them since), and said so.
    data = build_report_data(
        db.session,
        office,
        Period(report.period_start, report.period_end),
        lang=report.lang,
        version_numbers=sorted(report.versions) if report.versions else None,
    )
    return data, "recomputed"


# -- the published rows -----------------------------------------------------------------------------


def rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def make_row(
    *,
    breakdown: str,
    kind: str,
    key: str,
    label: str,
    n: int,
    mean: float | None = None,
    satisfied_pct: float | None = None,
    dissatisfied_pct: float | None = None,
    department_key: str = "",
    department: str = "",
) -> dict[str, Any]:
    return {
        "breakdown": breakdown,
        "department_key": department_key,
        "department": department,
        "kind": kind,
        "key": key,
        "label": label,
        "n": n,
        "mean": rounded(mean, MEAN_DIGITS),
        "satisfied_pct": rounded(satisfied_pct, PCT_DIGITS),
        "dissatisfied_pct": rounded(dissatisfied_pct, PCT_DIGITS),
    }


def rating_row(kind: str, key: str, label: str, stats: dict[str, Any]) -> dict[str, Any]:
    """Return the whole office's row of an area's or an item's figures."""
    return make_row(
        breakdown="office",
        kind=kind,
        key=key,
        label=label,
        n=stats["n"],
        mean=stats["mean"],
        satisfied_pct=stats["satisfied_pct"],
        dissatisfied_pct=stats["dissatisfied_pct"],
    )


def office_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the whole office's rows: responses, the satisfaction index, each area and each item."""
    rows = [
        make_row(
            breakdown="office",
            kind="responses",
            key="responses",
            label="",
            n=data["responses"]["total"],
        )
    ]
    index = data["headline"]["index_mean"]
    if index["n"] and not is_small(index["n"]):
        rows.append(
            make_row(
                breakdown="office",
                kind="index",
                key="index",
                label="",
                n=index["n"],
                mean=index["value"],
                satisfied_pct=data["headline"]["index_satisfied_pct"]["value"],
            )
        )
    for area in data["areas"]:
        stats = area["stats"]
        if area["key"] != OTHER_AREA and stats and not is_small(stats["n"]):
            rows.append(rating_row("area", area["key"], area["label"], stats))
        for item in area["items"]:
            if not is_small(item["stats"]["n"]):
                # The question's key, or ``key@v1-2`` where its wording changed between versions
                # (then each wording is its own row, as in the report).
                rows.append(rating_row("item", item["id"], item["label"], item["stats"]))
    return rows


COLUMN_KINDS = {
    "count": "responses",
    "overall": "item",
    "index": "index",
    "area": "area",
    "item": "item",
}


def department_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return each department's rows, leaving out every cell the report suppressed (under 5)."""
    section = data["departments"]
    rows = []
    for department in section["rows"]:
        for column in section["columns"]:
            cell = department["cells"].get(column["id"])
            if cell is None or cell == SUPPRESSED or is_small(cell["n"]):
                continue
            kind = COLUMN_KINDS[column["kind"]]
            rows.append(
                make_row(
                    breakdown="department",
                    department_key=department["key"],
                    department=department["label"],
                    kind=kind,
                    key=column.get("key") or kind,
                    label=column["label"] if kind in ("area", "item") else "",
                    n=cell["n"],
                    mean=cell.get("mean"),
                    satisfied_pct=cell.get("satisfied_pct"),
                )
            )
    return rows


def build_document(office: Office, report: Report) -> dict[str, Any]:
    """Return the open-data document of one archived yearly report (the JSON's body)."""
    data, figures = load_report_data(report, office)
    figures_sha256 = data_sha256(data)  # equal to the archive's when the figures are archived
    name = data["office"]["name"] or office.name
    return {
        "schema": SCHEMA,
        "licence": {
            **LICENCE,
            "attribution": f"{name} — badanie satysfakcji klientów (Oceń Urząd)",
        },
        "office": {"slug": office.slug, "name": name},
        "period": {
            "start": report.period_start.isoformat(),
            "end": report.period_end.isoformat(),
            "timezone": "Europe/Warsaw",
        },
        "report": {
            "id": str(report.id),
            "reason": report.reason,
            "created_at": report.created_at.replace(microsecond=0).isoformat() + "Z",
            "lang": report.lang,
            "data_sha256": report.data_sha256,
            "pdf_sha256": report.sha256,
            "figures": figures,
            "figures_sha256": figures_sha256,
        },
        "min_cell": MIN_CELL,
        "responses": data["responses"]["total"],
        "rows": office_rows(data) + department_rows(data),
    }


def get_document(office: Office, report: Report) -> dict[str, Any]:
    """Return the document, kept briefly per report (an archived one never changes)."""
    key = str(report.id)
    document = recall("open_data", key)
    if document is None:
        document = build_document(office, report)
        remember("open_data", key, document)
    return document


def to_csv(document: dict[str, Any]) -> bytes:
    """Return the rows as CSV: UTF-8 with a BOM, commas, a dot before decimals, CRLF (RFC 4180).

    The BOM is what makes LibreOffice and Excel open the file as UTF-8 by themselves, so Polish
    letters survive a double click; Python reads it with ``encoding="utf-8-sig"``.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    common = {
        "office_slug": document["office"]["slug"],
        "period_start": document["period"]["start"],
        "period_end": document["period"]["end"],
        "report_id": document["report"]["id"],
        "data_sha256": document["report"]["data_sha256"],
        "licence": f"{document['licence']['id']} {document['licence']['url']}",
    }
    for row in document["rows"]:
        writer.writerow({**common, **{k: "" if v is None else v for k, v in row.items()}})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -- the routes -------------------------------------------------------------------------------------


def answer(slug: str, kind: str) -> Response:
    """Answer one of the three addresses with the document as JSON or CSV, or a JSON error."""
    try:
        query = parse_period(request.args.getlist("period"))
        office = get_publishing_office(slug)
        report = find_yearly_report(office, query)
    except OpenDataError as error:
        response = error_response(error.status, error.code)
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    document = get_document(office, report)
    if kind == "csv":
        body = to_csv(document)
        mimetype = "text/csv"
    else:
        body = to_json(document).encode()
        mimetype = "application/json"
    # Strong: the same bytes for the same ETag. It opens with the figures' own hash, so a cached
    # copy names the data it holds; the body's hash covers the rest (report, schema, format).
    etag = f"{document['report']['figures_sha256'][:16]}-{hashlib.sha256(body).hexdigest()[:16]}"
    # If-None-Match compares weakly (RFC 9110 13.1.2): a proxy may have weakened the tag.
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        response = Response(body, mimetype=mimetype)
        if kind == "csv":
            response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
            response.headers["Content-Disposition"] = (
                f'attachment; filename="wyniki-{office.slug}-{document["period"]["start"]}-'
                f'{document["period"]["end"]}.csv"'
            )
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["Link"] = f'<{LICENCE["url"]}>; rel="license"'
    # Public, credential-free data: any page may read it (the widget's survey is served the same way).
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/wyniki/<slug>/dane.csv")
def get_open_data_csv(slug: str) -> Response:
    """Return the office's published aggregates of a yearly report as CSV."""
    return answer(slug, "csv")


@bp.get("/wyniki/<slug>/dane.json")
def get_open_data_json(slug: str) -> Response:
    """Return the office's published aggregates of a yearly report as JSON."""
    return answer(slug, "json")


@bp.get("/api/v1/offices/<slug>/results")
def get_results(slug: str) -> Response:
    """Return the office's published aggregates of a yearly report (the API's read of dane.json)."""
    return answer(slug, "json")
