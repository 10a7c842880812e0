"""The public results page of an office: ``/wyniki/<slug>``, its yearly reports' PDFs and HTML forms.

Shown only while the office publishes its results (``Office.publish_results``); otherwise, and for
any unknown office, report or malformed address, a Polish page answers 404. Served as plain HTML
without JavaScript, with the hosted page's security headers and no cookie (``/wyniki`` is a public
path, ``collector.sessions``). In Polish only: the staff catalog's words (gettext, Polish msgids),
and the report's own tables (``reports.tables``) for its figures.

What is public: the figures of the office's yearly ("periodic") report in force, the newest that
no later report superseded (the same report open data publishes, ``results/open_data.py``), from
its archived data (``data_json``: the figures of the archived PDF, small cells already hidden by the
report's rule), never a comment; its HTML form without the comments; and the archived PDFs of the
yearly reports archived since the office switched publication on (``created_at >=
results_published_at``: a PDF carries the comments not hidden, and those were archived knowing
they would be published). Never a pre-change or ad-hoc report.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from flask import Response, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from collector.extensions import db
from collector.headers import HOSTED_PAGE_POLICY, set_security_headers
from collector.models import Office, Report
from reports import charts as report_charts
from reports import tables as report_tables
from reports.archive import archived_report_data
from reports.html import STYLE_HASH, build_html
from reports.periods import to_local
from reports.texts import fmt_date, fmt_datetime, fmt_int, fmt_period

from . import bp

LANG = "pl"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
PUBLIC_REASON = "periodic"
CACHE_SECONDS = 300  # a proxy may keep a page five minutes: publication switched off shows late
# The headline's measures shown as key figures, in order (the overall question's when the survey
# has one, else the detailed ratings' index).
# Results are only read: any other method gets the Polish 405 page, not Werkzeug's English one.
CHANGING_METHODS = ["POST", "PUT", "PATCH", "DELETE"]
KEY_FIGURES = ("overall_mean", "overall_satisfied_pct", "overall_dissatisfied_pct", "responses")
INDEX_FIGURES = ("index_mean", "index_satisfied_pct", "responses")


def render(template: str, status: int = 200, **context: Any) -> Response:
    """Render a page in Polish with the hosted page's security headers."""
    with force_locale(LANG):
        body = render_template(f"results/{template}", lang=LANG, **context)
    response = Response(body, status=status, mimetype="text/html")
    return public_headers(response, cache=status == 200)


def public_headers(
    response: Response, *, cache: bool, policy: str = HOSTED_PAGE_POLICY
) -> Response:
    """Put the security headers on a public response; cacheable for a while when ``cache``."""
    set_security_headers(response, policy, cache=cache)
    if cache:
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


def not_found() -> Response:
    """Answer 404 with a page that says what may be wrong."""
    return render("not_found.html", status=404, office=None)


def get_published_office(slug: str) -> Office | None:
    """Return the office with this slug if it publishes its results, else None."""
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        return None
    office = db.session.scalar(sa.select(Office).where(Office.slug == slug))
    if office is None or not office.publish_results:
        return None
    return office


def published_reports(office: Office) -> list[Report]:
    """Return the office's public reports: yearly ones archived since publication, newest first."""
    if office.results_published_at is None:  # switched on outside the panel: no date, no PDF
        return []
    return list(
        db.session.scalars(
            sa.select(Report)
            .options(sa.orm.defer(Report.pdf), sa.orm.defer(Report.data_json))
            .where(
                Report.office_id == office.id,
                Report.reason == PUBLIC_REASON,
                Report.created_at >= office.results_published_at,
            )
            .order_by(Report.period_end.desc(), Report.created_at.desc())
        )
    )


def pdf_sizes(reports: list[Report]) -> dict[uuid.UUID, int]:
    """Return each report's PDF size in bytes (read by the database, not by loading the files)."""
    if not reports:
        return {}
    rows = db.session.execute(
        sa.select(Report.id, sa.func.length(Report.pdf)).where(
            Report.id.in_([r.id for r in reports])
        )
    )
    return {report_id: int(size or 0) for report_id, size in rows}


def current_report(office: Office) -> Report | None:
    """Return the office's yearly report in force: the newest by its period, not superseded."""
    return db.session.scalar(
        sa.select(Report)
        .options(sa.orm.defer(Report.pdf), sa.orm.defer(Report.data_json))
        .where(
            Report.office_id == office.id,
            Report.reason == PUBLIC_REASON,
            Report.superseded_by_id.is_(None),
        )
        .order_by(Report.period_end.desc(), Report.created_at.desc())
        .limit(1)
    )


def get_report(office: Office, report_id: str) -> Report | None:
    """Return the office's yearly report with this id, or None (also for a malformed id)."""
    try:
        key = uuid.UUID(report_id) if len(report_id) <= 36 else None
    except ValueError:
        key = None
    if key is None:
        return None
    report = db.session.get(Report, key)
    if report is None or report.office_id != office.id or report.reason != PUBLIC_REASON:
        return None
    return report


def is_listed(office: Office, report: Report) -> bool:
    """Tell whether the report's PDF is public: archived since publication was switched on."""
    published_at = office.results_published_at
    return published_at is not None and report.created_at >= published_at


def figure_chart(drawing: Any, title: str, chart_id: str) -> str:
    """Return a chart as inline SVG (labels at least 12 px, sans-serif) named ``title``."""
    return report_charts.inline_svg(drawing, title, chart_id)


def key_figures(headline: report_tables.Table, data: dict[str, Any]) -> list[dict[str, str]]:
    """Return the headline's key measures: name, this period's, the previous period's, change."""
    keys = KEY_FIGURES if data["headline"].get("overall_key") else INDEX_FIGURES
    rows = dict(zip(headline.keys, headline.rows, strict=True))
    return [
        {
            "key": key,
            "name": rows[key][0].text,
            "value": rows[key][1].text,
            "previous": rows[key][2].text,
            "change": rows[key][3].text,
        }
        for key in keys
        if key in rows
    ]


def results_context(report: Report) -> dict[str, Any]:
    """Return what the page shows of one archived report, from its archived figures."""
    report_data = archived_report_data(db.session, report)
    data = report_data["data"]
    headline = report_tables.headline(data, LANG)
    context: dict[str, Any] = {
        "report": report,
        "data": data,
        "period": fmt_period(data["period"]["start"], data["period"]["end"], LANG),
        "previous_period": fmt_period(
            data["previous_period"]["start"], data["previous_period"]["end"], LANG
        ),
        "responses": fmt_int(data["responses"]["total"], LANG),
        "key_figures": key_figures(headline, data),
        "headline": headline,
        "areas": [],
        "trend": None,
        "departments": None,
        "you_said": report_tables.you_said_we_did(data, LANG),
    }
    if not data["responses"]["total"]:
        return context
    shares = report_tables.item_shares(data, LANG)
    items = report_tables.items(data, LANG)
    for number, area in enumerate(data["areas"], start=1):
        if not area["items"]:
            continue
        scale = next((i["scale"] for i in area["items"] if i["scale"]), None)
        title = _("Rozkład ocen: %(area)s", area=area["label"])
        context["areas"].append(
            {
                "id": f"obszar-{number}",
                "label": area["label"],
                "title": title,
                "chart": figure_chart(
                    report_charts.stacked_bars(area["items"], LANG, scale=scale),
                    title,
                    f"wykres-obszar-{number}",
                ),
                "shares": shares.where(lambda key, area=area: key == area["key"]),
                "stats": items.where(lambda key, area=area: key == area["key"]).pick(
                    ["item", "n", "mean", "satisfied", "dissatisfied", "change"]
                ),
            }
        )
    context["trend"] = {
        "chart": figure_chart(
            report_charts.trend_chart(data["trend"], LANG),
            _("Średnie oceny i liczba odpowiedzi w kolejnych miesiącach"),
            "wykres-trend",
        ),
        "table": report_tables.trend(data, LANG),
    }
    d = data["departments"]
    if d["rows"]:
        column = "overall" if any(c["id"] == "overall" for c in d["columns"]) else "index"
        context["departments"] = {
            "chart": figure_chart(
                report_charts.department_chart(d, LANG, column=column),
                _("Średnia ocena według wydziałów"),
                "wykres-wydzialy",
            ),
            "table": report_tables.departments(data, LANG).pick(
                report_tables.department_summary_ids(data)
            ),
        }
    return context


@bp.get("/wyniki/<slug>")
def show_results(slug: str) -> Response:
    """Show the office's published results, or 404 when it does not publish them."""
    office = get_published_office(slug)
    if office is None:
        return not_found()
    reports = published_reports(office)
    current = current_report(office)
    sizes = pdf_sizes(reports)
    listed = [
        {
            "report": r,
            "period": fmt_period(r.period_start, r.period_end, LANG),
            "archived": fmt_datetime(to_local(r.created_at), LANG),
            "kilobytes": fmt_int(max(1, round(sizes.get(r.id, 0) / 1024)), LANG),
            "pdf": f"/wyniki/{office.slug}/raport/{r.id}.pdf",
            "html": f"/wyniki/{office.slug}/raport/{r.id}.html",
            "filename": pdf_filename(office, r),
        }
        for r in reports
    ]
    return render(
        "page.html",
        office=office,
        published_since=fmt_date(to_local(office.results_published_at).date(), LANG)
        if office.results_published_at
        else None,
        results=results_context(current) if current is not None else None,
        current_html=f"/wyniki/{office.slug}/raport/{current.id}.html" if current else None,
        listed=listed,
        open_data={
            "csv": f"/wyniki/{office.slug}/dane.csv",
            "json": f"/wyniki/{office.slug}/dane.json",
            "api": f"/api/v1/offices/{office.slug}/results",
        },
    )


def pdf_filename(office: Office, report: Report) -> str:
    """Return the name a downloaded PDF is saved under."""
    return f"raport-{office.slug}-{report.period_start.isoformat()}-{report.period_end.isoformat()}.pdf"


@bp.get("/wyniki/<slug>/raport/<report_id>.pdf")
def download_report_pdf(slug: str, report_id: str) -> Response:
    """Send a published yearly report's archived PDF, byte for byte (its SHA-256 is on the page)."""
    office = get_published_office(slug)
    report = get_report(office, report_id) if office is not None else None
    if report is None or not is_listed(office, report):
        return not_found()
    response = Response(report.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{pdf_filename(office, report)}"'
    )
    response.headers["X-Content-SHA256"] = report.sha256
    return public_headers(response, cache=True)


@bp.get("/wyniki/<slug>/raport/<report_id>.html")
def show_report_html(slug: str, report_id: str) -> Response:
    """Show a yearly report (one listed, or the one in force) as accessible HTML, without comments."""
    office = get_published_office(slug)
    report = get_report(office, report_id) if office is not None else None
    if report is None:
        return not_found()
    if not is_listed(office, report):
        current = current_report(office)
        if current is None or current.id != report.id:
            return not_found()
    body = build_html(archived_report_data(db.session, report), report.lang, public=True)
    response = Response(body, mimetype="text/html")
    # The report's one inline stylesheet, allowed by its hash; nothing else inline.
    policy = HOSTED_PAGE_POLICY.replace("style-src 'self'", f"style-src {STYLE_HASH}")
    return public_headers(response, cache=True, policy=policy)


@bp.get("/wyniki")
@bp.get("/wyniki/")
@bp.get("/wyniki/<path:rest>")
def unknown_results_address(rest: str = "") -> Response:
    """Answer any other address under /wyniki with the Polish 404 page."""
    return not_found()


@bp.route("/wyniki", methods=CHANGING_METHODS)
@bp.route("/wyniki/", methods=CHANGING_METHODS)
@bp.route("/wyniki/<path:rest>", methods=CHANGING_METHODS)
def refuse_change(rest: str = "") -> Response:
    """Answer a POST (or any changing method) under /wyniki with the Polish 405 page."""
    response = render("not_allowed.html", status=405, office=None)
    response.headers["Allow"] = "GET, HEAD"
    return response
