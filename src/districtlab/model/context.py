"""What every submodel of a step can read: the run's fixed data and the start-of-step snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from districtlab.config import Behaviour, DistrictMechanisms
from districtlab.model.kernels import RandomStream, engage, random_stream
from districtlab.model.networks import FirmNetworks
from districtlab.model.population import Firms
from districtlab.model.programmes import PROGRAMME_SLOTS, SPEND_LINES, UNIT_LINES
from districtlab.model.state import DistrictState
from districtlab.model.targeting import Tiers
from districtlab.model.technologies import TechnologyArrays


@dataclass(frozen=True)
class RunData:
    """Fixed for the whole run."""

    firms: Firms
    technologies: TechnologyArrays
    behaviour: Behaviour
    log_benefit_cost: NDArray[np.float64]  # per pair (flat firm * K + technology): log B_ik - log C_ik
    legitimacy_order: tuple[
        NDArray[np.int64], NDArray[np.float64]
    ]  # firms by threshold, and the sorted thresholds
    visible: NDArray[np.float64]  # per firm: weight of its adoptions in the legitimacy numerator
    visibility_total: float  # the legitimacy denominator: visibility without the association's boost
    tiers: Tiers
    rti_enabled: bool
    staff_days_per_month: float
    event_reach_multiplier: float
    competence_gain: float
    dt: float
    mechanisms: DistrictMechanisms
    networks: FirmNetworks
    is_lead: NDArray[np.bool_]  # per firm

    @cached_property
    def adoption_cost(self) -> NDArray[np.float64]:
        """Per pair (flat firm * K + technology): C_ik = max(fixed_k + per_employee_k employees_i, 1).

        Computed on first use (only programmes with grants need it for every pair).
        """
        technologies = self.technologies
        cost = (
            technologies.cost_fixed[None, :]
            + technologies.cost_per_employee[None, :] * self.firms.employees[:, None]
        )
        return np.maximum(cost, 1.0).reshape(-1)

    @cached_property
    def all_technologies(self) -> NDArray[np.int64]:
        """0, 1, ..., K - 1."""
        return np.arange(self.technologies.k, dtype=np.int64)

    @cached_property
    def step(self) -> Step:
        """The run's one :class:`Step`, reused by every step (``schedule.start_step`` zeroes and sets it)."""
        return Step.blank(len(PROGRAMME_SLOTS), self.technologies.k)

    @cached_property
    def requirement_by_pressure(self) -> NDArray[np.float64]:
        """The buyers' requirement term of the utility by number P of adopting buyers (0 to the most buyers).

        bonus * (1 - (1 - share)^P), the chance that at least one of P adopting buyers requires
        the technology; empty when the mechanism is off. Tabled once per run in numpy (it takes
        ``expm1``; see :mod:`districtlab.model.kernels`).
        """
        behaviour = self.behaviour
        if not (self.mechanisms.buyer_requirements and behaviour.buyer_requirement_share > 0.0):
            return np.zeros(0)
        most_buyers = int(np.bincount(self.networks.supply.indices, minlength=1).max())
        never = np.log1p(
            -min(behaviour.buyer_requirement_share, 1.0 - 1e-12)
        )  # log P(a buyer does not require)
        pressure = np.arange(most_buyers + 1, dtype=np.float64)
        return behaviour.buyer_requirement_bonus * -np.expm1(pressure * never)


@dataclass
class Step:
    """One step: its time, the start-of-step snapshot, and what it spends.

    A run keeps one Step (``RunData.step``) and sets it anew at the start of
    every step; its five records of flows are views of ``records``, zeroed then
    in one call.
    """

    index: int
    month: float
    legitimacy: NDArray[np.float64]  # L_k: adoption share among visible firms at the start of the step
    staff_days_left: float
    released: NDArray[np.float64]  # programmes: budget made available in this step
    spend: NDArray[np.float64]  # programmes x spend lines, this step
    units: NDArray[np.float64]  # programmes x unit lines, this step
    private: NDArray[np.float64]  # programmes: firms' own spending on supported adoptions and co-funding
    post_programme: NDArray[np.float64]  # programmes: running costs the RTI pays after the programme
    records: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))  # holds the five above

    @classmethod
    def blank(cls, n_slots: int, n_technologies: int) -> Step:
        """A step before month 0 whose records (all zero) are views of one buffer."""
        n_spend, n_units = len(SPEND_LINES), len(UNIT_LINES)
        records = np.zeros(n_slots * (3 + n_spend + n_units))
        ends = np.cumsum([n_slots, n_slots * n_spend, n_slots * n_units, n_slots])
        released, spend, units, private, post_programme = np.split(records, ends)
        return cls(
            index=-1,
            month=0.0,
            legitimacy=np.zeros(n_technologies),
            staff_days_left=0.0,
            released=released,
            spend=spend.reshape(n_slots, n_spend),
            units=units.reshape(n_slots, n_units),
            private=private,
            post_programme=post_programme,
            records=records,
        )


@dataclass
class Streams:
    """Random streams of the dynamics: one per programme slot (so that the RTI's core services
    draw the same numbers whatever programme runs beside them), and one for attributing channels.

    Each stream is also given as a :class:`~districtlab.model.kernels.RandomStream`, the handle a
    compiled kernel draws from (``*_in_kernels``, made on first use): the same generator, so draws made by numpy and by
    kernels follow one another in one sequence.
    """

    programmes: tuple[np.random.Generator, ...]
    attribution: np.random.Generator
    decisions: np.random.Generator  # rejection and postponement

    @cached_property
    def programmes_in_kernels(self) -> tuple[RandomStream, ...]:
        return tuple(random_stream(rng) for rng in self.programmes)

    @cached_property
    def attribution_in_kernels(self) -> RandomStream:
        return random_stream(self.attribution)

    @cached_property
    def decisions_in_kernels(self) -> RandomStream:
        return random_stream(self.decisions)


def mark_engaged(state: DistrictState, step: Step, firm: NDArray[np.int64]) -> None:
    """Record that firms dealt with the RTI (for engagement by size class)."""
    engage(firm, state.engaged, state.size_class, state.engaged_by_size)
