"""Times in the panel: stored as naive UTC, shown to and typed by clerks in Polish local time.

``local_time`` is the one way to show a stored timestamp: the Jinja filter ``local_time`` (see
``admin.init_app``) and the datetime type formatter of every model view. The datetime filters of
the list views read what the clerk types as Polish time and query the stored UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_admin.contrib.sqla import filters

from reports.periods import to_local, to_utc

NO_TIME = "—"


def local_time(moment: datetime | None) -> str:
    """Return a naive UTC timestamp as Polish local time, "2026-03-29 14:05"; "—" for None."""
    if moment is None:
        return NO_TIME
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def format_local_time(view: Any, value: datetime, name: str) -> str:
    """Show a datetime column of a model view in Polish local time."""
    return local_time(value)


class LocalTimeFilter:
    """Read the typed date and time as Polish local time and compare it with the stored UTC."""

    def clean(self, value: str) -> Any:
        cleaned = super().clean(value)  # type: ignore[misc]
        if isinstance(cleaned, list):
            return [to_utc(moment) for moment in cleaned]
        return to_utc(cleaned)


class LocalDateTimeEqualFilter(LocalTimeFilter, filters.DateTimeEqualFilter):
    pass


class LocalDateTimeNotEqualFilter(LocalTimeFilter, filters.DateTimeNotEqualFilter):
    pass


class LocalDateTimeGreaterFilter(LocalTimeFilter, filters.DateTimeGreaterFilter):
    pass


class LocalDateTimeSmallerFilter(LocalTimeFilter, filters.DateTimeSmallerFilter):
    pass


class LocalDateTimeBetweenFilter(LocalTimeFilter, filters.DateTimeBetweenFilter):
    pass


class LocalDateTimeNotBetweenFilter(LocalTimeFilter, filters.DateTimeNotBetweenFilter):
    pass


class LocalTimeFilterConverter(filters.FilterConverter):
    """Give datetime columns listed in ``column_filters`` the local-time filters."""

    datetime_filters = (
        LocalDateTimeEqualFilter,
        LocalDateTimeNotEqualFilter,
        LocalDateTimeGreaterFilter,
        LocalDateTimeSmallerFilter,
        LocalDateTimeBetweenFilter,
        LocalDateTimeNotBetweenFilter,
        filters.FilterEmpty,
    )
