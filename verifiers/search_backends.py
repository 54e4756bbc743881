"""Search engines that ``search_overlap`` can ask for a query's top-k results.

A backend is any object with ``search_urls(queries, k) -> list[list[str]]``. Backends are
registered by name as zero-argument factories (or lazy ``"module:attr"`` references), with
``register_search_backend`` or, from another package, an entry point in the
``pivotrl.search_backends`` group. A pivot names its engine in ``env["corpus"]``, else its
domain's ``search_engine`` is used. The shipped BM25 engine over the browse corpus is pivotrl's
own entry point ``browse``.
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
    """Register ``factory`` (a zero-argument callable, or ``"module:attr"`` naming one, imported
    on first use) as the search engine ``name``."""
    SEARCH_BACKENDS.register(name, factory, override=override)


def list_search_backends() -> list[str]:
    """Every engine name: registered ones and those of the ``pivotrl.search_backends`` entry points."""
    return SEARCH_BACKENDS.names()


def get_search_backend(name: str) -> SearchBackend:
    backend = SEARCH_BACKENDS.get(name)()
    if not isinstance(backend, SearchBackend):
        raise TypeError(f"search backend {name!r} has no search_urls(queries, k) method")
    return backend
