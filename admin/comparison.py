"""The comparison of offices: a superadmin's table of every office, an office's place among the others.

The figures come from ``reports.comparison`` (core items, the 30-response and small-cell rules).
A superadmin sees every compared office by name. An office's staff see their values against the
median of the other offices, their rank and quartile, and by name only the offices that publish
their results (``Office.publish_results``): the others count in the medians and ranks, unnamed.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l

from collector.extensions import db
from reports.comparison import (
    MIN_OTHERS_FOR_MEDIAN,
    MIN_RESPONSES,
    Comparison,
    build_comparison,
    named_for,
    standing,
)
from reports.texts import fmt_change, fmt_date, fmt_int, fmt_num, fmt_pct

from .base import ALL_ROLES, PanelView, error_page, expose, get_user, is_superadmin
from .reports_views import BadRequest, default_period, parse_period, report_lang


def ranked_rows(comparison: Comparison, key: str) -> list[Any]:
    """Return the compared offices by their mean on the item, highest first (no cell last)."""
    return sorted(
        comparison.offices,
        key=lambda row: (
            row.cells.get(key) is None,
            -(row.cells[key].mean if row.cells.get(key) else 0),
            row.name.casefold(),
        ),
    )


class ComparisonView(PanelView):
    """The offices compared on the questions they share."""

    read_roles = ALL_ROLES

    @expose("/")
    def index(self) -> Any:
        try:
            period = parse_period(request.args, default_period())
        except BadRequest as error:
            return error_page(400, str(error))
        lang = report_lang()
        comparison = build_comparison(db.session, period, lang=lang)
        helpers = {
            "fmt_num": fmt_num,
            "fmt_pct": fmt_pct,
            "fmt_change": fmt_change,
            "fmt_int": fmt_int,
            "fmt_date": fmt_date,
            "lang": lang,
            "period": period,
            "comparison": comparison,
            "min_responses": MIN_RESPONSES,
            "min_others": MIN_OTHERS_FOR_MEDIAN,
        }
        if is_superadmin():
            return self.render(
                "admin/ocen/comparison_all.html",
                ranked_rows=lambda key: ranked_rows(comparison, key),
                **helpers,
            )
        user = get_user()
        office_id = user.office_id if user else None
        own = comparison.row(office_id) if office_id is not None else None
        left_out = next((o for o in comparison.left_out if o.id == office_id), None)
        return self.render(
            "admin/ocen/comparison_office.html",
            standings=standing(comparison, office_id),
            own=own,
            left_out=left_out,
            named=named_for(comparison, office_id),
            office_id=office_id,
            **helpers,
        )


def init_comparison_view(panel: Any) -> None:
    """Add the comparison page to the panel's menu."""
    panel.add_view(
        ComparisonView(
            name=_l("Porównanie urzędów"), endpoint="comparison", url="/admin/comparison"
        )
    )
