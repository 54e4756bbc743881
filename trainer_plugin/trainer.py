"""``PivotGRPOTrainer``: turn-level GRPO on pivots in one process (one GPU, or a CPU demo).

Each step: take a batch of pivots, sample G actions per pivot, score them with the pivots'
verifiers, turn rewards into group advantages and step the GRPO loss on the policy's last
hidden states and output head. Checkpoints hold everything a killed run needs to continue
exactly where it was (weights, optimizer, RNG, data order). Multi-GPU and multi-node runs go
through TRL or verl (``pivotrl.trainer_plugin.adapters``), not through this class.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import math
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.pivot_envs.records import Pivot
from pivotrl.trainer_plugin import checkpoints as ckpt
from pivotrl.trainer_plugin.grpo import GRPOConfig, fused_grpo_loss, group_advantages, grpo_loss
from pivotrl.trainer_plugin.sampling import Rollout, Sampler
from pivotrl.trainer_plugin.scoring import PivotScorer, PivotSource
from pivotrl.verifiers import BaseVerifier, Verdict

logger = logging.getLogger(__name__)

Callback = Callable[[int, dict[str, float]], None]
#: Fields that may change between a run and its resumption (how long and how often to save).
RESUMABLE_CHANGES = frozenset({"max_steps", "save_steps", "save_total_limit", "output_dir"})


@dataclass
class TrainerConfig:
    """How the loop runs; the loss itself is configured by ``grpo`` (its ``temperature`` is
    also the sampling temperature, so sampler and trainer log-probs are comparable).

    ``share_prompt`` runs each distinct prompt once per step and its G completions on top of
    its key/value cache (gradients flow through both), instead of running the prompt G times;
    the loss is the same. ``save_total_limit`` keeps that many recent checkpoints (None: all).
    """

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
    share_prompt: bool = True
    output_dir: str | None = None  # metrics.jsonl and checkpoints go here
    save_steps: int | None = 50  # with output_dir: a checkpoint every save_steps steps and at the end
    save_total_limit: int | None = None
    grpo: GRPOConfig = field(default_factory=GRPOConfig)

    def __post_init__(self) -> None:
        if isinstance(self.grpo, Mapping):
            self.grpo = GRPOConfig(**self.grpo)
        if self.num_generations < 2:
            raise PivotRLError(f"num_generations must be at least 2 (GRPO compares samples), got {self.num_generations}")
        if self.pivots_per_step < 1 or self.max_steps < 1:
            raise PivotRLError("pivots_per_step and max_steps must be positive")
        if not self.learning_rate > 0 or not math.isfinite(self.learning_rate):
            raise PivotRLError(f"learning_rate must be a positive number, got {self.learning_rate}")
        if self.max_new_tokens < 1:
            raise PivotRLError(f"max_new_tokens must be at least 1, got {self.max_new_tokens}")
        if not 0 < self.top_p <= 1:
            raise PivotRLError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            raise PivotRLError(f"max_grad_norm must be positive or None, got {self.max_grad_norm}")
        for name in ("save_steps", "save_total_limit"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise PivotRLError(f"{name} must be at least 1 or None, got {value}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainerConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PivotRLError(f"unknown TrainerConfig fields {unknown}; known: {sorted(known)}")
        return cls(**dict(data))


class PivotGRPOTrainer:
    """A small GRPO trainer over pivots.

    ``model``: a ``transformers`` causal LM (or a path to one) whose ``base_model`` gives the
    last hidden states and ``get_output_embeddings()`` the head; ``tokenizer`` renders each
    pivot with its own tools. ``verifier`` overrides the pivots' own. ``ref_model`` (frozen)
    is needed when ``config.grpo.beta > 0``. ``sampler`` defaults to ``HFPolicy`` over
    ``model`` (on-policy, prompts run once per group); pass an ``EndpointSampler``
    (``trainer_plugin.policy_sampler``) to sample from a server. Each ``callbacks`` entry is called as ``callback(step, metrics)``. A
    verifier that breaks raises out of ``train``.
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
        self.sampler: Sampler = sampler or self._default_sampler()
        self.optimizer = optimizer or torch.optim.AdamW(
            [p for p in model.parameters() if p.requires_grad], lr=self.config.learning_rate,
            weight_decay=self.config.weight_decay)
        self.callbacks = list(callbacks)
        self.step_count = 0
        self.history: list[dict[str, float]] = []
        self._rng = random.Random(self.config.seed)
        self._order: list[int] = []
        self._seeded = False
        self._log_path = Path(self.config.output_dir) / ckpt.METRICS_FILE if self.config.output_dir else None
        forward = inspect.signature(self.model.base_model.forward).parameters
        self._cache_kwarg = "cache" if "cache" in forward else "past_key_values"  # renamed in transformers 5.x

    def _default_sampler(self) -> Sampler:
        from pivotrl.pivot_envs.policies.hf import HFPolicy
        from pivotrl.trainer_plugin.policy_sampler import PolicySampler

        device = next(self.model.parameters()).device
        policy = HFPolicy(self.model, self.tokenizer, device=str(device), batch_size=self.config.pivots_per_step)
        self.model.train()  # HFPolicy puts the model in eval mode; the sampler switches per call
        return PolicySampler(policy, max_new_tokens=self.config.max_new_tokens,
                             temperature=self.config.grpo.temperature, top_p=self.config.top_p)

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

    def _device(self) -> Any:
        return next(self.model.parameters()).device

    def _batch(self, rollouts: list[Rollout]) -> dict[str, Any]:
        """Left-padded prompts and right-padded completions, so every completion starts at one
        column and its logits come from one slice of the hidden states."""
        import torch

        device = self._device()
        pad = self._pad_id()
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
                "sampler_logprobs": sampler_lp.to(device) if have_sampler else None, "rollouts": rollouts}

    def _pad_id(self) -> int:
        return self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0

    @staticmethod
    def _hidden(model: Any, batch: dict[str, Any]) -> Any:
        out = model.base_model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                               position_ids=batch["position_ids"])
        p = batch["prompt_len"]
        # the hidden state at position t predicts token t + 1
        return out.last_hidden_state[:, p - 1:-1]

    def _hidden_shared(self, model: Any, batch: dict[str, Any]) -> Any:
        """The same hidden states as ``_hidden``, with each distinct prompt run once: its
        key/value cache is gathered for every completion that continues it."""
        import torch
        from transformers import DynamicCache

        rollouts: list[Rollout] = batch["rollouts"]
        device = batch["input_ids"].device
        prompts: dict[tuple[int, ...], int] = {}
        row_prompt = [prompts.setdefault(tuple(r.prompt_ids), len(prompts)) for r in rollouts]
        p_len = batch["prompt_len"]
        pad = self._pad_id()
        p_ids = torch.full((len(prompts), p_len), pad, dtype=torch.long)
        p_attn = torch.zeros_like(p_ids)
        for prompt, index in prompts.items():
            p_ids[index, p_len - len(prompt):] = torch.tensor(prompt, dtype=torch.long)
            p_attn[index, p_len - len(prompt):] = 1
        p_ids, p_attn = p_ids.to(device), p_attn.to(device)
        cache = DynamicCache(config=model.config)
        prompt_out = model.base_model(input_ids=p_ids, attention_mask=p_attn,
                                      position_ids=(p_attn.cumsum(-1) - 1).clamp(min=0), use_cache=True,
                                      **{self._cache_kwarg: cache})
        index = torch.tensor(row_prompt, dtype=torch.long, device=device)
        cache.batch_select_indices(index)
        attn = batch["attention_mask"]
        completion = batch["completion_ids"]
        out = model.base_model(input_ids=completion, attention_mask=attn,
                               position_ids=batch["position_ids"][:, p_len:], use_cache=True,
                               **{self._cache_kwarg: cache})
        last_prompt = prompt_out.last_hidden_state[:, -1:].index_select(0, index)
        return torch.cat([last_prompt, out.last_hidden_state[:, :-1]], dim=1)

    def _ref_logprobs(self, batch: dict[str, Any]) -> Any:
        import torch

        from pivotrl.trainer_plugin.kernels import fused_linear_logprobs

        head = self.ref_model.get_output_embeddings()
        with torch.no_grad():
            hidden = self._hidden(self.ref_model, batch)
            return fused_linear_logprobs(hidden, head.weight, batch["completion_ids"], self.config.grpo.temperature,
                                         bias=head.bias, mask=batch["mask"])

    def _ensure_seeded(self) -> None:
        import torch

        if not self._seeded and self.step_count == 0:
            torch.manual_seed(self.config.seed)
        self._seeded = True

    def step(self, pivots: Sequence[Pivot] | None = None) -> dict[str, float]:
        """Sample, score and update once; returns the step's metrics."""
        started = time.perf_counter()
        cfg = self.config
        self._ensure_seeded()
        pivots = list(pivots) if pivots is not None else self.next_pivots()
        groups = self.sampler.sample(pivots, cfg.num_generations)
        if len(groups) != len(pivots) or any(len(g) != cfg.num_generations for g in groups):
            raise PivotRLError(f"the sampler must return {cfg.num_generations} rollouts for each of {len(pivots)} pivots")
        rollouts = [r for g in groups for r in g]
        group_of = [i for i, g in enumerate(groups) for _ in g]
        sample_time = time.perf_counter() - started
        verdicts, invalid = self._score(rollouts)
        metrics = {"sample_seconds": sample_time}
        metrics.update(self.apply(rollouts, [v.score for v in verdicts], group_of, invalid=invalid, verdicts=verdicts,
                                  started=started))
        return metrics

    def apply(self, rollouts: Sequence[Rollout], rewards: Sequence[float], group_ids: Sequence[int], *,
              invalid: Sequence[bool] | None = None, verdicts: Sequence[Verdict] | None = None,
              advantages: Sequence[float] | None = None, started: float | None = None,
              extra_metrics: Mapping[str, float] | None = None) -> dict[str, float]:
        """One optimizer step on rollouts scored by the caller; it counts as a training step
        (logged, checkpointed). ``advantages`` replace the group advantages of ``rewards``
        where the caller computes them itself (multi-turn episodes: one advantage per episode,
        given to each of its turns); ``verdicts`` a verifier's failure policy skipped are
        left out of the update."""
        import torch

        started = time.perf_counter() if started is None else started
        cfg = self.config
        self._ensure_seeded()
        rollouts = list(rollouts)
        n = len(rollouts)
        if not (len(rewards) == len(group_ids) == n) or (advantages is not None and len(advantages) != n):
            raise PivotRLError("apply needs one reward, group id (and advantage) per rollout")
        invalid = list(invalid) if invalid is not None else [False] * n
        keep = [i for i in range(n) if verdicts is None or not verdicts[i].skipped]  # the failure policy's "drop it"
        metrics: dict[str, float] = {
            "reward_mean": sum(rewards[i] for i in keep) / max(len(keep), 1),
            "invalid_share": sum(invalid) / max(n, 1),
            "skipped": float(n - len(keep)),
            "completion_length": sum(len(r.completion_ids) for r in rollouts) / max(n, 1),
            "truncated_share": sum(r.truncated for r in rollouts) / max(n, 1),
            "samples": float(n),
            "prompt_tokens": float(sum(len(r.prompt_ids) for r in rollouts)),
            "completion_tokens": float(sum(len(r.completion_ids) for r in rollouts)),
        }
        if verdicts is not None:
            metrics["equivalent_share"] = sum(verdicts[i].equivalent for i in keep) / max(len(keep), 1)
        spreads = []
        for gid in sorted(set(group_ids)):
            scores = [rewards[i] for i in keep if group_ids[i] == gid]
            if scores:
                spreads.append(max(scores) - min(scores) == 0)
        metrics["zero_spread_group_share"] = sum(spreads) / max(len(spreads), 1)
        if extra_metrics:
            metrics.update(extra_metrics)

        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        if keep:
            kept = [rollouts[i] for i in keep]
            batch = self._batch(kept)
            device = batch["mask"].device
            reward_t = torch.tensor([rewards[i] for i in keep], dtype=torch.float32, device=device)
            gids = torch.tensor([group_ids[i] for i in keep], dtype=torch.long, device=device)
            if advantages is not None:
                adv = torch.tensor([advantages[i] for i in keep], dtype=torch.float32, device=device)
            else:
                bad = torch.tensor([invalid[i] for i in keep], dtype=torch.bool, device=device)
                adv = group_advantages(reward_t, gids, cfg.grpo, invalid=bad)
            metrics.update(self._optimize(batch, adv, reward_t, gids))
            prompts = {tuple(r.prompt_ids) for r in kept} if cfg.share_prompt else [r.prompt_ids for r in kept]
            metrics["forward_tokens"] = float(sum(len(p) for p in prompts) + sum(len(r.completion_ids) for r in kept))
        else:
            logger.warning("step %d: every sample was skipped by the verifier's failure policy; no update",
                           self.step_count + 1)
        self.step_count += 1
        metrics.update(step=float(self.step_count), step_seconds=time.perf_counter() - started)
        self._record(metrics)
        if cfg.output_dir and cfg.save_steps and self.step_count % cfg.save_steps == 0:
            self.save_checkpoint()
        return metrics

    def _optimize(self, batch: dict[str, Any], advantages: Any, rewards: Any, gids: Any) -> dict[str, float]:
        import torch

        cfg = self.config
        ref_lp = self._ref_logprobs(batch) if self.ref_model is not None and cfg.grpo.beta > 0 else None
        hidden = self._hidden_shared(self.model, batch) if cfg.share_prompt else self._hidden(self.model, batch)
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
        metrics = {k: float(v) for k, v in out.metrics.items()}
        metrics.update(loss=float(loss.detach()), grad_norm=float(grad_norm),
                       advantage_abs_mean=float(advantages.abs().mean()))
        return metrics

    # -- the loop -----------------------------------------------------------------------

    def train(self, max_steps: int | None = None, *,
              resume_from_checkpoint: str | Path | bool | None = None) -> list[dict[str, float]]:
        """Run until ``max_steps`` steps are done (default: the config's), then save the last
        checkpoint and ``final`` (weights and tokenizer); returns the metrics of the steps run now. ``resume_from_checkpoint``: a checkpoint
        directory, or True for the latest one in ``output_dir`` (a fresh start where there is
        none)."""
        if resume_from_checkpoint is True:
            if not self.config.output_dir:
                raise PivotRLError("resume_from_checkpoint=True needs config.output_dir")
            resume_from_checkpoint = ckpt.latest_checkpoint(self.config.output_dir)
        if resume_from_checkpoint:
            self.load_checkpoint(resume_from_checkpoint)
        self._ensure_seeded()
        start = len(self.history)
        target = max_steps or self.config.max_steps
        while self.step_count < target:
            self.step()
        if self.config.output_dir:
            latest = ckpt.latest_checkpoint(self.config.output_dir)
            if latest is None or latest.name != f"checkpoint-{self.step_count}":
                self.save_checkpoint()
            self.save(Path(self.config.output_dir) / "final")
        return self.history[start:]

    def _record(self, metrics: dict[str, float]) -> None:
        self.history.append(metrics)
        logger.info("step %d: reward %.3f, zero-spread groups %.2f, loss %s, grad norm %s", self.step_count,
                    metrics["reward_mean"], metrics["zero_spread_group_share"], metrics.get("loss"),
                    metrics.get("grad_norm"))
        if self._log_path is not None:
            ckpt.append_metrics(self._log_path, metrics)
        for callback in self.callbacks:
            callback(self.step_count, metrics)

    # -- checkpoints ----------------------------------------------------------------------

    def _rng_state(self) -> dict[str, Any]:
        import torch

        state: dict[str, Any] = {"torch": torch.get_rng_state(), "python": self._rng.getstate(),
                                 "order": list(self._order)}
        if torch.cuda.is_available():
            state["cuda"] = torch.cuda.get_rng_state_all()
        return state

    def save_checkpoint(self) -> Path:
        """``output_dir/checkpoint-<step>``: weights, tokenizer, optimizer, RNG and data order,
        written atomically (a kill during the save leaves the previous checkpoint intact)."""
        if not self.config.output_dir:
            raise PivotRLError("save_checkpoint needs config.output_dir")
        state = {"step": self.step_count, "config": self.config.to_dict()}
        return ckpt.write_checkpoint(self.config.output_dir, self.step_count, self.model, self.tokenizer,
                                     self.optimizer, self._rng_state(), state, keep=self.config.save_total_limit)

    def load_checkpoint(self, path: str | Path) -> int:
        """Continue from ``path``: weights, optimizer, RNG and data order as they were, and
        ``metrics.jsonl`` cut back to its step. Returns the step. A checkpoint whose config
        differs from this trainer's in anything but length and saving is refused."""
        import torch

        state = ckpt.read_state(path)
        saved = dict(state.get("config") or {})
        mine = self.config.to_dict()
        changed = sorted(k for k in set(saved) | set(mine)
                         if k not in RESUMABLE_CHANGES and saved.get(k) != mine.get(k))
        if changed:
            diffs = ", ".join(f"{k}: {saved.get(k)!r} -> {mine.get(k)!r}" for k in changed)
            raise PivotRLError(f"{path} was trained with another configuration ({diffs}); resume with the same "
                               "settings or start a new output directory")
        ckpt.load_weights(self.model, path)
        self.optimizer.load_state_dict(torch.load(Path(path) / ckpt.OPTIMIZER_FILE, weights_only=True))
        rng = torch.load(Path(path) / ckpt.RNG_FILE, weights_only=True)
        torch.set_rng_state(rng["torch"])
        if "cuda" in rng and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(rng["cuda"])
        self._rng.setstate(_as_state(rng["python"]))
        self._order = list(rng["order"])
        self.step_count = int(state["step"])
        self._seeded = True
        if self._log_path is not None:
            dropped = ckpt.truncate_metrics(self._log_path, self.step_count)
            if dropped:
                logger.info("metrics.jsonl: dropped %d line(s) after step %d (redone now)", dropped, self.step_count)
        if self.config.output_dir:
            ckpt.remove_partial(self.config.output_dir)
        logger.info("resumed from %s at step %d", path, self.step_count)
        return self.step_count

    def save(self, path: str | Path) -> Path:
        """Model, tokenizer and the trainer state (step, config) into ``path``."""
        import json

        target = Path(path)
        target.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(target)
        self.tokenizer.save_pretrained(target)
        state = {"step": self.step_count, "config": self.config.to_dict()}
        (target / ckpt.STATE_FILE).write_text(json.dumps(state, indent=2, default=str) + "\n")
        return target


def _as_state(value: Any) -> Any:
    """``random.getstate()`` comes back from storage with lists where it had tuples."""
    if isinstance(value, list):
        return tuple(_as_state(v) for v in value)
    return value
