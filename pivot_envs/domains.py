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


def default_verifier(domain: str) -> dict[str, Any]:
    spec = DOMAINS.get(domain)
    return dict(spec.verifier) if spec else {"name": "tool_schema", "params": {}}
