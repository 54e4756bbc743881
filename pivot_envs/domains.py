"""Per-domain defaults: the verifier a domain's pivots are scored by and its shipped data."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any


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
