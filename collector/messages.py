"""What the API, the hosted page and the widget tell a resident, in Polish, English and Ukrainian.

Every text lives once, in ``collector/resident_texts/{pl,en,uk}.json``, keyed by section and
code (``"fields": {"too_many": "…{max}…"}``). Placeholders are ``{name}`` for Python and the
widget alike. Sections:

- ``errors``: problems with a whole API request, by the ``error`` code of the JSON body;
- ``fields``: problems with one answer, by the code in ``field_codes``;
- ``form``: the words around the questions (hosted page and widget; the survey document carries it);
- ``page``: the hosted page's own words; ``thanks``: the thank-you, on the page and in the widget;
- ``widget_boot``: what the widget shows before it has the survey (built into widget.js).

Each message names the problem and how to fix it (WCAG 3.3.1), never just "Błąd!".
A key missing in English or Ukrainian falls back to Polish at runtime; the catalog test fails on it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .models import LANGUAGES

CATALOG_DIR = Path(__file__).with_name("resident_texts")
DEFAULT_LANG = "pl"
# What the survey document carries for the widget (``survey_document``'s ``texts``): the words
# around the questions, the answer problems, the step flow's own and the thanks (not needed before
# the survey is there).
SURVEY_SECTIONS = ("form", "fields", "widget_steps", "thanks")


def load_catalog_file(lang: str) -> dict[str, dict[str, str]]:
    """Return one language's catalog file as it is on disk (no fallback)."""
    with (CATALOG_DIR / f"{lang}.json").open(encoding="utf-8") as file:
        return json.load(file)


@cache
def get_catalog(lang: str) -> Mapping[str, Mapping[str, str]]:
    """Return the catalog in ``lang`` (Polish if unknown), every missing key filled in from Polish."""
    polish = load_catalog_file(DEFAULT_LANG)
    own = load_catalog_file(lang) if lang in LANGUAGES and lang != DEFAULT_LANG else {}
    return MappingProxyType(
        {
            section: MappingProxyType(
                {**texts, **{k: v for k, v in own.get(section, {}).items() if v}}
            )
            for section, texts in polish.items()
        }
    )


def text(code: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """Return the text ``"section.key"`` in ``lang``, its ``{placeholders}`` filled from ``params``."""
    section, _, key = code.partition(".")
    template = get_catalog(lang)[section][key]
    return template.format(**params) if params else template


def get_section(section: str, lang: str) -> dict[str, str]:
    """Return one section of the catalog in ``lang`` as a plain dict (for JSON)."""
    return dict(get_catalog(lang)[section])


def survey_texts(lang: str) -> dict[str, dict[str, str]]:
    """Return the texts the survey document carries: the ``form`` words and the ``fields`` problems."""
    return {section: get_section(section, lang) for section in SURVEY_SECTIONS}


def is_field_code(code: str) -> bool:
    """Tell whether ``code`` names a problem with one answer."""
    return code in get_catalog(DEFAULT_LANG)["fields"]


def field_message(code: str, lang: str = DEFAULT_LANG, **params: object) -> str:
    """Return the message for a problem with one answer, in ``lang`` (Polish if unknown).

    ``params`` are the question's limits: ``max`` (most picks) and ``max_length`` (most characters).
    """
    return text("fields." + (code if is_field_code(code) else "not_an_option"), lang, **params)


def error_message(code: str, lang: str = DEFAULT_LANG) -> str:
    """Return the message for a problem with the whole request, in ``lang`` (Polish if unknown)."""
    return text(
        "errors." + (code if code in get_catalog(DEFAULT_LANG)["errors"] else "bad_request"), lang
    )
