"""Choosing the firms an instrument reaches (ODD.md §III.iv, Targeting).

Each targeting rule sorts the firms into tiers that are served in turn:

* ``open_call``: one tier; every firm may apply;
* ``smes_first``: micro and small firms, then the rest;
* ``leading_firms_first``: lead firms, then the rest;
* ``rti_network``: the RTI's members, then the rest.

A firm reached takes the offer up with probability r_i a_i (see
:func:`acceptance_probability`); each instrument approaches firms in a random
order within each tier (:class:`Outreach`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from districtlab.config import ROLES, SIZE_CLASSES
from districtlab.model.population import Firms

Value = TypeVar("Value")

#: Per size class code: is a firm of this class an SME (micro or small)? Per role code: is it a lead firm?
_IS_SME = np.isin(np.arange(len(SIZE_CLASSES)), [SIZE_CLASSES.index("micro"), SIZE_CLASSES.index("small")])
_IS_LEAD = np.arange(len(ROLES)) == ROLES.index("lead")


class _PerRule(dict[str, Value]):
    """A rule's entry, worked out the first time it is asked for (a run uses one or two rules)."""

    def __init__(self, build: Callable[[str], Value]) -> None:
        super().__init__()
        self._build = build

    def __missing__(self, rule: str) -> Value:
        value = self[rule] = self._build(rule)
        return value


@dataclass(frozen=True)
class Tiers:
    """Firm indices per tier for every targeting rule, each worked out once per run when first used."""

    by_rule: dict[str, tuple[NDArray[np.int64], ...]]
    first_tier: dict[str, NDArray[np.bool_]]  # per rule: is the firm in the first tier?

    @classmethod
    def of(cls, firms: Firms) -> Tiers:
        def first_tier(rule: str) -> NDArray[np.bool_]:
            if rule == "open_call":
                return np.ones(firms.n, dtype=bool)
            if rule == "smes_first":
                return _IS_SME[firms.size_class]
            if rule == "leading_firms_first":
                return _IS_LEAD[firms.role]
            if rule == "rti_network":
                return firms.rti_member.copy()
            raise KeyError(rule)

        masks: _PerRule[NDArray[np.bool_]] = _PerRule(first_tier)

        def tiers(rule: str) -> tuple[NDArray[np.int64], ...]:
            mask = masks[rule]
            first, rest = np.flatnonzero(mask), np.flatnonzero(~mask)  # as np.arange(n)[mask] gives them
            return tuple(tier for tier in (first, rest) if tier.size)

        return cls(by_rule=_PerRule(tiers), first_tier=masks)

    def rank(self, rule: str, firm: NDArray[np.int64]) -> NDArray[np.int64]:
        """0 for firms in the rule's first tier, 1 for the others."""
        return (~self.first_tier[rule][firm]).astype(np.int64)


class Outreach:
    """How each instrument of one programme works through the firms of its targeting rule.

    Each tier is put in a random order the first time an instrument reaches it;
    the instrument then approaches firms in that order, wrapping around, so that
    nobody is approached twice before every firm of the tier has been approached
    once. Selecting costs O(firms approached), whatever the size of the district.

    The instruments' kernels select (:func:`~districtlab.model.kernels.outreach_select`);
    this object holds the state between calls as arrays the kernels update: the
    tiers one after another (tier t in ``[bounds[t], bounds[t + 1])``), and per
    instrument (a row each) the tiers' orders in the same slices, whether each
    tier has been ordered yet, and each tier's cursor.
    """

    def __init__(self, tiers: tuple[NDArray[np.int64], ...], n_instruments: int) -> None:
        self.tiers = np.concatenate(tiers) if tiers else np.zeros(0, dtype=np.int64)
        self.bounds = np.cumsum([0, *(tier.size for tier in tiers)], dtype=np.int64)
        self.orders = np.empty((n_instruments, self.tiers.size), dtype=np.int64)
        self.ordered = np.zeros((n_instruments, len(tiers)), dtype=bool)
        self.cursors = np.zeros((n_instruments, len(tiers)), dtype=np.int64)


def engagement(
    absorptive_capacity: NDArray[np.float64], rti_affinity: NDArray[np.float64], light_touch: bool = False
) -> NDArray[np.float64]:
    """Probability that a firm approached by an instrument takes it up: r_i a_i.

    Under an open call the firm applies with probability a_i and then engages
    with r_i; under a targeted rule the RTI approaches it and it engages with
    r_i a_i. The rules differ in whom they reach first (the tiers), not in this
    law. Light-touch instruments (attending an event, visiting a demonstrator)
    ask less of a firm: sqrt(r_i a_i). The state keeps both up to date for every
    firm (they change only when a_i does).
    """
    engaged = rti_affinity * absorptive_capacity
    return np.sqrt(engaged) if light_touch else engaged
