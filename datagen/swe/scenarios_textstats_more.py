"""More trajectories for repos/textstats: punctuation, --top and empty input."""

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

REPO = "textstats"

# ------------------------------------------------------------------ issue 2
# tokenize keeps punctuation, so "end." and "end" are different words.

PUNCT_ISSUE = """
top_words counts "end." and "end" as different words

```python
>>> from textstats import top_words
>>> top_words("The end. Or is it the end?", 2)
[('the', 2), ('end.', 1)]
```

Expected `[('end', 2), ('the', 2)]`. The tokenizer's docstring says punctuation around a word is dropped, but it is kept, which also inflates `average_word_length` for normal prose. Apostrophes inside words (`don't`) should stay.
"""

PUNCT_TESTS = '''

def test_strips_surrounding_punctuation():
    assert tokenize("Hello, world! (Really?)") == ["hello", "world", "really"]


def test_keeps_inner_apostrophe():
    assert tokenize("Don't stop.") == ["don't", "stop"]


def test_drops_bare_punctuation():
    assert tokenize("wait - what") == ["wait", "what"]
'''

# ------------------------------------------------------------------ issue 3
# --top is parsed as a string and crashes top_words.

TOP_ISSUE = """
`--top` option crashes with TypeError

Running the CLI with `--top` fails, whatever the number:

```
$ python3 -m textstats README.md --top 5
words: 48
sentences: 3
average word length: 5.14
Traceback (most recent call last):
  ...
  File ".../textstats/core.py", line 54, in top_words
    return ranked[:n]
TypeError: slice indices must be integers or None or have an __index__ method
```

Without `--top` the default of 3 words is printed correctly. `--top 5` should list the five most common words.
"""

TOP_TEST = '''

def test_main_top_option(tmp_path, capsys):
    sample = tmp_path / "sample.txt"
    sample.write_text("b a b c b a\\n", encoding="utf-8")

    assert main([str(sample), "--top", "2"]) == 0

    out = capsys.readouterr().out.splitlines()
    assert out[3:] == ["  b: 3", "  a: 2"]
'''

# ------------------------------------------------------------------ issue 4
# average_word_length divides by zero for text without words.

EMPTY_ISSUE = """
ZeroDivisionError on an empty file

`python3 -m textstats` crashes when the input has no words (an empty file, or a file with only blank lines):

```
$ python3 -m textstats /dev/null
words: 0
sentences: 0
Traceback (most recent call last):
  ...
ZeroDivisionError: division by zero
```

`average_word_length` is documented to return 0.0 when there are no words, and the CLI should then print `average word length: 0.0` and exit normally.
"""

TRAJECTORIES = [
    traj(
        "swe-textstats-0004",
        REPO,
        PUNCT_ISSUE,
        [
            bash("grep -rn 'def tokenize' --include='*.py' ."),
            view("textstats/tokenize.py"),
            bash("python3 -c 'from textstats.tokenize import tokenize; print(tokenize(\"The end. Or is it the end?\"))'"),
            replace(
                "textstats/tokenize.py",
                '"""Split text into normalised word tokens."""\n',
                '"""Split text into normalised word tokens."""\n\nimport string\n',
            ),
            replace(
                "textstats/tokenize.py",
                "    return [word.lower() for word in text.split()]",
                "    words = (word.strip(string.punctuation).lower() for word in text.split())\n"
                "    return [word for word in words if word]",
            ),
            insert("tests/test_tokenize.py", end_of("tests/test_tokenize.py"), PUNCT_TESTS),
            bash("python3 -c 'from textstats import top_words; print(top_words(\"The end. Or is it the end?\", 2))'"),
            pytest(),
        ],
        "`tokenize` only lower-cased the pieces of `text.split()`, so `end.` and `end?` were "
        "separate tokens. It now strips `string.punctuation` from both ends of every word and "
        "drops tokens that become empty (a lone `-`), so inner apostrophes such as `don't` are "
        "kept. `top_words(\"The end. Or is it the end?\", 2)` now returns `[('end', 2), ('the', "
        "2)]`. Added three tokenizer tests; the full suite passes ({passed} tests).",
    ),
    traj(
        "swe-textstats-0005",
        REPO,
        PUNCT_ISSUE,
        [
            bash("ls textstats tests"),
            bash("cat textstats/tokenize.py"),
            replace(
                "textstats/tokenize.py",
                '"""Split text into normalised word tokens."""\n',
                '"""Split text into normalised word tokens."""\n\nimport re\n\n'
                "WORD_RE = re.compile(r\"[a-z0-9]+(?:'[a-z0-9]+)*\")\n",
            ),
            replace(
                "textstats/tokenize.py",
                "return [word.lower() for word in text.split()]",
                "return WORD_RE.findall(text.lower())",
            ),
            insert("tests/test_tokenize.py", end_of("tests/test_tokenize.py"), PUNCT_TESTS),
            pytest("tests/test_tokenize.py", "tests/test_core.py"),
        ],
        "Rewrote `textstats.tokenize.tokenize` to extract words with a regular expression "
        "(`[a-z0-9]+(?:'[a-z0-9]+)*` on the lower-cased text) instead of splitting on "
        "whitespace. Punctuation around a word is no longer part of the token, while an "
        "apostrophe between letters (`don't`) is kept, as the docstring promises. `top_words` "
        "and `average_word_length` both use the tokenizer, so they are fixed too. New tests "
        "cover punctuation, apostrophes and a bare dash; {passed} tests pass.",
    ),
    traj(
        "swe-textstats-0006",
        REPO,
        TOP_ISSUE,
        [
            bash("python3 -m textstats README.md --top 5"),
            bash("grep -n 'top' textstats/cli.py"),
            view("textstats/cli.py", def_range("textstats/cli.py", "def build_parser")),
            replace(
                "textstats/cli.py",
                '"--top", default=3, help=',
                '"--top", type=int, default=3, help=',
            ),
            bash("python3 -m textstats README.md --top 5"),
            insert("tests/test_cli.py", end_of("tests/test_cli.py"), TOP_TEST),
            pytest("tests/test_cli.py"),
        ],
        "The `--top` argument was declared without `type=int`, so argparse passed the string "
        "`'5'` to `top_words`, which failed when slicing the ranking. I added `type=int` to the "
        "option in `textstats/cli.py`; argparse now converts the value and rejects non-numbers "
        "with a usage error. `python3 -m textstats README.md --top 5` lists five words, and a new "
        "CLI test covers the option ({passed} tests in `tests/test_cli.py` pass).",
    ),
    traj(
        "swe-textstats-0007",
        REPO,
        TOP_ISSUE,
        [
            bash("grep -n -e '--top' -e 'args.top' textstats/*.py"),
            view("textstats/cli.py", [9, 17]),
            bash("printf 'b a b c b a\\n' | python3 -m textstats - --top 2"),
            replace(
                "textstats/cli.py",
                '        "--top", default=3, help="number of frequent words to list (default: 3)"\n',
                '        "--top",\n'
                "        type=int,\n"
                "        default=3,\n"
                '        help="number of frequent words to list (default: 3)",\n',
            ),
            bash("printf 'b a b c b a\\n' | python3 -m textstats - --top 2"),
            pytest(),
        ],
        "`--top` had no `type`, so its value reached `top_words` as a string and slicing with "
        "it raised `TypeError`. The option in `build_parser` now has `type=int`. Reading "
        "`b a b c b a` from standard input with `--top 2` now prints `b: 3` and `a: 2`, and the "
        "test suite passes ({passed} tests).",
    ),
    traj(
        "swe-textstats-0008",
        REPO,
        TOP_ISSUE,
        [
            view("tests/test_cli.py"),
            create(
                "tests/test_cli_top.py",
                "from textstats.cli import main\n\n\n"
                "def test_top_limits_the_word_list(tmp_path, capsys):\n"
                '    sample = tmp_path / "words.txt"\n'
                '    sample.write_text("red blue red green red blue\\n", encoding="utf-8")\n\n'
                '    assert main([str(sample), "--top", "1"]) == 0\n\n'
                "    lines = capsys.readouterr().out.splitlines()\n"
                '    assert lines[3:] == ["  red: 3"]\n',
            ),
            pytest("--tb=short", "tests/test_cli_top.py"),
            view("textstats/cli.py", line_range("textstats/cli.py", '"--top"', before=2, after=2)),
            replace(
                "textstats/cli.py",
                '"--top", default=3,',
                '"--top", type=int, default=3,',
            ),
            pytest("tests/test_cli.py", "tests/test_cli_top.py"),
        ],
        "Added `tests/test_cli_top.py`, which reproduced the crash (`TypeError: slice indices "
        "must be integers`), then fixed the cause in `textstats/cli.py`: the `--top` option "
        "lacked `type=int`, so the number arrived as a string. With the fix both CLI test files "
        "pass ({passed} tests).",
    ),
    traj(
        "swe-textstats-0009",
        REPO,
        EMPTY_ISSUE,
        [
            bash("python3 -m textstats /dev/null"),
            view("textstats/core.py", def_range("textstats/core.py", "def average_word_length")),
            replace(
                "textstats/core.py",
                "    words = tokenize(text)\n    return round(",
                "    words = tokenize(text)\n    if not words:\n        return 0.0\n    return round(",
            ),
            insert(
                "tests/test_core.py",
                line_of("tests/test_core.py", 'assert average_word_length("ab abcd") == 3.0'),
                "\n\ndef test_average_word_length_without_words():\n"
                '    assert average_word_length("") == 0.0\n'
                '    assert average_word_length("  \\n ") == 0.0\n',
            ),
            bash("python3 -m textstats /dev/null"),
            pytest(),
        ],
        "`average_word_length` divided by `len(words)` without checking for an empty list. It "
        "now returns `0.0` when the text has no words, as documented, so `python3 -m textstats "
        "/dev/null` prints `average word length: 0.0` and exits 0. Added a regression test for "
        "empty and whitespace-only text; all {passed} tests pass.",
    ),
    traj(
        "swe-textstats-0010",
        REPO,
        EMPTY_ISSUE,
        [
            bash("grep -n 'len(words)' textstats/*.py"),
            bash("python3 -c 'from textstats.core import average_word_length; print(average_word_length(\"\"))'"),
            replace(
                "textstats/core.py",
                "return round(sum(len(word) for word in words) / len(words), 2)",
                "return round(sum(len(word) for word in words) / len(words), 2) if words else 0.0",
            ),
            bash(
                "python3 -c 'from textstats.core import average_word_length; "
                "print(average_word_length(\"\"), average_word_length(\"\\n\\n\"))'"
            ),
            pytest("tests/test_core.py", "tests/test_cli.py"),
        ],
        "Fixed the `ZeroDivisionError` in `textstats.core.average_word_length`: the mean is now "
        "only computed when there is at least one word, otherwise the function returns `0.0`. "
        "Empty and blank-only input both give 0.0, so the CLI no longer crashes on them. The core "
        "and CLI tests pass ({passed} tests).",
    ),
]
