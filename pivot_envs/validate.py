"""The gold self-check: every pivot's reference action must score 1 under its own verifier."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pivotrl.pivot_envs.domains import default_verifier
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers import Verdict, get_verifier


@dataclass
class ValidationReport:
    checked: int = 0
    failures: list[tuple[Pivot, Verdict]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def verifier_spec(pivot: Pivot, override: Any = None) -> Any:
    return override if override is not None else (pivot.verifier or default_verifier(pivot.domain))


def validate_pivots(pivots: Sequence[Pivot], verifier: Any = None) -> ValidationReport:
    """Score each reference against its pivot; pivots sharing a verifier spec are batched."""
    groups: dict[str, list[Pivot]] = defaultdict(list)
    specs: dict[str, Any] = {}
    for pivot in pivots:
        spec = verifier_spec(pivot, verifier)
        key = repr(spec)
        specs[key] = spec
        groups[key].append(pivot)
    report = ValidationReport()
    for key, members in groups.items():
        built = get_verifier(specs[key])
        verdicts = built.verify_batch([p.reference for p in members], members)
        report.checked += len(members)
        report.failures.extend((p, v) for p, v in zip(members, verdicts) if not v.equivalent or v.score < 1.0)
    return report
