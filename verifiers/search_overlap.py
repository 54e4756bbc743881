"""``search_overlap``: two search queries are equivalent when their top-k results from the
domain's search engine overlap enough (Jaccard of the URL sets at k). Other calls (opening
a page, ...) are compared as ``tool_schema`` does, URLs canonicalised by the schema's
``format: uri``."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from cachetools import LRUCache
from rapidfuzz import fuzz

from pivotrl.domain_registry import search_engine
from pivotrl.errors import UnknownNameError, VerifierError
from pivotrl.verifiers.action import Action
from pivotrl.verifiers.base import PivotLike
from pivotrl.verifiers.search_backends import SearchBackend, get_search_backend
from pivotrl.verifiers.tool_schema import CallCheck, PairResult, ToolSchemaConfig, ToolSchemaVerifier
from pivotrl.verifiers.verdict import Verdict

EMPTY_RESULTS_QUERY_SIMILARITY = 90


def jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


@dataclass(frozen=True)
class SearchOverlapConfig(ToolSchemaConfig):
    """``k`` results per query, Jaccard ``threshold`` in (0, 1], the search tool and its query
    argument, the ``engine`` (a registered search backend's name; default: the pivot's
    ``env["corpus"]``, else its domain's ``search_engine``: ``browse`` for the shipped domains);
    other calls are compared as ``tool_schema`` does."""

    kind: ClassVar[str] = "search_overlap"
    k: int = 5
    threshold: float = 0.5
    search_tool: str = "search"
    query_arg: str = "query"
    #: a backend object works too, but then the spec cannot rebuild the verifier (spec() says so)
    engine: str | SearchBackend | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if int(self.k) < 1:
            raise VerifierError(f"search_overlap k must be at least 1, got {self.k}")
        if not 0 < float(self.threshold) <= 1:
            raise VerifierError(f"search_overlap threshold must be within (0, 1], got {self.threshold}")
        self._set(k=int(self.k), threshold=float(self.threshold))


class SearchOverlapVerifier(ToolSchemaVerifier):
    name = "search_overlap"
    Config = SearchOverlapConfig
    config: SearchOverlapConfig
    #: top-k URLs remembered per (engine, query): a least-recently-used cache of this many entries
    #: (about 400 bytes each; every env holds its own verifier, so this bounds memory per env)
    results_cache_size = 32_768

    def __init__(self, config: SearchOverlapConfig | None = None, **params: Any) -> None:
        super().__init__(config, **params)
        self._engines: dict[str, SearchBackend] = {}
        self._results: LRUCache[str, tuple[str, ...]] = LRUCache(maxsize=self.results_cache_size)
        self._results_lock = threading.Lock()
        if isinstance(self.config.engine, str):
            self._engine_for_name(self.config.engine)  # fail at construction when the engine is unknown

    def _engine_for_name(self, name: str) -> SearchBackend:
        if name not in self._engines:
            try:
                self._engines[name] = get_search_backend(name)
            except UnknownNameError as exc:
                raise VerifierError(f"search_overlap: {exc}") from None
        return self._engines[name]

    def _engine(self, pivot: PivotLike) -> tuple[str, SearchBackend]:
        spec = self.config.engine
        if spec is not None and not isinstance(spec, str):
            return "custom", spec
        name = spec or str((pivot.env or {}).get("corpus") or search_engine(getattr(pivot, "domain", None)))
        return name, self._engine_for_name(name)

    def _top_urls(self, engine_name: str, engine: SearchBackend, queries: list[str]) -> list[tuple[str, ...]]:
        # Answers come from this call's own lookups, never from reading the cache back: another
        # thread (or this call's own inserts) may have evicted an entry in between.
        found: dict[str, tuple[str, ...]] = {}
        with self._results_lock:
            for query in set(queries):
                hit = self._results.get(f"{engine_name}\0{query}")
                if hit is not None:
                    found[query] = hit
        missing = sorted(set(queries) - set(found))
        if missing:
            answers = list(engine.search_urls(missing, self.config.k))
            if len(answers) != len(missing):
                raise VerifierError(f"search_overlap: engine {engine_name!r} returned {len(answers)} result lists for "
                                    f"{len(missing)} queries")
            fetched = {query: tuple(urls)[: self.config.k] for query, urls in zip(missing, answers, strict=True)}
            with self._results_lock:
                for query, urls in fetched.items():
                    self._results[f"{engine_name}\0{query}"] = urls
            found.update(fetched)
        return [found[q] for q in queries]

    def _query(self, check: CallCheck) -> str | None:
        if check.call.name != self.config.search_tool or check.canonical is None:
            return None
        query = check.canonical.get(self.config.query_arg)
        return query if isinstance(query, str) else None

    def compare_pair(self, ref: CallCheck, cand: CallCheck, pivot: PivotLike) -> PairResult:
        ref_query, cand_query = self._query(ref), self._query(cand)
        if ref_query is None or cand_query is None or cand.problem:
            return super().compare_pair(ref, cand, pivot)
        name, engine = self._engine(pivot)
        ref_urls, cand_urls = self._top_urls(name, engine, [ref_query, cand_query])
        if not ref_urls and not cand_urls:
            # Two empty result lists overlap trivially; only the query text can tell them apart
            # (the same query matches itself, even an empty one: rapidfuzz scores "" vs "" 0).
            similarity = 100.0 if ref_query == cand_query else fuzz.token_set_ratio(ref_query, cand_query)
            matched = similarity >= EMPTY_RESULTS_QUERY_SIMILARITY
            difference = "" if matched else (
                f"neither {cand_query!r} nor the reference {ref_query!r} retrieves anything, and the queries "
                f"differ (token-set ratio {similarity:.0f} < {EMPTY_RESULTS_QUERY_SIMILARITY})"
            )
            return PairResult(1.0 if matched else 0.01, matched, difference, "" if matched else "search_differs")
        overlap = jaccard(ref_urls, cand_urls)
        matched = overlap >= self.config.threshold - 1e-12
        difference = "" if matched else (
            f"search {cand_query!r} overlaps the reference {ref_query!r} by Jaccard@{self.config.k} "
            f"{overlap:.2f} < {self.config.threshold:g}"
        )
        return PairResult(0.01 + 0.98 * overlap if not matched else 1.0, matched, difference,
                          "" if matched else "search_differs")

    def _verify(self, action: Action, pivot: PivotLike) -> Verdict:
        verdict = super()._verify(action, pivot)
        if verdict.equivalent and action.kind == "tool_calls" and any(
            c.name == self.config.search_tool for c in action.tool_calls
        ):
            return Verdict(verdict.score, True,
                           f"search results overlap (Jaccard@{self.config.k} >= {self.config.threshold:g})",
                           verdict.details)
        return verdict

    def _verify_valid_batch(self, actions: list[Action], pivots: list[PivotLike]) -> list[Verdict]:
        # Retrieve every query of the batch in one engine call, then score from the cache.
        by_engine: dict[str, tuple[SearchBackend, list[str]]] = {}
        for action, pivot in zip(actions, pivots, strict=True):
            if action.kind != "tool_calls":
                continue
            schemas = self._state(pivot).schemas
            checks = [self.check_call(c, schemas) for c in action.tool_calls if c.name == self.config.search_tool]
            queries = [q for q in map(self._query, checks) if q is not None]
            if queries:
                name, engine = self._engine(pivot)
                by_engine.setdefault(name, (engine, []))[1].extend(queries)
        for name, (engine, queries) in by_engine.items():
            self._top_urls(name, engine, queries)
        return [self._verify(a, p) for a, p in zip(actions, pivots, strict=True)]
