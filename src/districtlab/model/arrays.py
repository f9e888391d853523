"""Small array helpers for the hot paths, where :func:`numpy.unique` costs too much.

``np.unique`` handles every dtype, axis and option; on the few hundred or few
thousand integers that one step hands it, its overhead is several times the
cost of the sort itself (it took about 20 µs to 200 µs per call here). These
helpers sort once and compare neighbours, and return exactly what ``np.unique``
returns for one-dimensional integer input (distinct values with their counts:
:func:`districtlab.model.kernels.distinct_with_counts`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def unique_sorted(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """The distinct values in increasing order (``np.unique(values)``)."""
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def stable_argsort(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """``np.argsort(values, kind="stable")`` for one-dimensional floats without NaN, several times faster.

    Without ties the sorting permutation is unique, so numpy's unstable sort (about
    6x faster than its stable one on 20,000 floats) returns it; neighbours are
    compared to find ties, and only then is the stable sort run.
    """
    order = np.argsort(values)
    ordered = values[order]
    if ordered.size > 1 and np.any(ordered[1:] == ordered[:-1]):
        return np.argsort(values, kind="stable")
    return order
