"""The panel's languages: Polish by default, English selectable; which one a request uses.

Flask-Babel picks the locale (``select_locale``), so Flask-Admin's and WTForms' own catalogs (both
ship Polish) translate their texts, and our own texts come from the staff catalog in
``collector/translations`` (see ``collector.catalog``). Polish is the source language: write
``_("Polski tekst")`` with ``from flask_babel import gettext as _`` at request time, and
``_l("Polski tekst")`` (``lazy_gettext``) where the text is defined before a request exists (form
labels, class attributes). Placeholders use ``%(name)s``. ``make messages`` extracts new texts into
the catalog; ``tests/test_catalogs.py`` checks that each has an English translation.
"""

from __future__ import annotations

from flask import has_request_context, request, session
from flask_babel import Babel, gettext, refresh

from collector.catalog import TRANSLATIONS_DIR

PANEL_LANGUAGES = ("pl", "en")
DEFAULT_LANGUAGE = "pl"
LANGUAGE_NAMES = {"pl": "Polski", "en": "English"}


# Flask-Admin messages its Polish catalogue lacks, in our words.
ADMIN_MESSAGES = {
    "Failed to create record.": "Nie utworzono rekordu: popraw pola opisane poniżej.",
    "Failed to save record.": "Nie zapisano zmian: popraw pola opisane poniżej.",
}


def panel_message(message: str) -> str:
    """Return a flashed message in the panel's language (Flask-Admin's gaps filled in)."""
    return gettext(ADMIN_MESSAGES[message]) if message in ADMIN_MESSAGES else message


def get_language() -> str:
    """Return the panel's language for this request: the one chosen in the session, else Polish."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    chosen = session.get("lang")
    return chosen if chosen in PANEL_LANGUAGES else DEFAULT_LANGUAGE


def select_locale() -> str:
    """Tell Flask-Babel which locale to use: the panel's language, or ``?lang=`` outside the panel."""
    if has_request_context() and not request.path.startswith("/admin"):
        asked = request.args.get("lang", "")
        return asked if asked in ("pl", "en", "uk") else DEFAULT_LANGUAGE
    return get_language()


def remember_language() -> None:
    """Store a language picked with ``?lang=pl|en`` in the session, for the following pages."""
    asked = request.args.get("lang")
    if asked in PANEL_LANGUAGES:
        session["lang"] = asked
        refresh()  # a text translated earlier in this request must not keep the old locale


def init_app(app) -> None:
    """Bind Flask-Babel (once per app) with Polish as the default locale."""
    if "babel" not in app.extensions:
        Babel(
            app,
            locale_selector=select_locale,
            default_locale=DEFAULT_LANGUAGE,
            default_translation_directories=str(TRANSLATIONS_DIR),
        )
