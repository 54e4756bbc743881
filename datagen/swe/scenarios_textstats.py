"""Trajectories for repos/textstats (four issues, ten trajectories)."""

from .common import (
    bash,
    create,
    def_range,
    insert,
    line_of,
    pytest,
    replace,
    traj,
    view,
)

REPO = "textstats"

# ------------------------------------------------------------------ issue 1
# word_count splits on single spaces: runs of spaces and newlines miscount.

WC_ISSUE = """
word_count() is wrong for text with double spaces or line breaks

`word_count` from `textstats.core` gives the wrong number for text pasted from a document:

```python
>>> from textstats.core import word_count
>>> word_count("hello  world")
3
>>> word_count("first line\\nsecond line")
3
```

I expected 2 and 4. The docstring says words are separated by any run of whitespace. The `words:` line printed by `python3 -m textstats FILE` is wrong in the same way.
"""

WC_TEST = '''

def test_word_count_collapses_whitespace():
    assert word_count("hello  world") == 2
    assert word_count("first line\\nsecond line") == 4
    assert word_count("  padded\\ttext  ") == 2
'''

WC_SETUP_TEST = """cat > tests/test_issue_whitespace.py <<'EOF'
from textstats.core import word_count


def test_double_space():
    assert word_count("hello  world") == 2


def test_newlines():
    assert word_count("first line\\nsecond line") == 4


def test_only_whitespace():
    assert word_count(" \\n\\t ") == 0
EOF"""

TRAJECTORIES = [
    traj(
        "swe-textstats-0001",
        REPO,
        WC_ISSUE,
        [
            bash("grep -n -A 8 'def word_count' textstats/core.py"),
            bash(
                "python3 -c 'from textstats.core import word_count; "
                'print(word_count("hello  world"), word_count("first line\\nsecond line"))\''
            ),
            replace("textstats/core.py", '    return len(text.split(" "))', "    return len(text.split())"),
            insert(
                "tests/test_core.py",
                line_of("tests/test_core.py", 'assert word_count("") == 0'),
                WC_TEST,
            ),
            bash(
                "python3 -c 'from textstats.core import word_count; "
                'print(word_count("hello  world"), word_count("first line\\nsecond line"))\''
            ),
            pytest("tests/test_core.py"),
        ],
        "Fixed `word_count` in `textstats/core.py`. It split on a single space with "
        '`text.split(" ")`, so a double space produced an empty "word" and a newline glued two '
        "words together. It now calls `text.split()` with no argument, which splits on any run "
        "of whitespace and ignores leading and trailing whitespace; the examples from the issue "
        "now give 2 and 4. I added a regression test to `tests/test_core.py`; all {passed} tests "
        "in that file pass.",
    ),
    traj(
        "swe-textstats-0002",
        REPO,
        WC_ISSUE,
        [
            view("."),
            view("textstats/core.py", def_range("textstats/core.py", "def word_count")),
            bash("printf 'the  cat  sat\\n' | python3 -m textstats -"),
            replace(
                "textstats/core.py",
                '    if not text:\n        return 0\n    return len(text.split(" "))',
                "    return len(text.split())",
            ),
            create(
                "tests/test_word_count.py",
                "from textstats.core import word_count\n\n\n"
                "def test_repeated_spaces():\n"
                '    assert word_count("the  cat  sat") == 3\n\n\n'
                "def test_line_breaks_and_tabs():\n"
                '    assert word_count("first line\\nsecond\\tline") == 4\n\n\n'
                "def test_blank_text():\n"
                '    assert word_count("") == 0\n'
                '    assert word_count("   \\n") == 0\n',
            ),
            bash("printf 'the  cat  sat\\n' | python3 -m textstats -"),
            pytest(),
        ],
        "The bug was in `textstats.core.word_count`: it counted the pieces of "
        '`text.split(" ")`, so every extra space added an empty word and line breaks were not '
        "treated as separators (`the  cat  sat` was reported as 5 words). I replaced the body "
        "with `len(text.split())`; `str.split()` without an argument already returns `[]` for "
        "empty or all-whitespace text, so the special case for empty input is no longer needed. "
        "New tests are in `tests/test_word_count.py`, and the whole suite passes ({passed} tests).",
    ),
    traj(
        "swe-textstats-0003",
        REPO,
        WC_ISSUE + "\nI added the failing cases as `tests/test_issue_whitespace.py`.\n",
        [
            pytest("tests/test_issue_whitespace.py"),
            bash("grep -n 'split(' textstats/*.py"),
            view("textstats/core.py", def_range("textstats/core.py", "def word_count", after=1)),
            replace("textstats/core.py", 'return len(text.split(" "))', "return len(text.split())"),
            pytest("tests/test_issue_whitespace.py"),
            pytest(),
        ],
        "`word_count` used `text.split(\" \")`, which only splits on single spaces. I changed it "
        "to `text.split()`, which splits on any whitespace run, so the three tests in "
        "`tests/test_issue_whitespace.py` now pass, and so does the full suite ({passed} tests).",
        setup=[WC_SETUP_TEST],
    ),
]
