"""Frozen config dataclasses: what a built-in verifier *is*. Validated when built, written out
as the ``params`` of the verifier's spec (non-default fields only) and rebuilt exactly from
them, so a profiled record can never name a different verifier than the one that scored it."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from pivotrl.errors import VerifierError

C = TypeVar("C", bound="VerifierConfig")

#: Field metadata of a knob that changes how fast or where a verifier runs, never a verdict
#: (worker counts, a cache path, a start-up probe). Recorded in the spec like any other field,
#: but two specs that differ only there still score alike, so no "other verifier" warning.
RUNTIME: Mapping[str, Any] = {"runtime": True}


def runtime_field(default: Any) -> Any:
    """A config field that is a runtime knob (see ``RUNTIME``)."""
    return dataclasses.field(default=default, metadata=RUNTIME)


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _same(value: Any, default: Any) -> bool:
    # True == 1 and 1 == 1.0 in Python; a spec must still tell a flag from a number
    return type(value) is type(default) and value == default


def jsonable(value: Any, where: str) -> Any:
    """``value`` as plain JSON data (tuples as lists); a value JSON cannot hold (a live object)
    is a VerifierError: a spec that silently lost it would rebuild another verifier."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise VerifierError(f"{where} = {value!r} cannot be written into a verifier spec (JSON has no {value})")
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return {k: jsonable(v, f"{where}.{k}") for k, v in value.items()}
    raise VerifierError(f"{where} = {value!r:.80} cannot be written into a verifier spec (not JSON data), so the "
                        "spec could not rebuild this verifier; pass a registered name or plain data instead")


@dataclasses.dataclass(frozen=True)
class VerifierConfig:
    """Base of every verifier's config. Subclasses validate (and coerce, e.g. ``80`` to
    ``80.0``) in ``__post_init__`` so equal configs write equal specs."""

    #: the verifier's name, for messages
    kind: ClassVar[str] = "verifier"

    @classmethod
    def of(cls: type[C], config: Any = None, params: Mapping[str, Any] | None = None) -> C:
        """``config`` itself, or one built from keyword ``params`` (the constructor's keywords)."""
        params = dict(params or {})
        if config is None:
            return cls(**params)
        if not isinstance(config, cls):
            raise VerifierError(f"{cls.kind} takes a {cls.__name__} (or keyword parameters), got {config!r:.80}")
        if params:
            raise VerifierError(f"{cls.kind}: pass a {cls.__name__} or keyword parameters, not both "
                                f"(got {sorted(params)} too)")
        return config

    @classmethod
    def field_names(cls) -> frozenset[str]:
        return _field_names(cls)  # type: ignore[arg-type]  # classes hash; mypy reads __hash__ as unbound

    @classmethod
    def runtime_fields(cls) -> frozenset[str]:
        return frozenset(f.name for f in dataclasses.fields(cls) if f.metadata.get("runtime"))

    def canonical(self: C) -> C:
        """The same config in its one written form (combinators: members as full specs)."""
        return self

    def params(self) -> dict[str, Any]:
        """The non-default fields as JSON data: the ``params`` of the verifier's spec."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            default = _default(f)
            if default is not dataclasses.MISSING and _same(value, default):
                continue
            out[f.name] = jsonable(value, f"{self.kind}.{f.name}")
        return out

    def _set(self, **values: Any) -> None:
        """Store coerced values from ``__post_init__`` (the dataclass is frozen)."""
        for name, value in values.items():
            object.__setattr__(self, name, value)
