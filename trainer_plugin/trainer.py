"""``PivotGRPOTrainer``: turn-level GRPO on pivots in one process (one GPU, or a CPU demo).

Each step: take a batch of pivots, sample G actions per pivot, score them with the pivots'
verifiers, turn rewards into group advantages and step the GRPO loss on the policy's last
hidden states and output head. Multi-GPU and multi-node runs go through TRL or verl
(``pivotrl.trainer_plugin.adapters``), not through this class.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.records import Pivot
from pivotrl.trainer_plugin.grpo import GRPOConfig, fused_grpo_loss, group_advantages, grpo_loss
from pivotrl.trainer_plugin.sampling import HFSampler, Rollout, Sampler
from pivotrl.trainer_plugin.scoring import PivotScorer, PivotSource
from pivotrl.verifiers import BaseVerifier, Verdict

logger = logging.getLogger(__name__)

Callback = Callable[[int, dict[str, float]], None]


@dataclass
class TrainerConfig:
    """How the loop runs; the loss itself is configured by ``grpo`` (its ``temperature`` is
    also the sampling temperature, so sampler and trainer log-probs are comparable)."""

    num_generations: int = 4
    pivots_per_step: int = 2
    max_steps: int = 100
    learning_rate: float = 1e-6
    weight_decay: float = 0.0
    max_grad_norm: float | None = 1.0
    max_new_tokens: int = 256
    top_p: float = 1.0
    seed: int = 0
    fused: bool = True  # fused_grpo_loss from hidden states; False: grpo_loss on full logits
    output_dir: str | None = None  # metrics.jsonl and checkpoints go here
    save_steps: int | None = None  # also saved at the end when output_dir is set
    grpo: GRPOConfig = field(default_factory=GRPOConfig)

    def __post_init__(self) -> None:
        if self.num_generations < 2:
            raise PivotRLError(f"num_generations must be at least 2 (GRPO compares samples), got {self.num_generations}")
        if self.pivots_per_step < 1 or self.max_steps < 1:
            raise PivotRLError("pivots_per_step and max_steps must be positive")


class PivotGRPOTrainer:
    """A small GRPO trainer over pivots.

    ``model``: a ``transformers`` causal LM (or a path to one) whose ``base_model`` gives the
    last hidden states and ``get_output_embeddings()`` the head; ``tokenizer`` renders each
    pivot with its own tools. ``verifier`` overrides the pivots' own. ``ref_model`` (frozen)
    is needed when ``config.grpo.beta > 0``. ``sampler`` defaults to sampling with ``model``;
    pass an ``EndpointSampler`` to sample from a server. Each ``callbacks`` entry is called
    as ``callback(step, metrics)``. A verifier that breaks raises out of ``train``.
    """

    def __init__(self, model: Any, tokenizer: Any, pivots: PivotSource, *, config: TrainerConfig | None = None,
                 verifier: Any = None, ref_model: Any = None, sampler: Sampler | None = None,
                 optimizer: Any = None, callbacks: Sequence[Callback] = ()) -> None:
        import torch

        self.config = config or TrainerConfig()
        if isinstance(model, (str, Path)):
            from transformers import AutoModelForCausalLM

            model = AutoModelForCausalLM.from_pretrained(model)
        self.model = model
        self.tokenizer = tokenizer
        self.scorer = PivotScorer(pivots, verifier)
        self.pivots: list[Pivot] = list(self.scorer.pivots.values())
        if self.config.grpo.beta > 0 and ref_model is None:
            raise PivotRLError(f"grpo.beta={self.config.grpo.beta} weighs a KL to the reference policy: pass ref_model")
        self.ref_model = ref_model.eval() if ref_model is not None else None
        self.sampler: Sampler = sampler or HFSampler(model, tokenizer, max_new_tokens=self.config.max_new_tokens,
                                                     temperature=self.config.grpo.temperature,
                                                     top_p=self.config.top_p)
        self.optimizer = optimizer or torch.optim.AdamW(
            [p for p in model.parameters() if p.requires_grad], lr=self.config.learning_rate,
            weight_decay=self.config.weight_decay)
        self.callbacks = list(callbacks)
        self.step_count = 0
        self.history: list[dict[str, float]] = []
        self._rng = random.Random(self.config.seed)
        self._order: list[int] = []
        self._log_path = Path(self.config.output_dir) / "metrics.jsonl" if self.config.output_dir else None

    # -- data ---------------------------------------------------------------------------

    def next_pivots(self) -> list[Pivot]:
        """The next batch: a seeded shuffle of all pivots, reshuffled at each epoch."""
        batch = []
        while len(batch) < self.config.pivots_per_step:
            if not self._order:
                self._order = list(range(len(self.pivots)))
                self._rng.shuffle(self._order)
            batch.append(self.pivots[self._order.pop()])
        return batch

    # -- one step -----------------------------------------------------------------------

    def _score(self, rollouts: list[Rollout]) -> tuple[list[Verdict], list[bool]]:
        actions = [r.text for r in rollouts]
        verdicts = self.scorer.score(actions, [r.pivot for r in rollouts])
        invalid = []
        for r in rollouts:
            verifier = self.scorer.verifier_for(r.pivot)
            if isinstance(verifier, BaseVerifier):  # parsed as the verifier parses, with the pivot's tools
                invalid.append(not verifier.parse(r.text, r.pivot).is_valid)
            else:
                invalid.append(False)
        return verdicts, invalid

    def _batch(self, rollouts: list[Rollout]) -> dict[str, Any]:
        """Left-padded prompts and right-padded completions, so every completion starts at one
        column and its logits come from one slice of the hidden states."""
        import torch

        device = next(self.model.parameters()).device
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        p_len = max(len(r.prompt_ids) for r in rollouts)
        c_len = max(max(len(r.completion_ids) for r in rollouts), 1)
        ids = torch.full((len(rollouts), p_len + c_len), pad, dtype=torch.long)
        attn = torch.zeros_like(ids)
        mask = torch.zeros(len(rollouts), c_len)
        sampler_lp = torch.full((len(rollouts), c_len), math.nan)  # NaN: unknown (the loss skips it)
        have_sampler = any(r.sampler_logprobs is not None for r in rollouts)
        for i, r in enumerate(rollouts):
            p, c = len(r.prompt_ids), len(r.completion_ids)
            ids[i, p_len - p:p_len] = torch.tensor(r.prompt_ids)
            ids[i, p_len:p_len + c] = torch.tensor(r.completion_ids, dtype=torch.long)
            attn[i, p_len - p:p_len + c] = 1
            mask[i, :c] = 1
            if r.sampler_logprobs is not None and c:
                sampler_lp[i, :c] = torch.tensor(r.sampler_logprobs, dtype=torch.float32)
        positions = (attn.cumsum(-1) - 1).clamp(min=0)
        return {"input_ids": ids.to(device), "attention_mask": attn.to(device), "position_ids": positions.to(device),
                "completion_ids": ids[:, p_len:].to(device), "mask": mask.to(device), "prompt_len": p_len,
                "sampler_logprobs": sampler_lp.to(device) if have_sampler else None}

    @staticmethod
    def _hidden(model: Any, batch: dict[str, Any]) -> Any:
        out = model.base_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                               position_ids=batch["position_ids"])
        p = batch["prompt_len"]
        # the hidden state at position t predicts token t + 1
        return out.last_hidden_state[:, p - 1:-1]

    def _ref_logprobs(self, batch: dict[str, Any]) -> Any:
        import torch

        from pivotrl.trainer_plugin.kernels import fused_linear_logprobs

        head = self.ref_model.get_output_embeddings()
        with torch.no_grad():
            hidden = self._hidden(self.ref_model, batch)
            return fused_linear_logprobs(hidden, head.weight, batch["completion_ids"], self.config.grpo.temperature,
                                         bias=head.bias, mask=batch["mask"])

    def step(self, pivots: Sequence[Pivot] | None = None) -> dict[str, float]:
        """Sample, score and update once; returns the step's metrics."""
        import torch

        started = time.perf_counter()
        cfg = self.config
        pivots = list(pivots) if pivots is not None else self.next_pivots()
        groups = self.sampler.sample(pivots, cfg.num_generations)
        if len(groups) != len(pivots) or any(len(g) != cfg.num_generations for g in groups):
            raise PivotRLError(f"the sampler must return {cfg.num_generations} rollouts for each of {len(pivots)} pivots")
        rollouts = [r for g in groups for r in g]
        group_of = [i for i, g in enumerate(groups) for _ in g]
        sample_time = time.perf_counter() - started
        verdicts, invalid = self._score(rollouts)
        keep = [i for i, v in enumerate(verdicts) if not v.skipped]  # the failure policy's "drop it"
        rewards_all = [v.score for v in verdicts]
        metrics: dict[str, float] = {
            "reward_mean": sum(rewards_all[i] for i in keep) / max(len(keep), 1),
            "equivalent_share": sum(verdicts[i].equivalent for i in keep) / max(len(keep), 1),
            "invalid_share": sum(invalid) / len(rollouts),
            "skipped": float(len(verdicts) - len(keep)),
            "completion_length": sum(len(r.completion_ids) for r in rollouts) / len(rollouts),
            "truncated_share": sum(r.truncated for r in rollouts) / len(rollouts),
        }
        spreads = []
        for gi in range(len(groups)):
            scores = [rewards_all[i] for i in keep if group_of[i] == gi]
            if scores:
                spreads.append(max(scores) - min(scores) == 0)
        metrics["zero_spread_group_share"] = sum(spreads) / max(len(spreads), 1)

        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        if keep:
            kept = [rollouts[i] for i in keep]
            batch = self._batch(kept)
            rewards = torch.tensor([rewards_all[i] for i in keep], dtype=torch.float32, device=batch["mask"].device)
            gids = torch.tensor([group_of[i] for i in keep], dtype=torch.long, device=rewards.device)
            bad = torch.tensor([invalid[i] for i in keep], dtype=torch.bool, device=rewards.device)
            advantages = group_advantages(rewards, gids, cfg.grpo, invalid=bad)
            ref_lp = self._ref_logprobs(batch) if self.ref_model is not None and cfg.grpo.beta > 0 else None
            hidden = self._hidden(self.model, batch)
            head = self.model.get_output_embeddings()
            extra = {"ref_logprobs": ref_lp, "sampler_logprobs": batch["sampler_logprobs"], "rewards": rewards,
                     "group_ids": gids}
            if cfg.fused:
                out = fused_grpo_loss(hidden, head.weight, batch["completion_ids"], advantages, batch["mask"], cfg.grpo,
                                      bias=head.bias, **extra)
            else:
                from pivotrl.trainer_plugin.kernels import selective_logprobs

                logits = head(hidden)
                logprobs = selective_logprobs(logits, batch["completion_ids"], cfg.grpo.temperature, mask=batch["mask"])
                out = grpo_loss(logprobs, advantages, batch["mask"], cfg.grpo, **extra)
            loss = out.loss
            if not torch.isfinite(loss):
                raise PivotRLError(f"step {self.step_count + 1}: the loss is {loss.item()}; stopping before the "
                                   "weights are corrupted (lower the learning rate, check the rewards)")
            loss.backward()
            params = [p for p in self.model.parameters() if p.grad is not None]
            max_norm = cfg.max_grad_norm if cfg.max_grad_norm is not None else math.inf
            grad_norm = torch.nn.utils.clip_grad_norm_(params, max_norm) if params else torch.tensor(0.0)
            self.optimizer.step()
            metrics.update({k: float(v) for k, v in out.metrics.items()})
            metrics.update(loss=float(loss.detach()), grad_norm=float(grad_norm),
                           advantage_abs_mean=float(advantages.abs().mean()))
        else:
            logger.warning("step %d: every sample was skipped by the verifier's failure policy; no update",
                           self.step_count + 1)
        self.step_count += 1
        metrics.update(step=float(self.step_count), sample_seconds=sample_time,
                       step_seconds=time.perf_counter() - started)
        self._record(metrics)
        if cfg.output_dir and cfg.save_steps and self.step_count % cfg.save_steps == 0:
            self.save(Path(cfg.output_dir) / f"checkpoint-{self.step_count}")
        return metrics

    # -- the loop -----------------------------------------------------------------------

    def train(self, max_steps: int | None = None) -> list[dict[str, float]]:
        """Run ``max_steps`` steps (default: the config's); returns every step's metrics."""
        import torch

        torch.manual_seed(self.config.seed)
        for _ in range(max_steps or self.config.max_steps):
            self.step()
        if self.config.output_dir:
            self.save(Path(self.config.output_dir) / "final")
        return self.history

    def _record(self, metrics: dict[str, float]) -> None:
        self.history.append(metrics)
        logger.info("step %d: reward %.3f, zero-spread groups %.2f, loss %s, grad norm %s", self.step_count,
                    metrics["reward_mean"], metrics["zero_spread_group_share"], metrics.get("loss"),
                    metrics.get("grad_norm"))
        if self._log_path is not None:
            self._log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self._log_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(metrics) + "\n")
        for callback in self.callbacks:
            callback(self.step_count, metrics)

    def save(self, path: str | Path) -> Path:
        """Model, tokenizer and the trainer state (step, config) into ``path``."""
        target = Path(path)
        target.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(target)
        self.tokenizer.save_pretrained(target)
        state = {"step": self.step_count, "config": asdict(self.config)}
        (target / "trainer_state.json").write_text(json.dumps(state, indent=2, default=str) + "\n")
        return target
