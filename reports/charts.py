"""The report's charts as reportlab Drawings: placed in the PDF, or rendered to SVG for the panel.

Colours: a sequential palette whose lightness falls steadily from 1 to 5, so the ratings stay
distinct in grey print; every segment wide enough carries its number as well.
"""

from __future__ import annotations

import math
import re
from typing import Any

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib import colors

from .fonts import BOLD, REGULAR, register_fonts
from .statistics import SUPPRESSED
from .texts import fmt_int, fmt_month, fmt_num, fmt_pct, message

# Lightness (CIE L*) about 97, 82, 68, 47, 27: readable apart in greyscale.
SCALE_COLOURS = [
    colors.HexColor(c) for c in ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
]
SCALE_TEXT = [colors.black, colors.black, colors.black, colors.white, colors.white]
INK = colors.HexColor("#1a1a1a")
GRID = colors.HexColor("#b0b0b0")
ACCENT = colors.HexColor("#0b5cab")
ACCENT2 = colors.HexColor("#7a3e00")


# The panel shows the charts as SVG at their own size: the smallest label at least this many CSS px,
# in DejaVu Sans as in the PDF where the browser has it, else the system's sans-serif (never a serif).
PANEL_MIN_FONT_PX = 12.0
PANEL_FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif"


def font_sizes(node: Any) -> list[float]:
    """Return the font size of every label in a Drawing or Group (before any scaling)."""
    sizes = []
    for child in getattr(node, "contents", []):
        if isinstance(child, String):
            sizes.append(float(child.fontSize))
        else:
            sizes.extend(font_sizes(child))
    return sizes


def panel_svg(drawing: Drawing, min_px: float = PANEL_MIN_FONT_PX) -> tuple[str, float, float]:
    """Return the chart as SVG for the panel, scaled so that its smallest label is ``min_px``, sans-serif.

    Returns the SVG text and its width and height in CSS px; the panel shows it at that size
    (scrolling sideways on a narrow screen rather than shrinking the labels).
    """
    register_fonts()
    scale = max(1.0, min_px / min(font_sizes(drawing) or [min_px]))
    scaled = Drawing(drawing.width * scale, drawing.height * scale)
    group = Group(*drawing.contents)
    group.scale(scale, scale)
    scaled.add(group)
    svg = renderSVG.drawToString(scaled)
    svg = re.sub(r"font-family:\s*[^;\"]+", f"font-family: {PANEL_FONT_FAMILY}", svg)
    return svg, scaled.width, scaled.height


def wrap(text: str, width: int) -> list[str]:
    """Split a label into lines of about ``width`` characters."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def stacked_bars(
    items: list[dict[str, Any]], lang: str, width: float = 480, scale: list[str] | None = None
) -> Drawing:
    """Draw one 100% stacked horizontal bar per rated item, with a legend of the scale."""
    label_w, bar_h, gap, na_w = 170.0, 16.0, 9.0, 44.0
    bar_w = width - label_w - na_w
    rows = [(item, wrap(item["label"], 34)) for item in items]
    heights = [max(bar_h, 9.0 * len(lines)) + gap for _, lines in rows]
    legend_h = 26.0
    height = sum(heights) + legend_h
    drawing = Drawing(width, height)
    y = height
    for (item, lines), row_h in zip(rows, heights, strict=True):
        y -= row_h
        top = y + row_h - gap
        for i, line in enumerate(lines[:4]):
            drawing.add(
                String(0, top - 8 - 9 * i, line, fontName=REGULAR, fontSize=7.5, fillColor=INK)
            )
        stats = item["stats"]
        x = label_w
        bar_y = top - bar_h
        if not stats["n"]:
            drawing.add(
                String(
                    label_w,
                    bar_y + 5,
                    message("no_answers", lang),
                    fontName=REGULAR,
                    fontSize=7,
                    fillColor=INK,
                )
            )
            continue
        for value in range(1, 6):
            share = stats["distribution_pct"][str(value)] or 0.0
            w = bar_w * share / 100
            if w <= 0:
                continue
            drawing.add(
                Rect(
                    x,
                    bar_y,
                    w,
                    bar_h,
                    fillColor=SCALE_COLOURS[value - 1],
                    strokeColor=colors.white,
                    strokeWidth=0.6,
                )
            )
            if share >= 6:
                drawing.add(
                    String(
                        x + w / 2,
                        bar_y + 5,
                        fmt_num(share, lang, 0),
                        fontName=REGULAR,
                        fontSize=7,
                        fillColor=SCALE_TEXT[value - 1],
                        textAnchor="middle",
                    )
                )
            x += w
        drawing.add(
            Rect(label_w, bar_y, bar_w, bar_h, fillColor=None, strokeColor=GRID, strokeWidth=0.4)
        )
        na_text = (
            f"{message('na_short', lang)} {fmt_pct(stats['na_pct'], lang, 0)}"
            if stats["distribution"]["na"]
            else ""
        )
        drawing.add(
            String(
                label_w + bar_w + 4, bar_y + 5, na_text, fontName=REGULAR, fontSize=7, fillColor=INK
            )
        )
    names = scale or [str(v) for v in range(1, 6)]
    x = 0.0
    for value in range(1, 6):
        drawing.add(
            Rect(x, 8, 10, 8, fillColor=SCALE_COLOURS[value - 1], strokeColor=GRID, strokeWidth=0.4)
        )
        text = f"{value} {names[value - 1]}" if len(names) == 5 else str(value)
        for i, line in enumerate(wrap(text, 24)[:2]):
            drawing.add(
                String(x + 13, 10 - 7.5 * i, line, fontName=REGULAR, fontSize=6.5, fillColor=INK)
            )
        x += width / 5
    return drawing


def trend_chart(
    trend: list[dict[str, Any]], lang: str, width: float = 480, height: float = 170
) -> Drawing:
    """Draw the monthly means (overall question and index) as lines over bars of the responses."""
    drawing = Drawing(width, height)
    left, bottom, right, top = 34.0, 30.0, 34.0, 14.0
    plot_w, plot_h = width - left - right, height - bottom - top
    count = max(len(trend), 1)
    step = plot_w / count
    most = max((m["responses"] for m in trend), default=0) or 1
    for value in range(1, 6):
        y = bottom + plot_h * (value - 1) / 4
        drawing.add(Line(left, y, left + plot_w, y, strokeColor=GRID, strokeWidth=0.3))
        drawing.add(
            String(
                left - 4,
                y - 2.5,
                str(value),
                fontName=REGULAR,
                fontSize=7,
                textAnchor="end",
                fillColor=INK,
            )
        )
    drawing.add(
        String(
            left + plot_w + 4,
            bottom + plot_h - 2.5,
            fmt_int(most, lang),
            fontName=REGULAR,
            fontSize=6.5,
            fillColor=colors.HexColor("#6b6b6b"),
        )
    )
    for i, month in enumerate(trend):
        x = left + step * i
        h = plot_h * month["responses"] / most
        if h:
            drawing.add(
                Rect(
                    x + step * 0.2,
                    bottom,
                    step * 0.6,
                    h,
                    fillColor=colors.HexColor("#e3e3e3"),
                    strokeColor=None,
                )
            )
        if count <= 14 or i % max(1, count // 12) == 0:
            drawing.add(
                String(
                    x + step / 2,
                    bottom - 10,
                    fmt_month(month["month"], lang, short=True),
                    fontName=REGULAR,
                    fontSize=6,
                    textAnchor="middle",
                    fillColor=INK,
                )
            )
    series = [
        ("overall_mean", ACCENT, message("overall_mean", lang), 1.6, None),
        ("index_mean", ACCENT2, message("index", lang), 1.2, (3, 2)),
    ]
    legend_x = left
    for key, colour, name, stroke, dash in series:
        points: list[float] = []
        for i, month in enumerate(trend):
            if month[key] is None:
                continue
            x = left + step * i + step / 2
            y = bottom + plot_h * (month[key] - 1) / 4
            points += [x, y]
            drawing.add(Circle(x, y, 2.2, fillColor=colour, strokeColor=colour))
        if len(points) >= 4:
            drawing.add(
                PolyLine(points, strokeColor=colour, strokeWidth=stroke, strokeDashArray=dash)
            )
        drawing.add(
            Line(
                legend_x,
                6,
                legend_x + 16,
                6,
                strokeColor=colour,
                strokeWidth=stroke,
                strokeDashArray=dash,
            )
        )
        drawing.add(String(legend_x + 20, 3.5, name, fontName=REGULAR, fontSize=6.5, fillColor=INK))
        legend_x += 40 + 3.6 * len(name)
    drawing.add(Rect(legend_x, 3, 10, 7, fillColor=colors.HexColor("#e3e3e3"), strokeColor=None))
    drawing.add(
        String(
            legend_x + 13,
            3.5,
            message("responses", lang),
            fontName=REGULAR,
            fontSize=6.5,
            fillColor=INK,
        )
    )
    return drawing


def department_chart(
    departments: dict[str, Any], lang: str, column: str = "overall", width: float = 480
) -> Drawing:
    """Draw each department's mean as a horizontal bar; a suppressed one shows "< 5" and no bar."""
    rows = departments["rows"]
    label_w, bar_h, gap = 170.0, 12.0, 6.0
    bar_w = width - label_w - 40
    height = len(rows) * (bar_h + gap) + 22
    drawing = Drawing(width, height)
    for value in range(1, 6):
        x = label_w + bar_w * (value - 1) / 4
        drawing.add(Line(x, 14, x, height, strokeColor=GRID, strokeWidth=0.3))
        drawing.add(
            String(
                x, 4, str(value), fontName=REGULAR, fontSize=7, textAnchor="middle", fillColor=INK
            )
        )
    y = height
    for row in rows:
        y -= bar_h + gap
        drawing.add(
            String(
                0, y + 3, wrap(row["label"], 36)[0], fontName=REGULAR, fontSize=7.5, fillColor=INK
            )
        )
        value = row["cells"].get(column)
        if value == SUPPRESSED or value is None:
            drawing.add(
                String(label_w + 3, y + 3, SUPPRESSED, fontName=BOLD, fontSize=7.5, fillColor=INK)
            )
            continue
        mean = value["mean"]
        w = bar_w * (mean - 1) / 4
        drawing.add(
            Rect(label_w, y, max(w, 0.5), bar_h, fillColor=SCALE_COLOURS[3], strokeColor=None)
        )
        drawing.add(
            String(
                label_w + w + 3,
                y + 3,
                fmt_num(mean, lang),
                fontName=REGULAR,
                fontSize=7.5,
                fillColor=INK,
            )
        )
    return drawing


def quadrant_chart(
    importance: dict[str, Any], lang: str, width: float = 480, height: float = 260
) -> Drawing:
    """Draw importance (x) against mean (y), numbered points, the averages as dividing lines."""
    drawing = Drawing(width, height)
    left, bottom, right, top = 36.0, 28.0, 10.0, 10.0
    plot_w, plot_h = width - left - right, height - bottom - top
    items = [i for i in importance["items"] if i.get("quadrant")]
    derived = importance.get("method") == "derived"
    if derived:
        # Pearson's r: from 0 (or the lowest r, rounded down to 0.2) to 1, ticks every 0.2.
        lowest = min([i["importance"] for i in items] + [0.0])
        x_min, x_max = math.floor(lowest * 5) / 5, 1.0
        ticks = [round(x_min + 0.2 * k, 1) for k in range(round((x_max - x_min) / 0.2) + 1)]
        tick_text = [fmt_num(t, lang, places=1) for t in ticks]
    else:
        max_share = max([i["importance"] for i in items] + [10.0])
        x_min, x_max = 0.0, min(100.0, (int(max_share / 10) + 1) * 10)
        ticks = [float(t) for t in range(0, int(x_max) + 1, 10)]
        tick_text = [f"{int(t)}%" for t in ticks]
    means = [i["mean"] for i in items] or [3.0]
    y_min = max(1.0, min(means) - 0.3)
    y_max = min(5.0, max(means) + 0.3)
    if y_max - y_min < 0.5:
        y_min, y_max = max(1.0, y_min - 0.25), min(5.0, y_max + 0.25)

    def at(share: float, mean: float) -> tuple[float, float]:
        return (
            left + plot_w * (share - x_min) / (x_max - x_min),
            bottom + plot_h * (mean - y_min) / (y_max - y_min),
        )

    drawing.add(
        Rect(left, bottom, plot_w, plot_h, fillColor=None, strokeColor=GRID, strokeWidth=0.5)
    )
    for tick, words in zip(ticks, tick_text, strict=True):
        x, _ = at(tick, y_min)
        drawing.add(
            String(
                x,
                bottom - 10,
                words,
                fontName=REGULAR,
                fontSize=6.5,
                textAnchor="middle",
                fillColor=INK,
            )
        )
    steps = 4
    for k in range(steps + 1):
        mean = y_min + (y_max - y_min) * k / steps
        _, y = at(x_min, mean)
        drawing.add(
            String(
                left - 4,
                y - 2.5,
                fmt_num(mean, lang),
                fontName=REGULAR,
                fontSize=6.5,
                textAnchor="end",
                fillColor=INK,
            )
        )
    if items:
        x, _ = at(importance["importance_line"], y_min)
        _, y = at(x_min, importance["mean_line"])
        drawing.add(
            Line(
                x,
                bottom,
                x,
                bottom + plot_h,
                strokeColor=INK,
                strokeWidth=0.6,
                strokeDashArray=(3, 2),
            )
        )
        drawing.add(
            Line(
                left, y, left + plot_w, y, strokeColor=INK, strokeWidth=0.6, strokeDashArray=(3, 2)
            )
        )
        drawing.add(
            String(
                left + plot_w - 4,
                bottom + 4,
                message("quadrant_act", lang),
                fontName=BOLD,
                fontSize=7,
                textAnchor="end",
                fillColor=INK,
            )
        )
        drawing.add(
            String(
                left + plot_w - 4,
                bottom + plot_h - 10,
                message("quadrant_keep", lang),
                fontName=REGULAR,
                fontSize=7,
                textAnchor="end",
                fillColor=INK,
            )
        )
    placed: list[tuple[float, float]] = []
    for number, item in enumerate(importance["items"], start=1):
        if not item.get("quadrant"):
            continue
        x, y = at(item["importance"], item["mean"])
        colour = SCALE_COLOURS[4] if item["quadrant"] == "act" else SCALE_COLOURS[2]
        drawing.add(Circle(x, y, 3.2, fillColor=colour, strokeColor=INK, strokeWidth=0.4))
        # The number goes beside its point, moved up while it would cover another number.
        label_x, label_y = x + 5, y - 2.5
        while any(abs(label_x - px) < 11 and abs(label_y - py) < 8 for px, py in placed):
            label_y += 8
        placed.append((label_x, label_y))
        if label_y != y - 2.5:
            drawing.add(Line(x + 2, y + 2, label_x, label_y, strokeColor=GRID, strokeWidth=0.4))
        drawing.add(String(label_x, label_y, str(number), fontName=BOLD, fontSize=7, fillColor=INK))
    drawing.add(
        String(
            left + plot_w / 2,
            2,
            message("importance_r" if derived else "importance_share", lang),
            fontName=REGULAR,
            fontSize=7,
            textAnchor="middle",
            fillColor=INK,
        )
    )
    return drawing


SVG_STYLE_RE = re.compile(r'\sstyle="([^"]*)"')


def _presentation_attributes(match: re.Match[str]) -> str:
    """Rewrite one ``style="a: b; c: d"`` as presentation attributes ``a="b" c="d"``."""
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name and value:
            attributes.append(f' {name}="{value}"')
    return "".join(attributes)


def inline_svg(drawing: Drawing, label: str, chart_id: str) -> str:
    """Return the chart as an ``<svg>`` element to put inside an HTML page.

    Sized like ``panel_svg`` (labels at least 12 px, sans-serif). Styles become presentation
    attributes, so a page whose Content-Security-Policy forbids inline styles still draws it; the
    ids are prefixed with ``chart_id`` so that several charts on one page do not share one. The
    element is an image named ``label`` (``role="img"``): a screen reader announces the name and
    skips the hundreds of shapes; the figures are in the table beside the chart.
    """
    svg, width, height = panel_svg(drawing)
    svg = svg[svg.index("<svg") :]
    svg = SVG_STYLE_RE.sub(_presentation_attributes, svg)
    svg = re.sub(r"<title>.*?</title>\s*<desc>.*?</desc>", "", svg, flags=re.S)
    svg = svg.replace('id="clip"', f'id="{chart_id}-clip"').replace(
        "url(#clip)", f"url(#{chart_id}-clip)"
    )
    svg = svg.replace('id="group"', f'id="{chart_id}-group"')
    escaped = (
        label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )
    return svg.replace(
        "<svg ",
        f'<svg role="img" aria-label="{escaped}" class="chart" id="{chart_id}" '
        f'data-width="{round(width)}" ',
        1,
    ).strip()
