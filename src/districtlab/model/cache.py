"""Set-up work that depends only on a scenario's (frozen) configuration, done once per configuration.

Every run of a scenario works out the same things from its configuration before
drawing anything: the firms' roles and size classes, their employee bands, the
Beta parameters of their traits, the technologies as arrays. Across the
replications of an experiment the configuration objects are the same objects, so
these are kept by the identity of the objects they come from (pydantic models
with ``frozen=True``, never changed after validation; hashing them would cost
more than the work saved). An entry holds its key objects, so an id cannot be
reused while the entry lives. Whoever uses a cached value hands each run copies
of anything the run may write to, so no run can reach another through the cache.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class IdentityCache(Generic[Value]):
    """``cache(*objects)`` is ``build(*objects)``, computed once per tuple of objects (by identity)."""

    def __init__(self, build: Callable[..., Value], most: int = 64) -> None:
        self._build = build
        self._most = most
        self._entries: dict[tuple[int, ...], tuple[tuple[object, ...], Value]] = {}
        self._lock = threading.Lock()

    def __call__(self, *objects: object) -> Value:
        key = tuple(id(item) for item in objects)
        entry = self._entries.get(key)
        if entry is not None and all(kept is item for kept, item in zip(entry[0], objects, strict=True)):
            return entry[1]
        value = self._build(*objects)
        with self._lock:
            if len(self._entries) >= self._most:
                self._entries.clear()
            self._entries[key] = (objects, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
