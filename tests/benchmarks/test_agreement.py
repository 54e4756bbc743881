"""The agreement benchmark: metrics users trust, loaders that say where the bad line is, and
BFCL answers turned into labeled pairs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from pivotrl.benchmarks.agreement import _metrics, agreement
from pivotrl.benchmarks.agreement_reasons import reason_shape
from pivotrl.benchmarks.bfcl import load_bfcl
from pivotrl.benchmarks.labeled import LabeledPair, load_labeled
from pivotrl.cli import main
from pivotrl.errors import DataError
from pivotrl.pivot_envs import write_jsonl
from tests.conftest import call, make_pivot, shared_data

FLIGHT = make_pivot(call("book_flight", origin="Paris", destination="Rome", passengers=2), pivot_id="flight")


def hermes(**args) -> str:
    return f'<tool_call>{json.dumps({"name": "book_flight", "arguments": args})}</tool_call>'


PAIRS = [
    LabeledPair(FLIGHT, hermes(origin="Paris", destination="Rome", passengers=2), True, "same"),
    LabeledPair(FLIGHT, hermes(destination="Rome", origin="Paris", passengers="2"), True, "coerced"),
    LabeledPair(FLIGHT, hermes(origin="Paris", destination="Rome", passengers=2, cabin="economy"), True, "default"),
    LabeledPair(FLIGHT, hermes(origin="Paris", destination="Rome", passengers=3), False, "wrong value"),
    LabeledPair(FLIGHT, hermes(origin="Paris", destination="Roma", passengers=2), False, "wrong value"),
    LabeledPair(FLIGHT, "Booked!", False, "text"),
]


def test_metrics_match_a_hand_count():
    truth = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0], dtype=bool)
    pred = np.array([1, 1, 1, 0, 1, 0, 0, 0, 0, 0], dtype=bool)  # TP3 FN1 FP1 TN5
    m = _metrics(truth, pred)
    assert m["accuracy"] == pytest.approx(0.8)
    assert m["precision"] == pytest.approx(0.75) and m["recall"] == pytest.approx(0.75)
    assert m["false_accept_rate"] == pytest.approx(1 / 6) and m["false_reject_rate"] == pytest.approx(0.25)
    expected = (4 * 4 + 6 * 6) / 100
    assert m["kappa"] == pytest.approx((0.8 - expected) / (1 - expected))


def test_agreement_side_by_side_with_intervals_and_categories():
    result = agreement(PAIRS, ["tool_schema", "exact"], dataset="toy", bootstrap=200)
    schema, exact = result.results
    assert schema.metrics["accuracy"] == 1.0 and schema.confusion["false_reject"] == 0
    assert exact.confusion == {"true_accept": 1, "false_accept": 0, "false_reject": 2, "true_reject": 3}
    lo, hi = exact.intervals["false_reject_rate"]
    assert lo <= exact.metrics["false_reject_rate"] <= hi
    assert exact.per_category["coerced"]["false_reject_rate"] == 1.0
    assert {d["category"] for d in exact.disagreements} == {"coerced", "default"}
    assert all(d["reason"] for d in exact.disagreements)


def test_fuzzy_gets_a_threshold_sweep():
    fuzzy = agreement(PAIRS, ["fuzzy"], bootstrap=50).results[0]
    assert [p["threshold"] for p in fuzzy.sweep][:3] == [0, 5, 10]
    assert fuzzy.sweep[0]["false_reject_rate"] == 0.0  # threshold 0 accepts everything


def test_labeled_loader_with_sibling_pivots_and_errors(tmp_path):
    write_jsonl([FLIGHT], tmp_path / "toy.pivots.jsonl")
    rows = [{"pivot_id": "flight", "candidate": hermes(origin="Paris", destination="Rome", passengers=2),
             "equivalent": True, "category": "same"}]
    (tmp_path / "toy.pairs.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    pairs = load_labeled(tmp_path / "toy.pairs.jsonl")
    assert pairs[0].pivot.id == "flight" and pairs[0].equivalent is True
    (tmp_path / "bad.pairs.jsonl").write_text(json.dumps({**rows[0], "equivalent": "yes"}) + "\n")
    with pytest.raises(DataError, match=r"bad.pairs.jsonl:1: field 'equivalent'"):
        load_labeled(tmp_path / "bad.pairs.jsonl", tmp_path / "toy.pivots.jsonl")
    (tmp_path / "orphan.pairs.jsonl").write_text(json.dumps({**rows[0], "pivot_id": "nope"}) + "\n")
    with pytest.raises(DataError, match="unknown pivot 'nope'"):
        load_labeled(tmp_path / "orphan.pairs.jsonl", tmp_path / "toy.pivots.jsonl")


def _tiny_bfcl(tmp_path):
    (tmp_path / "possible_answer").mkdir()
    question = {"id": "simple_0", "question": [[{"role": "user", "content": "Area of a triangle, base 10, height 5?"}]],
                "function": [{"name": "triangle_area", "description": "Area.", "parameters": {"type": "dict", "properties": {
                    "base": {"type": "integer"}, "height": {"type": "float"}, "unit": {"type": "string", "description": "Default is 'units'."}},
                    "required": ["base", "height"]}}]}
    answer = {"id": "simple_0", "ground_truth": [{"triangle_area": {"base": [10], "height": [5.0], "unit": ["units", ""]}}]}
    (tmp_path / "BFCL_v4_simple.json").write_text(json.dumps(question) + "\n")
    (tmp_path / "possible_answer" / "BFCL_v4_simple.json").write_text(json.dumps(answer) + "\n")
    return tmp_path / "BFCL_v4_simple.json"


def test_bfcl_items_become_pivots_and_labeled_candidates(tmp_path):
    pairs = load_bfcl(_tiny_bfcl(tmp_path))
    pivot = pairs[0].pivot
    assert pivot.tools[0]["function"]["parameters"]["type"] == "dict"  # as BFCL writes it: tool_schema reads it
    assert pivot.tools[0]["function"]["parameters"]["properties"]["height"]["type"] == "float"
    assert json.loads(pivot.reference["tool_calls"][0]["function"]["arguments"]) == {"base": 10, "height": 5.0, "unit": "units"}
    labels = {p.category.split("/")[1]: p.equivalent for p in pairs}
    assert labels["optional omitted"] is True and labels["wrong value"] is False
    assert labels["missing required"] is False and labels["argument order"] is True
    assert labels["optional null"] is True and labels["integer for number"] is True
    null = next(p for p in pairs if p.category.endswith("optional null"))
    assert json.loads(null.candidate["tool_calls"][0]["function"]["arguments"])["unit"] is None
    result = agreement(pairs, ["tool_schema"], bootstrap=20).results[0]
    assert result.confusion["false_reject"] == result.confusion["false_accept"] == 0


@pytest.mark.shared_data
def test_bfcl_sample_tool_schema_never_accepts_a_wrong_call_and_keeps_variants_needing_no_knowledge():
    pairs = []
    for name in ("simple_python", "multiple", "parallel"):
        pairs += load_bfcl(shared_data("bfcl", f"BFCL_v4_{name}.json"))
    result = agreement(pairs, ["tool_schema"], bootstrap=100).results[0]
    assert result.n > 4000
    assert result.metrics["false_accept_rate"] <= 0.01
    no_knowledge = ("argument order", "parallel order", "optional null", "integer for number", "free text case")
    kept = [c for name, c in result.per_category.items() if name.split("/")[1] in no_knowledge]
    rejected = sum(c["positives"] * c["false_reject_rate"] for c in kept)
    assert rejected / sum(c["positives"] for c in kept) <= 0.02


def test_cli_writes_json_and_html(tmp_path):
    pytest.importorskip("matplotlib")
    path = _tiny_bfcl(tmp_path)
    out = CliRunner().invoke(main, ["bench", "agreement", "--data", str(path), "--verifier", "tool_schema",
                                    "--verifier", '{"name": "fuzzy", "params": {"threshold": 80}}',
                                    "--json", str(tmp_path / "a.json"), "--html", str(tmp_path / "a.html"),
                                    "--bootstrap", "50"])
    assert out.exit_code == 0, out.output
    figures = json.loads((tmp_path / "a.json").read_text())[0]["verifiers"]
    assert [f["verifier"] for f in figures] == ["tool_schema", "fuzzy(threshold=80)"]
    for key in ("accuracy", "precision", "recall", "f1", "kappa", "false_accept_rate", "false_reject_rate"):
        assert key in figures[0] and key in figures[0]["intervals"]
    page = (tmp_path / "a.html").read_text()
    assert "data:image/png;base64," in page and "false accept" in page


def test_reasons_behind_disagreements_are_grouped_per_category_with_an_example():
    pairs = [*PAIRS,
             LabeledPair(FLIGHT, hermes(origin="Paris", destination="Rome", passengers=2, cabin="Economy"), True, "enum case"),
             LabeledPair(FLIGHT, hermes(origin="Paris", destination="Rome", passengers=2, cabin="ECONOMY"), True, "enum case"),
             LabeledPair(FLIGHT, hermes(origin="PARIS", destination="Rome", passengers=2), False, "city case")]
    schema = agreement(pairs, ["tool_schema"], bootstrap=20).results[0]
    enum_case = schema.per_category["enum case"]["false_reject_reasons"]
    assert [(g["reason"], g["count"]) for g in enum_case] == [("schema:enum", 2)]
    assert enum_case[0]["examples"][0]["pivot_id"] == "flight"
    accepted = schema.per_category["city case"]["false_accept_reasons"]
    assert accepted[0]["reason"].startswith("accepted (case/spacing)")
    assert schema.reasons["false_reject"][0] == {**schema.reasons["false_reject"][0], "reason": "schema:enum", "count": 2}
    exact = agreement(pairs, ["exact"], bootstrap=20).results[0]
    assert all(g["reason"] and "'" not in g["reason"] for c in exact.per_category.values() for g in c["false_reject_reasons"])


def test_reason_shapes_mask_values_so_one_cause_is_one_group():
    assert reason_shape("f.city: expected 'Paris', got 'Rome'") == reason_shape("f.city: expected 'Oslo', got 'Bergen'")
    assert reason_shape("passengers: expected 2, got 3.5") == "passengers: expected N, got N"


def test_cli_per_category_prints_the_reasons(tmp_path):
    path = _tiny_bfcl(tmp_path)
    out = CliRunner().invoke(main, ["bench", "agreement", "--data", str(path), "--verifier", "exact", "--per-category",
                                    "--bootstrap", "20", "--json", str(tmp_path / "a.json")])
    assert out.exit_code == 0, out.output
    assert "why it disagrees with the labels" in out.output and "false reject" in out.output
    figures = json.loads((tmp_path / "a.json").read_text())[0]["verifiers"][0]
    assert figures["reasons"]["false_reject"] and any(c["false_reject_reasons"] for c in figures["per_category"].values())


def test_the_agreement_module_prints_tables_and_a_last_json_line(tmp_path, capsys):
    from pivotrl.benchmarks.agreement import main as run

    run(["--data", str(_tiny_bfcl(tmp_path)), "--bootstrap", "10", "--per-category"])
    lines = capsys.readouterr().out.strip().splitlines()
    last = json.loads(lines[-1])
    assert last["benchmark"] == "agreement"
    names = [r["name"] for r in last["results"]]
    assert "BFCL_v4_simple.json:tool_schema:false_reject_rate" in names


def test_the_html_report_carries_the_reason_tables(tmp_path):
    pytest.importorskip("matplotlib")
    from pivotrl.benchmarks.agreement_report import write_html

    write_html([agreement(PAIRS, ["exact"], dataset="toy", bootstrap=20)], tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text()
    assert "why it disagrees" in page and "<td>false reject</td>" in page
