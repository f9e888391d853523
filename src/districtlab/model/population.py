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


def draw_trait(
    distribution: TraitDistribution, size_class: NDArray[np.int8], rng: np.random.Generator
) -> NDArray[np.float64]:
    """Draw a [0, 1] trait per firm from a Beta with a per-size-class mean."""
    mean = np.asarray(distribution.mean.as_tuple(), dtype=np.float64)[size_class]
    kappa = distribution.concentration
    interior = (mean > 0.0) & (mean < 1.0)
    trait = mean.copy()  # a mean of exactly 0 or 1 is a constant
    trait[interior] = rng.beta(mean[interior] * kappa, (1.0 - mean[interior]) * kappa)
    return trait


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


def draw_firms(
    population: Population, rng: np.random.Generator, *, observed: ObservedNetwork | None = None
) -> Firms:
    """Draw firms segment by segment, or take them from an observed network.

    Employees are log-uniform within the size class band (an assumption: within
    a band, firm size is roughly scale-free); large firms range up to
    ``population.max_employees``. Observed firms keep their role, size class,
    memberships and, where known, employees; their traits are drawn like any firm's.
    """
    role, size_class, segments = _roles_and_sizes(population, observed)
    n = int(role.size)

    low = np.array([SIZE_CLASS_EMPLOYEES[name][0] for name in SIZE_CLASSES], dtype=np.float64)
    high = np.array([SIZE_CLASS_EMPLOYEES[name][1] for name in SIZE_CLASSES], dtype=np.float64)
    high[-1] = population.max_employees
    log_low, log_high = np.log(low[size_class]), np.log(high[size_class] + 1.0)
    employees = np.floor(np.exp(rng.uniform(log_low, log_high, size=n)))
    employees = np.clip(employees, low[size_class], high[size_class])

    if observed is None:
        counts = np.array([segment.count for segment in segments], dtype=np.int64)
        rti_share = np.repeat(np.array([s.rti_member_share for s in segments]), counts)
        association_share = np.repeat(np.array([s.association_member_share for s in segments]), counts)
        rti_member = rng.random(n) < rti_share
        association_member = rng.random(n) < association_share
    else:
        known = np.array([f.employees is not None for f in observed.firms])
        employees[known] = [f.employees for f in observed.firms if f.employees is not None]
        rti_member = np.array([f.rti_member for f in observed.firms])
        association_member = np.array([f.association_member for f in observed.firms])

    return Firms(
        size_class=size_class,
        role=role,
        employees=employees,
        rti_member=rti_member,
        association_member=association_member,
        rti_affinity=draw_trait(population.rti_affinity, size_class, rng),
        legitimacy_threshold=draw_trait(population.legitimacy_threshold, size_class, rng),
        initial_absorptive_capacity=draw_trait(population.absorptive_capacity, size_class, rng),
    )
