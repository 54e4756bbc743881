"""Line order from a command's structure: which commands leave their output order unspecified,
by class of construction, and that the decision never comes from a substring of the text."""

from __future__ import annotations

import pytest

from pivotrl.verifiers import get_verifier
from pivotrl.verifiers.shell_compare import OutputPolicy
from pivotrl.verifiers.shell_order import output_shape
from tests.sandboxes.conftest import backend as sandbox_backend  # noqa: F401 (the sandbox fixture, per backend)
from tests.sandboxes.conftest import bash, shell_pivot

UNORDERED_WHOLE = (0, 0)


def span(command: str):
    return output_shape(command).span


@pytest.mark.parametrize("command", [
    "sort F # find",
    "sort F  # du -a; ls -U",
    "echo find",
    "echo 'find . | du -a'",
    'grep -c "find" F',
    "printf '%s\\n' du",
    "cat <<'EOF'\nfind .\nEOF",
    "cat <<EOF\nfind . -type f\nEOF",
    "python3 -c 'import os; print(os.listdir(\"find\"))'",
    "sort F -k find",
])
def test_comments_strings_and_arguments_never_relax_the_order(command):
    assert span(command) is None


@pytest.mark.parametrize("command", [
    "sort F; find /dev/null -false",
    "sort F; find . -name x -delete",
    "find . > /dev/null; sort F",
    "find . >/dev/null 2>&1; sort F",
    "find . >&2; sort F",
    "find . &> found.txt; sort F",
    "cat F; du -a > usage.txt",
    "sort F; ls -U >/dev/null",
])
def test_dead_or_discarded_unordered_commands_keep_the_rest_strict(command):
    assert span(command) is None


@pytest.mark.parametrize(("command", "expected"), [
    ("find . -name '*.log'", UNORDERED_WHOLE),
    ("find . | sort", None),
    ("find . | sort -r", None),
    ("find . -type f | sort | head -3", None),
    ("find . | head -3 | sort", None),
    ("find . | grep '\\.py$' | cut -c3-", UNORDERED_WHOLE),
    ("find . | sort -R", UNORDERED_WHOLE),
    ("find . | md5sum", None),
    ("find . | python3 count.py", None),
    ("du -a . | sort -n", None),
    ("grep -rn TODO src", UNORDERED_WHOLE),
    ("grep -rn TODO src | sort", None),
])
def test_a_later_sort_fixes_the_order_and_filters_keep_it_unspecified(command, expected):
    assert span(command) == expected


@pytest.mark.parametrize(("command", "expected"), [
    ("(find .)", UNORDERED_WHOLE),
    ("(cd data && find . -type f)", UNORDERED_WHOLE),
    ("(find .) | sort -r", None),
    ("{ find a; find b; }", None),  # two unordered parts: their lines cannot be told apart
    ("x=$(find .); echo done", None),  # captured: find prints nothing on stdout
    ("echo $(find . | sort)", None),
])
def test_subshells_and_groups_are_judged_by_what_they_print(command, expected):
    assert span(command) == expected


@pytest.mark.parametrize(("command", "expected"), [
    ("cd logs && find . -type f", UNORDERED_WHOLE),
    ("mkdir -p out; find . -type f", UNORDERED_WHOLE),
    ("mkdir -pv out; find . -type f", None),  # -v prints
    ("find a; find b", None),
    ("find a || echo none", (0, 1)),
    ("echo 'Files:' && find . -type f", (1, 0)),
    ("printf 'a\\nb\\n'; find .", (2, 0)),
    ("echo -n 'x'; find .", None),  # the unfinished line joins find's first line
    ("find . & find ..", UNORDERED_WHOLE),  # concurrent jobs interleave
    ("sort F & wait", None),
    ("sort F & sort G", UNORDERED_WHOLE),
])
def test_lists_keep_statically_counted_lines_in_place_and_the_rest_strict(command, expected):
    assert span(command) == expected


@pytest.mark.parametrize(("command", "expected"), [
    ('for f in $(find . -name "*.py"); do wc -l "$f"; done', UNORDERED_WHOLE),
    ('for f in $(find . -name "*.py"); do cat "$f"; done', None),  # blocks of lines: not attributable
    ('for f in *.txt; do find "$f"; done', None),
    ('find . | while read -r f; do echo "$f"; done', UNORDERED_WHOLE),
    ('find . | while read -r f; do echo "$f"; echo; done', None),
    ('while IFS= read -r f; do printf "%s\\n" "$f"; done < <(find . -type f)', UNORDERED_WHOLE),
    ("find . | xargs grep -l TODO", UNORDERED_WHOLE),
    ("find . | xargs cat", None),
    ("find . | xargs tac", None),
    ("find . -exec wc -l {} \\;", UNORDERED_WHOLE),
    ("find . -exec cat {} +", None),
    ("find . -print0 | xargs -0 -P4 -n1 md5sum", UNORDERED_WHOLE),
    ("wc -l $(find . -name '*.py')", UNORDERED_WHOLE),
])
def test_loops_and_per_item_commands_stay_unordered_only_at_one_line_per_item(command, expected):
    assert span(command) == expected


@pytest.mark.parametrize(("command", "expected"), [
    ("f() { find .; }; f", UNORDERED_WHOLE),
    ("f() { find .; }; f | sort", None),
    ("function g { sort F; }; g", None),
    ("f() { find .; }", None),  # only defined: prints nothing
])
def test_functions_are_judged_by_their_bodies(command, expected):
    assert span(command) == expected


@pytest.mark.parametrize(("command", "expected"), [
    ("cat > list.txt <<'EOF'\na\nb\nEOF\nfind . -type f", UNORDERED_WHOLE),
    ("cat <<'EOF'\nfind\nEOF\nfind . -type f", None),
    ("python3 - <<'EOF'\nimport os\nfor d, _, fs in os.walk('.'): print(d)\nEOF", None),
])
def test_here_docs_are_data_not_commands(command, expected):
    assert span(command) == expected


@pytest.mark.parametrize("command", [
    "find . | (",
    "if then fi",
    "find . -name 'x",
    "$(" * 3000 + "find ." + ")" * 2999,
    "find . " + "x" * 300_000,
])
def test_unparseable_commands_are_strict(command):
    assert span(command) is None


@pytest.mark.parametrize(("command", "expected"), [
    ("timeout 5 find .", UNORDERED_WHOLE),
    ("env LC_ALL=C find . -type f", UNORDERED_WHOLE),
    ("nice -n 10 du -a", UNORDERED_WHOLE),
    ("du -sh *", None),
    ("du -a --max-depth=0 .", None),
    ("find . -maxdepth 0", None),
    ("ls -la", None),
    ("ls -1U", UNORDERED_WHOLE),
    ("ls --sort=none", UNORDERED_WHOLE),
    ("xargs -P 4 -n 1 echo < list.txt", UNORDERED_WHOLE),
    ("parallel echo ::: a b c", UNORDERED_WHOLE),
    ("parallel -k echo ::: a b c", None),
    ("shuf names.txt", UNORDERED_WHOLE),
    ("case $x in a) find .;; esac", UNORDERED_WHOLE),
    ("[[ -d d ]] && find d", UNORDERED_WHOLE),
    ("if [ -d d ]; then find d; else echo none; fi", None),
])
def test_unordered_sources_by_their_options_and_wrappers(command, expected):
    assert span(command) == expected


def test_the_reason_names_the_unordered_source_or_the_strict_fallback():
    assert "find walks directories" in output_shape("find . -type f").reason
    assert "does not parse" in output_shape("find . | (").reason
    assert "cannot be told apart" in output_shape("sort F; find /dev/null -false").reason


@pytest.mark.parametrize(("reference", "candidate"), [
    ("sort -r F", "sort F; find /dev/null -false"),
    ("sort -r F", "sort F # find"),
    ("sort -r F", "sort F; du -s /dev/null > /dev/null"),
    ("sort -r F", "{ sort F; find /dev/null -false; } | cat"),
])
def test_a_reordered_output_is_not_relaxed_by_a_decoy_command(reference, candidate):
    policy = OutputPolicy()
    commands = [reference, candidate]
    assert policy.normalize("c\nb\na", commands) != policy.normalize("a\nb\nc", commands)
    assert policy.normalize("c\nb\na", commands) == policy.normalize("c\nb\na", commands)


def test_order_is_ignored_only_where_both_sides_are_unordered():
    policy = OutputPolicy()
    both = ["find d -type f", "find d -type f | tac"]
    assert policy.normalize("d/a\nd/b", both) == policy.normalize("d/b\nd/a", both)
    one = ["find d -type f", "find d -type f | sort -r"]
    assert policy.normalize("d/a\nd/b", one) != policy.normalize("d/b\nd/a", one)


def test_statically_counted_lines_stay_in_place_around_the_unordered_part():
    policy = OutputPolicy()
    commands = ["echo Files:; find . -type f", "printf 'Files:\\n'; find . -type f | tac"]
    assert policy.normalize("Files:\n./b\n./a", commands) == policy.normalize("Files:\n./a\n./b", commands)
    assert policy.normalize("./a\nFiles:\n./b", commands) != policy.normalize("Files:\n./a\n./b", commands)
    moved = ["echo Files:; find . -type f", "find . -type f; echo Files:"]  # the header at another place
    assert policy.normalize("Files:\n./a\n./b", moved) != policy.normalize("./a\n./b\nFiles:", moved)


# -- shell_exec end to end, on the real sandbox backends ------------------------------------

NAMES = "delta\nalpha\ncharlie\nbravo\n"
TREE = {"names.txt": NAMES, "data/b.txt": "b\n", "data/a.txt": "a\n", "data/c/d.txt": "d\n", "data/e.txt": "e\n"}


@pytest.fixture(scope="module")
def shell_exec(sandbox_backend):  # noqa: F811 (pytest passes the imported fixture)
    return get_verifier("shell_exec", sandbox=sandbox_backend, timeout=5)


@pytest.mark.integration
@pytest.mark.parametrize("candidate", [
    "sort names.txt; find /dev/null -false",
    "sort names.txt # find",
    "sort names.txt; du -a /dev/null >/dev/null",
    "{ sort names.txt; ls -U /dev/null >/dev/null; } | cat",
    "sort names.txt & wait",
])
def test_a_decoy_unordered_command_does_not_buy_a_reordered_output(shell_exec, candidate):
    pivot = shell_pivot("sort -r names.txt", files=TREE)
    verdict = shell_exec.verify(bash(candidate), pivot)
    assert not verdict.equivalent and "stdout line 1" in verdict.reason, verdict.reason


@pytest.mark.integration
@pytest.mark.parametrize("reference", [
    "find data -type f",
    "cd data && find . -name '*.txt'",
    "echo Files:; find data -type f",
    "find data -type f | xargs -P 3 -n 1 cat",
    "for f in $(find data -type f); do wc -l \"$f\"; done",
    "find data -type f | while read -r f; do echo \"$f\"; done",
    "shuf names.txt",
    "sort names.txt & sort -r names.txt",
    "f() { du -a data; }; f",
    "cat <<'EOF' > list.txt\nfind\nEOF\nfind data -type f",
    "grep -rl . data",
    "sort names.txt; find /dev/null -false",
])
def test_a_reference_of_every_class_scores_1_against_itself(shell_exec, reference):
    verdict = shell_exec.verify(bash(reference), shell_pivot(reference, files=TREE))
    assert verdict.equivalent, (verdict.reason, verdict.details)


@pytest.mark.integration
def test_a_directory_walk_in_another_order_is_accepted_when_both_sides_walk(shell_exec):
    pivot = shell_pivot("find data -type f", files=TREE)
    assert shell_exec.verify(bash("find data -type f | tac"), pivot).equivalent
    # a fixed order (sort) is compared strictly: whichever sort order differs from the walk's own
    # order (tmpfs lists newest first, ext4 by hash) is rejected
    walk = shell_exec.verify(bash("find data -type f"), pivot).details["action"]["stdout"]
    differing = 0
    for order in ("sort", "sort -r"):
        verdict = shell_exec.verify(bash(f"find data -type f | {order}"), pivot)
        if verdict.details["action"]["stdout"] != walk:
            differing += 1
            assert not verdict.equivalent, (order, verdict.reason)
    assert differing >= 1
