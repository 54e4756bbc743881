"""Read trajectories and pivots from JSONL, JSON, Parquet, a ``datasets.Dataset`` or a list
of dicts; write JSONL atomically. Every error names the file, the line (or row) and the
field. Record shapes are detected per record: our own, ShareGPT, NeMo Gym pivot rows."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pivotrl.errors import DataError, OutputError
from pivotrl.jsonsafe import dumps_line, find_unsafe, loads_strict
from pivotrl.pivot_envs.nemo_gym import as_agent_ref, pivot_to_row, row_to_pivot, trajectory_meta
from pivotrl.pivot_envs.output_lock import describe_os_error, exclusive_output, temp_path
from pivotrl.pivot_envs.records import Pivot, Trajectory
from pivotrl.pivot_envs.sharegpt import is_sharegpt, sharegpt_to_record

logger = logging.getLogger(__name__)
Source = str | os.PathLike[str] | Iterable[Mapping[str, Any]]


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _json_problem(exc: ValueError | RecursionError) -> str:
    """What ``json.loads`` refused, in words (a huge integer and NaN are ValueErrors too)."""
    if isinstance(exc, RecursionError):
        return "invalid JSON: nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg} at column {exc.colno}"
    text = str(exc)
    if "integer string conversion" in text:
        digits = text.rsplit("has ", 1)[-1].split(" ", 1)[0]
        return (f"invalid JSON: an integer with {digits} digits (Python reads at most "
                f"{sys.get_int_max_str_digits()}); store such a number as a string")
    return f"invalid JSON: {text}"


def _decode_line(raw: bytes, path: Path, number: int) -> str:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"invalid UTF-8 at byte {exc.start} of the line (the file must be UTF-8 text; "
                        "re-encode it, e.g. iconv -f latin1 -t utf-8)", path=str(path), line=number) from None
    return line[1:] if number == 1 and line.startswith("\ufeff") else line  # a byte-order mark


def _parse(text: str, path: Path, line: int) -> Any:
    try:
        return loads_strict(text)
    except (ValueError, RecursionError) as exc:
        raise DataError(_json_problem(exc), path=str(path), line=line) from None


def _open_binary(path: Path) -> Any:
    try:
        if path.name.lower().endswith(".gz"):
            return gzip.open(path, "rb")
        return open(path, "rb")
    except OSError as exc:
        raise DataError(f"cannot read the file: {exc.strerror or exc}", path=str(path)) from None


def _read_all(path: Path) -> bytes:
    with _open_binary(path) as handle:
        try:
            return handle.read()
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(f"cannot read the file ({type(exc).__name__}: {exc}); a .gz file may be truncated: "
                            "download or compress it again", path=str(path)) from None


def _iter_lines(path: Path) -> Iterator[tuple[bytes, int]]:
    """Raw lines with 1-based numbers; a truncated or corrupt .gz stream is a DataError that
    says how far the file could be read."""
    number = 0
    with _open_binary(path) as handle:
        while True:
            try:
                raw = handle.readline()
            except (OSError, EOFError, zlib.error) as exc:
                raise DataError(f"the file is truncated or corrupt after line {number} ({type(exc).__name__}: "
                                f"{exc}); download or compress it again", path=str(path), line=number + 1) from None
            if not raw:
                return
            number += 1
            yield raw, number


def _read_text(path: Path) -> str:
    data = _read_all(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"invalid UTF-8 at byte {exc.start} of the file (it must be UTF-8 text)", path=str(path),
                        line=data.count(b"\n", 0, exc.start) + 1) from None
    return text[1:] if text.startswith("\ufeff") else text


def _whole_object(path: Path) -> tuple[Any, DataError | None]:
    """The file read as one JSON document: ``(value, None)``, or ``(None, why not)``."""
    text = _read_text(path)
    try:
        return loads_strict(text), None
    except json.JSONDecodeError as exc:
        return None, DataError(_json_problem(exc), path=str(path), line=exc.lineno)
    except (ValueError, RecursionError) as exc:
        return None, DataError(_json_problem(exc), path=str(path))


_WHITESPACE = re.compile(r"[ \t\n\r]*")
#: a JSON escape of a UTF-16 surrogate: the only way JSON text yields a lone one
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (NaN and infinities have no JSON form)")


def _iter_array(text: str, path: Path) -> Iterator[tuple[Any, int]]:
    """The elements of a JSON array with the line each starts on (not its index)."""
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    index = _WHITESPACE.match(text, _WHITESPACE.match(text).end() + 1).end()  # type: ignore[union-attr]
    line, counted = 1, 0
    if text.startswith("]", index):
        index += 1
    else:
        while True:
            line += text.count("\n", counted, index)
            counted = index
            try:
                value, index = decoder.raw_decode(text, index)
            except json.JSONDecodeError as exc:
                raise DataError(_json_problem(exc), path=str(path), line=exc.lineno) from None
            except (ValueError, RecursionError) as exc:
                raise DataError(_json_problem(exc), path=str(path), line=line) from None
            yield value, line
            index = _WHITESPACE.match(text, index).end()  # type: ignore[union-attr]
            if text.startswith(",", index):
                index = _WHITESPACE.match(text, index + 1).end()  # type: ignore[union-attr]
                continue
            if text.startswith("]", index):
                index += 1
                break
            where = text.count("\n", 0, index) + 1
            found = repr(text[index]) if index < len(text) else "the end of the file"
            raise DataError(f"invalid JSON: expected ',' or ']' after an array element, found {found}",
                            path=str(path), line=where)
    if _WHITESPACE.match(text, index).end() != len(text):  # type: ignore[union-attr]
        raise DataError("invalid JSON: more text after the closing ']' of the array", path=str(path),
                        line=text.count("\n", 0, index) + 1)


def _read_json_text(path: Path) -> Iterator[tuple[Any, int]]:
    """JSONL, a JSON array, or one JSON object, whatever the suffix says: many datasets name
    JSONL files ``.json``, and a pretty-printed object spans many lines.

    Parsing refuses NaN and infinities; a lone surrogate can only come from a ``\\uD8xx``
    escape, so records are walked for one only where their text holds such an escape."""
    lines = _iter_lines(path)
    first: tuple[str, int] | None = None
    for raw, number in lines:
        text = _decode_line(raw, path, number)
        if text.strip():
            first = (text, number)
            break
    if first is None:
        return
    text, number = first
    if text.lstrip().startswith("["):
        lines.close()
        text = _read_text(path)
        escapes = _SURROGATE_ESCAPE.search(text) is not None
        for record, line in _iter_array(text, path):
            if escapes:
                _check_value(record, str(path), line)
            yield record, line
        return
    try:
        record = loads_strict(text)
    except (ValueError, RecursionError) as exc:
        first_problem = DataError(_json_problem(exc), path=str(path), line=number)
        for raw, later in lines:  # a next line that is a record by itself: JSONL, and line 1 is broken
            following = _decode_line(raw, path, later)
            if following.strip():
                try:
                    loads_strict(following)
                except (ValueError, RecursionError):
                    break
                raise first_problem from None
        lines.close()
        whole, problem = _whole_object(path)  # one object over many lines?
        if problem is None:
            _check_value(whole, str(path), number)
            yield whole, number
            return
        raise (problem if problem.line is not None else first_problem) from None
    if _SURROGATE_ESCAPE.search(text):
        _check_value(record, str(path), number)
    yield record, number
    for raw, number in lines:
        text = _decode_line(raw, path, number)
        if text.strip():
            record = _parse(text, path, number)
            if _SURROGATE_ESCAPE.search(text):
                _check_value(record, str(path), number)
            yield record, number


def _read_parquet(path: Path) -> Iterator[tuple[Any, int]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                row += 1
                yield _drop_nulls(record), row
    except (pa.ArrowException, OSError, ValueError) as exc:
        after = f" after row {row}" if row else ""
        raise DataError(f"not a readable Parquet file{after} ({type(exc).__name__}: {exc})", path=str(path),
                        line=row + 1 if row else None) from None


def _check_input_file(path: Path) -> None:
    if not path.exists():
        raise DataError("file not found", path=str(path))
    if path.is_dir():
        raise DataError("is a directory; expected a JSONL, JSON or Parquet file (or a list or dataset of "
                        "records)", path=str(path))
    if not os.access(path, os.R_OK):
        raise DataError("cannot read the file: permission denied", path=str(path))


def iter_raw(source: Source) -> Iterator[tuple[Any, str | None, int]]:
    """Yield ``(record, path, line_or_row)`` from any supported source. Values JSON cannot carry
    (lone surrogates, NaN, bytes...) are refused here, naming the field, so they never reach an
    encoder later; a file without records is an error."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        _check_input_file(path)
        parquet = path.name.lower().endswith(".parquet")
        records = _read_parquet(path) if parquet else _read_json_text(path)  # JSON text checks its own
        count = 0
        for record, line in records:
            if parquet:
                _check_value(record, str(path), line)
            count += 1
            yield record, str(path), line
        if not count:
            raise DataError("no records: the file is empty", path=str(path))
        return
    if isinstance(source, Mapping):
        splits = [k for k, v in source.items() if hasattr(v, "column_names")]
        if splits:
            raise DataError(f"a DatasetDict of splits {sorted(splits)}: pass one split, e.g. dataset[{splits[0]!r}]")
        raise DataError("expected a file path, a dataset or a list of records, found a single dict")
    # a datasets.Dataset iterates as dicts; so does a list of records
    for row, record in enumerate(source, start=1):
        _check_value(record, None, row)
        yield record, None, row


def _check_value(record: Any, path: str | None, line: int) -> None:
    problem = find_unsafe(record)
    if problem is not None:
        field, what = problem
        raise DataError(f"{what}; fix the data at its source", path=path or "<records>", line=line,
                        field=field or None)


MAX_REPO_BYTES = 8 * 1024 * 1024


def resolve_repo(record: Mapping[str, Any], path: str | None) -> Mapping[str, Any]:
    """``env.repo`` names a folder under ``repos/`` beside the data file; its text files
    become ``env.files`` so the record is self-contained for the sandbox."""
    env = record.get("env")
    if not isinstance(env, Mapping) or not env.get("repo") or env.get("files"):
        return record
    repo = str(env["repo"])
    if path is None:
        raise DataError(f"env.repo {repo!r} needs a data file beside a repos/ folder", field="env.repo")
    root = (Path(path).parent / "repos" / repo).resolve()
    if root.parent != (Path(path).parent / "repos").resolve() or not root.is_dir():
        raise DataError(f"env.repo {repo!r}: no folder {root}", field="env.repo")
    files: dict[str, str] = {}
    total = 0
    for file in sorted(root.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts and not file.name.endswith(".pyc"):
            try:
                text = file.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError) as exc:
                raise DataError(f"env.repo {repo!r}: cannot read {file.relative_to(root)} as UTF-8 text ({exc}); "
                                "env.files carries text files only", field="env.repo") from None
            total += len(text)
            if total > MAX_REPO_BYTES:
                raise DataError(f"env.repo {repo!r} is larger than {MAX_REPO_BYTES:,} bytes", field="env.repo")
            files[str(file.relative_to(root))] = text
    return {**record, "env": {**env, "files": files}}


def _locate(exc: DataError, path: str | None, line: int) -> DataError:
    return exc.located(path=path or "<records>", line=line)


class UniqueIds:
    """Refuses a second record with an id already seen, naming the lines of both (an env or a
    profile output is keyed by id: one of them would silently win)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.lines: dict[str, int] = {}

    def add(self, record_id: str, path: str | None, line: int) -> None:
        first = self.lines.setdefault(record_id, line)
        if first != line:
            where = "lines" if path is not None else "records"
            raise DataError(f"{self.what} id {record_id!r} appears twice ({where} {first} and {line}); ids must be "
                            "unique: remove or rename one", path=path or "<records>", line=line, field="id")


def _nothing_loaded(source: Source, what: str) -> DataError:
    if isinstance(source, (str, os.PathLike)):
        return DataError(f"no {what} in the file", path=str(source))
    return DataError(f"no {what}: the given records are empty")


def load_trajectories(source: Source, *, domain: str | None = None) -> list[Trajectory]:
    """Trajectories from our format, ShareGPT ``conversations`` or NeMo Gym pivot rows. An empty
    source, or two trajectories with one id, is a DataError."""
    out: list[Trajectory] = []
    ids = UniqueIds("trajectory")
    for record, path, line in iter_raw(source):
        try:
            if not isinstance(record, Mapping):
                raise DataError(f"expected a JSON object, found {type(record).__name__}")
            if "responses_create_params" in record:
                pivot = row_to_pivot(record, index=line, domain=domain)
                record = {"id": pivot.id, "domain": pivot.domain, "messages": [*pivot.messages, pivot.reference],
                          "tools": pivot.tools, "env": pivot.env, "meta": trajectory_meta(pivot.meta)}
            elif is_sharegpt(record):
                record = sharegpt_to_record(record, index=line)
            trajectory = Trajectory.from_dict(resolve_repo(record, path), default_domain=domain)
        except DataError as exc:
            raise _locate(exc, path, line) from None
        ids.add(trajectory.id, path, line)
        out.append(trajectory)
    if not out:
        raise _nothing_loaded(source, "trajectories")
    return out


def load_pivots(source: Source, *, domain: str | None = None, extract_trajectories: bool = True) -> list[Pivot]:
    """Pivots from our format or NeMo Gym rows. Trajectory records (no ``reference``) are
    extracted into one pivot per assistant turn when ``extract_trajectories`` is set. An empty
    source, or two pivots with one id, is a DataError."""
    from pivotrl.pivot_envs.extract import extract_candidates

    out: list[Pivot] = []
    ids = UniqueIds("pivot")
    for record, path, line in iter_raw(source):
        try:
            if not isinstance(record, Mapping):
                raise DataError(f"expected a JSON object, found {type(record).__name__}")
            if "responses_create_params" in record:
                found = [row_to_pivot(record, index=line, domain=domain)]
            elif "reference" in record:
                found = [Pivot.from_dict(resolve_repo(record, path), default_domain=domain)]
            elif extract_trajectories and ("messages" in record or is_sharegpt(record)):
                if is_sharegpt(record):
                    record = sharegpt_to_record(record, index=line)
                found = extract_candidates([Trajectory.from_dict(resolve_repo(record, path), default_domain=domain)])
            else:
                raise DataError("not a pivot: a pivot needs 'reference' (or NeMo Gym 'expected_action')",
                                field="reference")
        except DataError as exc:
            raise _locate(exc, path, line) from None
        for pivot in found:
            ids.add(pivot.id, path, line)
        out.extend(found)
    if not out:
        raise _nothing_loaded(source, "pivots (the trajectories have no assistant turn after a prefix)")
    return out


def write_jsonl(records: Iterable[Any], path: str | os.PathLike[str]) -> int:
    """Write records (dicts or objects with ``to_dict``) atomically; returns the count.

    The output is locked while it is written (a second writer gets OutputLocked, naming this
    one), temp files a killed writer left are removed, and a full disk or a read-only directory
    is an OutputError with one line that says so; the previous file survives any failure."""
    target = Path(path)
    with exclusive_output(target, purpose=f"writing {target.name}"):
        tmp = temp_path(target)
        count = 0
        try:
            # O_EXCL with mode 0666: the umask applies, as to any file the user writes
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                for record in records:
                    data = record.to_dict() if hasattr(record, "to_dict") else record
                    handle.write(dumps_line(data) + "\n")
                    count += 1
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise OutputError(describe_os_error(exc), path=str(target)) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return count


def write_nemo_gym_rows(pivots: Iterable[Pivot], path: str | os.PathLike[str], *,
                        agent_ref: str | Mapping[str, Any] | None = None) -> int:
    """Write pivots as NeMo Gym rows (``pivot_to_row``); returns the count. A pivot read from a row
    is written back as that row. ``agent_ref`` (an agent name of your NeMo Gym config) routes every
    row to that agent; without it a row keeps its own, and a pivot not read from a row gets NeMo
    Gym's stock agent for its kind of action (``nemo_gym.DEFAULT_AGENTS``)."""
    if agent_ref is not None:
        as_agent_ref(agent_ref)  # a bad name fails before the output is touched
    return write_jsonl((pivot_to_row(p, index=i, agent_ref=agent_ref) for i, p in enumerate(pivots, start=1)), path)
