"""Combinators: ``any_of`` (first acceptance wins), ``all_of`` (first rejection loses) and
``weighted`` (a weighted mean). Evaluation order and per-verifier verdicts are recorded in
the details, so a user can see which check decided and how many expensive calls ran."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pivotrl.errors import VerifierError
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier, PivotLike, Verifier
from pivotrl.verifiers.config import VerifierConfig
from pivotrl.verifiers.verdict import Verdict, checked_batch


def _build(specs: Sequence[Any]) -> list[Verifier]:
    from pivotrl.verifiers.registry import get_verifier

    return [get_verifier(s) for s in specs]


def _member_spec(member: Any) -> Any:
    """A member as its full spec where it has one; a live object (no spec) stays itself, so the
    combinator still works and only its ``spec()`` fails, saying why."""
    from pivotrl.verifiers.spec import VerifierSpec, is_spec_like

    try:
        return VerifierSpec.from_any(member).normalized().to_dict()
    except VerifierError:
        if is_spec_like(member):
            raise
        return member


@dataclass(frozen=True)
class MembersConfig(VerifierConfig):
    """``verifiers``: the members, anything ``get_verifier`` builds (names, specs, instances)."""

    kind: ClassVar[str] = "combinator"
    verifiers: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if not self.verifiers:
            raise VerifierError("a combinator needs at least one verifier")
        self._set(verifiers=tuple(self.verifiers))

    def canonical(self) -> MembersConfig:
        return replace(self, verifiers=tuple(_member_spec(v) for v in self.verifiers))


@dataclass(frozen=True)
class WeightedConfig(VerifierConfig):
    """``verifiers``: ``(member, weight)`` pairs (or ``{"verifier", "weight"}``; a bare spec dict
    weighs 1); ``threshold``: the weighted mean at which the action is equivalent."""

    kind: ClassVar[str] = "weighted"
    verifiers: tuple[tuple[Any, float], ...] = ()
    threshold: float = 1.0

    def __post_init__(self) -> None:
        pairs: list[tuple[Any, float]] = []
        for item in self.verifiers:
            if isinstance(item, Mapping):
                pairs.append((item.get("verifier", item), float(item.get("weight", 1.0))))
            else:
                spec, weight = item
                pairs.append((spec, float(weight)))
        if not pairs or any(w < 0 for _, w in pairs) or sum(w for _, w in pairs) <= 0:
            raise VerifierError("weighted needs verifiers with non-negative weights that sum above 0")
        self._set(verifiers=tuple(pairs), threshold=float(self.threshold))

    def canonical(self) -> WeightedConfig:
        return replace(self, verifiers=tuple((_member_spec(v), w) for v, w in self.verifiers))


class _Combinator(BaseVerifier):
    members: list[Verifier]

    def _after_copy(self) -> None:
        # the copy's own members (each takes its own share of what it holds), so closing the
        # copy never closes what the original still uses
        self.members = [m.with_parser(m.parser) if isinstance(m, BaseVerifier) else m for m in self.members]

    def close(self) -> None:
        """Close every member: a combinator holding shell_exec holds its sandboxes."""
        for member in self.members:
            member.close()


class _ShortCircuit(_Combinator):
    stop_on: bool  # stop at the first verdict whose ``equivalent`` equals this
    Config = MembersConfig
    config: MembersConfig

    def __init__(self, *verifiers: Any, config: MembersConfig | None = None, **params: Any) -> None:
        if set(params) - {"verifiers"}:
            raise VerifierError(f"{self.name} takes verifiers only, got {sorted(set(params) - {'verifiers'})}")
        if verifiers or params:
            params = {"verifiers": (*verifiers, *(params.get("verifiers") or ()))}
        c = MembersConfig.of(config, params)
        self.members = _build(c.verifiers)
        self.config = replace(c, verifiers=tuple(_member_spec(m) for m in self.members))

    def _combine(self, trail: list[tuple[str, Verdict]]) -> Verdict:
        decided_name, decided = trail[-1]
        details = {
            "evaluated": [name for name, _ in trail],
            "verdicts": {name: v.to_dict() for name, v in trail},
            "decided_by": decided_name,
        }
        scores = [v.score for _, v in trail]
        score = max(scores) if self.stop_on else min(scores)
        return Verdict(score, decided.equivalent, f"{decided_name}: {decided.reason}", details)

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        trail: list[tuple[str, Verdict]] = []
        for verifier in self.members:
            verdict = verifier.verify(action, pivot)
            trail.append((verifier.name, verdict))
            if verdict.equivalent == self.stop_on:
                break
        return self._combine(trail)

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        trails: list[list[tuple[str, Verdict]]] = [[] for _ in actions]
        pending = list(range(len(actions)))
        for verifier in self.members:
            if not pending:
                break
            verdicts = checked_batch(verifier.verify_batch([actions[i] for i in pending], [pivots[i] for i in pending]),
                                     len(pending), source=f"verifier {verifier.name!r} (in {self.name})")
            still = []
            for i, verdict in zip(pending, verdicts, strict=True):
                trails[i].append((verifier.name, verdict))
                if verdict.equivalent != self.stop_on:
                    still.append(i)
            pending = still
        return [self._combine(t) for t in trails]


class AnyOf(_ShortCircuit):
    """Accepts when any member accepts; later (expensive) members run only when needed."""

    name = "any_of"
    stop_on = True


class AllOf(_ShortCircuit):
    """Accepts when every member accepts; stops at the first rejection."""

    name = "all_of"
    stop_on = False


class Weighted(_Combinator):
    """Weighted mean of member scores; equivalent when the mean reaches ``threshold``."""

    name = "weighted"
    Config = WeightedConfig
    config: WeightedConfig

    def __init__(self, verifiers: Any = None, config: WeightedConfig | None = None, **params: Any) -> None:
        if isinstance(verifiers, WeightedConfig):
            config, verifiers = verifiers, None
        if verifiers is not None:
            params["verifiers"] = verifiers
        c = WeightedConfig.of(config, params)
        self.members = _build([s for s, _ in c.verifiers])
        self.weights = [w for _, w in c.verifiers]
        self.config = replace(c, verifiers=tuple((_member_spec(m), w) for m, w in zip(self.members, self.weights, strict=True)))

    def _mix(self, verdicts: list[Verdict]) -> Verdict:
        total = sum(self.weights)
        # a weighted mean of scores in [0, 1]; clamped, since float rounding can leave it 1 + 2e-16
        score = min(1.0, max(0.0, sum(w * v.score for w, v in zip(self.weights, verdicts, strict=True)) / total))
        details = {"verdicts": {m.name: v.to_dict() for m, v in zip(self.members, verdicts, strict=True)}, "weights": self.weights}
        equivalent = score >= self.config.threshold - 1e-12
        reason = "; ".join(f"{m.name}={v.score:g}" for m, v in zip(self.members, verdicts, strict=True))
        return Verdict(score, equivalent, f"weighted {score:.3f} ({reason})", details)

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        return self._mix([m.verify(action, pivot) for m in self.members])

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        columns = [checked_batch(m.verify_batch(actions, pivots), len(actions), source=f"verifier {m.name!r} (in weighted)")
                   for m in self.members]
        return [self._mix(list(row)) for row in zip(*columns, strict=True)]


def any_of(*verifiers: Any) -> AnyOf:
    return AnyOf(*verifiers)


def all_of(*verifiers: Any) -> AllOf:
    return AllOf(*verifiers)


def weighted(verifiers: Sequence[tuple[Any, float]], threshold: float = 1.0) -> Weighted:
    return Weighted(verifiers, threshold=threshold)
