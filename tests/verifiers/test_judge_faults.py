"""llm_judge x fault modes of a misbehaving local server (raw sockets): every fault of the
endpoint follows the failure policy within the deadline and is counted; a candidate's own text
is never an outage; one failing request loses nothing else; a corrupt cache is moved aside."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from pivotrl.errors import VerifierError
from pivotrl.openai_client import backoff_seconds
from pivotrl.verifiers import get_verifier
from tests.conftest import make_pivot
from tests.verifiers.faulty_server import FAULTS, FaultyServer
from tests.verifiers.scripted_server import ScriptedServer, completion

pytest.importorskip("openai")
pytestmark = pytest.mark.integration

PIVOT = make_pivot(text="Your refund of $42.10 was issued to the card ending 4417.", pivot_id="refund")
TIMEOUT, RETRIES = 1.0, 1
#: every attempt to its deadline, the backoff between them, and slack for a loaded machine
BOUND = (RETRIES + 1) * TIMEOUT + sum(backoff_seconds(n) for n in range(RETRIES)) + 4.0
NOT_RETRIED = {"404 unknown model"}


def judge(base_url: str, tmp_path, **params):
    return get_verifier("llm_judge", base_url=base_url, model="faulty", cache=str(tmp_path / "judge.sqlite"),
                        timeout=params.pop("timeout", TIMEOUT), max_retries=params.pop("max_retries", RETRIES),
                        **params)


@pytest.mark.parametrize("policy", ["zero", "none", "error"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_endpoint_fault_follows_the_failure_policy_within_the_deadline(tmp_path, fault, policy):
    with FaultyServer(fault) as server:
        verifier = judge(server.base_url, tmp_path, on_failure=policy)
        started = time.monotonic()
        if policy == "error":
            with pytest.raises(VerifierError, match="judge unavailable"):
                verifier.verify("Refund of $42.10 sent.", PIVOT)
        else:
            verdict = verifier.verify("Refund of $42.10 sent.", PIVOT)
            assert verdict.score == 0.0 and not verdict.equivalent
            assert verdict.reason.startswith("judge unavailable") and verdict.details["judge_failure"]
            assert verdict.skipped is (policy == "none")
        elapsed = time.monotonic() - started
        attempts = len(server.requests)
    assert elapsed < BOUND, f"{fault}: {elapsed:.1f} s"
    assert verifier.stats["failures"] == 1 and verifier.stats["calls"] == 1
    assert attempts == (1 if fault in NOT_RETRIED else RETRIES + 1)
    assert verifier.cache is not None and len(verifier.cache) == 0  # a failure is never cached


def test_a_trickling_server_cannot_hold_a_verification_past_its_deadline(tmp_path):
    """The case that held verify for 144 s with timeout=2, max_retries=2."""
    with FaultyServer("trickle") as server:
        verifier = judge(server.base_url, tmp_path, timeout=2, max_retries=2, on_failure="zero")
        started = time.monotonic()
        verdict = verifier.verify("x", PIVOT)
        elapsed = time.monotonic() - started
    assert "Timeout" in verdict.reason and "3 attempt" in verdict.reason
    assert elapsed < 3 * 2 + backoff_seconds(0) + backoff_seconds(1) + 4.0


def test_one_failing_request_loses_nothing_else_and_a_retry_can_save_it(tmp_path):
    # concurrency 1: requests go out in order; the second candidate fails both attempts
    with FaultyServer("ok", "500", "500", "ok", "500", "ok") as server:
        verifier = judge(server.base_url, tmp_path, concurrency=1, on_failure="zero")
        verdicts = verifier.verify_batch(["first", "second", "third"], PIVOT)
        assert [v.score for v in verdicts] == [1.0, 0.0, 1.0]
        assert verdicts[1].reason.startswith("judge unavailable") and verifier.stats["failures"] == 1
        saved = verifier.verify("fourth", PIVOT)  # fails once, then the retry answers
    assert saved.equivalent and verifier.stats["failures"] == 1


def test_a_candidate_with_a_lone_surrogate_is_judged_not_an_outage(tmp_path):
    yes = completion('{"equivalent": true, "reason": "same refund"}')
    with ScriptedServer(lambda r: (200, yes, 0)) as server:
        verifier = judge(server.base_url, tmp_path, on_failure="error")
        # an emoji cut by max_tokens, in a message and inside escaped tool-call arguments
        reply = verifier.verify({"role": "assistant", "content": "Refunded $42.10 \ud83d"}, PIVOT)
        call = verifier.verify('{"name": "refund", "arguments": {"note": "sent \\ud83d"}}', PIVOT)
        raw = verifier.verify("Refunded $42.10 \ud83d", PIVOT)  # raw text: the parser refuses it first
        sent = [r["messages"][1]["content"] for r in server.requests]
    assert reply.equivalent and call.equivalent and verifier.stats["failures"] == 0
    assert len(sent) == 2 and "$42.10 \ufffd" in sent[0] and "sent \ufffd" in sent[1]
    assert raw.score == 0.0 and "lone surrogate" in raw.reason


def test_a_huge_candidate_scores_zero_without_a_call(tmp_path):
    with ScriptedServer(lambda r: (200, completion("yes"), 0)) as server:
        verifier = judge(server.base_url, tmp_path, on_failure="error", max_candidate_chars=1000)
        verdict = verifier.verify("refund " * 10_000, PIVOT)
        reference = verifier.verify(PIVOT.reference, PIVOT)  # the gold check still reaches the judge
    assert verdict.score == 0.0 and "over the judge's limit" in verdict.reason
    assert reference.equivalent and len(server.requests) == 1 and verifier.stats["failures"] == 0
    assert verifier.spec()["params"]["max_candidate_chars"] == 1000


def _yes_server() -> ScriptedServer:
    return ScriptedServer(lambda r: (200, completion('{"equivalent": true, "reason": "ok"}'), 0))


def test_a_corrupt_cache_file_is_moved_aside_with_a_warning_and_rebuilt(tmp_path, caplog):
    path = tmp_path / "judge.sqlite"
    path.write_bytes(b"this was a judge cache once" * 200)
    with _yes_server() as server, caplog.at_level(logging.WARNING):
        verifier = judge(server.base_url, tmp_path, on_failure="error")
        first = verifier.verify("x", PIVOT)
        again = judge(server.base_url, tmp_path, on_failure="error").verify("x", PIVOT)
    (aside,) = verifier.cache.moved_aside
    assert aside.exists() and aside.read_bytes().startswith(b"this was a judge cache")
    assert any(str(path) in r.getMessage() and str(aside) in r.getMessage() for r in caplog.records)
    assert first.equivalent and again.details["cached"] and len(server.requests) == 1


def test_an_entry_that_does_not_read_back_is_dropped_and_judged_again(tmp_path, caplog):
    with _yes_server() as server:
        verifier = judge(server.base_url, tmp_path, on_failure="error")
        verifier.verify("x", PIVOT)
        db = sqlite3.connect(tmp_path / "judge.sqlite")
        for value in ('{"reason": "no verdict key"}', "not json at all"):
            db.execute("UPDATE verdicts SET value = ?", (value,))
            db.commit()
            with caplog.at_level(logging.WARNING):
                verdict = verifier.verify("x", PIVOT)
            assert verdict.equivalent and not verdict.details["cached"]
        db.close()
    assert len(server.requests) == 3 and verifier.stats["failures"] == 0
    assert any("does not read back" in r.getMessage() for r in caplog.records)


def test_an_unusable_cache_path_judges_without_a_cache(tmp_path, caplog):
    (tmp_path / "judge.sqlite").mkdir()
    with _yes_server() as server, caplog.at_level(logging.WARNING):
        verifier = judge(server.base_url, tmp_path, on_failure="error")
        assert verifier.verify("x", PIVOT).equivalent and verifier.verify("x", PIVOT).equivalent
    assert len(server.requests) == 2
    assert any("judging without a cache" in r.getMessage() for r in caplog.records)
