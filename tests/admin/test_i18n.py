"""Every Polish text of the panel has an English translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import admin
from admin.auditing import ACTION_LABELS
from admin.base import ERROR_TEXTS, ROLE_LABELS
from admin.i18n import ADMIN_MESSAGES, EN
from admin.offices import LANGUAGE_LABELS, POSITIONS

ADMIN_DIR = Path(admin.__file__).parent
TEMPLATE_TEXT_RE = re.compile(r"""\b_\(\s*(["'])(.+?)\1\s*[,)]""")


def texts_in_code() -> set[str]:
    found = set()
    for path in ADMIN_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "_l")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def texts_in_templates() -> set[str]:
    found = set()
    for path in ADMIN_DIR.rglob("*.html"):
        found |= {match[1] for match in TEMPLATE_TEXT_RE.findall(path.read_text())}
    return found


def test_every_panel_text_has_an_english_translation():
    texts = texts_in_code() | texts_in_templates()
    texts |= set(ACTION_LABELS.values()) | set(ROLE_LABELS.values()) | set(LANGUAGE_LABELS.values())
    texts |= set(ADMIN_MESSAGES.values()) | {label for _key, label in POSITIONS} | {t for pair in ERROR_TEXTS.values() for t in pair}
    assert len(texts) > 100
    missing = sorted(t for t in texts if t not in EN)
    assert missing == []


def test_translations_keep_their_placeholders():
    for polish, english in EN.items():
        assert set(re.findall(r"%\((\w+)\)s", polish)) == set(re.findall(r"%\((\w+)\)s", english)), polish
