"""Every optional-dependency guard reads the same way and names its extra (pivotrl/optional.py).

Each case makes one package unimportable (``sys.modules[name] = None``) and runs the code
path that needs it: the error must be the class callers catch and point at the right extra.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pivotrl.errors import EndpointError, PivotRLError, SandboxError, VerifierError
from pivotrl.optional import require


def _docker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.sandboxes.docker_backend import docker_client

    return docker_client()


def _seccomp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.sandboxes.seccomp import _pyseccomp

    return _pyseccomp()


def _openai_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.openai_client import ChatClient, ClientConfig

    return ChatClient(ClientConfig(base_url="http://127.0.0.1:9/v1", model="m"))


def _llm_judge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.verifiers import get_verifier

    return get_verifier("llm_judge", base_url="http://127.0.0.1:9/v1", model="m", cache=False,
                        check_connection=False)


def _jinja_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.verifiers.judge_prompt import _render

    return _render("{{ action }}", {"action": "ls"})


def _ray(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.pivot_envs.profiling.ray_runner import RayRunner

    return RayRunner("hf:unused")


def _vllm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.pivot_envs.policies.vllm import import_vllm

    return import_vllm()


def _openai_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.pivot_envs.policies.openai_compat import OpenAIPolicy

    return OpenAIPolicy("http://127.0.0.1:9/v1", "m")


def _hf_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.pivot_envs.policies.hf import HFPolicy

    return HFPolicy("unused")


def _train(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    pytest.importorskip("torch")  # cli_train's config module imports it (GRPOConfig)
    from pivotrl.cli_train import _build_trainer

    return _build_trainer(Path("unused"), [], None, None, "unused", False, None, None)


def _toy_lm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.experiment.toy_lm import build_toy_lm

    return build_toy_lm(tmp_path / "toy", ["some text"])


def _tiny_judge_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.testing.judge_server import build_tiny_model

    return build_tiny_model(tmp_path / "tiny")


def _triton_kernels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    torch = pytest.importorskip("torch")
    from pivotrl.trainer_plugin import kernels

    monkeypatch.setattr(kernels, "_triton_interpreted", lambda: True)  # get past the CUDA check on CPU
    return kernels.rows_backend(torch.device("cpu"), "triton")


def _profile_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from pivotrl.cli import main

    profiled = tmp_path / "profiled.jsonl"
    profiled.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(profiled), "--html", str(tmp_path / "r.html")])
    assert result.exit_code != 0
    raise PivotRLError(result.output)


# (blocked module, the code path, extra named, error class callers catch); torch, not transformers, is
# blocked where both are needed, so the test imports neither (training imports torch anyway)
CASES: list[tuple[str, Callable[[Path, pytest.MonkeyPatch], Any], str, type[Exception]]] = [
    ("docker", _docker, "docker", SandboxError),
    ("pyseccomp", _seccomp, "bwrap", SandboxError),
    ("openai", _openai_client, "judge", EndpointError),
    ("openai", _llm_judge, "judge", VerifierError),
    ("jinja2", _jinja_template, "judge", VerifierError),
    ("ray", _ray, "ray", PivotRLError),
    ("vllm", _vllm, "vllm", PivotRLError),
    ("openai", _openai_policy, "judge", PivotRLError),
    ("torch", _hf_policy, "trl", PivotRLError),
    ("transformers", _train, "trl", PivotRLError),
    ("torch", _toy_lm, "judge-test", PivotRLError),
    ("torch", _tiny_judge_model, "judge-test", VerifierError),
    ("triton", _triton_kernels, "triton", PivotRLError),
    ("matplotlib", _profile_report, "report", PivotRLError),
]


@pytest.mark.parametrize(("module", "path", "extra", "error"), CASES,
                         ids=[f"{m}-{p.__name__.lstrip('_')}" for m, p, _, _ in CASES])
def test_a_missing_package_names_its_extra(module: str, path: Callable[[Path, pytest.MonkeyPatch], Any], extra: str,
                                           error: type[Exception], tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    with pytest.raises(error) as caught:
        path(tmp_path, monkeypatch)
    assert f"needs the {module} package: pip install 'pivotrl[{extra}]'" in str(caught.value)


def test_a_broken_install_says_what_failed_to_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "half_installed_pkg.py").write_text("import a_dependency_that_is_gone\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(SandboxError) as caught:
        require("half_installed_pkg", "docker", "the thing", error=SandboxError)
    message = str(caught.value)
    assert message.startswith("the thing needs the half_installed_pkg package: pip install 'pivotrl[docker]'")
    assert "a_dependency_that_is_gone" in message


def test_an_installed_package_is_returned() -> None:
    assert require("json", "dev", "a test") is sys.modules["json"]
