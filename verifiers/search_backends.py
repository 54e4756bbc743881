"""Search engines that ``search_overlap`` can ask for a query's top-k results.

A backend is any object with ``search_urls(queries, k) -> list[list[str]]``. Backends are
registered by name as zero-argument factories; a pivot names its engine in
``env["corpus"]``. The shipped BM25 engine over the browse corpus is registered as
``browse`` by ``import pivotrl``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from pivotrl.registry import Registry


@runtime_checkable
class SearchBackend(Protocol):
    def search_urls(self, queries: Sequence[str], k: int) -> list[list[str]]: ...


SEARCH_BACKENDS: Registry[Callable[[], SearchBackend]] = Registry(
    "search backend", entry_point_group="pivotrl.search_backends"
)


def register_search_backend(name: str, factory: Callable[[], SearchBackend] | str, *, override: bool = False) -> None:
    SEARCH_BACKENDS.register(name, factory, override=override)


def get_search_backend(name: str) -> SearchBackend:
    backend = SEARCH_BACKENDS.get(name)()
    if not isinstance(backend, SearchBackend):
        raise TypeError(f"search backend {name!r} has no search_urls(queries, k) method")
    return backend
