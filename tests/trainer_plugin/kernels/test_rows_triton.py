"""The Triton kernels under TRITON_INTERPRET=1 on CPU, against the naive reference, forward and backward.

The interpreter must be chosen before triton is first imported, so the checks run in a fresh
interpreter (one subprocess for all of them; the interpreter is slow, so shapes stay small).
No GPU here: this verifies the kernels' arithmetic, not their speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("torch")
pytest.importorskip("triton")

SCRIPT = textwrap.dedent("""
    import json, os
    assert os.environ["TRITON_INTERPRET"] == "1"
    import torch
    from pivotrl.trainer_plugin.grpo import GRPOConfig, fused_grpo_loss
    from pivotrl.trainer_plugin.kernels import fused_linear_logprobs, selective_logprobs

    def err(a, b):
        return float((a.float() - b.float()).abs().max() / max(float(b.abs().max()), 1.0))

    out = {}
    for name, dtype in (("float32", torch.float32), ("float16", torch.float16), ("bfloat16", torch.bfloat16)):
        g = torch.Generator().manual_seed(0)
        V, H = 300, 16  # one partly filled block of 512
        hidden = torch.randn(2, 4, H, generator=g).to(dtype).requires_grad_(True)
        weight = (torch.randn(V, H, generator=g) * 0.4).to(dtype).requires_grad_(True)
        bias = (torch.randn(V, generator=g) * 0.1).to(dtype).requires_grad_(True)
        ids = torch.randint(0, V, (2, 4), generator=g)
        mask = torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]], dtype=torch.bool)
        ids[~mask] = -100
        up = torch.randn(2, 4, generator=g)
        lp, ent = fused_linear_logprobs(hidden, weight, ids, 0.7, bias=bias, return_entropy=True, mask=mask,
                                        chunk_size=3, backend="triton")
        gh, gw, gb = torch.autograd.grad(((lp + 0.5 * ent) * up).sum(), (hidden, weight, bias))
        logp = torch.log_softmax(torch.nn.functional.linear(hidden, weight, bias).float() / 0.7, -1)
        rlp = logp.gather(-1, ids.clamp(min=0)[..., None])[..., 0] * mask
        rent = -(logp.exp() * logp).sum(-1) * mask
        rh, rw, rb = torch.autograd.grad(((rlp + 0.5 * rent) * up).sum(), (hidden, weight, bias))
        out[name] = {"lp": err(lp, rlp), "ent": err(ent, rent), "hidden": err(gh, rh), "weight": err(gw, rw),
                     "bias": err(gb, rb), "masked_zero": bool((lp[~mask] == 0).all() and (gh[~mask] == 0).all())}

        logits = (torch.randn(3, 5000, generator=g) * 3).to(dtype).requires_grad_(True)  # 2 blocks of 4096
        t = torch.randint(0, 5000, (3,), generator=g)
        slp, sent = selective_logprobs(logits, t, 1.3, return_entropy=True, backend="triton")
        (sg,) = torch.autograd.grad((slp - sent).sum(), logits)
        lg = torch.log_softmax(logits.float() / 1.3, -1)
        r1 = lg.gather(-1, t[:, None])[:, 0]
        r2 = -(lg.exp() * lg).sum(-1)
        (rg,) = torch.autograd.grad((r1 - r2).sum(), logits)
        out[name].update(sel_lp=err(slp, r1), sel_ent=err(sent, r2), sel_grad=err(sg, rg))

    g = torch.Generator().manual_seed(1)
    hidden = torch.randn(3, 5, 8, generator=g, requires_grad=True)
    weight = torch.randn(50, 8, generator=g, requires_grad=True)
    ids = torch.randint(0, 50, (3, 5), generator=g)
    mask = torch.ones(3, 5, dtype=torch.bool); mask[2, 3:] = False
    adv = torch.tensor([1.0, -0.5, 0.3])
    old = torch.randn(3, 5, generator=g) * 0.2 - 4
    cfg = GRPOConfig(loss_type="grpo", beta=0.0)
    res = []
    for backend in ("torch", "triton"):
        o = fused_grpo_loss(hidden, weight, ids, adv, mask, cfg, old_logprobs=old, chunk_size=4, backend=backend)
        res.append((o.loss.detach(), *torch.autograd.grad(o.loss, (hidden, weight))))
    out["grpo"] = [err(a, b) for a, b in zip(res[1], res[0])]
    print(json.dumps(out))
""")

# relative to the largest reference value; fp16/bf16 inputs are compared with the same low-precision logits
# upcast, so the gap is fp32 rounding plus the low-precision GEMMs of the backward
TOL = {"float32": 1e-5, "float16": 2e-3, "bfloat16": 2e-2}


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, TRITON_INTERPRET="1")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
def test_triton_kernels_match_naive_reference(results, dtype):
    got = results[dtype]
    assert got.pop("masked_zero"), "masked positions must give 0 and no gradient"
    worst = {k: v for k, v in got.items() if not v <= TOL[dtype]}
    assert not worst, f"{dtype}: errors above {TOL[dtype]}: {worst}"


def test_fused_grpo_loss_same_on_triton_and_torch_rows(results):
    assert max(results["grpo"]) <= 1e-5
