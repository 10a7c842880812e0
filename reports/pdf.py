"""The report as a PDF (reportlab platypus): ``build_pdf(report_data) -> bytes``, no Flask."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from . import charts
from .fonts import BOLD, REGULAR, register_fonts
from .statistics import SUPPRESSED
from .texts import (
    ACTION_STATUSES,
    CHANNELS,
    QUESTION_TYPES,
    REASONS,
    fmt_change,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_month,
    fmt_num,
    fmt_pct,
    fmt_period,
    label,
    message,
)

PAGE_W, PAGE_H = A4
MARGIN = 1.6 * cm
CONTENT_W = PAGE_W - 2 * MARGIN
HEAD_BG = colors.HexColor("#e8eef6")
LINE = colors.HexColor("#9aa5b1")
COMMENT_ROWS = 40
# What every table shares: small regular type, a thin line under each row, tight padding.
GRID_STYLE = [
    ("FONT", (0, 0), (-1, -1), REGULAR, 7.5),
    ("LINEBELOW", (0, 0), (-1, -1), 0.3, LINE),
    ("TOPPADDING", (0, 0), (-1, -1), 2),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
]


def styles() -> dict[str, ParagraphStyle]:
    """Return the paragraph styles, all in DejaVu Sans."""
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9, spaceAfter=0),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=BOLD, fontSize=7.5, leading=9, spaceAfter=0),
        "cellr": ParagraphStyle("cellr", parent=base, fontSize=7.5, leading=9, spaceAfter=0, alignment=TA_RIGHT),
        "cellbr": ParagraphStyle("cellbr", parent=base, fontName=BOLD, fontSize=7.5, leading=9, spaceAfter=0,
                                 alignment=TA_RIGHT),
        "h1": ParagraphStyle("h1", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceBefore=4, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=6),
        "h3": ParagraphStyle("h3", parent=base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=4),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=22, leading=28, alignment=TA_CENTER,
                                spaceAfter=16),
        "office": ParagraphStyle("office", parent=base, fontName=BOLD, fontSize=17, leading=22, alignment=TA_CENTER,
                                 spaceAfter=6),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "big": ParagraphStyle("big", parent=base, fontName=BOLD, fontSize=12, leading=16),
    }


def numbered_canvas(footer: list[str], lang: str) -> type[pdfcanvas.Canvas]:
    """Return a canvas class that writes "Strona X z Y" and the footer once the page count is known."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(REGULAR, 6.8)
                self.setFillColor(colors.HexColor("#444444"))
                for i, line in enumerate(footer):
                    self.drawString(MARGIN, 0.95 * cm - i * 9, line)
                self.drawRightString(PAGE_W - MARGIN, 0.95 * cm,
                                     message("page_of", lang).format(page=self._pageNumber, pages=total))
                self.setStrokeColor(LINE)
                self.setLineWidth(0.4)
                self.line(MARGIN, 1.25 * cm, PAGE_W - MARGIN, 1.25 * cm)
                super().showPage()
            super().save()

    return NumberedCanvas


def table(rows: list[list[Any]], widths: list[float], st: dict[str, ParagraphStyle], header_rows: int = 1,
          align_right_from: int = 1) -> Table:
    """Return a styled table; strings become wrapped paragraphs, the header bold."""
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            if isinstance(value, str):
                style = st["cellb"] if r < header_rows else st["cell"]
                if c >= align_right_from:
                    style = st["cellbr"] if r < header_rows else st["cellr"]
                value = Paragraph(escape(value), style)
            cells.append(value)
        body.append(cells)
    t = Table(body, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    t.setStyle(TableStyle([
        *GRID_STYLE,
        *([("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG)] if header_rows else []),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (align_right_from, 0), (-1, -1), "RIGHT"),
    ]))
    return t


def plain_table(rows: list[list[Any]], widths: list[float]) -> Table:
    """Return a table without a header whose short cells are plain strings (cheap to lay out)."""
    t = Table(rows, colWidths=widths, hAlign="LEFT")
    t.setStyle(TableStyle([*GRID_STYLE, ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """Return a paragraph of plain text (escaped)."""
    return Paragraph(escape(text), style)


def build_pdf(report_data: dict[str, Any], lang: str = "pl") -> bytes:
    """Render the report data (meta, data, data_sha256) as a PDF and return its bytes."""
    register_fonts()
    st = styles()
    meta, data, sha = report_data["meta"], report_data["data"], report_data["data_sha256"]
    lang = lang if lang in ("pl", "en") else "pl"
    story: list[Any] = []
    story += cover(meta, data, sha, st, lang)
    story.append(PageBreak())
    story += summary(data, st, lang)
    if data["responses"]["total"]:
        story += areas(data, st, lang)
        story += trend(data, st, lang)
        story += departments(data, st, lang)
        story += importance(data, st, lang)
        story += needs_action(data, st, lang)
        story += choices(data, st, lang)
    story += comments(data, st, lang)
    story += actions(data, st, lang)
    story += annex(data, st, lang)

    buffer = io.BytesIO()
    footer = [f"{message('report_id', lang)}: {meta['report_id']}", f"{message('data_sha', lang)}: {sha}"]
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=2 * cm, title=f"{message('title', lang)} — {data['office']['name']}",
                            author=meta.get("author_name") or "", subject=fmt_period(
                                data["period"]["start"], data["period"]["end"], lang),
                            creator="Oceń Urząd")
    doc.build(story, canvasmaker=numbered_canvas(footer, lang))
    return buffer.getvalue()


def cover(meta: dict[str, Any], data: dict[str, Any], sha: str, st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the cover page: office, period, versions, reason, when and by whom, the hashes."""
    versions = ", ".join(str(v["number"]) for v in data["versions"]) or "—"
    rows = [
        [message("period", lang), fmt_period(data["period"]["start"], data["period"]["end"], lang)],
        [message("versions", lang), versions],
        [message("reason", lang), label(REASONS, meta["reason"], lang)],
        [message("generated", lang), fmt_datetime_iso(meta["generated_at"], lang)],
        [message("generated_by", lang), meta.get("author_name") or message("system_author", lang)],
        [message("responses", lang), fmt_int(data["responses"]["total"], lang)],
        [message("report_id", lang), meta["report_id"]],
        [message("data_sha", lang), sha],
    ]
    out: list[Any] = [Spacer(1, 3.5 * cm), para(message("title", lang), st["title"]),
                      para(data["office"]["name"], st["office"])]
    if data["office"].get("address"):
        out.append(para(data["office"]["address"], st["center"]))
    out.append(Spacer(1, 1.2 * cm))
    t = table([[para(k, st["cellb"]), para(v, st["cell"])] for k, v in rows], [5 * cm, CONTENT_W - 5 * cm], st,
              header_rows=0, align_right_from=99)
    out += [t, Spacer(1, 0.6 * cm), para(message("timezone_note", lang), st["small"])]
    return out


def fmt_datetime_iso(value: str, lang: str) -> str:
    """Write an ISO local date-time the report's way."""
    from datetime import datetime

    return fmt_datetime(datetime.fromisoformat(value), lang)


def summary(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the one-page summary: headline numbers, their change, responses by version and channel."""
    h = data["headline"]
    out: list[Any] = [para(message("summary", lang), st["h1"]),
                      para(fmt_period(data["period"]["start"], data["period"]["end"], lang) + " · "
                           + data["office"]["name"], st["body"])]
    if not data["responses"]["total"]:
        out.append(para(message("no_answers", lang), st["big"]))
    rows: list[list[Any]] = [[message("measure", lang), message("this_period", lang),
                              message("previous_period", lang), message("change", lang)]]
    r = h["responses"]
    rows.append([message("responses", lang), fmt_int(r["value"], lang), fmt_int(r["previous"], lang),
                 fmt_change(r["change"], lang, 0)])
    if h.get("overall_key"):
        o = h["overall_mean"]
        rows.append([message("overall_mean", lang), fmt_num(o["value"], lang), fmt_num(o["previous"], lang),
                     fmt_change(o["change"], lang)])
        for key, name in (("overall_satisfied_pct", "overall_satisfied"),
                          ("overall_dissatisfied_pct", "overall_dissatisfied")):
            p = h[key]
            rows.append([message(name, lang), fmt_pct(p["value"], lang), fmt_pct(p["previous"], lang),
                         fmt_change(p["change"], lang, 1, " pp")])
    x = h["index_mean"]
    rows.append([message("index", lang), fmt_num(x["value"], lang), fmt_num(x["previous"], lang),
                 fmt_change(x["change"], lang)])
    p = h["index_satisfied_pct"]
    rows.append([message("index_satisfied", lang), fmt_pct(p["value"], lang), fmt_pct(p["previous"], lang),
                 fmt_change(p["change"], lang, 1, " pp")])
    out.append(table(rows, [8.2 * cm, 3.2 * cm, 3.2 * cm, CONTENT_W - 14.6 * cm], st))
    prev = data["previous_period"]
    out.append(para(message("previous_period_note", lang).format(start=fmt_date(prev["start"], lang),
                                                                 end=fmt_date(prev["end"], lang)), st["small"]))
    if data["areas"] and data["responses"]["total"]:
        rows = [[message("area", lang), message("n", lang), message("mean", lang), message("satisfied", lang),
                 message("change", lang)]]
        for area in data["areas"]:
            if area["stats"] is None:
                continue
            s = area["stats"]
            rows.append([area["label"], fmt_int(s["n"], lang), fmt_num(s["mean"], lang),
                         fmt_pct(s["satisfied_pct"], lang), fmt_change(area["change"], lang)])
        if len(rows) > 1:
            out += [para(message("area_means", lang), st["h3"]),
                    table(rows, [8.2 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm, CONTENT_W - 14.8 * cm], st)]
    total = data["responses"]["total"]
    if total:
        rows = [[message("version", lang), message("count", lang), message("share", lang)]]
        for v in data["versions"]:
            rows.append([f"{v['number']}: {v['title']}", fmt_int(v["responses"], lang),
                         fmt_pct(100 * v["responses"] / total, lang)])
        out += [para(message("by_version", lang), st["h3"]), table(rows, [9 * cm, 3 * cm, 3 * cm], st)]
        rows = [[message("channel", lang), message("count", lang), message("share", lang)]]
        for channel, count in data["responses"]["by_channel"].items():
            rows.append([label(CHANNELS, channel, lang), fmt_int(count, lang),
                         fmt_pct(data["responses"]["by_channel_pct"][channel], lang)])
        out += [para(message("by_channel", lang), st["h3"]), table(rows, [9 * cm, 3 * cm, 3 * cm], st)]
    out.append(PageBreak())
    return out


def areas(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return one section per area: the stacked-bar chart, the statistics and the distribution."""
    out: list[Any] = [para(message("areas", lang), st["h1"]), para(message("chart_note", lang), st["small"])]
    for area in data["areas"]:
        head: list[Any] = [para(area["label"], st["h2"])]
        if area["stats"] is not None:
            head.append(para(message("area_mean", lang).format(mean=fmt_num(area["stats"]["mean"], lang),
                                                               n=fmt_int(area["stats"]["n"], lang)), st["body"]))
        scale = next((i["scale"] for i in area["items"] if i["scale"]), None)
        head.append(charts.stacked_bars(area["items"], lang, width=CONTENT_W, scale=scale))
        out.append(CondPageBreak(6 * cm))
        out.append(KeepTogether(head))
        rows = [[message("item", lang), message("n", lang), message("mean", lang), message("sd", lang),
                 message("satisfied", lang), message("dissatisfied", lang), message("na_short", lang),
                 message("change", lang)]]
        dist = [[message("item", lang), "1", "2", "3", "4", "5", message("na_short", lang)]]
        for item in area["items"]:
            s = item["stats"]
            rows.append([item["label"], fmt_int(s["n"], lang), fmt_num(s["mean"], lang), fmt_num(s["sd"], lang),
                         fmt_pct(s["satisfied_pct"], lang), fmt_pct(s["dissatisfied_pct"], lang),
                         fmt_int(s["distribution"]["na"], lang), fmt_change(item["change"], lang)])
            dist.append([item["label"]] + [fmt_int(s["distribution"][str(v)], lang) for v in range(1, 6)]
                        + [fmt_int(s["distribution"]["na"], lang)])
        w = (CONTENT_W - 6.5 * cm) / 7
        out += [Spacer(1, 4), table(rows, [6.5 * cm] + [w] * 7, st), Spacer(1, 4),
                para(message("distribution", lang), st["h3"]),
                table(dist, [6.5 * cm] + [(CONTENT_W - 6.5 * cm) / 6] * 6, st)]
    out.append(PageBreak())
    return out


def trend(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the monthly trend: chart and table."""
    rows = [[message("month", lang), message("responses", lang), message("overall_mean", lang),
             message("index", lang)]]
    for month in data["trend"]:
        rows.append([fmt_month(month["month"], lang), fmt_int(month["responses"], lang),
                     fmt_num(month["overall_mean"], lang), fmt_num(month["index_mean"], lang)])
    return [para(message("trend", lang), st["h1"]), charts.trend_chart(data["trend"], lang, width=CONTENT_W),
            Spacer(1, 8), table(rows, [4.5 * cm, 3.5 * cm, 4.5 * cm, CONTENT_W - 12.5 * cm], st), PageBreak()]


def show_cell(value: Any, lang: str, what: str = "mean") -> str:
    """Write a breakdown cell: "< 5" for a suppressed one, else its figure."""
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None:
        return "—"
    if what == "n":
        return fmt_int(value["n"], lang)
    return fmt_num(value["mean"], lang)


def departments(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the breakdown by department: chart of means, then tables; "< 5" where suppressed."""
    d = data["departments"]
    columns = d["columns"]
    out: list[Any] = [para(message("departments", lang), st["h1"]), para(message("suppression_note", lang), st["small"])]
    chart_column = "overall" if any(c["id"] == "overall" for c in columns) else "index"
    out += [para(message("dept_means", lang), st["h3"]),
            charts.department_chart(d, lang, column=chart_column, width=CONTENT_W), Spacer(1, 8)]
    head = [c for c in columns if c["kind"] in {"count", "overall", "index", "area"}]
    rows = [[message("department", lang)] + [c["label"] for c in head]]
    for row in d["rows"]:
        rows.append([row["label"]] + [show_cell(row["cells"][c["id"]], lang, "n" if c["kind"] == "count" else "mean")
                                      for c in head])
    w = (CONTENT_W - 5.5 * cm) / max(len(head), 1)
    out.append(table(rows, [5.5 * cm] + [w] * len(head), st))
    items = [c for c in columns if c["kind"] == "item"]
    shown = [r for r in d["rows"] if r["key"] not in d["hidden"]]
    if items and shown:
        out.append(para(message("item", lang) + " × " + message("department", lang), st["h3"]))
        chunk = 5
        for start in range(0, len(shown), chunk):
            part = shown[start:start + chunk]
            rows = [[message("item", lang)] + [r["label"] for r in part]]
            for c in items:
                rows.append([c["label"]] + [show_cell(r["cells"][c["id"]], lang) for r in part])
            w = (CONTENT_W - 5.5 * cm) / chunk
            out += [table(rows, [5.5 * cm] + [w] * len(part), st), Spacer(1, 6)]
    out.append(PageBreak())
    return out


def importance(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the importance × satisfaction quadrant and its table."""
    imp = data["importance"]
    out: list[Any] = [para(message("importance", lang), st["h1"])]
    if not imp["items"]:
        return out + [para(message("importance_none", lang), st["body"])]
    out += [para(message("importance_note", lang).format(n=fmt_int(imp["respondents"], lang)), st["small"]),
            charts.quadrant_chart(imp, lang, width=CONTENT_W), Spacer(1, 8)]
    rows = [["#", message("item", lang), message("importance_share", lang), message("mean", lang),
             message("quadrant", lang)]]
    for number, item in enumerate(imp["items"], start=1):
        quadrant = message(f"quadrant_{item['quadrant']}", lang) if item["quadrant"] else "—"
        rows.append([str(number), item["label"], fmt_pct(item["share_pct"], lang), fmt_num(item["mean"], lang),
                     quadrant])
    out.append(table(rows, [0.8 * cm, 8 * cm, 2.4 * cm, 2 * cm, CONTENT_W - 13.2 * cm], st, align_right_from=2))
    return out


def needs_action(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the items needing action, lowest first."""
    na = data["needs_action"]
    out: list[Any] = [CondPageBreak(6 * cm), para(message("needs_action", lang), st["h2"]),
                      para(message("needs_action_note", lang).format(
                          mean=fmt_num(na["threshold_mean"], lang, 1),
                          pct=fmt_pct(na["threshold_dissatisfied_pct"], lang, 0)), st["small"])]
    if not na["below_threshold"]:
        out.append(para(message("needs_action_none", lang), st["small"]))
    rows = [[message("item", lang), message("area", lang), message("n", lang), message("mean", lang),
             message("dissatisfied", lang), message("priority", lang)]]
    for item in na["items"]:
        rows.append([item["label"], item["area"], fmt_int(item["n"], lang), fmt_num(item["mean"], lang),
                     fmt_pct(item["dissatisfied_pct"], lang), "●" if item["priority"] else ""])
    out += [table(rows, [6 * cm, 4.5 * cm, 1.6 * cm, 1.6 * cm, 1.8 * cm, CONTENT_W - 15.5 * cm], st,
                  align_right_from=2), PageBreak()]
    return out


def choices(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return each choice question's answers with counts and shares."""
    out: list[Any] = [para(message("choices", lang), st["h1"])]
    for q in data["choices"]:
        rows = [[message("option", lang), message("count", lang), message("share", lang)]]
        for o in q["options"]:
            if o["count"] == SUPPRESSED:
                rows.append([o["label"], SUPPRESSED, SUPPRESSED])
            else:
                rows.append([o["label"], fmt_int(o["count"], lang), fmt_pct(o["pct"], lang)])
        base = message("base_all", lang) if q["type"] == "multi" else message("respondents", lang).lower()
        title = f"{q['label']} ({label(QUESTION_TYPES, q['type'], lang)}; {base}: {fmt_int(q['respondents'], lang)})"
        block = [para(title, st["h3"]), table(rows, [10 * cm, 3 * cm, 3 * cm], st)]
        if q["type"] == "department":
            block.append(para(message("suppression_note", lang), st["small"]))
        out.append(KeepTogether(block))
    out.append(PageBreak())
    return out


def comments(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the comments not hidden, by department."""
    c = data["comments"]
    out: list[Any] = [para(message("comments", lang), st["h1"])]
    if not c["total"]:
        return out + [para(message("comments_none", lang), st["body"]), PageBreak()]
    out.append(para(message("comments_note", lang).format(shown=fmt_int(c["shown"], lang),
                                                          total=fmt_int(c["total"], lang),
                                                          hidden=fmt_int(c["hidden"], lang)), st["small"]))
    if c["shown"] < c["total"]:
        out.append(para(message("comments_limited", lang).format(shown=fmt_int(c["shown"], lang)), st["small"]))
    for group in c["groups"]:
        out.append(para(group["label"], st["h3"]))
        rows = []
        for comment in group["comments"]:
            text = comment["text"]
            if comment.get("question"):
                text = f"{comment['question']}: {text}"
            rows.append([fmt_date(comment["date"], lang), f"v{comment['version']}", para(text, st["cell"])])
        # Tables of a few dozen rows: reportlab splits a long table across pages in quadratic time.
        for start in range(0, len(rows), COMMENT_ROWS):
            out.append(plain_table(rows[start:start + COMMENT_ROWS], [2 * cm, 1 * cm, CONTENT_W - 3 * cm]))
    out.append(PageBreak())
    return out


def actions(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the corrective actions with owner, deadline and status."""
    out: list[Any] = [para(message("actions", lang), st["h1"]), para(message("actions_note", lang), st["small"])]
    if not data["actions"]:
        return out + [para(message("actions_none", lang), st["body"]), PageBreak()]
    rows = [[message("action", lang), message("owner", lang), message("deadline", lang), message("status", lang),
             message("linked_item", lang)]]
    for a in data["actions"]:
        title = a["title"] + (f" — {a['description']}" if a["description"] else "")
        rows.append([title, a["owner"], fmt_date(a["deadline"], lang) if a["deadline"] else "—",
                     label(ACTION_STATUSES, a["status"], lang), a["question_key"] or "—"])
    out += [table(rows, [7 * cm, 3.2 * cm, 2.2 * cm, 2.2 * cm, CONTENT_W - 14.6 * cm], st, align_right_from=99),
            PageBreak()]
    return out


def annex(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return each version's questionnaire texts."""
    out: list[Any] = [para(message("annex", lang), st["h1"])]
    for version in data["annex"]:
        dates = []
        if version["published_at"]:
            dates.append(message("published", lang).format(date=fmt_date(version["published_at"], lang)))
        if version["retired_at"]:
            dates.append(message("retired", lang).format(date=fmt_date(version["retired_at"], lang)))
        title = message("annex_version", lang).format(number=version["number"], title=version["title"])
        out.append(para(title + (f" ({', '.join(dates)})" if dates else ""), st["h2"]))
        group = None
        for number, q in enumerate(version["questions"], start=1):
            if q["group"] and q["group"] != group:
                out.append(para(q["group_text"], st["h3"]))
                scale = q.get("scale") or []
                if scale:
                    out.append(para(f"{message('scale', lang)}: " + "; ".join(
                        f"{i} {s}" for i, s in enumerate(scale, start=1))
                        + (f"; {message('na', lang)}" if q.get("allow_na") else ""), st["small"]))
            group = q["group"] or None
            extras = [label(QUESTION_TYPES, q["type"], lang)]
            if q["required"]:
                extras.append(message("required", lang))
            if q.get("max_picks"):
                extras.append(message("max_picks", lang).format(n=q["max_picks"]))
            out.append(para(f"{number}. {q['text']} ({', '.join(extras)})", st["body"]))
            if q.get("options"):
                out.append(para("— " + "; ".join(q["options"]), st["small"]))
            if q["type"] == "rating" and not q["group"] and q.get("scale"):
                out.append(para(f"{message('scale', lang)}: " + "; ".join(
                    f"{i} {s}" for i, s in enumerate(q["scale"], start=1)), st["small"]))
    return out
