"""llm_judge over a real loopback HTTP server whose answers the test scripts: request shape,
batching, caching, retries, timeouts, failure policies and garbage answers."""

from __future__ import annotations

import json
import math
import time

import pytest

from pivotrl.errors import VerifierError
from pivotrl.verifiers import get_verifier
from pivotrl.verifiers.judge_parse import parse_answer, yes_probability
from tests.conftest import call, make_pivot
from tests.verifiers.scripted_server import ScriptedServer, completion

pytest.importorskip("openai")
TEXT_PIVOT = make_pivot(text="Your refund of $42.10 was issued to the card ending 4417.", pivot_id="refund")
YES = completion('{"equivalent": true, "reason": "same refund and card"}')
NO = completion('Sure! ```json\n{"equivalent": false, "reason": "different amount"}\n``` hope this helps')


def judge(server: ScriptedServer, tmp_path, **params):
    return get_verifier("llm_judge", base_url=server.base_url, model="scripted", cache=str(tmp_path / "judge.sqlite"),
                        max_retries=params.pop("max_retries", 2), timeout=params.pop("timeout", 5), **params)


def test_request_shape_and_verdicts(tmp_path):
    with ScriptedServer(lambda r: (200, YES if "4417" in r["messages"][1]["content"].split("Candidate")[1] else NO, 0)) as server:
        verifier = judge(server, tmp_path)
        yes = verifier.verify("Refund of $42.10 sent to your card ending in 4417.", TEXT_PIVOT)
        no = verifier.verify("I refunded $24.10.", TEXT_PIVOT)
    assert yes.equivalent and yes.score == 1.0 and "same refund" in yes.reason
    assert not no.equivalent and no.score == 0.0 and no.details["how"] == "json"
    request = server.requests[0]
    assert request["model"] == "scripted" and request["temperature"] == 0.0 and request["max_tokens"] == 128
    system, user = request["messages"]
    assert system["role"] == "system" and '"equivalent"' in system["content"]
    assert "Your refund of $42.10" in user["content"] and "4417" in user["content"]


def test_batch_is_concurrent_and_deduplicated(tmp_path):
    with ScriptedServer(lambda r: (200, YES, 0.3)) as server:
        verifier = judge(server, tmp_path, concurrency=8)
        started = time.monotonic()
        verdicts = verifier.verify_batch([f"candidate {i}" for i in range(8)] + ["candidate 0"] * 4, TEXT_PIVOT)
        elapsed = time.monotonic() - started
    assert len(server.requests) == 8  # repeats of one text are judged once
    assert all(v.equivalent for v in verdicts)
    assert elapsed < 8 * 0.3  # concurrent, not one after another


def test_cache_survives_a_new_verifier(tmp_path):
    with ScriptedServer(lambda r: (200, YES, 0)) as server:
        judge(server, tmp_path).verify("same words", TEXT_PIVOT)
        again = judge(server, tmp_path)
        verdict = again.verify("same words", TEXT_PIVOT)
    assert len(server.requests) == 1
    assert verdict.details["cached"] and verdict.details["judge_calls"] == 0
    assert again.stats["cache_hits"] == 1 and again.stats["calls"] == 0


def test_retries_on_429_and_500_then_succeeds(tmp_path):
    replies = iter([(429, {"error": {"message": "slow down"}}, 0), (500, {"error": {"message": "oops"}}, 0), (200, YES, 0)])
    with ScriptedServer(lambda r: next(replies)) as server:
        verdict = judge(server, tmp_path, max_retries=3).verify("x", TEXT_PIVOT)
    assert verdict.equivalent and len(server.requests) == 3


@pytest.mark.parametrize(("policy", "expect"), [("zero", 0.0), ("none", None)])
def test_unreachable_judge_follows_the_failure_policy(tmp_path, policy, expect):
    with ScriptedServer(lambda r: (503, {"error": {"message": "down"}}, 0)) as server:
        verifier = judge(server, tmp_path, on_failure=policy, max_retries=1)
        verdict = verifier.verify("x", TEXT_PIVOT)
    assert verdict.score == 0.0 and not verdict.equivalent
    assert verdict.skipped is (expect is None)
    assert "judge unavailable" in verdict.reason and verifier.stats["failures"] == 1


def test_failure_policy_error_is_loud(tmp_path):
    with ScriptedServer(lambda r: (503, {"error": {"message": "down"}}, 0)) as server:
        verifier = judge(server, tmp_path, max_retries=0)
        with pytest.raises(VerifierError, match="judge unavailable"):
            verifier.verify("x", TEXT_PIVOT)


def test_slow_judge_times_out(tmp_path):
    with ScriptedServer(lambda r: (200, YES, 3.0)) as server:
        verifier = judge(server, tmp_path, timeout=0.5, max_retries=0, on_failure="zero")
        started = time.monotonic()
        verdict = verifier.verify("x", TEXT_PIVOT)
    assert time.monotonic() - started < 2.5
    assert "Timeout" in verdict.reason


def test_garbage_answers_are_counted_and_shown_never_scored_silently(tmp_path):
    with ScriptedServer(lambda r: (200, completion("The weather is lovely today."), 0)) as server:
        verifier = judge(server, tmp_path, on_failure="zero")
        verdict = verifier.verify("x", TEXT_PIVOT)
        assert verifier.stats["unparseable"] == 1
        assert "unparseable judge answer" in verdict.reason and "weather" in verdict.details["answer"]
        with pytest.raises(VerifierError, match="unparseable"):
            judge(server, tmp_path).verify("y", TEXT_PIVOT)
    assert verifier.cache is not None and len(verifier.cache) == 0  # garbage is never cached


def test_graded_score_from_logprobs(tmp_path):
    top = [{"token": "true", "logprob": math.log(0.8), "top_logprobs": [
        {"token": "true", "logprob": math.log(0.8)}, {"token": "false", "logprob": math.log(0.2)}]}]
    body = completion('{"equivalent": true, "reason": "ok"}', logprobs=[
        {"token": '{"', "logprob": 0.0, "top_logprobs": []}, {"token": "equivalent", "logprob": 0.0, "top_logprobs": []},
        *top])
    with ScriptedServer(lambda r: (200, body, 0)) as server:
        verdict = judge(server, tmp_path, graded=True).verify("x", TEXT_PIVOT)
    assert server.requests[0]["logprobs"] is True and server.requests[0]["top_logprobs"] == 5
    assert verdict.score == pytest.approx(0.8) and verdict.equivalent


def test_any_of_calls_the_judge_only_when_the_cheap_check_says_no(tmp_path):
    with ScriptedServer(lambda r: (200, YES, 0)) as server:
        combo = get_verifier("any_of", verifiers=["tool_schema", {"name": "llm_judge", "params": {
            "base_url": server.base_url, "model": "scripted", "cache": str(tmp_path / "c.sqlite")}}])
        flight = make_pivot(call("book_flight", origin="Paris", destination="Rome"))
        same = json.dumps({"name": "book_flight", "arguments": {"origin": "Paris", "destination": "Rome"}})
        other = json.dumps({"name": "book_flight", "arguments": {"origin": "Paris", "destination": "Roma"}})
        verdicts = combo.verify_batch([same, other, same], flight)
    assert len(server.requests) == 1
    assert [v.details["evaluated"] for v in verdicts] == [["tool_schema"], ["tool_schema", "llm_judge"], ["tool_schema"]]
    assert verdicts[1].details["verdicts"]["llm_judge"]["details"]["judge_calls"] == 1


def test_user_templates_format_and_jinja(tmp_path):
    with ScriptedServer(lambda r: (200, YES, 0)) as server:
        judge(server, tmp_path, template="REF={reference} CAND={candidate}").verify("hello", TEXT_PIVOT)
        judge(server, tmp_path, template={"system": "Be strict.", "user": "{{ candidate | upper }} vs {{ reference }}"}).verify(
            "hello", TEXT_PIVOT)
        with pytest.raises(VerifierError, match="placeholders are"):
            judge(server, tmp_path, template="{nonsense}").verify("zzz", TEXT_PIVOT)
    assert server.requests[0]["messages"][1]["content"].startswith("REF=replies: Your refund")
    assert server.requests[1]["messages"][0]["content"] == "Be strict."
    assert server.requests[1]["messages"][1]["content"].startswith("REPLIES: HELLO vs replies:")


def test_construction_fails_without_endpoint_or_when_it_is_down(monkeypatch):
    monkeypatch.delenv("PIVOTRL_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(VerifierError, match="no endpoint"):
        get_verifier("llm_judge", model="m")
    with pytest.raises(VerifierError, match="does not answer"):
        get_verifier("llm_judge", base_url="http://127.0.0.1:9/v1", model="m")
    with pytest.raises(VerifierError, match="on_failure"):
        get_verifier("llm_judge", base_url="http://127.0.0.1:9/v1", model="m", on_failure="shrug")


@pytest.mark.parametrize(("text", "expected", "how"), [
    ('{"equivalent": true, "reason": "x"}', True, "json"),
    ('```json\n{"equivalent": "no", "reason": "x"}\n```', False, "json"),
    ('<think>hmm</think>{"equivalent": false}', False, "json"),
    ("YES, they match.", True, "yes-no"),
    ("no.", False, "yes-no"),
    ("Equivalent: true", True, "key-value"),
    ("maybe?", None, "unparseable"),
    ("", None, "unparseable"),
    ("<think>endless", None, "unparseable"),
])
def test_tolerant_answer_parsing(text, expected, how):
    answer = parse_answer(text)
    assert (answer.equivalent, answer.how) == (expected, how)


def test_yes_probability_needs_logprobs():
    assert yes_probability(None) is None
    assert yes_probability([{"token": "no", "logprob": math.log(0.9), "top": {"yes": math.log(0.1)}}]) == pytest.approx(0.1)


def test_close_closes_the_cache_and_a_parser_copy_keeps_its_own(tmp_path):
    with ScriptedServer(lambda r: (200, YES, 0)) as server:
        original = judge(server, tmp_path)
        copy = original.with_parser("hermes")
        copy.verify("same words", TEXT_PIVOT)
        copy.close()
        copy.close()  # twice is fine
        assert copy.cache._db is None
        verdict = original.verify("same words", TEXT_PIVOT)  # the original's cache is still open
        assert verdict.details["cached"] and len(server.requests) == 1
        original.close()
        assert original.cache._db is None
        assert original.verify("other words", TEXT_PIVOT).equivalent  # still answers, uncached
    assert len(server.requests) == 2
