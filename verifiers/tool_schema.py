"""``tool_schema``: two tool-call turns are equivalent when they call the same functions
with arguments that are equal after canonicalisation against each tool's JSON schema.

Parallel calls are paired by an optimal assignment (scipy's Hungarian solver), so the
order of calls never matters and a near-duplicate cannot steal another call's partner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from pivotrl.errors import VerifierError
from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.base import BaseVerifier, PivotLike, reference_action, tool_index
from pivotrl.verifiers.schema_canon import (
    Canonicalizer,
    NumberPolicy,
    StringPolicy,
    first_violation,
    validator_for,
)
from pivotrl.verifiers.verdict import Verdict

ScoreMode = Literal["binary", "fractional", "f1"]
TextMatch = Literal["kind", "exact", "fuzzy"]


@dataclass(frozen=True)
class CallCheck:
    """One candidate call, canonicalised and validated against its tool."""

    call: ToolCall
    canonical: dict[str, Any] | None
    problem: str | None  # unknown tool or schema violation


@dataclass(frozen=True)
class PairResult:
    similarity: float  # for the assignment: share of arguments that agree
    matched: bool
    difference: str


class ToolSchemaVerifier(BaseVerifier):
    """Schema-aware comparison of tool calls.

    Parameters: ``mode`` (binary | fractional | f1) scores parallel calls; string policy
    (``case_sensitive``, ``collapse_whitespace``, ``strip_punctuation``, ``unicode_form``);
    numeric tolerance (``rel_tol``, ``abs_tol``); ``text_match`` says how a text reply is
    compared when the reference is a text reply: ``kind`` (any text reply, as NeMo Gym's
    argument-comparison server does), ``exact`` or ``fuzzy`` (rapidfuzz token-set ratio
    at ``text_threshold``). ``prose_defaults`` fills an omitted optional argument from a
    default its description states ("Default is 7") when the schema has no ``default``.
    """

    name = "tool_schema"

    def __init__(
        self,
        mode: ScoreMode = "binary",
        case_sensitive: bool = True,
        collapse_whitespace: bool = True,
        strip_punctuation: bool = False,
        unicode_form: str | None = "NFC",
        rel_tol: float = 1e-9,
        abs_tol: float = 0.0,
        text_match: TextMatch = "kind",
        text_threshold: float = 85.0,
        prose_defaults: bool = True,
    ) -> None:
        if mode not in ("binary", "fractional", "f1"):
            raise VerifierError(f"tool_schema mode must be binary, fractional or f1, got {mode!r}")
        if text_match not in ("kind", "exact", "fuzzy"):
            raise VerifierError(f"tool_schema text_match must be kind, exact or fuzzy, got {text_match!r}")
        if unicode_form not in (None, "NFC", "NFKC", "NFD", "NFKD"):
            raise VerifierError(f"unicode_form must be NFC, NFKC, NFD, NFKD or None, got {unicode_form!r}")
        self.mode: ScoreMode = mode
        self.text_match: TextMatch = text_match
        self.text_threshold = float(text_threshold)
        self.strings = StringPolicy(case_sensitive, collapse_whitespace, strip_punctuation, unicode_form)
        self.numbers = NumberPolicy(float(rel_tol), float(abs_tol))
        self.prose_defaults = bool(prose_defaults)
        self.canon = Canonicalizer(self.strings, self.numbers, self.prose_defaults)

    def params(self) -> dict[str, Any]:
        defaults = ToolSchemaVerifier.__init__.__defaults__ or ()
        current = (
            self.mode, self.strings.case_sensitive, self.strings.collapse_whitespace,
            self.strings.strip_punctuation, self.strings.unicode_form, self.numbers.rel_tol,
            self.numbers.abs_tol, self.text_match, self.text_threshold, self.prose_defaults,
        )
        names = ("mode", "case_sensitive", "collapse_whitespace", "strip_punctuation", "unicode_form",
                 "rel_tol", "abs_tol", "text_match", "text_threshold", "prose_defaults")
        return {n: v for n, v, d in zip(names, current, defaults) if v != d}

    # -- single calls ---------------------------------------------------------------
    def check_call(self, call: ToolCall, tools: Mapping[str, Mapping[str, Any]]) -> CallCheck:
        if not tools:  # the pivot declares no schemas (e.g. NeMo Gym swe_pivot rows): compare as given
            return CallCheck(call, dict(call.arguments), None)
        spec = tools.get(call.name)
        if spec is None:
            known = ", ".join(sorted(tools)) or "none"
            return CallCheck(call, None, f"call to unknown tool {call.name!r} (tools: {known})")
        parameters = spec.get("parameters") or {"type": "object", "properties": {}}
        canonical = self.canon.arguments(call.arguments, parameters)
        validator = validator_for(parameters)
        if isinstance(validator, str):
            raise VerifierError(f"tool {call.name!r}: {validator}")
        violation = first_violation(validator, canonical)
        if violation:
            return CallCheck(call, canonical, f"{call.name}: arguments violate the schema: {violation}")
        return CallCheck(call, canonical, None)

    def compare_pair(self, ref: CallCheck, cand: CallCheck, pivot: PivotLike) -> PairResult:
        """Hook for subclasses that know better for some tools (e.g. search queries)."""
        if ref.call.name != cand.call.name:
            return PairResult(0.0, False, f"called {cand.call.name!r} where the reference calls {ref.call.name!r}")
        if cand.problem or cand.canonical is None or ref.canonical is None:
            return PairResult(0.0, False, cand.problem or ref.problem or "uncomparable")
        keys = sorted(set(ref.canonical) | set(cand.canonical))
        differing = [k for k in keys if not (k in ref.canonical and k in cand.canonical
                                            and self.canon.equal(ref.canonical[k], cand.canonical[k]))]
        if not differing:
            return PairResult(1.0, True, "")
        first = differing[0]
        difference = (
            f"{cand.call.name}.{first}: expected {_short(ref.canonical.get(first, '<absent>'))}, "
            f"got {_short(cand.canonical.get(first, '<absent>'))}"
        )
        similarity = 0.01 + 0.98 * (1 - len(differing) / max(len(keys), 1))  # same name beats other names
        return PairResult(similarity, False, difference)

    # -- whole turns ----------------------------------------------------------------
    def _text_verdict(self, action: Action, reference: Action) -> Verdict:
        if action.kind != "text":
            return Verdict.reject(
                "the reference replies in text; the action calls tools",
                expected=reference.describe(), got=action.describe(),
            )
        if self.text_match == "kind":
            return Verdict.accept("both reply in text (text_match='kind' compares the kind of turn only)")
        ref_text, cand_text = self.strings.apply(reference.text), self.strings.apply(action.text)
        if self.text_match == "exact":
            if ref_text == cand_text:
                return Verdict.accept("same text reply")
            return Verdict.reject("text reply differs", expected=reference.describe(), got=action.describe())
        similarity = fuzz.token_set_ratio(ref_text, cand_text)
        if similarity >= self.text_threshold:
            return Verdict.accept(f"text reply similar ({similarity:.0f} >= {self.text_threshold:g})", similarity=similarity)
        return Verdict.reject(f"text reply too different ({similarity:.0f} < {self.text_threshold:g})",
                              similarity=similarity, expected=reference.describe(), got=action.describe())

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        reference = reference_action(pivot)
        if reference.kind == "invalid":
            raise VerifierError(f"pivot {pivot.id!r}: its reference action cannot be parsed: {reference.error}")
        if reference.kind == "text":
            return self._text_verdict(action, reference)
        if action.kind != "tool_calls":
            return Verdict.reject(
                "the reference calls tools; the action replies in text",
                expected=reference.describe(), got=action.describe(),
            )
        tools = tool_index(pivot)
        ref_checks = [self.check_call(c, tools) for c in reference.tool_calls]
        cand_checks = [self.check_call(c, tools) for c in action.tool_calls]
        return self._score_turn(ref_checks, cand_checks, pivot)

    def _score_turn(self, refs: list[CallCheck], cands: list[CallCheck], pivot: PivotLike) -> Verdict:
        n_ref, n_cand = len(refs), len(cands)
        sim = np.zeros((n_ref, n_cand))
        pairs: dict[tuple[int, int], PairResult] = {}
        for i, ref in enumerate(refs):
            for j, cand in enumerate(cands):
                result = self.compare_pair(ref, cand, pivot)
                pairs[i, j] = result
                sim[i, j] = result.similarity
        rows, cols = linear_sum_assignment(sim, maximize=True) if sim.size else ((), ())
        matched = [(i, j) for i, j in zip(rows, cols) if pairs[i, j].matched]
        unmatched_refs = [i for i in range(n_ref) if i not in {m[0] for m in matched}]
        extra = [j for j in range(n_cand) if j not in set(cols)]
        m = len(matched)
        if self.mode == "binary":
            score = float(m == n_ref == n_cand)
        elif self.mode == "fractional":
            score = m / max(n_ref, n_cand, 1)
        else:
            score = 2 * m / (n_ref + n_cand) if n_ref + n_cand else 1.0
        equivalent = m == n_ref == n_cand
        details: dict[str, Any] = {
            "matched": m, "reference_calls": n_ref, "action_calls": n_cand, "mode": self.mode,
        }
        problems = [c.problem for c in cands if c.problem]
        if problems:
            details["problems"] = problems
        if equivalent:
            what = "call" if n_ref == 1 else f"{n_ref} calls"
            return Verdict(score, True, f"same {what} after schema canonicalisation", details)
        assigned = dict(zip(rows, cols))
        for i in unmatched_refs:
            if i in assigned:
                reason = pairs[i, assigned[i]].difference
                break
        else:
            reason = (f"{n_cand - n_ref} extra call(s): " + ", ".join(cands[j].call.name for j in extra)
                      if extra else f"{n_ref - m} reference call(s) not matched")
        if problems and not any(p in reason for p in problems) and not matched:
            reason = problems[0]
        details["first_difference"] = reason
        return Verdict(score, False, reason, details)

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        # Reference calls are checked once per pivot, not once per sample.
        ref_cache: dict[int, tuple[Action, list[CallCheck]]] = {}
        out: list[Verdict] = []
        for action, pivot in zip(actions, pivots):
            key = id(pivot)
            if key not in ref_cache:
                reference = reference_action(pivot)
                tools = tool_index(pivot)
                checks = [self.check_call(c, tools) for c in reference.tool_calls] if reference.kind == "tool_calls" else []
                ref_cache[key] = (reference, checks)
            reference, ref_checks = ref_cache[key]
            if reference.kind != "tool_calls" or action.kind != "tool_calls":
                out.append(self._verify(action, pivot))
                continue
            tools = tool_index(pivot)
            out.append(self._score_turn(ref_checks, [self.check_call(c, tools) for c in action.tool_calls], pivot))
        return out


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
