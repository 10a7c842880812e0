"""The yearly cycle: a periodic report at least every 12 months (kontrola zarządcza, ISO 9001 9.1.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from collector.models import Office, Report, utcnow

CYCLE_MONTHS = 12


def add_months(moment: datetime, months: int) -> datetime:
    """Return the same day ``months`` later (the month's last day where it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


@dataclass(frozen=True)
class PeriodicStatus:
    """Where an office stands in the yearly cycle."""

    office: Office
    last: datetime | None  # when the last periodic report was generated (UTC)
    due: datetime  # when the next one is due (UTC)
    overdue: bool


def status_of(office: Office, last: datetime | None, now: datetime) -> PeriodicStatus:
    """Return the office's status: due 12 months after its last periodic report, or after it was set up."""
    due = add_months(last or office.created_at, CYCLE_MONTHS)
    return PeriodicStatus(office, last, due, due <= now)


def last_periodic(session: Session, office_ids: list[int] | None = None) -> dict[int, datetime]:
    """Return, per office id, when its newest periodic report was generated."""
    query = sa.select(Report.office_id, sa.func.max(Report.created_at)).where(
        Report.reason == "periodic"
    )
    if office_ids is not None:
        query = query.where(Report.office_id.in_(office_ids))
    return dict(session.execute(query.group_by(Report.office_id)).all())


def periodic_status(
    session: Session, office: Office, now: datetime | None = None
) -> PeriodicStatus:
    """Return the office's place in the yearly cycle."""
    return status_of(office, last_periodic(session, [office.id]).get(office.id), now or utcnow())


def due_offices(session: Session, now: datetime | None = None) -> list[PeriodicStatus]:
    """Return the offices whose yearly report is overdue, by slug."""
    now = now or utcnow()
    last = last_periodic(session)
    offices = session.scalars(sa.select(Office).order_by(Office.slug)).all()
    return [s for s in (status_of(o, last.get(o.id), now) for o in offices) if s.overdue]
