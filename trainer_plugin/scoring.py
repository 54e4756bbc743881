"""Score sampled actions at their pivots with each pivot's own verifier.

Shared by the TRL and verl adapters and by ``PivotGRPOTrainer``: pivots are looked up by id,
verifiers are built once per spec (the pivot's recorded ``verifier``, else its domain's
default), and a mixed batch is split per verifier so every verifier's batch path runs once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pivotrl.errors import DataError, VerifierError
from pivotrl.pivot_envs.domains import verifier_for
from pivotrl.pivot_envs.io import load_pivots
from pivotrl.pivot_envs.records import Pivot
from pivotrl.verifiers import Verdict, Verifier, get_verifier
from pivotrl.verifiers.spec import VerifierPool, is_spec_like, warn_if_other_verifier

logger = logging.getLogger(__name__)

PivotSource = str | os.PathLike[str] | Iterable[Pivot | Mapping[str, Any]]
#: Verifiers that wait on a server or a sandbox: worth running off the caller's thread.
IO_BOUND_VERIFIERS = frozenset({"llm_judge", "shell_exec"})


def as_pivots(source: PivotSource) -> list[Pivot]:
    """Pivots from a path (JSONL, JSON, Parquet), a list of records or of ``Pivot`` objects."""
    if isinstance(source, (str, os.PathLike)):
        return load_pivots(source)
    out = []
    for i, item in enumerate(source):
        if isinstance(item, Pivot):
            out.append(item)
        elif isinstance(item, Mapping):
            try:
                out.append(Pivot.from_dict(item))
            except DataError as exc:
                raise exc.located(path="<pivots>", line=i + 1) from None
        else:
            raise DataError(f"expected a Pivot or a pivot record, found {type(item).__name__}", line=i + 1)
    return out


def verifier_spec(pivot: Pivot) -> dict[str, Any]:
    """The verifier a pivot is scored by (``verifier_for``: the one it was profiled with, else
    its domain's), as dataset rows record it."""
    return verifier_for(pivot).to_dict()


def action_of(completion: Any) -> Any:
    """What a verifier parses from a trainer's completion: the text of a standard completion,
    or the first assistant message of a conversational one (a list of messages)."""
    if isinstance(completion, list):
        for message in completion:
            if isinstance(message, Mapping) and message.get("role") == "assistant":
                return dict(message)
        return completion[0] if completion else ""
    return completion


class PivotScorer:
    """Looks pivots up by id and scores actions with their verifiers.

    ``verifier`` overrides every pivot's own (a name, a spec dict, a function or an instance);
    a warning says so when it differs from what the pivots record, because the verifier used
    online must be the one used for profiling. All verifiers are built here, at construction,
    so a missing dependency fails before training starts.
    """

    def __init__(self, pivots: PivotSource, verifier: Any = None) -> None:
        self.pivots: dict[str, Pivot] = {}
        for pivot in as_pivots(pivots):
            if pivot.id in self.pivots and self.pivots[pivot.id] != pivot:
                raise DataError(f"two different pivots share the id {pivot.id!r}; ids must be unique",
                                field="id")
            self.pivots[pivot.id] = pivot
        if not self.pivots:
            raise DataError("no pivots to score: pass at least one pivot")
        self._pool = VerifierPool()  # the same per-spec cache profiling uses
        self._override: Verifier | None = None  # a built verifier, function or class: it scores every pivot
        self._choice = verifier if is_spec_like(verifier) else None  # a name or spec: verifier_for's override
        if verifier is not None and not is_spec_like(verifier):
            self._override = get_verifier(verifier)
        # every pivot's own verifier, built here: a missing dependency fails before training starts
        self._by_pivot: dict[str, Verifier] = {}
        if self._override is None:
            for pivot in self.pivots.values():
                self._by_pivot[pivot.id] = self._pool.get(verifier_for(pivot, self._choice))
        if verifier is not None:
            warn_if_other_verifier(self._override if self._override is not None else verifier,
                                   self.pivots.values())

    def pivot(self, pivot_id: Any) -> Pivot:
        try:
            return self.pivots[str(pivot_id)]
        except KeyError:
            sample = ", ".join(sorted(self.pivots)[:3])
            raise DataError(f"unknown pivot_id {pivot_id!r}: not among the {len(self.pivots)} pivots given "
                            f"(e.g. {sample}); pass the pivot file the dataset was built from",
                            field="pivot_id") from None

    def verifier_for(self, pivot: Pivot) -> Verifier:
        """The verifier ``pivot`` is scored by (built at construction for the pivots given)."""
        if self._override is not None:
            return self._override
        built = self._by_pivot.get(pivot.id)
        if built is None or self.pivots.get(pivot.id) is not pivot:  # a pivot not among those given
            return self._pool.get(verifier_for(pivot, self._choice))
        return built

    @property
    def verifiers(self) -> list[Verifier]:
        return [self._override] if self._override is not None else self._pool.built()

    @property
    def io_bound(self) -> bool:
        """Whether some verifier waits on a server or a sandbox (then async callers offload it)."""
        return any(getattr(v, "name", "") in IO_BOUND_VERIFIERS or hasattr(v, "averify_batch")
                   for v in self.verifiers)

    def score(self, actions: Sequence[Any], pivots: Sequence[Pivot]) -> list[Verdict]:
        """One verdict per action, in order; each verifier's batch path runs once per call.
        A broken verifier raises (VerifierError): it is never read as reward 0."""
        if len(actions) != len(pivots):
            raise ValueError(f"score got {len(actions)} actions but {len(pivots)} pivots")
        groups: dict[int, tuple[Verifier, list[int]]] = {}
        for i, pivot in enumerate(pivots):
            verifier = self.verifier_for(pivot)
            groups.setdefault(id(verifier), (verifier, []))[1].append(i)
        verdicts: list[Verdict | None] = [None] * len(actions)
        for verifier, idx in groups.values():
            results = verifier.verify_batch([actions[i] for i in idx], [pivots[i] for i in idx])
            if len(results) != len(idx):
                raise VerifierError(f"verifier {getattr(verifier, 'name', verifier)!r} returned {len(results)} "
                                    f"verdicts for {len(idx)} actions")
            for i, verdict in zip(idx, results, strict=True):
                try:
                    verdicts[i] = Verdict.coerce(verdict, source=f"verifier {getattr(verifier, 'name', '?')!r}")
                except TypeError as exc:
                    raise VerifierError(str(exc)) from None
        return verdicts  # type: ignore[return-value]

    def score_ids(self, actions: Sequence[Any], pivot_ids: Sequence[Any]) -> list[Verdict]:
        return self.score(actions, [self.pivot(pid) for pid in pivot_ids])
