"""Chosen-token log-probs (and entropy) without a full ``[.., V]`` log-softmax.

``selective_logprobs`` starts from logits, ``fused_linear_logprobs`` from hidden states and
the lm_head, chunked so at most one chunk of logits exists at a time. One dispatch point,
``rows_backend``, picks Triton on CUDA tensors and the chunked PyTorch path elsewhere.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import torch

from pivotrl.errors import PivotRLError
from pivotrl.optional import require
from pivotrl.trainer_plugin.kernels.chunked import (
    LinearLogprobs,
    LogitsLogprobs,
    chunk_backward,
    chunk_logits,
    default_chunk_size,
)
from pivotrl.trainer_plugin.kernels.rows_torch import RowStats, TorchRows

__all__ = [
    "BACKENDS",
    "RowStats",
    "chunk_backward",
    "chunk_logits",
    "default_chunk_size",
    "fused_linear_logprobs",
    "rows_backend",
    "select_rows",
    "selective_logprobs",
]

logger = logging.getLogger(__name__)
BACKENDS = ("torch", "triton")
_FLOATS = (torch.float32, torch.float16, torch.bfloat16, torch.float64)


def _triton_interpreted() -> bool:
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


def rows_backend(device: torch.device, backend: str | None = None) -> Any:
    """The row operations for ``device``: Triton on CUDA (or anywhere under TRITON_INTERPRET=1 when asked
    for by name), PyTorch otherwise. ``backend`` forces one of ``BACKENDS``."""
    if backend is not None and backend not in BACKENDS:
        raise PivotRLError(f"backend must be one of {BACKENDS} or None, got {backend!r}")
    if backend is None:
        backend = "triton" if device.type == "cuda" and _has_triton() else "torch"
    if backend == "torch":
        return TorchRows
    if device.type != "cuda" and not _triton_interpreted():
        raise PivotRLError(f"backend='triton' needs CUDA tensors (got {device.type}); on CPU use backend='torch', "
                           "or set TRITON_INTERPRET=1 before importing triton to run the kernels in the interpreter")
    require("triton", "triton", "backend='triton'")
    from pivotrl.trainer_plugin.kernels.rows_triton import TritonRows

    return TritonRows


def _has_triton() -> bool:
    try:
        import triton  # noqa: F401
    except ImportError:
        return False
    return True


def select_rows(token_ids: torch.Tensor, mask: torch.Tensor | None, vocab_size: int,
                lead_shape: torch.Size) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Flat target ids of the counted positions and the boolean mask over ``lead_shape`` (None: all count).

    Ids at masked positions are never read, so padding may carry any value (-100, the pad id).
    """
    if tuple(token_ids.shape) != tuple(lead_shape):
        raise PivotRLError(f"token_ids must have shape {tuple(lead_shape)} (the leading dims of the input), "
                           f"got {tuple(token_ids.shape)}")
    if token_ids.dtype.is_floating_point or token_ids.dtype == torch.bool:
        raise PivotRLError(f"token_ids must be an integer tensor, got {token_ids.dtype}")
    flat = token_ids.reshape(-1)
    if mask is not None:
        if tuple(mask.shape) != tuple(lead_shape):
            raise PivotRLError(f"mask must have shape {tuple(lead_shape)}, got {tuple(mask.shape)}")
        mask = mask.reshape(-1).to(device=flat.device, dtype=torch.bool)
        if bool(mask.all()):
            mask = None
        else:
            flat = flat[mask]
    if flat.numel():
        lo, hi = int(flat.min()), int(flat.max())
        if lo < 0 or hi >= vocab_size:
            raise PivotRLError(f"token ids must lie in [0, {vocab_size}) at unmasked positions, found [{lo}, {hi}]; "
                               "pass mask= to exclude padding")
    return flat.long(), mask


def _check_temperature(temperature: float) -> float:
    if not temperature > 0 or temperature != temperature:
        raise PivotRLError(f"temperature must be positive (the sampler's temperature), got {temperature}")
    return float(temperature)


def _scatter(values: torch.Tensor, mask: torch.Tensor | None, shape: torch.Size) -> torch.Tensor:
    if mask is None:
        return values.reshape(shape)
    return values.new_zeros(mask.shape).masked_scatter(mask, values).reshape(shape)


def selective_logprobs(logits: torch.Tensor, token_ids: torch.Tensor, temperature: float = 1.0, *,
                       return_entropy: bool = False, mask: torch.Tensor | None = None,
                       backend: str | None = None, chunk_size: int | None = None
                       ) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """log softmax(logits / temperature)[token_ids] (fp32, shape of ``token_ids``), and the entropy.

    Equals ``torch.log_softmax(logits.float() / temperature, -1).gather(-1, ids[..., None])`` but keeps
    one chunk of rows in fp32 at a time (the Triton path streams each row in vocabulary blocks). Masked
    positions give 0 and receive no gradient; fp16/bf16 logits are upcast chunk by chunk.
    """
    temperature = _check_temperature(temperature)
    if logits.dim() < 1 or logits.dtype not in _FLOATS:
        raise PivotRLError(f"logits must be a float tensor [..., V], got {logits.dtype} {tuple(logits.shape)}")
    V = logits.shape[-1]
    lead = logits.shape[:-1]
    y, m = select_rows(token_ids.to(logits.device), mask, V, lead)
    rows = rows_backend(logits.device, backend)
    flat = logits.reshape(-1, V)
    index = m.nonzero().squeeze(1) if m is not None else None
    chunk = chunk_size or default_chunk_size(V)
    lp, ent = LogitsLogprobs.apply(flat, y, index, temperature, return_entropy, chunk, rows)
    lp = _scatter(lp, m, lead)
    return (lp, _scatter(ent, m, lead)) if return_entropy else lp


def fused_linear_logprobs(hidden: torch.Tensor, lm_head_weight: torch.Tensor, token_ids: torch.Tensor,
                          temperature: float = 1.0, *, bias: torch.Tensor | None = None, return_entropy: bool = False,
                          mask: torch.Tensor | None = None, chunk_size: int | None = None,
                          backend: str | None = None) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """Chosen-token log-probs (fp32, shape of ``token_ids``) of ``hidden @ lm_head_weight.T + bias``.

    ``hidden`` is [B, T, H] or [N, H]; the logits exist one chunk of ``chunk_size`` tokens at a time
    (default: about 64 MiB of fp32 logits), and the backward recomputes each chunk to produce the
    gradients of ``hidden``, ``lm_head_weight`` and ``bias``. Masked positions give 0 and no gradient.
    """
    temperature = _check_temperature(temperature)
    if hidden.dim() < 2 or hidden.dtype not in _FLOATS:
        raise PivotRLError(f"hidden must be a float tensor [B, T, H] or [N, H], got {hidden.dtype} "
                           f"{tuple(hidden.shape)}")
    if lm_head_weight.dim() != 2 or lm_head_weight.shape[1] != hidden.shape[-1]:
        raise PivotRLError(f"lm_head_weight must be [V, {hidden.shape[-1]}] (hidden size last), got "
                           f"{tuple(lm_head_weight.shape)}")
    if lm_head_weight.dtype != hidden.dtype:
        raise PivotRLError(f"hidden ({hidden.dtype}) and lm_head_weight ({lm_head_weight.dtype}) must share a dtype")
    V, H = lm_head_weight.shape
    if bias is not None and tuple(bias.shape) != (V,):
        raise PivotRLError(f"bias must be [{V}], got {tuple(bias.shape)}")
    lead = hidden.shape[:-1]
    y, m = select_rows(token_ids.to(hidden.device), mask, V, lead)
    rows = rows_backend(hidden.device, backend)
    h = hidden.reshape(-1, H)
    if m is not None:
        h = h[m]
    h = h.contiguous()
    chunk = chunk_size or default_chunk_size(V)
    lp, ent = LinearLogprobs.apply(h, lm_head_weight, bias, y, temperature, return_entropy, chunk, rows)
    lp = _scatter(lp, m, lead)
    return (lp, _scatter(ent, m, lead)) if return_entropy else lp
