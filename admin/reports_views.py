"""Reports in the panel: the office's dashboard, generating and archiving reports, the archive, exports.

The figures, tables, charts, PDF and files all come from ``reports``; this module only asks for them,
checks who asks (``PanelView``) and audits every download. The corrective actions are in ``admin.actions``.
"""

from __future__ import annotations

import base64
import io
import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask import redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from collector.extensions import db
from collector.models import Report, ReportBuild
from reports import ReportError
from reports import charts as report_charts
from reports import tables as report_tables
from reports.archive import MAX_PERIOD_DAYS, archived_report_data, check_request
from reports.cycle import periodic_status
from reports.export import write_aggregates_xlsx, write_responses_csv, write_responses_xlsx
from reports.html import build_html
from reports.periods import (
    EARLIEST_DAY,
    MAX_DAYS_AHEAD,
    Period,
    is_sane_day,
    local_today,
    to_local,
)
from reports.sections import build_report_data
from reports.texts import REASONS, fmt_date, fmt_period

from .auditing import audit, get_remote_addr
from .base import (
    ALL_ROLES,
    WRITER_ROLES,
    PanelView,
    error_page,
    expose,
    get_user,
    is_superadmin,
    scoped,
)
from .confirm import ConfirmationRefused, confirm_token, is_confirmed
from .i18n import get_language
from .localtime import local_time
from .pages import get_chosen_office, render_office_choice
from .report_builds import ACTIVE, error_text, is_resumed, resume_orphan, start_build, state_text

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "odpowiedzi-{slug}-{start}-{end}.csv"),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "odpowiedzi-{slug}-{start}-{end}.xlsx",
    ),
    "summary": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zestawienie-{slug}-{start}-{end}.xlsx",
    ),
}
PANEL_REASONS = ("periodic", "ad-hoc")  # "pre-change" is made by the publish flow only


class BadRequest(Exception):
    """A request the panel answers with 400 and a message."""


def report_lang() -> str:
    """Return the report language matching the panel's (Polish or English)."""
    return "en" if get_language() == "en" else "pl"


def parse_period(args: Any, default: Period) -> Period:
    """Return the period asked for in ``from``/``to`` (YYYY-MM-DD), or ``default``; BadRequest if wrong."""
    values = []
    for name, fallback in (("from", default.start), ("to", default.end)):
        raw = (args.get(name) or "").strip()
        if not raw:
            values.append(fallback)
            continue
        try:
            if len(raw) != 10:
                raise ValueError(raw)
            values.append(date.fromisoformat(raw))
        except ValueError:
            label = _("Początek okresu") if name == "from" else _("Koniec okresu")
            raise BadRequest(
                _(
                    "%(field)s: „%(value)s” nie jest datą w formacie RRRR-MM-DD.",
                    field=label,
                    value=raw[:20],
                )
            ) from None
    start, end = values
    if end < start:
        raise BadRequest(_("Koniec okresu jest wcześniejszy niż jego początek."))
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise BadRequest(_("Okres może obejmować najwyżej 10 lat."))
    if start > local_today():
        raise BadRequest(_("Okres zaczyna się w przyszłości."))
    if not (is_sane_day(start) and is_sane_day(end)):
        raise BadRequest(
            _(
                "Okres musi mieścić się między %(earliest)s a %(latest)s.",
                earliest=EARLIEST_DAY.strftime("%d.%m.%Y"),
                latest=(local_today() + timedelta(days=MAX_DAYS_AHEAD)).strftime("%d.%m.%Y"),
            )
        )
    return Period(start, end)


def default_period() -> Period:
    """Return the last twelve months: from the first day of the month eleven months ago to today."""
    today = local_today()
    index = today.year * 12 + today.month - 1 - 11
    return Period(date(index // 12, index % 12 + 1, 1), today)


def svg_image(drawing: Any, alt: str) -> Markup:
    """Return an <img> holding the chart as SVG in a data: URL (the SVG is never inlined into the page).

    The image is shown at its own size (labels at least 12 px, sans-serif: ``panel_svg``); on a
    narrow screen its box scrolls sideways instead of shrinking the labels.
    """
    svg, width, height = report_charts.panel_svg(drawing)
    data = base64.b64encode(svg.encode()).decode()
    return Markup(
        '<div class="report-chart-box" tabindex="0" role="group" aria-label="{}">'
        '<img class="report-chart" width="{}" height="{}" src="data:image/svg+xml;base64,{}" alt="{}">'
        "</div>"
    ).format(alt, round(width), round(height), Markup(data), alt)


def archived_report(report_id: str) -> Report | None:
    """Return the archived report with this id if the user may see it (their office), else None."""
    try:
        key = uuid.UUID(report_id)
    except ValueError:
        return None
    return db.session.scalar(scoped(sa.select(Report).where(Report.id == key), Report))


def download_name(report: Report, extension: str) -> str:
    """Return the file name a downloaded report is saved under: office, period, format."""
    period = f"{report.period_start.isoformat()}-{report.period_end.isoformat()}"
    return f"raport-{report.office.slug}-{period}.{extension}"


class ReportsView(PanelView):
    """The office's results for a chosen period, the report archive and the exports."""

    read_roles = ALL_ROLES
    write_roles = WRITER_ROLES

    def office_choice(self) -> Any:
        """Answer the superadmin's choice of office, each linking back to this page."""
        return render_office_choice(self, request.endpoint)

    def bad_request(self, message: str) -> Any:
        return error_page(400, message)

    @expose("/")
    def index(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return self.office_choice()
        try:
            period = parse_period(request.args, default_period())
        except BadRequest as error:
            return self.bad_request(str(error))
        lang = report_lang()
        data = build_report_data(db.session, office, period, lang=lang)
        status = periodic_status(db.session, office)
        charts = []
        if data["responses"]["total"]:
            items = report_tables.items(data, lang)
            for area in data["areas"]:
                scale = next((i["scale"] for i in area["items"] if i["scale"]), None)
                charts.append(
                    (
                        area["label"],
                        svg_image(
                            report_charts.stacked_bars(area["items"], lang, scale=scale),
                            _("Rozkład ocen: %(area)s", area=area["label"]),
                        ),
                        items.where(lambda key, area=area: key == area["key"]),
                    )
                )
            charts.append(
                (
                    _("Trend miesięczny"),
                    svg_image(
                        report_charts.trend_chart(data["trend"], lang),
                        _("Trend miesięczny średnich ocen"),
                    ),
                    report_tables.trend(data, lang),
                )
            )
            if data["departments"]["rows"]:
                charts.append(
                    (
                        _("Średnia według wydziałów"),
                        svg_image(
                            report_charts.department_chart(data["departments"], lang),
                            _("Średnia ogólnego zadowolenia według wydziałów"),
                        ),
                        report_tables.departments(data, lang).pick(
                            report_tables.department_summary_ids(data)
                        ),
                    )
                )
        return self.render(
            "admin/reports/dashboard.html",
            office=office,
            period=period,
            data=data,
            lang=lang,
            headline=report_tables.headline(data, lang),
            departments=report_tables.departments(data, lang).pick(
                report_tables.department_summary_ids(data)
            ),
            charts=charts,
            themes=report_tables.themes(data, lang),
            status=status,
            last_local=to_local(status.last) if status.last else None,
            due_local=to_local(status.due),
            fmt_date=fmt_date,
            can_generate=self.is_writer(),
            reasons=[(r, REASONS[r][lang]) for r in PANEL_REASONS],
            office_id=office.id if is_superadmin() else None,
        )

    @expose("/generate", methods=("POST",))
    def generate(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return self.bad_request(_("Wybierz urząd."))
        if not request.form.get("from", "").strip() or not request.form.get("to", "").strip():
            return self.bad_request(_("Podaj początek i koniec okresu raportu."))
        try:
            period = parse_period(request.form, default_period())
        except BadRequest as error:
            return self.bad_request(str(error))
        reason = request.form.get("reason", "")
        if reason not in PANEL_REASONS:
            return self.bad_request(_("Wybierz rodzaj raportu: okresowy albo doraźny."))
        lang = request.form.get("lang", "pl")
        if lang not in ("pl", "en"):
            return self.bad_request(_("Raport można wygenerować po polsku albo po angielsku."))
        earlier = db.session.scalar(
            sa.select(Report)
            .where(
                Report.office_id == office.id,
                Report.period_start == period.start,
                Report.period_end == period.end,
                Report.reason == reason,
                Report.superseded_by_id.is_(None),
            )
            .order_by(Report.created_at.desc())
            .limit(1)
        )
        if earlier is not None:
            subject = f"{office.id}:{period.start}:{period.end}:{reason}:{earlier.id}"
            try:
                confirmed = is_confirmed("report.supersede", subject)
            except ConfirmationRefused as refused:
                return refused.page
            if not confirmed:
                return self.render_supersede_confirmation(
                    office, period, reason, lang, earlier, subject
                )
        # The build runs in the background; the clerk gets its status page at once.
        try:
            check_request(db.session, office, period.start, period.end, reason, lang, None)
        except ReportError as error:
            return self.bad_request(str(error))
        build = start_build(
            office, period, reason, lang, get_user(), earlier, remote_addr=get_remote_addr()
        )
        return redirect(
            url_for(
                ".build_status",
                build_id=build.id,
                office_id=office.id if is_superadmin() else None,
            )
        )

    @expose("/build/<build_id>")
    def build_status(self, build_id: str) -> Any:
        office = get_chosen_office()
        if office is None:
            return self.office_choice()
        try:
            key = uuid.UUID(build_id)
        except ValueError:
            return error_page(404, _("Nie ma takiego generowania raportu."))
        build = db.session.get(ReportBuild, key)
        if build is None or build.office_id != office.id:
            return error_page(404, _("Nie ma takiego generowania raportu."))
        # A build whose process went away (a restart) is taken over by whichever process shows it.
        resume_orphan(build)
        lang = report_lang()
        report = db.session.get(Report, build.report_id) if build.report_id else None
        return self.render(
            "admin/reports/build.html",
            office=office,
            build=build,
            report=report,
            running=build.state in ACTIVE,
            resumed=is_resumed(build),
            auto_refresh=request.args.get("refresh") != "0",
            state_text=state_text(build),
            error_text=error_text(build) if build.state == "failed" else "",
            period_text=fmt_period(build.period_start, build.period_end, lang),
            reason_text=REASONS.get(build.reason, {}).get(lang, build.reason),
            office_id=office.id if is_superadmin() else None,
        )

    def render_supersede_confirmation(
        self, office: Any, period: Period, reason: str, lang: str, earlier: Report, subject: str
    ) -> Any:
        """Answer the page that says a report of this period exists and asks before superseding it."""
        office_id = office.id if is_superadmin() else None
        fields = [
            ("from", period.start.isoformat()),
            ("to", period.end.isoformat()),
            ("reason", reason),
            ("lang", lang),
        ]
        if office_id:
            fields.append(("office_id", str(office_id)))
        return self.render(
            "admin/ocen/confirm.html",
            title=_("Raport za ten okres już istnieje"),
            warning=_(
                "Dla okresu %(period)s jest już %(reason)s, wygenerowany %(when)s (%(count)s odpowiedzi).",
                period=fmt_period(period.start, period.end, report_lang()),
                reason=REASONS[reason][report_lang()],
                when=local_time(earlier.created_at),
                count=earlier.response_count,
            ),
            lead=[],
            preview=None,
            consequences=[
                _(
                    "Zostanie wygenerowany nowy raport za ten sam okres i zapisany w archiwum na stałe."
                ),
                _(
                    "Dotychczasowy raport zostanie oznaczony jako zastąpiony; oba pozostaną w "
                    "archiwum i można je pobrać."
                ),
            ],
            action_url=url_for(".generate"),
            token=confirm_token("report.supersede", subject),
            fields=fields,
            button=_("Tak, wygeneruj nowy raport"),
            button_class="btn-primary",
            cancel_url=url_for(".archive", office_id=office_id),
        )

    @expose("/archive/")
    def archive(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return self.office_choice()
        reports = db.session.scalars(
            sa.select(Report)
            .where(Report.office_id == office.id)
            .order_by(Report.created_at.desc())
        ).all()
        # Reports still being built are listed above the archive, where the clerk looks for them;
        # one whose process went away (a restart) is taken over here, as on its own page.
        builds = db.session.scalars(
            sa.select(ReportBuild)
            .where(ReportBuild.office_id == office.id, ReportBuild.state.in_(ACTIVE))
            .order_by(ReportBuild.created_at)
        ).all()
        for build in builds:
            resume_orphan(build)
        lang = report_lang()
        return self.render(
            "admin/reports/archive.html",
            office=office,
            reports=reports,
            builds=[build for build in builds if build.state in ACTIVE],
            is_resumed=is_resumed,
            state_text=state_text,
            reason_label=lambda r: REASONS.get(r, {}).get(lang, r),
            fmt_date=fmt_date,
            lang=lang,
            office_id=office.id if is_superadmin() else None,
        )

    @expose("/archive/<report_id>.pdf")
    def download(self, report_id: str) -> Any:
        report = archived_report(report_id)
        if report is None:
            return error_page(404)
        audit("report.download", report, after={"sha256": report.sha256})
        db.session.commit()
        response = send_file(
            io.BytesIO(report.pdf),
            mimetype="application/pdf",
            as_attachment=True,
            download_name=download_name(report, "pdf"),
        )
        response.headers["X-Content-SHA256"] = report.sha256
        return response

    @expose("/archive/<report_id>.html")
    def download_html(self, report_id: str) -> Any:
        """Send an archived report as its accessible HTML form (the same figures as its PDF)."""
        report = archived_report(report_id)
        if report is None:
            return error_page(404)
        body = build_html(archived_report_data(db.session, report), report.lang)
        audit("report.download", report, after={"format": "html"})
        db.session.commit()
        return send_file(
            io.BytesIO(body.encode("utf-8")),
            mimetype="text/html",
            as_attachment=True,
            download_name=download_name(report, "html"),
        )

    @expose("/export")
    def export(self) -> Any:
        office = get_chosen_office()
        if office is None:
            return self.office_choice()
        kind = request.args.get("format", "")
        if kind not in EXPORTS:
            return self.bad_request(
                _("Nieznany format eksportu; dostępne: CSV, XLSX i zestawienie XLSX.")
            )
        try:
            period = parse_period(request.args, default_period())
        except BadRequest as error:
            return self.bad_request(str(error))
        out = io.BytesIO()
        if kind == "csv":
            rows = write_responses_csv(db.session, office, period.start, period.end, out)
        elif kind == "xlsx":
            rows = write_responses_xlsx(db.session, office, period.start, period.end, out)
        else:
            data = build_report_data(db.session, office, period, lang=report_lang())
            write_aggregates_xlsx(data, out)
            rows = data["responses"]["total"]
        audit(
            "report.export",
            office,
            after={
                "format": kind,
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "responses": rows,
            },
        )
        db.session.commit()
        mimetype, pattern = EXPORTS[kind]
        out.seek(0)
        return send_file(
            out,
            mimetype=mimetype,
            as_attachment=True,
            download_name=pattern.format(
                slug=office.slug, start=period.start.isoformat(), end=period.end.isoformat()
            ),
        )


def init_reports_views(panel: Any) -> None:
    """Add the report pages and the corrective actions to the panel."""
    from .actions import init_actions_view

    panel.add_view(
        ReportsView(name=_l("Wyniki i raporty"), endpoint="reports", url="/admin/reports")
    )
    init_actions_view(panel)
