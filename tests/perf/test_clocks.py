"""Transition clocks find exactly the pairs due in a step, whatever the history of their rates.

``TransitionClocks.due_before`` checks only firms whose lower bound on their
clocks' due times falls in the step; here it is compared with a scan of every
pair after random sequences of rate changes and stops.
"""

from __future__ import annotations

import numpy as np
import pytest

from districtlab.model.clocks import PendingPairs, TransitionClocks


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
