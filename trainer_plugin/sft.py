"""Supervised fine-tuning on the assistant turns of chat conversations (trajectories with their
tools, or plain question/answer chats): the baseline PivotRL is compared with, and how the toy
experiment pretrains its base model.

Each conversation is rendered once with the tokenizer's chat template; the tokens of every
assistant turn (its end-of-turn marker included, so the model learns to stop) are the targets,
the rest is context. Batches are filled up to a padded-token budget from length-sorted pools,
so short chats and long trajectories do not pad each other. Log-probs come from the fused
kernel (hidden states and the output head, chunk by chunk), so no [B, T, V] logits are held.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pivotrl.chat import template_forms, template_messages
from pivotrl.errors import DataError, PivotRLError
from pivotrl.trainer_plugin import checkpoints as ckpt

logger = logging.getLogger(__name__)

Callback = Callable[[int, dict[str, float]], None]
POOL_BATCHES = 16  # batches per length-sorted pool: enough to pair similar lengths, still well mixed


@dataclass(frozen=True)
class SFTConfig:
    """``batch_tokens``: padded tokens per step (examples longer than it are cut to it);
    ``max_length``: cut examples to this many tokens (None: ``batch_tokens``); the learning
    rate warms up linearly over ``warmup_steps`` and then follows ``schedule``."""

    max_steps: int = 100
    learning_rate: float = 1e-4
    weight_decay: float = 0.0
    max_grad_norm: float | None = 1.0
    batch_tokens: int = 4096
    max_length: int | None = None
    warmup_steps: int = 0
    schedule: str = "constant"  # constant | cosine
    seed: int = 0
    output_dir: str | None = None  # metrics.jsonl goes here

    def __post_init__(self) -> None:
        if self.max_steps < 1 or self.batch_tokens < 2 or self.warmup_steps < 0:
            raise PivotRLError(f"bad SFTConfig: {self}")
        if not self.learning_rate > 0:
            raise PivotRLError(f"learning_rate must be positive, got {self.learning_rate}")
        if self.schedule not in ("constant", "cosine"):
            raise PivotRLError(f"schedule must be constant or cosine, got {self.schedule!r}")


@dataclass(frozen=True)
class Example:
    """Token ids and a 0/1 target mask of one conversation."""

    ids: list[int]
    targets: list[int]

    def __len__(self) -> int:
        return len(self.ids)


def _render(tokenizer: Any, messages: Sequence[Mapping[str, Any]], tools: Sequence[Any], prompt: bool) -> str:
    return tokenizer.apply_chat_template(template_messages(messages, template_forms(tokenizer)), tools=list(tools) or None,
                                         add_generation_prompt=prompt, tokenize=False)


def encode_chat(tokenizer: Any, messages: Sequence[Mapping[str, Any]], tools: Sequence[Any] = (),
                max_length: int | None = None) -> list[Example]:
    """One example per conversation with every assistant turn as targets; where the template
    does not render a conversation as the concatenation of its turns (some templates drop
    earlier reasoning), one example per assistant turn instead."""
    turns = [i for i, m in enumerate(messages) if m.get("role") == "assistant"]
    if not turns:
        return []
    full = _render(tokenizer, messages, tools, prompt=False)
    spans = []
    for i in turns:
        start = len(_render(tokenizer, messages[:i], tools, prompt=True))
        end = len(_render(tokenizer, messages[:i + 1], tools, prompt=False))
        spans.append((start, end))
    stable = all(full.startswith(_render(tokenizer, messages[:i + 1], tools, prompt=False)) and s < e
                 for i, (s, e) in zip(turns, spans, strict=True))
    if stable:
        return [_encode(tokenizer, full, spans, max_length)]
    out = []
    for i, span in zip(turns, spans, strict=True):
        text = _render(tokenizer, messages[:i + 1], tools, prompt=False)
        out.append(_encode(tokenizer, text, [span], max_length))
    return out


def _encode(tokenizer: Any, text: str, spans: list[tuple[int, int]], max_length: int | None) -> Example:
    """Context and target pieces tokenized apart, as at sampling time the prompt is tokenized
    alone and the reply generated after it (no token straddles a turn's start)."""
    ids: list[int] = []
    targets: list[int] = []
    cursor = 0
    for start, end in [*spans, (len(text), len(text))]:
        for piece, target in ((text[cursor:start], 0), (text[start:end], 1)):
            if piece:
                piece_ids = tokenizer(piece, add_special_tokens=False)["input_ids"]
                ids += piece_ids
                targets += [target] * len(piece_ids)
        cursor = end
    if max_length is not None and len(ids) > max_length:
        ids, targets = ids[:max_length], targets[:max_length]
    return Example(list(ids), targets)


def encode_conversations(tokenizer: Any, conversations: Sequence[Any], max_length: int | None = None) -> list[Example]:
    """Examples from trajectories, pivots (prefix + reference), tasks or ``{"messages", "tools"}``
    records; those without an assistant target are left out."""
    out = []
    for i, conv in enumerate(conversations):
        if hasattr(conv, "reference") and hasattr(conv, "messages"):
            messages, tools = [*conv.messages, conv.reference], conv.tools
        elif hasattr(conv, "answers") and hasattr(conv, "messages"):
            messages, tools = [*conv.messages, {"role": "assistant", "content": conv.answers[0]}], []
        elif hasattr(conv, "messages"):
            messages, tools = conv.messages, getattr(conv, "tools", [])
        elif isinstance(conv, Mapping) and "messages" in conv:
            messages, tools = conv["messages"], conv.get("tools") or []
        else:
            raise DataError(f"cannot train on a {type(conv).__name__}: expected a conversation", line=i + 1)
        out += [e for e in encode_chat(tokenizer, messages, tools, max_length) if any(e.targets)]
    return out


class SFTTrainer:
    """Next-token loss on the target tokens, mean over the target tokens of each batch."""

    def __init__(self, model: Any, tokenizer: Any, examples: Sequence[Example], config: SFTConfig | None = None,
                 *, optimizer: Any = None, callbacks: Sequence[Callback] = (),
                 reduce_gradients: Callable[[Iterable[Any]], None] | None = None) -> None:
        import torch

        self.config = config or SFTConfig()
        if not examples:
            raise PivotRLError("no examples with assistant targets to train on")
        limit = min(self.config.max_length or self.config.batch_tokens, self.config.batch_tokens)
        self.examples = [Example(e.ids[:limit], e.targets[:limit]) for e in examples]
        self.model = model
        self.tokenizer = tokenizer
        self.optimizer = optimizer or torch.optim.AdamW([p for p in model.parameters() if p.requires_grad],
                                                        lr=self.config.learning_rate,
                                                        weight_decay=self.config.weight_decay)
        self.callbacks = list(callbacks)
        self.reduce_gradients = reduce_gradients  # data parallel: average over processes before clipping
        self.step_count = 0
        self.history: list[dict[str, float]] = []
        self._rng = random.Random(self.config.seed)
        self._batches: list[list[int]] = []
        self._log = Path(self.config.output_dir) / ckpt.METRICS_FILE if self.config.output_dir else None

    def _refill(self) -> None:
        order = list(range(len(self.examples)))
        self._rng.shuffle(order)
        budget = self.config.batch_tokens
        pool_size = max(1, POOL_BATCHES * budget // max(1, sum(len(e) for e in self.examples) // len(self.examples)))
        batches: list[list[int]] = []
        for start in range(0, len(order), pool_size):
            pool = sorted(order[start:start + pool_size], key=lambda i: len(self.examples[i]))
            batch: list[int] = []
            for i in pool:
                width = max([len(self.examples[j]) for j in batch] + [len(self.examples[i])])
                if batch and width * (len(batch) + 1) > budget:
                    batches.append(batch)
                    batch = []
                batch.append(i)
            if batch:
                batches.append(batch)
        self._rng.shuffle(batches)
        self._batches = batches

    def next_batch(self) -> list[Example]:
        if not self._batches:
            self._refill()
        return [self.examples[i] for i in self._batches.pop()]

    def _lr(self, step: int) -> float:
        cfg = self.config
        if cfg.warmup_steps and step <= cfg.warmup_steps:
            return cfg.learning_rate * step / cfg.warmup_steps
        if cfg.schedule == "cosine":
            span = max(cfg.max_steps - cfg.warmup_steps, 1)
            progress = min(max(step - cfg.warmup_steps, 0) / span, 1.0)
            return cfg.learning_rate * 0.5 * (1 + math.cos(math.pi * progress))
        return cfg.learning_rate

    def step(self) -> dict[str, float]:
        import torch

        from pivotrl.trainer_plugin.kernels import fused_linear_logprobs

        started = time.perf_counter()
        if self.step_count == 0 and not self.history:
            torch.manual_seed(self.config.seed)
        batch = self.next_batch()
        device = next(self.model.parameters()).device
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        width = max(len(e) for e in batch)
        ids = torch.full((len(batch), width), pad, dtype=torch.long)
        attn = torch.zeros_like(ids)
        targets = torch.zeros(len(batch), width)
        for row, e in enumerate(batch):
            ids[row, :len(e)] = torch.tensor(e.ids)
            attn[row, :len(e)] = 1
            targets[row, :len(e)] = torch.tensor(e.targets, dtype=torch.float32)
        ids, attn, targets = ids.to(device), attn.to(device), targets.to(device)
        lr = self._lr(self.step_count + 1)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        hidden = self.model.base_model(input_ids=ids, attention_mask=attn).last_hidden_state[:, :-1]
        mask = targets[:, 1:]  # the hidden state at t predicts token t + 1
        head = self.model.get_output_embeddings()
        logprobs = fused_linear_logprobs(hidden, head.weight, ids[:, 1:], 1.0, bias=head.bias, mask=mask)
        count = mask.sum()
        loss = -(logprobs * mask).sum() / count.clamp(min=1)
        if not torch.isfinite(loss):
            raise PivotRLError(f"SFT step {self.step_count + 1}: the loss is {loss.item()}; lower the learning rate")
        loss.backward()
        params = [p for p in self.model.parameters() if p.grad is not None]
        if self.reduce_gradients is not None:
            self.reduce_gradients(params)
        max_norm = self.config.max_grad_norm if self.config.max_grad_norm is not None else math.inf
        grad_norm = torch.nn.utils.clip_grad_norm_(params, max_norm)
        self.optimizer.step()
        self.step_count += 1
        metrics = {"step": float(self.step_count), "loss": float(loss.detach()), "grad_norm": float(grad_norm),
                   "learning_rate": lr, "examples": float(len(batch)), "target_tokens": float(count),
                   "forward_tokens": float(attn.sum()), "padded_tokens": float(ids.numel()),
                   "step_seconds": time.perf_counter() - started}
        self.history.append(metrics)
        if self._log is not None:
            ckpt.append_metrics(self._log, metrics)
        for callback in self.callbacks:
            callback(self.step_count, metrics)
        return metrics

    def train(self, max_steps: int | None = None) -> list[dict[str, float]]:
        start = len(self.history)
        while self.step_count < (max_steps or self.config.max_steps):
            self.step()
        return self.history[start:]
