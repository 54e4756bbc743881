"""PivotGRPOTrainer on CPU with a tiny local model and shipped tool pivots: steps change the
weights, metrics are logged (callback, JSONL), checkpoints load back, and a broken verifier
stops training instead of reading as reward 0."""

from __future__ import annotations

import json
import math

import pytest

torch = pytest.importorskip("torch")

from pivotrl.errors import PivotRLError, VerifierError  # noqa: E402
from pivotrl.pivot_envs.policies.hf import HFPolicy  # noqa: E402
from pivotrl.trainer_plugin.grpo import GRPOConfig  # noqa: E402
from pivotrl.trainer_plugin.policy_sampler import PolicySampler  # noqa: E402
from pivotrl.trainer_plugin.trainer import PivotGRPOTrainer, TrainerConfig  # noqa: E402
from pivotrl.verifiers import register_verifier  # noqa: E402
from pivotrl.verifiers.registry import VERIFIERS  # noqa: E402

# graded string similarity to the reference: random text gets partial, differing credit, so
# groups have reward spread and the loss has a gradient
GRADED = {"name": "fuzzy", "params": {"graded": True}}


def _hf_sampler(model, tokenizer):
    """The trainer's default sampler: HFPolicy over the live model, through the adapter."""
    return PolicySampler(HFPolicy(model, tokenizer, device="cpu"), max_new_tokens=6)


def _load(tiny_lm_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(0)
    return (AutoModelForCausalLM.from_pretrained(tiny_lm_dir, dtype=torch.float32),
            AutoTokenizer.from_pretrained(tiny_lm_dir))


def _config(tmp_path, **grpo) -> TrainerConfig:
    return TrainerConfig(num_generations=2, pivots_per_step=1, max_steps=2, learning_rate=1e-3,
                         max_new_tokens=8, output_dir=str(tmp_path / "run"), seed=0, grpo=GRPOConfig(**grpo))


def test_two_steps_change_the_weights_and_log_metrics(tiny_lm_dir, tool_pivots, tmp_path):
    model, tokenizer = _load(tiny_lm_dir)
    seen: list[tuple[int, dict[str, float]]] = []
    trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:4], config=_config(tmp_path), verifier=GRADED,
                               callbacks=[lambda step, m: seen.append((step, m))])
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    history = trainer.train()

    assert [s for s, _ in seen] == [1, 2] and len(history) == 2
    for metrics in history:
        assert math.isfinite(metrics["loss"])
        assert 0.0 <= metrics["reward_mean"] <= 1.0
        assert 0.0 <= metrics["zero_spread_group_share"] <= 1.0
        assert metrics["grad_norm"] > 0
        assert metrics["completion_length"] > 0
    changed = [n for n, p in model.named_parameters() if not torch.equal(p, before[n])]
    assert "lm_head.weight" in changed and any("layers.0" in n for n in changed)

    lines = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert [int(m["step"]) for m in lines] == [1, 2]
    assert lines[-1]["loss"] == history[-1]["loss"]

    from transformers import AutoModelForCausalLM

    final = tmp_path / "run" / "final"
    reloaded = AutoModelForCausalLM.from_pretrained(final)
    assert torch.equal(reloaded.lm_head.weight, model.lm_head.weight)
    assert json.loads((final / "trainer_state.json").read_text())["step"] == 2


def test_fused_and_unfused_losses_agree_on_one_batch(tiny_lm_dir, tool_pivots, tmp_path):
    """The same rollouts through fused_grpo_loss and through grpo_loss on full logits give the
    same loss and gradients (the fused path is the default because it never holds [B, T, V])."""
    model, tokenizer = _load(tiny_lm_dir)
    rollouts = _hf_sampler(model, tokenizer).sample(tool_pivots[:1], 2)

    class Replay:
        def sample(self, pivots, g):
            return rollouts

    results = []
    for fused in (True, False):
        model.zero_grad()
        snapshot = {n: p.detach().clone() for n, p in model.named_parameters()}
        config = _config(tmp_path, loss_type="grpo")
        config.fused = fused
        trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=config, verifier=GRADED,
                                   sampler=Replay(), optimizer=torch.optim.SGD(model.parameters(), lr=0.0))
        metrics = trainer.step(tool_pivots[:1])
        results.append((metrics["loss"], model.lm_head.weight.grad.clone()))
        for n, p in model.named_parameters():
            p.data.copy_(snapshot[n])
    (loss_a, grad_a), (loss_b, grad_b) = results
    assert loss_a == pytest.approx(loss_b, rel=1e-4, abs=1e-6)
    torch.testing.assert_close(grad_a, grad_b, rtol=1e-3, atol=1e-6)


def test_sampler_logprobs_match_the_trainers_own(tiny_lm_dir, tool_pivots, tmp_path):
    model, tokenizer = _load(tiny_lm_dir)
    trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=_config(tmp_path), verifier=GRADED)
    metrics = trainer.step()
    mismatch = [v for k, v in metrics.items() if "mismatch" in k or "sampler" in k]
    assert mismatch, f"no sampler/trainer mismatch metric in {sorted(metrics)}"
    assert all(abs(v) < 1e-3 for v in mismatch)  # same weights, same temperature: same numbers


def test_reference_model_adds_a_kl_term(tiny_lm_dir, tool_pivots, tmp_path):
    model, tokenizer = _load(tiny_lm_dir)
    ref, _ = _load(tiny_lm_dir)
    with pytest.raises(PivotRLError, match="ref_model"):
        PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=_config(tmp_path, beta=0.1), verifier=GRADED)
    trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=_config(tmp_path, beta=0.1),
                               verifier=GRADED, ref_model=ref)
    history = trainer.train()
    kl = [v for k, v in history[-1].items() if "kl" in k.lower()]
    assert kl and all(math.isfinite(v) for v in kl)
    assert any(v > 0 for v in kl)  # after one update the policy has moved away from the reference


def test_a_broken_verifier_stops_training_loudly(tiny_lm_dir, tool_pivots, tmp_path):
    def broken(action, pivot):
        raise ConnectionError("judge at 127.0.0.1:9 refused the connection")

    register_verifier("test_trainer_broken", broken)
    try:
        model, tokenizer = _load(tiny_lm_dir)
        before = {n: p.detach().clone() for n, p in model.named_parameters()}
        trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=_config(tmp_path),
                                   verifier="test_trainer_broken")
        with pytest.raises(VerifierError, match="refused the connection"):
            trainer.train()
        assert trainer.history == []
        assert all(torch.equal(p, before[n]) for n, p in model.named_parameters())
    finally:
        VERIFIERS.unregister("test_trainer_broken")


@pytest.mark.integration
def test_trainer_samples_from_an_openai_compatible_endpoint(tiny_lm_dir, tool_pivots, tmp_path):
    """``transformers serve`` over the same weights: the trainer re-tokenizes the served text
    and steps the loss on it (this server returns no log-probs, so no mismatch metric)."""
    from pivotrl.testing.judge_server import TinyServer
    from pivotrl.trainer_plugin.policy_sampler import EndpointSampler

    model, tokenizer = _load(tiny_lm_dir)
    with TinyServer(tiny_lm_dir, startup_timeout=120) as server:
        sampler = EndpointSampler(server.base_url, server.model, tokenizer, max_new_tokens=8, concurrency=2)
        groups = sampler.sample(tool_pivots[:2], 2)
        assert [len(g) for g in groups] == [2, 2]
        for pivot, group in zip(tool_pivots[:2], groups, strict=True):
            for rollout in group:
                assert rollout.pivot is pivot and rollout.completion_ids
                # the served text, re-tokenized with the trainer's tokenizer, decodes back to itself
                assert tokenizer.decode(rollout.completion_ids, skip_special_tokens=True) == rollout.text
                assert tokenizer.decode(rollout.prompt_ids).endswith("<|im_start|>assistant\n")
        trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=_config(tmp_path), verifier=GRADED,
                                   sampler=sampler)
        metrics = trainer.step()
    assert math.isfinite(metrics["loss"]) and metrics["completion_length"] > 0


def test_shared_prompt_forward_gives_the_same_loss_and_gradients(tiny_lm_dir, tool_pivots, tmp_path):
    """Running each prompt once and its completions on its key/value cache is an optimization
    only: the loss and every gradient match the padded full-sequence forward."""
    model, tokenizer = _load(tiny_lm_dir)
    rollouts = _hf_sampler(model, tokenizer).sample(tool_pivots[:2], 3)

    class Replay:
        def sample(self, pivots, g):
            return rollouts

    results = []
    for share in (True, False):
        model.zero_grad()
        snapshot = {n: p.detach().clone() for n, p in model.named_parameters()}
        config = _config(tmp_path)
        config.num_generations, config.pivots_per_step, config.share_prompt = 3, 2, share
        trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=config, verifier=GRADED,
                                   sampler=Replay(), optimizer=torch.optim.SGD(model.parameters(), lr=0.0))
        metrics = trainer.step(tool_pivots[:2])
        results.append((metrics["loss"], {n: p.grad.clone() for n, p in model.named_parameters()}))
        for n, p in model.named_parameters():
            p.data.copy_(snapshot[n])
    (loss_a, grads_a), (loss_b, grads_b) = results
    assert loss_a == pytest.approx(loss_b, rel=1e-4, abs=1e-6)
    for name in grads_a:
        torch.testing.assert_close(grads_a[name], grads_b[name], rtol=1e-3, atol=1e-6)


def test_resuming_from_a_checkpoint_continues_the_run_exactly(tiny_lm_dir, tool_pivots, tmp_path):
    """A run stopped after step 2 and resumed from checkpoint-2 ends with the weights and the
    metrics log of a run that never stopped (weights, optimizer, RNG and data order restored)."""
    def run(out, steps, resume=None):
        model, tokenizer = _load(tiny_lm_dir)
        config = _config(tmp_path)
        config.output_dir, config.max_steps, config.save_steps = str(out), 4, 1
        trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:4], config=config, verifier=GRADED)
        trainer.train(steps, resume_from_checkpoint=resume)
        return model

    straight = run(tmp_path / "straight", 4)
    run(tmp_path / "split", 2)
    log = tmp_path / "split" / "metrics.jsonl"
    with open(log, "a") as handle:  # a step that ran after the checkpoint but was never saved
        handle.write(json.dumps({"step": 3.0, "loss": 123.0}) + "\n")
    resumed = run(tmp_path / "split", None, resume=True)

    for (name, a), b in zip(straight.named_parameters(), resumed.parameters(), strict=True):
        assert torch.equal(a, b), name
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [int(m["step"]) for m in lines] == [1, 2, 3, 4]
    expected = [json.loads(line) for line in (tmp_path / "straight" / "metrics.jsonl").read_text().splitlines()]
    assert [m["loss"] for m in lines] == [m["loss"] for m in expected]


def test_resuming_with_another_configuration_is_refused(tiny_lm_dir, tool_pivots, tmp_path):
    model, tokenizer = _load(tiny_lm_dir)
    config = _config(tmp_path)
    config.max_steps, config.save_steps = 1, 1
    PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=config, verifier=GRADED).train()
    other = _config(tmp_path, beta=0.0)
    other.learning_rate = 5e-3
    trainer = PivotGRPOTrainer(model, tokenizer, tool_pivots[:2], config=other, verifier=GRADED)
    with pytest.raises(PivotRLError, match="learning_rate"):
        trainer.train(resume_from_checkpoint=True)
