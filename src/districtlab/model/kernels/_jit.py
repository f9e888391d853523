"""``njit`` for the kernels: numba's, caching on disk, with one source stamp for the whole package.

For every module of :mod:`districtlab.model.kernels`. numba keeps a cached kernel until the file
that defines it changes (its modification time and size, the "source stamp"), but a kernel
compiles the kernels it calls, from other modules too, into itself: an edit to one of those would
leave a stale compiled copy in its callers' caches. Each kernel's cache is therefore stamped with
the stamps of all the package's modules, so that any edit to any of them recompiles every kernel
(as when the kernels were one file) and a stale cache can never mix old and new rules.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numba

_Function = TypeVar("_Function", bound=Callable[..., Any])

#: (file name, modification time, size) of every module of this package, read once at import.
_PACKAGE_STAMP = tuple(
    sorted(
        (path.name, path.stat().st_mtime, path.stat().st_size) for path in Path(__file__).parent.glob("*.py")
    )
)


def _stamp_with_the_package(dispatcher: Any) -> None:
    """Give ``dispatcher``'s on-disk cache the whole package's source stamp instead of its file's.

    numba's cache file keeps the stamp it was made with (``_source_stamp``, set from the defining
    file when the kernel is decorated) and discards the cached code when it differs. This sets a
    private attribute of numba's (0.68); a cache without it (an in-memory ``NullCache``) is left as
    it is.
    """
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if cache_file is not None and hasattr(cache_file, "_source_stamp"):
        cache_file._source_stamp = _PACKAGE_STAMP


def njit(*, cache: bool = True, **options: Any) -> Callable[[_Function], _Function]:
    """``numba.njit``, caching compiled code on disk where a cache location can be written.

    numba looks for a writable ``__pycache__`` next to the kernel's file, then the
    user's cache directory (or ``NUMBA_CACHE_DIR``). When none is writable (a
    read-only install without a writable home) it refuses to cache: the kernel
    is then compiled in memory, once per process, and gives the same results.
    """

    def decorate(function: _Function) -> _Function:
        try:
            dispatcher = numba.njit(cache=cache, **options)(function)
        except RuntimeError:  # "cannot cache function ...: no locator available"
            return numba.njit(**options)(function)
        _stamp_with_the_package(dispatcher)
        return dispatcher

    return decorate
