"""The stage ladder and absorptive capacity (``state.make_aware``, ``make_knowledgeable``,
``adopt``, ``state.raise_absorptive_capacity``).

Fuses the per-pair stage moves (with their tallies) and the capacity gains into loops over the
pairs that change; used by the transfer, adoption, month-0 and instrument kernels.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels._jit import njit

#: Stage codes (as in :mod:`districtlab.model.state`; repeated here so that this module imports nothing).
_KNOWLEDGEABLE, _ADOPTED = 2, 3


# -- the stage ladder (state.make_aware, make_knowledgeable, adopt) ------------------------------


@njit(cache=True)
def raise_stage(
    pairs: NDArray[np.int64],
    level: int,
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    n_technologies: int,
) -> NDArray[np.int64]:
    """Raise distinct pairs below ``level`` to it; return those that moved, in the order given.

    ``stage_counts`` (4 x technologies, flat) moves each pair from its old stage
    to the new one at once, so the counts are always current.
    """
    moved = np.empty(pairs.size, dtype=np.int64)
    n_moved = 0
    for pair in pairs:
        old = stage[pair]
        if old < level:
            stage[pair] = level
            tech = pair - pair // n_technologies * n_technologies
            stage_counts[level * n_technologies + tech] += 1
            stage_counts[old * n_technologies + tech] -= 1
            moved[n_moved] = pair
            n_moved += 1
    return moved[:n_moved]


@njit(cache=True)
def raise_to_knowledgeable(
    pairs: NDArray[np.int64],
    channels: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
    n_technologies: int,
) -> NDArray[np.int64]:
    """Raise distinct pairs below knowledgeable to it, by ``channels``; return those that moved.

    ``channels`` has one entry per pair, or a single entry for all of them. Each
    pair that moves records its channel, and the tally of pairs made
    knowledgeable by channel x size class (flat) counts it.
    """
    moved = np.empty(pairs.size, dtype=np.int64)
    n_moved = 0
    shared = channels.size == 1
    for index in range(pairs.size):
        pair = pairs[index]
        old = stage[pair]
        if old < _KNOWLEDGEABLE:
            channel = channels[0] if shared else channels[index]
            stage[pair] = _KNOWLEDGEABLE
            firm = pair // n_technologies
            tech = pair - firm * n_technologies
            stage_counts[_KNOWLEDGEABLE * n_technologies + tech] += 1
            stage_counts[old * n_technologies + tech] -= 1
            knowledge_channel[pair] = channel
            knowledge_by_channel[np.int64(channel) * n_sizes + size_class[firm]] += 1
            moved[n_moved] = pair
            n_moved += 1
    return moved[:n_moved]


@njit(cache=True)
def raise_to_adopted(
    pairs: NDArray[np.int64],
    channels: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    n_technologies: int,
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int8]]:
    """Adopt distinct pairs not yet adopted: (which were new, the new pairs, their channels).

    A pair adopted before it was knowledgeable (an initial adopter) records the
    adoption channel as its knowledge channel.
    """
    new = np.empty(pairs.size, dtype=np.bool_)
    adopted = np.empty(pairs.size, dtype=np.int64)
    adopted_channel = np.empty(pairs.size, dtype=np.int8)
    n_new = 0
    for index in range(pairs.size):
        pair = pairs[index]
        old = stage[pair]
        new[index] = old < _ADOPTED
        if old < _ADOPTED:
            if old < _KNOWLEDGEABLE:
                knowledge_channel[pair] = channels[index]
            stage[pair] = _ADOPTED
            tech = pair - pair // n_technologies * n_technologies
            stage_counts[_ADOPTED * n_technologies + tech] += 1
            stage_counts[old * n_technologies + tech] -= 1
            adopted[n_new] = pair
            adopted_channel[n_new] = channels[index]
            n_new += 1
    return new, adopted[:n_new], adopted_channel[:n_new]


# -- absorptive capacity (state.raise_absorptive_capacity) --------------------------------------


@njit(cache=True)
def distinct_with_counts(values: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64], int]:
    """The distinct values in increasing order, how often each occurs, and the largest count.

    As ``np.unique(values, return_counts=True)``, with the largest count as well.
    """
    ordered = np.sort(values)
    distinct = np.empty(ordered.size, dtype=np.int64)
    counts = np.zeros(ordered.size, dtype=np.int64)
    n_distinct = 0
    largest = 0
    for index in range(ordered.size):
        if index == 0 or ordered[index] != ordered[index - 1]:
            distinct[n_distinct] = ordered[index]
            n_distinct += 1
        counts[n_distinct - 1] += 1
        if counts[n_distinct - 1] > largest:
            largest = counts[n_distinct - 1]
    return distinct[:n_distinct], counts[:n_distinct], largest


@njit(cache=True)
def gain_capacity(
    firms: NDArray[np.int64],
    factors: NDArray[np.float64],
    capacity: NDArray[np.float64],
    affinity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
    complexity: NDArray[np.float64],
    scale: float,
) -> NDArray[np.float64]:
    """a <- 1 - (1 - a) factor for distinct firms; refresh r a and sqrt(r a); return the gate's argument.

    ``factors`` is one per firm, or one for all. Returns 0.5 (a - c_k) / s for
    each firm (rows) and technology: the caller takes its tanh in numpy (see the
    module docstring) and hands it to :func:`set_gate_rows`.
    """
    shared = factors.size == 1
    half_z = np.empty((firms.size, complexity.size))
    for index in range(firms.size):
        firm = firms[index]
        factor = factors[0] if shared else factors[index]
        raised = 1.0 - (1.0 - capacity[firm]) * factor
        capacity[firm] = raised
        engaged = affinity[firm] * raised
        engagement[firm] = engaged
        light_engagement[firm] = np.sqrt(engaged)
        for tech in range(complexity.size):
            half_z[index, tech] = 0.5 * ((raised - complexity[tech]) / scale)
    return half_z


@njit(cache=True)
def gain_capacity_once(
    firms: NDArray[np.int64],
    factor: float,
    capacity: NDArray[np.float64],
    affinity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
    complexity: NDArray[np.float64],
    scale: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], int, NDArray[np.float64]]:
    """:func:`distinct_with_counts` then, if no firm occurs twice, :func:`gain_capacity` with one factor.

    Returns (distinct firms, their counts, the largest count, the gate's argument).
    When a firm occurs more than once nothing is changed and the argument is
    empty: the caller raises x ** count in numpy (see the module docstring) and
    calls :func:`gain_capacity` itself.
    """
    distinct, counts, largest = distinct_with_counts(firms)
    if largest > 1:
        return distinct, counts, largest, np.empty((0, complexity.size))
    factors = np.full(1, factor)
    half_z = gain_capacity(
        distinct, factors, capacity, affinity, engagement, light_engagement, complexity, scale
    )
    return distinct, counts, largest, half_z


@njit(cache=True)
def set_gate_rows(
    firms: NDArray[np.int64], tanh_half_z: NDArray[np.float64], gate: NDArray[np.float64]
) -> NDArray[np.int64]:
    """u(a, c) = 0.5 (1 + tanh(0.5 (a - c) / s)) into the firms' rows of the gate (flat); return their pairs."""
    k = tanh_half_z.shape[1]
    pairs = np.empty(firms.size * k, dtype=np.int64)
    for index in range(firms.size):
        for tech in range(k):
            pair = firms[index] * k + tech
            gate[pair] = 0.5 * (1.0 + tanh_half_z[index, tech])
            pairs[index * k + tech] = pair
    return pairs
