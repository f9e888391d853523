"""The mutable state of one run, and the only functions that move firms up the stage ladder.

Stages per firm and technology: 0 unaware, 1 aware, 2 knowledgeable, 3 adopted.
Stages never go back. Every change of stage goes through :func:`make_aware`,
:func:`make_knowledgeable` or :func:`adopt`, which keep the running tallies the
observers read (so a step never recounts the whole firms x technologies array).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from districtlab.config import ROLES, SIZE_CLASSES
from districtlab.model.population import Firms
from districtlab.model.technologies import TechnologyArrays, absorptive_gate

UNAWARE, AWARE, KNOWLEDGEABLE, ADOPTED = 0, 1, 2, 3

#: Channels through which a firm came to adopt a technology (MODEL.md §3.7).
CHANNELS: tuple[str, ...] = (
    "initial",  # had adopted at month 0
    "background",  # vendors and technology suppliers
    "diagnostic",
    "demonstrator",
    "project",
    "imitation",
    "supply_chain",
    "legitimacy",
    "grant",
)
CHANNEL = {name: code for code, name in enumerate(CHANNELS)}
#: Channels in which the RTI dealt with the firm directly (grants are paid by the programme, not the RTI).
RTI_CHANNELS: tuple[str, ...] = ("diagnostic", "demonstrator", "project")


@dataclass
class DistrictState:
    """Dynamic state of firms, technologies and the RTI, plus running tallies."""

    stage: NDArray[np.int8]  # firms x technologies
    knowledge_channel: NDArray[np.int8]  # channel that made the pair knowledgeable
    seen_demonstration: NDArray[np.bool_]
    knowledge_clock: NDArray[np.float64]  # cumulative hazard towards knowledgeable
    knowledge_threshold: NDArray[np.float64]  # Exp(1) thresholds: transition when clock >= threshold
    adoption_clock: NDArray[np.float64]
    adoption_threshold: NDArray[np.float64]
    absorptive_capacity: NDArray[np.float64]
    gate: NDArray[np.float64]  # u(a_i, c_k), refreshed when a_i changes
    rti_competence: NDArray[np.float64]
    engaged: NDArray[np.bool_]  # has dealt with the RTI at least once
    n_adopted: NDArray[np.int16]
    # running tallies
    at_least: NDArray[np.int64]  # 4 x technologies: pairs with stage >= level
    adopted_by_group: NDArray[np.int64]  # technologies x size classes x roles
    maturity_histogram: NDArray[np.int64]  # firms by number of technologies adopted
    adoptions_by_channel: NDArray[np.int64]  # channels x technologies x size classes
    visible_adopters: NDArray[np.int64]  # technologies
    new_adoptions: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = field(default_factory=list)


def initial_state(
    firms: Firms, technologies: TechnologyArrays, gate_scale: float, rti_competence: NDArray[np.float64]
) -> DistrictState:
    n, k = firms.n, technologies.k
    state = DistrictState(
        stage=np.zeros((n, k), dtype=np.int8),
        knowledge_channel=np.full((n, k), -1, dtype=np.int8),
        seen_demonstration=np.zeros((n, k), dtype=bool),
        knowledge_clock=np.zeros((n, k)),
        knowledge_threshold=np.zeros((n, k)),
        adoption_clock=np.zeros((n, k)),
        adoption_threshold=np.zeros((n, k)),
        absorptive_capacity=firms.initial_absorptive_capacity.copy(),
        gate=absorptive_gate(firms.initial_absorptive_capacity, technologies.complexity, gate_scale),
        rti_competence=rti_competence.astype(np.float64).copy(),
        engaged=np.zeros(n, dtype=bool),
        n_adopted=np.zeros(n, dtype=np.int16),
        at_least=np.zeros((4, k), dtype=np.int64),
        adopted_by_group=np.zeros((k, len(SIZE_CLASSES), len(ROLES)), dtype=np.int64),
        maturity_histogram=np.zeros(k + 1, dtype=np.int64),
        adoptions_by_channel=np.zeros((len(CHANNELS), k, len(SIZE_CLASSES)), dtype=np.int64),
        visible_adopters=np.zeros(k, dtype=np.int64),
    )
    state.at_least[UNAWARE] = n
    state.maturity_histogram[0] = n
    return state


def _raise(state: DistrictState, firm: NDArray[np.int64], tech: NDArray[np.int64], level: int) -> NDArray[np.bool_]:
    """Raise pairs to ``level``; return which of them moved. Pairs must be unique."""
    old = state.stage[firm, tech]
    moved = old < level
    if not moved.any():
        return moved
    firm, tech, old = firm[moved], tech[moved], old[moved]
    state.stage[firm, tech] = level
    for threshold in range(AWARE, level + 1):
        crossed = old < threshold
        np.add.at(state.at_least[threshold], tech[crossed], 1)
    return moved


def make_aware(state: DistrictState, firm: NDArray[np.int64], tech: NDArray[np.int64]) -> None:
    _raise(state, firm, tech, AWARE)


def make_knowledgeable(
    state: DistrictState, firm: NDArray[np.int64], tech: NDArray[np.int64], channel: NDArray[np.int8]
) -> NDArray[np.bool_]:
    """Raise unique pairs to knowledgeable, recording each pair's channel; return which moved."""
    moved = _raise(state, firm, tech, KNOWLEDGEABLE)
    state.knowledge_channel[firm[moved], tech[moved]] = channel[moved]
    return moved


def adopt(
    state: DistrictState,
    firms: Firms,
    visible: NDArray[np.bool_],
    firm: NDArray[np.int64],
    tech: NDArray[np.int64],
    channel: NDArray[np.int8],
    adoption_learning: float,
    complexity: NDArray[np.float64],
    gate_scale: float,
) -> NDArray[np.bool_]:
    """Adopt unique pairs, crediting each adoption to ``channel``; return which were new.

    Updates the tallies, raises absorptive capacity (learning by adopting, MODEL.md
    §3.6) and queues the adoptions for the exposure update at the end of the step.
    """
    new = state.stage[firm, tech] < ADOPTED
    firm, tech, channel = firm[new], tech[new], channel[new]
    if firm.size == 0:
        return new
    unknown = state.stage[firm, tech] < KNOWLEDGEABLE  # initial adopters know what they adopted
    state.knowledge_channel[firm[unknown], tech[unknown]] = channel[unknown]
    _raise(state, firm, tech, ADOPTED)

    size = firms.size_class[firm]
    np.add.at(state.adopted_by_group, (tech, size, firms.role[firm]), 1)
    np.add.at(state.adoptions_by_channel, (channel, tech, size), 1)
    np.add.at(state.visible_adopters, tech[visible[firm]], 1)

    unique_firm, count = np.unique(firm, return_counts=True)
    before = state.n_adopted[unique_firm]
    np.subtract.at(state.maturity_histogram, before, 1)
    np.add.at(state.maturity_histogram, before + count, 1)
    state.n_adopted[unique_firm] = before + count

    if adoption_learning > 0.0:
        remaining_gap = (1.0 - adoption_learning) ** count
        raise_absorptive_capacity(state, unique_firm, remaining_gap, complexity, gate_scale)
    state.new_adoptions.append((firm, tech))
    return new


def raise_absorptive_capacity(
    state: DistrictState,
    firm: NDArray[np.int64],
    remaining_gap: NDArray[np.float64] | float,
    complexity: NDArray[np.float64],
    gate_scale: float,
) -> None:
    """a <- 1 - (1 - a) * remaining_gap for unique firms, and refresh their gate row."""
    state.absorptive_capacity[firm] = 1.0 - (1.0 - state.absorptive_capacity[firm]) * remaining_gap
    state.gate[firm] = absorptive_gate(state.absorptive_capacity[firm], complexity, gate_scale)


def pop_new_adoptions(state: DistrictState) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    if not state.new_adoptions:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    firm = np.concatenate([pair[0] for pair in state.new_adoptions])
    tech = np.concatenate([pair[1] for pair in state.new_adoptions])
    state.new_adoptions.clear()
    return firm, tech
