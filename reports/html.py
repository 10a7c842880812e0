"""The report as one accessible HTML document: ``build_html(report_data) -> str``, no Flask.

The same sections as the PDF (``reports.pdf``), in the same order, with the same figures: every
table comes from ``reports.tables``, every chart from ``reports.charts`` (inline SVG, each followed
by the table of its data). Headings, table captions and header cells give screen-reader users the
structure a PDF reader may not (WCAG 1.3.1); the page reflows on a phone, where a PDF does not.

``public=True`` leaves out the residents' comments (the public results page links this form).
The page's one stylesheet is inline; ``STYLE_HASH`` is its CSP source, so a server can allow that
style and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from collector.enums import QuestionType

from . import charts, tables
from .texts import (
    REASONS,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_period,
    label,
    message,
)

TEMPLATES = Path(__file__).with_name("templates")
STYLE = (TEMPLATES / "reports" / "report.css").read_text(encoding="utf-8")
STYLE_HASH = "'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode() + "'"

_environment = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def key_is(wanted: Any) -> Callable[[str], bool]:
    """Return a test of a table row's key against one value (for ``Table.where``)."""
    return lambda key: key == wanted


def numeric(column: tables.Column) -> bool:
    """Tell whether a column holds numbers (set right, as in the PDF)."""
    return column.kind != "text"


_environment.globals.update(numeric=numeric)


def chart(drawing: Any, title: str, chart_id: str) -> Markup:
    """Return a chart as inline SVG named ``title``."""
    return Markup(charts.inline_svg(drawing, title, chart_id))


def cover_rows(meta: dict[str, Any], data: dict[str, Any], sha: str, lang: str) -> list:
    """Return the cover's rows: the same as the PDF's cover table."""
    versions = ", ".join(str(v["number"]) for v in data["versions"]) or "—"
    generated = fmt_datetime(datetime.fromisoformat(meta["generated_at"]), lang)
    return [
        (message("period", lang), fmt_period(data["period"]["start"], data["period"]["end"], lang)),
        (message("versions", lang), versions),
        (message("reason", lang), label(REASONS, meta["reason"], lang)),
        (message("generated", lang), generated),
        (
            message("generated_by", lang),
            meta.get("author_name") or message("system_author", lang),
        ),
        (message("responses", lang), fmt_int(data["responses"]["total"], lang)),
        (message("report_id", lang), meta["report_id"]),
        (message("data_sha", lang), sha),
    ]


def area_sections(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """Return each area: heading, mean, chart, statistics and distribution (as the PDF's)."""
    items = tables.items(data, lang)
    out = []
    for number, area in enumerate(data["areas"], start=1):
        mine = items.where(key_is(area["key"]))
        scale = next((i["scale"] for i in area["items"] if i["scale"]), None)
        mean = None
        if area["stats"] is not None:
            mean = message("area_mean", lang).format(
                mean=fmt_num(area["stats"]["mean"], lang), n=fmt_int(area["stats"]["n"], lang)
            )
        out.append(
            {
                "id": f"obszar-{number}",
                "label": area["label"],
                "mean": mean,
                "chart": chart(
                    charts.stacked_bars(area["items"], lang, scale=scale),
                    f"{message('distribution', lang)}: {area['label']}",
                    f"chart-area-{number}",
                ),
                "stats": mine.pick(
                    ["item", "n", "mean", "sd", "satisfied", "dissatisfied", tables.NA, "change"]
                ),
                "distribution": mine.pick(["item", "1", "2", "3", "4", "5", tables.NA]),
            }
        )
    return out


def build_html(report_data: dict[str, Any], lang: str = "pl", *, public: bool = False) -> str:
    """Render the report data (meta, data, data_sha256) as one HTML document and return it.

    ``public``: leave out the comments section (its place says the comments are not published).
    """
    lang = lang if lang in ("pl", "en") else "pl"
    meta, data, sha = report_data["meta"], report_data["data"], report_data["data_sha256"]
    m = lambda key: message(key, lang)  # noqa: E731
    answered = bool(data["responses"]["total"])
    d = data["departments"]
    context: dict[str, Any] = {
        "lang": lang,
        "m": m,
        "style": Markup(STYLE),
        "public": public,
        "title": f"{m('title')} — {data['office']['name']}",
        "data": data,
        "meta": meta,
        "sha": sha,
        "answered": answered,
        "cover": cover_rows(meta, data, sha, lang),
        "period": fmt_period(data["period"]["start"], data["period"]["end"], lang),
        "previous_note": m("previous_period_note").format(
            start=fmt_date(data["previous_period"]["start"], lang),
            end=fmt_date(data["previous_period"]["end"], lang),
        ),
        "headline": tables.headline(data, lang),
        "area_means": tables.area_means(data, lang),
        "versions": tables.versions(data, lang),
        "channels": tables.channels(data, lang),
    }
    if answered:
        by_department = tables.departments(data, lang)
        chart_column = "overall" if any(c["id"] == "overall" for c in d["columns"]) else "index"
        item_ids = tables.department_item_ids(data)
        shown = by_department.where(lambda key: key not in d["hidden"]).pick(
            ["department", *item_ids]
        )
        imp = data["importance"]
        derived = imp.get("method") == "derived"
        na = data["needs_action"]
        options = tables.choices(data, lang)
        context.update(
            areas=area_sections(data, lang),
            trend_chart=chart(charts.trend_chart(data["trend"], lang), m("trend"), "chart-trend"),
            trend=tables.trend(data, lang),
            department_chart=chart(
                charts.department_chart(d, lang, column=chart_column),
                m("dept_means"),
                "chart-departments",
            ),
            departments=by_department.pick(tables.department_summary_ids(data)),
            department_items=shown if item_ids and shown.rows else None,
            importance=tables.importance(data, lang) if imp["items"] else None,
            importance_method=m(f"importance_method_{'derived' if derived else 'stated'}"),
            importance_note=m("importance_note_derived" if derived else "importance_note").format(
                n=fmt_int(imp["respondents"], lang)
            ),
            importance_chart=chart(
                charts.quadrant_chart(imp, lang), m("importance"), "chart-importance"
            )
            if imp["items"]
            else None,
            needs_action=tables.needs_action(data, lang),
            needs_action_note=m("needs_action_note").format(
                mean=fmt_num(na["threshold_mean"], lang, 1),
                pct=fmt_pct(na["threshold_dissatisfied_pct"], lang, 0),
            ),
            choices=[
                {
                    "title": tables.choice_title(q, lang),
                    "table": options.where(key_is(q["id"])).pick(["option", "count", "share"]),
                    "department": q["type"] == QuestionType.DEPARTMENT,
                }
                for q in data["choices"]
            ],
        )
    if not public:
        c = data["comments"]
        listed = tables.comments(data, lang)
        groups = []
        for group in c["groups"]:
            groups.append(
                {
                    "label": group["label"],
                    "table": listed.where(key_is(group["key"])).pick(
                        ["month", "version", "comment"]
                    ),
                }
            )
        context.update(
            comments=c,
            comment_groups=groups,
            comments_note=m("comments_note").format(
                shown=fmt_int(c["shown"], lang),
                total=fmt_int(c["total"], lang),
                hidden=fmt_int(c["hidden"], lang),
            ),
            comments_limited=m("comments_limited").format(shown=fmt_int(c["shown"], lang))
            if c["shown"] < c["total"]
            else "",
            themes=tables.themes(data, lang),
        )
    context.update(
        actions=tables.actions(data, lang),
        you_said=tables.you_said_we_did(data, lang),
        annex=tables.annex(data, lang),
    )
    return _environment.get_template("reports/report.html").render(context)
