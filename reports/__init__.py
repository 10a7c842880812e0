"""reports: aggregation in SQL, the PDF, exports and the archive (see ARCHITECTURE.md).

Plain functions over a SQLAlchemy session: the CLI, the panel and the tests call the same code.
``queries`` reads the counts (per dialect), ``statistics`` holds the statistics and the small-cell
rule, ``units`` matches questions across versions, ``sections`` builds the report data, ``tables``
writes its tables for every renderer (``pdf``, ``export``, the panel), ``archive`` stores reports.
"""

from flask import Flask

from .archive import (
    ReportError,
    archive_pre_change_report,
    archive_report,
    responses_since_last_report,
)

__all__ = [
    "ReportError",
    "archive_pre_change_report",
    "archive_report",
    "init_app",
    "responses_since_last_report",
]


def init_app(app: Flask) -> None:
    """Wire the reports package into the app: its CLI commands (``report``, ``notify``)."""
    from .cli import notify_group, report_group

    app.cli.add_command(report_group)
    app.cli.add_command(notify_group)
