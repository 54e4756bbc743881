"""``TrainerConfig`` from a TOML file and command-line overrides, with errors that name the
file, line and key at fault.

The file mirrors the dataclasses: ``TrainerConfig`` fields at the top level, ``GRPOConfig``
fields in a ``[grpo]`` table (or as dotted ``grpo.beta = 0.1`` keys). Values are checked
against the field types before the configs validate themselves, so a string where a number
belongs is reported at its line, not as a Python ``TypeError``.
"""

from __future__ import annotations

import dataclasses
import math
import re
import sys
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pivotrl.errors import DataError, PivotRLError
from pivotrl.trainer_plugin.grpo import GRPOConfig

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

GRPO_TABLE = "grpo"


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One config field as the command line and the file see it."""

    name: str
    table: str | None  # None: TrainerConfig; "grpo": GRPOConfig
    kind: type  # int, float, bool or str
    optional: bool
    default: Any


def _field_specs(cls: type, table: str | None) -> list[FieldSpec]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        hint = hints[f.name]
        args = typing.get_args(hint)
        optional = typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args
        kind = next((a for a in args if a is not type(None)), hint) if optional else hint
        if kind not in (int, float, bool, str):
            continue  # nested configs (grpo) are tables, not values
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        out.append(FieldSpec(f.name, table, kind, optional, default))
    return out


def trainer_fields() -> list[FieldSpec]:
    """Every settable field: ``TrainerConfig``'s, then ``GRPOConfig``'s (names do not collide)."""
    from pivotrl.trainer_plugin.trainer import TrainerConfig

    fields = _field_specs(TrainerConfig, None) + _field_specs(GRPOConfig, GRPO_TABLE)
    names = [f.name for f in fields]
    assert len(names) == len(set(names)), "TrainerConfig and GRPOConfig field names must not collide"
    return fields


def coerce(spec: FieldSpec, value: Any) -> Any:
    """``value`` as the field's type, or a ``ValueError`` saying what was expected."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "none" and spec.kind is not str):
        if spec.optional:
            return None
        raise ValueError(f"{spec.name} cannot be none")
    if spec.kind is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
            return value.strip().lower() in ("true", "1", "yes")
        raise ValueError(f"{spec.name} must be true or false, found {value!r}")
    if spec.kind is int:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"{spec.name} must be an integer, found {value!r}")
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{spec.name} must be an integer, found {value!r}") from None
    if spec.kind is float:
        if isinstance(value, bool):
            raise ValueError(f"{spec.name} must be a number, found {value!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{spec.name} must be a number, found {value!r}") from None
        if math.isnan(number):
            raise ValueError(f"{spec.name} must be a number, found NaN")
        return number
    if not isinstance(value, str):
        raise ValueError(f"{spec.name} must be a string, found {value!r}")
    return value


def key_lines(text: str) -> dict[tuple[str | None, str], int]:
    """(table, key) -> 1-based line of its assignment, for error messages (plain and dotted
    keys, ``[table]`` headers; TOML's rarer forms simply go unlocated)."""
    lines: dict[tuple[str | None, str], int] = {}
    table: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\s*([A-Za-z0-9_.\-]+)\s*\]", line)
        if header:
            table = header.group(1)
            lines.setdefault((table, ""), number)
            continue
        assign = re.match(r"^([A-Za-z0-9_\-]+(?:\s*\.\s*[A-Za-z0-9_\-]+)*)\s*=", line)
        if assign:
            parts = [p.strip() for p in assign.group(1).split(".")]
            key_table = table if len(parts) == 1 else ".".join(([table] if table else []) + parts[:-1])
            lines.setdefault((key_table, parts[-1]), number)
    return lines


def read_config_file(path: str | Path) -> tuple[dict[str, Any], dict[str, Any], dict[tuple[str | None, str], int]]:
    """(TrainerConfig values, GRPOConfig values, key lines) from a TOML file, type-checked."""
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the config file: {exc}", path=str(target)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            found = re.search(r"line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
        raise DataError(f"not valid TOML: {exc}", path=str(target), line=line) from None
    lines = key_lines(text)
    specs = {(f.table, f.name): f for f in trainer_fields()}
    grpo_names = {name for table, name in specs if table == GRPO_TABLE}
    top: dict[str, Any] = {}
    grpo: dict[str, Any] = {}

    def fail(message: str, table: str | None, key: str) -> DataError:
        field = f"{table}.{key}" if table else key
        return DataError(message, path=str(target), line=lines.get((table, key)), field=field)

    for key, value in data.items():
        if key == GRPO_TABLE:
            if not isinstance(value, Mapping):
                raise fail("grpo must be a table of GRPOConfig fields ([grpo])", None, key)
            for sub, sub_value in value.items():
                spec = specs.get((GRPO_TABLE, sub))
                if spec is None:
                    raise fail(f"unknown GRPOConfig field; known: {sorted(grpo_names)}", GRPO_TABLE, sub)
                try:
                    grpo[sub] = coerce(spec, sub_value)
                except ValueError as exc:
                    raise fail(str(exc), GRPO_TABLE, sub) from None
            continue
        spec = specs.get((None, key))
        if spec is None:
            hint = f" (a GRPOConfig field: put it under [{GRPO_TABLE}])" if key in grpo_names else ""
            known = sorted(name for table, name in specs if table is None)
            raise fail(f"unknown TrainerConfig field{hint}; known: {known}", None, key)
        try:
            top[key] = coerce(spec, value)
        except ValueError as exc:
            raise fail(str(exc), None, key) from None
    return top, grpo, lines


def build_trainer_config(path: str | Path | None = None, overrides: Mapping[str, Any] | None = None) -> Any:
    """Defaults, then the file, then ``overrides`` (flat field names, TrainerConfig's or
    GRPOConfig's; None means "not given"). Validation errors name the file line of the key
    where the value came from the file."""
    from pivotrl.trainer_plugin.trainer import TrainerConfig

    top: dict[str, Any] = {}
    grpo: dict[str, Any] = {}
    lines: dict[tuple[str | None, str], int] = {}
    if path is not None:
        top, grpo, lines = read_config_file(path)
    specs = {f.name: f for f in trainer_fields()}
    from_flags: set[str] = set()
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        spec = specs.get(name)
        if spec is None:
            raise PivotRLError(f"unknown config field {name!r}")
        try:
            coerced = coerce(spec, value)
        except ValueError as exc:
            raise DataError(str(exc), field=name) from None
        (grpo if spec.table == GRPO_TABLE else top)[name] = coerced
        from_flags.add(name)
    try:
        return TrainerConfig(**top, grpo=GRPOConfig(**grpo))
    except PivotRLError as exc:
        message = str(exc)
        for name, spec in specs.items():
            if re.search(rf"\b{re.escape(name)}\b", message):
                if name in from_flags or path is None:
                    raise DataError(message, field=name) from None
                raise DataError(message, path=str(path), line=lines.get((spec.table, name)),
                                field=f"{spec.table}.{name}" if spec.table else name) from None
        raise DataError(message, path=str(path) if path is not None else None) from None
