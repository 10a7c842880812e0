"""Report tests: the rendered PDF pages are kept for a reviewer, and the run says where."""

from __future__ import annotations

from pathlib import Path

RENDERED: list[Path] = []


def pytest_terminal_summary(terminalreporter) -> None:
    for folder in RENDERED:
        terminalreporter.write_line(f"Report PDF pages (PNG) saved in: {folder}")
