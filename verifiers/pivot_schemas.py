"""The schemas one pivot's calls are checked against: every tool's parameters made strict once
(``schema_dialects``), then, for the tools the reference calls, widened where that reference breaks
them (``schema_relax``: the gold invariant). The pivot is the unit: two pivots that share a schema
but not a reference are widened differently. Also what ``pivotrl validate`` reports about them.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pivotrl.verifiers.action import ToolCall
from pivotrl.verifiers.schema_dialects import StrictSchema, strict_schema
from pivotrl.verifiers.schema_relax import FittedSchema, fit_to_reference

logger = logging.getLogger(__name__)

FindingKind = Literal["relaxed", "repaired", "undeclared_tool"]
Canonicalize = Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Finding:
    """Something wrong with a tool's schema, seen from one pivot: a constraint its reference breaks
    (``relaxed``), a part that is not valid JSON Schema (``repaired``), a tool the reference calls
    that the pivot does not declare (``undeclared_tool``)."""

    tool: str
    kind: FindingKind
    constraint: str  # the JSON Schema keyword, or "schema" / "tool"
    location: str    # place in the parameters schema; "" for the top level
    detail: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Pivots are counted per (tool, kind, constraint, location)."""
        return self.tool, self.kind, self.constraint, self.location


@dataclass(frozen=True)
class PivotSchemas:
    """Per tool name, the schema a call is canonicalised and validated against at this pivot."""

    fitted: Mapping[str, FittedSchema]
    strict: Mapping[str, StrictSchema]
    undeclared: frozenset[str]  # called by the reference, absent from the pivot's tools: compared as given
    has_tools: bool

    def for_tool(self, name: str) -> FittedSchema | None:
        """None for an unknown tool; a schema-less FittedSchema for one the reference calls undeclared."""
        if name in self.fitted:
            return self.fitted[name]
        if name in self.strict:
            return FittedSchema(self.strict[name].schema, True, ())
        if name in self.undeclared:
            return FittedSchema({}, False, ())
        return None

    def findings(self) -> list[Finding]:
        out = [Finding(tool, "repaired", "schema", note.location, note.message)
               for tool, strict in sorted(self.strict.items()) for note in strict.notes]
        out += [Finding(r.tool, "relaxed", r.keyword, r.location, r.detail)
                for _, fitted in sorted(self.fitted.items()) for r in fitted.relaxations]
        out += [Finding(tool, "undeclared_tool", "tool", "", "the reference calls a tool the pivot does not declare; "
                        "its arguments are compared as given") for tool in sorted(self.undeclared)]
        return out


class FitCache:
    """Widened schemas by content (tool, schema, reference arguments), shared by a verifier's pivots."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._data: OrderedDict[str, FittedSchema] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str, compute: Callable[[], FittedSchema]) -> FittedSchema:
        with self._lock:
            hit = self._data.get(key)
            if hit is not None:
                self._data.move_to_end(key)
                return hit
        value = compute()
        with self._lock:
            self._data[key] = value
            if len(self._data) > self._size:
                self._data.popitem(last=False)
        return value


def build_pivot_schemas(tools: Mapping[str, Mapping[str, Any]], reference_calls: Sequence[ToolCall],
                        canonicalize: Canonicalize, relax: bool, cache: FitCache) -> PivotSchemas:
    strict = {name: strict_schema(spec.get("parameters")) for name, spec in tools.items()}
    for name, schema in strict.items():
        if schema.notes:
            logger.debug("tool %r: schema repaired: %s", name, "; ".join(map(str, schema.notes)))
    by_tool: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for call in reference_calls:
        by_tool[call.name].append(dict(call.arguments))
    fitted: dict[str, FittedSchema] = {}
    undeclared: set[str] = set()
    if relax:
        for name, references in by_tool.items():
            if name not in strict:
                undeclared.add(name)
                continue
            key = json.dumps([name, strict[name].schema, references], sort_keys=True, default=str)
            fitted[name] = cache.get(key, functools.partial(fit_to_reference, name, strict[name].schema, references,
                                                            canonicalize))
    return PivotSchemas(fitted, strict, frozenset(undeclared) if tools else frozenset(), bool(tools))
