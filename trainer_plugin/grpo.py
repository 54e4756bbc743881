"""Turn-level GRPO loss: clipped importance ratio, optional k3 KL to a reference, TRL's aggregation
modes, and the numbers needed to debug a run.

``grpo_loss`` works on per-token log-probs the trainer already has; ``fused_grpo_loss`` goes straight
from hidden states and the lm_head, chunk by chunk, computing the gradients inside its forward loop so
the backward does not recompute logits. Both share one per-token objective, so they agree exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import torch

from pivotrl.errors import PivotRLError
from pivotrl.trainer_plugin.advantages import GroupIds, group_advantages, group_stats
from pivotrl.trainer_plugin.kernels import (
    chunk_backward,
    chunk_logits,
    default_chunk_size,
    rows_backend,
    select_rows,
)

__all__ = [
    "LOSS_TYPES",
    "GRPOConfig",
    "GRPOOutput",
    "fused_grpo_loss",
    "grad_norm",
    "group_advantages",
    "group_stats",
    "grpo_loss",
]

LOSS_TYPES = ("grpo", "bnpo", "dr_grpo", "dapo")
SCALE_REWARDS = ("group", "batch", "none")
BASELINES = ("mean", "leave_one_out")
IS_LEVELS = ("token", "sequence")


@dataclass
class GRPOConfig:
    """GRPO hyper-parameters, named as in TRL's ``GRPOConfig`` where TRL has them.

    loss_type (how per-token losses become one number, as in TRL):
      ``grpo``: mean over each sequence's tokens, then over sequences (favours short answers);
      ``bnpo``: mean over all tokens of the batch; ``dapo`` (TRL's default): sum over tokens divided by the
      tokens of the whole global batch (``num_items_in_batch``; this batch when not given);
      ``dr_grpo``: sum divided by batch size x ``max_completion_length`` (the padded width when None).
    invalid_advantage: fixed advantage for invalid actions (Nemotron-3-Super's recipe: -5).
    importance_sampling_level: ``token`` ratio per token, or ``sequence`` (GSPO: exp of the mean log-ratio).
    temperature: the sampler's; log-probs are taken of softmax(logits / temperature).
    """

    epsilon_low: float = 0.2
    epsilon_high: float = 0.2  # DAPO's clip-higher uses 0.28
    beta: float = 0.0  # KL weight (k3 estimator); 0 needs no reference model
    loss_type: str = "dapo"
    scale_rewards: str = "group"
    baseline: str = "mean"
    invalid_advantage: float | None = None
    importance_sampling_level: str = "token"
    temperature: float = 1.0
    max_completion_length: int | None = None

    def __post_init__(self) -> None:
        for name, value, allowed in (("loss_type", self.loss_type, LOSS_TYPES),
                                     ("scale_rewards", self.scale_rewards, SCALE_REWARDS),
                                     ("baseline", self.baseline, BASELINES),
                                     ("importance_sampling_level", self.importance_sampling_level, IS_LEVELS)):
            if value not in allowed:
                raise PivotRLError(f"GRPOConfig.{name} must be one of {allowed}, got {value!r}")
        for name in ("epsilon_low", "epsilon_high", "beta"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise PivotRLError(f"GRPOConfig.{name} must be a finite number >= 0, got {value!r}")
        if self.epsilon_low >= 1:
            raise PivotRLError(f"GRPOConfig.epsilon_low must be below 1 (the ratio is clipped at 1 - epsilon_low), "
                               f"got {self.epsilon_low}")
        if not isinstance(self.temperature, (int, float)) or not self.temperature > 0 or \
                not math.isfinite(self.temperature):
            raise PivotRLError(f"GRPOConfig.temperature must be positive (the sampler's), got {self.temperature!r}")
        if self.max_completion_length is not None and (
                not isinstance(self.max_completion_length, int) or self.max_completion_length < 1):
            raise PivotRLError(f"GRPOConfig.max_completion_length must be a positive int or None, "
                               f"got {self.max_completion_length!r}")
        if self.invalid_advantage is not None and not math.isfinite(self.invalid_advantage):
            raise PivotRLError(f"GRPOConfig.invalid_advantage must be finite or None, got {self.invalid_advantage}")


@dataclass
class GRPOOutput:
    """The scalar loss to backward, float metrics, and the detached per-token log-probs [B, T] (masked
    positions 0), which a multi-iteration trainer keeps as ``old_logprobs``."""

    loss: torch.Tensor
    metrics: dict[str, float] = field(default_factory=dict)
    logprobs: torch.Tensor | None = None


def grad_norm(parameters: Iterable[torch.Tensor] | torch.Tensor, norm_type: float = 2.0) -> float:
    """The policy-gradient norm to log after ``loss.backward()`` (parameters without a grad are skipped).

    ``torch.nn.utils.clip_grad_norm_`` returns the same number when the trainer clips anyway."""
    params = [parameters] if isinstance(parameters, torch.Tensor) else list(parameters)
    grads = [p.grad.detach() for p in params if p.grad is not None]
    if not grads:
        return 0.0
    return float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, norm_type) for g in grads]),
                                          norm_type))


# ---- the shared per-token objective -------------------------------------------------------------------------


@dataclass
class _Tokens:
    """The counted tokens of a batch, flattened in row-major order (each sequence contiguous)."""

    seq: torch.Tensor  # [n] sequence index of each token
    weight: torch.Tensor  # [n] aggregation weight (loss = sum weight * per-token loss)
    adv: torch.Tensor  # [n]
    seq_len: torch.Tensor  # [B] counted tokens per sequence
    old: torch.Tensor | None
    ref: torch.Tensor | None
    sampler: torch.Tensor | None


def _prepare(advantages: torch.Tensor, mask: torch.Tensor, config: GRPOConfig, old: torch.Tensor | None,
             ref: torch.Tensor | None, sampler: torch.Tensor | None, num_items_in_batch: float | None,
             dtype: torch.dtype) -> _Tokens:
    """Per-token views of the batch in ``dtype`` (fp32, or fp64 when the log-probs are fp64)."""
    if mask.dim() != 2:
        raise PivotRLError(f"mask must be [B, T], got shape {tuple(mask.shape)}")
    B, T = mask.shape
    mask = mask.to(torch.bool)
    advantages = torch.as_tensor(advantages, device=mask.device)
    if advantages.dim() == 2 and advantages.shape[1] == 1:
        advantages = advantages[:, 0]
    if tuple(advantages.shape) != (B,):
        raise PivotRLError(f"advantages must be [B] = [{B}] (one per sampled action), got {tuple(advantages.shape)}")
    if config.beta > 0 and ref is None:
        raise PivotRLError(f"beta={config.beta} weighs a KL to the reference policy: pass ref_logprobs "
                           "(or set beta=0)")
    picked = []
    for name, t in (("old_logprobs", old), ("ref_logprobs", ref), ("sampler_logprobs", sampler)):
        if t is not None and tuple(t.shape) != (B, T):
            raise PivotRLError(f"{name} must be [B, T] = [{B}, {T}] like the mask, got {tuple(t.shape)}")
        picked.append(t.detach().to(dtype)[mask] if t is not None else None)
    seq_len = mask.sum(dim=1)
    seq = torch.arange(B, device=mask.device)[:, None].expand(B, T)[mask]
    if config.loss_type == "grpo":
        per_seq = 1.0 / (seq_len.clamp(min=1).to(torch.float64) * max(B, 1))
    elif config.loss_type == "bnpo":
        per_seq = torch.full((B,), 1.0 / max(int(seq_len.sum()), 1), dtype=torch.float64, device=mask.device)
    elif config.loss_type == "dapo":
        items = float(num_items_in_batch) if num_items_in_batch is not None else float(seq_len.sum())
        per_seq = torch.full((B,), 1.0 / max(items, 1.0), dtype=torch.float64, device=mask.device)
    else:  # dr_grpo
        width = config.max_completion_length or T
        per_seq = torch.full((B,), 1.0 / max(B * width, 1), dtype=torch.float64, device=mask.device)
    return _Tokens(seq, per_seq[seq].to(dtype), advantages.detach().to(dtype)[seq], seq_len,
                   *picked)


def _objective(lp: torch.Tensor, tok: _Tokens, lo: int, hi: int, config: GRPOConfig
               ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Weighted loss sum over tokens lo:hi (whole sequences when the ratio is per sequence) and
    detached per-token statistics. ``lp`` holds those tokens' log-probs."""
    old = tok.old[lo:hi] if tok.old is not None else lp.detach()
    adv = tok.adv[lo:hi]
    log_ratio = lp - old
    if config.importance_sampling_level == "sequence":
        seq = tok.seq[lo:hi]
        first = int(seq[0]) if seq.numel() else 0
        local = seq - first
        count = int(local[-1]) + 1 if seq.numel() else 0
        sums = torch.zeros(count, dtype=log_ratio.dtype, device=lp.device).index_add(0, local, log_ratio)
        log_w = (sums / tok.seq_len[first:first + count].clamp(min=1).to(log_ratio.dtype))[local]
    else:
        log_w = log_ratio
    coef1 = torch.exp(log_w)
    coef2 = torch.clamp(coef1, 1 - config.epsilon_low, 1 + config.epsilon_high)
    per_token = -torch.minimum(coef1 * adv, coef2 * adv)
    stats = {"ratio": coef1.detach(),
             "low": ((coef1 < 1 - config.epsilon_low) & (adv < 0)).detach(),
             "high": ((coef1 > 1 + config.epsilon_high) & (adv > 0)).detach()}
    if tok.ref is not None:
        delta = tok.ref[lo:hi] - lp
        kl = torch.exp(delta) - delta - 1
        if config.beta > 0:
            per_token = per_token + config.beta * kl
        stats["kl"] = kl.detach()
    return (per_token * tok.weight[lo:hi]).sum(), stats


def _metrics(lp: torch.Tensor, tok: _Tokens, stats: dict[str, torch.Tensor], entropy: torch.Tensor | None,
             rewards: torch.Tensor | None, group_ids: GroupIds | None) -> dict[str, float]:
    n = lp.numel()

    def mean(x: torch.Tensor) -> float:
        return float(x.float().mean()) if n else 0.0

    low, high = stats["low"], stats["high"]
    out = {"ratio_mean": mean(stats["ratio"]), "clip_ratio/low_mean": mean(low), "clip_ratio/high_mean": mean(high),
           "clip_ratio/region_mean": mean(low | high), "num_tokens": float(n)}
    if "kl" in stats:
        out["kl"] = mean(stats["kl"])
    if entropy is not None:
        out["entropy"] = mean(entropy)
    if tok.sampler is not None:
        trainer = tok.old if tok.old is not None else lp
        ok = torch.isfinite(tok.sampler)
        diff = (trainer - tok.sampler)[ok]
        if diff.numel():
            out["sampler/logprob_diff_mean"] = float(diff.abs().mean())
            out["sampler/logprob_diff_max"] = float(diff.abs().max())
            # k3 estimate of KL(sampler || trainer) on the sampler's own tokens
            out["sampler/kl"] = float((torch.exp(diff) - diff - 1).mean())
    if rewards is not None:
        if group_ids is None:
            raise PivotRLError("pass group_ids with rewards (the zero-spread share is per group)")
        out.update(group_stats(rewards, group_ids))
    return out


def grpo_loss(logprobs: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor, config: GRPOConfig, *,
              old_logprobs: torch.Tensor | None = None, ref_logprobs: torch.Tensor | None = None,
              sampler_logprobs: torch.Tensor | None = None, entropy: torch.Tensor | None = None,
              rewards: torch.Tensor | None = None, group_ids: GroupIds | None = None,
              num_items_in_batch: float | None = None) -> GRPOOutput:
    """The GRPO loss from per-token log-probs [B, T] (with grad) of the sampled completion tokens.

    ``old_logprobs`` None means on-policy (ratio exp(lp - lp.detach()) = 1 with the policy gradient);
    ``ref_logprobs`` feed the k3 KL (needed when beta > 0; logged as ``kl`` whenever given);
    ``sampler_logprobs`` (NaN where unknown) give the sampler-vs-trainer mismatch metrics;
    ``entropy`` [B, T] is only logged; ``rewards`` and ``group_ids`` add ``group_stats``.
    """
    if logprobs.dim() != 2 or tuple(logprobs.shape) != tuple(mask.shape):
        raise PivotRLError(f"logprobs must be [B, T] like the mask {tuple(mask.shape)}, got {tuple(logprobs.shape)}")
    dtype = torch.float64 if logprobs.dtype == torch.float64 else torch.float32
    tok = _prepare(advantages, mask, config, old_logprobs, ref_logprobs, sampler_logprobs, num_items_in_batch,
                   dtype)
    m = mask.to(torch.bool)
    lp = logprobs[m]
    loss, stats = _objective(lp, tok, 0, lp.numel(), config)
    ent = entropy.detach()[m] if entropy is not None else None
    metrics = _metrics(lp.detach(), tok, stats, ent, rewards, group_ids)
    return GRPOOutput(loss, metrics, (logprobs.detach() * m).float())


class _FusedGRPO(torch.autograd.Function):
    """(h [n, H], W, b) -> loss; the gradients are computed chunk by chunk in the forward and only
    scaled by the incoming gradient in the backward."""

    @staticmethod
    def forward(ctx: Any, h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, plan: dict[str, Any]
                ) -> torch.Tensor:
        config: GRPOConfig = plan["config"]
        tok: _Tokens = plan["tokens"]
        y, rows, spans = plan["targets"], plan["rows"], plan["spans"]
        need_h, need_w, need_b = ctx.needs_input_grad[:3]
        acc = torch.float32 if weight.dtype in (torch.float16, torch.bfloat16) else weight.dtype
        grad_h = torch.empty_like(h) if need_h else None
        grad_w = torch.zeros(weight.shape, dtype=acc, device=weight.device) if need_w else None
        grad_b = torch.zeros(bias.shape, dtype=acc, device=bias.device) if need_b else None
        n = h.shape[0]
        lp_all = torch.empty(n, dtype=acc, device=h.device)
        ent_all = torch.empty(n, dtype=acc, device=h.device) if plan["entropy"] else None
        loss = torch.zeros((), dtype=torch.float64, device=h.device)
        stats: dict[str, list[torch.Tensor]] = {}
        for s, e in spans:
            z = chunk_logits(h[s:e], weight, bias)
            st = rows.stats(z, y[s:e], config.temperature, plan["entropy"])
            lp = st.logprobs.detach().requires_grad_(True)
            with torch.enable_grad():
                part, chunk_stats = _objective(lp, tok, s, e, config)
            (c,) = torch.autograd.grad(part, lp)
            loss += part.detach().to(loss.dtype)
            lp_all[s:e] = st.logprobs
            if ent_all is not None:
                ent_all[s:e] = st.entropy
            for k, v in chunk_stats.items():
                stats.setdefault(k, []).append(v)
            if need_h or need_w or need_b:
                g = rows.pg_grad(st, z, y[s:e], config.temperature, c)
                chunk_backward(g, h[s:e], weight, grad_h[s:e] if grad_h is not None else None, grad_w, grad_b)
            del z, st
        plan["out"] = (lp_all, ent_all, {k: torch.cat(v) for k, v in stats.items()})
        ctx.save_for_backward(grad_h, grad_w, grad_b)
        ctx.dtypes = (weight.dtype, bias.dtype if bias is not None else None)
        return loss.to(acc)

    @staticmethod
    def backward(ctx: Any, g: torch.Tensor) -> tuple[Any, ...]:
        grad_h, grad_w, grad_b = ctx.saved_tensors
        w_dtype, b_dtype = ctx.dtypes
        unit = bool(g == 1)  # the usual loss.backward(): no second lm_head-sized buffer

        def scaled(t: torch.Tensor | None, dtype: torch.dtype | None) -> torch.Tensor | None:
            if t is None:
                return None
            if not unit:
                t = t.mul_(g.to(t.dtype))  # in place: these buffers belong to this call only
            return t.to(dtype) if dtype is not None else t

        return scaled(grad_h, None), scaled(grad_w, w_dtype), scaled(grad_b, b_dtype), None


def _spans(tok: _Tokens, n: int, chunk: int, per_sequence: bool) -> list[tuple[int, int]]:
    """Token spans of about ``chunk`` tokens; never splitting a sequence when its ratio is per sequence
    (a sequence longer than ``chunk`` is then one span of its own)."""
    if not per_sequence:
        return [(s, min(s + chunk, n)) for s in range(0, n, chunk)]
    bounds = torch.cumsum(tok.seq_len, 0).tolist()
    spans, start, prev = [], 0, 0
    for end in bounds:
        if end - start > chunk and prev > start:
            spans.append((start, prev))
            start = prev
        prev = end
    if prev > start:
        spans.append((start, prev))
    return spans


def fused_grpo_loss(hidden: torch.Tensor, lm_head_weight: torch.Tensor, token_ids: torch.Tensor,
                    advantages: torch.Tensor, mask: torch.Tensor, config: GRPOConfig, *,
                    old_logprobs: torch.Tensor | None = None, ref_logprobs: torch.Tensor | None = None,
                    sampler_logprobs: torch.Tensor | None = None, bias: torch.Tensor | None = None,
                    chunk_size: int | None = None, rewards: torch.Tensor | None = None,
                    group_ids: GroupIds | None = None, num_items_in_batch: float | None = None,
                    compute_entropy: bool = False, backend: str | None = None) -> GRPOOutput:
    """``grpo_loss(fused_linear_logprobs(hidden, W, token_ids, T, bias=bias, mask=mask), ...)`` in one pass.

    ``hidden`` [B, T, H] are the states that predict ``token_ids`` [B, T]. Each chunk's logits are built,
    reduced to log-probs, and turned into gradients for ``hidden``, ``lm_head_weight`` and ``bias`` at
    once (the loss's normalisers are known from the mask up front), so the backward only scales stored
    gradients: three GEMMs per chunk instead of four. ``compute_entropy`` adds the mean entropy metric
    (one more pass over each chunk).
    """
    if hidden.dim() != 3:
        raise PivotRLError(f"hidden must be [B, T, H], got shape {tuple(hidden.shape)}")
    if lm_head_weight.dim() != 2 or lm_head_weight.shape[1] != hidden.shape[-1]:
        raise PivotRLError(f"lm_head_weight must be [V, {hidden.shape[-1]}], got {tuple(lm_head_weight.shape)}")
    if lm_head_weight.dtype != hidden.dtype:
        raise PivotRLError(f"hidden ({hidden.dtype}) and lm_head_weight ({lm_head_weight.dtype}) must share a dtype")
    if tuple(mask.shape) != tuple(hidden.shape[:2]):
        raise PivotRLError(f"mask must be [B, T] = {tuple(hidden.shape[:2])}, got {tuple(mask.shape)}")
    V = lm_head_weight.shape[0]
    if bias is not None and tuple(bias.shape) != (V,):
        raise PivotRLError(f"bias must be [{V}], got {tuple(bias.shape)}")
    mask = mask.to(device=hidden.device, dtype=torch.bool)
    tok = _prepare(advantages, mask, config, old_logprobs, ref_logprobs, sampler_logprobs, num_items_in_batch,
                   torch.float64 if hidden.dtype == torch.float64 else torch.float32)
    y, _ = select_rows(token_ids.to(hidden.device), mask, V, hidden.shape[:2])
    # all tokens counted: a view, not a gathered copy (and no scatter of the gradient back)
    h = (hidden.reshape(-1, hidden.shape[-1]) if bool(mask.all()) else hidden[mask]).contiguous()
    n = h.shape[0]
    chunk = chunk_size or default_chunk_size(V)
    plan: dict[str, Any] = {"config": config, "tokens": tok, "targets": y, "entropy": compute_entropy,
                            "rows": rows_backend(hidden.device, backend),
                            "spans": _spans(tok, n, chunk, config.importance_sampling_level == "sequence")}
    loss = _FusedGRPO.apply(h, lm_head_weight, bias, plan)
    lp, ent, stats = plan["out"]
    if not stats:  # no counted token
        stats = {"ratio": lp, "low": lp.bool(), "high": lp.bool()}
    metrics = _metrics(lp, tok, stats, ent, rewards, group_ids)
    logprobs = torch.zeros(mask.shape, dtype=torch.float32, device=hidden.device).masked_scatter(mask, lp.float())
    return GRPOOutput(loss, metrics, logprobs)

