"""Pivots as a TRL ``GRPOTrainer`` dataset, and our verifiers as its reward function.

``GRPOTrainer`` (TRL 1.16) renders conversational prompts with the trainer's own ``tools=``
argument (Python callables it also *executes*, in a multi-turn loop) and ignores a per-row
``tools`` column. A pivot's turn is one model call whose tool call is the action to verify,
so for tool pivots pass ``tokenizer=``: each prompt is then rendered here, with that pivot's
own schemas, and TRL sees a standard (text) prompt. Without a tokenizer the prompt stays
conversational (the pivot's messages) and the schemas ride along in the ``tools`` column.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from pivotrl.chat import completion_text, prompt_text_for_tokenizer, render_prompt
from pivotrl.errors import DataError
from pivotrl.trainer_plugin.adapters.chat import columnar_messages, tools_json
from pivotrl.trainer_plugin.scoring import PivotScorer, PivotSource, action_of, as_pivots, verifier_spec
from pivotrl.verifiers import Verdict

logger = logging.getLogger(__name__)

#: Columns ``pivots_to_trl_dataset`` writes; TRL hands every column but ``prompt`` to the reward.
COLUMNS = ("prompt", "pivot_id", "domain", "tools", "verifier")
__all__ = ["COLUMNS", "pivots_to_trl_dataset", "render_prompt", "trl_reward_func"]


def pivots_to_trl_dataset(pivots: PivotSource, *, tokenizer: Any = None) -> Any:
    """A ``datasets.Dataset`` with one row per pivot: ``prompt`` (the pivot's messages, or
    with ``tokenizer`` the rendered prompt text, as profiling renders it, without a BOS the
    tokenizer adds again), ``pivot_id``, ``domain``, ``tools`` (the schemas as a JSON string)
    and ``verifier`` (the spec it is scored by, JSON)."""
    from datasets import Dataset

    rows: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for pivot in as_pivots(pivots):
        try:
            messages = columnar_messages(pivot.messages)
        except DataError as exc:
            raise DataError(exc.message, path=f"pivot {pivot.id}", field=exc.field) from None
        rows["prompt"].append(_text_prompt(tokenizer, pivot) if tokenizer else messages)
        rows["pivot_id"].append(pivot.id)
        rows["domain"].append(pivot.domain)
        rows["tools"].append(tools_json(pivot.tools))
        rows["verifier"].append(json.dumps(verifier_spec(pivot), sort_keys=True))
    if not rows["pivot_id"]:
        raise DataError("no pivots: a TRL dataset needs at least one")
    return Dataset.from_dict(rows)


def _text_prompt(tokenizer: Any, pivot: Any) -> str:
    # TRL tokenizes text prompts with special tokens added: a BOS the template wrote would double
    return prompt_text_for_tokenizer(tokenizer, render_prompt(tokenizer, pivot.messages, pivot.tools))


class _Reward:
    """The state behind a reward function: the scorer and the per-call bookkeeping."""

    def __init__(self, scorer: PivotScorer, tokenizer: Any = None) -> None:
        self.scorer = scorer
        self.tokenizer = tokenizer
        self.calls = 0

    def _texts(self, completions: Sequence[Any], completion_ids: Any) -> list[Any]:
        """The actions to score: with a tokenizer, text completions are decoded again from their
        ids keeping special tokens (TRL drops them, and gpt-oss or Gemma 4 write calls with them)."""
        if self.tokenizer is None or completion_ids is None or len(completion_ids) != len(completions):
            return [action_of(c) for c in completions]
        stop = {self.tokenizer.eos_token_id}
        out = []
        for completion, ids in zip(completions, completion_ids, strict=True):
            if isinstance(completion, str):
                ids = list(ids)
                out.append(completion_text(self.tokenizer, ids, stopped=bool(ids) and ids[-1] in stop))
            else:
                out.append(action_of(completion))
        return out

    def __call__(self, completions: Sequence[Any], kwargs: dict[str, Any],
                 completion_ids: Any = None) -> list[float | None]:
        pivot_ids = kwargs.get("pivot_id")
        if pivot_ids is None:
            raise DataError("the reward function needs the dataset's pivot_id column; build the dataset "
                            "with pivots_to_trl_dataset (found columns: "
                            f"{sorted(k for k in kwargs if k not in ('trainer_state', 'log_extra', 'log_metric'))})",
                            field="pivot_id")
        if len(pivot_ids) != len(completions):
            raise ValueError(f"{len(completions)} completions but {len(pivot_ids)} pivot ids")
        verdicts = self.scorer.score_ids(self._texts(completions, completion_ids), pivot_ids)
        self.calls += 1
        self._log(verdicts, kwargs)
        return [None if v.skipped else v.score for v in verdicts]

    @staticmethod
    def _log(verdicts: list[Verdict], kwargs: dict[str, Any]) -> None:
        n = max(len(verdicts), 1)
        skipped = sum(v.skipped for v in verdicts)
        if skipped:
            logger.warning("%d of %d samples skipped by the verifier's failure policy (reward None)", skipped,
                           len(verdicts))
        log_metric, log_extra = kwargs.get("log_metric"), kwargs.get("log_extra")
        if callable(log_metric):  # TRL >= 1.x: averaged per logging step beside its own metrics
            log_metric("pivot/equivalent", sum(v.equivalent for v in verdicts) / n)
            log_metric("pivot/skipped", skipped / n)
        if callable(log_extra):  # a column of the completions table: why each sample scored what it did
            log_extra("verdict", [v.reason[:200] for v in verdicts])


def trl_reward_func(verifier: Any = None, *, pivots: PivotSource, name: str = "pivot_reward",
                    asynchronous: bool | None = None, tokenizer: Any = None) -> Callable[..., Any]:
    """A reward function for ``trl.GRPOTrainer(reward_funcs=[...])``.

    Called as ``f(prompts=..., completions=..., completion_ids=..., **columns)``; finds each
    sample's pivot by the ``pivot_id`` column among ``pivots`` and scores the completion with
    ``verifier`` (default: the pivot's own, else its domain's) through the batch path. Returns
    a float per sample, or ``None`` where the verifier's failure policy skips it (TRL then
    leaves that sample out of the reward). A broken verifier raises: training stops rather
    than learning from zeros. ``asynchronous`` (default: when a verifier waits on a judge
    server or a sandbox) makes it a coroutine that TRL awaits beside its other async rewards,
    with the verification in a worker thread. ``name`` is what TRL logs the reward under.
    ``tokenizer`` (the trainer's) decodes each completion again from ``completion_ids`` with
    special tokens kept, for models whose tool calls are written with them (gpt-oss harmony,
    Gemma 4): TRL's own text drops them.
    """
    state = _Reward(PivotScorer(pivots, verifier), tokenizer)
    if asynchronous is None:
        asynchronous = state.scorer.io_bound

    if asynchronous:
        async def reward(prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Any = None,
                         **kwargs: Any) -> list[float | None]:
            return await asyncio.to_thread(state, completions, kwargs, completion_ids)
    else:
        def reward(prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Any = None,
                   **kwargs: Any) -> list[float | None]:
            return state(completions, kwargs, completion_ids)

    reward.__name__ = reward.__qualname__ = name
    reward.__doc__ = f"PivotRL reward over {len(state.scorer.pivots)} pivots ({name})."
    reward.scorer = state.scorer  # type: ignore[attr-defined]
    return reward
