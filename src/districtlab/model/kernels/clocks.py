"""Transition clocks and pending pairs (``clocks.TransitionClocks``, ``clocks.PendingPairs``).

Fuses setting rates, finding the due pairs, stopping clocks and the postponement queue of the
adoption decision into single loops; for :mod:`districtlab.model.clocks`, the transfer and the
adoption kernels.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels._jit import njit

# -- pending pairs (clocks.PendingPairs.take) ---------------------------------------------------


@njit(cache=True)
def distinct_marked(marked: NDArray[np.int64], flags: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Each pair in ``marked`` once, in the order of their first occurrence (``PendingPairs.take``).

    A flag per pair (``flags``, one byte per pair: a tenth of the cache lines
    that a stamp per pair took) is raised at a pair's first occurrence and
    lowered again at the end, so ``flags`` is left all False. The order of the
    pairs carries no meaning to the callers: refreshing a clock does not depend
    on the others.
    """
    distinct = np.empty(marked.size, dtype=np.int64)
    n_distinct = 0
    for pair in marked:
        if not flags[pair]:
            flags[pair] = True
            distinct[n_distinct] = pair
            n_distinct += 1
    for index in range(n_distinct):
        flags[distinct[index]] = False
    return distinct[:n_distinct]


# -- transition clocks (clocks.TransitionClocks) ------------------------------------------------


@njit(cache=True)
def set_clock_rates(
    pairs: NDArray[np.int64],
    rates: NDArray[np.float64],
    now: float,
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    n_technologies: int,
) -> None:
    """From ``now`` on, ``pairs`` run at ``rates`` (``TransitionClocks.set_rates``).

    remaining <- remaining - old rate (now - since); due = now + remaining / rate
    (infinite for a stopped clock); the firm's lower bound on its due times is
    lowered to the new due time. A pair listed twice with the same rate ends as
    if listed once (the second pass charges nothing: since = now).
    """
    for index in range(pairs.size):
        pair = pairs[index]
        left = remaining[pair] - rate[pair] * (now - since[pair])
        remaining[pair] = left
        since[pair] = now
        new_rate = rates[index]
        rate[pair] = new_rate
        when = left / new_rate + now if new_rate > 0.0 else np.inf
        due[pair] = when
        firm = pair // n_technologies
        if when < earliest[firm]:
            earliest[firm] = when


@njit(cache=True)
def due_pairs(
    time: float, due: NDArray[np.float64], earliest: NDArray[np.float64], n_technologies: int
) -> NDArray[np.int64]:
    """Pairs due before ``time``, in increasing order (``TransitionClocks.due_before``).

    Only the rows of firms whose lower bound is below ``time`` are read; their
    bound is made exact (the minimum of their row) on the way. Three passes:
    the firms whose bound is below ``time`` are listed (without a branch per
    firm), their rows are read one after the other (counting the pairs due and
    keeping the firms that have some), and the pairs due are listed from those
    rows. Sizing the result from the count, rather than growing a buffer, keeps
    array variables from being reassigned in the loop, which costs numba a
    reference count update per due time read.
    """
    firms = np.empty(earliest.size, dtype=np.int64)
    n_below = 0
    for firm in range(earliest.size):
        firms[n_below] = firm
        n_below += earliest[firm] < time
    n_with_due = 0
    n_due = 0
    for index in range(n_below):
        firm = firms[index]
        start = firm * n_technologies
        lowest = due[start]
        n_due_in_row = 0
        for pair in range(start, start + n_technologies):
            when = due[pair]
            if when < lowest:
                lowest = when
            if when < time:
                n_due_in_row += 1
        earliest[firm] = lowest
        if n_due_in_row:
            firms[n_with_due] = firm  # n_with_due <= index: an entry already read
            n_with_due += 1
            n_due += n_due_in_row
    found = np.empty(n_due, dtype=np.int64)
    n_due = 0
    for index in range(n_with_due):
        start = firms[index] * n_technologies
        for pair in range(start, start + n_technologies):
            if due[pair] < time:
                found[n_due] = pair
                n_due += 1
    return found


@njit(cache=True)
def queue_postponed(
    pair: int,
    until: float,
    queue_pairs: NDArray[np.int64],
    queue_until: NDArray[np.float64],
    queue_ends: NDArray[np.int64],
) -> None:
    """A postponed pair joins the back of the postponement queue, to reconsider from ``until``.

    The queue is a ring over ``queue_pairs`` and ``queue_until`` (one entry per
    pair: a pair is queued at most once at a time, since its clock waits while
    it is postponed), ``queue_ends`` = (position of the front, number queued).
    Pairs join in the order they are postponed, and ``until`` never decreases
    (it is a fixed time after the step), so the front is always the first to end.
    """
    back = (queue_ends[0] + queue_ends[1]) % queue_pairs.size
    queue_pairs[back] = pair
    queue_until[back] = until
    queue_ends[1] += 1


@njit(cache=True)
def take_ended_postponements(
    now: float,
    queue_pairs: NDArray[np.int64],
    queue_until: NDArray[np.float64],
    queue_ends: NDArray[np.int64],
) -> NDArray[np.int64]:
    """The pairs at the front of the postponement queue whose postponement ends by ``now``, taken off it, in order.

    Those queued until no later than ``now`` (the entries the postponements'
    book, kept in order of expiry, gave as expired at ``now``); they reconsider:
    their adoption clocks are refreshed.
    """
    front, n_queued = queue_ends[0], queue_ends[1]
    n_ended = 0
    while n_ended < n_queued and queue_until[(front + n_ended) % queue_pairs.size] <= now:
        n_ended += 1
    ended = np.empty(n_ended, dtype=np.int64)
    for index in range(n_ended):
        ended[index] = queue_pairs[(front + index) % queue_pairs.size]
    if n_ended:
        queue_ends[0] = (front + n_ended) % queue_pairs.size
        queue_ends[1] = n_queued - n_ended
    return ended


@njit(cache=True)
def stop_clocks(pairs: NDArray[np.int64], rate: NDArray[np.float64], due: NDArray[np.float64]) -> None:
    """Pairs that have moved on: their clock no longer runs (``TransitionClocks.stop``)."""
    for pair in pairs:
        rate[pair] = 0.0
        due[pair] = np.inf
