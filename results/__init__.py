"""Results in the open: the public results page, open data and the public results endpoint.

Above ``reports`` (it reads report data and archived reports) and beside ``admin``; served without
a session or cookie, only for an office that has switched publication on (``Office.publish_results``).
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint(
    "results",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/wyniki-static",
)


def init_app(app: Flask) -> None:
    """Register the public results blueprint."""
    from . import open_data, page  # noqa: F401  (their routes join the blueprint)

    app.register_blueprint(bp)
