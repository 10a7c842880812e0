"""Report periods: local dates of the office (Europe/Warsaw) turned into the UTC bounds the data is stored in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Offices, their clerks and their reports live in Polish time; responses are stored in naive UTC.
REPORT_TZ = ZoneInfo("Europe/Warsaw")
# The bounds of a period anyone may ask for. Before 2000 there are no responses, and dates near
# year 1 or 9999 overflow once turned into UTC instants or stepped back to the previous period.
EARLIEST_DAY = date(2000, 1, 1)
MAX_DAYS_AHEAD = 366  # a period may end up to a year from today ("this year" in January)


def local_midnight_utc(day: date) -> datetime:
    """Return the naive UTC instant at which ``day`` begins in Polish time."""
    return datetime.combine(day, time(), REPORT_TZ).astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """Return a naive UTC timestamp as naive Polish local time."""
    return moment.replace(tzinfo=UTC).astimezone(REPORT_TZ).replace(tzinfo=None)


def to_utc(moment: datetime) -> datetime:
    """Return a naive Polish local time as the naive UTC timestamp the database stores."""
    return moment.replace(tzinfo=REPORT_TZ).astimezone(UTC).replace(tzinfo=None)


def local_today() -> date:
    """Return today's date in Polish time."""
    return datetime.now(REPORT_TZ).date()


def is_sane_day(day: date, today: date | None = None) -> bool:
    """Tell whether a period may start or end on ``day`` (from 2000 to a year from today)."""
    today = today or local_today()
    return EARLIEST_DAY <= day <= today + timedelta(days=MAX_DAYS_AHEAD)


@dataclass(frozen=True)
class Period:
    """Whole local days from ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def utc_start(self) -> datetime:
        return local_midnight_utc(self.start)

    @property
    def utc_end(self) -> datetime:
        """Return the exclusive upper bound: the midnight after ``end``."""
        return local_midnight_utc(self.end + timedelta(days=1))

    def is_whole_months(self) -> bool:
        """Tell whether the period runs from a month's first day to a month's last day."""
        return self.start.day == 1 and (self.end + timedelta(days=1)).day == 1

    def previous(self) -> Period:
        """Return the period of the same length that ends the day before this one starts.

        Whole months give the same number of whole months before (2024 -> 2023, a quarter -> the
        quarter before); any other period the same number of days.
        """
        end = self.start - timedelta(days=1)
        if self.is_whole_months():
            months = len(self.months())
            index = self.start.year * 12 + self.start.month - 1 - months
            return Period(date(index // 12, index % 12 + 1, 1), end)
        return Period(end - timedelta(days=self.days - 1), end)

    def months(self) -> list[str]:
        """Return the months the period touches, as "YYYY-MM"."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return months

    def month_bounds_utc(self) -> list[datetime]:
        """Return the UTC instants at which the second, third, ... month of the period begins."""
        bounds = []
        for label in self.months()[1:]:
            year, month = (int(part) for part in label.split("-"))
            bounds.append(local_midnight_utc(date(year, month, 1)))
        return bounds
