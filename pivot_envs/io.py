"""Read trajectories and pivots from JSONL, JSON, Parquet, a ``datasets.Dataset`` or a list
of dicts; write JSONL atomically. Every error names the file, the line (or row) and the
field. Record shapes are detected per record: our own, ShareGPT, NeMo Gym pivot rows."""

from __future__ import annotations

import gzip
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pivotrl.errors import DataError
from pivotrl.pivot_envs.nemo_gym import pivot_to_row, row_to_pivot
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


def _read_jsonl(path: Path) -> Iterator[tuple[Any, int]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataError(f"invalid UTF-8 at byte {exc.start} of the line", path=str(path), line=number) from None
            if not line.strip():
                continue
            try:
                yield json.loads(line), number
            except json.JSONDecodeError as exc:
                raise DataError(f"invalid JSON: {exc.msg} at column {exc.colno}", path=str(path), line=number) from None
            except RecursionError:
                raise DataError("invalid JSON: nested too deeply", path=str(path), line=number) from None


def iter_raw(source: Source) -> Iterator[tuple[Any, str | None, int]]:
    """Yield ``(record, path, line_or_row)`` from any supported source."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise DataError("file not found", path=str(path))
        name = path.name.lower()
        if name.endswith(".parquet"):
            import pyarrow.parquet as pq

            for row, record in enumerate(pq.read_table(path).to_pylist(), start=1):
                yield _drop_nulls(record), str(path), row
        elif name.endswith(".json"):
            text = path.read_text(encoding="utf-8", errors="strict")
            if text.lstrip().startswith("["):
                try:
                    records = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise DataError(f"invalid JSON: {exc.msg}", path=str(path), line=exc.lineno) from None
                for row, record in enumerate(records, start=1):
                    yield record, str(path), row
            else:
                for record, line in _read_jsonl(path):
                    yield record, str(path), line
        else:
            for record, line in _read_jsonl(path):
                yield record, str(path), line
        return
    if isinstance(source, Mapping):
        raise DataError("expected a file path, a dataset or a list of records, found a single dict")
    # a datasets.Dataset iterates as dicts; so does a list of records
    for row, record in enumerate(source, start=1):
        yield record, None, row


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
            text = file.read_text(encoding="utf-8")
            total += len(text)
            if total > MAX_REPO_BYTES:
                raise DataError(f"env.repo {repo!r} is larger than {MAX_REPO_BYTES:,} bytes", field="env.repo")
            files[str(file.relative_to(root))] = text
    return {**record, "env": {**env, "files": files}}


def _locate(exc: DataError, path: str | None, line: int) -> DataError:
    return exc.located(path=path or "<records>", line=line)


def load_trajectories(source: Source, *, domain: str | None = None) -> list[Trajectory]:
    """Trajectories from our format, ShareGPT ``conversations`` or NeMo Gym pivot rows."""
    out: list[Trajectory] = []
    for record, path, line in iter_raw(source):
        try:
            if not isinstance(record, Mapping):
                raise DataError(f"expected a JSON object, found {type(record).__name__}")
            if "responses_create_params" in record:
                pivot = row_to_pivot(record, index=line, domain=domain)
                record = {"id": pivot.id, "domain": pivot.domain, "messages": [*pivot.messages, pivot.reference],
                          "tools": pivot.tools, "env": pivot.env, "meta": pivot.meta}
            elif is_sharegpt(record):
                record = sharegpt_to_record(record, index=line)
            out.append(Trajectory.from_dict(resolve_repo(record, path), default_domain=domain))
        except DataError as exc:
            raise _locate(exc, path, line) from None
    return out


def load_pivots(source: Source, *, domain: str | None = None, extract_trajectories: bool = True) -> list[Pivot]:
    """Pivots from our format or NeMo Gym rows. Trajectory records (no ``reference``) are
    extracted into one pivot per assistant turn when ``extract_trajectories`` is set."""
    from pivotrl.pivot_envs.extract import extract_candidates

    out: list[Pivot] = []
    for record, path, line in iter_raw(source):
        try:
            if not isinstance(record, Mapping):
                raise DataError(f"expected a JSON object, found {type(record).__name__}")
            if "responses_create_params" in record:
                out.append(row_to_pivot(record, index=line, domain=domain))
            elif "reference" in record:
                out.append(Pivot.from_dict(resolve_repo(record, path), default_domain=domain))
            elif extract_trajectories and ("messages" in record or is_sharegpt(record)):
                if is_sharegpt(record):
                    record = sharegpt_to_record(record, index=line)
                out.extend(extract_candidates([Trajectory.from_dict(resolve_repo(record, path), default_domain=domain)]))
            else:
                raise DataError("not a pivot: a pivot needs 'reference' (or NeMo Gym 'expected_action')",
                                field="reference")
        except DataError as exc:
            raise _locate(exc, path, line) from None
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_jsonl(records: Iterable[Any], path: str | os.PathLike[str]) -> int:
    """Write records (dicts or objects with ``to_dict``) atomically; returns the count."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for record in records:
                data = record.to_dict() if hasattr(record, "to_dict") else record
                handle.write(json.dumps(data, ensure_ascii=False) + "\n")
                count += 1
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a written file gets the usual mode
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def write_nemo_gym_rows(pivots: Iterable[Pivot], path: str | os.PathLike[str]) -> int:
    return write_jsonl((pivot_to_row(p) for p in pivots), path)
