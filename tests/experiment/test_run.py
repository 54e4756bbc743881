"""A whole experiment at micro scale, in process: every arm starts from the one base checkpoint
and takes the same number of gradient steps, evaluation never reads a training trajectory, a
rerun resumes instead of redoing, and the report has a row per arm and the usual JSON line."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from pivotrl.errors import PivotRLError
from pivotrl.experiment.config import ARMS, TRAINED_ARMS, preset
from pivotrl.experiment.report import json_line, markdown_table, summarize
from pivotrl.experiment.run import run_experiment, weights_sha256
from pivotrl.experiment.toy_lm import ToySize
from pivotrl.pivot_envs.io import load_pivots, load_trajectories

MICRO = preset("quick").replace(
    name="micro", model=ToySize(hidden=32, layers=1, heads=2, intermediate=64, vocab=600, context=2048),
    base_trajectories_per_scenario=2, train_trajectories_per_scenario=2, dev_trajectories_per_scenario=1,
    heldout_trajectories_per_scenario=1, skill_train_per_category=8, skill_eval_per_category=2, base_steps=2,
    profile_k=2, steps=2, pivots_per_step=1, num_generations=2, max_new_tokens=6, eval_k=2, eval_max_tokens=6,
    lam=1.01, workers=1)  # lam above 1 keeps every mixed group: the micro base rarely gets one right


@pytest.fixture(scope="module")
def micro(tmp_path_factory):
    work = tmp_path_factory.mktemp("micro")
    events: list[str] = []
    return work, run_experiment(MICRO, work, on_event=events.append), events


def test_every_arm_starts_from_the_one_base_and_takes_the_same_steps(micro):
    work, raw, _ = micro
    base = weights_sha256(work / "base" / "model")
    assert [(r["seed"], r["arm"]) for r in raw["arms"]] == [(0, arm) for arm in ARMS]
    assert {r["start_checkpoint_sha256"] for r in raw["arms"]} == {base}
    for result in raw["arms"]:
        if result["arm"] in TRAINED_ARMS and result["status"] == "trained":
            assert result["steps"] == MICRO.steps
            moved = weights_sha256(work / "seed-0" / result["arm"] / "model") != base
            # an RL step moves the weights only when some group had reward spread (non-zero advantage)
            assert moved == (result["arm"] == "sft" or result["zero_spread_share"] < 1.0), result["arm"]
    trained = {r["arm"] for r in raw["arms"] if r["status"] == "trained"}
    assert {"sft", "random_turns", "e2e_rl"} <= trained  # these need no filter to have data
    sft = next(r for r in raw["arms"] if r["arm"] == "sft")
    assert sft["rollout_turns"] == 0 and sft["forward_tokens"] > 0
    for result in raw["arms"]:
        if result["arm"] in ("random_turns", "e2e_rl"):
            assert result["rollout_turns"] > 0 and result["generated_tokens"] > 0


def test_evaluation_never_reads_a_training_trajectory(micro):
    work, _, _ = micro
    train = {t.id for t in load_trajectories(work / "seed-0" / "train_trajectories.jsonl")}
    evaluated = {p.source["trajectory_id"] for p in load_pivots(work / "seed-0" / "eval_pivots.jsonl")}
    assert evaluated and not evaluated & train
    heldout = {t.id for t in load_trajectories(work / "seed-0" / "heldout_trajectories.jsonl")}
    assert evaluated == heldout
    trained_on = {p.source["trajectory_id"] for p in load_pivots(work / "seed-0" / "pivots_random_turns.jsonl")}
    assert trained_on <= train


def test_a_rerun_resumes_and_a_changed_config_is_refused(micro):
    work, raw, _ = micro
    events: list[str] = []
    again = run_experiment(MICRO, work, on_event=events.append)
    assert again["arms"] == raw["arms"] and again["base"] == raw["base"]
    with pytest.raises(PivotRLError, match="another configuration"):
        run_experiment(MICRO.replace(steps=3), work)


def test_the_report_has_every_arm_and_the_json_line(micro):
    _, raw, _ = micro
    summary = summarize(json.loads(json.dumps(raw, default=str)))
    table = markdown_table(summary)
    assert all(label in table for label in ("SFT", "PivotRL", "random turns", "strict reward", "E2E RL"))
    line = json.loads(json_line(summary))
    assert line["benchmark"] == "reproduce" and {r["name"] for r in line["results"]} >= {"in_domain/pivotrl",
                                                                                        "skills/sft"}
    funnel = summary["funnel"]
    assert funnel["candidates"]["mean"] == sum(funnel[k]["mean"] for k in
                                               ("uniform_failure", "uniform_success", "low_variance", "too_easy",
                                                "kept"))


def test_the_reproduce_command_reports_a_finished_run(micro, monkeypatch, tmp_path):
    """``pivotrl reproduce`` on the micro run's work directory (here, not in tests/test_cli_*:
    it reuses this module's run): every stage is done, so it only reports: tables, JSON, HTML
    with plots, and the JSON line last."""
    from click.testing import CliRunner

    import pivotrl.experiment.config as config_module
    from pivotrl.cli import main

    work, raw, _ = micro
    monkeypatch.setattr(config_module, "preset", lambda name: MICRO)
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    result = CliRunner().invoke(main, ["reproduce", "--quick", "--work-dir", str(work), "--workers", "1",
                                       "--json", str(out_json), "--html", str(out_html)])
    assert result.exit_code == 0, result.output
    last = json.loads(result.output.strip().splitlines()[-1])
    assert last["benchmark"] == "reproduce" and last["preset"] == "micro"
    assert "PivotRL" in result.output and "paper" in result.output and "load average" in result.output
    saved = json.loads(out_json.read_text())
    assert saved["raw"]["arms"] == json.loads(json.dumps(raw["arms"]))
    assert out_html.read_text().count("data:image/png;base64,") == 3  # accuracy bars, funnel, curves
