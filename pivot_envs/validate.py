"""The gold self-check: every pivot's reference action must score 1 under its own verifier.

Besides failures, it collects what verifiers found wrong with the pivots' tool schemas (a
constraint the reference breaks and that is therefore not enforced at that pivot, a part of a
schema that is not valid JSON Schema, a tool the reference calls undeclared), grouped per tool and
constraint with the pivots they concern: warnings, or errors under ``strict``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers import Verdict, get_verifier
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec, is_spec_like


@dataclass
class SchemaWarning:
    """One schema problem (a tool, a kind, a constraint at a place) and the pivots it concerns."""

    tool: str
    kind: str        # relaxed | repaired | undeclared_tool
    constraint: str  # the JSON Schema keyword ("enum", "type", "required", ...), "schema" or "tool"
    location: str
    detail: str      # as seen at the first pivot
    pivots: list[str] = field(default_factory=list)

    def describe(self) -> str:
        where = f" at {self.location}" if self.location else ""
        what = {"relaxed": f"{self.constraint}{where} is not enforced: the reference {self.detail}",
                "repaired": f"schema{where}: {self.detail}",
                "undeclared_tool": self.detail}.get(self.kind, self.detail)
        return f"{self.tool}: {what}"


@dataclass
class ValidationReport:
    checked: int = 0
    failures: list[tuple[Pivot, Verdict]] = field(default_factory=list)
    warnings: list[SchemaWarning] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every reference scores 1 (schema warnings aside)."""
        return not self.failures

    def passes(self, strict: bool = False) -> bool:
        """``ok``, and under ``strict`` no schema warning either."""
        return self.ok and not (strict and self.warnings)


def _schema_auditors(verifier: Any) -> Iterator[Any]:
    """The verifier and its members (combinators) that can say what is wrong with a pivot's schemas."""
    if callable(getattr(verifier, "findings", None)):
        yield verifier
    for member in getattr(verifier, "members", None) or []:
        yield from _schema_auditors(member)


def validate_pivots(pivots: Sequence[Pivot], verifier: Any = None) -> ValidationReport:
    """Score each reference against its pivot with its own verifier (``verifier_for``; a built
    ``verifier`` or a function is used as it is); pivots sharing a verifier are batched."""
    pool = VerifierPool()
    groups: dict[str, tuple[Any, list[Pivot]]] = {}
    if verifier is not None and not is_spec_like(verifier):
        groups[""] = (get_verifier(verifier), list(pivots))
    else:
        for pivot in pivots:
            spec = verifier_for(pivot, verifier)
            groups.setdefault(spec.key(), (spec, []))[1].append(pivot)
    report = ValidationReport()
    warnings: dict[tuple[str, ...], SchemaWarning] = {}
    try:
        for chosen, members in groups.values():
            built = pool.get(chosen) if isinstance(chosen, VerifierSpec) else chosen
            _check_group(built, members, report, warnings)
    finally:
        pool.close()  # give back the sandboxes (shell_exec) the checks held
    report.warnings = sorted(warnings.values(), key=lambda w: (-len(w.pivots), w.tool, w.constraint, w.location))
    return report


def _check_group(built: Any, members: list[Pivot], report: ValidationReport,
                 warnings: dict[tuple[str, ...], SchemaWarning]) -> None:
    """Score the members' references with ``built``; collect its schema findings."""
    verdicts = built.verify_batch([p.reference for p in members], members)
    report.checked += len(members)
    report.failures.extend((p, v) for p, v in zip(members, verdicts, strict=True) if not v.equivalent or v.score < 1.0)
    for auditor in _schema_auditors(built):
        for pivot in members:
            for finding in auditor.findings(pivot):
                warning = warnings.setdefault(finding.key, SchemaWarning(
                    finding.tool, finding.kind, finding.constraint, finding.location, finding.detail))
                if not warning.pivots or warning.pivots[-1] != pivot.id:
                    warning.pivots.append(pivot.id)
