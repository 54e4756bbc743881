"""The toy model's template and tokenizer keep the gold invariant: a reference turn written the
way the model writes it (rendered by the template, tokenized, decoded) scores 1 under the
functional verifier and under exact match, for every in-domain pivot."""

from __future__ import annotations

import pytest

pytest.importorskip("transformers")

from pivotrl.experiment.config import preset
from pivotrl.experiment.data import render_chat, seed_splits
from pivotrl.pivot_envs.extract import extract_candidates
from pivotrl.verifiers import get_verifier
from tests.toy import toy_model


def test_references_written_as_the_model_writes_them_score_one(tmp_path_factory):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(toy_model(tmp_path_factory.mktemp("toy")))
    pivots = extract_candidates(seed_splits(preset("quick"), 0).train)
    functional, exact = get_verifier("tool_schema"), get_verifier("exact")
    for pivot in pivots:
        prompt = render_chat(pivot.messages, pivot.tools) + "<|im_start|>assistant\n"
        full = render_chat([*pivot.messages, pivot.reference], pivot.tools)
        assert full.startswith(prompt)
        turn = full[len(prompt):]
        ids = tokenizer(turn, add_special_tokens=False).input_ids
        text = tokenizer.decode(ids, skip_special_tokens=True)  # what a policy's sample looks like
        assert text == turn.removesuffix("<|im_end|>\n") + "\n"
        for verifier in (functional, exact):
            verdict = verifier.verify(text, pivot)
            assert verdict.score == 1.0, (pivot.id, verifier.name, verdict.reason)
