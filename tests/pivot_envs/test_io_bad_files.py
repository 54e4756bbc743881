"""Loaders x bad-file kinds: every malformed input is a DataError that names the file and the
line (or row) and, where one is at fault, the field; good files in every accepted shape load
every record. The files are written here, in a temp directory, one per kind."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from pivotrl.errors import DataError
from pivotrl.pivot_envs import load_pivots, load_trajectories
from tests.pivot_envs.test_io import TRAJ

LINE = json.dumps(TRAJ)


def _other(i: int) -> dict:
    return {**TRAJ, "id": f"t{i}"}


def _lines(*records: str) -> str:
    return "\n".join(records) + "\n"


def _with(record: dict, **changes: object) -> str:
    return json.dumps({**record, **changes})


def _surrogate_line() -> str:
    # an emoji cut in half, as JSON writes it: valid JSON, but no UTF-8 file can hold the result
    return LINE.replace("Weather in Oslo", "Weather \\ud83d in Oslo")


def _latin_array() -> bytes:
    return json.dumps([TRAJ, _other(2)], indent=1).replace("Oslo", "Osl\xf8").encode("latin-1")


def _latin_array_line() -> int:
    data = _latin_array()
    return data[:data.index(b"Osl\xf8")].count(b"\n") + 1


# kind -> (file name, content as bytes, line at fault or None, words the message must hold, field or None)
BAD: dict[str, tuple[str, Callable[[], bytes], int | None, str, str | None]] = {
    "truncated gz": ("t.jsonl.gz", lambda: gzip.compress(_lines(LINE, _with(_other(2)), _with(_other(3))).encode())[:-30],
                     None, "truncated or corrupt", None),
    "not gzip at all": ("t.jsonl.gz", lambda: b"this is not gzip\n", 1, "truncated or corrupt", None),
    "non-UTF-8 line": ("t.jsonl", lambda: _lines(LINE).encode() + _with(_other(2)).replace("Oslo", "Osl\xf8").encode(
        "latin-1") + b"\n", 2, "invalid UTF-8", None),
    "non-UTF-8 .json array": ("t.json", lambda: _latin_array(), _latin_array_line(), "invalid UTF-8", None),
    "lone surrogate": ("t.jsonl", lambda: _lines(_with(_other(1)), _surrogate_line()).encode(), 2, "lone surrogate",
                       "messages[1].content"),
    "lone surrogate in a key": ("t.jsonl", lambda: _lines(LINE.replace('"meta"', '"m\\udc00"') if '"meta"' in LINE else
                                                          LINE[:-1] + ', "m\\udc00": 1}').encode(), 1, "lone surrogate",
                                None),
    "5,000-digit integer": ("t.jsonl", lambda: _lines(LINE, _with(_other(2), meta={"n": 0}).replace(
        '"n": 0', '"n": ' + "7" * 5000)).encode(), 2, "5000 digits", None),
    "NaN": ("t.jsonl", lambda: _lines(LINE, _with(_other(2), meta={"x": 0}).replace('"x": 0', '"x": NaN')).encode(),
            2, "NaN is not JSON", None),
    "-Infinity": ("t.jsonl", lambda: _lines(LINE, _with(_other(2), meta={"x": 0}).replace('"x": 0', '"x": -Infinity'))
                  .encode(), 2, "Infinity is not JSON", None),
    "array element with a bad field": ("t.json", lambda: json.dumps(
        [TRAJ, {**TRAJ, "id": "t2", "messages": "nope"}], indent=2).encode(), None, "expected list, found str",
        "messages"),
    "array element that is not an object": ("t.json", lambda: ("[\n" + LINE + ",\n  42\n]").encode(), 3,
                                            "expected a JSON object", None),
    "array not closed": ("t.json", lambda: ("[\n" + LINE + ",\n" + _with(_other(2))).encode(), 3,
                         "invalid JSON", None),
    "text after the array": ("t.json", lambda: ("[\n" + LINE + "\n]\n{}").encode(), 3, "after the closing", None),
    "broken line in JSONL": ("t.jsonl", lambda: _lines(LINE, '{"id": "t2", "messages": [', _with(_other(3))).encode(),
                             2, "invalid JSON", None),
    "truncated first line": ("t.jsonl", lambda: _lines(LINE[:-9], _with(_other(2))).encode(), 1, "invalid JSON",
                             None),
    "broken pretty-printed object": ("t.json", lambda: json.dumps(TRAJ, indent=2).replace('"tool"', "tool", 1)
                                     .encode(), 3, "invalid JSON", None),
    "scalar record": ("t.jsonl", lambda: _lines(LINE, "42").encode(), 2, "expected a JSON object", None),
    "nested too deeply": ("t.jsonl", lambda: _lines(LINE, "[" * 100_000 + "]" * 100_000).encode(), 2,
                          "nested too deeply", None),
    "empty file": ("t.jsonl", lambda: b"", None, "no records: the file is empty", None),
    "only blank lines": ("t.jsonl", lambda: b"\n  \n\n", None, "no records", None),
    "duplicate ids": ("t.jsonl", lambda: _lines(LINE, _with(_other(2)), LINE).encode(), 3, "lines 1 and 3", "id"),
    "tool parameters a string but not JSON": ("t.jsonl", lambda: _lines(LINE, _with(_other(2), tools=[
        {"type": "function", "function": {"name": "f", "parameters": "{'type': 'object'"}}])).encode(), 2,
        "parameters is a string but not JSON", "tools[0].function.parameters"),
}


def _write(tmp_path: Path, kind: str) -> tuple[Path, int | None, str, str | None]:
    name, content, line, words, field = BAD[kind]
    path = tmp_path / name
    path.write_bytes(content())
    return path, line, words, field


@pytest.mark.parametrize("loader", [load_trajectories, load_pivots], ids=["trajectories", "pivots"])
@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_file_is_a_data_error_naming_file_and_line(tmp_path, kind, loader):
    path, line, words, field = _write(tmp_path, kind)
    with pytest.raises(DataError) as info:
        loader(path)
    error = info.value
    message = str(error)
    assert words in message, message
    assert error.path == str(path) and str(path) in message
    if line is not None:
        assert error.line == line and f"{path}:{line}" in message, message
    if field is not None:
        assert error.field == field and f"field '{field}'" in message, message


def test_truncated_gz_says_how_far_it_was_read(tmp_path):
    path, _, _, _ = _write(tmp_path, "truncated gz")
    with pytest.raises(DataError, match=r"truncated or corrupt after line \d+") as info:
        load_trajectories(path)
    assert info.value.line is not None and info.value.line >= 1


def test_array_elements_report_their_line_not_their_index(tmp_path):
    path = tmp_path / "t.json"
    records = [_other(i) for i in range(3)]
    records[2]["messages"] = "nope"
    text = json.dumps(records, indent=2)
    path.write_text(text)
    with pytest.raises(DataError) as info:
        load_trajectories(path)
    third = text.splitlines().index("  {", text.splitlines().index("  {", 2) + 1) + 1
    assert info.value.line == third and info.value.line > 3


def test_a_directory_is_named_as_such(tmp_path):
    with pytest.raises(DataError, match="is a directory") as info:
        load_pivots(tmp_path)
    assert info.value.path == str(tmp_path)


def test_corrupt_parquet_names_the_file(tmp_path):
    path = tmp_path / "t.parquet"
    path.write_bytes(b"PAR1 this is not parquet PAR1")
    with pytest.raises(DataError, match="not a readable Parquet file") as info:
        load_trajectories(path)
    assert info.value.path == str(path)


def test_parquet_row_with_a_non_json_value_names_the_row(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{**_other(i), "tools": json.dumps(TRAJ["tools"]), "meta": {"score": 0.5}} for i in range(3)]
    rows[1]["meta"] = {"score": float("nan")}
    path = tmp_path / "t.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    with pytest.raises(DataError, match="nan is not a JSON number") as info:
        load_trajectories(path)
    assert (info.value.line, info.value.field) == (2, "meta.score")


def test_in_memory_records_are_checked_too():
    with pytest.raises(DataError, match="lone surrogate") as info:
        load_trajectories([_other(1), json.loads(_surrogate_line())])
    assert info.value.line == 2 and info.value.path == "<records>"
    with pytest.raises(DataError, match="the given records are empty"):
        load_trajectories([])
    datasets = pytest.importorskip("datasets")
    rows = [{**_other(i), "tools": json.dumps(TRAJ["tools"]), "meta": {"score": 0.5}} for i in range(3)]
    rows[2]["meta"]["score"] = float("inf")
    with pytest.raises(DataError, match="inf is not a JSON number") as info:
        load_trajectories(datasets.Dataset.from_list(rows))
    assert (info.value.line, info.value.field) == (3, "meta.score")


# -- good files of every accepted shape: every record loads ------------------------------------

GOOD: dict[str, tuple[str, Callable[[], bytes]]] = {
    "JSONL": ("t.jsonl", lambda: _lines(LINE, _with(_other(2))).encode()),
    "JSONL named .json": ("t.json", lambda: _lines(LINE, _with(_other(2))).encode()),
    "JSON array, pretty": ("t.json", lambda: json.dumps([TRAJ, _other(2)], indent=2).encode()),
    "JSON array in .jsonl": ("t.jsonl", lambda: json.dumps([TRAJ, _other(2)]).encode()),
    "single object over many lines": ("t.json", lambda: json.dumps(TRAJ, indent=2).encode()),
    "gzipped JSONL": ("t.jsonl.gz", lambda: gzip.compress(_lines(LINE, _with(_other(2))).encode())),
    "byte-order mark and CRLF": ("t.jsonl", lambda: ("\ufeff" + LINE + "\r\n" + _with(_other(2)) + "\r\n").encode()),
    "blank lines between": ("t.jsonl", lambda: ("\n" + LINE + "\n\n   \n" + _with(_other(2)) + "\n\n").encode()),
    # real tool schemas as they are written (BFCL's "dict"/"float" types, parameters as a JSON string):
    # loaded as they come, read in their dialect by tool_schema and listed by `pivotrl validate`
    "tool schemas in a dialect": ("t.jsonl", lambda: _lines(LINE, _with(_other(2), tools=[
        {"type": "function", "function": {"name": "f", "parameters": {"type": "dict", "properties": {
            "x": {"type": "float"}}}}},
        {"type": "function", "function": {"name": "g", "parameters": json.dumps({"type": "object"})}}])).encode()),
}


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_good_file_loads_every_record(tmp_path, kind):
    name, content = GOOD[kind]
    path = tmp_path / name
    path.write_bytes(content())
    expected = 1 if kind == "single object over many lines" else 2
    trajectories = load_trajectories(path)
    assert [t.id for t in trajectories] == ["t1", "t2"][:expected]
    assert len(load_pivots(path)) == 3 * expected  # three assistant turns each


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(LINE + "\n")
    path.chmod(0)
    with pytest.raises(DataError, match="permission denied"):
        load_trajectories(path)
