"""The Verifier protocol, a base class with the parse-then-verify plumbing, and helpers
shared by the built-ins (reference actions and tool schemas of a pivot, cached)."""

from __future__ import annotations

import copy
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any, ClassVar, Protocol, runtime_checkable

from pivotrl.errors import UnknownNameError, VerifierError
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.config import VerifierConfig
from pivotrl.verifiers.parsers import ParserConfig, canonical_name, parse_action
from pivotrl.verifiers.parsers.formats import AUTO
from pivotrl.verifiers.parsers.schema_values import tool_specs
from pivotrl.verifiers.verdict import Verdict, checked_batch


@runtime_checkable
class PivotLike(Protocol):
    """What a verifier reads of a pivot (``pivotrl.pivot_envs.Pivot`` satisfies it)."""

    id: str
    domain: str
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    reference: dict[str, Any]
    env: dict[str, Any]


@runtime_checkable
class Verifier(Protocol):
    """Scores an action at a pivot. ``verify_batch`` takes one pivot per action, or one
    pivot for all actions (the K samples of profiling)."""

    name: str

    def verify(self, action: Any, pivot: PivotLike) -> Verdict: ...

    def verify_batch(self, actions: Sequence[Any], pivots: PivotLike | Sequence[PivotLike]) -> list[Verdict]: ...

    def close(self) -> None:
        """Give back what the verifier holds (shell_exec: its share of the warm sandboxes); safe to
        call twice. ``PivotEnv.close()`` calls it; after it the verifier is not used again."""


class _IdentityCache:
    """A small LRU keyed by object identity; keeps the key alive so ids are not reused."""

    def __init__(self, size: int = 8192) -> None:
        self._size = size
        self._data: OrderedDict[int, tuple[object, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_set(self, key_obj: object, compute: Any) -> Any:
        key = id(key_obj)
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] is key_obj:
                self._data.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._data[key] = (key_obj, value)
            if len(self._data) > self._size:
                self._data.popitem(last=False)
        return value


_reference_caches: dict[str, _IdentityCache] = {}
_tools_cache = _IdentityCache()
_REFERENCE_CONFIG = ParserConfig(max_chars=10**9)


def reference_action(pivot: PivotLike, config: ParserConfig | None = None) -> Action:
    """The pivot's demonstrated turn as an Action, parsed once per pivot object with the
    pivot's tools. A text reference is read in ``config.parser``'s format when one is named,
    else (or when that fails) by detection."""
    parser = config.parser if config is not None else AUTO
    cache = _reference_caches.setdefault(parser, _IdentityCache())

    def parse() -> Action:
        tools = tool_index(pivot)
        if parser != AUTO:
            named = parse_action(pivot.reference, replace(_REFERENCE_CONFIG, parser=parser), tools=tools)
            if named.is_valid:
                return named
        return parse_action(pivot.reference, _REFERENCE_CONFIG, tools=tools)

    return cache.get_or_set(pivot, parse)


def tool_index(pivot: PivotLike) -> dict[str, dict[str, Any]]:
    """``{tool name: function spec}`` from nested (chat) or flat (Responses) tool schemas."""
    return _tools_cache.get_or_set(pivot, lambda: tool_specs(pivot.tools or []))


def broadcast_pivots(actions: Sequence[Any], pivots: PivotLike | Sequence[PivotLike]) -> list[PivotLike]:
    if isinstance(pivots, PivotLike) and not isinstance(pivots, (list, tuple)):
        return [pivots] * len(actions)
    pivots = list(pivots)
    if len(pivots) != len(actions):
        raise ValueError(f"verify_batch got {len(actions)} actions but {len(pivots)} pivots")
    return pivots


def _dedupe_text_actions(actions: Sequence[Any], pivots: list[PivotLike]) -> tuple[list[int], list[int]]:
    """Indices of the first occurrence of each (text action, pivot) pair, and for every
    action the position of its representative among them. Non-text actions are unique."""
    first: dict[tuple[int, str], int] = {}
    unique: list[int] = []
    inverse: list[int] = []
    for i, (action, pivot) in enumerate(zip(actions, pivots, strict=True)):
        if isinstance(action, str):
            key = (id(pivot), action)
            if key in first:
                inverse.append(first[key])
                continue
            first[key] = len(unique)
        inverse.append(len(unique))
        unique.append(i)
    return unique, inverse


def _too_deep() -> Verdict:
    return Verdict.reject("action is nested too deeply to compare")


def invalid_verdict(action: Action) -> Verdict:
    return Verdict.reject(f"unparseable action: {action.error}", format=action.format)


class BaseVerifier(ABC):
    """Parses raw actions, rejects unparseable ones with their reason, and leaves the
    comparison of valid actions to ``_verify`` / ``_verify_valid_batch``.

    A verifier with parameters declares a frozen ``Config`` dataclass and keeps the one it was
    built from in ``config``: its spec's params are derived from it (never written by hand, so a
    parameter cannot be left out), and its fields read as attributes of the verifier."""

    name: str = ""
    parser_config: ParserConfig = ParserConfig()
    #: Same (action text, pivot) -> same verdict; lets the batch path verify repeats once.
    deterministic: bool = True
    #: the config dataclass the constructor takes (None: a verifier without parameters)
    Config: ClassVar[type[VerifierConfig] | None] = None
    config: VerifierConfig | None = None

    def params(self) -> dict[str, Any]:
        """The parameters this verifier was built with, recorded in pivot files: the
        non-default fields of its config, the parser included (left out when ``auto``)."""
        params = self.config.params() if self.config is not None else {}
        if self.parser != AUTO:
            params["parser"] = self.parser
        return params

    def __getattr__(self, attr: str) -> Any:
        # Only reached when normal lookup fails: a config field the verifier keeps no
        # attribute of its own for reads from the config (``verifier.threshold``).
        config = self.__dict__.get("config")
        if config is not None and not attr.startswith("_") and attr in type(config).field_names():
            return getattr(config, attr)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {attr!r}")

    @property
    def parser(self) -> str:
        """The tool-call format actions are read in (``auto``: detected per action)."""
        return self.parser_config.parser

    def with_parser(self, parser: str | None) -> BaseVerifier:
        """A copy of this verifier that reads actions in ``parser``'s format (a name from
        ``pivotrl.verifiers.parsers.list_parsers()``, or ``auto``); ``None`` keeps the current one."""
        if parser is None:
            return self
        try:
            name = canonical_name(parser)
        except UnknownNameError as exc:
            raise VerifierError(f"verifier {self.name!r}: {exc}") from None
        clone = copy.copy(self)
        clone.parser_config = replace(self.parser_config, parser=name)
        clone._after_copy()
        return clone

    def _after_copy(self) -> None:  # noqa: B027 - optional to override
        """Called on a shallow copy (``with_parser``): a verifier that holds a shared resource
        takes its own share here, so closing the copy and the original gives back two shares."""

    def spec(self) -> dict[str, Any]:
        """``{"name", "params"}``: rebuilds this verifier with ``get_verifier``; the parser is a
        parameter like the others (left out when it is ``auto``)."""
        params = dict(self.params())
        if self.parser != AUTO and "parser" not in params:  # a params() written by hand
            params["parser"] = self.parser
        return {"name": self.name, "params": params}

    def __call__(self, action: Any, pivot: PivotLike) -> Verdict:
        return self.verify(action, pivot)

    def close(self) -> None:  # noqa: B027 - optional to override: most verifiers hold nothing
        """Holds nothing by default; verifiers that hold sandboxes, connections or files release
        them here (safe to call twice)."""

    def __enter__(self) -> BaseVerifier:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # like Gymnasium's Env: ``with get_verifier("shell_exec") as v:`` gives the sandboxes back
        self.close()

    def parse(self, action: Any, pivot: PivotLike | None = None) -> Action:
        """``action`` as an Action; with ``pivot``, formats that carry values as text are typed
        through its tool schemas."""
        return parse_action(action, self.parser_config, tools=tool_index(pivot) if pivot is not None else None)

    def verify(self, action: Any, pivot: PivotLike) -> Verdict:
        parsed = self.parse(action, pivot)
        if not parsed.is_valid:
            return invalid_verdict(parsed)
        try:
            return self._checked(self._verify(parsed, pivot))
        except RecursionError:
            return _too_deep()

    def verify_batch(self, actions: Sequence[Any], pivots: PivotLike | Sequence[PivotLike]) -> list[Verdict]:
        pivot_list = broadcast_pivots(actions, pivots)
        if self.deterministic:
            unique, inverse = _dedupe_text_actions(actions, pivot_list)
            if len(unique) < len(actions):  # K samples at a pivot repeat often: verify each text once
                verdicts = self._verify_batch_all([actions[i] for i in unique], [pivot_list[i] for i in unique])
                return [verdicts[j] for j in inverse]
        return self._verify_batch_all(actions, pivot_list)

    def _verify_batch_all(self, actions: Sequence[Any], pivot_list: list[PivotLike]) -> list[Verdict]:
        parsed = [self.parse(a, p) for a, p in zip(actions, pivot_list, strict=True)]
        verdicts: list[Verdict | None] = [None if a.is_valid else invalid_verdict(a) for a in parsed]
        todo = [i for i, v in enumerate(verdicts) if v is None]
        if todo:
            try:
                results = self._verify_valid_batch([parsed[i] for i in todo], [pivot_list[i] for i in todo])
            except RecursionError:  # one pathological action: score the batch one by one
                results = [self.verify(parsed[i], pivot_list[i]) for i in todo]
            results = checked_batch(results, len(todo), source=f"verifier {self.name!r}")
            for i, verdict in zip(todo, results, strict=True):
                verdicts[i] = self._checked(verdict)
        return verdicts  # type: ignore[return-value]

    def _checked(self, verdict: object) -> Verdict:
        try:
            return Verdict.coerce(verdict, source=f"verifier {self.name!r}")
        except TypeError as exc:
            raise VerifierError(str(exc)) from None

    @abstractmethod
    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        """Compare one valid action with the pivot's reference."""

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        return [self._verify(a, p) for a, p in zip(actions, pivots, strict=True)]

    def __repr__(self) -> str:
        try:
            shown = self.spec()["params"]
        except VerifierError:  # a live object among the parameters: no spec, but still a repr
            shown = {f.name: getattr(self.config, f.name) for f in fields(self.config)} if self.config else {}
        params = ", ".join(f"{k}={v!r}" for k, v in shown.items())
        return f"{type(self).__name__}({params})"
