"""Pivot candidates: every assistant turn of a trajectory, with the prefix before it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.records import Pivot, Trajectory

logger = logging.getLogger(__name__)


@dataclass
class ExtractionReport:
    trajectories: int = 0
    candidates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (trajectory id, why)


def candidates_of(trajectory: Trajectory, verifier: dict[str, Any] | None = None) -> list[Pivot]:
    """One Pivot per assistant turn; ``source.turn`` counts assistant turns from 0."""
    out = []
    for turn, index in enumerate(trajectory.assistant_turns):
        if index == 0:
            continue  # nothing precedes it: no state to act from
        reference = {k: v for k, v in trajectory.messages[index].items() if k != "reasoning_content"}
        pivot = Pivot(
            id=f"{trajectory.id}:{turn}",
            domain=trajectory.domain,
            messages=trajectory.messages[:index],
            tools=trajectory.tools,
            reference=reference,
            env=trajectory.env,
            source={"trajectory_id": trajectory.id, "turn": turn, "message_index": index},
            meta=trajectory.meta,
        )
        out.append(replace(pivot, verifier=verifier_for(pivot, verifier).to_dict()))
    return out


def extract_candidates(
    trajectories: Iterable[Trajectory],
    *,
    verifier: dict[str, Any] | None = None,
    report: ExtractionReport | None = None,
) -> list[Pivot]:
    report = report if report is not None else ExtractionReport()
    out: list[Pivot] = []
    for trajectory in trajectories:
        report.trajectories += 1
        found = candidates_of(trajectory, verifier)
        if not found:
            why = "no assistant turn" if not trajectory.assistant_turns else "its only assistant turn has no prefix"
            report.skipped.append((trajectory.id, why))
            logger.warning("trajectory %s has %s; no pivot candidate", trajectory.id, why)
        out.extend(found)
    report.candidates += len(out)
    return out
