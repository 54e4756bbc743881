"""The chunked PyTorch log-prob kernels against the naive log_softmax(h @ W.T / T).gather, forward and
backward, per dtype, with masks and odd shapes; float64 gradient checks."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from pivotrl.errors import PivotRLError  # noqa: E402
from pivotrl.trainer_plugin.kernels import fused_linear_logprobs, rows_backend, selective_logprobs  # noqa: E402

# (forward, gradient) tolerance, relative to the reference's largest magnitude (at least 1), per input dtype.
# fp16/bf16 references use the same low-precision lm_head GEMM, upcast to fp32 as ours does, so the forward
# agrees to fp32 rounding; the gradients pass through low-precision GEMMs on both sides.
TOL = {torch.float32: (1e-5, 1e-5), torch.float16: (1e-5, 2e-3), torch.bfloat16: (1e-5, 2e-2)}


def naive(hidden, weight, ids, temperature=1.0, bias=None, mask=None):
    logits = torch.nn.functional.linear(hidden, weight, bias)  # as the model's lm_head rounds them
    logp = torch.log_softmax(logits.float() / temperature, dim=-1)
    safe = ids.clamp(min=0) if mask is None else torch.where(mask, ids, 0)
    lp = logp.gather(-1, safe[..., None])[..., 0]
    ent = -(logp.exp() * logp).sum(-1)
    if mask is not None:
        lp, ent = lp * mask, ent * mask
    return lp, ent


def inputs(shape, V, H=16, dtype=torch.float32, seed=0, bias=False):
    g = torch.Generator().manual_seed(seed)
    hidden = torch.randn(*shape, H, generator=g).to(dtype).requires_grad_(True)
    weight = (torch.randn(V, H, generator=g) * 0.5).to(dtype).requires_grad_(True)
    b = (torch.randn(V, generator=g) * 0.1).to(dtype).requires_grad_(True) if bias else None
    ids = torch.randint(0, V, shape, generator=g)
    return hidden, weight, b, ids


def grads(out, *params, upstream):
    for p in params:
        if p is not None:
            p.grad = None
    (out * upstream).sum().backward()
    return [p.grad.float().clone() if p is not None else None for p in params]


def close(a, b, atol):
    a, b = a.detach().float(), b.detach().float()
    assert a.shape == b.shape
    if b.numel():
        scale = max(float(b.abs().max()), 1.0)
        assert float((a - b).abs().max()) <= atol * scale


@pytest.mark.parametrize("dtype", [torch.float32, torch.float16, torch.bfloat16])
@pytest.mark.parametrize("temperature", [1.0, 0.6])
def test_fused_linear_logprobs_matches_naive_forward_and_backward(dtype, temperature):
    hidden, weight, bias, ids = inputs((3, 7), V=101, dtype=dtype, bias=True)
    mask = torch.ones(3, 7, dtype=torch.bool)
    mask[1, 4:] = False
    mask[2, 0] = False
    ids[~mask] = -100  # padding ids are never read
    lp, ent = fused_linear_logprobs(hidden, weight, ids, temperature, bias=bias, return_entropy=True, mask=mask,
                                    chunk_size=4)
    ref_lp, ref_ent = naive(hidden, weight, ids, temperature, bias, mask)
    fwd, bwd = TOL[dtype]
    assert lp.dtype == torch.float32 and lp.shape == (3, 7)
    close(lp, ref_lp, fwd)
    close(ent, ref_ent, fwd)
    assert bool((lp[~mask] == 0).all()) and bool((ent[~mask] == 0).all())
    up = torch.randn(3, 7, generator=torch.Generator().manual_seed(2))
    ours = grads(lp + 0.3 * ent, hidden, weight, bias, upstream=up)
    ref = grads(ref_lp + 0.3 * ref_ent, hidden, weight, bias, upstream=up)
    for a, b in zip(ours, ref, strict=True):
        close(a, b, bwd)
    assert bool((ours[0][~mask] == 0).all()), "masked positions get no gradient"


def test_result_does_not_depend_on_chunk_size():
    hidden, weight, _, ids = inputs((40,), V=77)
    outs = [fused_linear_logprobs(hidden, weight, ids, chunk_size=c) for c in (1, 3, 16, 40, 1000)]
    for out in outs[1:]:
        close(out, outs[0], 1e-6)


@pytest.mark.parametrize("shape", [(1, 1), (5,), (0,), (2, 0)])
def test_odd_shapes(shape):
    hidden, weight, _, ids = inputs(shape, V=33)  # V=33: not a multiple of any block
    lp = fused_linear_logprobs(hidden, weight, ids)
    assert lp.shape == shape
    ref, _ = naive(hidden, weight, ids)
    close(lp, ref, 1e-5)
    lp.sum().backward()
    assert hidden.grad.shape == hidden.shape and weight.grad.shape == weight.shape


def test_all_masked_gives_zeros_and_zero_grads():
    hidden, weight, _, ids = inputs((2, 3), V=20)
    lp = fused_linear_logprobs(hidden, weight, ids, mask=torch.zeros(2, 3, dtype=torch.bool))
    lp.sum().backward()
    assert bool((lp == 0).all()) and bool((hidden.grad == 0).all()) and bool((weight.grad == 0).all())


def test_selective_logprobs_matches_naive_and_is_fp32_for_bf16():
    g = torch.Generator().manual_seed(1)
    logits = (torch.randn(2, 5, 300, generator=g) * 4).to(torch.bfloat16).requires_grad_(True)
    ids = torch.randint(0, 300, (2, 5), generator=g)
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=torch.bool)
    lp, ent = selective_logprobs(logits, ids, 0.8, return_entropy=True, mask=mask, chunk_size=3)
    assert lp.dtype == torch.float32
    logp = torch.log_softmax(logits.float() / 0.8, -1)
    ref_lp = logp.gather(-1, ids[..., None])[..., 0] * mask
    ref_ent = -(logp.exp() * logp).sum(-1) * mask
    close(lp, ref_lp, 1e-5)
    close(ent, ref_ent, 1e-5)
    (g1,) = torch.autograd.grad((lp - ent).sum(), logits)
    (g2,) = torch.autograd.grad((ref_lp - ref_ent).sum(), logits)
    assert g1.dtype == torch.bfloat16
    close(g1, g2, 1e-2)
    assert bool((g1[~mask] == 0).all())


def test_selective_logprobs_leaves_the_callers_logits_untouched():
    logits = torch.randn(4, 50)
    before = logits.clone()
    selective_logprobs(logits, torch.randint(0, 50, (4,)), 0.5, return_entropy=True)
    assert torch.equal(logits, before)


def test_temperature_is_applied_as_the_sampler_divides_logits():
    hidden, weight, _, ids = inputs((6,), V=40)
    lp = fused_linear_logprobs(hidden, weight, ids, 0.3)
    sampler = torch.log_softmax((hidden @ weight.t()) / 0.3, -1).gather(-1, ids[:, None])[:, 0]
    assert torch.allclose(lp, sampler, atol=1e-5)
    assert not torch.allclose(lp, fused_linear_logprobs(hidden, weight, ids, 1.0), atol=1e-3)


def test_gradcheck_float64():
    hidden, weight, bias, ids = inputs((2, 4), V=23, H=5, dtype=torch.float64, bias=True)
    mask = torch.tensor([[1, 1, 0, 1], [0, 1, 1, 1]], dtype=torch.bool)

    def fused(h, w, b):
        return fused_linear_logprobs(h, w, ids, 0.7, bias=b, return_entropy=True, mask=mask, chunk_size=3)

    assert torch.autograd.gradcheck(fused, (hidden, weight, bias))
    logits = torch.randn(2, 4, 23, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda z: selective_logprobs(z, ids, 1.3, return_entropy=True, mask=mask, chunk_size=2), (logits,))


def test_errors_say_what_was_expected():
    hidden, weight, _, ids = inputs((4,), V=10)
    with pytest.raises(PivotRLError, match=r"\[0, 10\)"):
        fused_linear_logprobs(hidden, weight, torch.tensor([0, 1, 10, 2]))
    with pytest.raises(PivotRLError, match="share a dtype"):
        fused_linear_logprobs(hidden, weight.detach().double(), ids)
    with pytest.raises(PivotRLError, match="temperature"):
        fused_linear_logprobs(hidden, weight, ids, 0.0)
    with pytest.raises(PivotRLError, match="token_ids must have shape"):
        fused_linear_logprobs(hidden, weight, ids[:3])
    with pytest.raises(PivotRLError, match="lm_head_weight"):
        fused_linear_logprobs(hidden, weight.t(), ids)


def test_dispatch_picks_torch_on_cpu_and_refuses_triton_without_cuda(monkeypatch):
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    assert rows_backend(torch.device("cpu")).name == "torch"
    with pytest.raises(PivotRLError, match="CUDA"):
        rows_backend(torch.device("cpu"), "triton")
    with pytest.raises(PivotRLError, match="backend must be one of"):
        rows_backend(torch.device("cpu"), "cuda")
