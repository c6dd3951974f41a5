"""Dates known to the day, the month or only the year, as written in the seed files."""

from __future__ import annotations

import datetime as dt
import re

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_partial_date(value) -> tuple[dt.date | None, str]:
    """(date, precision) from 2018-09-12, '2016-03' or 2014; (None, '') when no date is given.

    >>> parse_partial_date("2016-03")
    (datetime.date(2016, 3, 1), 'month')
    >>> parse_partial_date(2014)
    (datetime.date(2014, 1, 1), 'year')
    """
    if value is None or value == "":
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date(), "day"
    if isinstance(value, dt.date):
        return value, "day"
    match = _PARTIAL.match(str(value).strip())
    if not match:
        raise ValueError(f"{value!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid date: {exc}") from exc
    return date, "day" if day else "month" if month else "year"
