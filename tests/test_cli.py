"""The pivotrl command line: exit codes and messages users script against."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from pivotrl.cli import main
from pivotrl.pivot_envs import load_pivots, write_jsonl
from tests.pivot_envs.test_io import TRAJ


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_extract_writes_one_candidate_per_assistant_turn(tmp_path):
    write_jsonl([TRAJ, {**TRAJ, "id": "t2", "messages": TRAJ["messages"][:2]}], tmp_path / "t.jsonl")
    result = run("extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "c.jsonl"))
    assert result.exit_code == 0, result.output
    assert "2 trajectories -> 3 candidates" in result.output
    assert "t2" in result.output and "no assistant turn" in result.output
    rows = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    assert rows[0]["source"] == {"trajectory_id": "t1", "turn": 0, "message_index": 2}
    assert {"messages", "tools", "reference", "source"} <= set(rows[0])


def test_output_paths_are_printed_as_written_even_when_they_look_like_markup(tmp_path):
    # rich reads "[/x]" as a closing tag: unescaped, the command crashed after its work was done
    # and "[bold]" silently vanished from the printed path
    out = tmp_path / "runs[" / "x]" / "[bold]c.jsonl"  # the path holds "runs[/x]/[bold]c.jsonl"
    out.parent.mkdir(parents=True)
    source = tmp_path / "in[" / "y]" / "t.jsonl"  # read under a status line, which renders markup too
    source.parent.mkdir(parents=True)
    write_jsonl([TRAJ, {**TRAJ, "id": "t[/z]", "messages": TRAJ["messages"][:2]}], source)
    result = run("extract", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"-> {out}" in result.output.replace("\n", "")


def test_extract_to_nemo_gym_rows_and_back(tmp_path):
    write_jsonl([TRAJ], tmp_path / "t.jsonl")
    assert run("extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "rows.jsonl"), "--format", "nemo-gym").exit_code == 0
    row = json.loads((tmp_path / "rows.jsonl").read_text().splitlines()[0])
    assert row["expected_action"]["type"] == "function_call_batch"
    assert run("convert", str(tmp_path / "rows.jsonl"), "-o", str(tmp_path / "p.jsonl"), "--to", "pivots").exit_code == 0
    assert [p.id for p in load_pivots(tmp_path / "p.jsonl")] == ["t1:0", "t1:1", "t1:2"]


def test_convert_round_trips_nemo_gym_rows_and_names_the_agent(tmp_path):
    from tests.pivot_envs.test_nemo_gym import UNKNOWN

    rows = [UNKNOWN, {k: v for k, v in UNKNOWN.items() if k not in ("uuid", "agent_ref")}]
    write_jsonl(rows, tmp_path / "rows.jsonl")
    assert run("convert", str(tmp_path / "rows.jsonl"), "-o", str(tmp_path / "p.jsonl"), "--to", "pivots").exit_code == 0
    assert run("convert", str(tmp_path / "p.jsonl"), "-o", str(tmp_path / "back.jsonl"), "--to", "nemo-gym").exit_code == 0
    assert [json.loads(line) for line in (tmp_path / "back.jsonl").read_text().splitlines()] == rows
    named = run("convert", str(tmp_path / "p.jsonl"), "-o", str(tmp_path / "a.jsonl"), "--to", "nemo-gym",
                "--agent-ref", "my_agent")
    assert named.exit_code == 0, named.output
    assert {json.loads(line)["agent_ref"]["name"] for line in (tmp_path / "a.jsonl").read_text().splitlines()} == {"my_agent"}
    write_jsonl([TRAJ], tmp_path / "t.jsonl")
    assert run("extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "r.jsonl"), "--format", "nemo-gym",
               "--agent-ref", "my_agent").exit_code == 0
    assert {json.loads(line)["agent_ref"]["name"] for line in (tmp_path / "r.jsonl").read_text().splitlines()} == {"my_agent"}
    wrong = CliRunner().invoke(main, ["convert", str(tmp_path / "rows.jsonl"), "-o", str(tmp_path / "x.jsonl"),
                                      "--to", "pivots", "--agent-ref", "my_agent"])
    assert wrong.exit_code == 2 and "--agent-ref" in wrong.output and not (tmp_path / "x.jsonl").exists()


def test_extract_bad_file_says_where(tmp_path):
    (tmp_path / "t.jsonl").write_text(json.dumps(TRAJ) + "\n{oops\n")
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "c.jsonl")])
    assert result.exit_code == 2
    assert "t.jsonl:2: invalid JSON" in result.output
    assert not (tmp_path / "c.jsonl").exists()


def test_extract_with_no_candidates_fails(tmp_path):
    write_jsonl([{**TRAJ, "messages": TRAJ["messages"][:2]}], tmp_path / "t.jsonl")
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "c.jsonl")])
    assert result.exit_code == 2 and "no pivot candidate" in result.output


def test_validate_warns_where_a_reference_breaks_its_schema_and_strict_fails(tmp_path):
    write_jsonl([TRAJ], tmp_path / "t.jsonl")
    run("extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "c.jsonl"))
    assert "ok: all 3 reference actions" in run("validate", str(tmp_path / "c.jsonl")).output
    rows = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    rows[2]["reference"]["tool_calls"][0]["function"]["arguments"] = json.dumps({"origin": "Oslo", "destination": "Rome", "passengers": 0})
    write_jsonl(rows, tmp_path / "bad.jsonl")
    lenient = CliRunner().invoke(main, ["validate", str(tmp_path / "bad.jsonl")])
    assert lenient.exit_code == 0, lenient.output
    assert "ok: all 3 reference actions" in lenient.output and "1 schema warning" in lenient.output
    assert "book_flight" in lenient.output and "minimum" in lenient.output and "t1:2" in lenient.output
    strict = CliRunner().invoke(main, ["validate", str(tmp_path / "bad.jsonl"), "--strict"])
    assert strict.exit_code == 1 and "schema error" in strict.output


def test_validate_lists_references_that_fail_their_verifier(tmp_path):
    write_jsonl([TRAJ], tmp_path / "t.jsonl")
    run("extract", str(tmp_path / "t.jsonl"), "-o", str(tmp_path / "c.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "c.jsonl").read_text().splitlines()]
    rows[2]["reference"]["tool_calls"][0]["function"]["arguments"] = json.dumps({"origin": "Oslo", "destination": "Rome", "passengers": 0})
    rows[2]["verifier"] = {"name": "tool_schema", "params": {"relax_schema": False}}
    write_jsonl(rows, tmp_path / "bad.jsonl")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "bad.jsonl")])
    assert result.exit_code == 1
    assert "t1:2" in result.output and "minimum" in result.output


def test_unknown_verifier_is_a_clear_error(tmp_path):
    write_jsonl([TRAJ], tmp_path / "t.jsonl")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "t.jsonl"), "--verifier", "magic"])
    assert result.exit_code == 2 and "unknown verifier 'magic'" in result.output and "tool_schema" in result.output


def test_console_script_is_installed():
    exe = shutil.which("pivotrl", path=str(Path(sys.executable).parent))
    assert exe, "the pivotrl console script is not installed beside the interpreter"
    result = subprocess.run([exe, "verifiers"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "tool_schema" in result.stdout
