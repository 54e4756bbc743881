"""Which verifier, with which parameters: ``VerifierSpec`` (the one key every cache and
comparison uses), ``VerifierPool`` (one built verifier per spec) and the one warning for a
configured verifier that is not the one the pivots were profiled with.

Profiling writes a spec into every record and training rebuilds the verifier from it, so a
spec must name exactly one verifier: two spellings of it (``threshold: 80`` and ``80.0``, a
default written out or left out, ``qwen3_xml`` for ``qwen3_coder``) share one key.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pivotrl.errors import PivotRLError, UnknownNameError, VerifierError
from pivotrl.verifiers.config import VerifierConfig
from pivotrl.verifiers.parsers import canonical_name
from pivotrl.verifiers.parsers.formats import AUTO
from pivotrl.verifiers.registry import VERIFIERS, get_verifier
from pivotrl.verifiers.verdict import Verdict

logger = logging.getLogger(__name__)

SpecLike = Any  # a name, a {"name", "params"} mapping, a VerifierSpec, or a built verifier


def config_class(name: str) -> type[VerifierConfig] | None:
    """The config dataclass of the verifier registered as ``name`` (None: unknown, a function,
    or a class without one)."""
    try:
        target = VERIFIERS.get(name)
    except UnknownNameError:
        return None
    config = getattr(target, "Config", None)
    return config if isinstance(config, type) and issubclass(config, VerifierConfig) else None


def _plain(value: Any) -> Any:
    """A copy of the containers of ``value`` (tuples as lists); other objects as they are."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def is_spec_like(obj: Any) -> bool:
    """A name, a spec mapping or a VerifierSpec (not a live verifier, function or class)."""
    return isinstance(obj, (str, Mapping, VerifierSpec))


@dataclass(frozen=True, eq=False)
class VerifierSpec:
    """``{"name", "params"}`` of a verifier. Equal specs build the same verifier: equality and
    hashing go by ``key()``, which reads the params through the verifier's config (coerced,
    defaults left out) and canonicalises the parser's name."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_any(cls, spec: SpecLike) -> VerifierSpec:
        """A spec from a name, a ``{"name", "params"}`` mapping, a VerifierSpec or a built
        verifier (its own ``spec()``)."""
        if isinstance(spec, VerifierSpec):
            return spec
        if isinstance(spec, str):
            return cls(spec, {})
        if isinstance(spec, Mapping):
            if not isinstance(spec.get("name"), str) or not isinstance(spec.get("params") or {}, Mapping):
                raise VerifierError(f'a verifier spec is a name or {{"name": ..., "params": {{...}}}}, found {spec!r:.200}')
            return cls(spec["name"], _plain(spec.get("params") or {}))
        if callable(getattr(spec, "spec", None)):
            return cls.from_any(spec.spec())
        raise VerifierError(f"not a verifier spec: {spec!r:.80} (a name, {{'name', 'params'}} or a built verifier)")

    def to_dict(self) -> dict[str, Any]:
        """``{"name", "params"}`` as written into pivot records (a fresh copy)."""
        return {"name": self.name, "params": _plain(self.params)}

    def with_parser(self, parser: str | None) -> VerifierSpec:
        """The same spec reading actions in ``parser``'s format (None: unchanged)."""
        return self if parser is None else VerifierSpec(self.name, {**self.params, "parser": parser})

    def build(self) -> Any:
        """A new verifier from this spec (``get_verifier``)."""
        return get_verifier(self.to_dict())

    def normalized(self) -> VerifierSpec:
        """The one written form: params through the verifier's config (``80`` -> ``80.0``,
        defaults left out, members of combinators as full specs), the parser by its canonical
        name and left out when ``auto``. Params the config refuses stay as given: building
        says what is wrong with them."""
        params = dict(self.params)
        parser = params.pop("parser", None)
        config = config_class(self.name)
        if config is not None:
            try:
                params = config(**params).canonical().params()
            except (TypeError, ValueError, PivotRLError):
                params = dict(self.params)
                parser = params.pop("parser", None)
        if isinstance(parser, str):
            with contextlib.suppress(UnknownNameError):  # an unknown parser fails when built, with the known ones
                parser = canonical_name(parser)
        if parser is not None and parser != AUTO:
            params["parser"] = parser
        return VerifierSpec(self.name, params)

    def key(self) -> str:
        """The one key of this spec (canonical JSON of the normalised spec): caches, groups
        and "same verifier?" comparisons all use it."""
        return self._key

    @functools.cached_property
    def _key(self) -> str:  # computed once: params are never changed after construction
        spec = self.normalized()
        return json.dumps({"name": spec.name, "params": spec.params}, sort_keys=True, separators=(",", ":"),
                          default=repr)

    def scoring(self) -> VerifierSpec:
        """This spec less its runtime knobs (worker counts, cache paths: fields that change
        no verdict), for telling whether two specs score alike."""
        config = config_class(self.name)
        runtime = config.runtime_fields() if config is not None else frozenset()
        return VerifierSpec(self.name, {k: v for k, v in self.params.items() if k not in runtime})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifierSpec) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def __str__(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, default=repr)


def spec_key(spec: SpecLike) -> str:
    """``VerifierSpec.from_any(spec).key()`` (the name earlier versions imported)."""
    return VerifierSpec.from_any(spec).key()


class VerifierPool:
    """One verifier per spec (by ``key()``), built on first use (construction is where a
    verifier checks what it needs, e.g. a sandbox backend) and shared by the threads of this
    process: profiling, evaluation, the envs and the trainer's scorer all hold one."""

    def __init__(self) -> None:
        self._built: dict[str, Any] = {}
        self._lock = threading.Lock()

    def get(self, spec: SpecLike) -> Any:
        spec = VerifierSpec.from_any(spec)
        key = spec.key()
        with self._lock:
            if key not in self._built:
                self._built[key] = spec.build()
            return self._built[key]

    def built(self) -> list[Any]:
        """The verifiers built so far, one per spec."""
        with self._lock:
            return list(self._built.values())

    def spec_of(self, spec: SpecLike) -> VerifierSpec:
        """The spec to record: the built verifier's own (its parameters as its config holds them)."""
        verifier = self.get(spec)
        return VerifierSpec.from_any(verifier if callable(getattr(verifier, "spec", None)) else spec)

    def verify(self, spec: SpecLike, actions: Sequence[Any], pivots: Any) -> list[Verdict]:
        """Verdicts of ``actions`` at ``pivots`` (one pivot, or one per action). A broken
        verifier raises VerifierError, never a 0: a bug inside it included."""
        verifier = self.get(spec)
        name = VerifierSpec.from_any(spec).name
        try:
            verdicts = verifier.verify_batch(list(actions), pivots)
        except VerifierError:
            raise
        except Exception as exc:  # a bug in a verifier is a broken verifier, not a bad action
            where = f" at pivot {pivots.id}" if hasattr(pivots, "id") else ""
            raise VerifierError(f"verifier {name!r} raised {type(exc).__name__}: {exc}{where}") from exc
        if len(verdicts) != len(actions):
            raise VerifierError(f"verifier {name!r} returned {len(verdicts)} verdicts for {len(actions)} actions")
        return list(verdicts)

    def close(self) -> None:
        """Close the verifiers that hold something (shell_exec: its share of the sandboxes)."""
        for verifier in self.built():
            close = getattr(verifier, "close", None)
            if callable(close):
                close()


_warned: set[tuple[str, str]] = set()


def warn_if_other_verifier(configured: SpecLike, pivots: Iterable[Any]) -> None:
    """Say when the configured verifier does not score like the one the pivots were made with
    (their ``verifier``): their statistics, and the filter that kept them, assume that one.
    Logged every time; a Python warning once per pair of specs where the pivots were profiled
    with the other one (they carry ``stats``). Runtime knobs (worker counts, caches) never count."""
    try:
        mine = VerifierSpec.from_any(configured)
    except VerifierError as exc:
        logger.warning("verifier %r has no spec (%s): cannot check it against the one the pivots were made with",
                       configured, exc)
        return
    mine_key = mine.scoring().key()
    recorded: dict[str, VerifierSpec] = {}
    profiled: set[str] = set()
    for pivot in pivots:
        if not getattr(pivot, "verifier", None):
            continue
        spec = VerifierSpec.from_any(pivot.verifier)
        key = spec.scoring().key()
        recorded.setdefault(key, spec)
        if getattr(pivot, "stats", None):
            profiled.add(key)
    for key in sorted(recorded):
        if key == mine_key:
            continue
        message = (f"verifier {mine} differs from the one the pivots were made with ({recorded[key]}): rewards will "
                   "not match profiling; pass verifier=None to use the recorded one, or profile again with this one")
        logger.warning(message)
        if key in profiled and (key, mine_key) not in _warned:
            _warned.add((key, mine_key))
            warnings.warn(message, UserWarning, stacklevel=3)
