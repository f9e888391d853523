"""Transition clocks find exactly the pairs due in a step, whatever the history of their rates.

Also the bookkeeping around them: the pending pairs made distinct and the queue of
postponed decisions, each against a plain Python formulation.

``TransitionClocks.due_before`` checks only firms whose lower bound on their
clocks' due times falls in the step; here it is compared with a scan of every
pair after random sequences of rate changes and stops.
"""

from __future__ import annotations

import numpy as np
import pytest

from districtlab.model.clocks import PendingPairs, TransitionClocks
from districtlab.model.kernels import distinct_marked, queue_postponed, take_ended_postponements


@pytest.mark.parametrize("seed", range(5))
def test_due_before_equals_a_scan_of_every_pair(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, k = 200, 5
    clocks = TransitionClocks(rng.standard_exponential(n * k), k)
    for month in range(40):
        now, end = float(month), month + 1.0
        changed = rng.choice(n * k, size=int(rng.integers(0, 300)))
        rates = np.where(rng.random(changed.size) < 0.2, 0.0, rng.exponential(0.3, changed.size))
        rates = rates[np.unique(changed, return_index=True)[1]]  # one rate per distinct pair
        clocks.set_rates(np.unique(changed), rates, now)
        expected = np.flatnonzero(clocks.due < end)
        actual = clocks.due_before(end)
        np.testing.assert_array_equal(actual, expected)
        clocks.stop(actual[rng.random(actual.size) < 0.8])  # most of the pairs due move on


@pytest.mark.parametrize("share", [0.01, 0.5])
def test_pending_pairs_returns_each_marked_pair_once(share: float) -> None:
    rng = np.random.default_rng(3)
    n, k = 100, 8
    pending = PendingPairs(n, k)
    pairs = rng.choice(n * k, size=int(share * n * k))
    firms = rng.choice(n, size=3)
    pending.add(pairs)
    pending.add(pairs[: pairs.size // 2])  # marked twice
    pending.add_firms(firms)
    pending.add_technologies(np.array([2]))
    expected = np.union1d(
        np.union1d(pairs, (firms[:, None] * k + np.arange(k)).ravel()), np.arange(n) * k + 2
    )
    taken = pending.take()
    assert taken.size == np.unique(taken).size
    np.testing.assert_array_equal(np.sort(taken), expected)
    assert pending.take().size == 0


@pytest.mark.parametrize("seed", range(4))
def test_the_postponement_queue_gives_back_what_a_book_in_expiry_order_would(seed: int) -> None:
    """``kernels.queue_postponed`` and ``take_ended_postponements`` against a list kept in order of expiry.

    The ring is as long as there are pairs and wraps round many times; each month some pairs
    are postponed for a fixed number of months (a pair is never queued twice at once), and
    the pairs whose postponement has ended come back in the order they were postponed.
    """
    rng = np.random.default_rng(seed)
    n_pairs, months, pause = 40, 120, 3.0
    queue_pairs, queue_until = np.empty(n_pairs, dtype=np.int64), np.empty(n_pairs)
    queue_ends = np.zeros(2, dtype=np.int64)
    book: list[tuple[int, float]] = []  # (pair, month its postponement ends), in order
    for month in range(months):
        now = float(month)
        ended = take_ended_postponements(now, queue_pairs, queue_until, queue_ends)
        expected = [pair for pair, until in book if until <= now]
        book = [(pair, until) for pair, until in book if until > now]
        np.testing.assert_array_equal(ended, np.array(expected, dtype=np.int64))
        queued = {pair for pair, _ in book}
        free = np.array([pair for pair in range(n_pairs) if pair not in queued], dtype=np.int64)
        for pair in rng.permutation(free)[: int(rng.integers(0, 6))]:
            queue_postponed(int(pair), now + 1.0 + pause, queue_pairs, queue_until, queue_ends)
            book.append((int(pair), now + 1.0 + pause))
        assert queue_ends[1] == len(book)


def test_distinct_marked_keeps_each_pair_once_in_order_of_first_mark() -> None:
    rng = np.random.default_rng(7)
    flags = np.zeros(500, dtype=bool)
    for size in (0, 1, 30, 400, 2000):
        marked = rng.integers(0, flags.size, size=size)
        _, first = np.unique(marked, return_index=True)
        np.testing.assert_array_equal(distinct_marked(marked, flags), marked[np.sort(first)])
        assert not flags.any(), "the scratch flags are left lowered"
