"""The sampling settings every policy backend accepts, checked once before any work.

Backends differ in what they refuse (vLLM rejects greedy sampling with ``n > 1``, OpenAI-style
servers a temperature above 2; Hugging Face ``generate`` takes both), so a setting that works
with ``hf:`` would fail hours later with ``vllm:``. Every backend, and ``profile`` before it
loads anything, applies the union of those rules.
"""

from __future__ import annotations

import math
from typing import Any

from pivotrl.errors import PivotRLError

MAX_TEMPERATURE = 2.0  # the OpenAI API's bound, enforced by vLLM's server and hosted APIs
MAX_SEED = 2**63 - 1


class SamplingParamsError(PivotRLError, ValueError):
    """A sampling setting some backend would refuse; refused by all of them, up front."""


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SamplingParamsError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def check_sampling(params: Any, k: int) -> None:
    """Refuse ``params`` (a SamplingParams) with ``k`` samples per pivot where any backend would.

    Greedy decoding (temperature 0) with ``k > 1`` is refused too: the K samples are one action
    repeated, so every group is uniform and profiling can keep nothing."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise SamplingParamsError(f"k must be at least 1 (a whole number), got {k!r}")
    temperature = _number("temperature", params.temperature)
    if not 0.0 <= temperature <= MAX_TEMPERATURE:
        raise SamplingParamsError(f"temperature must be within [0, {MAX_TEMPERATURE:g}], got {temperature:g} "
                                  "(vLLM and OpenAI-compatible servers refuse the rest)")
    if temperature == 0.0 and k > 1:
        raise SamplingParamsError(f"temperature 0 is greedy decoding: the {k} samples would be one action repeated, "
                                  "every group uniform (zero variance), and vLLM refuses it; use temperature > 0 "
                                  "(1.0 for profiling) or k = 1")
    top_p = _number("top_p", params.top_p)
    if not 0.0 < top_p <= 1.0:
        raise SamplingParamsError(f"top_p must be within (0, 1], got {top_p:g}")
    max_tokens = params.max_tokens
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise SamplingParamsError(f"max_tokens must be a whole number of at least 1, got {max_tokens!r}")
    seed = params.seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED):
        raise SamplingParamsError(f"seed must be a whole number within [0, 2**63 - 1] or None, got {seed!r}")
