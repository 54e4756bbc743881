"""Resumable output (pivotrl.pivot_envs.profiling.output): the ids a rerun skips, a torn last
line cut away, a broken line elsewhere refused, and each record durable and valid UTF-8."""

from __future__ import annotations

import json

import pytest

from pivotrl.errors import DataError, OutputError
from pivotrl.pivot_envs.profiling.output import AppendWriter, finished_ids


def test_finished_ids_of_a_missing_file_is_nothing_to_skip(tmp_path):
    assert finished_ids(tmp_path / "absent.jsonl") == (set(), False)


def test_a_torn_last_line_is_cut_and_the_whole_ones_kept(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id": "a"}\n\n{"id": 7}\n{"id": "c", "stats"')
    assert finished_ids(path) == ({"a", "7"}, True)
    assert path.read_bytes() == b'{"id": "a"}\n\n{"id": 7}\n'
    assert finished_ids(path) == ({"a", "7"}, False)  # nothing left to cut


def test_a_broken_line_before_the_last_is_refused_with_its_line(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "a"}\n["no id"]\n{"id": "b"}\n')
    with pytest.raises(DataError) as info:
        finished_ids(path)
    assert info.value.line == 2
    assert path.read_text() == '{"id": "a"}\n["no id"]\n{"id": "b"}\n'  # someone else's file: left as it is


def test_profile_appends_through_the_lock_and_says_so_when_it_cannot_write(tmp_path):
    with pytest.raises(OutputError, match="is a directory"):
        AppendWriter(tmp_path)
    writer = AppendWriter(tmp_path / "p.jsonl")
    writer.write({"id": "a", "text": "cut emoji \ud83d"})  # model text may hold a lone surrogate
    writer.close()
    line = (tmp_path / "p.jsonl").read_text(encoding="utf-8")
    assert json.loads(line)["text"] == "cut emoji \ufffd"
