"""The result of one verification: a reward and the reason for it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pivotrl.errors import VerifierError


@dataclass(frozen=True)
class Verdict:
    """``score`` is the reward (0..1); ``equivalent`` says whether the action is in M(s).

    ``reason`` is one human-readable line; ``details`` holds whatever a user needs to see
    why (both sides, the first difference, validation messages, timings).
    """

    score: float
    equivalent: bool
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        score = float(self.score)
        if math.isnan(score):
            raise ValueError("Verdict.score is NaN")
        object.__setattr__(self, "score", score)
        object.__setattr__(self, "equivalent", bool(self.equivalent))

    @classmethod
    def accept(cls, reason: str = "equivalent", **details: Any) -> Verdict:
        return cls(1.0, True, reason, details)

    @classmethod
    def reject(cls, reason: str, score: float = 0.0, **details: Any) -> Verdict:
        return cls(score, False, reason, details)

    @classmethod
    def coerce(cls, value: object, *, source: str = "verifier") -> Verdict:
        """Read a verifier's return value: a Verdict, a bool or a number in [0, 1].

        A number counts as equivalent only when it is 1: a partial score is partial credit. A
        score outside [0, 1] (2.0, -1, inf) is a VerifierError naming ``source``: a reward out
        of range would silently skew every advantage it enters. A wrong type is a TypeError.
        """
        if isinstance(value, Verdict):
            verdict = value
        elif isinstance(value, bool):
            return cls(float(value), value, f"{source} returned {value}")
        elif isinstance(value, (int, float)) and not math.isnan(float(value)):
            score = float(value)
            verdict = cls(score, score >= 1.0, f"{source} returned {score:g}")
        else:
            raise TypeError(
                f"{source} must return a Verdict, a bool or a number, got {type(value).__name__}: {value!r:.80}"
            )
        if not 0.0 <= verdict.score <= 1.0:
            raise VerifierError(f"{source} returned the score {verdict.score:g}: rewards must lie within [0, 1] "
                                "(1 = the action is locally equivalent to the reference)")
        return verdict

    @property
    def skipped(self) -> bool:
        """The verifier could not decide and asks the trainer to drop the sample (TRL: None)."""
        return bool(self.details.get("skip"))

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "equivalent": self.equivalent, "reason": self.reason, "details": self.details}


def checked_batch(results: object, expected: int, *, source: str) -> list[Verdict]:
    """A verifier's ``verify_batch`` answer: exactly one valid verdict per action, or a
    VerifierError naming ``source`` (a short list would be filled by whatever comes next)."""
    if not isinstance(results, Sequence) or isinstance(results, (str, bytes)):
        raise VerifierError(f"{source} returned {type(results).__name__} from verify_batch, expected a list of "
                            f"{expected} verdicts")
    if len(results) != expected:
        raise VerifierError(f"{source} returned {len(results)} verdicts for {expected} actions: verify_batch must "
                            "return one verdict per action, in order")
    out = []
    for result in results:
        try:
            out.append(Verdict.coerce(result, source=source))
        except TypeError as exc:
            raise VerifierError(str(exc)) from None
    return out
