"""The grant, support and postponement books' shortcuts take exactly what a full scan would.

``GrantBook.take_expired`` skips the scan when no entry can have expired and takes a prefix
when the entries are in order of expiry; ``take_reached`` skips the gathers when no pair has
reached the stage. Each must leave the book, and return the entries, as ``take`` with the mask.
"""

from __future__ import annotations

import numpy as np
import pytest

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
