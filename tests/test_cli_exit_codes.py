"""CLI x exit codes: 0 done, 1 ran but produced nothing (or a failure), 2 could not run. Each
error is one message naming the file and line (or the setting) and no traceback; ``--json``
puts one JSON object on stdout and everything else on stderr."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pivotrl.cli import main
from pivotrl.cli_output import ProgressBar
from pivotrl.pivot_envs import write_jsonl
from tests.pivot_envs.test_io import TRAJ


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def _one_json(result) -> dict:
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout
    return json.loads(lines[0])


@pytest.fixture
def candidates(tmp_path) -> Path:
    write_jsonl([TRAJ], tmp_path / "t.jsonl")
    assert run("extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "c.jsonl")).exit_code == 0
    return tmp_path / "c.jsonl"


def _profiled(tmp_path: Path, means: list[float], ids: list[str] | None = None) -> Path:
    rows = []
    for i, mean in enumerate(means):
        rewards = [1.0] * round(mean * 4) + [0.0] * (4 - round(mean * 4))
        var = sum((r - mean) ** 2 for r in rewards) / 4
        rows.append({"id": (ids or [f"p{j}" for j in range(len(means))])[i], "domain": "tool",
                     "messages": [{"role": "user", "content": "hi"}], "reference": {"role": "assistant", "content": "ok"},
                     "stats": {"k": 4, "rewards": rewards, "mean": mean, "var": var}})
    path = tmp_path / "profiled.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


# -- validate ---------------------------------------------------------------------------------

def test_validate_exit_codes_and_json(tmp_path, candidates):
    ok = run("validate", str(candidates), "--json")
    assert ok.exit_code == 0 and _one_json(ok) == {"command": "validate", "input": str(candidates), "checked": 3,
                                                    "failed": 0, "ok": True, "strict": False, "failures": [],
                                                    "schema_warnings": []}
    rows = [json.loads(line) for line in candidates.read_text().splitlines()]
    rows[2]["reference"]["tool_calls"][0]["function"]["arguments"] = json.dumps(
        {"origin": "Oslo", "destination": "Rome", "passengers": 0})
    write_jsonl(rows, tmp_path / "bad.jsonl")
    # a reference that breaks its own schema still scores 1 (the constraint is not enforced at that
    # pivot) and is listed as a schema warning; --strict makes the warning an error
    warned = run("validate", str(tmp_path / "bad.jsonl"), "--json")
    summary = _one_json(warned)
    assert warned.exit_code == 0 and summary["failed"] == 0 and summary["ok"]
    assert [w["pivots"] for w in summary["schema_warnings"]] == [["t1:2"]]
    strict = run("validate", str(tmp_path / "bad.jsonl"), "--json", "--strict")
    summary = _one_json(strict)
    assert strict.exit_code == 1 and not summary["ok"] and summary["strict"]
    (tmp_path / "empty.jsonl").write_text("")
    empty = run("validate", str(tmp_path / "empty.jsonl"))
    assert empty.exit_code == 2 and f"{tmp_path / 'empty.jsonl'}: no records" in empty.output
    (tmp_path / "broken.jsonl").write_text(candidates.read_text().splitlines()[0] + "\n{oops\n")
    broken = run("validate", str(tmp_path / "broken.jsonl"), "--json")
    assert broken.exit_code == 2 and "broken.jsonl:2: invalid JSON" in broken.output and broken.stdout == ""


# -- extract and convert ----------------------------------------------------------------------

def test_extract_and_convert_refuse_text_no_file_can_hold(tmp_path):
    line = json.dumps(TRAJ).replace("Weather in Oslo", "Weather \\ud83d in Oslo")
    (tmp_path / "t.jsonl").write_text(json.dumps({**TRAJ, "id": "t0"}) + "\n" + line + "\n")
    for args in (["extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "c.jsonl")],
                 ["convert", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "r.jsonl"), "--to", "nemo-gym"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "t.jsonl:2: field 'messages[1].content'" in result.output and "lone surrogate" in result.output
    assert not (tmp_path / "c.jsonl").exists() and not (tmp_path / "r.jsonl").exists()


# -- filter -----------------------------------------------------------------------------------

def test_filter_exit_codes_and_json(tmp_path):
    kept = run("filter", str(_profiled(tmp_path, [0.25, 0.5, 1.0])), "-o", str(tmp_path / "k.jsonl"), "--json")
    summary = _one_json(kept)
    assert kept.exit_code == 0 and summary["kept"] == 2 and summary["candidates"] == 3 and summary["ok"]
    assert summary["funnel"]["total"]["uniform_success"] == 1
    none = run("filter", str(_profiled(tmp_path, [0.0, 1.0])), "-o", str(tmp_path / "k.jsonl"), "--json")
    assert none.exit_code == 1 and _one_json(none)["kept"] == 0 and "no candidate kept" in none.stderr
    dup = run("filter", str(_profiled(tmp_path, [0.25, 0.5, 0.25], ids=["a", "b", "a"])), "-o",
              str(tmp_path / "k.jsonl"))
    assert dup.exit_code == 2 and "profiled.jsonl:3" in dup.output and "lines 1 and 3" in dup.output


# -- profile ----------------------------------------------------------------------------------

def test_profile_refuses_settings_a_backend_would_refuse_before_loading_anything(tmp_path, candidates):
    base = ["profile", str(candidates), "-o", str(tmp_path / "p.jsonl")]
    greedy = run(*base, "--policy", "hf:/no/such/model", "-k", "8", "--temperature", "0")
    assert greedy.exit_code == 2 and "temperature 0 is greedy decoding" in greedy.output
    hot = run(*base, "--policy", "hf:/no/such/model", "--temperature", "2.5")
    assert hot.exit_code == 2 and "temperature must be within [0, 2]" in hot.output
    assert "no model directory" not in greedy.output + hot.output  # refused before the model was looked at
    timeout = run(*base, "--policy", "hf:/no/such/model", "--request-timeout", "5")
    assert timeout.exit_code == 2 and "--request-timeout applies to openai" in timeout.output
    assert not (tmp_path / "p.jsonl").exists()


@pytest.mark.integration
def test_profile_against_a_hanging_endpoint_exits_1_in_bounded_time(tmp_path, candidates):
    pytest.importorskip("openai")
    from tests.verifiers.faulty_server import FaultyServer

    with FaultyServer("hang after headers") as server:
        started = time.monotonic()
        result = run("profile", str(candidates), "--policy", f"openai:{server.base_url}#faulty", "-k", "2",
                     "--request-timeout", "0.5", "-o", str(tmp_path / "p.jsonl"), "--json")
        elapsed = time.monotonic() - started
    summary = _one_json(result)
    assert result.exit_code == 1 and summary["written"] == 0 and summary["unprofiled"] == 3 and not summary["ok"]
    assert "nothing profiled" in result.stderr and "Timeout" in result.stderr
    assert elapsed < 60  # 4 attempts of 0.5 s and the backoff, for every request at once


@pytest.mark.integration
def test_profile_json_summary_of_a_run_that_worked(tmp_path, candidates):
    pytest.importorskip("openai")
    from tests.verifiers.scripted_server import ScriptedServer, completion

    with ScriptedServer(lambda r: (200, completion("Let me check that."), 0)) as server:
        result = run("profile", str(candidates), "--policy", f"openai:{server.base_url}#scripted", "-k", "2",
                     "--seed", "1", "-o", str(tmp_path / "p.jsonl"), "--json")
    summary = _one_json(result)
    assert result.exit_code == 0, result.output
    assert summary["written"] == 3 and summary["samples"] == 6 and summary["ok"]
    again = run("profile", str(candidates), "--policy", "openai:http://127.0.0.1:9/v1#m", "-k", "2", "-o",
                str(tmp_path / "p.jsonl"), "--json")
    assert again.exit_code == 0 and _one_json(again)["skipped"] == 3  # all done: a resume with nothing left


# -- progress ---------------------------------------------------------------------------------

def test_progress_says_what_it_waits_for_when_nothing_finishes(capsys):
    bar = ProgressBar(2, desc="profiling", unit="cand", waiting_for="the policy", log_every=0.05, waiting_after=0.1)
    time.sleep(0.5)
    bar.update(1)
    bar.close()
    err = capsys.readouterr().err
    assert "waiting" in err and "for the policy" in err and "1/2" in err


def test_demo_reports_progress_per_step():
    from pivotrl.demo import run_domain

    calls: list[tuple[str, int, int]] = []
    row = run_domain("tool", progress=lambda d, done, total: calls.append((d, done, total)))
    assert calls and calls[-1] == ("tool", 2 * row.pivots, 2 * row.pivots)
    assert [c[1] for c in calls] == list(range(1, 2 * row.pivots + 1))
