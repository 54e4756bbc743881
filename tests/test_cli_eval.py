"""``pivotrl eval`` on a toy model: pivots and task files in, tables out, JSON and an HTML
report on request; bad input is named by file and line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

pytest.importorskip("torch")

from pivotrl.cli import main
from tests.toy import short_tool_pivots, toy_model, write_pivots


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval-cli")
    tasks = root / "skills.jsonl"
    tasks.write_text("".join(json.dumps({"id": f"t{i}", "question": f"{i}+1?", "answer": str(i + 1),
                                         "category": "successor"}) + "\n" for i in range(3)))
    return toy_model(root), write_pivots(root / "held_out.jsonl", short_tool_pivots(3)), tasks


def test_eval_writes_tables_json_and_html(setup, tmp_path):
    model, pivots, tasks = setup
    out_json, out_html = tmp_path / "eval.json", tmp_path / "eval.html"
    result = CliRunner().invoke(main, ["eval", str(pivots), "--tasks", str(tasks), "--policy", f"hf:{model}",
                                       "-k", "2", "--max-tokens", "8", "--threads", "1", "--bootstrap", "50",
                                       "--json", str(out_json), "--html", str(out_html)])
    assert result.exit_code == 0, result.output
    assert "held_out" in result.output and "skills" in result.output and "pass@1" in result.output
    data = json.loads(out_json.read_text())
    overall = {s["suite"]: s for s in data["summaries"] if s["domain"] == "*"}
    assert overall["held_out"]["items"] == 3 and overall["skills"]["items"] == 3
    for summary in overall.values():
        for metric in ("pass@1", "mean@k", "pass@k"):
            assert 0.0 <= summary[metric]["low"] <= summary[metric]["mean"] <= summary[metric]["high"] <= 1.0
    assert len(data["items"]) == 6 and all(len(i["samples"]) == 2 for i in data["items"])
    assert data["samples"] == 6 * 3
    page = out_html.read_text()
    assert page.count("data:image/png;base64,") == 2 and "cluster" in page


def test_eval_needs_something_to_evaluate_and_names_bad_lines(setup, tmp_path):
    model = setup[0]
    result = CliRunner().invoke(main, ["eval", "--policy", f"hf:{model}"])
    assert result.exit_code == 2 and "nothing to evaluate" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "question": "q", "answer": "a"}\n{"id": "2", "answer": "b"}\n')
    result = CliRunner().invoke(main, ["eval", "--policy", f"hf:{model}", "--tasks", str(bad)])
    assert result.exit_code == 2 and f"{bad}:2" in result.output and "question" in result.output
