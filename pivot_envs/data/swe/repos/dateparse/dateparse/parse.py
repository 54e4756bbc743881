"""Parse dates written in a few common formats."""

import datetime
import re

MONTHS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "May": 5,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}

ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
SLASH_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
NAMED_RE = re.compile(r"^([A-Za-z]+)\.? (\d{1,2}), (\d{4})$")


def parse_date(text):
    """Parse *text* into a datetime.date.

    Accepted formats:

    * ISO 8601: ``2024-03-05``
    * day first, with slashes: ``05/03/2024`` is 5 March 2024
    * month name, abbreviated or in full, any case: ``Mar 5, 2024``,
      ``March 5, 2024``

    Raises ValueError for anything else.
    """
    text = text.strip()

    match = ISO_RE.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return datetime.date(year, month, day)

    match = SLASH_RE.match(text)
    if match:
        month, day, year = (int(part) for part in match.groups())
        return datetime.date(year, month, day)

    match = NAMED_RE.match(text)
    if match:
        name, day, year = match.groups()
        if name not in MONTHS:
            raise ValueError(f"unknown month name: {name!r}")
        return datetime.date(int(year), MONTHS[name], int(day))

    raise ValueError(f"unrecognised date: {text!r}")
