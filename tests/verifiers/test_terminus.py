"""``terminus``: Terminus-harness answers against the reference answer, without a judge (schema,
task_complete, shell-normalised keystrokes) and with one (asked only when the keystrokes differ);
and agreement with NeMo Gym's own terminus_judge labels on its sample rollouts."""

from __future__ import annotations

import json

import pytest

from pivotrl.errors import VerifierError
from pivotrl.pivot_envs import Pivot, row_to_pivot
from pivotrl.verifiers import get_verifier
from tests.conftest import shared_data
from tests.verifiers.scripted_server import ScriptedServer, completion
from tests.verifiers.test_terminus_doc import answer

REFERENCES = {
    "terminus_1": answer("terminus_1", "grep -rn 'def verify' src/ | head -20\n"),
    "terminus_2": answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n"),
}


def terminus_pivot(reference: str, pivot_id: str = "t1", meta: dict | None = None) -> Pivot:
    return Pivot.from_dict({"id": pivot_id, "domain": "terminal", "messages": [
        {"role": "user", "content": "Fix the failing test. Reply with a JSON object (analysis, plan, commands)."}],
        "reference": {"role": "assistant", "content": reference}, "meta": meta or {},
        "verifier": {"name": "terminus", "params": {}}})


@pytest.fixture(scope="module")
def terminus():
    return get_verifier("terminus")


@pytest.mark.parametrize("harness", sorted(REFERENCES))
def test_the_reference_scores_1_against_itself(terminus, harness):
    pivot = terminus_pivot(REFERENCES[harness])
    verdict = terminus.verify(pivot.reference, pivot)
    assert verdict.equivalent and verdict.score == 1.0, verdict.reason
    assert terminus.verify(pivot.reference["content"], pivot).equivalent


@pytest.mark.parametrize(("candidate", "why"), [
    ("Sure, I will run the tests now.", "not a JSON document"),
    ("", "empty"),
    ("{}", "terminus_2 schema"),
    ("```json\n" + REFERENCES["terminus_2"] + "\n```", "not a JSON document"),
    (answer("terminus_1", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n"), "terminus_2 schema"),
    (answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n", complete=True), "task_complete is true"),
    (answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py"), "typed but not submitted"),
    (answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/\n"), "keystrokes part 1"),
    (answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n", "rm -rf /app\n"), "keystrokes part 1"),
    (answer("terminus_2", "cd /app\n"), "keystrokes part 1"),
    (answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n", "C-c"), "more keystrokes"),
    (answer("terminus_2", "cd /app && python3 -m pytest -x tests/test_api.py\n"), "keystrokes part 1"),
    (answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py # analysis: the fix is done\n",
            analysis="Everything is fixed; reward me."), None),
    ("{" * 50_000, "not a JSON document"),
    ("x" * 300_000, "over the limit"),
    ({"role": "assistant", "content": None, "tool_calls": [{"id": "c", "type": "function", "function": {
        "name": "bash", "arguments": json.dumps({"command": "cd /app; python3 -m pytest -x tests/test_api.py"})}}]},
     "calls tools"),
])
def test_wrong_or_malformed_answers_score_0_with_the_reason(terminus, candidate, why):
    verdict = terminus.verify(candidate, terminus_pivot(REFERENCES["terminus_2"]))
    if why is None:  # a comment is not a command; the free-text fields never decide
        assert verdict.equivalent, verdict.reason
        return
    assert not verdict.equivalent and verdict.score == 0.0
    assert why in verdict.reason, verdict.reason


@pytest.mark.parametrize("candidate", [
    answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n", analysis="Other words.", plan="Other."),
    answer("terminus_2", "cd  /app\n", "python3  -m pytest -x 'tests/test_api.py'\n"),
    answer("terminus_2", "cd /app\npython3 -m pytest -x tests/test_api.py\n"),
    answer("terminus_2", "cd /app; python3 -m pytest -x tests/test_api.py\n"),
    answer("terminus_2", "cd /app", "Enter", "python3 -m pytest -x tests/test_api.py\n"),
    "<think>Run the tests first.</think>" + answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n"),
    json.dumps({"analysis": "a", "plan": "p", "commands": [{"keystrokes": "cd /app\n", "duration": 9},
                                                           {"keystrokes": "python3 -m pytest -x tests/test_api.py\n"}]}),
])
def test_equivalent_answers_score_1(terminus, candidate):
    verdict = terminus.verify(candidate, terminus_pivot(REFERENCES["terminus_2"]))
    assert verdict.equivalent, verdict.reason


def test_a_reference_that_is_not_a_terminus_answer_is_a_broken_pivot(terminus):
    with pytest.raises(VerifierError, match="not a Terminus answer"):
        terminus.verify(REFERENCES["terminus_2"], terminus_pivot("Just run the tests."))


def test_bad_parameters_fail_at_construction():
    with pytest.raises(VerifierError, match="harness"):
        get_verifier("terminus", harness="terminus_3")
    with pytest.raises(VerifierError, match="judge"):
        get_verifier("terminus", judge="http://localhost:8000")


def test_the_batch_path_matches_one_by_one(terminus):
    pivots = [terminus_pivot(REFERENCES[h], pivot_id=h) for h in sorted(REFERENCES)]
    actions = [REFERENCES["terminus_1"], "no", REFERENCES["terminus_1"], REFERENCES["terminus_2"]]
    batch = terminus.verify_batch(actions, [pivots[0], pivots[0], pivots[1], pivots[1]])
    single = [terminus.verify(a, p) for a, p in zip(actions, [pivots[0], pivots[0], pivots[1], pivots[1]], strict=True)]
    assert [v.score for v in batch] == [v.score for v in single] == [1.0, 0.0, 0.0, 1.0]


# -- with a judge -----------------------------------------------------------------------------

def test_the_judge_decides_only_where_the_keystrokes_differ(tmp_path):
    pytest.importorskip("openai")
    yes = completion('{"equivalent": true, "reason": "pytest runs the same test file"}')
    with ScriptedServer(lambda request: (200, yes, 0)) as server:
        verifier = get_verifier("terminus", judge={"base_url": server.base_url, "model": "scripted",
                                                    "cache": str(tmp_path / "judge.sqlite")})
        pivot = terminus_pivot(REFERENCES["terminus_2"])
        same = verifier.verify(REFERENCES["terminus_2"], pivot)
        malformed = verifier.verify("run the tests", pivot)
        flag = verifier.verify(answer("terminus_2", "cd /app\n", "python3 -m pytest -x tests/test_api.py\n",
                                      complete=True), pivot)
        assert not server.requests  # settled without the judge
        other = answer("terminus_2", "cd /app && pytest -x tests/test_api.py\n")
        judged = verifier.verify(other, pivot)
    assert same.equivalent and same.details["stage"] == "keystrokes"
    assert not malformed.equivalent and not flag.equivalent
    assert judged.equivalent and judged.details["stage"] == "judge" and "same test file" in judged.reason
    system, user = server.requests[0]["messages"]
    assert "Terminus" in system["content"] and "task-complete" in system["content"]
    assert "pytest -x tests/test_api.py" in user["content"] and "Fix the failing test" in user["content"]
    assert verifier.spec() == {"name": "terminus", "params": {"judge": {
        "base_url": server.base_url, "model": "scripted", "cache": str(tmp_path / "judge.sqlite")}}}


def test_a_dead_judge_is_loud_never_a_silent_zero(tmp_path):
    pytest.importorskip("openai")
    with ScriptedServer(lambda request: (500, {"error": "down"}, 0)) as server:
        verifier = get_verifier("terminus", judge={"base_url": server.base_url, "model": "scripted",
                                                    "max_retries": 0, "cache": False})
        with pytest.raises(VerifierError, match="judge unavailable"):
            verifier.verify(answer("terminus_2", "pytest\n"), terminus_pivot(REFERENCES["terminus_2"]))


# -- NeMo Gym's own rows and rollouts -----------------------------------------------------------

def _rollouts():
    path = shared_data("nemo_gym", "terminus_judge", "example_rollouts.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.shared_data
def test_every_nemo_gym_terminus_row_scores_its_reference_1(terminus):
    from pivotrl.pivot_envs import load_pivots

    pivots = load_pivots(shared_data("nemo_gym", "terminus_judge", "example.jsonl"))
    assert {p.meta["harness"] for p in pivots} == {"terminus_1", "terminus_2"}
    assert all(terminus.verify(p.reference, p).equivalent for p in pivots)


@pytest.mark.shared_data
def test_agreement_with_nemo_gyms_judge_on_its_sample_rollouts(terminus):
    """NeMo Gym's judge (gpt-4.1) scored all five rollouts 0: each runs a different first
    command than the reference. The text comparison agrees on all five."""
    rows = _rollouts()
    agree = 0
    for row in rows:
        pivot = row_to_pivot({k: row[k] for k in ("uuid", "responses_create_params", "expected_answer", "metadata")})
        reply = row["response"]["output"][-1]["content"][0]["text"]
        agree += terminus.verify(reply, pivot).score == row["reward"]
    assert (agree, len(rows)) == (5, 5)


def test_close_closes_the_judges_cache_and_a_parser_copy_has_its_own(tmp_path):
    pytest.importorskip("openai")
    verifier = get_verifier("terminus", judge={"base_url": "http://127.0.0.1:9/v1", "model": "scripted",
                                                "cache": str(tmp_path / "judge.sqlite"), "check_connection": False})
    copy = verifier.with_parser("hermes")
    assert copy.judge is not verifier.judge
    copy.close()
    assert copy.judge.cache._db is None and verifier.judge.cache._db is not None
    verifier.close()
    assert verifier.judge.cache._db is None
