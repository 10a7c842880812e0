"""Exports for staff: the raw responses (CSV, XLSX) and the report's aggregates (XLSX).

Raw exports carry one row per response and one column per question, headed in Polish. A comment
hidden from reports is written as "[komentarz ukryty]": it was hidden because it may hold personal
data, and an export file leaves the panel's access control (it is mailed, copied, printed), so the
text stays out of it; the marker keeps the count honest and tells staff a comment existed.
Responses are streamed from the database, never loaded as objects.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from collector.enums import QuestionType
from collector.models import NA, Answer, Office, Response, SurveyVersion, pick_text

from . import tables
from .periods import Period, to_local
from .queries import department_labels, load_versions
from .texts import CHANNELS, fmt_period, label, message

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # spreadsheet programs run such cells as formulas
BATCH = 5000


def question_columns(versions: list[SurveyVersion], lang: str) -> list[tuple[str, str]]:
    """Return (key, header) per question of the versions: newest wording and order first."""
    columns: dict[str, str] = {}
    for version in sorted(versions, key=lambda v: v.number, reverse=True):
        for q in version.questions:
            if (
                q.key in columns or q.type == QuestionType.DEPARTMENT
            ):  # the department has its own column
                continue
            text = pick_text(q.texts, lang)
            if q.group:
                text = f"{pick_text(q.group_texts, lang)} — {text}"
            columns[q.key] = text
    return list(columns.items())


def iter_responses(
    session: Session, office: Office, period: Period, lang: str = "pl"
) -> tuple[list[str], Iterator[list[Any]]]:
    """Return the header and an iterator of rows, one per response, streamed in submission order."""
    versions = load_versions(session, office)
    scope = [
        Response.office_id == office.id,
        Response.submitted_at >= period.utc_start,
        Response.submitted_at < period.utc_end,
    ]
    used = session.scalars(sa.select(Response.version_id).where(*scope).distinct()).all()
    columns = question_columns([versions[i] for i in used], lang)
    index = {key: position for position, (key, _) in enumerate(columns)}
    types = {(v.id, q.key): q.type for v in versions.values() for q in v.questions}
    options = {
        (v.id, q.key, o["key"]): pick_text(o.get("texts"), lang)
        for v in versions.values()
        for q in v.questions
        for o in q.options or []
    }
    departments, _ = department_labels(session, office, lang)
    numbers = {v.id: v.number for v in versions.values()}
    header = [
        message("response_id", lang),
        message("submitted_at", lang),
        message("version", lang),
        message("channel", lang),
        message("lang", lang),
        message("department", lang),
        message("entered_by_staff", lang),
    ] + [text for _, text in columns]
    query = (
        sa.select(
            Response.id,
            Response.submitted_at,
            Response.version_id,
            Response.channel,
            Response.lang,
            Response.department_key,
            Response.entered_by_id,
            Answer.question_key,
            Answer.value,
            Answer.option_key,
            Answer.text,
            Answer.hidden,
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(*scope)
        .order_by(Response.submitted_at, Response.id, Answer.id)
        .execution_options(yield_per=BATCH)
    )
    hidden_text = message("hidden_comment", lang)
    na_text = message("na", lang)

    def rows() -> Iterator[list[Any]]:
        current = None
        row: list[Any] = []
        for (
            rid,
            at,
            version_id,
            channel,
            rlang,
            department,
            entered_by,
            key,
            value,
            option,
            text,
            hidden,
        ) in session.execute(query):
            if rid != current:
                if current is not None:
                    yield row
                current = rid
                row = [
                    str(rid),
                    to_local(at),
                    numbers.get(version_id),
                    label(CHANNELS, channel, lang),
                    rlang,
                    departments.get(department or "", department or ""),
                    message("yes", lang) if entered_by else message("no", lang),
                ] + [None] * len(columns)
            if key is None or key not in index:
                continue
            cell = 7 + index[key]
            kind = types.get((version_id, key))
            if kind == QuestionType.TEXT:
                row[cell] = hidden_text if hidden else text
            elif kind == QuestionType.RATING:
                row[cell] = na_text if option == NA else value
            elif kind == QuestionType.MULTI:
                picked = options.get((version_id, key, option), option)
                row[cell] = picked if row[cell] is None else f"{row[cell]}, {picked}"
            else:
                row[cell] = options.get((version_id, key, option), option)
        if current is not None:
            yield row

    return header, rows()


def safe_text(value: Any) -> Any:
    """Return text that a spreadsheet will show, not run: a leading apostrophe before formula characters."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_value(value: Any) -> str:
    """Write a value for the CSV: local time as "2024-03-01 12:34:56", nothing as an empty cell."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(safe_text(value))


def write_responses_csv(
    session: Session, office: Office, start: date, end: date, out: IO[bytes], lang: str = "pl"
) -> int:
    """Write the responses as CSV for Polish Excel (UTF-8 with BOM, ";"); return how many rows."""
    header, rows = iter_responses(session, office, Period(start, end), lang)
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count


def write_responses_xlsx(
    session: Session, office: Office, start: date, end: date, out: IO[bytes], lang: str = "pl"
) -> int:
    """Write the responses as an XLSX workbook; return how many rows."""
    header, rows = iter_responses(session, office, Period(start, end), lang)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(message("responses", lang)[:31])
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 19
    sheet.append(bold_row(sheet, header))
    count = 0
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
        count += 1
    workbook.save(out)
    return count


def bold_row(sheet: Any, values: list[Any]) -> list[WriteOnlyCell]:
    """Return a header row of bold cells."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def xlsx_cell(sheet: Any, value: Any, number_format: str | None = None) -> Any:
    """Return a cell; text is stored as text even when it starts with "=" (never a formula)."""
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    if hasattr(value, "isoformat"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if number_format and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    return value


NUMBER_FORMATS = {"num": "0.00", "pct": "0.0", "change": "+0.00;-0.00"}


def write_aggregates_xlsx(data: dict[str, Any], out: IO[bytes]) -> None:
    """Write the report's tables (``reports.tables``) as an XLSX workbook; suppressed cells stay "< 5"."""
    lang = data.get("lang", "pl")
    workbook = Workbook(write_only=True)

    def sheet(name: str, table: tables.Table, lead: list[list[Any]] | None = None) -> None:
        ws = workbook.create_sheet(name[:31])
        ws.column_dimensions["A"].width = 48
        for column in range(2, len(table.columns) + 1):
            ws.column_dimensions[get_column_letter(column)].width = 14
        for row in lead or []:
            ws.append(bold_row(ws, row))
        ws.append(bold_row(ws, table.header))
        formats = [NUMBER_FORMATS.get(c.kind) for c in table.columns]
        for row in table.values():
            ws.append(
                [
                    xlsx_cell(ws, v, f if isinstance(v, float) else None)
                    for v, f in zip(row, formats, strict=True)
                ]
            )

    m = lambda key: message(key, lang)  # noqa: E731
    period = fmt_period(data["period"]["start"], data["period"]["end"], lang)
    sheet(m("summary"), tables.headline(data, lang), lead=[[data["office"]["name"], period]])
    sheet(m("area_means"), tables.area_means(data, lang))
    sheet(m("areas"), tables.items(data, lang))
    sheet(m("departments"), tables.departments(data, lang))
    sheet(m("trend"), tables.trend(data, lang))
    sheet(m("by_version"), tables.versions(data, lang))
    sheet(m("by_channel"), tables.channels(data, lang))
    sheet(m("choices"), tables.choices(data, lang))
    sheet(m("importance"), tables.importance(data, lang))
    sheet(m("needs_action"), tables.needs_action(data, lang))
    sheet(m("comments"), tables.comments(data, lang))
    sheet(m("themes"), tables.themes(data, lang))
    sheet(m("actions"), tables.actions(data, lang))
    sheet(m("you_said_title"), tables.you_said_we_did(data, lang))
    workbook.save(out)
