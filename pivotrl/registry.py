"""One small generic registry for every extension point (verifiers, search backends, ...).

Entries are objects or lazy ``"module:attribute"`` references, so registering a name costs
no import. Third-party packages add entries through an entry-point group, loaded on demand.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from pivotrl.errors import UnknownNameError

logger = logging.getLogger(__name__)
T = TypeVar("T")


def import_object(target: str) -> object:
    """Import ``"package.module:attr"`` and return the attribute."""
    module_name, _, attr = target.partition(":")
    obj: object = importlib.import_module(module_name)
    for part in attr.split(".") if attr else []:
        obj = getattr(obj, part)
    return obj


class Registry(Generic[T]):
    """Maps names to objects; duplicate names are rejected unless ``override=True``."""

    def __init__(self, kind: str, entry_point_group: str | None = None) -> None:
        self.kind = kind
        self.entry_point_group = entry_point_group
        self._entries: dict[str, T | str] = {}
        self._entry_points_loaded = entry_point_group is None
        self._entry_points_lock = threading.Lock()
        #: bumped on every change, so derived caches can tell they are stale
        self.version = 0

    def register(self, name: str, obj: T | str, *, override: bool = False) -> T | str:
        if not isinstance(name, str) or not name:
            raise ValueError(f"{self.kind} name must be a non-empty string, got {name!r}")
        if name in self._entries and not override and self._entries[name] is not obj:
            raise ValueError(
                f"{self.kind} {name!r} is already registered; pass override=True to replace it"
            )
        self._entries[name] = obj
        self.version += 1
        return obj

    def decorator(self, name: str, *, override: bool = False) -> Callable[[T], T]:
        def wrap(obj: T) -> T:
            self.register(name, obj, override=override)
            return obj

        return wrap

    def unregister(self, name: str) -> None:
        self._entries.pop(name, None)
        self.version += 1

    def _load_entry_points(self) -> None:
        # Verifiers are first looked up from worker threads (profiling verifies on a pool): the
        # flag is set only once the entries are in, so no thread sees "loaded" with none there.
        if self._entry_points_loaded:
            return
        with self._entry_points_lock:
            if self._entry_points_loaded:
                return
            assert self.entry_point_group is not None
            for ep in entry_points(group=self.entry_point_group):
                if ep.name not in self._entries:
                    self._entries[ep.name] = ep.value
                    self.version += 1
                    logger.debug("%s %r found through entry point %s", self.kind, ep.name, ep.value)
            self._entry_points_loaded = True

    def get(self, name: str) -> T:
        if name not in self._entries:
            self._load_entry_points()
        if name not in self._entries:
            known = ", ".join(sorted(self._entries)) or "(none)"
            raise UnknownNameError(f"unknown {self.kind} {name!r}; known: {known}")
        entry = self._entries[name]
        if isinstance(entry, str):
            loaded = import_object(entry)
            self._entries[name] = loaded  # type: ignore[assignment]
            return loaded  # type: ignore[return-value]
        return entry

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        self._load_entry_points()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())
