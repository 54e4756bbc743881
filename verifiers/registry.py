"""Verifier registry: names map to verifier classes or plain functions.

Built-ins are registered lazily (no import until used); third-party packages add theirs
through the ``pivotrl.verifiers`` entry-point group.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pivotrl.errors import VerifierError
from pivotrl.registry import Registry
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier, PivotLike, Verifier, broadcast_pivots
from pivotrl.verifiers.verdict import Verdict, checked_batch

VERIFIERS: Registry[Any] = Registry("verifier", entry_point_group="pivotrl.verifiers")

for _name, _target in {
    "exact": "pivotrl.verifiers.exact:ExactVerifier",
    "tool_schema": "pivotrl.verifiers.tool_schema:ToolSchemaVerifier",
    "fuzzy": "pivotrl.verifiers.fuzzy:FuzzyVerifier",
    "search_overlap": "pivotrl.verifiers.search_overlap:SearchOverlapVerifier",
    "shell_exec": "pivotrl.verifiers.shell_exec:ShellExecVerifier",
    "llm_judge": "pivotrl.verifiers.llm_judge:LLMJudgeVerifier",
    "terminus": "pivotrl.verifiers.terminus:TerminusVerifier",
    "any_of": "pivotrl.verifiers.combinators:AnyOf",
    "all_of": "pivotrl.verifiers.combinators:AllOf",
    "weighted": "pivotrl.verifiers.combinators:Weighted",
}.items():
    VERIFIERS.register(_name, _target)


class FunctionVerifier(BaseVerifier):
    """Wraps ``fn(action, pivot, **params) -> Verdict | float | bool``.

    The function receives a parsed, valid :class:`Action`; unparseable actions never reach
    it. An exception inside it is a broken verifier and is raised as VerifierError.
    """

    deterministic = False  # a user function may sample; verify every action

    def __init__(self, fn: Callable[..., Any], name: str, **params: Any) -> None:
        self.fn = fn
        self.name = name
        self._params = params

    def params(self) -> dict[str, Any]:
        return dict(self._params)

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        try:
            result = self.fn(action, pivot, **self._params)
        except Exception as exc:
            raise VerifierError(f"verifier {self.name!r} raised {type(exc).__name__}: {exc}") from exc
        return self._checked(result)


class GuardedVerifier:
    """A verifier that only follows the protocol (not a BaseVerifier), held to the same boundary:
    a score outside [0, 1], a wrong return type, a ``verify_batch`` of the wrong length or an
    exception inside it is a VerifierError naming it; other attributes pass through."""

    def __init__(self, inner: Any, name: str, params: dict[str, Any] | None = None) -> None:
        self.inner = inner
        self.name = name
        self._params = dict(params or {})  # what it was built with: its spec rebuilds it

    def _source(self) -> str:
        return f"verifier {self.name!r}"

    def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        try:
            return method(*args)
        except VerifierError:
            raise
        except Exception as exc:
            raise VerifierError(f"{self._source()} raised {type(exc).__name__}: {exc}") from exc

    def verify(self, action: Any, pivot: PivotLike) -> Verdict:
        return checked_batch([self._call(self.inner.verify, action, pivot)], 1, source=self._source())[0]

    def verify_batch(self, actions: Sequence[Any], pivots: PivotLike | Sequence[PivotLike]) -> list[Verdict]:
        if not hasattr(self.inner, "verify_batch"):
            return [self.verify(a, p) for a, p in zip(actions, broadcast_pivots(actions, pivots), strict=True)]
        return checked_batch(self._call(self.inner.verify_batch, actions, pivots), len(actions),
                             source=self._source())

    def spec(self) -> dict[str, Any]:
        if callable(getattr(self.inner, "spec", None)):
            return dict(self.inner.spec())
        return {"name": self.name, "params": self.params()}

    def params(self) -> dict[str, Any]:
        if callable(getattr(self.inner, "params", None)):
            return dict(self.inner.params())
        return dict(self._params)

    def close(self) -> None:
        """The inner verifier's ``close()`` where it has one (the protocol asks for it; verifiers
        written before it need none)."""
        close = getattr(self.inner, "close", None)
        if callable(close):
            self._call(close)

    def __enter__(self) -> GuardedVerifier:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __getattr__(self, attr: str) -> Any:
        return getattr(self.inner, attr)

    def __repr__(self) -> str:
        return f"GuardedVerifier({self.inner!r})"


def _guarded(verifier: Any, name: str, params: dict[str, Any] | None = None) -> Verifier:
    if isinstance(verifier, (BaseVerifier, GuardedVerifier)):
        return verifier
    if not callable(getattr(verifier, "verify", None)):
        raise VerifierError(f"verifier {name!r} has no verify(action, pivot) method: {verifier!r:.80}")
    return GuardedVerifier(verifier, name, params)


def register_verifier(name: str, obj: Any = None, *, override: bool = False) -> Any:
    """Register a verifier class or function under ``name``; usable as a decorator.

    >>> @register_verifier("same_tool")
    ... def same_tool(action, pivot):
    ...     return 1.0
    """
    def check(target: Any) -> Any:
        if not callable(target):
            raise TypeError(f"verifier {name!r} must be a class or a function, got {type(target).__name__}")
        if inspect.isfunction(target) or inspect.ismethod(target):
            positional = [
                p for p in inspect.signature(target).parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            if len(positional) < 2 and not any(
                p.kind == p.VAR_POSITIONAL for p in inspect.signature(target).parameters.values()
            ):
                raise TypeError(f"verifier function {name!r} must take (action, pivot)")
        VERIFIERS.register(name, target, override=override)
        return target

    if obj is None:
        return check
    return check(obj)


def list_verifiers() -> list[str]:
    return VERIFIERS.names()


def get_verifier(spec: Any, **params: Any) -> Verifier:
    """Build a verifier from a name, a ``{"name", "params"}`` dict, a class, a function or
    an instance. Unknown names fail with the list of known ones; bad parameters fail here,
    at construction, not at the first action. ``parser=`` (any verifier) names the tool-call
    format actions are read in (``auto`` by default); it is recorded in the verifier's spec.
    Verifiers that are not a BaseVerifier come back wrapped in GuardedVerifier, so every
    verifier's scores are checked at the same boundary."""
    if isinstance(spec, Mapping):
        if "name" not in spec:
            raise VerifierError(f"verifier spec needs a 'name', got {dict(spec)!r}")
        merged = {**(spec.get("params") or {}), **params}
        return get_verifier(spec["name"], **merged)
    parser = params.pop("parser", None)
    verifier = _build(spec, params)
    if parser is None:
        return verifier
    if not isinstance(verifier, BaseVerifier):
        raise VerifierError(f"verifier {getattr(verifier, 'name', verifier)!r} does not parse actions with "
                            "pivotrl's parsers, so parser= cannot apply; subclass BaseVerifier")
    return verifier.with_parser(parser)


def _accepted(target: type) -> list[str]:
    """The keyword parameters a verifier class takes: its config's fields, else its signature's."""
    config = getattr(target, "Config", None)
    if isinstance(config, type) and dataclasses.is_dataclass(config):
        return [f.name for f in dataclasses.fields(config)]
    return [p for p in inspect.signature(target.__init__).parameters  # type: ignore[misc]  # a class, not an instance
            if p not in ("self", "args", "kwargs")]


def _build(spec: Any, params: dict[str, Any]) -> Verifier:
    if isinstance(spec, str):
        name = spec
        target = VERIFIERS.get(name)
    else:
        target, name = spec, str(getattr(spec, "name", None) or getattr(spec, "__name__", type(spec).__name__))
    # an instance: anything with verify() (close() and verify_batch() are optional: the guard supplies them)
    if isinstance(target, BaseVerifier) or (not isinstance(target, type) and callable(getattr(target, "verify", None))):
        if params:
            raise VerifierError(f"verifier {name!r} is already built; parameters {sorted(params)} cannot apply")
        return _guarded(target, name)
    if isinstance(target, type):
        try:
            verifier = target(**params)
        except TypeError as exc:
            accepted = ", ".join(_accepted(target))
            raise VerifierError(f"cannot build verifier {name!r}: {exc}; it accepts: "
                                f"{accepted or 'no parameters'} (and parser)") from None
        if not getattr(verifier, "name", ""):
            verifier.name = name
        return _guarded(verifier, name, params)
    if callable(target):
        return FunctionVerifier(target, name, **params)
    raise VerifierError(f"verifier {name!r} is neither a class nor a function: {target!r}")
