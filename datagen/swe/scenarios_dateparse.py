"""Trajectories for repos/dateparse (four issues, eight trajectories)."""

from .common import (
    bash,
    create,
    def_range,
    end_of,
    insert,
    line_of,
    line_range,
    pytest,
    replace,
    traj,
    view,
)

REPO = "dateparse"

# ------------------------------------------------------------------ issue 1
MONTH_ISSUE = """
parse_date rejects full month names and lower-case month names

```python
>>> from dateparse import parse_date
>>> parse_date("March 5, 2024")
ValueError: unknown month name: 'March'
>>> parse_date("mar 5, 2024")
ValueError: unknown month name: 'mar'
```

Only the exact three-letter form (`Mar 5, 2024`) works. The docstring promises "abbreviated or in full, any case". Dates typed by users in our booking form come in all of these forms. Made-up names such as `Smarch 1, 2024` should still be rejected.
"""

MONTH_TESTS = '''

def test_full_and_any_case_month_names():
    assert parse_date("March 5, 2024") == datetime.date(2024, 3, 5)
    assert parse_date("mar 5, 2024") == datetime.date(2024, 3, 5)
    assert parse_date("SEPTEMBER 30, 2023") == datetime.date(2023, 9, 30)


def test_unknown_month_name():
    with pytest.raises(ValueError):
        parse_date("Smarch 1, 2024")
'''

# ------------------------------------------------------------------ issue 2
SECONDS_ISSUE = """
parse_duration does not accept seconds

The docstring of `parse_duration` lists `"1h30m15s"` as a valid input, but any seconds part is rejected:

```python
>>> from dateparse import parse_duration
>>> parse_duration("90s")
ValueError: invalid duration: '90s'
>>> parse_duration("1h30m15s")
ValueError: invalid duration: '1h30m15s'
```

Expected `timedelta(seconds=90)` and `timedelta(hours=1, minutes=30, seconds=15)`.
"""

SECONDS_TESTS = '''

def test_parse_seconds():
    assert parse_duration("90s") == datetime.timedelta(seconds=90)
    assert parse_duration("1h30m15s") == datetime.timedelta(hours=1, minutes=30, seconds=15)
    assert parse_duration("2m5s") == datetime.timedelta(minutes=2, seconds=5)
'''

# ------------------------------------------------------------------ issue 3
DAYS_ISSUE = """
format_duration drops whole days

```python
>>> from datetime import timedelta
>>> from dateparse import format_duration
>>> format_duration(timedelta(hours=26))
'2h 0m'
```

Expected `'26h 0m'` (the docstring says durations of a day or more are still shown in hours). Our timesheet export showed a 30-hour job as `6h 15m`.
"""

DAYS_TESTS = '''

def test_format_duration_over_a_day():
    assert format_duration(datetime.timedelta(hours=26)) == "26h 0m"
    assert format_duration(datetime.timedelta(days=2, minutes=5)) == "48h 5m"
'''

# ------------------------------------------------------------------ issue 4
SLASH_ISSUE = """
Slash dates are read month-first although the docs say day-first

The README and the docstring say `05/03/2024` is 5 March 2024, but:

```python
>>> from dateparse import parse_date
>>> parse_date("03/04/2024")
datetime.date(2024, 3, 4)
>>> parse_date("25/12/2024")
ValueError: month must be in 1..12
```

Expected `datetime.date(2024, 4, 3)` and `datetime.date(2024, 12, 25)`.
"""

SLASH_TESTS = '''

def test_slash_format_is_day_first():
    assert parse_date("03/04/2024") == datetime.date(2024, 4, 3)
    assert parse_date("25/12/2024") == datetime.date(2024, 12, 25)
    assert parse_date("1/2/2020") == datetime.date(2020, 2, 1)
'''

TRAJECTORIES = [
    traj(
        "swe-dateparse-0001",
        REPO,
        MONTH_ISSUE,
        [
            bash("grep -n 'MONTHS' dateparse/parse.py"),
            view("dateparse/parse.py", line_range("dateparse/parse.py", "match = NAMED_RE.match(text)", after=6)),
            replace(
                "dateparse/parse.py",
                "        if name not in MONTHS:\n"
                '            raise ValueError(f"unknown month name: {name!r}")\n'
                "        return datetime.date(int(year), MONTHS[name], int(day))",
                "        month = MONTHS.get(name[:3].title())\n"
                "        if month is None:\n"
                '            raise ValueError(f"unknown month name: {name!r}")\n'
                "        return datetime.date(int(year), month, int(day))",
            ),
            bash("python3 -c 'from dateparse import parse_date; print(parse_date(\"March 5, 2024\"), parse_date(\"mar 5, 2024\"))'"),
            insert("tests/test_parse.py", line_of("tests/test_parse.py", 'assert parse_date("Sep. 30, 2023")'), MONTH_TESTS),
            pytest("tests/test_parse.py"),
        ],
        "`parse_date` looked the month name up in `MONTHS` as written, so only `Mar`-style "
        "abbreviations matched. It now normalises the name to its first three letters in title "
        "case (`March`, `mar`, `MARCH` all become `Mar`) before the lookup; names whose first three "
        "letters are not a month, such as `Smarch`, still raise `ValueError`. Added tests for "
        "full, lower-case and upper-case names; {passed} tests in `tests/test_parse.py` pass.",
    ),
    traj(
        "swe-dateparse-0002",
        REPO,
        MONTH_ISSUE,
        [
            view("dateparse/parse.py", [1, 25]),
            bash("python3 -c 'import calendar; print(list(calendar.month_name)[1:4], list(calendar.month_abbr)[1:4])'"),
            replace(
                "dateparse/parse.py",
                "import datetime\nimport re\n",
                "import calendar\nimport datetime\nimport re\n",
            ),
            insert(
                "dateparse/parse.py",
                line_of("dateparse/parse.py", '"Dec": 12,', offset=1),
                "\n# Lower-case full and abbreviated month names -> month number.\n"
                "MONTH_NAMES = {name.lower(): number for name, number in MONTHS.items()}\n"
                "MONTH_NAMES.update(\n"
                "    {name.lower(): number for number, name in enumerate(calendar.month_name) if name}\n"
                ")\n",
            ),
            replace(
                "dateparse/parse.py",
                "        if name not in MONTHS:\n"
                '            raise ValueError(f"unknown month name: {name!r}")\n'
                "        return datetime.date(int(year), MONTHS[name], int(day))",
                "        month = MONTH_NAMES.get(name.lower())\n"
                "        if month is None:\n"
                '            raise ValueError(f"unknown month name: {name!r}")\n'
                "        return datetime.date(int(year), month, int(day))",
            ),
            insert("tests/test_parse.py", end_of("tests/test_parse.py"), MONTH_TESTS),
            pytest(),
        ],
        "Added a `MONTH_NAMES` table to `dateparse/parse.py` that maps lower-case abbreviations "
        "(from `MONTHS`) and full English month names (from `calendar.month_name`) to month "
        "numbers, and `parse_date` now looks up `name.lower()` in it. `March 5, 2024`, `mar 5, "
        "2024` and `SEPTEMBER 30, 2023` parse; unknown names like `Smarch` still raise "
        "`ValueError`. New tests added; the full suite passes ({passed} tests).",
    ),
    traj(
        "swe-dateparse-0003",
        REPO,
        SECONDS_ISSUE,
        [
            view("dateparse/durations.py", [1, 20]),
            bash("python3 -c 'from dateparse import parse_duration; print(parse_duration(\"1h30m15s\"))'"),
            replace(
                "dateparse/durations.py",
                'DURATION_RE = re.compile(r"^(?:(\\d+)h)?(?:(\\d+)m)?$")',
                'DURATION_RE = re.compile(r"^(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?$")',
            ),
            replace(
                "dateparse/durations.py",
                "    hours, minutes = (int(part) if part else 0 for part in match.groups())\n"
                "    return datetime.timedelta(hours=hours, minutes=minutes)",
                "    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())\n"
                "    return datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)",
            ),
            bash("python3 -c 'from dateparse import parse_duration; print(parse_duration(\"1h30m15s\"), parse_duration(\"90s\"))'"),
            insert("tests/test_durations.py", line_of("tests/test_durations.py", 'assert parse_duration("45M")'), SECONDS_TESTS),
            pytest("tests/test_durations.py"),
        ],
        "`DURATION_RE` only had hour and minute groups. I added an optional `(\\d+)s` group "
        "after the minutes and passed the third value to `timedelta(seconds=...)`. `90s` now "
        "parses to 0:01:30 and `1h30m15s` to 1:30:15; the order hours, minutes, seconds is still "
        "required. Added a test for seconds; {passed} tests in `tests/test_durations.py` pass.",
    ),
    traj(
        "swe-dateparse-0004",
        REPO,
        SECONDS_ISSUE,
        [
            bash("grep -rn 'DURATION_RE' --include='*.py' . | sort"),
            insert("tests/test_durations.py", end_of("tests/test_durations.py"), SECONDS_TESTS),
            pytest("tests/test_durations.py"),
            replace(
                "dateparse/durations.py",
                r'(?:(\d+)m)?$")',
                r'(?:(\d+)m)?(?:(\d+)s)?$")',
            ),
            replace(
                "dateparse/durations.py",
                "    hours, minutes = (int(part) if part else 0 for part in match.groups())\n"
                "    return datetime.timedelta(hours=hours, minutes=minutes)",
                "    hours, minutes, seconds = (int(part or 0) for part in match.groups())\n"
                "    return datetime.timedelta(hours=hours, minutes=minutes, seconds=seconds)",
            ),
            pytest(),
        ],
        "Wrote the failing test first (`test_parse_seconds` in `tests/test_durations.py`), then "
        "extended `DURATION_RE` with an optional seconds group and passed the seconds to the "
        "`timedelta`. Inputs without seconds behave as before and an empty string is still "
        "rejected. All {passed} tests pass.",
    ),
    traj(
        "swe-dateparse-0005",
        REPO,
        DAYS_ISSUE,
        [
            bash("grep -n -A 12 'def format_duration' dateparse/durations.py"),
            bash("python3 -c 'import datetime; d = datetime.timedelta(hours=26); print(repr(d), d.seconds, d.total_seconds())'"),
            replace(
                "dateparse/durations.py",
                "    total_minutes = delta.seconds // 60",
                "    total_minutes = int(delta.total_seconds()) // 60",
            ),
            insert("tests/test_durations.py", end_of("tests/test_durations.py"), DAYS_TESTS),
            pytest("tests/test_durations.py"),
        ],
        "`format_duration` used `timedelta.seconds`, which is only the seconds part below one "
        "day (26 hours is stored as 1 day + 7200 seconds). It now uses "
        "`int(delta.total_seconds()) // 60`, so whole days are counted: 26 hours formats as "
        "`26h 0m`. Added a test with durations over a day; {passed} tests pass in "
        "`tests/test_durations.py`.",
    ),
    traj(
        "swe-dateparse-0006",
        REPO,
        DAYS_ISSUE,
        [
            view("dateparse/durations.py", def_range("dateparse/durations.py", "def format_duration")),
            create(
                "tests/test_format_days.py",
                "import datetime\n\n"
                "from dateparse.durations import format_duration, parse_duration\n\n\n"
                "def test_more_than_a_day():\n"
                '    assert format_duration(datetime.timedelta(hours=26)) == "26h 0m"\n\n\n'
                "def test_round_trip_long_duration():\n"
                '    assert format_duration(parse_duration("30h15m")) == "30h 15m"\n',
            ),
            pytest("tests/test_format_days.py"),
            replace(
                "dateparse/durations.py",
                "total_minutes = delta.seconds // 60",
                "total_minutes = delta.days * 24 * 60 + delta.seconds // 60",
            ),
            pytest(),
        ],
        "The minutes were computed from `delta.seconds`, which ignores the `days` component of a "
        "`timedelta`. `format_duration` now adds `delta.days * 24 * 60` minutes, so 26 hours "
        "formats as `26h 0m` and `30h15m` round-trips. The new tests in "
        "`tests/test_format_days.py` failed before the change and pass now, as does the rest of "
        "the suite ({passed} tests).",
    ),
    traj(
        "swe-dateparse-0007",
        REPO,
        SLASH_ISSUE,
        [
            bash("grep -n -A 3 'SLASH_RE.match' dateparse/parse.py"),
            replace(
                "dateparse/parse.py",
                "        month, day, year = (int(part) for part in match.groups())",
                "        day, month, year = (int(part) for part in match.groups())",
            ),
            bash("python3 -c 'from dateparse import parse_date; print(repr(parse_date(\"03/04/2024\")), repr(parse_date(\"25/12/2024\")))'"),
            insert("tests/test_parse.py", line_of("tests/test_parse.py", 'assert parse_date("07/07/2022")'), SLASH_TESTS),
            pytest("tests/test_parse.py"),
        ],
        "The slash branch of `parse_date` unpacked the groups as month, day, year although the "
        "format is documented as day first. It now unpacks day, month, year, so `03/04/2024` is "
        "3 April 2024 and `25/12/2024` parses instead of raising. Added a day-first test; "
        "{passed} tests in `tests/test_parse.py` pass.",
    ),
    traj(
        "swe-dateparse-0008",
        REPO,
        SLASH_ISSUE,
        [
            bash("cat README.md"),
            bash("python3 -c 'from dateparse import parse_date; print(parse_date(\"25/12/2024\"))'"),
            view("dateparse/parse.py", line_range("dateparse/parse.py", "match = SLASH_RE.match(text)", after=3)),
            replace(
                "dateparse/parse.py",
                "month, day, year = (int(part) for part in match.groups())",
                "day, month, year = (int(part) for part in match.groups())",
            ),
            insert("tests/test_parse.py", end_of("tests/test_parse.py"), SLASH_TESTS),
            pytest(),
        ],
        "Fixed the day/month order for slash dates in `dateparse/parse.py`: the regex groups are "
        "day, month, year (as in the README), but they were unpacked as month, day, year. "
        "`25/12/2024` now parses to 2024-12-25 and `03/04/2024` to 2024-04-03. Added "
        "`test_slash_format_is_day_first`; all {passed} tests pass.",
    ),
]
