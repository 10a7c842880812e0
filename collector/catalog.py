"""The staff side's gettext catalog: where it lives, a translator per language without Flask, and its extractor.

The panel (through Flask-Babel) and the reports (through ``get_translations``) read the same
catalogs under ``collector/translations/<lang>/LC_MESSAGES/messages.po``. The source language
is Polish: the msgids are the Polish texts, so Polish needs no catalog and a missing English
entry falls back to Polish. ``make install`` compiles the ``.po`` files to ``.mo``;
``make messages`` extracts the msgids again (``babel.cfg``) and updates the catalogs.
"""

from __future__ import annotations

import ast
import functools
import gettext
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TypedDict, cast

from babel.messages.extract import extract_python as babel_extract_python
from babel.support import Translations

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
DOMAIN = "messages"

# What an extractor yields: (lineno, funcname, message or messages, translator comments).
Extracted = tuple[int, str | None, str | tuple[str | None, ...], list[str]]


class ExtractorOptions(TypedDict, total=False):
    """The options of a method's section in ``babel.cfg``, as Babel passes them to the extractor."""

    encoding: str
    tables: str


@functools.cache
def get_translations(lang: str) -> gettext.NullTranslations:
    """Return the compiled catalog for ``lang``; Polish (the msgids' language) gets the identity."""
    return Translations.load(str(TRANSLATIONS_DIR), [lang], DOMAIN)


def extract_python(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: ExtractorOptions
) -> Iterator[Extracted]:
    """Extract like Babel's Python extractor, plus the texts of the module-level tables named in ``tables``.

    Some texts are kept in tables (role names, channel names, audit actions...) and translated
    where they are shown, ``_(ROLE_LABELS[role])``; ``babel.cfg`` names those tables so that
    their texts are msgids too. A table's texts are its dict values (also in ``NAME.update({...})``),
    the second items of ``(key, text)`` pairs, and every other string in it.
    """
    source = fileobj.read()
    # Babel annotates its extractors as yielding (lineno, message, comments, context); they yield
    # (lineno, funcname, messages, comments), which is what its extract() unpacks.
    yield from cast(
        Iterator[Extracted],
        babel_extract_python(io.BytesIO(source), keywords, comment_tags, options),
    )
    names = set(options.get("tables", "").replace(",", " ").split())
    if not names:
        return
    for node in ast.parse(source).body:
        value: ast.expr | None
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in names for t in node.targets
        ):
            value = node.value
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id in names
        ):
            value = node.value
        elif (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr == "update"
            and isinstance(node.value.func.value, ast.Name)
            and node.value.func.value.id in names
        ):
            value = node.value.args[0] if node.value.args else None
        else:
            continue
        for lineno, text in _table_texts(value):
            yield lineno, None, text, []


def _table_texts(node: ast.AST | None) -> Iterator[tuple[int, str]]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.lineno, node.value
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _table_texts(value)
    elif isinstance(node, (ast.Tuple, ast.List)):
        pairs = all(isinstance(item, ast.Tuple) and len(item.elts) == 2 for item in node.elts)
        for item in node.elts:
            yield from _table_texts(item.elts[1] if pairs and isinstance(item, ast.Tuple) else item)
    elif isinstance(node, ast.Call):
        for arg in node.args:
            yield from _table_texts(arg)
