"""The daily roll-up's one rule on the collector's side: a change to a past day's answers forgets that day.

The roll-up itself (filling and reading) is ``reports.rollup``. A report notices on its own a day whose
number of responses changed (a late entry, a purge); a comment hidden or shown keeps the number, so
the operation that flips it forgets the comment's day here, and the next report reads that day from
the answers and rolls it up again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db
from ..models import rollup_day

REPORT_TZ = ZoneInfo("Europe/Warsaw")  # the reports' days are Polish days (reports.periods)


def forget_rolled_days(office_id: int, moments: Iterable[datetime]) -> None:
    """Drop the roll-up's marks of the local days (and months) holding these (naive UTC) instants."""
    days = {m.replace(tzinfo=UTC).astimezone(REPORT_TZ).date() for m in moments if m is not None}
    if days:
        db.session.execute(
            sa.delete(rollup_day).where(
                rollup_day.c.office_id == office_id, rollup_day.c.day.in_(sorted(days))
            )
        )
