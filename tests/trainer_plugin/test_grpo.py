"""Turn-level GRPO: group advantages, the loss against a TRL-style reference for every aggregation mode,
the fused loss against the unfused one (value and gradients), the debugging metrics, and learning."""

from __future__ import annotations

import itertools
import math

import pytest

torch = pytest.importorskip("torch")

from pivotrl.errors import PivotRLError  # noqa: E402
from pivotrl.trainer_plugin.grpo import (  # noqa: E402
    LOSS_TYPES,
    GRPOConfig,
    fused_grpo_loss,
    grad_norm,
    group_advantages,
    group_stats,
    grpo_loss,
)
from pivotrl.trainer_plugin.kernels import fused_linear_logprobs  # noqa: E402

# ---- config ---------------------------------------------------------------------------------------------------

def test_config_defaults_follow_trl():
    c = GRPOConfig()
    assert (c.loss_type, c.epsilon_low, c.epsilon_high, c.beta, c.scale_rewards) == ("dapo", 0.2, 0.2, 0.0, "group")


@pytest.mark.parametrize("kwargs, match", [
    ({"loss_type": "ppo"}, "loss_type must be one of"),
    ({"scale_rewards": True}, "scale_rewards must be one of"),
    ({"baseline": "median"}, "baseline must be one of"),
    ({"importance_sampling_level": "batch"}, "importance_sampling_level"),
    ({"epsilon_low": 1.0}, "below 1"),
    ({"epsilon_high": -0.1}, "epsilon_high"),
    ({"beta": float("nan")}, "beta"),
    ({"temperature": 0}, "temperature"),
    ({"max_completion_length": 0}, "max_completion_length"),
])
def test_config_rejects_bad_values_with_the_allowed_ones(kwargs, match):
    with pytest.raises(PivotRLError, match=match):
        GRPOConfig(**kwargs)


# ---- advantages -----------------------------------------------------------------------------------------------

def trl_advantages(rewards, G, scale="group"):
    """TRL's GRPOTrainer formula (group mean, unbiased std + 1e-4)."""
    grouped = rewards.view(-1, G)
    mean = grouped.mean(1).repeat_interleave(G)
    std = grouped.std(1).repeat_interleave(G) if scale == "group" else rewards.std().expand_as(rewards)
    adv = rewards - mean
    return adv if scale == "none" else adv / (std + 1e-4)


@pytest.mark.parametrize("scale", ["group", "batch", "none"])
def test_group_advantages_match_trl(scale):
    rewards = torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.2, 0.9, 0.4, 0.0])
    got = group_advantages(rewards, 4, GRPOConfig(scale_rewards=scale))
    assert torch.allclose(got, trl_advantages(rewards, 4, scale), atol=1e-6)
    assert bool((got[4:8] == 0).all()), "a zero-spread group carries no signal"


def test_group_ids_may_be_any_ints_in_any_order():
    rewards = torch.tensor([1.0, 5.0, 0.0, 7.0])
    by_ids = group_advantages(rewards, [10, 3, 10, 3], GRPOConfig(scale_rewards="none"))
    assert torch.allclose(by_ids, torch.tensor([0.5, -1.0, -0.5, 1.0]))


def test_leave_one_out_baseline_excludes_the_sample_itself():
    adv = group_advantages(torch.tensor([1.0, 0.0, 0.0, 0.0]), 4, GRPOConfig(baseline="leave_one_out",
                                                                             scale_rewards="none"))
    assert torch.allclose(adv, torch.tensor([1.0, -1 / 3, -1 / 3, -1 / 3]))


def test_invalid_actions_get_the_fixed_advantage_and_do_not_shift_their_group():
    cfg = GRPOConfig(invalid_advantage=-5.0, scale_rewards="none")
    rewards = torch.tensor([1.0, 0.0, 0.5, 0.0])
    adv = group_advantages(rewards, 4, cfg, invalid=torch.tensor([False, False, False, True]))
    assert torch.allclose(adv, torch.tensor([0.5, -0.5, 0.0, -5.0]))
    plain = group_advantages(rewards, 4, GRPOConfig(scale_rewards="none"), invalid=[False, False, False, True])
    assert torch.allclose(plain, rewards - rewards.mean()), "without invalid_advantage they are ordinary samples"


def test_singleton_groups_get_zero_and_bad_inputs_are_loud():
    assert torch.equal(group_advantages(torch.tensor([3.0, 1.0]), [0, 1], GRPOConfig()), torch.zeros(2))
    with pytest.raises(PivotRLError, match="divide the batch size"):
        group_advantages(torch.zeros(6), 4, GRPOConfig())
    with pytest.raises(PivotRLError, match="NaN"):
        group_advantages(torch.tensor([1.0, float("nan")]), 2, GRPOConfig())
    with pytest.raises(PivotRLError, match="one id per sample"):
        group_advantages(torch.zeros(3), [0, 0], GRPOConfig())


def test_group_stats_reports_the_zero_spread_share():
    stats = group_stats(torch.tensor([1.0, 1.0, 0.0, 1.0, 0.0, 0.0]), 2)
    assert stats["zero_spread_group_share"] == pytest.approx(2 / 3)
    assert stats["num_groups"] == 3 and stats["reward_mean"] == pytest.approx(0.5)


# ---- the loss against a TRL-style reference -------------------------------------------------------------------

def reference_loss(lp, adv, mask, cfg, old=None, ref=None):
    """TRL GRPOTrainer._compute_loss, restated on [B, T] tensors."""
    old = lp.detach() if old is None else old
    m = mask.float()
    log_ratio = lp - old
    if cfg.importance_sampling_level == "sequence":
        log_ratio = ((log_ratio * m).sum(-1) / m.sum(-1).clamp(min=1)).unsqueeze(-1)
    c1 = torch.exp(log_ratio)
    c2 = torch.clamp(c1, 1 - cfg.epsilon_low, 1 + cfg.epsilon_high)
    a = adv.unsqueeze(1)
    per = -torch.min(c1 * a, c2 * a)
    if cfg.beta:
        per = per + cfg.beta * (torch.exp(ref - lp) - (ref - lp) - 1)
    per = per.expand_as(m)
    if cfg.loss_type == "grpo":
        return ((per * m).sum(-1) / m.sum(-1).clamp(min=1)).mean()
    if cfg.loss_type in ("bnpo", "dapo"):
        return (per * m).sum() / m.sum().clamp(min=1)
    return (per * m).sum() / (per.size(0) * (cfg.max_completion_length or m.shape[1]))


def batch(seed=0, B=4, T=6, H=8, V=37, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    hidden = torch.randn(B, T, H, generator=g, dtype=dtype)
    weight = torch.randn(V, H, generator=g, dtype=dtype) * 0.5
    bias = torch.randn(V, generator=g, dtype=dtype) * 0.1
    ids = torch.randint(0, V, (B, T), generator=g)
    mask = torch.rand(B, T, generator=g) > 0.25
    mask[0] = True
    mask[1, 2:] = False
    adv = torch.randn(B, generator=g, dtype=dtype)
    with torch.no_grad():
        lp = fused_linear_logprobs(hidden, weight, ids, 0.8, bias=bias, mask=mask)
    old = (lp + 0.3 * torch.randn(B, T, generator=g, dtype=dtype)) * mask  # some tokens clip, some do not
    ref = (lp + 0.2 * torch.randn(B, T, generator=g, dtype=dtype)) * mask
    return hidden, weight, bias, ids, mask, adv, old, ref


CASES = list(itertools.product(LOSS_TYPES, ("token", "sequence"), (0.0, 0.1)))


@pytest.mark.parametrize("loss_type, level, beta", CASES)
def test_grpo_loss_matches_trl_reference(loss_type, level, beta):
    hidden, weight, bias, ids, mask, adv, old, ref = batch()
    cfg = GRPOConfig(loss_type=loss_type, importance_sampling_level=level, beta=beta, temperature=0.8,
                     max_completion_length=10)
    lp = fused_linear_logprobs(hidden, weight, ids, 0.8, bias=bias, mask=mask).requires_grad_(True)
    ours = grpo_loss(lp, adv, mask, cfg, old_logprobs=old, ref_logprobs=ref).loss
    expected = reference_loss(lp, adv, mask, cfg, old, ref)
    assert float(ours.detach()) == pytest.approx(float(expected.detach()), rel=1e-9, abs=1e-12)
    (g1,) = torch.autograd.grad(ours, lp)
    (g2,) = torch.autograd.grad(expected, lp)
    assert torch.allclose(g1 * mask, g2 * mask, atol=1e-12)


@pytest.mark.parametrize("loss_type, level, beta", CASES)
@pytest.mark.parametrize("chunk", [1, 5, 64])
def test_fused_grpo_loss_equals_grpo_loss_on_fused_logprobs(loss_type, level, beta, chunk):
    hidden, weight, bias, ids, mask, adv, old, ref = batch()
    cfg = GRPOConfig(loss_type=loss_type, importance_sampling_level=level, beta=beta, temperature=0.8,
                     max_completion_length=10, epsilon_high=0.28)
    results = []
    for fused in (False, True):
        params = [t.clone().requires_grad_(True) for t in (hidden, weight, bias)]
        if fused:
            out = fused_grpo_loss(*params[:2], ids, adv, mask, cfg, old_logprobs=old, ref_logprobs=ref,
                                  bias=params[2], chunk_size=chunk)
        else:
            lp = fused_linear_logprobs(*params[:2], ids, 0.8, bias=params[2], mask=mask)
            out = grpo_loss(lp, adv, mask, cfg, old_logprobs=old, ref_logprobs=ref)
        results.append((out.loss.detach(), *torch.autograd.grad(out.loss, params), out.metrics, out.logprobs))
    plain, fused = results
    assert float(fused[0]) == pytest.approx(float(plain[0]), rel=1e-10, abs=1e-12)
    for a, b in zip(fused[1:4], plain[1:4], strict=True):
        assert torch.allclose(a, b, atol=1e-10)
    for key in ("ratio_mean", "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean", "kl"):
        assert fused[4][key] == pytest.approx(plain[4][key], abs=1e-9)
    assert torch.allclose(fused[5], plain[5].float(), atol=1e-6)


def test_fused_grpo_loss_fp32_and_bf16_close_to_unfused():
    for dtype, tol in ((torch.float32, 1e-5), (torch.bfloat16, 2e-2)):
        hidden, weight, _, ids, mask, adv, old, _ = batch(dtype=torch.float32)
        hidden, weight = hidden.to(dtype), weight.to(dtype)
        cfg = GRPOConfig(loss_type="dapo", temperature=0.8)
        res = []
        for fused in (False, True):
            h, w = hidden.clone().requires_grad_(True), weight.clone().requires_grad_(True)
            if fused:
                out = fused_grpo_loss(h, w, ids, adv, mask, cfg, old_logprobs=old.float(), chunk_size=3)
            else:
                lp = fused_linear_logprobs(h, w, ids, 0.8, mask=mask)
                out = grpo_loss(lp, adv, mask, cfg, old_logprobs=old.float())
            res.append((out.loss.detach().float(), *[g.float() for g in torch.autograd.grad(out.loss, (h, w))]))
        for a, b in zip(*res, strict=True):
            assert float((a - b).abs().max()) <= tol * max(float(b.abs().max()), 1.0)


def test_dapo_with_num_items_accumulates_to_the_full_batch_gradient():
    hidden, weight, _, ids, mask, adv, old, _ = batch()
    cfg = GRPOConfig(loss_type="dapo", temperature=0.8)
    w = weight.clone().requires_grad_(True)
    full = fused_grpo_loss(hidden, w, ids, adv, mask, cfg, old_logprobs=old).loss
    (g_full,) = torch.autograd.grad(full, w)
    items = float(mask.sum())
    halves = sum(fused_grpo_loss(hidden[s], w, ids[s], adv[s], mask[s], cfg, old_logprobs=old[s],
                                 num_items_in_batch=items).loss for s in (slice(0, 2), slice(2, 4)))
    (g_acc,) = torch.autograd.grad(halves, w)
    assert torch.allclose(g_full, g_acc, atol=1e-12)


# ---- behaviour and metrics ------------------------------------------------------------------------------------

def test_on_policy_gradient_is_the_advantage_weighted_score():
    lp = torch.tensor([[-1.0, -2.0], [-0.5, -3.0]], requires_grad=True)
    mask = torch.tensor([[True, True], [True, False]])
    out = grpo_loss(lp, torch.tensor([2.0, -1.0]), mask, GRPOConfig(loss_type="bnpo"))
    (g,) = torch.autograd.grad(out.loss, lp)
    assert torch.allclose(g, torch.tensor([[-2 / 3, -2 / 3], [1 / 3, 0.0]]))
    assert out.metrics["ratio_mean"] == 1.0 and out.metrics["clip_ratio/region_mean"] == 0.0


def test_clipped_tokens_get_no_gradient_and_are_counted():
    lp = torch.zeros(2, 2, requires_grad=True)
    old = torch.log(torch.tensor([[1 / 1.5, 1.0], [1 / 0.5, 1.0]]))  # ratios 1.5 and 0.5 on the first tokens
    mask = torch.ones(2, 2, dtype=torch.bool)
    out = grpo_loss(lp, torch.tensor([1.0, -1.0]), mask, GRPOConfig(), old_logprobs=old)
    (g,) = torch.autograd.grad(out.loss, lp)
    assert g[0, 0] == 0 and g[1, 0] == 0 and g[0, 1] != 0 and g[1, 1] != 0
    assert out.metrics["clip_ratio/high_mean"] == 0.25 and out.metrics["clip_ratio/low_mean"] == 0.25
    assert out.metrics["clip_ratio/region_mean"] == 0.5


def test_kl_needs_a_reference_and_is_logged():
    lp = torch.zeros(1, 3, requires_grad=True)
    mask = torch.ones(1, 3, dtype=torch.bool)
    with pytest.raises(PivotRLError, match="ref_logprobs"):
        grpo_loss(lp, torch.ones(1), mask, GRPOConfig(beta=0.1))
    ref = torch.tensor([[0.0, -1.0, 1.0]])
    out = grpo_loss(lp, torch.ones(1), mask, GRPOConfig(beta=0.1), ref_logprobs=ref)
    expected = float(sum(math.exp(d) - d - 1 for d in (0.0, -1.0, 1.0)) / 3)
    assert out.metrics["kl"] == pytest.approx(expected)


def test_sampler_mismatch_metrics_ignore_unknown_positions():
    lp = torch.tensor([[-1.0, -2.0, -3.0]])
    sampler = torch.tensor([[-1.5, -2.0, float("nan")]])
    out = grpo_loss(lp, torch.ones(1), torch.ones(1, 3, dtype=torch.bool), GRPOConfig(), sampler_logprobs=sampler)
    assert out.metrics["sampler/logprob_diff_mean"] == pytest.approx(0.25)
    assert out.metrics["sampler/logprob_diff_max"] == pytest.approx(0.5)
    assert out.metrics["sampler/kl"] == pytest.approx((math.exp(0.5) - 0.5 - 1) / 2)


def test_metrics_include_group_stats_and_entropy_when_given():
    hidden, weight, _, ids, mask, adv, _, _ = batch()
    out = fused_grpo_loss(hidden, weight, ids, adv, mask, GRPOConfig(), rewards=torch.tensor([1.0, 1.0, 0.0, 1.0]),
                          group_ids=2, compute_entropy=True)
    assert out.metrics["zero_spread_group_share"] == 0.5
    _, ent = fused_linear_logprobs(hidden, weight, ids, return_entropy=True, mask=mask)
    assert out.metrics["entropy"] == pytest.approx(float(ent[mask].mean()), rel=1e-6)


def test_grad_norm_matches_clip_grad_norm():
    a, b = torch.nn.Parameter(torch.randn(3)), torch.nn.Parameter(torch.randn(2, 2))
    (a.sum() * 2 + (b**2).sum()).backward()
    assert grad_norm([a, b]) == pytest.approx(float(torch.nn.utils.clip_grad_norm_([a, b], 1e9)))
    assert grad_norm([torch.nn.Parameter(torch.ones(1))]) == 0.0


def test_training_with_the_fused_loss_moves_probability_toward_rewarded_actions():
    """A tiny policy (hidden -> lm_head) over 2 groups of 4 one-token actions: after a few steps the
    rewarded actions are likelier and the unrewarded ones less likely."""
    torch.manual_seed(0)
    V, H = 12, 6
    state = torch.randn(2, H)
    head = torch.nn.Linear(H, V)
    actions = torch.tensor([[3], [5], [7], [3], [1], [2], [1], [9]])
    rewards = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.0])
    hidden = state.repeat_interleave(4, 0)[:, None, :]
    mask = torch.ones(8, 1, dtype=torch.bool)
    cfg = GRPOConfig()
    opt = torch.optim.SGD(head.parameters(), lr=0.5)

    def logprobs():
        with torch.no_grad():
            return fused_linear_logprobs(hidden, head.weight, actions, bias=head.bias)[:, 0]

    before = logprobs()
    adv = group_advantages(rewards, 4, cfg)
    for _ in range(5):
        opt.zero_grad()
        fused_grpo_loss(hidden, head.weight, actions, adv, mask, cfg, bias=head.bias).loss.backward()
        opt.step()
    after = logprobs()
    assert bool((after[rewards == 1] > before[rewards == 1]).all())
    assert bool((after[[1, 2, 4, 6, 7]] < before[[1, 2, 4, 6, 7]]).all())


def test_fused_loss_gradients_scale_with_the_upstream_gradient():
    hidden, weight, _, ids, mask, adv, old, _ = batch()
    grads = []
    for scale in (1.0, -2.5):
        w = weight.clone().requires_grad_(True)
        out = fused_grpo_loss(hidden, w, ids, adv, mask, GRPOConfig(), old_logprobs=old)
        (out.loss * scale).backward()
        grads.append(w.grad)
    assert torch.allclose(grads[1], -2.5 * grads[0], atol=1e-12)
