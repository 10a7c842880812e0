"""reports: see ../shared/design.md."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the reports package into the app."""
