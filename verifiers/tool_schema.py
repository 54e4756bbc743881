"""``tool_schema``: two tool-call turns are equivalent when they call the same functions
with arguments that are equal after canonicalisation against each tool's JSON schema.

Schemas in any dialect are made strict first; where the pivot's reference breaks its schema, the
constraints it breaks are not enforced at that pivot (the gold invariant: the reference always
scores 1). Parallel calls are paired by an optimal assignment (scipy's Hungarian solver), so the
order of calls never matters and a near-duplicate cannot steal another call's partner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, cast

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from pivotrl.errors import VerifierError
from pivotrl.verifiers.action import Action, ToolCall
from pivotrl.verifiers.base import BaseVerifier, PivotLike, _IdentityCache, reference_action, tool_index
from pivotrl.verifiers.call_diff import difference_kind, normalisations
from pivotrl.verifiers.config import VerifierConfig
from pivotrl.verifiers.pivot_schemas import Finding, FitCache, PivotSchemas, build_pivot_schemas
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
    """One call, canonicalised and validated against its tool at a pivot."""

    call: ToolCall
    canonical: dict[str, Any] | None
    problem: str | None  # unknown tool or schema violation
    problem_kind: str = ""  # "unknown_tool", "schema:<keyword>"
    schema: Mapping[str, Any] | None = None  # the (fitted) schema it was canonicalised against


@dataclass(frozen=True)
class PairResult:
    similarity: float  # for the assignment: share of arguments that agree
    matched: bool
    difference: str
    failure_kind: str = ""


@dataclass(frozen=True)
class _PivotState:
    schemas: PivotSchemas
    reference: Action
    reference_checks: list[CallCheck]


@dataclass(frozen=True)
class ToolSchemaConfig(VerifierConfig):
    """The parameters of ``tool_schema`` (see ToolSchemaVerifier)."""

    kind: ClassVar[str] = "tool_schema"
    mode: ScoreMode = "binary"
    case_sensitive: bool = False
    collapse_whitespace: bool = True
    strip_punctuation: bool = False
    unicode_form: str | None = "NFC"
    enum_case_sensitive: bool = True
    format_case_sensitive: bool = True
    identifier_case_sensitive: bool = True
    rel_tol: float = 1e-9
    abs_tol: float = 0.0
    text_match: TextMatch = "kind"
    text_threshold: float = 85.0
    prose_defaults: bool = True
    relax_schema: bool = True

    def __post_init__(self) -> None:
        if self.mode not in ("binary", "fractional", "f1"):
            raise VerifierError(f"tool_schema mode must be binary, fractional or f1, got {self.mode!r}")
        if self.text_match not in ("kind", "exact", "fuzzy"):
            raise VerifierError(f"tool_schema text_match must be kind, exact or fuzzy, got {self.text_match!r}")
        if self.unicode_form not in (None, "NFC", "NFKC", "NFD", "NFKD"):
            raise VerifierError(f"unicode_form must be NFC, NFKC, NFD, NFKD or None, got {self.unicode_form!r}")
        flags = ("case_sensitive", "collapse_whitespace", "strip_punctuation", "enum_case_sensitive",
                 "format_case_sensitive", "identifier_case_sensitive", "prose_defaults", "relax_schema")
        self._set(**{f: bool(getattr(self, f)) for f in flags},
                  **{f: float(getattr(self, f)) for f in ("rel_tol", "abs_tol", "text_threshold")})


class ToolSchemaVerifier(BaseVerifier):
    """Schema-aware comparison of tool calls.

    Parameters: ``mode`` (binary | fractional | f1) scores parallel calls. Strings compare by
    kind: free text ignores case (``case_sensitive=False``) and spacing (``collapse_whitespace``;
    ``strip_punctuation`` drops punctuation too); enums (``enum_case_sensitive``), format/pattern
    strings (``format_case_sensitive``) and identifiers such as paths, ids, codes, URLs
    (``identifier_case_sensitive``) keep their case; ``unicode_form`` normalises all of them.
    Numeric tolerance: ``rel_tol``, ``abs_tol``. ``text_match`` says how a text reply is compared
    when the reference is a text reply: ``kind`` (any text reply, as NeMo Gym's
    argument-comparison server does), ``exact`` or ``fuzzy`` (rapidfuzz token-set ratio at
    ``text_threshold``). ``prose_defaults`` fills an omitted optional argument from a default its
    description states ("Default is 7") when the schema has no ``default``. ``relax_schema``: a
    constraint the pivot's own reference breaks is not enforced at that pivot (the gold invariant;
    ``False`` enforces the schema as written, and such references then score 0).
    """

    name = "tool_schema"
    Config: ClassVar[type[VerifierConfig]] = ToolSchemaConfig
    config: ToolSchemaConfig

    def __init__(self, config: ToolSchemaConfig | None = None, **params: Any) -> None:
        # self.Config, not ToolSchemaConfig: subclasses (search_overlap) extend the config
        c = self.config = cast(ToolSchemaConfig, self.Config.of(config, params))
        self.strings = StringPolicy(c.case_sensitive, c.collapse_whitespace, c.strip_punctuation, c.unicode_form,
                                    c.enum_case_sensitive, c.format_case_sensitive, c.identifier_case_sensitive)
        self.numbers = NumberPolicy(c.rel_tol, c.abs_tol)
        self.canon = Canonicalizer(self.strings, self.numbers, c.prose_defaults)
        self._fits = FitCache()
        self._pivots = _IdentityCache()

    # -- the schemas of a pivot ---------------------------------------------------------
    def _state(self, pivot: PivotLike) -> _PivotState:
        return self._pivots.get_or_set(pivot, lambda: self._build_state(pivot))

    def _build_state(self, pivot: PivotLike) -> _PivotState:
        reference = reference_action(pivot)
        calls = reference.tool_calls if reference.kind == "tool_calls" else ()
        schemas = build_pivot_schemas(tool_index(pivot), calls, self.canon.strict_arguments,
                                      self.config.relax_schema, self._fits)
        checks = [self.check_call(c, schemas) for c in calls]
        broken = [c for c in checks if c.problem]
        if broken and self.config.relax_schema:
            raise VerifierError(f"pivot {pivot.id!r}: its reference still fails its relaxed schema: "
                                f"{broken[0].problem} (a tool_schema bug; please report it)")
        return _PivotState(schemas, reference, checks)

    def findings(self, pivot: PivotLike) -> list[Finding]:
        """What is wrong with this pivot's tool schemas, seen from its reference (``pivotrl validate``)."""
        return self._state(pivot).schemas.findings()

    # -- single calls ---------------------------------------------------------------
    def check_call(self, call: ToolCall, schemas: PivotSchemas | Mapping[str, Mapping[str, Any]]) -> CallCheck:
        if not isinstance(schemas, PivotSchemas):  # a plain tool index: no reference to fit to
            schemas = build_pivot_schemas(schemas, (), self.canon.strict_arguments, False, self._fits)
        if not schemas.has_tools:  # the pivot declares no schemas (e.g. NeMo Gym swe_pivot rows): compare as given
            return CallCheck(call, dict(call.arguments), None)
        fitted = schemas.for_tool(call.name)
        if fitted is None:
            known = ", ".join(sorted(schemas.strict)) or "none"
            return CallCheck(call, None, f"call to unknown tool {call.name!r} (tools: {known})", "unknown_tool")
        if not fitted.schema:  # undeclared, but called by the reference: compared as given
            return CallCheck(call, dict(call.arguments), None)
        canonical = self.canon.strict_arguments(call.arguments, fitted.schema)
        if fitted.enforced:
            violation = first_violation(validator_for(fitted.schema), canonical)
            if violation:
                return CallCheck(call, canonical, f"{call.name}: arguments violate the schema: {violation}",
                                 f"schema:{violation.keyword}", fitted.schema)
        return CallCheck(call, canonical, None, "", fitted.schema)

    def compare_pair(self, ref: CallCheck, cand: CallCheck, pivot: PivotLike) -> PairResult:
        """Hook for subclasses that know better for some tools (e.g. search queries)."""
        if ref.call.name != cand.call.name:
            return PairResult(0.0, False, f"called {cand.call.name!r} where the reference calls {ref.call.name!r}",
                              "wrong_tool")
        if cand.problem or cand.canonical is None or ref.canonical is None:
            return PairResult(0.0, False, cand.problem or ref.problem or "uncomparable", cand.problem_kind or "uncomparable")
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
        properties = (ref.schema or {}).get("properties") or {}
        kind = difference_kind(first, ref.canonical, cand.canonical, properties.get(first))
        similarity = 0.01 + 0.98 * (1 - len(differing) / max(len(keys), 1))  # same name beats other names
        return PairResult(similarity, False, difference, kind)

    # -- whole turns ----------------------------------------------------------------
    def _text_verdict(self, action: Action, reference: Action) -> Verdict:
        if action.kind != "text":
            return Verdict.reject(
                "the reference replies in text; the action calls tools",
                expected=reference.describe(), got=action.describe(), failure_kind="calls_instead_of_text",
            )
        if self.config.text_match == "kind":
            return Verdict.accept("both reply in text (text_match='kind' compares the kind of turn only)")
        ref_text, cand_text = self.strings.apply(reference.text), self.strings.apply(action.text)
        if self.config.text_match == "exact":
            if ref_text == cand_text:
                return Verdict.accept("same text reply")
            return Verdict.reject("text reply differs", expected=reference.describe(), got=action.describe(),
                                  failure_kind="text_differs")
        similarity = fuzz.token_set_ratio(ref_text, cand_text)
        if similarity >= self.config.text_threshold:
            return Verdict.accept(f"text reply similar ({similarity:.0f} >= {self.config.text_threshold:g})",
                                  similarity=similarity)
        return Verdict.reject(f"text reply too different ({similarity:.0f} < {self.config.text_threshold:g})",
                              similarity=similarity, expected=reference.describe(), got=action.describe(),
                              failure_kind="text_differs")

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        reference = reference_action(pivot)
        if reference.kind == "invalid":
            raise VerifierError(f"pivot {pivot.id!r}: its reference action cannot be parsed: {reference.error}")
        if reference.kind == "text":
            return self._text_verdict(action, reference)
        if action.kind != "tool_calls":
            return Verdict.reject(
                "the reference calls tools; the action replies in text",
                expected=reference.describe(), got=action.describe(), failure_kind="text_instead_of_calls",
            )
        state = self._state(pivot)
        cand_checks = [self.check_call(c, state.schemas) for c in action.tool_calls]
        return self._score_turn(state.reference_checks, cand_checks, pivot)

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
        matched = [(i, j) for i, j in zip(rows, cols, strict=True) if pairs[i, j].matched]
        unmatched_refs = [i for i in range(n_ref) if i not in {m[0] for m in matched}]
        extra = [j for j in range(n_cand) if j not in set(cols)]
        m = len(matched)
        if self.config.mode == "binary":
            score = float(m == n_ref == n_cand)
        elif self.config.mode == "fractional":
            score = m / max(n_ref, n_cand, 1)
        else:
            score = 2 * m / (n_ref + n_cand) if n_ref + n_cand else 1.0
        equivalent = m == n_ref == n_cand
        details: dict[str, Any] = {
            "matched": m, "reference_calls": n_ref, "action_calls": n_cand, "mode": self.config.mode,
        }
        problems = [c for c in cands if c.problem]
        if problems:
            details["problems"] = [c.problem for c in problems]
        if equivalent:
            what = "call" if n_ref == 1 else f"{n_ref} calls"
            forms = sorted({tag for i, j in matched for tag in normalisations(refs[i].call.arguments,
                                                                              cands[j].call.arguments)})
            if forms:
                details["normalised"] = forms
            relaxed = sorted({r.constraint for r in self._state(pivot).schemas.findings() if r.kind == "relaxed"}
                             ) if self.config.relax_schema else []
            if relaxed:
                details["schema_relaxed"] = relaxed
            return Verdict(score, True, f"same {what} after schema canonicalisation", details)
        assigned = dict(zip(rows, cols, strict=True))
        for i in unmatched_refs:
            if i in assigned:
                reason, kind = pairs[i, assigned[i]].difference, pairs[i, assigned[i]].failure_kind
                break
        else:
            reason = (f"{n_cand - n_ref} extra call(s): " + ", ".join(cands[j].call.name for j in extra)
                      if extra else f"{n_ref - m} reference call(s) not matched")
            kind = "extra_call" if extra else "missing_call"
        if problems and not any(c.problem and c.problem in reason for c in problems) and not matched:
            reason, kind = problems[0].problem or reason, problems[0].problem_kind
        details["first_difference"] = reason
        details["failure_kind"] = kind
        return Verdict(score, False, reason, details)

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        # Reference calls are canonicalised once per pivot (cached with its schemas), not once per sample.
        return [self._verify(action, pivot) for action, pivot in zip(actions, pivots, strict=True)]


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
