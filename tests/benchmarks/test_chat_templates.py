"""For each chat template TRL ships (found on disk, so a new one is tested automatically): the
reference turn as the template writes it scores 1 through ``env.step`` on a tool pivot, a copy
with one wrong value scores 0, and the pivot's prompt renders (no exception, no argument or
tool result encoded twice, one BOS at most, in our ids and in TRL's). Templates without tool
support, and cases a template cannot render (parallel calls in Llama 3.1 or gpt-oss), are
skipped with the reason."""

from __future__ import annotations

import pytest

pytest.importorskip("trl")
pytest.importorskip("transformers")

from pivotrl.benchmarks import chat_templates as ct

TEMPLATES = ct.template_files()
_tokenizers: dict[str, object] = {}


def _tokenizer(path):
    if path.name not in _tokenizers:
        _tokenizers[path.name] = ct.template_tokenizer(path.read_text(encoding="utf-8"))
    tokenizer = _tokenizers[path.name]
    reason = ct.tool_support(tokenizer)
    if reason:
        pytest.skip(f"{path.name}: {reason}")
    return tokenizer


def test_templates_are_found():
    assert len(TEMPLATES) > 20 and any(p.name == "qwen3.jinja" for p in TEMPLATES)


@pytest.mark.parametrize("case", sorted(ct.CASES))
@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_rendered_reference_scores_one_and_a_wrong_value_zero(path, case):
    tokenizer = _tokenizer(path)
    if case == "parallel" and (reason := ct.parallel_support(tokenizer)):
        pytest.skip(f"{path.name}: {reason}")
    result = ct.check_case(tokenizer, path.name, case)
    assert result.skipped is None, result.skipped
    assert result.reference_score == 1.0, f"{result.format}: {result.reason}"
    assert result.wrong_score == 0.0, result.reason


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_prompt_renders_without_double_encoding_or_a_second_bos(path):
    tokenizer = _tokenizer(path)
    assert ct.check_prompt(tokenizer, ct.pivot_for(path.name, "prompt", ct.CASES["one call"])) == ""
