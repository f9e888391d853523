"""Choosing the firms an instrument reaches (MODEL.md §3.1).

Each targeting rule orders the firms into tiers that are served in turn:

* ``open_call``: one tier; firms self-select, applying with probability a_i,
  which is what makes RTI contact size-selective (larger firms have more
  absorptive capacity); an applicant then engages with probability r_i;
* ``smes_first``: micro and small firms, then the rest;
* ``leading_firms_first``: lead firms, then the rest;
* ``rti_network``: the RTI's members, then the rest.

Under the three targeted rules a chosen firm engages with probability r_i a_i.
Candidates are drawn at random within a tier and kept if they accept, so the
cost grows with the number of units, not with the number of firms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.config import ROLES, SIZE_CLASSES
from districtlab.model.population import Firms

Eligibility = Callable[[NDArray[np.int64]], NDArray[np.bool_]]

_SME = (SIZE_CLASSES.index("micro"), SIZE_CLASSES.index("small"))
_MAX_ROUNDS = 12


@dataclass(frozen=True)
class Tiers:
    """Firm indices per tier for every targeting rule, computed once per run."""

    by_rule: dict[str, tuple[NDArray[np.int64], ...]]

    @classmethod
    def of(cls, firms: Firms) -> Tiers:
        everyone = np.arange(firms.n, dtype=np.int64)

        def split(mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64], ...]:
            return tuple(tier for tier in (everyone[mask], everyone[~mask]) if tier.size)

        return cls(
            by_rule={
                "open_call": (everyone,),
                "smes_first": split(np.isin(firms.size_class, _SME)),
                "leading_firms_first": split(firms.role == ROLES.index("lead")),
                "rti_network": split(firms.rti_member),
            }
        )


def _unique_in_order(values: NDArray[np.int64]) -> NDArray[np.int64]:
    _, first = np.unique(values, return_index=True)
    return values[np.sort(first)]


def select_firms(
    rule: str,
    n_needed: int,
    tiers: Tiers,
    acceptance: NDArray[np.float64],
    rng: np.random.Generator,
    eligible: Eligibility | None = None,
    exclude: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """Up to ``n_needed`` distinct firms that take up the offer, in the order they were reached.

    ``acceptance`` is each firm's probability of taking up the offer under this
    rule (see :func:`acceptance_probability`). ``eligible`` filters candidates
    (for example, firms that have not adopted the project's technology yet).
    """
    chosen: list[NDArray[np.int64]] = []
    n_chosen = 0
    taken = np.zeros(0, dtype=np.int64) if exclude is None else np.asarray(exclude, dtype=np.int64)
    for tier in tiers.by_rule[rule]:
        if n_chosen >= n_needed:
            break
        if tier.size <= 8 * (n_needed - n_chosen):  # small tier: look at every firm once
            rounds = [rng.permutation(tier)]
        else:
            rounds = None
        for round_index in range(_MAX_ROUNDS):
            if n_chosen >= n_needed:
                break
            if rounds is not None:
                if round_index >= len(rounds):
                    break
                candidates = rounds[round_index]
            else:
                draws = 4 * (n_needed - n_chosen) + 8
                candidates = _unique_in_order(tier[rng.integers(0, tier.size, size=draws)])
            candidates = candidates[~np.isin(candidates, taken)]
            accepted = rng.random(candidates.size) < acceptance[candidates]
            if eligible is not None:
                accepted &= eligible(candidates)
            accepted_firms = candidates[accepted][: n_needed - n_chosen]
            chosen.append(accepted_firms)
            n_chosen += accepted_firms.size
            taken = np.concatenate([taken, candidates])
    return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


def acceptance_probability(
    absorptive_capacity: NDArray[np.float64], rti_affinity: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Probability that a firm reached by an instrument takes it up: r_i a_i.

    Under an open call the firm applies with probability a_i and then engages
    with r_i; under a targeted rule the RTI approaches it and it engages with
    r_i a_i. The rules differ in whom they reach first (the tiers), not in this law.
    """
    return rti_affinity * absorptive_capacity
