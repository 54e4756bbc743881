"""Our compute_score functions called exactly as each of verl's reward managers calls a custom
reward function, and their results read back the way that manager reads them. verl needs GPUs
and is not installed here; each helper below repeats the manager's call and read, citing the
file of volcengine/verl it comes from (commit b178a3c, January 2026)."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from pivotrl.errors import VerifierError
from pivotrl.pivot_envs import Pivot
from pivotrl.trainer_plugin.adapters import verl
from pivotrl.trainer_plugin.adapters.verl_agent_loop import pivot_tools
from pivotrl.trainer_plugin.adapters.verl_managers import VerifierAbort
from pivotrl.verifiers import register_verifier
from pivotrl.verifiers.registry import VERIFIERS


def _call_with_kwargs(raw_fn, extra_kwargs, *args, **kwargs):
    """verl/trainer/ppo/reward.py: get_custom_reward_fn wraps the user function with this
    (reward_kwargs win over call-time kwargs)."""
    return raw_fn(*args, **{**kwargs, **extra_kwargs})


def _custom(raw_fn, **reward_kwargs):
    return partial(_call_with_kwargs, raw_fn, reward_kwargs)


def _reward_of(result: Any) -> float:
    """verl/workers/reward_manager/naive.py, dapo.py and reward_loop/reward_manager/naive.py: a
    dict gives result["score"] (every key is logged), anything else is the reward itself."""
    return result["score"] if isinstance(result, dict) else result


@pytest.fixture(autouse=True)
def fresh_cache():
    verl.reset_cache()
    yield
    verl.reset_cache()


@pytest.fixture(scope="module")
def rows_and_answers(tool_pivots, tmp_path_factory) -> list[tuple[dict[str, Any], str, str]]:
    """(parquet row, reference response, wrong response) for a few shipped tool-call pivots."""
    pivots = [p for p in tool_pivots if p.reference.get("tool_calls")][:4]
    path = tmp_path_factory.mktemp("verl") / "train.parquet"
    verl.export_verl_parquet(pivots, path)
    out = []
    for pivot, row in zip(pivots, pq.read_table(path).to_pylist(), strict=True):
        call = pivot.reference["tool_calls"][0]["function"]
        good = "".join(f'<tool_call>\n{{"name": "{c["function"]["name"]}", "arguments": {c["function"]["arguments"]}}}'
                       "\n</tool_call>" for c in pivot.reference["tool_calls"])
        bad = f'<tool_call>\n{{"name": "{call["name"]}_nope", "arguments": {call["arguments"]}}}\n</tool_call>'
        out.append((row, good, bad))
    return out


def test_naive_manager(rows_and_answers):
    """verl/workers/reward_manager/naive.py: keyword call per sample, extra_info gains num_turns
    and rollout_reward_scores, a dict result's keys are all logged (numbers)."""
    fn = _custom(verl.compute_score)
    for row, good, bad in rows_and_answers:
        for response, expected in ((good, 1.0), (bad, 0.0)):
            extra_info = dict(row["extra_info"])
            extra_info["num_turns"] = None
            extra_info["rollout_reward_scores"] = {}
            result = fn(data_source=row["data_source"], solution_str=response,
                        ground_truth=row["reward_model"]["ground_truth"], extra_info=extra_info)
            assert _reward_of(result) == expected
            assert all(isinstance(v, float) for v in result.values())


def test_batch_manager(rows_and_answers):
    """verl/workers/reward_manager/batch.py: one call with plural keywords and numpy object
    arrays from non_tensor_batch, **reward_kwargs appended; a list of per-sample results."""
    rows = [r for r, _, _ in rows_and_answers for _ in range(2)]
    responses = [x for _, good, bad in rows_and_answers for x in (good, bad)]
    extras = np.array([dict(r["extra_info"]) for r in rows], dtype=object)
    for extra in extras:
        extra["rollout_reward_scores"] = {}
    scores = verl.compute_score_batch(
        data_sources=np.array([r["data_source"] for r in rows], dtype=object), solution_strs=responses,
        ground_truths=[r["reward_model"].get("ground_truth", None) for r in rows], extra_infos=extras)
    assert [_reward_of(s) for s in scores] == [1.0, 0.0] * len(rows_and_answers)


def test_dapo_manager(rows_and_answers):
    """verl/workers/reward_manager/dapo.py: like naive, then an overlong penalty is added to
    result["score"], which must therefore be a number."""
    fn = _custom(verl.compute_score)
    row, good, _ = rows_and_answers[0]
    result = fn(data_source=row["data_source"], solution_str=good, ground_truth=row["reward_model"]["ground_truth"],
                extra_info=dict(row["extra_info"]))
    score = result["score"] if isinstance(result, dict) else result
    overlong_reward = min(-(120 - 100) / 16 * 1.0, 0)
    assert score + overlong_reward == pytest.approx(1.0 - 1.25)


def test_reward_loop_manager(rows_and_answers):
    """verl/experimental/reward_loop/reward_manager/naive.py: a sync function runs in the
    event loop's default executor (threads) with keyword arguments; tool_extra_fields are
    merged into extra_info; reward_score = result["score"]."""
    fn = _custom(verl.compute_score)

    async def run_single(row: dict[str, Any], response: str) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        extra_info = dict(row["extra_info"])
        extra_info.update({"tool_calls_made": 0}.items())
        extra_info["num_turns"] = 2
        extra_info["rollout_reward_scores"] = {}
        result = await loop.run_in_executor(None, lambda: fn(
            data_source=row["data_source"], solution_str=response, ground_truth=row["reward_model"]["ground_truth"],
            extra_info=extra_info))
        if isinstance(result, dict):
            return {"reward_score": result["score"], "reward_extra_info": dict(result)}
        return {"reward_score": result, "reward_extra_info": {"acc": result}}

    async def batch() -> list[dict[str, Any]]:
        return await asyncio.gather(*(run_single(row, answer) for row, good, bad in rows_and_answers
                                      for answer in (good, bad)))

    outputs = asyncio.run(batch())
    assert [o["reward_score"] for o in outputs] == [1.0, 0.0] * len(rows_and_answers)


def _prime_scores(evaluation_func, completions, references, tasks, extra_info) -> list[float]:
    """verl/workers/reward_manager/prime.py (parallel_compute_score_async and verify): each sample
    in a ProcessPoolExecutor as evaluation_func(task, completion, reference, extra_info),
    positional; an Exception or a timeout becomes None and then 0.0; a number is float(result),
    anything else float(result[0]); an Exception while reading them scores the whole batch 0."""

    async def single(executor, completion, reference, task, task_extra_info):
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(executor, partial(evaluation_func, task, completion, reference,
                                                            task_extra_info))
            return await asyncio.wait_for(future, timeout=300.0)
        except asyncio.TimeoutError:
            return None
        except Exception:
            return None

    async def run() -> list[float]:
        with ProcessPoolExecutor(max_workers=2) as executor:
            results = await asyncio.gather(*(single(executor, c, r, t, e) for c, r, t, e in
                                             zip(completions, references, tasks, extra_info, strict=True)))
        scores = []
        for result in results:
            if isinstance(result, Exception) or result is None:
                scores.append(0.0)
            elif isinstance(result, int | float | bool):
                scores.append(float(result))
            else:
                scores.append(float(result[0]))
        return scores

    try:  # PrimeRewardManager.verify: any Exception of the scoring sets every score to 0
        return asyncio.run(run())
    except Exception:
        return [0.0] * len(completions)


def test_prime_manager_reads_a_float_and_the_dict_function_would_score_zero(rows_and_answers):
    rows = [r for r, _, _ in rows_and_answers for _ in range(2)]
    responses = [x for _, good, bad in rows_and_answers for x in (good, bad)]
    args = (responses, [r["reward_model"]["ground_truth"] for r in rows], [r["data_source"] for r in rows],
            np.array([dict(r["extra_info"]) for r in rows], dtype=object))
    assert _prime_scores(_custom(verl.compute_score_prime), *args) == [1.0, 0.0] * len(rows_and_answers)
    # why prime needs its own function: the dict result reads as result[0], a KeyError, so 0
    assert _prime_scores(_custom(verl.compute_score), *args) == [0.0] * len(rows)


class _Broken:
    name = "test_broken_for_prime"

    def verify(self, action, pivot):
        raise VerifierError("judge endpoint refused the connection")


def test_prime_manager_cannot_swallow_a_broken_verifier(rows_and_answers):
    """prime turns every Exception of the function into a 0 reward; a broken verifier reaches
    it as VerifierAbort (a BaseException), which stops the run instead."""
    register_verifier("test_broken_for_prime", _Broken)
    try:
        row, good, _ = rows_and_answers[0]
        pivot = Pivot.from_dict({**json.loads(row["extra_info"]["pivot"]), "verifier": {"name": "test_broken_for_prime"}})
        extra = {**row["extra_info"], "pivot": json.dumps(pivot.to_dict())}
        with pytest.raises(VerifierAbort, match="refused the connection"):
            _prime_scores(_custom(verl.compute_score_prime), [good], [row["reward_model"]["ground_truth"]],
                          [row["data_source"]], [extra])
    finally:
        VERIFIERS.unregister("test_broken_for_prime")


def test_each_rows_own_tools_reach_the_agent_loop(rows_and_answers, tool_pivots):
    """verl/experimental/agent_loop/single_turn_agent_loop.py renders tools=self.tool_schemas;
    our loop sets them per sample from extra_info.tools, which must be the pivot's own."""
    by_id = {p.id: p for p in tool_pivots}
    for row, _, _ in rows_and_answers:
        assert pivot_tools(row["extra_info"]) == by_id[row["extra_info"]["pivot_id"]].tools
    assert pivot_tools({"tools": ""}) is None and pivot_tools(None) is None


@pytest.mark.parametrize("template", ["qwen2_5.jinja", "qwen3.jinja"])
def test_agent_loop_renders_the_prompt_profiling_saw(tool_pivots, tiny_lm_dir, tmp_path, monkeypatch, template):
    """PivotSingleTurnAgentLoop against a stand-in of verl's SingleTurnAgentLoop (verl needs GPUs):
    the stand-in keeps the one line that matters, verl/experimental/agent_loop/
    single_turn_agent_loop.py's ``apply_chat_template(messages, tools=self.tool_schemas, ...)``,
    rendered with chat templates TRL ships. The pivot's own tools reach the template, and the
    prompt is the one ``render_prompt`` gives profiling and the trainer (earlier tool calls
    included: the exported rows hold their arguments as JSON strings)."""
    import sys
    import types
    from pathlib import Path

    import trl
    from transformers import AutoTokenizer

    from pivotrl.chat import render_prompt
    from pivotrl.trainer_plugin.adapters import verl_agent_loop

    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    tokenizer.chat_template = (Path(trl.__file__).parent / "chat_templates" / template).read_text()

    class SingleTurnAgentLoop:
        def __init__(self) -> None:
            self.tool_schemas: list = []  # verl: from data.tool_config_path, one list for every row
            self.tokenizer = tokenizer  # verl: AgentLoopBase.__init__ keeps the tokenizer

        async def run(self, sampling_params, **kwargs):
            messages = list(kwargs["raw_prompt"])
            return tokenizer.apply_chat_template(messages, tools=self.tool_schemas or None, add_generation_prompt=True,
                                                 tokenize=False)

    module = types.ModuleType("verl.experimental.agent_loop.single_turn_agent_loop")
    module.SingleTurnAgentLoop = SingleTurnAgentLoop
    for name in ("verl", "verl.experimental", "verl.experimental.agent_loop"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(verl_agent_loop, "_built", {})

    loop_class = verl_agent_loop.PivotSingleTurnAgentLoop
    assert issubclass(loop_class, SingleTurnAgentLoop)
    later = [p for p in tool_pivots if any(m.get("tool_calls") for m in p.messages)][:3]
    pivots = [p for p in tool_pivots if p.reference.get("tool_calls")][:2] + later
    verl.export_verl_parquet(pivots, tmp_path / "train.parquet")
    by_id = {p.id: p for p in pivots}
    earlier_calls = 0
    for row in pq.read_table(tmp_path / "train.parquet").to_pylist():
        messages = [{k: v for k, v in m.items() if v is not None} for m in row["prompt"]]
        plain = asyncio.run(SingleTurnAgentLoop().run({}, raw_prompt=messages, extra_info=row["extra_info"]))
        rendered = asyncio.run(loop_class().run({}, raw_prompt=messages, extra_info=row["extra_info"]))
        names = [t["function"]["name"] for t in json.loads(row["extra_info"]["tools"])]
        assert names and all(f'"name": "{n}"' in rendered for n in names)
        assert "<tools>" in rendered and "<tools>" not in plain
        pivot = by_id[row["extra_info"]["pivot_id"]]
        assert rendered == render_prompt(tokenizer, pivot.messages, pivot.tools)
        earlier_calls += sum(bool(m.get("tool_calls")) for m in pivot.messages)
    assert earlier_calls > 0  # the rows do carry earlier tool calls to render
