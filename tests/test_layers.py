"""Layers import only downward: collector <- reports <- results, admin <- wsgi.py / devserver.py; widget is a leaf.

Every import in every module of the packages is read (also those inside functions), so a rule
that belongs lower down cannot quietly reach up for a higher layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"collector", "reports", "results", "admin", "widget", "wsgi", "devserver", "bench", "tests"}
# What each package may import of ours (itself included). The widget is a leaf anyone may use.
ALLOWED = {
    "widget": {"widget"},
    "collector": {"collector", "widget"},
    "reports": {"collector", "reports", "widget"},
    "results": {"collector", "reports", "results", "widget"},
    "admin": {"collector", "reports", "admin", "widget"},
}
MODULES = sorted(
    path
    for package in ALLOWED
    for path in (ROOT / package).rglob("*.py")
    if "node_modules" not in path.parts
)


def imported_packages(path: Path) -> set[str]:
    """Return the top-level names of our packages that a module imports."""
    package = path.relative_to(ROOT).parts[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: within the package, unless it climbs out of it
                depth = len(path.relative_to(ROOT).parts) - 1
                names.add(package if node.level <= depth else (node.module or "").split(".")[0])
            elif node.module:
                names.add(node.module.split(".")[0])
    return names & OURS


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_a_module_imports_no_higher_layer(path):
    package = path.relative_to(ROOT).parts[0]

    assert imported_packages(path) <= ALLOWED[package], (
        f"{path.relative_to(ROOT)} imports {sorted(imported_packages(path) - ALLOWED[package])}, "
        f"above its layer ({package} may import only {sorted(ALLOWED[package])})"
    )


def test_every_package_is_checked():
    checked = {path.relative_to(ROOT).parts[0] for path in MODULES}

    assert checked == set(ALLOWED)
