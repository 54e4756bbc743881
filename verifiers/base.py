"""The Verifier protocol, a base class with the parse-then-verify plumbing, and helpers
shared by the built-ins (reference actions and tool schemas of a pivot, cached)."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from pivotrl.errors import VerifierError
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.parsers import ParserConfig, parse_action
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


_reference_cache = _IdentityCache()
_tools_cache = _IdentityCache()


def reference_action(pivot: PivotLike, config: ParserConfig | None = None) -> Action:
    """The pivot's demonstrated turn as an Action (parsed once per pivot object)."""
    return _reference_cache.get_or_set(pivot, lambda: parse_action(pivot.reference, config or ParserConfig(max_chars=10**9)))


def tool_index(pivot: PivotLike) -> dict[str, dict[str, Any]]:
    """``{tool name: function spec}`` from nested (chat) or flat (Responses) tool schemas."""

    def build() -> dict[str, dict[str, Any]]:
        index: dict[str, dict[str, Any]] = {}
        for tool in pivot.tools or []:
            spec = tool.get("function", tool) if isinstance(tool, Mapping) else None
            if isinstance(spec, Mapping) and isinstance(spec.get("name"), str):
                index[spec["name"]] = dict(spec)
        return index

    return _tools_cache.get_or_set(pivot, build)


def broadcast_pivots(actions: Sequence[Any], pivots: PivotLike | Sequence[PivotLike]) -> list[PivotLike]:
    if isinstance(pivots, PivotLike) and not isinstance(pivots, (list, tuple)):
        return [pivots] * len(actions)
    pivots = list(pivots)  # type: ignore[arg-type]
    if len(pivots) != len(actions):
        raise ValueError(f"verify_batch got {len(actions)} actions but {len(pivots)} pivots")
    return pivots


def _dedupe_text_actions(actions: Sequence[Any], pivots: list[PivotLike]) -> tuple[list[int], list[int]]:
    """Indices of the first occurrence of each (text action, pivot) pair, and for every
    action the position of its representative among them. Non-text actions are unique."""
    first: dict[tuple[int, str], int] = {}
    unique: list[int] = []
    inverse: list[int] = []
    for i, (action, pivot) in enumerate(zip(actions, pivots)):
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
    comparison of valid actions to ``_verify`` / ``_verify_valid_batch``."""

    name: str = ""
    parser_config: ParserConfig = ParserConfig()
    #: Same (action text, pivot) -> same verdict; lets the batch path verify repeats once.
    deterministic: bool = True

    def params(self) -> dict[str, Any]:
        """The parameters this verifier was built with, recorded in pivot files."""
        return {}

    def spec(self) -> dict[str, Any]:
        return {"name": self.name, "params": self.params()}

    def __call__(self, action: Any, pivot: PivotLike) -> Verdict:
        return self.verify(action, pivot)

    def parse(self, action: Any) -> Action:
        return parse_action(action, self.parser_config)

    def verify(self, action: Any, pivot: PivotLike) -> Verdict:
        parsed = self.parse(action)
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
        parsed = [self.parse(a) for a in actions]
        verdicts: list[Verdict | None] = [None if a.is_valid else invalid_verdict(a) for a in parsed]
        todo = [i for i, v in enumerate(verdicts) if v is None]
        if todo:
            try:
                results = self._verify_valid_batch([parsed[i] for i in todo], [pivot_list[i] for i in todo])
            except RecursionError:  # one pathological action: score the batch one by one
                results = [self.verify(parsed[i], pivot_list[i]) for i in todo]
            results = checked_batch(results, len(todo), source=f"verifier {self.name!r}")
            for i, verdict in zip(todo, results):
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
        return [self._verify(a, p) for a, p in zip(actions, pivots)]

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({params})"
