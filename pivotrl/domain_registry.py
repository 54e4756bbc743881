"""The domain registry: what each task domain (``tool``, ``browse``, ...) is, as data.

A :class:`DomainSpec` carries everything keyed by a domain name: its default verifier, its
shipped data, its Gymnasium id, the hint the LLM judge is given, verl's ``ability``, the search
engine ``search_overlap`` falls back to and the NeMo Gym agent names that imply it. It lives in
the base package (beside ``pivotrl.registry``) so that ``import pivotrl`` registers the env ids
without importing ``pivot_envs``, and so ``verifiers`` can read a hint without importing upward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gymnasium.envs.registration import parse_env_id
from gymnasium.envs.registration import register as register_env
from gymnasium.envs.registration import registry as env_registry

from pivotrl.registry import Registry

#: one factory for every domain's env id; the domain travels in the id's ``kwargs``
ENV_ENTRY_POINT = "pivotrl.pivot_envs.envs:make_env"
#: the shipped BM25 engine (entry point ``pivotrl.search_backends: browse``)
DEFAULT_SEARCH_ENGINE = "browse"


@dataclass(frozen=True)
class DomainSpec:
    """One domain. ``data`` is a JSONL file of trajectories: relative to ``pivot_envs/data``
    for the shipped domains, or an absolute path. ``env_id`` defaults to ``pivot/<name>-v0``
    and ``verl_ability`` to the name. ``nemo_agents`` are fragments of a NeMo Gym row's agent
    name or metadata that mark a row of this domain."""

    name: str
    verifier: dict[str, Any]
    data: str
    description: str = ""
    parser: dict[str, Any] = field(default_factory=dict)
    env_id: str = ""
    judge_hint: str = ""
    verl_ability: str = ""
    search_engine: str = DEFAULT_SEARCH_ENGINE
    nemo_agents: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or "/" in self.name:
            raise ValueError(f"a domain name is a non-empty string without '/', got {self.name!r}")
        if not isinstance(self.verifier, dict) or not isinstance(self.verifier.get("name"), str):
            raise ValueError(f"domain {self.name!r}: verifier must be a spec like {{'name': 'exact', 'params': {{}}}}, "
                             f"got {self.verifier!r}")
        if not self.env_id:
            object.__setattr__(self, "env_id", f"pivot/{self.name}-v0")
        parse_env_id(self.env_id)  # Gymnasium's own check of the id's form: [namespace/]name[-vN]
        if not self.verl_ability:
            object.__setattr__(self, "verl_ability", self.name)
        object.__setattr__(self, "nemo_agents", tuple(self.nemo_agents))


DOMAINS: Registry[DomainSpec] = Registry("domain")


def register_domain(spec: DomainSpec, *, override: bool = False) -> DomainSpec:
    """Add ``spec`` to the registry and register its Gymnasium id (the one env factory, with
    ``kwargs={"domain": spec.name}``). A name or env id already taken is an error unless
    ``override=True``."""
    taken = env_registry.get(spec.env_id)
    if taken is not None and not override and taken.kwargs.get("domain") != spec.name:
        raise ValueError(f"env id {spec.env_id!r} is already registered (by {taken.entry_point!r}); "
                         "pick another env_id or pass override=True")
    previous = DOMAINS.get(spec.name) if spec.name in DOMAINS else None
    DOMAINS.register(spec.name, spec, override=override)
    if previous is not None and previous.env_id != spec.env_id:
        _drop_env_id(previous)
    if taken is None or taken.kwargs.get("domain") != spec.name:
        register_env(id=spec.env_id, entry_point=ENV_ENTRY_POINT, kwargs={"domain": spec.name},
                     disable_env_checker=False)
    return spec


def unregister_domain(name: str) -> None:
    """Remove a domain and the env id it registered (plugins reloading, tests cleaning up)."""
    if name not in DOMAINS:
        return
    spec = DOMAINS.get(name)
    DOMAINS.unregister(name)
    _drop_env_id(spec)


def _drop_env_id(spec: DomainSpec) -> None:
    taken = env_registry.get(spec.env_id)
    if taken is not None and taken.entry_point == ENV_ENTRY_POINT and taken.kwargs.get("domain") == spec.name:
        del env_registry[spec.env_id]


def get_domain(name: str) -> DomainSpec:
    """The registered domain ``name``; an unknown name raises ``UnknownNameError`` listing the known."""
    return DOMAINS.get(name)


def list_domains() -> list[str]:
    return DOMAINS.names()


def judge_hint(domain: str | None) -> str:
    """The sentence the LLM judge's default prompt adds for ``domain`` ("" when none)."""
    return DOMAINS.get(domain).judge_hint if domain and domain in DOMAINS else ""


def search_engine(domain: str | None) -> str:
    """The search backend a pivot of ``domain`` without ``env["corpus"]`` is searched with."""
    return DOMAINS.get(domain).search_engine if domain and domain in DOMAINS else DEFAULT_SEARCH_ENGINE


def verl_ability(domain: str) -> str:
    """verl's ``ability`` column for ``domain`` (its name when unregistered)."""
    return DOMAINS.get(domain).verl_ability if domain in DOMAINS else domain


# The shipped domains, one registration line each (their data lies in pivot_envs/data).
register_domain(DomainSpec(
    "tool", {"name": "tool_schema", "params": {}}, "tool/trajectories.jsonl",
    "conversational tool use (customer service, calendars, orders) with JSON-schema tools",
    judge_hint="The actions call tools of a customer-service system or reply to the user.",
    verl_ability="tool_use",
))
register_domain(DomainSpec(
    "browse", {"name": "search_overlap", "params": {}}, "browse/trajectories.jsonl",
    "search and open pages over a shipped local corpus (BM25)",
    judge_hint="The actions search or open web pages, or answer: judge by the information they retrieve or state.",
    verl_ability="search",
))
register_domain(DomainSpec(
    "terminal", {"name": "shell_exec", "params": {}}, "terminal/trajectories.jsonl",
    "bash tasks over files, logs, CSVs, archives and small scripts, executed in a sandbox",
    judge_hint="The actions are shell commands: judge by their effect on the files and the output.",
    verl_ability="shell", nemo_agents=("terminus", "terminal"),
))
register_domain(DomainSpec(
    "swe", {"name": "shell_exec", "params": {}}, "swe/trajectories.jsonl",
    "small Python repositories: inspect, edit (str_replace_editor) and test, executed in a sandbox",
    judge_hint="The actions edit or inspect a code repository: judge by the resulting code and what is learned.",
    verl_ability="software_engineering", nemo_agents=("swe",),
))
