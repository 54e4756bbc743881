"""Output normalisation of shell_exec: line order is ignored only where nothing fixes it."""

from __future__ import annotations

import pytest

from pivotrl.verifiers.shell_compare import OutputPolicy, order_unspecified


@pytest.mark.parametrize(("command", "unspecified"), [
    ("find . -name '*.log'", True),
    ("du -sh *", False),  # -s: one line per operand, in the (sorted) order of the glob
    ("du -a .", True),
    ("find landing -maxdepth 1 | sort", False),
    ("find landing -maxdepth 1 | sort -r", False),
    ("find . -type f | sort | head -3", False),  # sorted before head: the order is fixed
    ("cat app.log", False),
])
def test_order_is_unspecified_for_directory_walks_unless_a_final_sort_fixes_it(command, unspecified):
    assert order_unspecified(command) is unspecified


def test_a_reversed_sort_is_a_different_output_even_after_find():
    policy = OutputPolicy()
    commands = ["find d | sort", "find d | sort -r"]
    assert policy.normalize("d\nd/a\nd/b", commands) != policy.normalize("d/b\nd/a\nd", commands)
    assert policy.normalize("d\nd/a", ["find d"]) == policy.normalize("d/a\nd", ["find d"])
