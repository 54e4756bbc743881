"""The experiment's stages, each resumable (a stage whose ``result.json`` exists is not run
again): pretrain the base; per seed, split the in-domain data, extract, profile with the base
and filter; per seed and arm, train from the base and evaluate. Stages that do not depend on
each other run in ``workers`` processes of ``threads`` torch threads each.

Layout of the work directory::

    experiment.json            the configuration (a rerun must use the same)
    base/model, base/result.json
    data/skills_eval.jsonl
    seed-N/{train,dev,heldout}_trajectories.jsonl, candidates.jsonl, eval_pivots.jsonl,
           profiled.jsonl, pivots_{pivotrl,random_turns,strict_reward}.jsonl, result.json
    seed-N/<arm>/model, metrics.jsonl, eval.json, result.json
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import random
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from pivotrl.errors import PivotRLError
from pivotrl.experiment.config import ARMS, ExperimentConfig

logger = logging.getLogger(__name__)

Event = Callable[[str], None]
RESULT = "result.json"


class Clock:
    """Wall-clock and this process's CPU seconds since construction."""

    def __init__(self) -> None:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()

    def read(self) -> dict[str, float]:
        return {"wall_seconds": time.perf_counter() - self.wall0, "cpu_seconds": time.process_time() - self.cpu0}


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(temp, path)


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _threads(config: ExperimentConfig) -> None:
    import torch

    torch.set_num_threads(config.threads)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def _load(path: Path) -> tuple[Any, Any]:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32), AutoTokenizer.from_pretrained(path)


# ------------------------------------------------------------------------------------------
# stage 1: the base model


def build_base(config: ExperimentConfig, work: Path) -> dict[str, Any]:
    """Tokenizer and random weights, then pretraining on the base corpus (other scenarios'
    trajectories and skill questions, mixed in one shuffled stream), data parallel over
    ``workers`` processes (each step averages their gradients)."""
    done = work / "base" / RESULT
    if done.exists():
        return _read_json(done)
    from pivotrl.experiment.data import base_corpus, tokenizer_texts
    from pivotrl.experiment.toy_lm import build_toy_lm

    clock = Clock()
    corpus = base_corpus(config)
    build_toy_lm(work / "base" / "model", tokenizer_texts(corpus), size=config.model, seed=0)
    if config.workers > 1:
        from pivotrl.trainer_plugin.data_parallel import run_data_parallel

        run_data_parallel(_pretrain, config.workers, config, work)
    else:
        _pretrain(0, 1, config, work)
    result = {**_read_json(work / "base" / "pretrain.json"), **clock.read()}
    _write_json(done, result)
    return result


def _pretrain(rank: int, world: int, config: ExperimentConfig, work: Path) -> None:
    """One process of the base's pretraining: its shard of the corpus, gradients averaged."""
    _threads(config)
    from pivotrl.experiment.data import base_corpus
    from pivotrl.experiment.toy_lm import parameter_count
    from pivotrl.trainer_plugin.data_parallel import average_gradients
    from pivotrl.trainer_plugin.sft import SFTConfig, SFTTrainer, encode_conversations

    path = work / "base" / "model"
    corpus = base_corpus(config)
    model, tokenizer = _load(path)
    conversations = [*corpus.trajectories, *corpus.skills]
    examples = encode_conversations(tokenizer, conversations[rank::world], max_length=config.base_batch_tokens)
    trainer = SFTTrainer(model, tokenizer, examples, SFTConfig(
        max_steps=config.base_steps, learning_rate=config.base_learning_rate, batch_tokens=config.base_batch_tokens,
        warmup_steps=max(config.base_steps // 20, 1), schedule="cosine", seed=rank,
        output_dir=str(work / "base") if rank == 0 else None),
        reduce_gradients=average_gradients if world > 1 else None)
    clock = Clock()
    history = trainer.train()
    if rank == 0:
        model.save_pretrained(path)
        _write_json(work / "base" / "pretrain.json", {
            "parameters": parameter_count(path), "trajectories": len(corpus.trajectories),
            "skill_questions": len(corpus.skills), "processes": world, "steps": len(history),
            "forward_tokens": world * sum(m["forward_tokens"] for m in history),
            "first_loss": history[0]["loss"], "last_loss": history[-1]["loss"],
            "cpu_seconds_rank0": clock.read()["cpu_seconds"]})


# ------------------------------------------------------------------------------------------
# stage 2: data, profiling and filtering of one seed


def _write_records(path: Path, records: list[Any]) -> None:
    from pivotrl.pivot_envs.io import write_jsonl

    write_jsonl(records, path)


def rescore(profiled: list[Any], spec: dict[str, Any]) -> list[Any]:
    """The same K sampled actions scored by another verifier (the strict-reward arm is profiled
    on the very samples the functional verifier saw)."""
    from pivotrl.pivot_envs.profiling import reward_stats, score_actions
    from pivotrl.pivot_envs.records import Pivot
    from pivotrl.verifiers.spec import VerifierPool, VerifierSpec

    pool = VerifierPool()
    chosen = VerifierSpec.from_any(spec)
    recorded = pool.spec_of(chosen).to_dict()
    out = []
    for pivot in profiled:
        actions = pivot.stats["actions"]
        scored = score_actions(pool, chosen, pivot, [a if a is not None else "" for a in actions])
        stats = {**reward_stats(scored, len(actions)), "actions": actions}
        out.append(Pivot.from_dict({**pivot.to_dict(), "verifier": recorded, "stats": stats}))
    return out


def prepare_seed(config: ExperimentConfig, work: Path, seed: int, dev: bool) -> dict[str, Any]:
    done = work / f"seed-{seed}" / RESULT
    if done.exists():
        return _read_json(done)
    _threads(config)
    from pivotrl.experiment.data import seed_splits
    from pivotrl.pivot_envs.extract import extract_candidates
    from pivotrl.pivot_envs.policies.base import SamplingParams
    from pivotrl.pivot_envs.policies.hf import HFPolicy
    from pivotrl.pivot_envs.profiling import ProfileConfig, load_profiled, profile
    from pivotrl.pivot_envs.profiling.filter import filter_pivots

    clock = Clock()
    root = work / f"seed-{seed}"
    splits = seed_splits(config, seed)
    for name in ("train", "dev", "heldout"):
        _write_records(root / f"{name}_trajectories.jsonl", getattr(splits, name))
    candidates = extract_candidates(splits.train)
    evaluation = extract_candidates(splits.dev if dev else splits.heldout)
    _write_records(root / "candidates.jsonl", candidates)
    _write_records(root / "eval_pivots.jsonl", evaluation)

    policy = HFPolicy(work / "base" / "model", device="cpu", batch_size=max(1, 32 // config.profile_k))
    params = SamplingParams(temperature=config.temperature, max_tokens=config.max_new_tokens, seed=seed)
    profiled_path = root / "profiled.jsonl"
    summary = profile(candidates, policy, profiled_path,
                      ProfileConfig(k=config.profile_k, sampling=params, keep_actions=True, concurrency=1))
    policy.close()
    profiled = load_profiled(profiled_path)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # K < 8 in the quick preset: known, and said in the report
        functional = filter_pivots(profiled, lam=config.lam)
        strict_profiled = rescore(profiled, {"name": "exact", "params": {}})
        strict = filter_pivots(strict_profiled, lam=config.lam)
    _write_records(root / "pivots_pivotrl.jsonl", functional.kept)
    _write_records(root / "pivots_strict_reward.jsonl", strict.kept)
    _write_records(root / "pivots_random_turns.jsonl", profiled)
    result = {
        "seed": seed, "train_trajectories": len(splits.train), "dev_trajectories": len(splits.dev),
        "heldout_trajectories": len(splits.heldout), "candidates": len(candidates),
        "eval_pivots": len(evaluation), "eval_split": "dev" if dev else "heldout",
        "profile_samples": summary.samples, "profile_sampler_failures": summary.sampler_failures,
        "funnel": functional.funnel.to_dict(), "funnel_strict": strict.funnel.to_dict(),
        "kept": len(functional.kept), "kept_strict": len(strict.kept), **clock.read(),
    }
    _write_json(done, result)
    return result


# ------------------------------------------------------------------------------------------
# stage 3: one arm of one seed


def _grpo_config(config: ExperimentConfig, out: Path, seed: int) -> Any:
    from pivotrl.trainer_plugin.grpo import GRPOConfig
    from pivotrl.trainer_plugin.trainer import TrainerConfig

    return TrainerConfig(num_generations=config.num_generations, pivots_per_step=config.pivots_per_step,
                         max_steps=config.steps, learning_rate=config.rl_learning_rate,
                         max_new_tokens=config.max_new_tokens, seed=seed, output_dir=str(out), save_steps=None,
                         grpo=GRPOConfig(loss_type="dapo", epsilon_high=0.28, temperature=config.temperature))


def _train_arm(config: ExperimentConfig, work: Path, seed: int, arm: str, out: Path) -> dict[str, Any]:
    """Train ``arm`` from the base into ``out/model``; returns its budget figures."""
    from pivotrl.pivot_envs.io import load_pivots, load_trajectories

    root = work / f"seed-{seed}"
    model, tokenizer = _load(work / "base" / "model")
    if arm == "sft":
        from pivotrl.trainer_plugin.sft import SFTConfig, SFTTrainer, encode_conversations

        train = load_trajectories(root / "train_trajectories.jsonl")
        examples = encode_conversations(tokenizer, train, max_length=config.sft_batch_tokens)
        trainer = SFTTrainer(model, tokenizer, examples, SFTConfig(
            max_steps=config.steps, learning_rate=config.sft_learning_rate, batch_tokens=config.sft_batch_tokens,
            seed=seed, output_dir=str(out)))
        history = trainer.train()
        figures = {"forward_tokens": sum(m["forward_tokens"] for m in history),
                   "target_tokens": sum(m["target_tokens"] for m in history), "rollout_turns": 0,
                   "generated_tokens": 0, "examples": len(examples)}
    else:
        from pivotrl.trainer_plugin.trainer import PivotGRPOTrainer

        if arm == "e2e_rl":
            from pivotrl.trainer_plugin.episodes import EpisodeTrainer, episode_pivots

            train = load_trajectories(root / "train_trajectories.jsonl")
            pivots = [p for turns in episode_pivots(train).values() for p in turns]
            trainer = PivotGRPOTrainer(model, tokenizer, pivots, config=_grpo_config(config, out, seed))
            history = EpisodeTrainer(trainer, train, seed=seed).train()
            extra = {"episode_success": [m["episode_success"] for m in history]}
        else:
            kept = root / f"pivots_{arm}.jsonl"
            pivots = load_pivots(kept) if kept.stat().st_size else []  # the loader refuses an empty file
            if not pivots:
                return {"status": "no pivots: the filter kept none, so this arm has no training signal and stays "
                                  "the base", "forward_tokens": 0, "rollout_turns": 0, "generated_tokens": 0,
                        "pivots": 0}
            trainer = PivotGRPOTrainer(model, tokenizer, pivots, config=_grpo_config(config, out, seed))
            history = trainer.train()
            extra = {}
        figures = {"forward_tokens": sum(m.get("forward_tokens", 0.0) for m in history),
                   "rollout_turns": sum(m["samples"] for m in history),
                   "generated_tokens": sum(m["completion_tokens"] for m in history),
                   "pivots": len(pivots), "reward_curve": [m["reward_mean"] for m in history],
                   "zero_spread_share": sum(m["zero_spread_group_share"] for m in history) / len(history), **extra}
    model.save_pretrained(out / "model")
    tokenizer.save_pretrained(out / "model")
    figures["steps"] = len(history)
    figures["status"] = "trained"
    return figures


def evaluate_model(config: ExperimentConfig, work: Path, seed: int, model_path: Path, out: Path,
                   dev: bool) -> dict[str, Any]:
    """``pivotrl eval``'s library call: held-out (or dev) pivots and the skill questions."""
    from pivotrl.pivot_envs.evaluate import EvalConfig, evaluate
    from pivotrl.pivot_envs.io import load_pivots
    from pivotrl.pivot_envs.policies.hf import HFPolicy
    from pivotrl.pivot_envs.tasks import load_tasks

    pivots = load_pivots(work / f"seed-{seed}" / "eval_pivots.jsonl")
    skills = load_tasks(work / "data" / ("skills_dev.jsonl" if dev else "skills_eval.jsonl"))
    policy = HFPolicy(model_path, device="cpu", batch_size=16)
    try:
        result = evaluate(policy, pivots=[("in_domain", pivots)], tasks=[("skills", skills)], config=EvalConfig(
            k=config.eval_k, greedy=True, temperature=config.temperature, max_tokens=config.eval_max_tokens, seed=seed, chunk=16,
            bootstrap=1000))
    finally:
        policy.close()
    data = result.to_dict()
    _write_json(out / "eval.json", data)
    return data


def trajectory_success(items: list[dict[str, Any]]) -> float:
    """Share of held-out trajectories whose every turn was right (greedy): the episode a
    replay of the trajectory would complete, since each accepted turn continues it as recorded."""
    by_trajectory: dict[str, bool] = {}
    for item in items:
        if item["suite"] == "in_domain" and item["greedy"] is not None:
            by_trajectory[item["cluster"]] = by_trajectory.get(item["cluster"], True) and item["greedy"] >= 1.0
    return sum(by_trajectory.values()) / len(by_trajectory) if by_trajectory else float("nan")


def weights_sha256(model_dir: Path) -> str:
    """Fingerprint of a model's weights: every arm records the checkpoint it started from."""
    digest = hashlib.sha256()
    for path in sorted(model_dir.glob("*.safetensors")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_arm(config: ExperimentConfig, work: Path, seed: int, arm: str, dev: bool) -> dict[str, Any]:
    out = work / f"seed-{seed}" / arm
    done = out / RESULT
    if done.exists():
        return _read_json(done)
    _threads(config)
    clock = Clock()
    random.seed(seed)
    start = weights_sha256(work / "base" / "model")
    if arm == "base":
        figures: dict[str, Any] = {"status": "not trained", "steps": 0, "forward_tokens": 0, "rollout_turns": 0,
                                   "generated_tokens": 0}
        model_path = work / "base" / "model"
    else:
        figures = _train_arm(config, work, seed, arm, out)
        model_path = out / "model" if figures["status"] == "trained" else work / "base" / "model"
    train_time = clock.read()
    evaluation = evaluate_model(config, work, seed, model_path, out, dev)
    overall = {(s["suite"], s["domain"], s["category"]): s for s in evaluation["summaries"]}
    result = {
        "seed": seed, "arm": arm, "start_checkpoint_sha256": start, **figures, "train_wall_seconds": train_time["wall_seconds"],
        "train_cpu_seconds": train_time["cpu_seconds"],
        "in_domain": overall[("in_domain", "*", "*")]["pass@1"]["mean"],
        "in_domain_calls": _kind_accuracy(evaluation["items"], "tool_calls"),
        "trajectory_success": trajectory_success(evaluation["items"]),
        "skills": overall[("skills", "*", "*")]["pass@1"]["mean"],
        "skills_by_category": {c: s["pass@1"]["mean"] for (suite, d, c), s in overall.items()
                               if suite == "skills" and d != "*" and c != "*"},
        "eval_seconds": evaluation["seconds"], **{f"total_{k}": v for k, v in clock.read().items()},
    }
    if config.eval_k:
        result["in_domain_mean_at_k"] = overall[("in_domain", "*", "*")]["mean@k"]["mean"]
        result["skills_mean_at_k"] = overall[("skills", "*", "*")]["mean@k"]["mean"]
    _write_json(done, result)
    return result


def _kind_accuracy(items: list[dict[str, Any]], kind: str) -> float:
    scores = [i["greedy"] for i in items if i["suite"] == "in_domain" and i["kind"] == kind and i["greedy"] is not None]
    return sum(scores) / len(scores) if scores else float("nan")


# ------------------------------------------------------------------------------------------
# the whole run


def _check_config(config: ExperimentConfig, work: Path, dev: bool) -> None:
    path = work / "experiment.json"
    mine = {"config": config.to_dict(), "dev": dev}
    if path.exists():
        saved = _read_json(path)
        if saved != json.loads(json.dumps(mine)):
            raise PivotRLError(f"{work} holds a run with another configuration; pass a new --work-dir (or the same "
                               "options) to resume")
    else:
        _write_json(path, mine)


def run_experiment(config: ExperimentConfig, work: str | os.PathLike[str], *, dev: bool = False,
                   on_event: Event | None = None) -> dict[str, Any]:
    """Run (or resume) every stage; returns the raw results: base, seeds, arms, timings."""
    from pivotrl.experiment.data import skill_eval_set
    from pivotrl.pivot_envs.tasks import write_tasks

    root = Path(work)
    root.mkdir(parents=True, exist_ok=True)
    _check_config(config, root, dev)
    say = on_event or (lambda message: logger.info("%s", message))
    clock = Clock()
    write_tasks(skill_eval_set(config, dev=False), root / "data" / "skills_eval.jsonl")
    write_tasks(skill_eval_set(config, dev=True), root / "data" / "skills_dev.jsonl")
    say("pretraining the base model")
    base = build_base(config, root)
    say(f"base: {base['parameters']:,} parameters, loss {base['first_loss']:.2f} -> {base['last_loss']:.2f} in "
        f"{base['steps']} steps ({base['wall_seconds']:.0f} s)")
    seeds: dict[int, dict[str, Any]] = {}
    arms: dict[tuple[int, str], dict[str, Any]] = {}
    context = multiprocessing.get_context("spawn")
    with (ProcessPoolExecutor(max_workers=config.workers, mp_context=context) if config.workers > 1
          else InProcess()) as pool:
        pending: dict[Future[dict[str, Any]], tuple[str, int, str]] = {}
        for seed in config.seeds:
            pending[pool.submit(prepare_seed, config, root, seed, dev)] = ("seed", seed, "")
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                kind, seed, arm = pending.pop(future)
                result = future.result()
                if kind == "seed":
                    seeds[seed] = result
                    say(f"seed {seed}: {result['candidates']} candidates profiled, {result['kept']} kept "
                        f"({result['kept_strict']} under exact)")
                    for name in ARMS:
                        pending[pool.submit(run_arm, config, root, seed, name, dev)] = ("arm", seed, name)
                else:
                    arms[(seed, arm)] = result
                    say(f"seed {seed} {arm}: in-domain {result['in_domain']:.3f}, skills {result['skills']:.3f} "
                        f"({result['total_wall_seconds']:.0f} s)")
    return {"config": config.to_dict(), "dev": dev, "base": base, "seeds": seeds,
            "arms": [arms[(s, a)] for s in config.seeds for a in ARMS], "wall_seconds": clock.read()["wall_seconds"]}


class InProcess:
    """The executor interface run in this process, one stage after another (``workers=1``)."""

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:
            future.set_exception(exc)
        return future
