"""Read a judge's answer tolerantly: JSON (fenced or not, with text around it), or a plain
YES / NO. Anything else is unparseable and reported as such, never guessed."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from pivotrl.verifiers.parsers.reasoning import UnclosedReasoning, strip_reasoning

_TRUE = {"true", "yes", "y", "equivalent", "1"}
_FALSE = {"false", "no", "n", "not equivalent", "0"}
_OBJECT = re.compile(r"\{[^{}]*\}", re.DOTALL)
_YES_NO = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)
_KEY_VALUE = re.compile(r"equivalent\W{0,4}\s*(true|false|yes|no)\b", re.IGNORECASE)


@dataclass(frozen=True)
class JudgeAnswer:
    equivalent: bool | None  # None: unparseable
    reason: str
    how: str  # json | key-value | yes-no | unparseable


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return None


def parse_answer(text: str) -> JudgeAnswer:
    try:
        visible, _ = strip_reasoning(text or "")
    except UnclosedReasoning:
        return JudgeAnswer(None, "the judge's reasoning never ended", "unparseable")
    for candidate in _OBJECT.findall(visible):
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        if isinstance(data, dict) and "equivalent" in data:
            verdict = _as_bool(data["equivalent"])
            if verdict is not None:
                return JudgeAnswer(verdict, str(data.get("reason", ""))[:500], "json")
    match = _KEY_VALUE.search(visible)
    if match:
        return JudgeAnswer(match.group(1).lower() in ("true", "yes"), visible[:300], "key-value")
    match = _YES_NO.search(visible)
    if match:
        return JudgeAnswer(match.group(1).lower() == "yes", visible[:300], "yes-no")
    return JudgeAnswer(None, f"unparseable judge answer: {visible[:200]!r}", "unparseable")


def yes_probability(logprobs: list[dict[str, Any]] | None) -> float | None:
    """P(equivalent) from the top log-probabilities at the first verdict token: the mass on
    true/yes over the mass on true/yes/false/no. None when the server sent no log-probs."""
    if not logprobs:
        return None
    for step in logprobs:
        token = str(step.get("token", "")).strip().lower().strip('"')
        if token in ("true", "yes", "false", "no"):
            top = dict(step.get("top") or {})
            top.setdefault(step.get("token", ""), step.get("logprob", 0.0))
            yes = no = 0.0
            for tok, lp in top.items():
                word = str(tok).strip().lower().strip('"')
                if word in ("true", "yes"):
                    yes += math.exp(lp)
                elif word in ("false", "no"):
                    no += math.exp(lp)
            return yes / (yes + no) if yes + no > 0 else None
    return None
