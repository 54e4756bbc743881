"""Per-row softmax statistics and their gradients in PyTorch, on one chunk of fp32 logits.

The chunk buffer is owned by the caller and consumed in place, so a chunk costs one
``[rows, V]`` buffer (two with entropy) however the work is split.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class RowStats:
    """Statistics of softmax(z / T) per row; ``probs``/``denom`` are kept for a fast gradient."""

    logprobs: torch.Tensor  # [n]
    lse: torch.Tensor  # [n] log-sum-exp of the scaled logits
    entropy: torch.Tensor | None  # [n]
    probs: torch.Tensor | None = None  # [n, V] unnormalised exp(s - max), reused by pg_grad
    denom: torch.Tensor | None = None  # [n, 1] the normaliser of ``probs``


class TorchRows:
    """Row operations on CPU (or any device) with plain PyTorch."""

    name = "torch"

    @staticmethod
    def stats(z: torch.Tensor, targets: torch.Tensor, temperature: float, with_entropy: bool) -> RowStats:
        """Log-prob of ``targets`` (and entropy) under softmax(z / temperature); consumes ``z``."""
        s = z.div_(temperature) if temperature != 1.0 else z
        m = s.amax(dim=-1, keepdim=True)
        s_y = s.gather(1, targets[:, None])
        s.sub_(m)
        if with_entropy:
            e = torch.exp(s)
            d = e.sum(dim=-1, keepdim=True)
            # sum_i e_i * s_i as a batched dot product: no third [n, V] buffer
            es = torch.bmm(e[:, None, :], s[:, :, None])[:, :, 0]
            log_d = d.log()
            entropy = (log_d - es / d)[:, 0]
        else:
            e = s.exp_()
            d = e.sum(dim=-1, keepdim=True)
            log_d = d.log()
            entropy = None
        lse = m + log_d
        return RowStats((s_y - lse)[:, 0], lse[:, 0], entropy, e, d)

    @staticmethod
    def pg_grad(stats: RowStats, z: torch.Tensor, targets: torch.Tensor, temperature: float,
                g_lp: torch.Tensor) -> torch.Tensor:
        """d(sum g_lp * logprob)/dz right after ``stats`` (entropy not differentiated); reuses its buffer."""
        assert stats.probs is not None and stats.denom is not None
        grad = stats.probs.mul_((-g_lp[:, None]) / stats.denom)
        grad.scatter_add_(1, targets[:, None], g_lp[:, None].to(grad.dtype))
        if temperature != 1.0:
            grad.div_(temperature)
        stats.probs = None
        return grad

    @staticmethod
    def grad(z: torch.Tensor, targets: torch.Tensor, temperature: float, lse: torch.Tensor,
             entropy: torch.Tensor | None, g_lp: torch.Tensor, g_ent: torch.Tensor | None) -> torch.Tensor:
        """d(sum g_lp * logprob + g_ent * entropy)/dz from saved ``lse`` (and entropy); consumes ``z``.

        With s = z / T and p = softmax(s): d logprob/ds = onehot - p and
        d entropy/ds = -p * (s - E_p[s]), where E_p[s] = lse - entropy.
        """
        s = z.div_(temperature) if temperature != 1.0 else z
        if g_ent is None or entropy is None:
            grad = s.sub_(lse[:, None]).exp_().mul_(-g_lp[:, None])
        else:
            p = torch.exp(s - lse[:, None])
            grad = s.sub_((lse - entropy)[:, None]).mul_(g_ent[:, None]).add_(g_lp[:, None]).mul_(p).neg_()
            del p
        grad.scatter_add_(1, targets[:, None], g_lp[:, None].to(grad.dtype))
        if temperature != 1.0:
            grad.div_(temperature)
        return grad
