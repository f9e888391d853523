"""The grant, support and postponement books: their shortcuts take exactly what a full scan would.

``GrantBook.take_expired`` skips the scan when no entry can have expired and takes a prefix
when the entries are in order of expiry; ``take_reached`` skips the gathers when no pair has
reached the stage. Each must leave the book, and return the entries, as ``take`` with the mask.
Grants paid on adoption are settled in one kernel that must add what ``np.bincount`` added;
the grants and the project support of pairs that adopted are taken from their books and
settled in one kernel call each, which must leave the book and the spending as the take and
the numpy settlement did.
"""

from __future__ import annotations

import numpy as np
import pytest

from districtlab.model.kernels import pay_reached_grants, settle_paid_grants, settle_reached_support
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


def _book(rng: np.random.Generator, n_pairs: int, n_slots: int) -> GrantBook:
    book = GrantBook.empty()
    for month in range(8):
        size = int(rng.integers(0, 8))
        book.add(rng.integers(0, n_pairs, size=size), month % n_slots, rng.random(size) * 1e5, month + 6.0)
    return book


@pytest.mark.parametrize("seed", range(6))
def test_paying_reached_grants_in_one_call_matches_the_take_and_the_settlement(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_pairs, n_slots = 120, 2
    fast = _book(rng, n_pairs, n_slots)
    taken = GrantBook(fast.pair.copy(), fast.slot.copy(), fast.amount.copy(), fast.expiry_month.copy())
    stage = rng.integers(0, 4, size=n_pairs).astype(np.int8)
    cost = rng.random(n_pairs) * 1e6 + 1.0
    rate = rng.choice([0.0, 0.3, 0.45], size=n_pairs)
    term, support = -np.log1p(-rate), rng.random(n_pairs) * 0.5
    spend, units, private = rng.random((n_slots, 5)), rng.random((n_slots, 4)), rng.random(n_slots)
    expected = [array.copy() for array in (rate, term, spend, units, private)]
    paid = taken.take_reached(stage, 3)
    e_rate, e_term, e_spend, e_units, e_private = expected
    settle_paid_grants(
        paid.pair, paid.slot, paid.amount, cost, e_rate, e_term, support, e_spend, e_units, e_private, 2, 1
    )
    kept = pay_reached_grants(
        fast.pair, fast.slot, fast.amount, fast.expiry_month, stage, 3, cost, rate, term, support,
        spend, units, private, 2, 1,
    )  # fmt: skip
    fast.keep_first(kept)
    _same(fast, taken)
    assert fast.earliest_expiry == taken.earliest_expiry
    for actual, wanted in zip((rate, term, spend, units, private), expected, strict=True):
        np.testing.assert_array_equal(actual, wanted)


@pytest.mark.parametrize("seed", range(6))
def test_settling_reached_support_in_one_call_matches_numpy(seed: int) -> None:
    """Each pair once, in order of pair (``np.unique``), its own share summed as ``np.bincount`` does."""
    rng = np.random.default_rng(seed)
    n_pairs, n_slots = 120, 2
    fast = _book(rng, n_pairs, n_slots)
    taken = GrantBook(fast.pair.copy(), fast.slot.copy(), fast.amount.copy(), fast.expiry_month.copy())
    stage = rng.integers(0, 4, size=n_pairs).astype(np.int8)
    cost = rng.random(n_pairs) * 1e6 + 1.0
    support = rng.choice([0.0, 0.25, 0.5], size=n_pairs)
    term = -np.log1p(-support)
    private = rng.random(n_slots)
    expected_support, expected_term, expected_private = support.copy(), term.copy(), private.copy()
    settled = taken.take_reached(stage, 3)
    if settled.pair.size:
        _, first = np.unique(settled.pair, return_index=True)
        pair, slot = settled.pair[first], settled.slot[first]
        own = cost[pair] * (1.0 - expected_support[pair])
        expected_private += np.bincount(slot, weights=own, minlength=n_slots)
        expected_support[pair] = 0.0
        expected_term[pair] = -np.log1p(-expected_support[pair])
    kept = settle_reached_support(
        fast.pair, fast.slot, fast.amount, fast.expiry_month, stage, 3, cost, support, term, private
    )
    fast.keep_first(kept)
    _same(fast, taken)
    np.testing.assert_array_equal(support, expected_support)
    np.testing.assert_array_equal(term, expected_term)
    np.testing.assert_array_equal(private, expected_private)
