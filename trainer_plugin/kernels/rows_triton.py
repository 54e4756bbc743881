"""Per-row softmax statistics and their gradients as Triton kernels (one program per row).

The forward walks the vocabulary in blocks with an online max / sum-exp (and sum of
p * s for the entropy), so no row of probabilities is ever stored. Every load is upcast
to fp32 at once (the interpreter used by the CPU tests has no bf16 arithmetic).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from pivotrl.trainer_plugin.kernels.rows_torch import RowStats


@triton.jit
def _stats_kernel(z_ptr, z_stride, y_ptr, lp_ptr, lse_ptr, ent_ptr, V, temperature,
                  BLOCK_V: tl.constexpr, WITH_ENTROPY: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    base = z_ptr + row * z_stride
    m = -float("inf")
    d = 0.0
    t = 0.0
    for start in range(0, V, BLOCK_V):
        cols = start + tl.arange(0, BLOCK_V)
        inside = cols < V
        s = tl.load(base + cols, mask=inside, other=-float("inf")).to(tl.float32) / temperature
        m_new = tl.maximum(m, tl.max(s, axis=0))
        scale = tl.exp(m - m_new)
        e = tl.where(inside, tl.exp(s - m_new), 0.0)
        d = d * scale + tl.sum(e, axis=0)
        if WITH_ENTROPY:
            t = t * scale + tl.sum(e * tl.where(inside, s, 0.0), axis=0)
        m = m_new
    y = tl.load(y_ptr + row)
    s_y = tl.load(base + y).to(tl.float32) / temperature
    lse = m + tl.log(d)
    tl.store(lp_ptr + row, s_y - lse)
    tl.store(lse_ptr + row, lse)
    if WITH_ENTROPY:
        tl.store(ent_ptr + row, lse - t / d)


@triton.jit
def _grad_kernel(z_ptr, z_stride, g_ptr, g_stride, y_ptr, lse_ptr, ent_ptr, glp_ptr, gent_ptr, V, temperature,
                 BLOCK_V: tl.constexpr, WITH_ENTROPY: tl.constexpr):
    row = tl.program_id(0).to(tl.int64)
    zbase = z_ptr + row * z_stride
    gbase = g_ptr + row * g_stride
    y = tl.load(y_ptr + row)
    lse = tl.load(lse_ptr + row).to(tl.float32)
    g_lp = tl.load(glp_ptr + row).to(tl.float32)
    if WITH_ENTROPY:
        g_ent = tl.load(gent_ptr + row).to(tl.float32)
        mean_s = lse - tl.load(ent_ptr + row).to(tl.float32)
    for start in range(0, V, BLOCK_V):
        cols = start + tl.arange(0, BLOCK_V)
        inside = cols < V
        s = tl.load(zbase + cols, mask=inside, other=0.0).to(tl.float32) / temperature
        p = tl.exp(s - lse)
        if WITH_ENTROPY:
            grad = -p * (g_lp + g_ent * (s - mean_s))
        else:
            grad = -p * g_lp
        grad = tl.where(cols == y, grad + g_lp, grad) / temperature
        tl.store(gbase + cols, grad, mask=inside)


def _block(V: int) -> int:
    return min(4096, triton.next_power_of_2(V))


class TritonRows:
    """Row operations with the Triton kernels above; ``z`` is read, never consumed."""

    name = "triton"

    @staticmethod
    def stats(z: torch.Tensor, targets: torch.Tensor, temperature: float, with_entropy: bool) -> RowStats:
        n, V = z.shape
        z = z if z.stride(-1) == 1 else z.contiguous()
        lp = torch.empty(n, dtype=torch.float32, device=z.device)
        lse = torch.empty_like(lp)
        ent = torch.empty_like(lp) if with_entropy else lp
        if n:
            _stats_kernel[(n,)](z, z.stride(0), targets.contiguous(), lp, lse, ent, V, float(temperature),
                                BLOCK_V=_block(V), WITH_ENTROPY=with_entropy)
        return RowStats(lp, lse, ent if with_entropy else None)

    @staticmethod
    def pg_grad(stats: RowStats, z: torch.Tensor, targets: torch.Tensor, temperature: float,
                g_lp: torch.Tensor) -> torch.Tensor:
        return TritonRows.grad(z, targets, temperature, stats.lse, None, g_lp, None)

    @staticmethod
    def grad(z: torch.Tensor, targets: torch.Tensor, temperature: float, lse: torch.Tensor,
             entropy: torch.Tensor | None, g_lp: torch.Tensor, g_ent: torch.Tensor | None,
             out: torch.Tensor | None = None) -> torch.Tensor:
        """Gradient wrt ``z``; written over ``z`` itself when it is an fp32 buffer (the caller owns it)."""
        n, V = z.shape
        z = z if z.stride(-1) == 1 else z.contiguous()
        if out is None:
            out = z if z.dtype == torch.float32 else torch.empty(z.shape, dtype=torch.float32, device=z.device)
        with_entropy = g_ent is not None and entropy is not None
        if n:
            g_lp = g_lp.to(torch.float32).contiguous()
            _grad_kernel[(n,)](z, z.stride(0), out, out.stride(0), targets.contiguous(), lse.contiguous(),
                               entropy.contiguous() if with_entropy else lse,
                               g_lp, g_ent.to(torch.float32).contiguous() if with_entropy else g_lp,
                               V, float(temperature), BLOCK_V=_block(V), WITH_ENTROPY=with_entropy)
        return out
