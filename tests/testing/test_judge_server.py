"""The tiny local judge model and its `transformers serve` endpoint (pivotrl.testing.judge_server).

Random weights: these tests check plumbing (the OpenAI protocol, the server's lifecycle), never
what the model says. Generation is kept to a few tokens; the file runs in ~20 s on 2 cores.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pivotrl.testing.judge_server import MARKER, TinyServer, TinyServerError, build_tiny_model

pytestmark = pytest.mark.integration
os.environ.setdefault("HF_HUB_OFFLINE", "1")

MESSAGES = [{"role": "system", "content": "Answer with JSON only."},
            {"role": "user", "content": 'Is `ls -la` equivalent to `ls -al`? {"equivalent": ...}'}]


def _require_stack() -> None:
    for name in ("torch", "transformers", "tokenizers", "openai"):
        try:
            __import__(name)
        except Exception as exc:  # ImportError, or a broken install
            pytest.skip(f"{name} cannot be imported ({exc!r}); install pivotrl[judge-test]")


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    _require_stack()
    return build_tiny_model(tmp_path_factory.mktemp("tiny-judge-model"))


@pytest.fixture(scope="module")
def server(tiny_model):
    with TinyServer(tiny_model, startup_timeout=120) as running:
        yield running


@pytest.fixture
def client(server):
    import openai

    return openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0, timeout=30)


def test_module_import_does_not_load_torch():
    code = ("import sys, pivotrl.testing.judge_server; "
            "print(sorted(m for m in ('torch', 'transformers', 'tokenizers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_build_tiny_model_is_a_loadable_chat_model(tiny_model):
    from transformers import AutoConfig, AutoTokenizer

    marker = json.loads((tiny_model / MARKER).read_text())
    assert 1_000_000 <= marker["parameters"] <= 3_000_000
    assert 1000 <= marker["vocab_size"] <= 2048
    config = AutoConfig.from_pretrained(tiny_model)
    assert config.architectures == ["LlamaForCausalLM"] and config.vocab_size == marker["vocab_size"]

    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    prompt = tokenizer.apply_chat_template(MESSAGES, add_generation_prompt=True, tokenize=False)
    assert prompt.startswith("<|im_start|>system\nAnswer with JSON only.<|im_end|>\n<|im_start|>user\n")
    assert prompt.endswith("<|im_end|>\n<|im_start|>assistant\n")
    assert tokenizer.convert_tokens_to_ids("<|im_end|>") in (
        json.loads((tiny_model / "generation_config.json").read_text())["eos_token_id"])
    text = 'book_flight {"origin": "Paris"} ls -la'
    assert tokenizer.decode(tokenizer(text)["input_ids"]) == text


def test_build_tiny_model_reuses_a_complete_directory(tiny_model):
    weights = tiny_model / "model.safetensors"
    before = weights.stat().st_mtime_ns
    began = time.monotonic()
    assert build_tiny_model(tiny_model) == tiny_model
    assert time.monotonic() - began < 1.0
    assert weights.stat().st_mtime_ns == before


def test_models_list_names_the_model(server, client):
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
    assert [m.id for m in client.models.list().data] == [server.model]


def test_chat_completion_returns_text(server, client):
    reply = client.chat.completions.create(model=server.model, messages=MESSAGES, max_tokens=8)
    choice = reply.choices[0]
    assert isinstance(choice.message.content, str) and choice.message.content
    assert choice.message.role == "assistant"
    assert choice.finish_reason in ("length", "stop")
    assert 1 <= reply.usage.completion_tokens <= 8 and reply.usage.prompt_tokens > 10


def test_max_tokens_temperature_zero_and_seed_are_honoured(server, client):
    def ask(**kwargs):
        reply = client.chat.completions.create(model=server.model, messages=MESSAGES, **kwargs)
        return reply.choices[0].message.content, reply.usage.completion_tokens

    assert ask(max_completion_tokens=3)[1] <= 3
    assert ask(max_tokens=5, temperature=0) == ask(max_tokens=5, temperature=0)  # greedy
    assert ask(max_tokens=6, temperature=1.0, seed=7) == ask(max_tokens=6, temperature=1.0, seed=7)


def test_unsupported_openai_parameters_are_accepted(server, client):
    # `n`, `logprobs` and `top_logprobs` are accepted (ignored by transformers serve 5.x)
    reply = client.chat.completions.create(model=server.model, messages=MESSAGES, max_tokens=2,
                                           n=2, logprobs=True, top_logprobs=2)
    assert reply.choices and isinstance(reply.choices[0].message.content, str)


def test_another_model_name_is_refused(client):
    import openai

    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES, max_tokens=2)


def test_kill_makes_the_next_request_fail_fast(tiny_model):
    import openai

    doomed = TinyServer(tiny_model, startup_timeout=120).start()
    try:
        client = openai.OpenAI(base_url=doomed.base_url, api_key="test", max_retries=0, timeout=5)
        assert client.chat.completions.create(model=doomed.model, messages=MESSAGES, max_tokens=2).choices
        doomed.kill()
        assert not doomed.alive()
        began = time.monotonic()
        with pytest.raises(openai.APIConnectionError):
            client.chat.completions.create(model=doomed.model, messages=MESSAGES, max_tokens=2)
        assert time.monotonic() - began < 5
    finally:
        doomed.stop()
    assert not doomed.alive()


def test_a_server_that_cannot_start_reports_its_output(tmp_path):
    _require_stack()
    broken = tmp_path / "not-a-model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    began = time.monotonic()
    with pytest.raises(TinyServerError, match="exited with status") as info:
        TinyServer(broken, startup_timeout=120).start()
    assert "config.json" in str(info.value)  # the tail of the server's own output
    assert time.monotonic() - began < 60


def test_main_serves_until_interrupted(tiny_model):
    proc = subprocess.Popen([sys.executable, "-m", "pivotrl.testing.judge_server", "--model-dir", str(tiny_model)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        text = "".join(lines)
        if "serving at http://127.0.0.1:" not in text:
            proc.kill()
            pytest.fail(f"no server announced:\n{text}{proc.stderr.read()}")
        assert f"model id: {tiny_model.resolve()}" in text and "curl -s http://127.0.0.1:" in text
        base_url = text.split("serving at ", 1)[1].split()[0]

        import openai

        client = openai.OpenAI(base_url=base_url, api_key="test", max_retries=0, timeout=30)
        assert [m.id for m in client.models.list().data] == [str(tiny_model.resolve())]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        with pytest.raises(openai.APIConnectionError):  # the server went with it
            client.models.list()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
