"""A programme's accounts and books (``programmes.ProgrammeRun.fund``, ``pay_from_all``,
``total_available``, grants and cost support).

Fuses paying from and into a programme's six accounts and settling its grants' books in the
order and float grouping of the numpy code they replace; for :mod:`districtlab.model.programmes`,
the schedule and :func:`~districtlab.model.kernels.delivery.deliver_month`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels._jit import njit

# -- the books of grants and cost support (schedule.step, around the programmes' delivery) ------


@njit(cache=True)
def append_to_book(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    expiry_months: NDArray[np.float64],
    new_pairs: NDArray[np.int64],
    slot: int,
    new_amounts: NDArray[np.float64],
    expiry_month: float,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """A book's four columns with ``new_pairs`` appended (``state.GrantBook.add``): one slot and expiry for all.

    As four ``np.concatenate`` (two of them with ``np.full``), in one call.
    """
    old, size = pairs.size, pairs.size + new_pairs.size
    pair = np.empty(size, dtype=np.int64)
    slot_column = np.empty(size, dtype=np.int64)
    amount = np.empty(size)
    expiry = np.empty(size)
    pair[:old] = pairs
    slot_column[:old] = slots
    amount[:old] = amounts
    expiry[:old] = expiry_months
    pair[old:] = new_pairs
    slot_column[old:] = slot
    amount[old:] = new_amounts
    expiry[old:] = expiry_month
    return pair, slot_column, amount, expiry


@njit(cache=True)
def settle_paid_grants(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    adoption_cost: NDArray[np.float64],
    grant_rate: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_rate: NDArray[np.float64],
    spend: NDArray[np.float64],
    units: NDArray[np.float64],
    private: NDArray[np.float64],
    grants_line: int,
    units_line: int,
) -> None:
    """Grants paid on adoption (``adoption.pay_grants``): the programme's spend, units and the firms' own share.

    own = C (1 - grant rate) (1 - support rate) per grant (``support_rate``
    empty: no project support in the run), read before the grant rates (and
    their subsidy terms) are set to 0. The grants' amounts, their number and
    the own shares are summed per programme slot in order from 0.0 and then
    added to the step's ``spend[:, grants_line]``, ``units[:, units_line]`` and
    ``private`` (as ``+= np.bincount(...)`` did).
    """
    n_slots = private.size
    own = np.empty(pairs.size)
    for index in range(pairs.size):
        pair = pairs[index]
        own[index] = adoption_cost[pair] * (1.0 - grant_rate[pair])
        if support_rate.size:
            own[index] = own[index] * (1.0 - support_rate[pair])
    for pair in pairs:
        grant_rate[pair] = 0.0
        grant_term[pair] = 0.0  # -log1p(-0.0)
    paid = np.zeros(n_slots)
    count = np.zeros(n_slots, dtype=np.int64)
    own_by_slot = np.zeros(n_slots)
    for index in range(pairs.size):
        slot = slots[index]
        paid[slot] += amounts[index]
        count[slot] += 1
        own_by_slot[slot] += own[index]
    for slot in range(n_slots):
        spend[slot, grants_line] += paid[slot]
        units[slot, units_line] += count[slot]
        private[slot] += own_by_slot[slot]


@njit(cache=True)
def _split_reached(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    expiry: NDArray[np.float64],
    stage: NDArray[np.int8],
    level: int,
) -> tuple[int, NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Entries of a book (``state.GrantBook``) whose pair has reached ``level``, taken out in order.

    The entries kept are moved to the front of the book's arrays, in order (the
    caller shortens them to the number kept); the entries taken are returned
    as (number kept, their pairs, slots, amounts), in the book's order: what
    ``GrantBook.take_reached`` gives, without gathers.
    """
    n_taken = 0
    for pair in pairs:
        if stage[pair] >= level:
            n_taken += 1
    taken_pairs = np.empty(n_taken, dtype=np.int64)
    taken_slots = np.empty(n_taken, dtype=np.int64)
    taken_amounts = np.empty(n_taken)
    if n_taken == 0:
        return pairs.size, taken_pairs, taken_slots, taken_amounts
    n_kept = 0
    n_taken = 0
    for index in range(pairs.size):
        pair = pairs[index]
        if stage[pair] >= level:
            taken_pairs[n_taken] = pair
            taken_slots[n_taken] = slots[index]
            taken_amounts[n_taken] = amounts[index]
            n_taken += 1
        else:
            pairs[n_kept] = pair
            slots[n_kept] = slots[index]
            amounts[n_kept] = amounts[index]
            expiry[n_kept] = expiry[index]
            n_kept += 1
    return n_kept, taken_pairs, taken_slots, taken_amounts


@njit(cache=True)
def pay_reached_grants(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    expiry: NDArray[np.float64],
    stage: NDArray[np.int8],
    level: int,
    adoption_cost: NDArray[np.float64],
    grant_rate: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_rate: NDArray[np.float64],
    spend: NDArray[np.float64],
    units: NDArray[np.float64],
    private: NDArray[np.float64],
    grants_line: int,
    units_line: int,
) -> int:
    """The grants whose pair has adopted, taken from the book (:func:`_split_reached`) and paid
    (:func:`settle_paid_grants`) in one call (``adoption.pay_grants``); returns the number kept."""
    n_kept, taken_pairs, taken_slots, taken_amounts = _split_reached(
        pairs, slots, amounts, expiry, stage, level
    )
    if taken_pairs.size:
        settle_paid_grants(
            taken_pairs,
            taken_slots,
            taken_amounts,
            adoption_cost,
            grant_rate,
            grant_term,
            support_rate,
            spend,
            units,
            private,
            grants_line,
            units_line,
        )
    return n_kept


@njit(cache=True)
def settle_reached_support(
    pairs: NDArray[np.int64],
    slots: NDArray[np.int64],
    amounts: NDArray[np.float64],
    expiry: NDArray[np.float64],
    stage: NDArray[np.int8],
    level: int,
    adoption_cost: NDArray[np.float64],
    support_rate: NDArray[np.float64],
    support_term: NDArray[np.float64],
    private: NDArray[np.float64],
) -> int:
    """Project support of pairs that have adopted, taken from the book and settled (``adoption.pay_grants``).

    A pair counts once (its first entry), in increasing order of pair (as
    ``np.unique(..., return_index=True)``): the firm's own share C (1 - support
    rate) is summed per slot in that order from 0.0 and added to ``private``
    (as ``+= np.bincount(...)``), then the pair's support rate and its subsidy
    term are set to 0 (-log1p(-0.0) = 0.0). Returns the number of entries kept.
    """
    n_kept, taken_pairs, taken_slots, _ = _split_reached(pairs, slots, amounts, expiry, stage, level)
    if taken_pairs.size == 0:
        return n_kept
    order = np.argsort(taken_pairs, kind="mergesort")  # stable: the first entry of a pair comes first
    own_by_slot = np.zeros(private.size)
    distinct = np.empty(order.size, dtype=np.int64)
    n_distinct = 0
    for position in range(order.size):
        index = order[position]
        pair = taken_pairs[index]
        if n_distinct and distinct[n_distinct - 1] == pair:
            continue
        distinct[n_distinct] = pair
        n_distinct += 1
        own_by_slot[taken_slots[index]] += adoption_cost[pair] * (1.0 - support_rate[pair])
    for slot in range(private.size):
        private[slot] += own_by_slot[slot]
    for position in range(n_distinct):
        support_rate[distinct[position]] = 0.0
        support_term[distinct[position]] = 0.0  # -log1p(-0.0)
    return n_kept


# -- paying from a programme's accounts (programmes.ProgrammeRun.pay_from_all, total_available) --
#
# As the numpy code they replace: Python's min and max (the first of equals), numpy's maximum
# (the first argument unless it is smaller), and a sum in order from the first account (numpy's
# add.reduce adds fewer than 8 numbers in order; there are 6 accounts, which a test checks).


@njit(cache=True)
def _positive_parts(accounts: NDArray[np.float64]) -> NDArray[np.float64]:
    """``np.maximum(accounts, 0.0)``."""
    positive = np.empty(accounts.size)
    for index in range(accounts.size):
        value = accounts[index]
        positive[index] = value if (value >= 0.0 or np.isnan(value)) else 0.0
    return positive


@njit(cache=True)
def _sum_in_order(values: NDArray[np.float64]) -> float:
    total = -0.0
    for value in values:
        total += value
    return total


@njit(cache=True)
def available_in_accounts(accounts: NDArray[np.float64]) -> float:
    """What the accounts hold, their negative balances counted as 0."""
    return _sum_in_order(_positive_parts(accounts))


@njit(cache=True)
def pay_from_accounts(accounts: NDArray[np.float64], first: int, amount: float) -> float:
    """Pay ``amount`` from account ``first``, then from the others in proportion to their balances; return what was paid."""
    balance = accounts[first]
    if balance < 0.0:
        balance = 0.0
    paid = balance if balance < amount else amount
    accounts[first] -= paid
    rest = amount - paid
    if rest > 0.0:
        others = _positive_parts(accounts)
        others[first] = 0.0
        available = _sum_in_order(others)
        if available > 0.0:
            taken = available if available < rest else rest
            share = taken / available
            for index in range(accounts.size):
                accounts[index] -= others[index] * share
            paid += taken
    return paid


# -- programme accounts (programmes.ProgrammeRun.fund) -------------------------------------------


@njit(cache=True)
def flow_into_accounts(
    accounts: NDArray[np.float64],
    inflow_since_review: NDArray[np.float64],
    shares: NDArray[np.float64],
    inflow: float,
) -> None:
    """This step's inflow enters each account by its share, and the inflow since the last review.

    Fuses ``accounts += shares * inflow`` and ``inflow_since_review += shares * inflow``
    (two numpy products, two additions and two temporaries on six entries): the same
    product, added to each.
    """
    for index in range(shares.size):
        amount = shares[index] * inflow
        accounts[index] += amount
        inflow_since_review[index] += amount
