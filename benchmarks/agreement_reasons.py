"""Why a verifier disagrees with the labels, grouped so a user can see it on their own data: each
false reject (and false accept) gets a reason group, the verdict's ``failure_kind`` where the
verifier gives one (``value_differs:free_text``, ``schema:enum``), else its reason with the
quoted values and numbers masked, so that "expected 'Paris', got 'Rome'" and "expected 'Oslo',
got 'Bergen'" fall in one group. Accepts are grouped by the normalisations they relied on."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pivotrl.verifiers import Verdict

_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])", re.I)


def reason_shape(reason: str, limit: int = 90) -> str:
    """A reason with its values masked: the shape shared by every instance of one cause."""
    shape = _NUMBER.sub("N", _QUOTED.sub("…", reason))
    shape = " ".join(shape.split())
    return shape if len(shape) <= limit else shape[: limit - 1] + "…"


def reason_group(verdict: Verdict) -> str:
    details = verdict.details if isinstance(verdict.details, dict) else {}
    if verdict.equivalent:
        notes = list(details.get("normalised") or []) + (["schema relaxed"] if details.get("schema_relaxed") else [])
        return "accepted" + (f" ({', '.join(notes)})" if notes else "") + ": " + reason_shape(verdict.reason)
    kind = details.get("failure_kind")
    return str(kind) if kind else reason_shape(verdict.reason)


def tally(indices: Sequence[int], verdicts: Sequence[Verdict], pairs: Sequence[Any], examples: int = 1
          ) -> list[dict[str, Any]]:
    """Reason groups of the given disagreements, most frequent first, each with an example."""
    groups = Counter(reason_group(verdicts[i]) for i in indices)
    first: dict[str, list[dict[str, Any]]] = {}
    for i in indices:
        group = first.setdefault(reason_group(verdicts[i]), [])
        if len(group) < examples:
            group.append({"pivot_id": pairs[i].pivot.id, "reason": verdicts[i].reason})
    return [{"reason": g, "count": c, "examples": first[g]} for g, c in groups.most_common()]
