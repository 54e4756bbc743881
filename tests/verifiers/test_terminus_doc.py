"""Terminus-harness answers: parsing against each harness's schema, the keystroke stream the
terminal receives, and the shell-aware form in which equivalent command lines are equal."""

from __future__ import annotations

import json

import pytest

from pivotrl.verifiers.terminus_doc import (
    TerminusAnswer,
    Typed,
    canonical_shell,
    detect_harness,
    key_stream,
    parse_answer,
)


def answer(harness: str, *keystrokes: str, complete: bool = False, **extra) -> str:
    if harness == "terminus_1":
        doc = {"state_analysis": "s", "explanation": "e", "is_task_complete": complete,
               "commands": [{"keystrokes": k, "is_blocking": True, "timeout_sec": 5} for k in keystrokes]}
    else:
        doc = {"analysis": "a", "plan": "p", "task_complete": complete,
               "commands": [{"keystrokes": k, "duration": 0.1} for k in keystrokes]}
    doc.update(extra)
    return json.dumps(doc, indent=2)


@pytest.mark.parametrize("harness", ["terminus_1", "terminus_2"])
def test_answers_of_both_harnesses_parse_with_their_keystrokes(harness):
    parsed = parse_answer(answer(harness, "ls -la\n", "C-c", complete=True))
    assert isinstance(parsed, TerminusAnswer)
    assert (parsed.harness, parsed.keystrokes, parsed.task_complete) == (harness, ("ls -la\n", "C-c"), True)


def test_terminus_2_task_complete_defaults_to_false():
    doc = {"analysis": "a", "plan": "p", "commands": [{"keystrokes": "ls\n"}]}
    parsed = parse_answer(json.dumps(doc))
    assert isinstance(parsed, TerminusAnswer) and parsed.task_complete is False


@pytest.mark.parametrize(("reply", "reason"), [
    ("ls -la", "not a JSON document"),
    ("```json\n" + answer("terminus_2", "ls\n") + "\n```", "not a JSON document"),
    ("Here you go: " + answer("terminus_2", "ls\n"), "not a JSON document"),
    ("[1, 2]", "not an object"),
    ('"ls"', "not an object"),
    ("{}", "not a Terminus answer"),
    ('{"commands": "ls"}', "not a Terminus answer"),
    (json.dumps({"analysis": "a", "plan": "p", "commands": [{"keystrokes": 1}]}), "commands/0/keystrokes"),
    (json.dumps({"analysis": "a", "plan": "p", "commands": [{"cmd": "ls"}]}), "commands/0"),
    (json.dumps({"analysis": "a", "commands": []}), "'plan' is a required property"),
    (json.dumps({"analysis": "a", "plan": "p", "commands": [], "task_complete": "yes"}), "task_complete"),
    (json.dumps({"analysis": "a", "plan": "p", "commands": [], "reward": 1}), "Additional properties"),
    (json.dumps({"state_analysis": "s", "explanation": "e", "commands": [{"keystrokes": "ls\n"}],
                 "is_task_complete": False}), "is_blocking"),
    ("[" * 100_000 + "]" * 100_000, "not a JSON document"),
    ('{"analysis": "' + "x" * 1_000_000, "not a JSON document"),
])
def test_replies_that_are_not_valid_answers_say_why(reply, reason):
    parsed = parse_answer(reply)
    assert isinstance(parsed, str) and reason in parsed, parsed


def test_an_answer_of_the_other_harness_breaks_the_expected_schema():
    parsed = parse_answer(answer("terminus_2", "ls\n"), harness="terminus_1")
    assert isinstance(parsed, str) and "terminus_1 schema" in parsed


def test_harness_is_detected_from_the_fields_used():
    assert detect_harness(json.loads(answer("terminus_1"))) == "terminus_1"
    assert detect_harness(json.loads(answer("terminus_2"))) == "terminus_2"
    assert detect_harness({"analysis": "a"}) is None


def test_the_key_stream_joins_typed_text_and_keeps_special_keys():
    stream = key_stream(("cd /app\n", "ls", "Enter", "C-c", "vim notes.txt\n", "i", "hello", "Escape", ":wq\n"))
    assert stream == [Typed("cd /app\nls\n", ""), "C-c", Typed("vim notes.txt\n", "ihello"), "Escape",
                      Typed(":wq\n", "")]
    assert key_stream(("python3 app.py",)) == [Typed("", "python3 app.py")]  # typed, never submitted
    assert key_stream(("C-c\n",)) == [Typed("C-c\n", "")]  # not a key name: typed as text


@pytest.mark.parametrize(("a", "b"), [
    ("ls -la\n", "ls   -la  \n"),
    ("cat 'my file.txt'\n", 'cat "my file.txt"\n'),
    ('cat my\\ file.txt\n', "cat 'my file.txt'\n"),
    ("cd /app; ls\n", "cd /app\nls\n"),
    ("grep -n 'x' f.py | head -5\n", "grep -n x f.py|head -5\n"),
    ("ls -la  # look around\n", "ls -la\n"),
    ("find . -name '*.py' \\\n  -newer setup.py\n", "find . -name '*.py' -newer setup.py\n"),
    ("cat > a.txt <<'EOF'\nhi\nEOF\n", "cat > a.txt <<'EOF'\nhi\nEOF\n"),
])
def test_equivalent_spellings_have_one_canonical_form(a, b):
    assert canonical_shell(a) == canonical_shell(b)


@pytest.mark.parametrize(("a", "b"), [
    ("cd /app && ls\n", "cd /app; ls\n"),
    ('echo "$HOME"\n', "echo $HOME\n"),
    ("echo '$HOME'\n", 'echo "$HOME"\n'),
    ("python3 -c 'import x'\n", "python -c 'import x'\n"),
    ("ls -la\n", "ls -al\n"),
    ("rm -rf build\n", "rm -rf build/\n"),
    ("cat a.txt\n", "cat a.txt; echo find\n"),
    ("cat > a.txt <<'EOF'\nhi\nEOF\n", "cat > a.txt <<'EOF'\nho\nEOF\n"),
    ("print(1)\n", "print(2)\n"),  # typed into a REPL: not shell, compared line by line
])
def test_different_commands_keep_different_forms(a, b):
    assert canonical_shell(a) != canonical_shell(b)
