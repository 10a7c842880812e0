"""DejaVu Sans embedded in every PDF: the standard Helvetica has no Polish letters."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(os.environ.get("REPORT_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


class FontMissing(RuntimeError):
    """The TrueType fonts the reports embed are not installed."""


@cache
def register_fonts() -> str:
    """Register DejaVu Sans (regular and bold) as a family with reportlab; return the family name."""
    paths = {REGULAR: FONT_DIR / "DejaVuSans.ttf", BOLD: FONT_DIR / "DejaVuSans-Bold.ttf"}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise FontMissing(
            "Brak czcionek DejaVu Sans (pakiet fonts-dejavu-core): " + ", ".join(missing)
        )
    for name, path in paths.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )
    return REGULAR
