"""Checks of office data typed into the panel: addresses, colours. Messages in Polish.

Origins are read by ``collector.operations.origins``, the one rule the command line shares.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from collector.operations.origins import DEFAULT_PORTS, LOCAL_HOSTS, is_valid_host

COLOUR_RE = re.compile(r"^#(?:[0-9a-f]{3}|[0-9a-f]{6})$")
MIN_CONTRAST = 4.5
WHITE = "#ffffff"


def check_page_url(text: str) -> str:
    """Return ``text`` if it is a full https address of a page (http only for localhost)."""
    url = text.strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValidationError(_("Adres nie może zawierać spacji ani znaków sterujących."))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        raise ValidationError(
            _("Podaj pełny adres strony, np. https://www.leszno.pl/rodo.")
        ) from None
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() not in DEFAULT_PORTS or not host or not is_valid_host(host):
        raise ValidationError(_("Podaj pełny adres strony, np. https://www.leszno.pl/rodo."))
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("Adres nie może zawierać nazwy użytkownika ani hasła."))
    if parts.scheme.lower() != "https" and host not in LOCAL_HOSTS:
        raise ValidationError(
            _("Adres musi zaczynać się od https:// (http:// tylko dla localhost).")
        )
    return url


def relative_luminance(colour: str) -> float:
    """Return the WCAG 2.1 relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def normalize_colour(text: str) -> str:
    """Return the colour as ``#rrggbb`` if white text on it has a contrast of at least 4.5:1."""
    colour = text.strip().lower()
    if not COLOUR_RE.match(colour):
        raise ValidationError(_("Kolor podaj w formacie #rrggbb, np. #0b5cab."))
    if len(colour) == 4:
        colour = "#" + "".join(ch * 2 for ch in colour[1:])
    ratio = contrast_ratio(colour, WHITE)
    if ratio < MIN_CONTRAST:
        # Rounded down, so that "4,5" is never shown for a colour that fails.
        shown = f"{int(ratio * 100) / 100:.2f}".replace(".", ",")
        raise ValidationError(
            _(
                "Kolor %(color)s ma za mały kontrast z białym napisem (%(ratio)s:1, potrzeba co "
                "najmniej 4,5:1). Wybierz ciemniejszy kolor.",
                color=colour,
                ratio=shown,
            )
        )
    return colour
