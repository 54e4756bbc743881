import datetime

import pytest

from dateparse.durations import format_duration, parse_duration


def test_parse_hours_and_minutes():
    assert parse_duration("1h30m") == datetime.timedelta(hours=1, minutes=30)


def test_parse_single_unit():
    assert parse_duration("2h") == datetime.timedelta(hours=2)
    assert parse_duration("45M") == datetime.timedelta(minutes=45)


def test_parse_rejects_empty():
    with pytest.raises(ValueError):
        parse_duration("")


def test_format_duration():
    assert format_duration(datetime.timedelta(minutes=90)) == "1h 30m"
    assert format_duration(datetime.timedelta(minutes=45)) == "45m"
