"""The panel's start page: for the chosen office, what came in, what moved and what to do next.

Every figure comes from ``reports.overview`` (the report's own reads and small-cell rule) and
links to the page where the clerk acts on it. A superadmin first picks the office
(``admin.pages.render_office_choice``, ``?office_id=``).
"""

from __future__ import annotations

import math
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_admin import AdminIndexView, expose
from flask_babel import gettext as _
from markupsafe import Markup, escape

from collector.enums import CHANNEL_LABELS, Channel, CommentStatus
from collector.extensions import db
from collector.models import Answer
from collector.operations.comments import comment_condition
from collector.operations.notifications import get_mail_failures
from collector.operations.origins import get_refused_origins
from reports.overview import build_overview
from reports.periods import local_today
from reports.texts import fmt_change, fmt_date, fmt_int, fmt_month, fmt_num

from .base import ALL_ROLES, RoleCheckMixin, get_user, has_role, is_superadmin
from .i18n import get_language
from .pages import get_chosen_office, render_office_choice

REFUSED_DAYS = 7
PUBLIC_CHANNELS = tuple(Channel)
# The panel's charts are sans-serif wherever they are read (DejaVu Sans as in the PDF, else the system's).
CHART_FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"


def unread_comments(office_id: int) -> int:
    """Return how many comments of the office wait for the clerk: unread in the inbox, not hidden."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(Answer.id)).where(
                comment_condition(office_id),
                Answer.status == CommentStatus.NEW,
                Answer.hidden.is_(False),
            )
        )
        or 0
    )


def comments_url() -> str:
    """Return where the clerk reads the comments: the comment inbox (unread ones in bold, first)."""
    return url_for("comment.index_view")


def responses_url(office_id: int | None, **filters: str) -> str:
    """Return the responses list with its filters (``period``, ``department``, ``comments``) set."""
    from .responses import filter_args

    return url_for("response.index_view", **filter_args(**filters))


class HomeView(RoleCheckMixin, AdminIndexView):
    """The start page: the office's figures, each with its next step; login required."""

    read_roles = ALL_ROLES

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        if not self.is_accessible():
            return self.inaccessible_callback(name, **kwargs)
        return None

    @expose("/")
    def index(self) -> Any:
        user = get_user()
        office = get_chosen_office()
        if office is None:
            return render_office_choice(self, "admin.index")
        lang = "en" if get_language() == "en" else "pl"
        overview = build_overview(db.session, office, local_today(), lang=lang)
        office_arg = office.id if is_superadmin() else None
        return self.render(
            "admin/ocen/index.html",
            user=user,
            office=office,
            office_id=office_arg,
            overview=overview,
            lang=lang,
            unread=unread_comments(office.id),
            comments_link=comments_url(),
            refused=get_refused_origins(office.id, days=REFUSED_DAYS),
            refused_days=REFUSED_DAYS,
            channels=PUBLIC_CHANNELS,
            responses_url=responses_url,
            is_writer=has_role(("admin", "superadmin")),
            # A failed e-mail run: the superadmin sees every office's, an admin their office's.
            mail_failures=get_mail_failures(None if is_superadmin() else office.id)
            if has_role(("admin", "superadmin"))
            else None,
            fmt_date=fmt_date,
            fmt_int=fmt_int,
            fmt_num=fmt_num,
            fmt_change=fmt_change,
            fmt_month=fmt_month,
            index_chart=index_svg(
                overview["index"]["months"],
                lang,
                _("%(measure)s w ostatnich 12 miesiącach", measure=overview["index"]["label"]),
            ),
            channel_label=lambda c: _(CHANNEL_LABELS.get(c, c)),
        )


def index_svg(months: list[dict[str, Any]], lang: str, title: str) -> Markup:
    """Draw the index's twelve months as an inline SVG line: 13 px sans-serif labels at its own size.

    Drawn at a fixed size (no scaling to the box) so the labels stay 13 px on a phone too; the
    table beside it carries every month's figure for screen readers and for reading exact values.
    """
    width, height, left, right, top, bottom = 300, 180, 38, 14, 12, 40
    values = [m["value"] for m in months if m["value"] is not None]
    low = max(1.0, math.floor((min(values) if values else 3) * 2 - 1) / 2)
    high = min(5.0, math.ceil((max(values) if values else 4) * 2 + 1) / 2)
    if high - low < 1:
        low, high = max(1.0, high - 1), max(2.0, high)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(months) - 1)

    def y(value: float) -> float:
        return top + plot_h * (high - value) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="home-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="index-chart-title">',
        f'<title id="index-chart-title">{escape(title)}</title>',
        f'<g font-family="{CHART_FONT}" font-size="13" fill="#1a1a1a">',
    ]
    tick = low
    while tick <= high + 1e-9:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'stroke="#b0b0b0" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
            f"{escape(fmt_num(tick, lang, 1))}</text>"
        )
        tick += 0.5
    points = []
    for i, month in enumerate(months):
        x = left + step * i
        if i % 3 == (len(months) - 1) % 3:
            anchor = "end" if i == len(months) - 1 else "middle"
            parts.append(
                f'<text x="{x + (8 if anchor == "end" else 0):.1f}" y="{height - bottom + 18}" '
                f'text-anchor="{anchor}">'
                f"{escape(fmt_month(month['month'], lang, short=True))}</text>"
            )
        if month["value"] is not None:
            points.append((x, y(month["value"])))
    if len(points) > 1:
        path = " ".join(f"{x:.1f},{py:.1f}" for x, py in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0b5cab" stroke-width="2.5"/>')
    for x, py in points:
        parts.append(f'<circle cx="{x:.1f}" cy="{py:.1f}" r="3.5" fill="#0b5cab"/>')
    parts.append("</g></svg>")
    return Markup("".join(parts))
