"""``PivotEnv``: one pivot state per episode, one action, a verified reward.

``reset`` picks a pivot (a seeded shuffle, or ``options={"pivot_id": ...}``) and returns
``{"messages", "tools"}``; ``step`` parses and verifies the action and always terminates.
A bad action scores 0 with the reason in ``info["verdict"]``; a broken verifier raises.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Sequence
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from pivotrl.errors import DataError, PivotRLError, VerifierError
from pivotrl.pivot_envs.domains import get_domain, verifier_for
from pivotrl.pivot_envs.io import load_pivots
from pivotrl.pivot_envs.records import Pivot
from pivotrl.pivot_envs.render import render_ansi
from pivotrl.pivot_envs.shipped import shipped_pivots
from pivotrl.pivot_envs.spaces import AgentAction, JSONList, encode_json
from pivotrl.verifiers import Verifier, get_verifier
from pivotrl.verifiers.base import BaseVerifier
from pivotrl.verifiers.spec import VerifierPool, VerifierSpec, is_spec_like, warn_if_other_verifier

logger = logging.getLogger(__name__)


class PivotEnv(gym.Env[dict[str, Any], Any]):
    """A single-turn environment over a set of pivots.

    Each pivot is scored by its own verifier: the one it records (the one it was profiled
    with), else its domain's default (``verifier_for``); pivots that share a spec share one
    built verifier. ``verifier`` overrides them all; ``parser`` the tool-call format actions
    are read in (``auto``, the default, detects it; see ``pivotrl.verifiers.parsers``). When
    either makes the verifier differ from the recorded one, a warning says so, because the
    verifier used online must be the one used for profiling. ``render_mode="ansi"`` makes
    ``render()`` return the pivot and the last verdict as text.

    Pivots are served in a shuffled order drawn from the env's RNG: ``reset(seed=...)`` makes it
    reproducible, and unseeded envs (the sub-envs of a vector env) each draw their own.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi"], "render_fps": 1}

    def __init__(self, pivots: Sequence[Pivot], verifier: Any = None, domain: str | None = None,
                 parser: str | None = None, render_mode: str | None = None) -> None:
        if not pivots:
            raise DataError("a PivotEnv needs at least one pivot")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise PivotRLError(f"render_mode must be one of {self.metadata['render_modes']} or None, got "
                               f"{render_mode!r}")
        self.render_mode = render_mode
        self.pivots = list(pivots)
        self._index = {p.id: i for i, p in enumerate(self.pivots)}
        if len(self._index) != len(self.pivots):  # reset(pivot_id=...) would silently serve the last one
            first = next(i for i, p in enumerate(self.pivots) if self._index[p.id] != i)
            again = self._index[self.pivots[first].id]
            raise DataError(f"pivot id {self.pivots[first].id!r} appears twice (pivots {first + 1} and {again + 1} "
                            "of the list); ids must be unique", field="id")
        self.domain = domain or self.pivots[0].domain
        self._verifiers = VerifierPool()
        self._override: Verifier | None = None  # a built verifier, function or class: it scores every pivot
        if verifier is not None and not is_spec_like(verifier):
            self._override = _with_parser(get_verifier(verifier), parser)
        # every pivot's own verifier, built now: a missing sandbox or judge fails here, not at a step
        self._specs: dict[str, VerifierSpec] = {}
        self._by_pivot: dict[str, Verifier] = {}
        if self._override is None:
            for p in self.pivots:
                self._specs[p.id] = verifier_for(p, verifier, parser)
                self._by_pivot[p.id] = self._verifiers.get(self._specs[p.id])
        if verifier is not None or parser is not None:
            self._warn_if_other_verifier()
        self.observation_space = spaces.Dict({  # sized for shared memory (AsyncVectorEnv)
            "messages": JSONList("role", max_bytes=max(len(encode_json(p.messages)) for p in self.pivots)),
            "tools": JSONList("type", max_bytes=max(len(encode_json(p.tools)) for p in self.pivots)),
        })
        self.action_space = AgentAction()
        self._order: np.ndarray = np.arange(len(self.pivots))
        self._shuffled = False
        self._cursor = 0
        self._current: Pivot | None = None
        self._last: tuple[Any, Any] | None = None  # (action, verdict) of the last step

    @property
    def pivot(self) -> Pivot:
        """The current pivot (``reference`` included); set by ``reset``."""
        if self._current is None:
            raise PivotRLError("call reset() before reading the pivot")
        return self._current

    @property
    def verifier(self) -> Verifier:
        """The current pivot's verifier (before ``reset``: the first pivot's)."""
        return self.verifier_of(self._current if self._current is not None else self.pivots[0])

    def verifier_of(self, pivot: Pivot) -> Verifier:
        """The verifier ``pivot`` is scored by: its own (``verifier_for``), or the override."""
        if self._override is not None:
            return self._override
        return self._by_pivot[pivot.id]

    def _warn_if_other_verifier(self) -> None:
        """The configured verifier (or parser) vs the one each pivot was made with."""
        if self._override is not None:
            warn_if_other_verifier(self._override, self.pivots)
            return
        groups: dict[str, list[Pivot]] = {}
        for pivot in self.pivots:
            groups.setdefault(self._specs[pivot.id].key(), []).append(pivot)
        for members in groups.values():
            warn_if_other_verifier(self._specs[members[0].id], members)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        super().reset(seed=seed)
        if seed is not None or not self._shuffled:
            self._order = self.np_random.permutation(len(self.pivots))
            self._cursor = 0
            self._shuffled = True
        self._last = None
        pivot_id = (options or {}).get("pivot_id")
        if pivot_id is not None:
            if pivot_id not in self._index:
                raise KeyError(f"unknown pivot_id {pivot_id!r} ({len(self.pivots)} pivots loaded)")
            self._current = self.pivots[self._index[pivot_id]]
        else:
            self._current = self.pivots[int(self._order[self._cursor % len(self.pivots)])]
            self._cursor += 1
        return self._observation(), self._info()

    def step(self, action: Any) -> tuple[dict[str, Any], float, bool, bool, dict[str, Any]]:
        pivot = self.pivot
        verdict = self.verifier_of(pivot).verify(action, pivot)
        self._last = (action, verdict)
        info = {**self._info(), "verdict": verdict}
        return self._observation(), float(verdict.score), True, False, info

    def close(self) -> None:
        """Release what the verifiers hold (shell_exec: its share of the warm sandboxes)."""
        self._verifiers.close()
        close = getattr(self._override, "close", None)
        if callable(close):
            close()
        super().close()

    def render(self) -> str | None:  # type: ignore[override]
        """``render_mode="ansi"``: the pivot and, after a step, the action and its verdict."""
        if self.render_mode != "ansi" or self._current is None:
            return None
        action, verdict = self._last if self._last is not None else (None, None)
        return render_ansi(self._current, getattr(self.verifier, "name", "?"), action, verdict)

    def _observation(self) -> dict[str, Any]:
        # Copies: RL loops append the model's turn to obs["messages"]; the pivot must not change.
        return {"messages": copy.deepcopy(self.pivot.messages), "tools": copy.deepcopy(self.pivot.tools)}

    def _info(self) -> dict[str, Any]:
        source = dict(self.pivot.source) if self.pivot.source else None
        return {"pivot_id": self.pivot.id, "domain": self.pivot.domain, "source": source}


def _with_parser(verifier: Verifier, parser: str | None) -> Verifier:
    if parser is None:
        return verifier
    if not isinstance(verifier, BaseVerifier):
        raise VerifierError(f"verifier {getattr(verifier, 'name', verifier)!r} does not use pivotrl's parsers, "
                            "so parser= cannot apply")
    return verifier.with_parser(parser)


def make_env(domain: str, pivots: str | os.PathLike[str] | Sequence[Pivot | dict[str, Any]] | None = None,
             verifier: Any = None, parser: str | None = None, render_mode: str | None = None) -> PivotEnv:
    """The one factory behind every ``pivot/*`` id (Gymnasium passes ``domain`` from the id's
    ``kwargs``): ``pivots`` is a file, a list of records, or None for the domain's shipped ones."""
    get_domain(domain)  # an unknown domain fails here, listing the registered ones
    if pivots is None:
        loaded = shipped_pivots(domain)
    elif isinstance(pivots, (str, os.PathLike)):
        loaded = load_pivots(pivots, domain=domain)
    else:
        loaded = [p if isinstance(p, Pivot) else Pivot.from_dict(p, default_domain=domain) for p in pivots]
    return PivotEnv(loaded, verifier=verifier, domain=domain, parser=parser, render_mode=render_mode)


def make_tool_env(pivots: Any = None, verifier: Any = None, parser: str | None = None,
                  render_mode: str | None = None) -> PivotEnv:
    """``pivot/tool-v0``: conversational tool use, scored by ``tool_schema``."""
    return make_env("tool", pivots, verifier, parser, render_mode)


def make_browse_env(pivots: Any = None, verifier: Any = None, parser: str | None = None,
                    render_mode: str | None = None) -> PivotEnv:
    """``pivot/browse-v0``: search and open pages, scored by ``search_overlap``."""
    return make_env("browse", pivots, verifier, parser, render_mode)


def make_terminal_env(pivots: Any = None, verifier: Any = None, parser: str | None = None,
                      render_mode: str | None = None) -> PivotEnv:
    """``pivot/terminal-v0``: bash tasks, scored by ``shell_exec`` in a sandbox."""
    return make_env("terminal", pivots, verifier, parser, render_mode)


def make_swe_env(pivots: Any = None, verifier: Any = None, parser: str | None = None,
                 render_mode: str | None = None) -> PivotEnv:
    """``pivot/swe-v0``: repository edits and tests, scored by ``shell_exec`` in a sandbox."""
    return make_env("swe", pivots, verifier, parser, render_mode)
