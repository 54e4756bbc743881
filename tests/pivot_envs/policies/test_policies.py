"""The policies package itself (pivotrl.pivot_envs.policies): importing it loads no backend, and
spec strings are parsed, with bad ones refused by saying what was expected."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pivotrl.errors import PivotRLError, UnknownNameError
from pivotrl.pivot_envs.policies import get_policy, parse_spec


def test_importing_the_package_loads_no_backend():
    code = ("import sys, pivotrl.pivot_envs.policies as p; p.POLICIES.names(); "
            "print(sorted(m for m in ('torch', 'transformers', 'openai', 'vllm') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_parse_spec_splits_at_the_first_colon():
    assert parse_spec("openai:http://127.0.0.1:8000/v1#tiny") == ("openai", "http://127.0.0.1:8000/v1#tiny")
    assert parse_spec("hf:/models/x") == ("hf", "/models/x")
    assert parse_spec("vllm:Qwen/Qwen3-8B") == ("vllm", "Qwen/Qwen3-8B")


@pytest.mark.parametrize("spec, words", [
    ("foo:bar", ["unknown policy backend 'foo'", "hf, openai, vllm", "openai:URL#MODEL"]),
    ("no-colon", ["expected BACKEND:TARGET"]),
    (":x", ["expected BACKEND:TARGET"]),
    ("hf:", ["hf:PATH"]),
    ("openai:http://127.0.0.1:8000/v1", ["names no model", "openai:URL#MODEL"]),
    ("openai:127.0.0.1:8000#m", ["expected an http(s) base URL"]),
])
def test_bad_specs_say_what_was_expected(spec, words):
    with pytest.raises(PivotRLError) as info:
        get_policy(spec)
    for word in words:
        assert word in str(info.value)
    if spec == "foo:bar":
        assert isinstance(info.value, UnknownNameError)
