"""Combinators: ``any_of`` (first acceptance wins), ``all_of`` (first rejection loses) and
``weighted`` (a weighted mean). Evaluation order and per-verifier verdicts are recorded in
the details, so a user can see which check decided and how many expensive calls ran."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pivotrl.errors import VerifierError
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier, PivotLike, Verifier
from pivotrl.verifiers.verdict import Verdict, checked_batch


def _build(specs: Sequence[Any]) -> list[Verifier]:
    from pivotrl.verifiers.registry import get_verifier

    if not specs:
        raise VerifierError("a combinator needs at least one verifier")
    return [get_verifier(s) for s in specs]


def _spec(v: Verifier) -> Any:
    return v.spec() if isinstance(v, BaseVerifier) else getattr(v, "name", repr(v))


class _ShortCircuit(BaseVerifier):
    stop_on: bool  # stop at the first verdict whose ``equivalent`` equals this

    def __init__(self, *verifiers: Any, **params: Any) -> None:
        specs = list(verifiers) + list(params.pop("verifiers", None) or [])
        if params:
            raise VerifierError(f"{self.name} takes verifiers only, got {sorted(params)}")
        self.members = _build(specs)

    def params(self) -> dict[str, Any]:
        return {"verifiers": [_spec(v) for v in self.members]}

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
            for i, verdict in zip(pending, verdicts):
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


class Weighted(BaseVerifier):
    """Weighted mean of member scores; equivalent when the mean reaches ``threshold``."""

    name = "weighted"

    def __init__(self, verifiers: Sequence[tuple[Any, float]] | Sequence[dict[str, Any]], threshold: float = 1.0) -> None:
        pairs: list[tuple[Any, float]] = []
        for item in verifiers:
            if isinstance(item, dict):
                pairs.append((item.get("verifier", item), float(item.get("weight", 1.0))))
            else:
                spec, weight = item
                pairs.append((spec, float(weight)))
        if not pairs or any(w < 0 for _, w in pairs) or sum(w for _, w in pairs) <= 0:
            raise VerifierError("weighted needs verifiers with non-negative weights that sum above 0")
        self.members = _build([s for s, _ in pairs])
        self.weights = [w for _, w in pairs]
        self.threshold = float(threshold)

    def params(self) -> dict[str, Any]:
        return {"verifiers": [[_spec(v), w] for v, w in zip(self.members, self.weights)], "threshold": self.threshold}

    def _mix(self, verdicts: list[Verdict]) -> Verdict:
        total = sum(self.weights)
        # a weighted mean of scores in [0, 1]; clamped, since float rounding can leave it 1 + 2e-16
        score = min(1.0, max(0.0, sum(w * v.score for w, v in zip(self.weights, verdicts)) / total))
        details = {"verdicts": {m.name: v.to_dict() for m, v in zip(self.members, verdicts)}, "weights": self.weights}
        equivalent = score >= self.threshold - 1e-12
        reason = "; ".join(f"{m.name}={v.score:g}" for m, v in zip(self.members, verdicts))
        return Verdict(score, equivalent, f"weighted {score:.3f} ({reason})", details)

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        return self._mix([m.verify(action, pivot) for m in self.members])

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        columns = [checked_batch(m.verify_batch(actions, pivots), len(actions), source=f"verifier {m.name!r} (in weighted)")
                   for m in self.members]
        return [self._mix(list(row)) for row in zip(*columns)]


def any_of(*verifiers: Any) -> AnyOf:
    return AnyOf(*verifiers)


def all_of(*verifiers: Any) -> AllOf:
    return AllOf(*verifiers)


def weighted(verifiers: Sequence[tuple[Any, float]], threshold: float = 1.0) -> Weighted:
    return Weighted(verifiers, threshold=threshold)
