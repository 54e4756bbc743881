"""``exact``: equality after whitespace and quote normalisation (the string-match
baseline PivotRL improves on; useful as a strict check and as a control)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier, PivotLike, reference_action
from pivotrl.verifiers.config import VerifierConfig
from pivotrl.verifiers.verdict import Verdict

_QUOTES = ("\u2018", "\u2019", "\u201c", "\u201d", "'", "`")


def normalize_text(text: str) -> str:
    for quote in _QUOTES:  # chained str.replace beats str.translate with a dict by ~10x here
        if quote in text:
            text = text.replace(quote, '"')
    return " ".join(text.split())


def action_text(action: Action) -> str:
    """One canonical string per action: sorted ``name(json)`` lines for calls, else the text."""
    if action.kind == "tool_calls":
        calls = sorted(
            f"{c.name}({json.dumps(c.arguments, sort_keys=True, ensure_ascii=False)})" for c in action.tool_calls
        )
        return normalize_text("\n".join(calls))
    return normalize_text(action.text)


@dataclass(frozen=True)
class ExactConfig(VerifierConfig):
    """``exact`` has no parameters but the parser; the empty config keeps it like the others."""

    kind: ClassVar[str] = "exact"


class ExactVerifier(BaseVerifier):
    name = "exact"
    Config = ExactConfig
    config: ExactConfig

    def __init__(self, config: ExactConfig | None = None, **params: Any) -> None:
        self.config = ExactConfig.of(config, params)

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        return self._compare(action_text(action), action_text(reference_action(pivot)))

    @staticmethod
    def _compare(candidate: str, reference: str) -> Verdict:
        if candidate == reference:
            return Verdict.accept("identical after whitespace and quote normalisation")
        # strict=False: the strings may differ in length; past the shorter one the difference is its end
        at = next((i for i, (a, b) in enumerate(zip(candidate, reference, strict=False)) if a != b),
                  min(len(candidate), len(reference)))
        return Verdict.reject(
            f"differs at character {at}",
            expected=reference[max(0, at - 30) : at + 50],
            got=candidate[max(0, at - 30) : at + 50],
        )

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        refs: dict[int, str] = {}
        for p in pivots:
            if id(p) not in refs:
                refs[id(p)] = action_text(reference_action(p))
        return [self._compare(action_text(a), refs[id(p)]) for a, p in zip(actions, pivots, strict=True)]
