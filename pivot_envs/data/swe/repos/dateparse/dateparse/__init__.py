"""dateparse: forgiving date and duration parsing."""

from dateparse.durations import format_duration, parse_duration
from dateparse.parse import parse_date

__all__ = ["format_duration", "parse_date", "parse_duration"]
