"""A numba cache locator that never finds a writable place (for tests/perf/test_kernels.py).

Named in ``NUMBA_CACHE_LOCATOR_CLASSES``, it stands in for a read-only install
with no writable home: numba then refuses to cache, and
:func:`districtlab.model.kernels.njit` must fall back to compiling in memory.
"""

from __future__ import annotations

from typing import Any


class NowhereLocator:
    """Finds no cache location for any function."""

    @classmethod
    def from_function(cls, py_func: Any, py_file: str) -> None:
        return None
