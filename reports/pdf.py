"""The report as a PDF (reportlab platypus): ``build_pdf(report_data) -> bytes``, no Flask."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
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

from collector.enums import QuestionType

from . import charts, tables
from .fonts import BOLD, REGULAR, register_fonts
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

PAGE_W, PAGE_H = A4
MARGIN = 1.6 * cm
CONTENT_W = PAGE_W - 2 * MARGIN
HEAD_BG = colors.HexColor("#e8eef6")
LINE = colors.HexColor("#9aa5b1")
COMMENT_ROWS = 40
# What every table shares: small regular type, a thin line under each row, tight padding.
CELL_SIZE, CELL_LEADING, CELL_PADDING = 7.5, 9, 6  # table cells: type size, leading, side padding
GRID_STYLE = [
    ("FONT", (0, 0), (-1, -1), REGULAR, CELL_SIZE, CELL_LEADING),
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
        "cellb": ParagraphStyle(
            "cellb", parent=base, fontName=BOLD, fontSize=7.5, leading=9, spaceAfter=0
        ),
        "cellr": ParagraphStyle(
            "cellr", parent=base, fontSize=7.5, leading=9, spaceAfter=0, alignment=TA_RIGHT
        ),
        "cellbr": ParagraphStyle(
            "cellbr",
            parent=base,
            fontName=BOLD,
            fontSize=7.5,
            leading=9,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceBefore=4, spaceAfter=10
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=6
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontName=BOLD, fontSize=10, leading=13, spaceBefore=6, spaceAfter=4
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=BOLD,
            fontSize=22,
            leading=28,
            alignment=TA_CENTER,
            spaceAfter=16,
        ),
        "office": ParagraphStyle(
            "office",
            parent=base,
            fontName=BOLD,
            fontSize=17,
            leading=22,
            alignment=TA_CENTER,
            spaceAfter=6,
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "big": ParagraphStyle("big", parent=base, fontName=BOLD, fontSize=12, leading=16),
    }


def numbered_canvas(footer: list[str], lang: str) -> type[pdfcanvas.Canvas]:
    """Return a canvas class that writes "Strona X z Y" and the footer once the page count is known."""

    class NumberedCanvas(pdfcanvas.Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            # The outline's entries per page, added when the page is really written (see save).
            self.outline: list[list[tuple[str, int]]] = [[]]

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self.outline.append([])
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            entries = self.outline
            number = 0
            for page, state in enumerate(self._pages):
                self.__dict__.update(state)
                # Pages are written here, one by one: a bookmark names the page being written.
                for title, level in entries[page]:
                    number += 1
                    key = f"section-{number}"
                    self.bookmarkPage(key)
                    self.addOutlineEntry(title, key, level=level)
                self.setFont(REGULAR, 6.8)
                self.setFillColor(colors.HexColor("#444444"))
                for i, line in enumerate(footer):
                    self.drawString(MARGIN, 0.95 * cm - i * 9, line)
                self.drawRightString(
                    PAGE_W - MARGIN,
                    0.95 * cm,
                    message("page_of", lang).format(page=self._pageNumber, pages=total),
                )
                self.setStrokeColor(LINE)
                self.setLineWidth(0.4)
                self.line(MARGIN, 1.25 * cm, PAGE_W - MARGIN, 1.25 * cm)
                super().showPage()
            super().save()

    return NumberedCanvas


def wrap_cell(text: str, width: float, bold: bool = False) -> str:
    """Return the text broken into lines that fit a cell ``width`` wide, joined by newlines.

    A plain string cell is drawn line by line by the table itself: no Paragraph to parse as markup,
    wrap and draw word by word, which made most of the PDF's cost (and comments most of that).
    """
    font = BOLD if bold else REGULAR
    room = width - 2 * CELL_PADDING
    lines: list[str] = []
    for part in text.split("\n"):
        if stringWidth(part, font, CELL_SIZE) <= room:
            lines.append(part)
        else:
            for line in simpleSplit(part, font, CELL_SIZE, room) or [""]:
                lines += split_long_word(line, font, room)
    return "\n".join(lines)


def split_long_word(line: str, font: str, room: float) -> list[str]:
    """Return a line as is, or, when one word is wider than the cell, cut where it fills the width."""
    out: list[str] = []
    while stringWidth(line, font, CELL_SIZE) > room and len(line) > 1:
        cut = 1
        while cut < len(line) and stringWidth(line[: cut + 1], font, CELL_SIZE) <= room:
            cut += 1
        out.append(line[:cut])
        line = line[cut:]
    return [*out, line]


def table(
    rows: list[list[Any]],
    widths: list[float],
    st: dict[str, ParagraphStyle],
    header_rows: int = 1,
    align_right_from: int = 1,
) -> Table:
    """Return a styled table; strings become pre-wrapped plain cells, the header bold."""
    body = [
        [
            wrap_cell(value, widths[c], bold=r < header_rows) if isinstance(value, str) else value
            for c, value in enumerate(row)
        ]
        for r, row in enumerate(rows)
    ]
    t = Table(body, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                *GRID_STYLE,
                *(
                    [
                        ("BACKGROUND", (0, 0), (-1, header_rows - 1), HEAD_BG),
                        ("FONT", (0, 0), (-1, header_rows - 1), BOLD, CELL_SIZE, CELL_LEADING),
                    ]
                    if header_rows
                    else []
                ),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (align_right_from, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    return t


def plain_table(rows: list[list[Any]], widths: list[float]) -> Table:
    """Return a table without a header whose cells are plain strings, pre-wrapped (cheap to lay out)."""
    body = [
        [wrap_cell(v, widths[c]) if isinstance(v, str) else v for c, v in enumerate(row)]
        for row in rows
    ]
    t = Table(body, colWidths=widths, hAlign="LEFT")
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
    footer = [
        f"{message('report_id', lang)}: {meta['report_id']}",
        f"{message('data_sha', lang)}: {sha}",
    ]
    doc = OutlinedDocTemplate(
        buffer,
        lang=lang,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=2 * cm,
        title=f"{message('title', lang)} — {data['office']['name']}",
        author=meta.get("author_name") or "",
        subject=fmt_period(data["period"]["start"], data["period"]["end"], lang),
        creator="Oceń Urząd",
    )
    doc.build(story, canvasmaker=numbered_canvas(footer, lang))
    return buffer.getvalue()


# Headings that become the PDF's bookmarks (its outline), by style, with their level.
OUTLINE_LEVELS = {"title": 0, "h1": 0, "h2": 1}


class OutlinedDocTemplate(SimpleDocTemplate):
    """A document whose title, chapter (h1) and section (h2) headings are its bookmark outline.

    With the outline, a screen-reader or keyboard user moves through a long report by its sections
    (PDF/UA, WCAG 2.4.5); the catalog's /Lang (``lang=``) lets a screen reader read it in Polish or
    English, and the title is shown instead of the file name (``displayDocTitle``).
    """

    def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab's name
        level = OUTLINE_LEVELS.get(getattr(getattr(flowable, "style", None), "name", ""))
        if level is None or not isinstance(flowable, Paragraph):
            return
        outline = self.canv.outline
        if level and not any(entry for page in outline for entry in page):
            level = 0  # an outline cannot start one level down
        outline[-1].append((flowable.getPlainText(), level))

    def handle_documentBegin(self) -> None:  # noqa: N802 - reportlab's name
        super().handle_documentBegin()
        self.canv.showOutline()
        self.canv.setViewerPreference("DisplayDocTitle", "true")


def cover(
    meta: dict[str, Any], data: dict[str, Any], sha: str, st: dict[str, ParagraphStyle], lang: str
) -> list:
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
    out: list[Any] = [
        Spacer(1, 3.5 * cm),
        para(message("title", lang), st["title"]),
        para(data["office"]["name"], st["office"]),
    ]
    if data["office"].get("address"):
        out.append(para(data["office"]["address"], st["center"]))
    out.append(Spacer(1, 1.2 * cm))
    t = table(
        [[para(k, st["cellb"]), para(v, st["cell"])] for k, v in rows],
        [5 * cm, CONTENT_W - 5 * cm],
        st,
        header_rows=0,
        align_right_from=99,
    )
    out += [t, Spacer(1, 0.6 * cm), para(message("timezone_note", lang), st["small"])]
    return out


def fmt_datetime_iso(value: str, lang: str) -> str:
    """Write an ISO local date-time the report's way."""
    from datetime import datetime

    return fmt_datetime(datetime.fromisoformat(value), lang)


def grid(t: tables.Table) -> list[list[str]]:
    """Return a report table as rows of text under its header."""
    return [t.header] + t.texts()


def key_is(wanted: str) -> Callable[[str], bool]:
    """Return a test for one row key, for ``Table.where``."""
    return lambda key: key == wanted


def summary(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the one-page summary: headline numbers, their change, responses by version and channel."""
    out: list[Any] = [
        para(message("summary", lang), st["h1"]),
        para(
            fmt_period(data["period"]["start"], data["period"]["end"], lang)
            + " · "
            + data["office"]["name"],
            st["body"],
        ),
    ]
    if not data["responses"]["total"]:
        out.append(para(message("no_answers", lang), st["big"]))
    out.append(
        table(
            grid(tables.headline(data, lang)),
            [8.2 * cm, 3.2 * cm, 3.2 * cm, CONTENT_W - 14.6 * cm],
            st,
        )
    )
    prev = data["previous_period"]
    out.append(
        para(
            message("previous_period_note", lang).format(
                start=fmt_date(prev["start"], lang), end=fmt_date(prev["end"], lang)
            ),
            st["small"],
        )
    )
    if data["responses"]["total"]:
        area_means = tables.area_means(data, lang)
        if area_means.rows:
            out += [
                para(message("area_means", lang), st["h3"]),
                table(
                    grid(area_means),
                    [8.2 * cm, 2.2 * cm, 2.2 * cm, 2.2 * cm, CONTENT_W - 14.8 * cm],
                    st,
                ),
            ]
        out += [
            para(message("by_version", lang), st["h3"]),
            table(grid(tables.versions(data, lang)), [9 * cm, 3 * cm, 3 * cm], st),
            para(message("by_channel", lang), st["h3"]),
            table(grid(tables.channels(data, lang)), [9 * cm, 3 * cm, 3 * cm], st),
        ]
    out.append(PageBreak())
    return out


def areas(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return one section per area: the stacked-bar chart, the statistics and the distribution."""
    out: list[Any] = [
        para(message("areas", lang), st["h1"]),
        para(message("chart_note", lang), st["small"]),
    ]
    items = tables.items(data, lang)
    for area in data["areas"]:
        head: list[Any] = [para(area["label"], st["h2"])]
        if area["stats"] is not None:
            head.append(
                para(
                    message("area_mean", lang).format(
                        mean=fmt_num(area["stats"]["mean"], lang),
                        n=fmt_int(area["stats"]["n"], lang),
                    ),
                    st["body"],
                )
            )
        scale = next((i["scale"] for i in area["items"] if i["scale"]), None)
        head.append(charts.stacked_bars(area["items"], lang, width=CONTENT_W, scale=scale))
        out.append(CondPageBreak(6 * cm))
        out.append(KeepTogether(head))
        mine = items.where(key_is(area["key"]))
        rows = grid(
            mine.pick(["item", "n", "mean", "sd", "satisfied", "dissatisfied", tables.NA, "change"])
        )
        dist = grid(mine.pick(["item", "1", "2", "3", "4", "5", tables.NA]))
        w = (CONTENT_W - 6.5 * cm) / 7
        out += [
            Spacer(1, 4),
            table(rows, [6.5 * cm] + [w] * 7, st),
            Spacer(1, 4),
            para(message("distribution", lang), st["h3"]),
            table(dist, [6.5 * cm] + [(CONTENT_W - 6.5 * cm) / 6] * 6, st),
        ]
    out.append(PageBreak())
    return out


def trend(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the monthly trend: chart and table."""
    return [
        para(message("trend", lang), st["h1"]),
        charts.trend_chart(data["trend"], lang, width=CONTENT_W),
        Spacer(1, 8),
        table(
            grid(tables.trend(data, lang)),
            [4.5 * cm, 3.5 * cm, 4.5 * cm, CONTENT_W - 12.5 * cm],
            st,
        ),
        PageBreak(),
    ]


def departments(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the breakdown by department: chart of means, then tables; "< 5" where suppressed."""
    d = data["departments"]
    out: list[Any] = [
        para(message("departments", lang), st["h1"]),
        para(message("suppression_note", lang), st["small"]),
    ]
    chart_column = "overall" if any(c["id"] == "overall" for c in d["columns"]) else "index"
    out += [
        para(message("dept_means", lang), st["h3"]),
        charts.department_chart(d, lang, column=chart_column, width=CONTENT_W),
        Spacer(1, 8),
    ]
    by_department = tables.departments(data, lang)
    main = by_department.pick(tables.department_summary_ids(data))
    w = (CONTENT_W - 5.5 * cm) / max(len(main.columns) - 1, 1)
    out.append(table(grid(main), [5.5 * cm] + [w] * (len(main.columns) - 1), st))
    item_ids = tables.department_item_ids(data)
    shown = by_department.where(lambda key: key not in d["hidden"]).pick(["department", *item_ids])
    if item_ids and shown.rows:
        out.append(para(message("item", lang) + " × " + message("department", lang), st["h3"]))
        chunk = 5
        for start in range(0, len(shown.rows), chunk):
            part = shown.rows[start : start + chunk]
            rows = [[message("item", lang)] + [r[0].text for r in part]]
            for i, column in enumerate(shown.columns[1:], start=1):
                rows.append([column.label] + [r[i].text for r in part])
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
    derived = imp.get("method") == "derived"
    note = message("importance_note_derived" if derived else "importance_note", lang)
    out += [
        para(message(f"importance_method_{'derived' if derived else 'stated'}", lang), st["body"]),
        para(note.format(n=fmt_int(imp["respondents"], lang)), st["small"]),
        charts.quadrant_chart(imp, lang, width=CONTENT_W),
        Spacer(1, 8),
    ]
    widths = (
        [0.8 * cm, 6.4 * cm, 2.4 * cm, 2.0 * cm, 1.8 * cm, CONTENT_W - 13.4 * cm]
        if derived
        else [0.8 * cm, 8 * cm, 2.4 * cm, 2 * cm, CONTENT_W - 13.2 * cm]
    )
    out.append(
        table(
            grid(tables.importance(data, lang)),
            widths,
            st,
            align_right_from=2,
        )
    )
    return out


def needs_action(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the items needing action, lowest first."""
    na = data["needs_action"]
    out: list[Any] = [
        CondPageBreak(6 * cm),
        para(message("needs_action", lang), st["h2"]),
        para(
            message("needs_action_note", lang).format(
                mean=fmt_num(na["threshold_mean"], lang, 1),
                pct=fmt_pct(na["threshold_dissatisfied_pct"], lang, 0),
            ),
            st["small"],
        ),
    ]
    if not na["below_threshold"]:
        out.append(para(message("needs_action_none", lang), st["small"]))
    out += [
        table(
            grid(tables.needs_action(data, lang)),
            [6 * cm, 4.5 * cm, 1.6 * cm, 1.6 * cm, 1.8 * cm, CONTENT_W - 15.5 * cm],
            st,
            align_right_from=2,
        ),
        PageBreak(),
    ]
    return out


def choices(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return each choice question's answers with counts and shares."""
    out: list[Any] = [para(message("choices", lang), st["h1"])]
    options = tables.choices(data, lang)
    for q in data["choices"]:
        rows = grid(options.where(key_is(q["id"])).pick(["option", "count", "share"]))
        block = [
            para(tables.choice_title(q, lang), st["h3"]),
            table(rows, [10 * cm, 3 * cm, 3 * cm], st),
        ]
        if q["type"] == QuestionType.DEPARTMENT:
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
    out += themes(data, st, lang)
    out.append(para(message("comments_list", lang), st["h2"]))
    out.append(
        para(
            message("comments_note", lang).format(
                shown=fmt_int(c["shown"], lang),
                total=fmt_int(c["total"], lang),
                hidden=fmt_int(c["hidden"], lang),
            ),
            st["small"],
        )
    )
    if c["shown"] < c["total"]:
        out.append(
            para(
                message("comments_limited", lang).format(shown=fmt_int(c["shown"], lang)),
                st["small"],
            )
        )
    rows_by_group: dict[str, list[list[Any]]] = {}
    listed = tables.comments(data, lang)
    for key, (_department, month, version, body) in zip(listed.keys, listed.texts(), strict=True):
        rows_by_group.setdefault(key, []).append([month, version, body])
    for group in c["groups"]:
        out.append(para(group["label"], st["h3"]))
        rows = rows_by_group.get(group["key"], [])
        # Tables of a few dozen rows: reportlab splits a long table across pages in quadratic time.
        for start in range(0, len(rows), COMMENT_ROWS):
            out.append(
                plain_table(
                    rows[start : start + COMMENT_ROWS], [2 * cm, 1 * cm, CONTENT_W - 3 * cm]
                )
            )
    out.append(PageBreak())
    return out


def themes(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the comments' counts by theme (kept on the comments' page)."""
    out: list[Any] = [para(message("themes", lang), st["h2"])]
    counted = tables.themes(data, lang)
    if not counted.rows:
        return out + [para(message("themes_none", lang), st["body"])]
    return out + [
        para(message("themes_note", lang), st["small"]),
        table(grid(counted), [10 * cm, 3 * cm], st),
    ]


def actions(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return the corrective actions with owner, deadline and status, then "you said — we did"."""
    out: list[Any] = [
        para(message("actions", lang), st["h1"]),
        para(message("actions_note", lang), st["small"]),
    ]
    if not data["actions"]:
        return out + [para(message("actions_none", lang), st["body"]), PageBreak()]
    out += [
        table(
            grid(tables.actions(data, lang)),
            [7 * cm, 3.2 * cm, 2.2 * cm, 2.2 * cm, CONTENT_W - 14.6 * cm],
            st,
            align_right_from=99,
        ),
        para(message("you_said_title", lang), st["h2"]),
        table(
            grid(tables.you_said_we_did(data, lang)),
            [7 * cm, 7 * cm, CONTENT_W - 14 * cm],
            st,
            align_right_from=99,
        ),
        PageBreak(),
    ]
    return out


ANNEX_STYLES = {"group": "h3", "question": "body", "note": "small"}


def annex(data: dict[str, Any], st: dict[str, ParagraphStyle], lang: str) -> list:
    """Return each version's questionnaire texts (``tables.annex``) as paragraphs."""
    out: list[Any] = [para(message("annex", lang), st["h1"])]
    for version in tables.annex(data, lang):
        out.append(para(version["title"], st["h2"]))
        out += [para(text, st[ANNEX_STYLES[kind]]) for kind, text in version["lines"]]
    return out
