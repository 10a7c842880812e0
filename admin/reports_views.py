"""Reports in the panel: the office's dashboard, generating and archiving reports, the archive, exports,
and the corrective actions ("działania naprawcze i doskonalące") that the reports list.

The figures, charts, PDF and files all come from ``reports``; this module only asks for them,
checks who asks (``PanelView``/``OfficeScopedView``) and audits every download.
"""

from __future__ import annotations

import base64
import io
import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from reportlab.graphics import renderSVG
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from collector.extensions import db
from collector.models import CorrectiveAction, Office, Question, Report, Survey, SurveyVersion
from reports import ReportError, archive_report
from reports import charts as report_charts
from reports.aggregate import SUPPRESSED, build_report_data
from reports.archive import MAX_PERIOD_DAYS
from reports.cycle import periodic_status
from reports.export import write_aggregates_xlsx, write_responses_csv, write_responses_xlsx
from reports.fonts import register_fonts
from reports.periods import Period, local_today, to_local
from reports.texts import ACTION_STATUSES, REASONS, fmt_change, fmt_date, fmt_int, fmt_num, fmt_pct

from .auditing import ACTION_LABELS, audit, get_remote_addr
from .base import (
    ALL_ROLES,
    WRITER_ROLES,
    OfficeScopedView,
    PanelView,
    error_page,
    expose,
    get_office_or_404,
    get_user,
    is_superadmin,
    scoped,
)
from .i18n import get_language

ACTION_LABELS.update({"report.generate": "wygenerowanie raportu", "report.download": "pobranie raportu",
                      "report.export": "eksport danych"})
EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "odpowiedzi-{slug}-{start}-{end}.csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "odpowiedzi-{slug}-{start}-{end}.xlsx"),
    "summary": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "zestawienie-{slug}-{start}-{end}.xlsx"),
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
            raise BadRequest(_("%(field)s: „%(value)s” nie jest datą w formacie RRRR-MM-DD.", field=label,
                               value=raw[:20])) from None
    start, end = values
    if end < start:
        raise BadRequest(_("Koniec okresu jest wcześniejszy niż jego początek."))
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise BadRequest(_("Okres może obejmować najwyżej 10 lat."))
    if start > local_today():
        raise BadRequest(_("Okres zaczyna się w przyszłości."))
    return Period(start, end)


def default_period() -> Period:
    """Return the last twelve months: from the first day of the month eleven months ago to today."""
    today = local_today()
    index = today.year * 12 + today.month - 1 - 11
    return Period(date(index // 12, index % 12 + 1, 1), today)


def svg_image(drawing: Any, alt: str) -> Markup:
    """Return an <img> holding the chart as SVG in a data: URL (the SVG is never inlined into the page)."""
    register_fonts()
    svg = renderSVG.drawToString(drawing)
    data = base64.b64encode(svg.encode() if isinstance(svg, str) else svg).decode()
    return Markup('<img class="img-fluid report-chart" src="data:image/svg+xml;base64,{}" alt="{}">').format(
        Markup(data), alt)


def headline_rows(data: dict[str, Any], lang: str) -> list[tuple[str, str, str, str]]:
    """Return the dashboard's headline rows: measure, this period, previous period, change."""
    h = data["headline"]
    rows = [(_("Liczba odpowiedzi"), fmt_int(h["responses"]["value"], lang), fmt_int(h["responses"]["previous"], lang),
             fmt_change(h["responses"]["change"], lang, 0))]
    if h.get("overall_key"):
        o, s = h["overall_mean"], h["overall_satisfied_pct"]
        rows.append((_("Ogólne zadowolenie — średnia (1–5)"), fmt_num(o["value"], lang), fmt_num(o["previous"], lang),
                     fmt_change(o["change"], lang)))
        rows.append((_("Zadowoleni (4+5)"), fmt_pct(s["value"], lang), fmt_pct(s["previous"], lang),
                     fmt_change(s["change"], lang, 1, " pp")))
    x = h["index_mean"]
    rows.append((_("Średnia wszystkich ocen szczegółowych"), fmt_num(x["value"], lang), fmt_num(x["previous"], lang),
                 fmt_change(x["change"], lang)))
    return rows


def department_rows(data: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """Return the departments' responses and overall mean, "< 5" where suppressed."""
    column = "overall" if any(c["id"] == "overall" for c in data["departments"]["columns"]) else "index"

    def show(value: Any, what: str) -> str:
        if value == SUPPRESSED:
            return SUPPRESSED
        return fmt_int(value["n"], lang) if what == "n" else fmt_num(value["mean"], lang)

    return [(row["label"], show(row["cells"]["responses"], "n"), show(row["cells"][column], "mean"))
            for row in data["departments"]["rows"]]


class ReportsView(PanelView):
    """The office's results for a chosen period, the report archive and the exports."""

    read_roles = ALL_ROLES
    write_roles = WRITER_ROLES

    def chosen_office(self) -> Office | None:
        """Return the office asked for (superadmins choose; others get their own), None to show the choice."""
        asked = request.values.get("office")
        if is_superadmin() and not asked:
            return None
        return get_office_or_404(asked)

    def office_choice(self) -> Any:
        offices = db.session.scalars(sa.select(Office).order_by(Office.name)).all()
        return self.render("admin/reports/choose_office.html", offices=offices, target=request.endpoint)

    def bad_request(self, message: str) -> Any:
        return error_page(400, message)

    @expose("/")
    def index(self) -> Any:
        office = self.chosen_office()
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
            for area in data["areas"]:
                scale = next((i["scale"] for i in area["items"] if i["scale"]), None)
                charts.append((area["label"], svg_image(report_charts.stacked_bars(area["items"], lang, scale=scale),
                                                        _("Rozkład ocen: %(area)s", area=area["label"]))))
            charts.append((_("Trend miesięczny"), svg_image(report_charts.trend_chart(data["trend"], lang),
                                                            _("Trend miesięczny średnich ocen"))))
            if data["departments"]["rows"]:
                charts.append((_("Średnia według wydziałów"),
                               svg_image(report_charts.department_chart(data["departments"], lang),
                                         _("Średnia ogólnego zadowolenia według wydziałów"))))
        return self.render(
            "admin/reports/dashboard.html", office=office, period=period, data=data, lang=lang,
            headline=headline_rows(data, lang), departments=department_rows(data, lang), charts=charts,
            status=status, last_local=to_local(status.last) if status.last else None, due_local=to_local(status.due),
            fmt_date=fmt_date, can_generate=self.is_writer(), reasons=[(r, REASONS[r][lang]) for r in PANEL_REASONS],
            office_param=office.id if is_superadmin() else None,
        )

    @expose("/generate", methods=("POST",))
    def generate(self) -> Any:
        office = self.chosen_office()
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
        try:
            report = archive_report(db.session, office, period_start=period.start, period_end=period.end,
                                    reason=reason, author=get_user(), lang=lang, remote_addr=get_remote_addr())
        except ReportError as error:
            db.session.rollback()
            return self.bad_request(str(error))
        db.session.commit()
        flash(_("Raport został wygenerowany i zarchiwizowany. SHA-256 pliku PDF: %(sha)s", sha=report.sha256),
              "success")
        return redirect(url_for(".archive", office=office.id if is_superadmin() else None))

    @expose("/archive/")
    def archive(self) -> Any:
        office = self.chosen_office()
        if office is None:
            return self.office_choice()
        reports = db.session.scalars(
            sa.select(Report).where(Report.office_id == office.id).order_by(Report.created_at.desc())
        ).all()
        lang = report_lang()
        return self.render("admin/reports/archive.html", office=office, reports=reports,
                           reason_label=lambda r: REASONS.get(r, {}).get(lang, r), fmt_date=fmt_date, lang=lang,
                           office_param=office.id if is_superadmin() else None)

    @expose("/archive/<report_id>.pdf")
    def download(self, report_id: str) -> Any:
        try:
            key = uuid.UUID(report_id)
        except ValueError:
            return error_page(404)
        report = db.session.scalar(scoped(sa.select(Report).where(Report.id == key), Report))
        if report is None:
            return error_page(404)
        audit("report.download", report, after={"sha256": report.sha256})
        db.session.commit()
        name = f"raport-{report.office.slug}-{report.period_start.isoformat()}-{report.period_end.isoformat()}.pdf"
        response = send_file(io.BytesIO(report.pdf), mimetype="application/pdf", as_attachment=True,
                             download_name=name)
        response.headers["X-Content-SHA256"] = report.sha256
        return response

    @expose("/export")
    def export(self) -> Any:
        office = self.chosen_office()
        if office is None:
            return self.office_choice()
        kind = request.args.get("format", "")
        if kind not in EXPORTS:
            return self.bad_request(_("Nieznany format eksportu; dostępne: CSV, XLSX i zestawienie XLSX."))
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
        audit("report.export", office, after={"format": kind, "period_start": period.start.isoformat(),
                                              "period_end": period.end.isoformat(), "responses": rows})
        db.session.commit()
        mimetype, pattern = EXPORTS[kind]
        out.seek(0)
        return send_file(out, mimetype=mimetype, as_attachment=True, download_name=pattern.format(
            slug=office.slug, start=period.start.isoformat(), end=period.end.isoformat()))


# ---------------------------------------------------------------------------------------------
# Corrective actions


def rated_items(office_id: int | None) -> list[tuple[str, str]]:
    """Return the rating questions of the office's versions (all offices' for a superadmin), newest texts."""
    query = (sa.select(Question.key, Question.texts, SurveyVersion.number).join(SurveyVersion).join(Survey)
             .where(Question.type == "rating").order_by(SurveyVersion.number.desc(), Question.position))
    if office_id is not None:
        query = query.where(Survey.office_id == office_id)
    items: dict[str, str] = {}
    for key, texts, _number in db.session.execute(query):
        items.setdefault(key, (texts or {}).get("pl") or key)
    return list(items.items())


class CorrectiveActionView(OfficeScopedView):
    """Corrective and improvement actions: what, who, by when, status, which item; admins write, reviewers read."""

    read_roles = ALL_ROLES
    write_roles = WRITER_ROLES
    column_list = ("title", "owner", "deadline", "status", "question_key", "done_at", "office")
    column_details_list = ("title", "description", "owner", "deadline", "status", "question_key", "done_at",
                           "created_at", "office")
    form_columns = ("office", "title", "description", "owner", "deadline", "status", "question_key", "done_at")
    column_labels = {"title": _l("Działanie"), "description": _l("Opis"), "owner": _l("Odpowiedzialny"),
                     "deadline": _l("Termin"), "status": _l("Stan"), "question_key": _l("Dotyczy pytania"),
                     "done_at": _l("Data realizacji"), "created_at": _l("Utworzono"), "office": _l("Urząd")}
    column_default_sort = [("deadline", False), ("id", False)]
    column_searchable_list = ("title", "owner")
    column_filters = ("status",)
    column_formatters = {"status": lambda v, c, m, p: _(ACTION_STATUSES.get(m.status, {}).get("pl", m.status))}
    form_overrides = {"status": SelectField, "question_key": SelectField}
    form_args = {
        "status": {"choices": [SelectChoice(k, _l(v["pl"])) for k, v in ACTION_STATUSES.items()],
                   "default": "planned"},
        "question_key": {"choices": [], "validators": [Optional()]},
    }

    def _with_items(self, form: Any) -> Any:
        user = get_user()
        office_id = None if is_superadmin() else user.office_id
        if hasattr(form, "question_key"):
            form.question_key.choices = [SelectChoice("", _("— żadne —"))] + [
                SelectChoice(key, text) for key, text in rated_items(office_id)]
        return form

    def create_form(self, obj: Any = None) -> Any:
        return self._with_items(super().create_form(obj))

    def edit_form(self, obj: Any = None) -> Any:
        form = self._with_items(super().edit_form(obj))
        if hasattr(form, "office"):
            del form.office  # an action stays with the office it was recorded for
        return form

    def on_model_change(self, form: Any, model: CorrectiveAction, is_created: bool) -> None:
        model.question_key = model.question_key or None
        if model.status == "done" and model.done_at is None:
            model.done_at = local_today()
        super().on_model_change(form, model, is_created)


def init_reports_views(panel: Any) -> None:
    """Add the report pages and the corrective actions to the panel."""
    panel.add_view(ReportsView(name=_l("Wyniki i raporty"), endpoint="reports", url="/admin/reports"))
    panel.add_view(CorrectiveActionView(CorrectiveAction, db.session, name=_l("Działania naprawcze"),
                                        endpoint="corrective_action"))

