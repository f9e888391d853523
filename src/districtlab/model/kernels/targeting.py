"""Targeting (``targeting.Outreach``): the order in which an instrument approaches firms.

Fuses the tiers' random order of approach (numpy's permutation, drawn in the kernel) and the
acceptance trials; for the instruments' kernels.
"""

from __future__ import annotations

import numba
import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels._jit import njit
from districtlab.model.kernels.delivery_arrays import DeliveryArrays
from districtlab.model.kernels.streams import RandomStream

# -- targeting (targeting.Outreach) ---------------------------------------------------------------


@njit(cache=True)
def outreach_batch(
    order: NDArray[np.int64],
    cursor: int,
    size: int,
    uniforms: NDArray[np.float64],
    acceptance: NDArray[np.float64],
    missing: int,
    filtered: bool,
    technologies: NDArray[np.int64],
    level: int,
    stage: NDArray[np.int8],
    n_technologies: int,
) -> tuple[NDArray[np.int64], int]:
    """One batch of an outreach: (firms taken, in the order approached; firms approached).

    The ``size`` firms of the tier's order from ``cursor`` on (wrapping around)
    are approached; firm j takes up the offer when u_j < its acceptance and,
    when ``filtered``, it is below ``level`` in one of ``technologies``. The
    batch stops just after the ``missing``-th firm taken, so that the next batch
    starts with the next firm.
    """
    taken = np.empty(min(size, missing), dtype=np.int64)
    n_taken = 0
    used = size
    for position in range(size):
        firm = order[(cursor + position) % order.size]
        if not uniforms[position] < acceptance[firm]:
            continue
        if filtered:
            eligible = False
            start = firm * n_technologies
            for tech in technologies:
                if stage[start + tech] < level:
                    eligible = True
                    break
            if not eligible:
                continue
        taken[n_taken] = firm
        n_taken += 1
        if n_taken == missing:
            used = position + 1
            break
    return taken[:n_taken], used


if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    def permuted(stream: RandomStream | DeliveryArrays, values: NDArray[np.int64]) -> NDArray[np.int64]:
        """``stream.rng.permutation(values)`` for a 1-D array."""
        return stream.rng.permutation(values)

else:
    from numba.np.random.random_methods import random_interval

    @njit(cache=True)
    def permuted(stream: RandomStream | DeliveryArrays, values: NDArray[np.int64]) -> NDArray[np.int64]:
        """``stream.rng.permutation(values)`` for a 1-D array: the same draws and the same order.

        numpy's (and numba's) Fisher-Yates shuffle: from the last position down,
        swap with a position drawn by ``random_interval``. numba's own version
        copies through n-dimensional views at each swap (about 37 ns a firm,
        against about 10 ns for numpy); this loop swaps two integers.
        """
        order = values.copy()
        bit_generator = stream.rng.bit_generator
        for position in range(order.size - 1, 0, -1):
            other = np.intp(random_interval(bit_generator, position))
            if other != position:
                order[position], order[other] = order[other], order[position]
        return order


@njit(cache=True)
def outreach_select(
    stream: RandomStream | DeliveryArrays,
    n_needed: int,
    acceptance: NDArray[np.float64],
    tiers: NDArray[np.int64],
    bounds: NDArray[np.int64],
    orders: NDArray[np.int64],
    ordered: NDArray[np.bool_],
    cursors: NDArray[np.int64],
    filtered: bool,
    technologies: NDArray[np.int64],
    level: int,
    stage: NDArray[np.int8],
    n_technologies: int,
) -> NDArray[np.int64]:
    """Up to ``n_needed`` firms that take up the offer, in the order approached (a ``targeting.Outreach``).

    Tier t is ``tiers[bounds[t]:bounds[t + 1]]``; it is put in a random order
    (``orders``, the same slice) the first time it is reached, and approached
    from its cursor on in batches of 4 missing + 8 firms, doubling, each batch
    drawing its uniforms at once (:func:`outreach_batch`): the draws of the
    Python loop this replaces, in the same sizes and order.
    """
    chosen = np.empty(max(n_needed, 0), dtype=np.int64)
    n_chosen = 0
    missing = n_needed
    for index in range(bounds.size - 1):
        start, end = bounds[index], bounds[index + 1]
        tier_size = end - start
        if not ordered[index]:
            orders[start:end] = permuted(stream, tiers[start:end])
            ordered[index] = True
        order = orders[start:end]
        approached = 0
        batch = 4 * missing + 8
        while missing > 0 and approached < tier_size:
            size = min(batch, tier_size - approached)
            hits, used = outreach_batch(
                order,
                cursors[index],
                size,
                stream.rng.random(size),
                acceptance,
                missing,
                filtered,
                technologies,
                level,
                stage,
                n_technologies,
            )
            chosen[n_chosen : n_chosen + hits.size] = hits
            n_chosen += hits.size
            missing -= hits.size
            approached += used
            cursors[index] = (cursors[index] + used) % tier_size
            batch *= 2
        if missing <= 0:
            break
    return chosen[:n_chosen]
