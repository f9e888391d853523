"""Draw the district's firms from the population configuration (ODD.md §I.ii and §III.ii)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from districtlab.config import (
    ROLES,
    SIZE_CLASS_EMPLOYEES,
    SIZE_CLASSES,
    FirmSegment,
    ObservedNetwork,
    Population,
)
from districtlab.config.population import TraitDistribution
from districtlab.model.cache import IdentityCache


@dataclass(frozen=True)
class Firms:
    """Static attributes of the firms, one entry per firm (struct of arrays)."""

    size_class: NDArray[np.int8]
    role: NDArray[np.int8]
    employees: NDArray[np.float64]
    rti_member: NDArray[np.bool_]
    association_member: NDArray[np.bool_]
    rti_affinity: NDArray[np.float64]
    legitimacy_threshold: NDArray[np.float64]
    initial_absorptive_capacity: NDArray[np.float64]

    @property
    def n(self) -> int:
        return int(self.size_class.shape[0])


@dataclass(frozen=True)
class _Trait:
    """A trait's per-firm Beta parameters (fixed by the population): mean, which firms draw, and a, b."""

    mean: NDArray[np.float64]
    interior: NDArray[np.bool_]  # 0 < mean < 1: drawn; a mean of exactly 0 or 1 is a constant
    a: NDArray[np.float64]
    b: NDArray[np.float64]

    @classmethod
    def of(cls, distribution: TraitDistribution, size_class: NDArray[np.int8]) -> _Trait:
        mean = np.asarray(distribution.mean.as_tuple(), dtype=np.float64)[size_class]
        kappa = distribution.concentration
        interior = (mean > 0.0) & (mean < 1.0)
        return cls(mean, interior, mean[interior] * kappa, (1.0 - mean[interior]) * kappa)

    def draw(self, rng: np.random.Generator) -> NDArray[np.float64]:
        if self.a.size == self.mean.size:  # every firm draws (the usual case): no copy, no mask
            return rng.beta(self.a, self.b)
        trait = self.mean.copy()
        trait[self.interior] = rng.beta(self.a, self.b)
        return trait


def draw_trait(
    distribution: TraitDistribution, size_class: NDArray[np.int8], rng: np.random.Generator
) -> NDArray[np.float64]:
    """Draw a [0, 1] trait per firm from a Beta with a per-size-class mean."""
    return _Trait.of(distribution, size_class).draw(rng)


def _roles_and_sizes(
    population: Population, observed: ObservedNetwork | None
) -> tuple[NDArray[np.int8], NDArray[np.int8], list[FirmSegment]]:
    """Role and size class per firm: segment by segment, or the observed firms in their order."""
    segments = [segment for segment in population.segments if segment.count > 0]
    if observed is not None:
        role = np.array([ROLES.index(f.role) for f in observed.firms], dtype=np.int8)
        size_class = np.array([SIZE_CLASSES.index(f.size_class) for f in observed.firms], dtype=np.int8)
        return role, size_class, segments
    counts = np.array([segment.count for segment in segments], dtype=np.int64)
    size_class = np.repeat(
        np.array([SIZE_CLASSES.index(s.size_class) for s in segments], dtype=np.int8), counts
    )
    role = np.repeat(np.array([ROLES.index(s.role) for s in segments], dtype=np.int8), counts)
    return role, size_class, segments


@dataclass(frozen=True)
class _ObservedFirms:
    """What an observed network says about its firms: employees where known, and memberships."""

    known: NDArray[np.bool_]
    employees: NDArray[np.float64]  # of the firms whose employees are known, in order
    rti_member: NDArray[np.bool_]
    association_member: NDArray[np.bool_]


@dataclass(frozen=True)
class _Layout:
    """Everything about the firms that the population fixes before any draw (per firm).

    Computed once per (population, observed network) and never handed to a run
    itself: a run gets copies, so nothing a run does can reach the next one.
    """

    role: NDArray[np.int8]
    size_class: NDArray[np.int8]
    log_low: NDArray[np.float64]  # employee band, log scale (the draw): low, and high - low
    log_range: NDArray[np.float64]
    low: NDArray[np.float64]  # employee band (the clip)
    high: NDArray[np.float64]
    membership_shares: NDArray[np.float64] | None  # RTI's per firm, then the association's
    observed: _ObservedFirms | None
    traits: tuple[_Trait, _Trait, _Trait]  # rti affinity, legitimacy threshold, absorptive capacity

    @classmethod
    def of(cls, population: Population, observed: ObservedNetwork | None) -> _Layout:
        role, size_class, segments = _roles_and_sizes(population, observed)
        low = np.array([SIZE_CLASS_EMPLOYEES[name][0] for name in SIZE_CLASSES], dtype=np.float64)
        high = np.array([SIZE_CLASS_EMPLOYEES[name][1] for name in SIZE_CLASSES], dtype=np.float64)
        high[-1] = population.max_employees
        shares = observed_firms = None
        if observed is None:
            counts = np.array([segment.count for segment in segments], dtype=np.int64)
            shares = np.concatenate(
                (
                    np.repeat(np.array([s.rti_member_share for s in segments]), counts),
                    np.repeat(np.array([s.association_member_share for s in segments]), counts),
                )
            )
        else:
            observed_firms = _ObservedFirms(
                known=np.array([f.employees is not None for f in observed.firms]),
                employees=np.array(
                    [f.employees for f in observed.firms if f.employees is not None], dtype=np.float64
                ),
                rti_member=np.array([f.rti_member for f in observed.firms]),
                association_member=np.array([f.association_member for f in observed.firms]),
            )
        log_low = np.log(low[size_class])
        return cls(
            role=role,
            size_class=size_class,
            log_low=log_low,
            log_range=np.subtract(np.log(high[size_class] + 1.0), log_low),  # as rng.uniform works it out
            low=low[size_class],
            high=high[size_class],
            membership_shares=shares,
            observed=observed_firms,
            traits=(
                _Trait.of(population.rti_affinity, size_class),
                _Trait.of(population.legitimacy_threshold, size_class),
                _Trait.of(population.absorptive_capacity, size_class),
            ),
        )


#: Layouts by the identity of their (frozen) population and observed network.
_layout = IdentityCache(_Layout.of)
#: Larger districts work their layout out afresh: it costs little beside such a run, and keeping
#: it would hold about 120 bytes per firm (120 MB at a million firms) after the run.
MOST_FIRMS_CACHED = 50_000


def draw_firms(
    population: Population, rng: np.random.Generator, *, observed: ObservedNetwork | None = None
) -> Firms:
    """Draw firms segment by segment, or take them from an observed network.

    Employees are log-uniform within the size class band (an assumption: within
    a band, firm size is roughly scale-free); large firms range up to
    ``population.max_employees``. Observed firms keep their role, size class,
    memberships and, where known, employees; their traits are drawn like any firm's.
    What the population fixes (roles, sizes, bands, shares, Beta parameters) is
    worked out once per population and copied into each run.
    """
    n_firms = population.n_firms if observed is None else len(observed.firms)
    layout = (
        _layout(population, observed) if n_firms <= MOST_FIRMS_CACHED else _Layout.of(population, observed)
    )
    n = int(layout.role.size)
    # rng.uniform(low, high) is low + (high - low) * rng.random(), number for number; drawn firms
    # also draw their memberships next, so the three draws of n are made as one draw of 3 n
    draws = rng.random(n if layout.observed is not None else 3 * n)
    employees = np.multiply(layout.log_range, draws[:n])
    np.add(layout.log_low, employees, out=employees)
    np.exp(employees, out=employees)
    np.floor(employees, out=employees)
    np.clip(employees, layout.low, layout.high, out=employees)
    if layout.observed is None:
        assert layout.membership_shares is not None
        member = draws[n:] < layout.membership_shares
        rti_member, association_member = member[:n], member[n:]
    else:
        employees[layout.observed.known] = layout.observed.employees
        rti_member = layout.observed.rti_member.copy()
        association_member = layout.observed.association_member.copy()
    rti_affinity, legitimacy, capacity = layout.traits
    return Firms(
        size_class=layout.size_class.copy(),
        role=layout.role.copy(),
        employees=employees,
        rti_member=rti_member,
        association_member=association_member,
        rti_affinity=rti_affinity.draw(rng),
        legitimacy_threshold=legitimacy.draw(rng),
        initial_absorptive_capacity=capacity.draw(rng),
    )
