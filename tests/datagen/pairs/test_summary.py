"""The shared tail of the labeled-set builders: the checks stop a broken set loudly (an empty
category, too few pairs, one label crowding out the other) and the summary prints one line and a
per-category table."""

from __future__ import annotations

import json

import pytest

from pivotrl.datagen.pairs.summary import check_set, print_summary, run_builder


def _write_set(folder, labels):
    pivot = {"id": "p1", "domain": "tool", "messages": [{"role": "user", "content": "hi"}], "tools": [],
             "reference": {"role": "assistant", "content": "hello"}}
    (folder / "toy.pivots.jsonl").write_text(json.dumps(pivot) + "\n")
    rows = [{"pivot_id": "p1", "candidate": {"role": "assistant", "content": f"c{i}"}, "equivalent": eq,
             "category": ("eq/a" if eq else "neq/b"), "source": f"rule {i}"} for i, eq in enumerate(labels)]
    (folder / "toy.pairs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder / "toy.pairs.jsonl", folder / "toy.pivots.jsonl"


def test_a_sound_set_loads_and_prints_its_table(tmp_path, capsys):
    pairs_path, pivots_path = _write_set(tmp_path, [True, False, True, False])
    pairs = check_set(pairs_path, ["eq/a", "neq/b"], min_pairs=4, min_label_share=0.5)
    print_summary(pairs, pairs_path, pivots_path, note="; extra")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("toy.pairs.jsonl: 4 pairs (2 equivalent, 2 not), 1 pivots; ")
    assert lines[0].endswith("; extra")
    assert [line.split() for line in lines[1:]] == [["eq/a", "2"], ["neq/b", "2"]]


@pytest.mark.parametrize(("labels", "kwargs", "message"), [
    ([True, False], {"categories": ["eq/a", "neq/missing"]}, "neq/missing is empty"),
    ([True, False], {"min_pairs": 3}, "only 2 pairs"),
    ([True, True, True, False], {"min_label_share": 0.4}, "labels unbalanced"),
    ([True, True], {"min_label_share": 0.1}, "labels unbalanced"),  # no near miss at all
])
def test_a_broken_set_stops_the_build(tmp_path, labels, kwargs, message):
    pairs_path, _ = _write_set(tmp_path, labels)
    with pytest.raises(AssertionError, match=message):
        check_set(pairs_path, **kwargs)


def test_the_command_line_passes_the_output_folder(tmp_path):
    seen = []
    assert run_builder("Build a toy set.\n\nMore.", seen.append, ["--out", str(tmp_path)]) == 0
    assert seen == [tmp_path]
    assert run_builder("Build.", lambda out: 3, ["--out", str(tmp_path)]) == 3
