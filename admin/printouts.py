"""Printed matter for the office: the QR poster of a department and the paper questionnaire.

Plain functions that return PDF bytes (no Flask), in DejaVu Sans so that Polish letters survive
print; the reports package registers the font family once for every PDF the system makes.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from collector.enums import QuestionType
from reports.fonts import BOLD, REGULAR, register_fonts

PAGE_W, PAGE_H = A4
POSTER_TITLE = "Oceń nas — zeskanuj kod"
BOX = "☐"  # U+2610 BALLOT BOX, present in DejaVu Sans
NA_LABEL = "nie dotyczy"
GRID_LINE = colors.HexColor("#9aa5b1")


def qr_code(url: str) -> segno.QRCode:
    """Return the QR code of a URL, with error correction good enough for a worn printout."""
    return segno.make(url, error="m", micro=False)


def draw_qr(pdf: pdfcanvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``url`` as vector squares in a ``size`` square whose lower left is (x, y)."""
    rows = list(qr_code(url).matrix_iter(scale=1, border=4))
    module = size / len(rows)
    pdf.setFillColor(colors.white)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColor(colors.black)
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        for c, dark in enumerate(row):
            if dark:
                # A hair of overlap keeps neighbouring modules from showing seams in some viewers.
                pdf.rect(x + c * module, top, module + 0.05, module + 0.05, stroke=0, fill=1)


def centred_lines(
    pdf: pdfcanvas.Canvas, text: str, font: str, size: float, y: float, width: float
) -> float:
    """Write ``text`` centred, wrapped to ``width``; return the y below the last line."""
    words, line, lines = text.split(), "", []
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and pdf.stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    pdf.setFont(font, size)
    for text_line in lines:
        pdf.drawCentredString(PAGE_W / 2, y, text_line)
        y -= size * 1.25
    return y


def build_poster_pdf(office_name: str, department_name: str, url: str) -> bytes:
    """Return an A4 poster: the call to scan, the office, the department, the QR code and its URL."""
    register_fonts()
    out = io.BytesIO()
    pdf = pdfcanvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{POSTER_TITLE} — {office_name}, {department_name}")
    pdf.setAuthor(office_name)
    width = PAGE_W - 4 * cm
    y = PAGE_H - 3.2 * cm
    y = centred_lines(pdf, POSTER_TITLE, BOLD, 30, y, width) - 0.4 * cm
    y = centred_lines(pdf, office_name, BOLD, 22, y, width)
    y = centred_lines(pdf, department_name, REGULAR, 18, y, width) - 0.6 * cm
    size = 12 * cm
    draw_qr(pdf, url, (PAGE_W - size) / 2, y - size, size)
    y -= size + 1.0 * cm
    y = (
        centred_lines(
            pdf, "Ankieta jest anonimowa i zajmuje mniej niż minutę.", REGULAR, 14, y, width
        )
        - 0.3 * cm
    )
    y = centred_lines(
        pdf, "Nie masz aparatu z czytnikiem kodów? Wpisz adres:", REGULAR, 11, y, width
    )
    # The URL is printed whole, in a size that fits one line, so it can be typed in.
    font_size = 13.0
    while pdf.stringWidth(url, REGULAR, font_size) > width and font_size > 7:
        font_size -= 0.5
    pdf.setFont(REGULAR, font_size)
    pdf.drawCentredString(PAGE_W / 2, y - 2 * mm, url)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=REGULAR, fontSize=10, leading=13)
    return {
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#333333")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=9.5, alignment=1),
        "cellleft": ParagraphStyle("cellleft", parent=base, fontSize=9, leading=11),
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=16, leading=20, spaceAfter=4
        ),
        "office": ParagraphStyle("office", parent=base, fontName=BOLD, fontSize=11, leading=14),
        "question": ParagraphStyle(
            "question",
            parent=base,
            fontName=BOLD,
            fontSize=10.5,
            leading=13.5,
            spaceBefore=8,
            spaceAfter=3,
        ),
        "option": ParagraphStyle("option", parent=base, leftIndent=12, leading=14),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _rating_table(
    items: list[dict[str, Any]], styles: dict[str, ParagraphStyle], width: float
) -> Table:
    """Return a grid: one row per rated item, a box under each label of the scale."""
    scale = items[0].get("scale") or ["1", "2", "3", "4", "5"]
    with_na = any(item.get("allow_na") for item in items)
    heads = [f"{n} — {label}" for n, label in enumerate(scale, start=1)] + (
        [NA_LABEL] if with_na else []
    )
    first = width * 0.34 if len(items) > 1 or items[0].get("group") else 0
    column = (width - first) / len(heads)
    header = ([_p("", styles["cell"])] if first else []) + [_p(h, styles["cell"]) for h in heads]
    rows = [header]
    for item in items:
        boxes = [_p(BOX, styles["cell"]) for _ in scale]
        if with_na:
            boxes.append(_p(BOX if item.get("allow_na") else "", styles["cell"]))
        rows.append(([_p(item["text"], styles["cellleft"])] if first else []) + boxes)
    widths = ([first] if first else []) + [column] * len(heads)
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID_LINE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
            ]
        )
    )
    return table


def _choice_lines(question: dict[str, Any], styles: dict[str, ParagraphStyle]) -> list[Paragraph]:
    return [
        _p(f"{BOX}  {option['text']}", styles["option"]) for option in question.get("options", [])
    ]


def _text_box(height: float, width: float) -> Table:
    table = Table([[""]], colWidths=[width], rowHeights=[height])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, GRID_LINE)]))
    return table


def question_note(question: dict[str, Any]) -> str:
    """Return the instruction printed under a question: how many boxes to tick."""
    kind = question["type"]
    if kind == QuestionType.MULTI:
        return f"Można zaznaczyć kilka odpowiedzi, najwyżej {question.get('max', len(question.get('options', [])))}."
    if kind in (QuestionType.SINGLE, QuestionType.DEPARTMENT):
        return "Proszę zaznaczyć jedną odpowiedź."
    if kind == QuestionType.RATING:
        return (
            "Proszę zaznaczyć jedną ocenę w każdym wierszu."
            if question.get("group")
            else "Proszę zaznaczyć jedną ocenę."
        )
    return ""


def condition_note(condition: dict[str, Any], numbers: dict[str, int]) -> str:
    """Return when a conditional question is answered on paper, naming the question it depends on."""
    low, high = condition["min"], condition["max"]
    scores = f"{low}" if low == high else f"od {low} do {high}"
    return f"Prosimy odpowiedzieć tylko przy ocenie {scores} w pytaniu {numbers[condition['question']]}."


def build_questionnaire_pdf(document: dict[str, Any]) -> bytes:
    """Return the paper questionnaire of a survey document (``collector.surveys.survey_document``)."""
    register_fonts()
    styles = _styles()
    out = io.BytesIO()
    office = document["office"]["name"]
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.6 * cm,
        title=f"{document['title']} — {office}",
        author=office,
    )
    width = PAGE_W - 3.6 * cm
    story: list[Any] = [
        _p(office, styles["office"]),
        _p(document["title"], styles["title"]),
    ]
    if document.get("intro"):
        story.append(_p(document["intro"], styles["body"]))
    story += [
        _p(
            "Ankieta jest anonimowa. Prosimy zaznaczyć odpowiedzi krzyżykiem (☒) i oddać ankietę w urzędzie. "
            "Pytania oznaczone gwiazdką (*) są wymagane.",
            styles["small"],
        ),
        Spacer(1, 4 * mm),
    ]
    questions = document["questions"]
    number, index = 0, 0
    numbers: dict[str, int] = {}  # question key -> its number on paper, for the conditions
    while index < len(questions):
        question = questions[index]
        number += 1
        numbers[question["key"]] = number
        star = " *" if question.get("required") else ""
        block: list[Any] = []
        if question["type"] == QuestionType.RATING and question.get("group"):
            items = [question]
            while (
                index + 1 < len(questions)
                and questions[index + 1].get("group") == question["group"]
                and questions[index + 1]["type"] == QuestionType.RATING
            ):
                index += 1
                items.append(questions[index])
                numbers[questions[index]["key"]] = number
            star = " *" if any(item.get("required") for item in items) else ""
            block.append(
                _p(
                    f"{number}. {question.get('group_text') or question['text']}{star}",
                    styles["question"],
                )
            )
            block.append(_p(question_note(question), styles["small"]))
            block.append(_rating_table(items, styles, width))
        else:
            block.append(_p(f"{number}. {question['text']}{star}", styles["question"]))
            condition = question.get("show_if")
            if condition and condition["question"] in numbers:
                block.append(_p(condition_note(condition, numbers), styles["small"]))
            if question.get("hint"):
                block.append(_p(question["hint"], styles["small"]))
            note = question_note(question)
            if note:
                block.append(_p(note, styles["small"]))
            if question["type"] == QuestionType.RATING:
                block.append(_rating_table([question], styles, width))
            elif question["type"] == QuestionType.TEXT:
                block.append(_text_box(3.2 * cm, width))
            else:
                block += _choice_lines(question, styles)
        story.append(KeepTogether(block))
        index += 1
    story += [
        Spacer(1, 6 * mm),
        _p("Dziękujemy za wypełnienie ankiety.", styles["body"]),
        _p(f"Wersja ankiety: {document['version']}", styles["small"]),
    ]
    doc.build(story)
    return out.getvalue()
