"""The staff catalog: every text the code and templates use has an English translation with the same
placeholders, and the compiled catalog the app reads is the one in git.

The msgids are extracted afresh, as ``make messages`` does (``babel.cfg``, ``-k _l``), so a new
``_("...")`` without an entry in ``collector/translations/en/LC_MESSAGES/messages.po`` fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from collector.catalog import DOMAIN, TRANSLATIONS_DIR, get_translations

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}  # the Makefile's `pybabel extract -k _l`
SKIPPED_DIRS = {
    "node_modules",
    "instance",
    "test-artifacts",
    "tests",
    "migrations",
    "widget",
    "bench",
}
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sdr]|\{(\w+)\}")
LANGUAGES = ("en",)


def keep_directory(path: str) -> bool:
    name = Path(path).name
    return not name.startswith((".", "_")) and name not in SKIPPED_DIRS


def extracted_texts() -> dict[str, str]:
    """Return every msgid the code and templates use, with where it is used."""
    with open(ROOT / "babel.cfg") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=keep_directory
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def catalog_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(lang: str):
    with open(catalog_path(lang), "rb") as po:
        return read_po(po, locale=lang)


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER_RE.findall(text)}


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    found = extracted_texts()
    assert len(found) > 300, "the extraction found too few texts: is babel.cfg right?"
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_has_a_translation(texts, lang):
    catalog = read_catalog(lang)
    problems = []
    for msgid, where in sorted(texts.items(), key=lambda item: item[1]):
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"{where}: no entry for {msgid!r}")
        elif not entry.string:
            problems.append(f"{where}: empty translation of {msgid!r}")
        elif entry.fuzzy:
            problems.append(f"{where}: fuzzy (unchecked) translation of {msgid!r}")
    assert not problems, (
        f"{catalog_path(lang).relative_to(ROOT)} lacks translations "
        "(run `make messages`, translate, remove the fuzzy flags):\n" + "\n".join(problems)
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_their_placeholders(lang):
    problems = []
    for entry in read_catalog(lang):
        if entry.id and entry.string and placeholders(entry.id) != placeholders(entry.string):
            problems.append(
                f"{entry.id!r}: {sorted(placeholders(entry.id))} but the translation "
                f"{entry.string!r}: {sorted(placeholders(entry.string))}"
            )
    assert not problems, "placeholders differ between msgid and msgstr:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalog_matches_the_po(lang):
    mo_path = catalog_path(lang).with_suffix(".mo")
    assert mo_path.exists(), (
        f"{mo_path.relative_to(ROOT)} is missing: run `make install` (or `make catalogs`)"
    )
    with open(mo_path, "rb") as mo:
        compiled = {entry.id: entry.string for entry in read_mo(mo) if entry.id}
    source = {
        entry.id: entry.string
        for entry in read_catalog(lang)
        if entry.id and entry.string and not entry.fuzzy
    }
    assert compiled == source, (
        f"{mo_path.relative_to(ROOT)} is older than its .po: run `make catalogs`"
    )


def test_polish_is_the_source_language():
    assert get_translations("pl").gettext("Wersja %(number)s") == "Wersja %(number)s"
    assert get_translations("en").gettext("Wersja %(number)s") == "Version %(number)s"
