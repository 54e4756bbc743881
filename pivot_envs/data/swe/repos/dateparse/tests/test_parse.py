import datetime

import pytest

from dateparse.parse import parse_date


def test_iso_format():
    assert parse_date("2024-03-05") == datetime.date(2024, 3, 5)


def test_surrounding_spaces_are_ignored():
    assert parse_date("  2023-12-31 ") == datetime.date(2023, 12, 31)


def test_abbreviated_month_name():
    assert parse_date("Mar 5, 2024") == datetime.date(2024, 3, 5)
    assert parse_date("Sep. 30, 2023") == datetime.date(2023, 9, 30)


def test_slash_format_same_day_and_month():
    assert parse_date("07/07/2022") == datetime.date(2022, 7, 7)


def test_rejects_garbage():
    with pytest.raises(ValueError):
        parse_date("next tuesday")
