"""Chunked drivers: log-probs from logits or from hidden states @ lm_head, a chunk of rows at a time.

Autograd functions whose forward keeps only per-row statistics (log-sum-exp, entropy) and
whose backward recomputes each chunk's logits, so at most one chunk of ``[rows, V]``
logits exists at any moment. The per-row work is delegated to a ``rows`` backend
(``TorchRows`` or ``TritonRows``).
"""

from __future__ import annotations

from typing import Any

import torch

# A chunk's fp32 logits stay near this size; measured on 2 CPU cores (benchmarks/logprob_kernels.py):
# smaller chunks cost GEMM efficiency and re-read the lm_head gradient once per chunk; larger ones
# cost memory for little speed.
CHUNK_BYTES = 64 * 2**20
MIN_CHUNK, MAX_CHUNK = 16, 4096
HALF = (torch.float16, torch.bfloat16)


def compute_dtype(dtype: torch.dtype) -> torch.dtype:
    """fp16/bf16 are upcast to fp32 inside; fp32 and fp64 (gradient checks) keep their precision."""
    return torch.float32 if dtype in HALF else dtype


def default_chunk_size(vocab_size: int) -> int:
    """Rows per chunk so that one chunk of fp32 logits is about ``CHUNK_BYTES``."""
    rows = CHUNK_BYTES // (4 * max(vocab_size, 1))
    return int(min(MAX_CHUNK, max(MIN_CHUNK, rows)))


def chunk_logits(h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """Logits of one chunk in the compute dtype, in a fresh buffer the caller may overwrite.

    The GEMM runs in the input dtype (as the sampler's lm_head does) and its result is upcast.
    """
    z = torch.mm(h, weight.t()) if bias is None else torch.addmm(bias, h, weight.t())
    return z.float() if z.dtype in HALF else z


def chunk_backward(g: torch.Tensor, h: torch.Tensor, weight: torch.Tensor, grad_h: torch.Tensor | None,
                   grad_w: torch.Tensor | None, grad_b: torch.Tensor | None) -> None:
    """Accumulate the hidden, weight and bias gradients of one chunk from d loss / d logits ``g``."""
    gm = g if g.dtype == h.dtype else g.to(h.dtype)
    if grad_h is not None:
        torch.mm(gm, weight, out=grad_h)
    if grad_w is not None:
        if grad_w.dtype == gm.dtype:
            grad_w.addmm_(gm.t(), h)
        else:
            grad_w.add_(torch.mm(gm.t(), h))
    if grad_b is not None:
        grad_b.add_(g.sum(dim=0))


def _spans(n: int, chunk: int) -> list[tuple[int, int]]:
    return [(s, min(s + chunk, n)) for s in range(0, n, chunk)]


class LinearLogprobs(torch.autograd.Function):
    """(h [n, H], W [V, H], b [V] | None, y [n]) -> log p(y) [n] and entropy [n] (or [0])."""

    @staticmethod
    def forward(ctx: Any, h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, y: torch.Tensor,
                temperature: float, with_entropy: bool, chunk: int, rows: Any) -> tuple[torch.Tensor, torch.Tensor]:
        n = h.shape[0]
        lp = torch.empty(n, dtype=compute_dtype(h.dtype), device=h.device)
        lse = torch.empty_like(lp)
        ent = torch.empty(n if with_entropy else 0, dtype=lp.dtype, device=h.device)
        for s, e in _spans(n, chunk):
            stats = rows.stats(chunk_logits(h[s:e], weight, bias), y[s:e], temperature, with_entropy)
            lp[s:e], lse[s:e] = stats.logprobs, stats.lse
            if with_entropy:
                ent[s:e] = stats.entropy
        ctx.save_for_backward(h, weight, bias, y, lse, ent)
        ctx.temperature, ctx.with_entropy, ctx.chunk, ctx.rows = temperature, with_entropy, chunk, rows
        ctx.mark_non_differentiable(lse)
        if not with_entropy:
            ctx.mark_non_differentiable(ent)
        return lp, ent

    @staticmethod
    def backward(ctx: Any, g_lp: torch.Tensor, g_ent: torch.Tensor | None) -> tuple[Any, ...]:
        h, weight, bias, y, lse, ent = ctx.saved_tensors
        need_h, need_w, need_b = ctx.needs_input_grad[:3]
        grad_h = torch.empty_like(h) if need_h else None
        acc = compute_dtype(weight.dtype)
        grad_w = torch.zeros(weight.shape, dtype=acc, device=weight.device) if need_w else None
        grad_b = torch.zeros(bias.shape, dtype=acc, device=bias.device) if need_b else None
        use_ent = ctx.with_entropy and g_ent is not None
        for s, e in _spans(h.shape[0], ctx.chunk):
            z = chunk_logits(h[s:e], weight, bias)
            g = ctx.rows.grad(z, y[s:e], ctx.temperature, lse[s:e], ent[s:e] if use_ent else None,
                              g_lp[s:e], g_ent[s:e] if use_ent else None)
            chunk_backward(g, h[s:e], weight, grad_h[s:e] if grad_h is not None else None, grad_w, grad_b)
        return (grad_h, grad_w.to(weight.dtype) if grad_w is not None else None,
                grad_b.to(bias.dtype) if grad_b is not None else None, None, None, None, None, None)


class LogitsLogprobs(torch.autograd.Function):
    """(logits [M, V], y [n], rows_index [n] | None) -> log p(y) [n] and entropy [n] (or [0]).

    ``rows_index`` picks the rows of ``logits`` that count (masked rows are never read);
    each chunk of picked rows is upcast to fp32 on its own.
    """

    @staticmethod
    def forward(ctx: Any, logits: torch.Tensor, y: torch.Tensor, index: torch.Tensor | None, temperature: float,
                with_entropy: bool, chunk: int, rows: Any) -> tuple[torch.Tensor, torch.Tensor]:
        n = y.shape[0]
        lp = torch.empty(n, dtype=compute_dtype(logits.dtype), device=logits.device)
        lse = torch.empty_like(lp)
        ent = torch.empty(n if with_entropy else 0, dtype=lp.dtype, device=logits.device)
        for s, e in _spans(n, chunk):
            z = _pick(logits, index, s, e)
            stats = rows.stats(z, y[s:e], temperature, with_entropy)
            lp[s:e], lse[s:e] = stats.logprobs, stats.lse
            if with_entropy:
                ent[s:e] = stats.entropy
        ctx.save_for_backward(logits, y, index, lse, ent)
        ctx.temperature, ctx.with_entropy, ctx.chunk, ctx.rows = temperature, with_entropy, chunk, rows
        if not with_entropy:
            ctx.mark_non_differentiable(ent)
        return lp, ent

    @staticmethod
    def backward(ctx: Any, g_lp: torch.Tensor, g_ent: torch.Tensor | None) -> tuple[Any, ...]:
        logits, y, index, lse, ent = ctx.saved_tensors
        grad = torch.zeros_like(logits)
        use_ent = ctx.with_entropy and g_ent is not None
        for s, e in _spans(y.shape[0], ctx.chunk):
            g = ctx.rows.grad(_pick(logits, index, s, e), y[s:e], ctx.temperature, lse[s:e],
                              ent[s:e] if use_ent else None, g_lp[s:e], g_ent[s:e] if use_ent else None)
            g = g.to(grad.dtype)
            if index is None:
                grad[s:e] = g
            else:
                grad[index[s:e]] = g
        return grad, None, None, None, None, None, None


def _pick(logits: torch.Tensor, index: torch.Tensor | None, s: int, e: int) -> torch.Tensor:
    """Rows s:e of the picked rows as a fresh buffer in the compute dtype (never a view of the caller's logits)."""
    z = logits[s:e] if index is None else logits[index[s:e]]
    if z.dtype in HALF:
        return z.float()
    return z.clone() if index is None else z
