"""Per-domain defaults (the verifier a domain's pivots are scored by, its shipped data) and
``verifier_for``: the one place that says which verifier scores a pivot."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pivotrl.verifiers.spec import VerifierSpec

if TYPE_CHECKING:
    from pivotrl.pivot_envs.records import Pivot


@dataclass(frozen=True)
class DomainSpec:
    name: str
    verifier: dict[str, Any]
    data: str  # shipped trajectories, relative to pivot_envs/data
    description: str
    parser: dict[str, Any] = field(default_factory=dict)


DOMAINS: dict[str, DomainSpec] = {
    "tool": DomainSpec(
        "tool", {"name": "tool_schema", "params": {}}, "tool/trajectories.jsonl",
        "conversational tool use (customer service, calendars, orders) with JSON-schema tools",
    ),
    "browse": DomainSpec(
        "browse", {"name": "search_overlap", "params": {}}, "browse/trajectories.jsonl",
        "search and open pages over a shipped local corpus (BM25)",
    ),
    "terminal": DomainSpec(
        "terminal", {"name": "shell_exec", "params": {}}, "terminal/trajectories.jsonl",
        "bash tasks over files, logs, CSVs, archives and small scripts, executed in a sandbox",
    ),
    "swe": DomainSpec(
        "swe", {"name": "shell_exec", "params": {}}, "swe/trajectories.jsonl",
        "small Python repositories: inspect, edit (str_replace_editor) and test, executed in a sandbox",
    ),
}


def data_path(relative: str) -> Path:
    """Path of a file shipped in pivot_envs/data."""
    return Path(str(resources.files("pivotrl.pivot_envs").joinpath("data", relative)))


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
    spec = DOMAINS.get(domain)
    return dict(spec.verifier) if spec else {"name": "tool_schema", "params": {}}


def verifier_for(pivot: Pivot, override: Any = None, parser: str | None = None) -> VerifierSpec:
    """The verifier ``pivot`` is scored by: ``override`` (a name, a spec or a built verifier),
    else the one it records (the one it was profiled with), else its domain's default, where a
    Terminus-harness reference picks ``terminus``. ``parser`` (the policy's tool-call format)
    becomes one of its parameters. Extraction, profiling, validation, the envs, evaluation and
    the trainer's scorer all ask here, so none of them can pick another verifier."""
    chosen = override if override is not None else (pivot.verifier or default_verifier(pivot.domain, pivot.reference))
    return VerifierSpec.from_any(chosen).with_parser(parser)
