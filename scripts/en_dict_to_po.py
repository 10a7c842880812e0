"""Fill the English catalog's empty entries from old-style ``{"Polski": "English"}`` dicts.

For merging branches written before the catalog: their English was added to ``admin/i18n.py``'s
``EN`` dict (or ``EN.update({...})`` / ``FLOWS_EN``). After ``make messages`` has added their
msgids to the catalog, take the English from those files, e.g.::

    git show otherbranch:admin/i18n.py > /tmp/other_i18n.py
    .venv/bin/python scripts/en_dict_to_po.py /tmp/other_i18n.py
    make catalogs

Only empty or fuzzy entries are filled (and their fuzzy flag removed); nothing else changes.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOG = (
    Path(__file__).resolve().parent.parent / "collector/translations/en/LC_MESSAGES/messages.po"
)


def dict_entries(path: str) -> dict[str, str]:
    """Return every str -> str pair of the dict literals in a Python file."""
    found = {}
    for node in ast.walk(ast.parse(Path(path).read_text())):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(value, ast.Constant)
                    and isinstance(key.value, str)
                    and isinstance(value.value, str)
                ):
                    found[key.value] = value.value
    return found


def main(paths: list[str]) -> None:
    english: dict[str, str] = {}
    for path in paths:
        english.update(dict_entries(path))
    with open(CATALOG, "rb") as po:
        catalog = read_po(po, locale="en")
    filled = []
    for message in catalog:
        if message.id and (not message.string or message.fuzzy) and message.id in english:
            message.string = english[message.id]
            message.flags.discard("fuzzy")
            filled.append(message.id)
    with open(CATALOG, "wb") as po:
        write_po(po, catalog, ignore_obsolete=True)
    print(
        f"filled {len(filled)} entries; still empty:",
        sum(1 for m in catalog if m.id and (not m.string or m.fuzzy)),
    )


if __name__ == "__main__":
    main(sys.argv[1:])
