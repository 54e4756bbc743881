"""The trainer's samplers are the profiling Policy backends behind one adapter: the in-process
HFPolicy samples what a plain ``generate`` over the live model samples (same ids, texts and
log-probs for the same seed), and the endpoint sampler takes vLLM's token ids exactly or
re-tokenizes served text with the trainer's tokenizer."""

from __future__ import annotations

from typing import ClassVar

import pytest

torch = pytest.importorskip("torch")

from pivotrl.chat import completion_text, prompt_token_ids, render_prompt  # noqa: E402
from pivotrl.errors import PivotRLError  # noqa: E402
from pivotrl.pivot_envs.policies.hf import HFPolicy  # noqa: E402
from pivotrl.trainer_plugin.policy_sampler import PolicySampler  # noqa: E402


def _load(tiny_lm_dir):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    return (AutoModelForCausalLM.from_pretrained(tiny_lm_dir, dtype=torch.float32),
            AutoTokenizer.from_pretrained(tiny_lm_dir))


def _generate(model, tokenizer, pivot, g, max_new_tokens):
    """What the trainer's own sampler did before it went through HFPolicy: one ``generate`` per
    pivot with ``num_return_sequences=g``, rows cut after the first stop token, log-probs from
    the processed scores."""
    prompt = prompt_token_ids(tokenizer, render_prompt(tokenizer, pivot.messages, pivot.tools))
    input_ids = torch.tensor([prompt])
    stop = {tokenizer.eos_token_id}
    with torch.no_grad():
        gen = model.generate(input_ids, attention_mask=torch.ones_like(input_ids), do_sample=True, temperature=1.0,
                             top_p=1.0, top_k=0, max_new_tokens=max_new_tokens, num_return_sequences=g,
                             return_dict_in_generate=True, output_scores=True, pad_token_id=tokenizer.eos_token_id)
        scores = model.compute_transition_scores(gen.sequences, gen.scores, normalize_logits=True).tolist()
    rows = []
    for row, row_scores in zip(gen.sequences[:, len(prompt):].tolist(), scores, strict=True):
        cut = next((i + 1 for i, t in enumerate(row) if t in stop), None)
        ids = row[:cut] if cut else row
        rows.append((prompt, ids, completion_text(tokenizer, ids, cut is not None), row_scores[:len(ids)], cut is None))
    return rows


@pytest.mark.parametrize("share_prefill", [False, True])
def test_hf_policy_samples_what_a_plain_generate_samples(tiny_lm_dir, tool_pivots, share_prefill):
    model, tokenizer = _load(tiny_lm_dir)
    model.eval()
    sampler = PolicySampler(HFPolicy(model, tokenizer, device="cpu", share_prefill=share_prefill), max_new_tokens=16)
    for seed, pivot in enumerate(tool_pivots[:3]):
        torch.manual_seed(seed)
        expected = _generate(model, tokenizer, pivot, 3, 16)
        torch.manual_seed(seed)
        [group] = sampler.sample([pivot], 3)
        assert [(r.prompt_ids, r.completion_ids, r.text, r.truncated) for r in group] == \
            [(p, ids, text, truncated) for p, ids, text, _, truncated in expected]
        for rollout, (*_, logprobs, _) in zip(group, expected, strict=True):
            assert rollout.sampler_logprobs == pytest.approx(logprobs, abs=1e-4)


class _FakeOpenAI:
    """Stands in for ``openai.AsyncOpenAI``: records each request, answers with ``choices``."""

    sent: ClassVar[list] = []
    choices: ClassVar[list] = []

    def __init__(self, **_):
        self.chat = self.models = self
        self.completions = self

    async def create(self, **body):
        from types import SimpleNamespace

        type(self).sent.append(body)
        return SimpleNamespace(choices=type(self).choices[:body.get("n", 1)], usage=None)

    async def close(self):
        pass


def _choice(text, tokens, finish="stop", tool_calls=None):
    from types import SimpleNamespace

    logprobs = SimpleNamespace(content=[SimpleNamespace(token=t, logprob=-0.5) for t in tokens])
    return SimpleNamespace(message=SimpleNamespace(content=text, tool_calls=tool_calls), logprobs=logprobs,
                           finish_reason=finish)


def test_endpoint_sampler_takes_vllm_token_ids_exactly(tiny_lm_dir, tool_pivots, monkeypatch):
    """vLLM with return_tokens_as_token_ids names each sampled token 'token_id:N': those ids and
    log-probs are used as they are, never re-tokenized; a server that ignores the flag is an error."""
    openai = pytest.importorskip("openai")
    from pivotrl.trainer_plugin.policy_sampler import EndpointSampler

    monkeypatch.setattr(openai, "AsyncOpenAI", _FakeOpenAI)
    monkeypatch.setattr(_FakeOpenAI, "sent", [])
    _, tokenizer = _load(tiny_lm_dir)
    ids = [*tokenizer("<tool_call>", add_special_tokens=False).input_ids, tokenizer.eos_token_id]
    monkeypatch.setattr(_FakeOpenAI, "choices", [_choice("<tool_call>", [f"token_id:{i}" for i in ids])] * 2)
    sampler = EndpointSampler("http://127.0.0.1:9/v1", "m", tokenizer, server_token_ids=True, max_new_tokens=4)
    [[rollout, _]] = sampler.sample(tool_pivots[:1], 2)
    assert rollout.completion_ids == ids and rollout.sampler_logprobs == [-0.5] * len(ids)
    assert not rollout.truncated and rollout.text == "<tool_call>"
    sent = _FakeOpenAI.sent[0]
    assert sent["extra_body"]["return_tokens_as_token_ids"] is True and sent["logprobs"] is True
    assert sent["tools"] == tool_pivots[0].tools

    monkeypatch.setattr(_FakeOpenAI, "choices", [_choice("<tool_call>", ["<tool_call>"])] * 2)
    with pytest.raises(PivotRLError, match="token_id"):
        sampler.sample(tool_pivots[:1], 2)


def test_a_server_side_tool_parser_does_not_empty_the_scored_text(tiny_lm_dir, tool_pivots, monkeypatch):
    """vLLM with a tool-call parser sends the calls in message.tool_calls and an empty content:
    the rollout is scored on what its ids say (the trained tokens), never as an empty reply; and
    without server ids, retokenizing the emptied text is refused."""
    openai = pytest.importorskip("openai")
    from pivotrl.trainer_plugin.policy_sampler import EndpointSampler

    monkeypatch.setattr(openai, "AsyncOpenAI", _FakeOpenAI)
    monkeypatch.setattr(_FakeOpenAI, "sent", [])
    _, tokenizer = _load(tiny_lm_dir)
    pivot = next(p for p in tool_pivots if p.reference.get("tool_calls"))
    call = pivot.reference["tool_calls"][0]["function"]
    raw = f'<tool_call>\n{{"name": "{call["name"]}", "arguments": {call["arguments"]}}}\n</tool_call>'
    ids = [*tokenizer(raw, add_special_tokens=False).input_ids, tokenizer.eos_token_id]
    parsed = [{"id": "c1", "type": "function", "function": dict(call)}]
    monkeypatch.setattr(_FakeOpenAI, "choices", [_choice("", [f"token_id:{i}" for i in ids], tool_calls=parsed)])
    sampler = EndpointSampler("http://127.0.0.1:9/v1", "m", tokenizer, server_token_ids=True, max_new_tokens=64)
    [[rollout]] = sampler.sample([pivot], 1)
    assert rollout.completion_ids == ids
    assert call["name"] in rollout.text and rollout.text == tokenizer.decode(ids[:-1], skip_special_tokens=False)

    plain = EndpointSampler("http://127.0.0.1:9/v1", "m", tokenizer, max_new_tokens=64)
    monkeypatch.setattr(_FakeOpenAI, "choices", [_choice("", ["t"], tool_calls=parsed)])
    with pytest.raises(PivotRLError, match="tool-call parser"):
        plain.sample([pivot], 1)


def test_endpoint_sampler_retokenizes_text_without_server_ids(tiny_lm_dir, tool_pivots, monkeypatch):
    """Without server ids the text is encoded with the trainer's tokenizer, the end token added
    when the sample stopped; the server's log-probs are kept only where the counts agree."""
    openai = pytest.importorskip("openai")
    from pivotrl.chat import prompt_token_ids, render_prompt
    from pivotrl.trainer_plugin.policy_sampler import EndpointSampler

    monkeypatch.setattr(openai, "AsyncOpenAI", _FakeOpenAI)
    monkeypatch.setattr(_FakeOpenAI, "sent", [])
    _, tokenizer = _load(tiny_lm_dir)
    body = tokenizer("<tool_call>", add_special_tokens=False).input_ids
    monkeypatch.setattr(_FakeOpenAI, "choices", [_choice("<tool_call>", ["t"] * (len(body) + 1)),
                                                 _choice("<tool_call>", ["t"], finish="length")])
    sampler = EndpointSampler("http://127.0.0.1:9/v1", "m", tokenizer, max_new_tokens=4)
    [[stopped, cut]] = sampler.sample(tool_pivots[:1], 2)
    assert stopped.completion_ids == [*body, tokenizer.eos_token_id] and stopped.sampler_logprobs is not None
    assert cut.completion_ids == body and cut.truncated and cut.sampler_logprobs is None
    pivot = tool_pivots[0]
    assert stopped.prompt_ids == prompt_token_ids(tokenizer, render_prompt(tokenizer, pivot.messages, pivot.tools))
    assert "extra_body" not in _FakeOpenAI.sent[0]
