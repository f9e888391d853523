"""The grant, support and postponement books: their shortcuts take exactly what a full scan would.

``GrantBook.take_expired`` skips the scan when no entry can have expired and takes a prefix
when the entries are in order of expiry; ``take_reached`` skips the gathers when no pair has
reached the stage. Each must leave the book, and return the entries, as ``take`` with the mask.
Grants paid on adoption are settled in one kernel that must add what ``np.bincount`` added.
"""

from __future__ import annotations

import numpy as np
import pytest

from districtlab.model.kernels import settle_paid_grants
from districtlab.model.state import GrantBook


def _same(first: GrantBook, second: GrantBook) -> None:
    for name in ("pair", "slot", "amount", "expiry_month"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))


@pytest.mark.parametrize("in_order", [True, False])
@pytest.mark.parametrize("seed", range(6))
def test_taking_expired_entries_matches_the_full_scan(in_order: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    fast, scanned = GrantBook.empty(), GrantBook.empty()
    stage = rng.integers(0, 4, size=200).astype(np.int8)
    for month in range(60):
        size = int(rng.integers(0, 4))
        pair = rng.integers(0, 200, size=size)
        amount = rng.random(size)
        # postponements expire a fixed time after the month they start; grants by design
        expiry = month + (3.0 if in_order else float(rng.integers(0, 12)))
        for book in (fast, scanned):
            book.add(pair, month % 2, amount, expiry)
        _same(fast.take_expired(float(month)), scanned.take(scanned.expiry_month > month))
        _same(fast, scanned)
        if month % 7 == 0:
            _same(fast.take_reached(stage, 3), scanned.take(stage[scanned.pair] < 3))
            _same(fast, scanned)
        stage = np.minimum(stage + (rng.random(200) < 0.05), 3).astype(np.int8)
    assert fast.in_expiry_order == in_order or fast.pair.size == 0


@pytest.mark.parametrize("with_support", [True, False])
@pytest.mark.parametrize("seed", range(5))
def test_settling_paid_grants_matches_the_numpy_bincounts(with_support: bool, seed: int) -> None:
    """``kernels.settle_paid_grants`` adds what ``+= np.bincount(...)`` added, to the bit."""
    rng = np.random.default_rng(seed)
    n_pairs, n_slots = 300, 2
    pair = rng.choice(n_pairs, size=40, replace=True)  # a pair may hold grants of both slots
    slot = rng.integers(0, n_slots, size=pair.size)
    amount = rng.random(pair.size) * 1e5
    cost = rng.random(n_pairs) * 1e6 + 1.0
    rate = np.where(rng.random(n_pairs) < 0.5, rng.choice([0.3, 0.45, 0.6], size=n_pairs), 0.0)
    support = rng.random(n_pairs) * 0.5 if with_support else np.zeros(0)
    spend, units, private = rng.random((n_slots, 5)), rng.random((n_slots, 4)), rng.random(n_slots)
    expected_spend, expected_units, expected_private = spend.copy(), units.copy(), private.copy()
    own = cost[pair] * (1.0 - rate[pair])
    if with_support:
        own *= 1.0 - support[pair]
    expected_spend[:, 2] += np.bincount(slot, weights=amount, minlength=n_slots)
    expected_units[:, 1] += np.bincount(slot, minlength=n_slots)
    expected_private += np.bincount(slot, weights=own, minlength=n_slots)
    term = -np.log1p(-rate)
    settle_paid_grants(pair, slot, amount, cost, rate, term, support, spend, units, private, 2, 1)
    np.testing.assert_array_equal(spend, expected_spend)
    np.testing.assert_array_equal(units, expected_units)
    np.testing.assert_array_equal(private, expected_private)
    assert not rate[pair].any()
    assert not term[pair].any()
