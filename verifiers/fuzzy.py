"""``fuzzy``: string similarity of the canonical action text with a rapidfuzz scorer.

The batch path scores all pairs in one ``rapidfuzz.process.cpdist`` call (C++, all cores).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from rapidfuzz import fuzz, process, utils

from pivotrl.errors import VerifierError
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier, PivotLike, reference_action
from pivotrl.verifiers.config import VerifierConfig, runtime_field
from pivotrl.verifiers.exact import action_text
from pivotrl.verifiers.verdict import Verdict

SCORERS = {
    "ratio": fuzz.ratio,
    "partial_ratio": fuzz.partial_ratio,
    "token_sort_ratio": fuzz.token_sort_ratio,
    "token_set_ratio": fuzz.token_set_ratio,
    "token_ratio": fuzz.token_ratio,
    "WRatio": fuzz.WRatio,
    "QRatio": fuzz.QRatio,
}


@dataclass(frozen=True)
class FuzzyConfig(VerifierConfig):
    """``scorer`` (a rapidfuzz scorer name), ``threshold`` (0..100), ``graded`` (score = similarity
    / 100), ``case_sensitive``; ``workers`` for the batch path (-1: all cores)."""

    kind: ClassVar[str] = "fuzzy"
    scorer: str = "token_sort_ratio"
    threshold: float = 90.0
    graded: bool = False
    case_sensitive: bool = False
    workers: int = runtime_field(-1)

    def __post_init__(self) -> None:
        if self.scorer not in SCORERS:
            raise VerifierError(f"unknown fuzzy scorer {self.scorer!r}; known: {', '.join(SCORERS)}")
        if not 0 <= float(self.threshold) <= 100:
            raise VerifierError(f"fuzzy threshold must be within 0..100, got {self.threshold}")
        self._set(threshold=float(self.threshold), graded=bool(self.graded), case_sensitive=bool(self.case_sensitive),
                  workers=int(self.workers))


class FuzzyVerifier(BaseVerifier):
    """Equivalent when ``scorer(reference, action) >= threshold`` (0..100). With
    ``graded=True`` the score is the similarity / 100 instead of 0 or 1."""

    name = "fuzzy"
    Config = FuzzyConfig
    config: FuzzyConfig

    def __init__(self, config: FuzzyConfig | None = None, **params: Any) -> None:
        self.config = FuzzyConfig.of(config, params)

    def _processor(self) -> Any:
        return None if self.config.case_sensitive else utils.default_process

    def _verdict(self, similarity: float, action: Action, pivot: PivotLike) -> Verdict:
        c = self.config
        equivalent = similarity >= c.threshold
        score = similarity / 100.0 if c.graded else float(equivalent)
        reason = f"{c.scorer} {similarity:.1f} {'>=' if equivalent else '<'} {c.threshold:g}"
        return Verdict(score, equivalent, reason, {"similarity": round(similarity, 3)})

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        ref = action_text(reference_action(pivot))
        similarity = SCORERS[self.config.scorer](ref, action_text(action), processor=self._processor())
        return self._verdict(float(similarity), action, pivot)

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        refs: dict[int, str] = {}
        for p in pivots:
            if id(p) not in refs:
                refs[id(p)] = action_text(reference_action(p))
        scores = process.cpdist(
            [refs[id(p)] for p in pivots],
            [action_text(a) for a in actions],
            scorer=SCORERS[self.config.scorer],
            processor=self._processor(),
            workers=self.config.workers,
            dtype=np.float32,
        )
        return [self._verdict(float(s), a, p) for s, a, p in zip(scores, actions, pivots, strict=True)]
