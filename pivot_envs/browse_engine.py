"""The browse domain's search engine: BM25 (bm25s) over a local corpus of web pages.

It renders the tool outputs of ``search`` and ``open_page`` and answers ``search_urls`` for
the ``search_overlap`` verifier. Retrieval is deterministic for a given corpus.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import bm25s
from bm25s.tokenization import Tokenizer

from pivotrl.errors import DataError
from pivotrl.verifiers.schema_canon import normalize_url

MAX_QUERY_CHARS = 2_000
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


@dataclass(frozen=True)
class Document:
    url: str
    title: str
    text: str


@dataclass(frozen=True)
class SearchHit:
    url: str
    title: str
    snippet: str
    score: float


class SearchEngine:
    """BM25 over title + text. Queries are truncated to ``MAX_QUERY_CHARS`` so a hostile
    query costs no more than a long one."""

    def __init__(self, documents: Sequence[Document]) -> None:
        if not documents:
            raise DataError("the search corpus is empty")
        self.documents = list(documents)
        self._by_url = {normalize_url(d.url): d for d in self.documents}
        self._tokenizer = Tokenizer(stopwords="en")
        corpus_ids = self._tokenizer.tokenize(
            [f"{d.title}\n{d.text}" for d in self.documents], return_as="ids", show_progress=False
        )
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus_ids, show_progress=False)
        self._lock = threading.Lock()  # the tokenizer's vocabulary is not thread-safe

    @classmethod
    def from_jsonl(cls, path: str | Path) -> SearchEngine:
        documents = []
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record: Any = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"invalid JSON: {exc.msg}", path=str(path), line=number) from None
                for key in ("url", "title", "text"):
                    if not isinstance(record.get(key), str):
                        raise DataError("a corpus document needs a string", path=str(path), line=number, field=key)
                documents.append(Document(record["url"], record["title"], record["text"]))
        return cls(documents)

    def search_batch(self, queries: Sequence[str], k: int = 5) -> list[list[SearchHit]]:
        if not queries:
            return []
        k = max(1, min(int(k), len(self.documents)))
        clipped = [str(q)[:MAX_QUERY_CHARS] for q in queries]
        with self._lock:
            tokens = self._tokenizer.tokenize(clipped, update_vocab=False, return_as="ids", show_progress=False)
            ranked = self._top_k(_rows(tokens), k)
        out = []
        for row in ranked:
            hits = []
            for doc_id, score in row:
                if score <= 0:
                    continue  # no query term matched: not a result
                doc = self.documents[doc_id]
                hits.append(SearchHit(doc.url, doc.title, _snippet(doc.text), round(score, 4)))
            out.append(hits)
        return out

    def _top_k(self, queries: list[list[int]], k: int) -> list[list[tuple[int, float]]]:
        """The ``k`` best documents per query, equal scores in corpus order. bm25s leaves the
        order of ties to its top-k backend (it changed between versions), which made results,
        and so the shipped transcripts and ``search_overlap``'s sets, depend on the installed
        version. More than ``k`` are asked for; a query whose tie at rank ``k`` reaches past what
        was asked is asked again for more."""
        n = len(self.documents)
        want = min(n, 2 * k + 8)
        indices, scores = self._bm25.retrieve(queries, k=want, show_progress=False, n_threads=1)
        out = []
        for query, row_ids, row_scores in zip(queries, indices, scores, strict=True):
            asked = want
            while True:
                pairs = sorted(((int(i), float(s)) for i, s in zip(row_ids, row_scores, strict=True)),
                               key=lambda p: (-p[1], p[0]))
                kth = pairs[k - 1][1]
                if asked == n or kth <= 0 or pairs[-1][1] < kth:
                    break
                asked = min(n, asked * 2)
                more_ids, more_scores = self._bm25.retrieve([query], k=asked, show_progress=False, n_threads=1)
                row_ids, row_scores = more_ids[0], more_scores[0]
            out.append(pairs[:k])
        return out

    def search(self, query: str, k: int = 5) -> list[SearchHit]:
        return self.search_batch([query], k)[0]

    def search_urls(self, queries: Sequence[str], k: int) -> list[list[str]]:
        return [[h.url for h in hits] for hits in self.search_batch(queries, k)]

    def render_search(self, query: str, k: int = 5) -> str:
        hits = self.search(query, k)
        if not hits:
            return f"No results for {query[:200]!r}."
        return "\n".join(f"{i}. {h.title}\n   {h.url}\n   {h.snippet}" for i, h in enumerate(hits, start=1))

    def page(self, url: str) -> Document | None:
        return self._by_url.get(normalize_url(url))

    def render_page(self, url: str) -> str:
        doc = self.page(url)
        if doc is None:
            return f"Error: no page at {url[:300]}"
        return f"{doc.title}\n{doc.url}\n\n{doc.text}"


def _rows(tokens: Any) -> list[list[int]]:
    """Token-id rows of bm25s' tokenizer output (a ``Tokenized`` tuple or a plain list)."""
    ids = getattr(tokens, "ids", tokens)
    return [list(row) for row in ids]


def _snippet(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " ..."


@lru_cache(maxsize=1)
def default_engine() -> SearchEngine:
    """The engine over the shipped browse corpus, built once per process."""
    from pivotrl.pivot_envs.domains import data_path

    return SearchEngine.from_jsonl(data_path("browse/corpus.jsonl"))
