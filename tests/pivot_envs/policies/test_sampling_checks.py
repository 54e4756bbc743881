"""Sampling settings some backend refuses are refused by every backend, and by profile, before
any work: greedy decoding with k > 1, temperatures outside [0, 2], top_p outside (0, 1], ..."""

from __future__ import annotations

import math
import re

import pytest

from pivotrl.pivot_envs.policies import SamplingParams
from pivotrl.pivot_envs.policies.sampling_checks import SamplingParamsError, check_sampling
from pivotrl.pivot_envs.profiling import ProfileConfig, profile
from tests.pivot_envs.profiling.support import ReplayPolicy, shipped_candidates

REFUSED = [
    (SamplingParams(temperature=0.0), 4, "greedy decoding"),
    (SamplingParams(temperature=2.5), 1, "within [0, 2]"),
    (SamplingParams(temperature=-0.1), 1, "within [0, 2]"),
    (SamplingParams(temperature=math.nan), 1, "finite number"),
    (SamplingParams(top_p=0.0), 1, "within (0, 1]"),
    (SamplingParams(top_p=1.5), 1, "within (0, 1]"),
    (SamplingParams(max_tokens=0), 1, "max_tokens"),
    (SamplingParams(seed=-1), 1, "seed"),
    (SamplingParams(), 0, "k must be"),
]
ACCEPTED = [(SamplingParams(temperature=0.0), 1), (SamplingParams(temperature=2.0, top_p=0.01), 16),
            (SamplingParams(seed=0), 8)]


@pytest.mark.parametrize(("params", "k", "match"), REFUSED)
def test_refused_settings(params, k, match):
    with pytest.raises(SamplingParamsError, match=re.escape(match)):
        check_sampling(params, k)


@pytest.mark.parametrize(("params", "k"), ACCEPTED)
def test_accepted_settings(params, k):
    check_sampling(params, k)


def test_profile_refuses_before_sampling(tmp_path):
    policy = ReplayPolicy()
    with pytest.raises(SamplingParamsError, match="greedy"):
        profile(shipped_candidates("tool", limit=2), policy, tmp_path / "p.jsonl",
                ProfileConfig(k=4, sampling=SamplingParams(temperature=0.0)))
    assert policy.calls == [] and not (tmp_path / "p.jsonl").exists()


@pytest.mark.parametrize(("params", "k", "match"), REFUSED[:3])
def test_every_backend_refuses_alike_before_any_work(params, k, match):
    from pivotrl.pivot_envs.policies.hf import HFPolicy
    from pivotrl.pivot_envs.policies.openai_compat import OpenAIPolicy
    from pivotrl.pivot_envs.policies.vllm import VLLMPolicy

    pivots = shipped_candidates("tool", limit=1)
    for backend in (HFPolicy, VLLMPolicy, OpenAIPolicy):
        policy = backend.__new__(backend)  # no model, engine or endpoint: the check comes first
        with pytest.raises(SamplingParamsError, match=re.escape(match)):
            policy.sample(pivots, k, params)
