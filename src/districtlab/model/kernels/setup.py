"""Month 0 and awareness (``simulate._initial_conditions``, ``transfer.AwarenessSchedule.draw``).

Fuses drawing the pairs that start aware or knowledgeable and the awareness schedule, and the
monthly step that makes firms aware; for :mod:`districtlab.model.simulate` and
:mod:`districtlab.model.transfer`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels._jit import njit
from districtlab.model.kernels.stages import raise_stage


@njit(cache=True)
def become_aware_until(
    until: float,
    times: NDArray[np.float64],
    flat_pairs: NDArray[np.int64],
    cursor: int,
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    n_technologies: int,
) -> tuple[NDArray[np.int64], int]:
    """Background awareness (``transfer.background_awareness``): (the pairs that moved, the new cursor).

    The pairs of the schedule from ``cursor`` whose time is before ``until``
    (``times`` sorted, as ``np.searchsorted(..., side="left")``) are raised to
    aware (:func:`raise_stage`).
    """
    end = np.searchsorted(times, until, side="left")
    moved = raise_stage(flat_pairs[cursor:end], 1, stage, stage_counts, n_technologies)
    return moved, int(end)


# -- month 0 (simulate._initial_conditions, transfer.AwarenessSchedule.draw) -------------------


@njit(cache=True)
def pairs_drawn_below(
    draws: NDArray[np.float64],
    limit: NDArray[np.float64],
    group: NDArray[np.int8],
    n_technologies: int,
) -> NDArray[np.int64]:
    """Pairs (flat, in order) whose draw is below their limit: ``limit[k, group[i]]`` for pair (i, k).

    ``np.flatnonzero(draws < limit[:, group].T)`` for draws of shape firms x technologies,
    flattened; with ``group`` empty, every firm reads column 0 (``limit[k, 0]``).
    """
    found = np.empty(draws.size, dtype=np.int64)
    n_found = 0
    pair = 0
    for firm in range(draws.size // n_technologies):  # nested loops: no division per pair
        column = group[firm] if group.size else 0
        for tech in range(n_technologies):
            if draws[pair] < limit[tech, column]:
                found[n_found] = pair
                n_found += 1
            pair += 1
    return found[:n_found].copy()


@njit(cache=True)
def month0_pairs(
    draws: NDArray[np.float64],
    adoption_share: NDArray[np.float64],
    size_class: NDArray[np.int8],
    awareness_share: NDArray[np.float64],
    n_technologies: int,
    channel: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int8], NDArray[np.int64]]:
    """Month 0's adopters and aware pairs from the two firms x technologies draws, in one call.

    ``draws`` holds the adoption draws then the awareness draws (one ``rng.random``
    of twice the pairs: the same numbers as two draws of the pairs, one after the
    other). Pair (i, k) adopts when its first draw is below ``adoption_share[k,
    size_class[i]]`` and becomes aware when its second is below ``awareness_share[k]``
    (:func:`pairs_drawn_below` for each). Returns the adopters as (firm, technology,
    ``channel`` for each) and the aware pairs (flat), each in pair order.
    """
    half = draws.size // 2
    adopters = pairs_drawn_below(draws[:half], adoption_share, size_class, n_technologies)
    firm = adopters // n_technologies
    technology = adopters - firm * n_technologies
    channels = np.full(adopters.size, channel, dtype=np.int8)
    aware = pairs_drawn_below(
        draws[half:], awareness_share.reshape(awareness_share.size, 1), size_class[:0], n_technologies
    )
    return firm, technology, channels, aware


@njit(cache=True)
def awareness_due(
    draws: NDArray[np.float64],
    scale: NDArray[np.float64],
    stage: NDArray[np.int8],
    horizon: float,
    n_technologies: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Unaware pairs (stage 0) whose awareness time ``draw * scale_k`` falls before ``horizon``:
    (pairs, times), in pair order.

    Every pair is written at the next free place and kept by advancing past it
    (no branch per pair: about half the pairs are kept, in no pattern a branch
    predictor could follow); the two results are views of the first places.
    """
    pairs = np.empty(draws.size, dtype=np.int64)
    times = np.empty(draws.size)
    n_due = 0
    pair = 0
    for _ in range(draws.size // n_technologies):
        for tech in range(n_technologies):
            time = draws[pair] * scale[tech]
            pairs[n_due] = pair
            times[n_due] = time
            n_due += (stage[pair] == 0) & (time < horizon)
            pair += 1
    return pairs[:n_due], times[:n_due]


@njit(cache=True)
def awareness_schedule(
    draws: NDArray[np.float64],
    hazard: NDArray[np.float64],
    stage: NDArray[np.int8],
    horizon: float,
    n_technologies: int,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The background awareness schedule (transfer.AwarenessSchedule.draw): unaware pairs whose
    awareness time ``draw / hazard_k`` (``draw * (1 / hazard_k)``; never with a hazard of 0) falls
    before ``horizon``, as (pairs, times) in time order, equal times in pair order.

    Fuses the scale, :func:`awareness_due` and the stable sort by time that followed it
    (``np.argsort(times, kind="stable")`` and two gathers), sorting by buckets: the
    times are spread over as many buckets of equal width in [0, horizon) as there are
    times (a bucket is a monotone function of the time, so buckets in order hold the
    times in order), in pair order within a bucket; an insertion sort that moves a
    time only past greater ones then orders each bucket, equal times staying in pair
    order. With a bucket of more than 32 times (hazards that crowd the times near 0)
    numba's merge sort (stable) sorts them all instead. Either way the order is the
    one stable sort of the times, so it is numpy's.
    """
    scale = np.empty(hazard.size)
    for tech in range(hazard.size):
        scale[tech] = 1.0 / hazard[tech] if hazard[tech] > 0.0 else np.inf
    pairs, times = awareness_due(draws, scale, stage, horizon, n_technologies)
    count = times.size
    if count == 0:
        return pairs.copy(), times.copy()
    per_time = count / horizon  # buckets per unit of time (0 <= time < horizon)
    bucket = np.empty(count, dtype=np.int64)
    start = np.zeros(count + 1, dtype=np.int64)
    for index in range(count):
        chosen = int(times[index] * per_time)
        if chosen > count - 1:  # a time just below the horizon may round up to it
            chosen = count - 1
        bucket[index] = chosen
        start[chosen + 1] += 1
    most = 0
    for index in range(count):
        most = max(most, start[index + 1])
        start[index + 1] += start[index]
    if most > 32:
        order = np.argsort(times, kind="mergesort")
        return pairs[order], times[order]
    sorted_pairs = np.empty(count, dtype=np.int64)
    sorted_times = np.empty(count)
    for index in range(count):  # in pair order: each bucket keeps its pairs in pair order
        place = start[bucket[index]]
        start[bucket[index]] += 1
        sorted_pairs[place] = pairs[index]
        sorted_times[place] = times[index]
    for index in range(1, count):  # a time moves back at most within its bucket
        time = sorted_times[index]
        if sorted_times[index - 1] > time:
            pair = sorted_pairs[index]
            place = index
            while place > 0 and sorted_times[place - 1] > time:
                sorted_pairs[place] = sorted_pairs[place - 1]
                sorted_times[place] = sorted_times[place - 1]
                place -= 1
            sorted_pairs[place] = pair
            sorted_times[place] = time
    return sorted_pairs, sorted_times
