"""The verl adapter: the Parquet dataset verl's RLHFDataset reads, and compute_score called
the way verl's naive and batch reward managers call it (verl itself needs GPUs)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from pivotrl.errors import DataError, VerifierError
from pivotrl.pivot_envs import Pivot, write_jsonl
from pivotrl.trainer_plugin.adapters import verl
from pivotrl.trainer_plugin.adapters.chat import columnar_messages
from pivotrl.verifiers import register_verifier
from pivotrl.verifiers.registry import VERIFIERS


@pytest.fixture(autouse=True)
def fresh_cache():
    verl.reset_cache()
    yield
    verl.reset_cache()


def _hermes(calls: list[tuple[str, dict[str, Any]]]) -> str:
    """Tool calls as a Qwen-style model writes them, one <tool_call> block each."""
    return "".join(f'<tool_call>\n{json.dumps({"name": n, "arguments": a})}\n</tool_call>' for n, a in calls)


def _calls(pivot: Pivot) -> list[tuple[str, dict[str, Any]]]:
    return [(c["function"]["name"], json.loads(c["function"]["arguments"])) for c in pivot.reference["tool_calls"]]


def _reference_text(pivot: Pivot) -> str:
    return _hermes(_calls(pivot))


def _perturbed(pivot: Pivot) -> list[str]:
    (name, args), *rest = _calls(pivot)
    key = next(iter(args))
    changed = {**args, key: f"{args[key]}-other" if isinstance(args[key], str) else 999_999}
    return [
        _hermes([(name, changed), *rest]),                  # a wrong argument value
        _hermes([("no_such_tool", args), *rest]),           # a wrong tool
        _hermes(rest),                                      # a call missing (empty text when only one)
        '<tool_call>\n{"name": "' + name + '", "arguments": {',  # broken JSON
        "I will look into that for you.",                   # prose where a call was due
    ]


@pytest.fixture(scope="module")
def call_pivots(tool_pivots) -> list[Pivot]:
    return [p for p in tool_pivots if p.reference.get("tool_calls")
            and json.loads(p.reference["tool_calls"][0]["function"]["arguments"])][:4]


def _naive_manager_call(compute_score, row: dict[str, Any], response: str, **reward_kwargs: Any) -> Any:
    """What verl's NaiveRewardManager does per sample: keyword arguments, extra_info from the
    row plus the keys it adds, custom reward kwargs bound with functools.partial."""
    extra_info = dict(row.get("extra_info") or {})
    extra_info["num_turns"] = None
    extra_info["rollout_reward_scores"] = {}
    fn = partial(compute_score, **reward_kwargs) if reward_kwargs else compute_score
    return fn(data_source=row["data_source"], solution_str=response,
              ground_truth=row["reward_model"]["ground_truth"], extra_info=extra_info)


def test_parquet_has_the_columns_and_nested_fields_verl_reads(call_pivots, tmp_path):
    path = tmp_path / "train.parquet"
    assert verl.export_verl_parquet(call_pivots, path) == len(call_pivots)
    table = pq.read_table(path)
    assert set(table.column_names) == {"data_source", "prompt", "ability", "reward_model", "extra_info"}
    for i, (pivot, row) in enumerate(zip(call_pivots, table.to_pylist(), strict=True)):
        assert row["data_source"] == "pivotrl/tool" and row["ability"] == "tool_use"
        assert row["reward_model"]["style"] == "rule"
        assert json.loads(row["reward_model"]["ground_truth"]) == pivot.reference
        info = row["extra_info"]
        assert info["index"] == i and info["split"] == "train" and info["pivot_id"] == pivot.id
        assert json.loads(info["tools"]) == pivot.tools
        assert json.loads(info["verifier"]) == {"name": "tool_schema", "params": {}}
        assert Pivot.from_dict(json.loads(info["pivot"])) == pivot
        # prompt: chat messages, text and tool-call arguments unchanged (nulls where a key is absent)
        assert [{k: v for k, v in m.items() if v is not None} for m in row["prompt"]] == columnar_messages(pivot.messages)


def test_prompt_round_trips_through_verls_loader_and_chat_template(call_pivots, tmp_path, tiny_lm_dir):
    """verl's RLHFDataset loads the Parquet with datasets and renders ``prompt`` with the
    tokenizer's chat template (add_generation_prompt=True)."""
    import datasets
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_lm_dir)
    path = tmp_path / "train.parquet"
    verl.export_verl_parquet(call_pivots, path)
    loaded = datasets.load_dataset("parquet", data_files=str(path))["train"]
    for pivot, row in zip(call_pivots, loaded, strict=True):
        rendered = tokenizer.apply_chat_template(row["prompt"], add_generation_prompt=True, tokenize=False)
        assert rendered == tokenizer.apply_chat_template(columnar_messages(pivot.messages),
                                                         add_generation_prompt=True, tokenize=False)
        for message in pivot.messages:
            assert (message["content"] or "") in rendered
            for c in message.get("tool_calls") or []:
                assert c["function"]["arguments"] in rendered  # arguments not re-encoded or merged
        assert rendered.endswith("<|im_start|>assistant\n")


def test_compute_score_as_the_naive_manager_calls_it(call_pivots, tmp_path):
    path = tmp_path / "train.parquet"
    verl.export_verl_parquet(call_pivots, path)
    for pivot, row in zip(call_pivots, pq.read_table(path).to_pylist(), strict=True):
        result = _naive_manager_call(verl.compute_score, row, _reference_text(pivot))
        assert result == {"score": 1.0, "acc": 1.0, "skipped": 0.0}
        for wrong in _perturbed(pivot):
            result = _naive_manager_call(verl.compute_score, row, wrong)
            assert result["score"] == 0.0 and result["acc"] == 0.0, wrong
        assert all(isinstance(v, float) for v in result.values())  # verl averages every key


def test_compute_score_positional_like_verls_default_signature(call_pivots, tmp_path):
    path = tmp_path / "train.parquet"
    verl.export_verl_parquet(call_pivots[:1], path)
    row = pq.read_table(path).to_pylist()[0]
    out = verl.compute_score(row["data_source"], _reference_text(call_pivots[0]),
                             row["reward_model"]["ground_truth"], row["extra_info"])
    assert out["score"] == 1.0


def test_compute_score_batch_as_the_batch_manager_calls_it(call_pivots, tmp_path):
    path = tmp_path / "train.parquet"
    verl.export_verl_parquet(call_pivots, path)
    rows = pq.read_table(path).to_pylist()
    responses, expected = [], []
    for pivot in call_pivots:
        responses += [_reference_text(pivot), _perturbed(pivot)[0]]
        expected += [1.0, 0.0]
    picked = [rows[i // 2] for i in range(len(responses))]
    # the batch manager passes numpy object arrays from DataProto.non_tensor_batch
    scores = verl.compute_score_batch(
        data_sources=np.array([r["data_source"] for r in picked], dtype=object),
        solution_strs=responses,
        ground_truths=[r["reward_model"]["ground_truth"] for r in picked],
        extra_infos=np.array([dict(r["extra_info"]) for r in picked], dtype=object),
    )
    assert [s["score"] for s in scores] == expected


def test_pivot_by_id_needs_the_pivot_file_from_reward_kwargs(call_pivots, tmp_path):
    path = tmp_path / "train.parquet"
    verl.export_verl_parquet(call_pivots, path, embed_pivots=False)
    rows = pq.read_table(path).to_pylist()
    assert all(r["extra_info"]["pivot"] == "" for r in rows)
    with pytest.raises(DataError, match=r"reward_kwargs\.pivots"):
        _naive_manager_call(verl.compute_score, rows[0], _reference_text(call_pivots[0]))
    pivots_file = tmp_path / "pivots.jsonl"
    write_jsonl(call_pivots, pivots_file)
    for pivot, row in zip(call_pivots, rows, strict=True):
        out = _naive_manager_call(verl.compute_score, row, _reference_text(pivot), pivots=str(pivots_file))
        assert out["score"] == 1.0
    bad = {**rows[0], "extra_info": {**rows[0]["extra_info"], "pivot_id": "missing"}}
    with pytest.raises(DataError, match="unknown pivot_id 'missing'"):
        _naive_manager_call(verl.compute_score, bad, "x", pivots=str(pivots_file))


def test_verifier_is_built_once_per_process_and_a_broken_one_raises(call_pivots, tmp_path):
    built: list[int] = []

    class Counting:
        name = "test_counting"

        def __init__(self) -> None:
            built.append(1)

        def verify(self, action, pivot):
            return self.verify_batch([action], [pivot])[0]

        def verify_batch(self, actions, pivots):
            if any("boom" in a for a in actions):
                raise VerifierError("judge endpoint refused the connection")
            return [0.5 for _ in actions]

    register_verifier("test_counting", Counting)
    try:
        pivots = [Pivot.from_dict({**p.to_dict(), "verifier": {"name": "test_counting"}}) for p in call_pivots]
        path = tmp_path / "train.parquet"
        verl.export_verl_parquet(pivots, path)
        rows = pq.read_table(path).to_pylist()
        for row in rows * 3:
            assert _naive_manager_call(verl.compute_score, row, "anything")["score"] == 0.5
        assert len(built) == 1
        with pytest.raises(VerifierError, match="refused"):
            _naive_manager_call(verl.compute_score, rows[0], "boom")
    finally:
        VERIFIERS.unregister("test_counting")


def test_skipped_sample_scores_zero_and_is_counted(call_pivots, tmp_path):
    from pivotrl.verifiers import Verdict

    register_verifier("test_skips", lambda action, pivot: Verdict(0.7, False, "judge down", {"skip": True}))
    try:
        pivot = Pivot.from_dict({**call_pivots[0].to_dict(), "verifier": {"name": "test_skips"}})
        path = tmp_path / "train.parquet"
        verl.export_verl_parquet([pivot], path)
        row = pq.read_table(path).to_pylist()[0]
        assert _naive_manager_call(verl.compute_score, row, "x") == {"score": 0.0, "acc": 0.0, "skipped": 1.0}
    finally:
        VERIFIERS.unregister("test_skips")


def test_extra_info_without_a_pivot_is_a_clear_error():
    with pytest.raises(DataError, match="export_verl_parquet"):
        verl.compute_score("pivotrl/tool", "x", "{}", {"index": 3})
    with pytest.raises(DataError, match="not a pivot record"):
        verl.compute_score("pivotrl/tool", "x", "{}", {"pivot": "{not json"})
