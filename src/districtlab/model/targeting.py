"""Choosing the firms an instrument reaches (ODD.md §III.iv, Targeting).

Each targeting rule sorts the firms into tiers that are served in turn:

* ``open_call``: one tier; every firm may apply;
* ``smes_first``: micro and small firms, then the rest;
* ``leading_firms_first``: lead firms, then the rest;
* ``rti_network``: the RTI's members, then the rest.

A firm reached takes the offer up with probability r_i a_i (see
:func:`acceptance_probability`); :class:`Outreach` approaches firms in a random
order within each tier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.config import ROLES, SIZE_CLASSES
from districtlab.model.kernels import any_stage_below, outreach_batch
from districtlab.model.population import Firms


@dataclass(frozen=True)
class Eligibility:
    """Firms below ``level`` in at least one of ``technologies`` (for example, with something left to learn).

    ``stage`` is the flat firms x technologies stage array of the run (read when firms are approached).
    """

    technologies: NDArray[np.int64]
    level: int
    stage: NDArray[np.int8]
    n_technologies: int

    def __call__(self, candidates: NDArray[np.int64]) -> NDArray[np.bool_]:
        return any_stage_below(candidates, self.technologies, self.level, self.stage, self.n_technologies)


_SME = (SIZE_CLASSES.index("micro"), SIZE_CLASSES.index("small"))
_NO_TECHNOLOGIES = np.zeros(0, dtype=np.int64)
_NO_STAGES = np.zeros(0, dtype=np.int8)


@dataclass(frozen=True)
class Tiers:
    """Firm indices per tier for every targeting rule, computed once per run."""

    by_rule: dict[str, tuple[NDArray[np.int64], ...]]
    first_tier: dict[str, NDArray[np.bool_]]  # per rule: is the firm in the first tier?

    @classmethod
    def of(cls, firms: Firms) -> Tiers:
        everyone = np.arange(firms.n, dtype=np.int64)
        masks = {
            "open_call": np.ones(firms.n, dtype=bool),
            "smes_first": np.isin(firms.size_class, _SME),
            "leading_firms_first": firms.role == ROLES.index("lead"),
            "rti_network": firms.rti_member.copy(),
        }
        by_rule = {
            rule: tuple(tier for tier in (everyone[mask], everyone[~mask]) if tier.size)
            for rule, mask in masks.items()
        }
        return cls(by_rule=by_rule, first_tier=masks)

    def rank(self, rule: str, firm: NDArray[np.int64]) -> NDArray[np.int64]:
        """0 for firms in the rule's first tier, 1 for the others."""
        return (~self.first_tier[rule][firm]).astype(np.int64)


class Outreach:
    """How one instrument of one programme works through the firms of its targeting rule.

    Each tier is put in a random order once; the instrument then approaches firms
    in that order, wrapping around, so that nobody is approached twice before
    every firm of the tier has been approached once. Selecting costs
    O(firms approached), whatever the size of the district.
    """

    def __init__(self, tiers: tuple[NDArray[np.int64], ...]) -> None:
        self._tiers = tiers
        self._orders: list[NDArray[np.int64] | None] = [None] * len(tiers)
        self._cursors = [0] * len(tiers)

    def select(
        self,
        n_needed: int,
        acceptance: NDArray[np.float64],
        rng: np.random.Generator,
        eligible: Eligibility | None = None,
    ) -> NDArray[np.int64]:
        """Up to ``n_needed`` distinct firms that take up the offer, in the order they were approached.

        ``acceptance`` is every firm's probability of taking up the offer (see
        :func:`engagement`); ``eligible`` filters firms (for example, those that
        have not adopted the project's technology yet).
        """
        chosen: list[NDArray[np.int64]] = []
        missing = n_needed
        for index, tier in enumerate(self._tiers):
            order = self._orders[index]
            if order is None:
                order = self._orders[index] = rng.permutation(tier)
            approached = 0
            batch = 4 * missing + 8
            while missing > 0 and approached < tier.size:
                size = min(batch, tier.size - approached)
                hits, used = outreach_batch(
                    order,
                    self._cursors[index],
                    size,
                    rng.random(size),
                    acceptance,
                    missing,
                    eligible is not None,
                    _NO_TECHNOLOGIES if eligible is None else eligible.technologies,
                    0 if eligible is None else eligible.level,
                    _NO_STAGES if eligible is None else eligible.stage,
                    0 if eligible is None else eligible.n_technologies,
                )
                chosen.append(hits)
                missing -= hits.size
                approached += used
                self._cursors[index] = (self._cursors[index] + used) % tier.size
                batch *= 2
            if missing <= 0:
                break
        if len(chosen) == 1:
            return chosen[0]
        return np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)


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
