"""Per-domain defaults (the verifier a domain's pivots are scored by, its data file) and
``verifier_for``: the one place that says which verifier scores a pivot.

The domains themselves are registered in ``pivotrl.domain_registry`` (re-exported here), so
that ``import pivotrl`` can register their env ids without importing this package.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pivotrl.domain_registry import (
    DOMAINS,
    DomainSpec,
    get_domain,
    list_domains,
    register_domain,
    unregister_domain,
)
from pivotrl.verifiers.spec import VerifierSpec

if TYPE_CHECKING:
    from pivotrl.pivot_envs.records import Pivot


__all__ = ["DOMAINS", "TERMINUS_VERIFIER", "DomainSpec", "data_file", "data_path", "default_verifier", "get_domain",
           "list_domains", "register_domain", "terminus_harness", "unregister_domain", "verifier_for"]


def data_path(relative: str) -> Path:
    """Path of a file shipped in pivot_envs/data."""
    return Path(str(resources.files("pivotrl.pivot_envs").joinpath("data", relative)))


def data_file(domain: str) -> Path:
    """The trajectory file of a registered domain: its ``data``, read relative to the shipped
    data unless it is absolute (a domain registered by a user or a test)."""
    data = Path(get_domain(domain).data)
    return data if data.is_absolute() else data_path(str(data))


TERMINUS_VERIFIER: dict[str, Any] = {"name": "terminus", "params": {}}


def terminus_harness(reference: Any, hint: Any = None) -> str | None:
    """terminus_1 / terminus_2 when ``reference`` (an assistant message or its text) is a
    Terminus-harness answer (a JSON document of keystroke commands), else None."""
    from pivotrl.verifiers.terminus_doc import SCHEMAS, TerminusAnswer, parse_answer

    content = reference.get("content") if isinstance(reference, dict) and not reference.get("tool_calls") else reference
    if not isinstance(content, str) or "commands" not in content:
        return None
    parsed = parse_answer(content.strip(), hint if hint in SCHEMAS else None)
    return parsed.harness if isinstance(parsed, TerminusAnswer) else None


def default_verifier(domain: str, reference: Any = None) -> dict[str, Any]:
    """The domain's verifier; a Terminus-harness answer (``reference``) is compared by
    ``terminus`` in any domain, never as "any text reply"."""
    if reference is not None and terminus_harness(reference):
        return dict(TERMINUS_VERIFIER)
    return dict(get_domain(domain).verifier) if domain in DOMAINS else {"name": "tool_schema", "params": {}}


def verifier_for(pivot: Pivot, override: Any = None, parser: str | None = None) -> VerifierSpec:
    """The verifier ``pivot`` is scored by: ``override`` (a name, a spec or a built verifier),
    else the one it records (the one it was profiled with), else its domain's default, where a
    Terminus-harness reference picks ``terminus``. ``parser`` (the policy's tool-call format)
    becomes one of its parameters. Extraction, profiling, validation, the envs, evaluation and
    the trainer's scorer all ask here, so none of them can pick another verifier."""
    chosen = override if override is not None else (pivot.verifier or default_verifier(pivot.domain, pivot.reference))
    return VerifierSpec.from_any(chosen).with_parser(parser)
