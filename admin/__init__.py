"""admin: see ../shared/design.md."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Wire the admin package into the app."""
