"""Pivots as a verl RL dataset (Parquet) and our verifiers as verl's custom reward function.

verl's reward managers call ``compute_score(data_source=..., solution_str=...,
ground_truth=..., extra_info=...)`` (plus ``custom_reward_function.reward_kwargs``) with the
decoded response. Each row's ``extra_info`` carries the whole pivot as JSON by default, so
reward workers on other machines need no shared file; ``export_verl_parquet(...,
embed_pivots=False)`` carries only the id, and then ``reward_kwargs.pivots`` must name the
pivot file. Configure verl with::

    custom_reward_function.path=<site-packages>/pivotrl/trainer_plugin/adapters/verl.py
    custom_reward_function.name=compute_score

(``compute_score_batch`` for the ``batch`` manager, ``compute_score_prime`` for ``prime``: see
``verl_managers``.)

verl renders ``prompt`` with its tokenizer's chat template and no tools, and Parquet holds
tool-call arguments only as JSON strings. ``export_verl_parquet(..., tokenizer=tok)`` renders
each prompt here instead, with the pivot's tools and arguments in the form the template needs
(the one renderer profiling uses), as a single message that verl passes through unchanged with
``+data.apply_chat_template_kwargs.chat_template='{{ messages[0].content }}'``
(:data:`PASS_THROUGH_TEMPLATE`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cachetools import LRUCache

from pivotrl.chat import render_prompt
from pivotrl.domain_registry import verl_ability
from pivotrl.errors import DataError
from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.records import Pivot
from pivotrl.trainer_plugin.adapters.chat import columnar_messages, tools_json
from pivotrl.trainer_plugin.adapters.verl_managers import VerifierAbort, compute_score_prime  # noqa: F401 - verl loads them from here
from pivotrl.trainer_plugin.scoring import PivotScorer, PivotSource, as_pivots, verifier_spec

logger = logging.getLogger(__name__)

#: verl's ``data.apply_chat_template_kwargs.chat_template`` for prompts rendered at export
PASS_THROUGH_TEMPLATE = "{{ messages[0].content }}"

_lock = threading.Lock()
_scorers: dict[str, PivotScorer] = {}  # per process: verl calls compute_score once per sample
_embedded: LRUCache[str, tuple[Pivot, PivotScorer]] = LRUCache(maxsize=100_000)  # bounded: long runs


def data_source(pivot: Pivot) -> str:
    """verl's ``data_source`` (its per-source metrics key): ``pivotrl/<domain>``."""
    return f"pivotrl/{pivot.domain}"


def pivot_to_verl_row(pivot: Pivot, index: int, *, split: str = "train", embed_pivot: bool = True,
                      tokenizer: Any = None) -> dict[str, Any]:
    """One row of verl's RL dataset. ``prompt`` holds chat messages (verl applies the chat
    template itself), or with ``tokenizer`` one message holding the rendered prompt (see the
    module docstring); ``reward_model.ground_truth`` the reference action as JSON;
    ``extra_info`` the pivot id, its tools and verifier spec (JSON), and the pivot itself."""
    try:
        prompt = columnar_messages(pivot.messages)
    except DataError as exc:
        raise DataError(exc.message, path=f"pivot {pivot.id}", field=exc.field) from None
    if tokenizer is not None:
        prompt = [{"role": "user", "content": render_prompt(tokenizer, pivot.messages, pivot.tools)}]
    extra: dict[str, Any] = {
        "index": index, "split": split, "pivot_id": pivot.id, "domain": pivot.domain,
        "tools": tools_json(pivot.tools), "verifier": json.dumps(verifier_spec(pivot), sort_keys=True),
        "pivot": json.dumps(pivot.to_dict(), ensure_ascii=False, sort_keys=True) if embed_pivot else "",
    }
    return {
        "data_source": data_source(pivot),
        "prompt": prompt,
        "ability": verl_ability(pivot.domain),
        "reward_model": {"style": "rule", "ground_truth": json.dumps(pivot.reference, ensure_ascii=False,
                                                                      sort_keys=True)},
        "extra_info": extra,
    }


def export_verl_parquet(pivots: PivotSource, path: str | os.PathLike[str], *, split: str = "train",
                        embed_pivots: bool = True, tokenizer: Any = None) -> int:
    """Write pivots as verl's Parquet RL dataset (``data.train_files=path``); returns the
    row count. With ``tokenizer`` the prompts are rendered here (set verl's chat template to
    :data:`PASS_THROUGH_TEMPLATE`). The file is written beside its target and renamed into place."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [pivot_to_verl_row(p, i, split=split, embed_pivot=embed_pivots, tokenizer=tokenizer)
            for i, p in enumerate(as_pivots(pivots))]
    if not rows:
        raise DataError("no pivots to export")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        pq.write_table(pa.Table.from_pylist(rows), tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return len(rows)


def _scorer_for_file(path: str) -> PivotScorer:
    key = str(Path(path).resolve())
    with _lock:
        scorer = _scorers.get(key)
    if scorer is None:
        scorer = PivotScorer(key)
        with _lock:
            scorer = _scorers.setdefault(key, scorer)
    return scorer


def _embedded_pivot(text: str) -> tuple[Pivot, PivotScorer]:
    with _lock:
        hit = _embedded.get(text)
    if hit is None:
        try:
            pivot = Pivot.from_dict(json.loads(text))
        except (ValueError, DataError) as exc:
            raise DataError(f"extra_info.pivot is not a pivot record: {exc}", field="extra_info.pivot") from None
        hit = (pivot, _shared_scorer(pivot))
        with _lock:
            hit = _embedded.setdefault(text, hit)
    return hit


_by_spec: dict[str, PivotScorer] = {}


def _shared_scorer(pivot: Pivot) -> PivotScorer:
    """One scorer (so one built verifier) per verifier spec, shared by every embedded pivot."""
    key = verifier_for(pivot).key()
    with _lock:
        scorer = _by_spec.get(key)
    if scorer is None:
        scorer = PivotScorer([pivot])
        with _lock:
            scorer = _by_spec.setdefault(key, scorer)
    return scorer


def find_pivot(extra_info: Mapping[str, Any] | None, pivots: str | os.PathLike[str] | None = None) -> tuple[Pivot, PivotScorer]:
    """The pivot a verl sample belongs to, and a scorer holding its verifier."""
    info = extra_info or {}
    if not isinstance(info, Mapping):
        raise DataError(f"extra_info must be a dict, found {type(info).__name__}", field="extra_info")
    if info.get("pivot"):
        return _embedded_pivot(str(info["pivot"]))
    pivot_id = info.get("pivot_id")
    if pivot_id is None:
        raise DataError("extra_info has neither 'pivot' nor 'pivot_id': export the dataset with "
                        "export_verl_parquet", field="extra_info")
    if pivots is None:
        raise DataError(f"extra_info names pivot {pivot_id!r} but not the pivot itself: set "
                        "custom_reward_function.reward_kwargs.pivots=<pivots.jsonl> (or export with "
                        "embed_pivots=True)", field="extra_info.pivot")
    scorer = _scorer_for_file(os.fspath(pivots))
    return scorer.pivot(pivot_id), scorer


def compute_score(data_source: str, solution_str: str, ground_truth: Any, extra_info: Mapping[str, Any] | None = None,
                  *, pivots: str | os.PathLike[str] | None = None, **kwargs: Any) -> dict[str, float]:
    """verl's custom reward function: the verifier's verdict on ``solution_str`` at the
    sample's pivot, as ``{"score", "acc", "skipped"}`` (numbers only: verl averages every key
    for its validation metrics). ``ground_truth`` is not needed (the pivot holds the reference).
    A sample the verifier's failure policy skips scores 0 with ``skipped`` 1, since verl has
    no way to drop a sample; a broken verifier raises."""
    return compute_score_batch([data_source], [solution_str], [ground_truth], [extra_info], pivots=pivots)[0]


def compute_score_batch(data_sources: Sequence[str], solution_strs: Sequence[str], ground_truths: Sequence[Any],
                        extra_infos: Sequence[Mapping[str, Any] | None], *,
                        pivots: str | os.PathLike[str] | None = None, **kwargs: Any) -> list[dict[str, float]]:
    """The same for verl's ``batch`` reward manager (``reward_model.reward_manager=batch``,
    ``custom_reward_function.name=compute_score_batch``): one verifier batch call per
    verifier for the whole rollout batch, which is what judge and sandbox verifiers want."""
    if not len(solution_strs) == len(extra_infos) == len(data_sources):
        raise ValueError(f"{len(data_sources)} data sources, {len(solution_strs)} responses and "
                         f"{len(extra_infos)} extra_infos: verl passes one of each per sample")
    found = [find_pivot(info, pivots) for info in extra_infos]
    groups: dict[int, tuple[PivotScorer, list[int]]] = {}
    for i, (_, scorer) in enumerate(found):
        groups.setdefault(id(scorer), (scorer, []))[1].append(i)
    out: list[dict[str, float]] = [{} for _ in solution_strs]
    for scorer, idx in groups.values():
        verdicts = scorer.score([solution_strs[i] for i in idx], [found[i][0] for i in idx])
        for i, verdict in zip(idx, verdicts, strict=True):
            if verdict.skipped:
                logger.warning("pivot %s: the verifier skipped a sample (%s); verl scores it 0", found[i][0].id,
                               verdict.reason)
            out[i] = {"score": 0.0 if verdict.skipped else verdict.score, "acc": float(verdict.equivalent),
                      "skipped": float(verdict.skipped)}
    return out


def reset_cache() -> None:
    """Forget the pivots and verifiers this process built (tests; a changed pivot file)."""
    with _lock:
        _scorers.clear()
        _embedded.clear()
        _by_spec.clear()
