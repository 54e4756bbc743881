"""``terminus``: compare a Terminus-harness answer (the JSON reply of Terminal-Bench's terminus
agents, NeMo Gym ``expected_answer`` rows) with the reference answer.

The reply must be a valid answer of the reference's harness and agree on ``task_complete``.
Then the keystrokes decide: equal after shell-aware normalisation is equivalent; otherwise,
with a ``judge`` configured, an LLM judge decides (as NeMo Gym's terminus_judge server does),
and without one the first differing command is the reason. The free-text analysis / plan /
explanation fields never decide.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pivotrl.errors import VerifierError
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import BaseVerifier, PivotLike
from pivotrl.verifiers.config import VerifierConfig
from pivotrl.verifiers.parsers import ParserConfig, parse_action
from pivotrl.verifiers.terminus_doc import (
    SCHEMAS,
    TerminusAnswer,
    Typed,
    canonical_shell,
    key_stream,
    parse_answer,
)
from pivotrl.verifiers.verdict import Verdict

JUDGE_SYSTEM = (
    "You grade the next turn of an AI agent that drives a Linux terminal through the Terminus harness: each "
    "turn is a JSON document whose 'commands' are keystrokes sent to a tmux session. Decide whether the "
    "CANDIDATE turn is functionally equivalent to the REFERENCE turn at this point of the task: its "
    "keystrokes would have the same effect on the machine and reveal the same information, so the episode "
    "can go on the same way. Different spellings of the same command, harmless extra flags, and different "
    "waits or timeouts do not matter; a different file, value, command or a missing step does. The analysis "
    "and plan fields only explain intent. If the task-complete flags differ, the turns are not equivalent. "
    'Answer with JSON only: {{"equivalent": true or false, "reason": "<one short sentence>"}}.'
)
JUDGE_USER = """## Task and terminal so far
{state}

## Reference turn
{reference}

## Candidate turn
{candidate}

Is the candidate turn equivalent to the reference turn? Answer with JSON only."""


_REFERENCE_PARSER = ParserConfig(parse_text_tool_calls=False, max_chars=10**9)


def _flag_name(harness: str) -> str:
    return "is_task_complete" if harness == "terminus_1" else "task_complete"


def compare_keystrokes(reference: TerminusAnswer, candidate: TerminusAnswer) -> str | None:
    """None when both send the same keys after normalisation, else the first difference."""
    expected, got = key_stream(reference.keystrokes), key_stream(candidate.keystrokes)
    # strict=False: a longer or shorter key stream is reported after the loop, once the common part agrees
    for index, (a, b) in enumerate(zip(expected, got, strict=False)):
        if isinstance(a, Typed) and isinstance(b, Typed):
            if canonical_shell(a.submitted) != canonical_shell(b.submitted):
                if b.pending and canonical_shell(b.submitted + b.pending + "\n") == canonical_shell(a.submitted):
                    return (f"keystrokes part {index + 1}: {_short(b.pending)} is typed but not submitted "
                            "(no newline or Enter after it)")
                return f"keystrokes part {index + 1}: ran {_short(b.submitted)}, expected {_short(a.submitted)}"
            if " ".join(a.pending.split()) != " ".join(b.pending.split()):
                return (f"keystrokes part {index + 1}: left {_short(b.pending)} typed but not submitted, "
                        f"expected {_short(a.pending)}")
        elif a != b:
            return f"keystrokes part {index + 1}: sent {_short(b)}, expected {_short(a)}"
    if len(expected) != len(got):
        extra = got[len(expected):] or expected[len(got):]
        more = "more" if len(got) > len(expected) else "fewer"
        return f"sends {more} keystrokes than the reference ({_short(extra[0])} ...)"
    return None


def _short(part: Typed | str) -> str:
    value = part if isinstance(part, str) else part.submitted + part.pending
    value = value.strip() or value
    return repr(value if len(value) <= 100 else value[:97] + "...")


@dataclass(frozen=True)
class TerminusConfig(VerifierConfig):
    """``judge``: None, or the parameters of an ``llm_judge`` (``base_url``, ``model``,
    ``on_failure``...) used only when the keystrokes differ; ``harness`` (terminus_1 |
    terminus_2; default: the reference's own)."""

    kind: ClassVar[str] = "terminus"
    judge: dict[str, Any] | None = None
    harness: str | None = None

    def __post_init__(self) -> None:
        if self.harness is not None and self.harness not in SCHEMAS:
            raise VerifierError(f"terminus harness must be one of {', '.join(SCHEMAS)}, got {self.harness!r}")
        if self.judge is not None and not isinstance(self.judge, Mapping):
            raise VerifierError(f"terminus judge must be the parameters of an llm_judge (a dict), got {self.judge!r:.80}")
        if self.judge is not None:
            self._set(judge=dict(self.judge))


class TerminusVerifier(BaseVerifier):
    """See TerminusConfig for the parameters."""

    name = "terminus"
    Config = TerminusConfig
    config: TerminusConfig
    # JSON replies are the answer itself, never a tool call in bare-JSON syntax
    parser_config = ParserConfig(parse_text_tool_calls=False)

    def __init__(self, config: TerminusConfig | None = None, **params: Any) -> None:
        self.config = TerminusConfig.of(config, params)
        self.judge = None  # the built judge (``config.judge`` holds its parameters)
        if self.config.judge is not None:
            from pivotrl.verifiers.llm_judge import LLMJudgeVerifier

            self.judge = LLMJudgeVerifier(**{"template": {"system": JUDGE_SYSTEM, "user": JUDGE_USER},
                                             "max_tokens": 256, **self.config.judge})
            if self.config.judge.get("model") is None:  # named by the environment: recorded, as llm_judge does
                self.config = replace(self.config, judge={**self.config.judge, "model": self.judge.config.model})

    def close(self) -> None:
        """Close the judge (its verdict cache), if one is configured."""
        if self.judge is not None:
            self.judge.close()

    def _after_copy(self) -> None:
        if self.judge is not None:  # the copy's own judge: closing one never closes the other's cache
            judge = copy.copy(self.judge)
            judge._after_copy()
            self.judge = judge

    def _reference(self, pivot: PivotLike) -> TerminusAnswer:
        reference = parse_action(pivot.reference, _REFERENCE_PARSER)
        harness = self.config.harness or (getattr(pivot, "meta", None) or {}).get("harness")
        parsed = parse_answer(reference.text, harness if harness in SCHEMAS else None) \
            if reference.kind == "text" else "the reference is not a text reply"
        if isinstance(parsed, str):
            raise VerifierError(f"pivot {pivot.id!r}: the reference is not a Terminus answer: {parsed}")
        return parsed

    def _precheck(self, action: Action, pivot: PivotLike) -> Verdict | None:
        """The verdict without a judge, or None when only the judge can decide."""
        reference = self._reference(pivot)
        if action.kind != "text":
            return Verdict.reject("the Terminus harness reads a JSON reply; the action calls tools",
                                  failure_kind="not_text", got=action.describe())
        candidate = parse_answer(action.text, reference.harness)
        if isinstance(candidate, str):
            return Verdict.reject(candidate, failure_kind="format", harness=reference.harness, got=action.describe())
        if candidate.task_complete != reference.task_complete:
            flag = _flag_name(reference.harness)
            return Verdict.reject(f"{flag} is {str(candidate.task_complete).lower()}, the reference says "
                                  f"{str(reference.task_complete).lower()}", failure_kind="task_complete")
        difference = compare_keystrokes(reference, candidate)
        if difference is None:
            return Verdict.accept(f"same keystrokes after shell-aware normalisation ({len(reference.keystrokes)} "
                                  "commands) and the same task_complete", stage="keystrokes")
        if self.judge is None:
            return Verdict.reject(difference, failure_kind="keystrokes", expected=list(reference.keystrokes),
                                  got=list(candidate.keystrokes))
        return None

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        return self._verify_valid_batch([action], [pivot])[0]

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        verdicts: list[Verdict | None] = [self._precheck(a, p) for a, p in zip(actions, pivots, strict=True)]
        pending = [i for i, v in enumerate(verdicts) if v is None]
        if pending and self.judge is not None:
            judged = self.judge.verify_batch([actions[i] for i in pending], [pivots[i] for i in pending])
            for i, verdict in zip(pending, judged, strict=True):
                verdicts[i] = Verdict(verdict.score, verdict.equivalent, verdict.reason,
                                      {**verdict.details, "stage": "judge"})
        return verdicts  # type: ignore[return-value]

    @property
    def stats(self) -> dict[str, int]:
        return dict(self.judge.stats) if self.judge is not None else {}

