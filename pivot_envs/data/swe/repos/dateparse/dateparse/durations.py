"""Parse and format short durations such as "1h30m"."""

import datetime
import re

DURATION_RE = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?$")


def parse_duration(text):
    """Parse "2h", "45m", "1h30m" or "1h30m15s" into a timedelta.

    Units must appear in the order hours, minutes, seconds; each is optional
    but at least one is required. Case and surrounding spaces are ignored.
    """
    match = DURATION_RE.match(text.strip().lower())
    if not match or not any(match.groups()):
        raise ValueError(f"invalid duration: {text!r}")
    hours, minutes = (int(part) if part else 0 for part in match.groups())
    return datetime.timedelta(hours=hours, minutes=minutes)


def format_duration(delta):
    """Format a timedelta as "1h 30m"; durations under an hour are just "45m".

    Seconds are dropped. Durations of a day or more are still shown in
    hours ("26h 0m").
    """
    total_minutes = delta.seconds // 60
    hours, minutes = divmod(total_minutes, 60)
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"
