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
from districtlab.model.clocks import PendingPairs, TransitionClocks
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
class GrantBook:
    """Grants awarded and not yet paid or lapsed; money is committed from the account at award."""

    pair: NDArray[np.int64]  # flat index firm * K + technology
    slot: NDArray[np.int64]  # programme slot that awarded it
    amount: NDArray[np.float64]
    expiry_month: NDArray[np.float64]

    @classmethod
    def empty(cls) -> GrantBook:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))

    def add(self, pair: NDArray[np.int64], slot: int, amount: NDArray[np.float64], expiry_month: float) -> None:
        self.pair = np.concatenate([self.pair, pair])
        self.slot = np.concatenate([self.slot, np.full(pair.size, slot, dtype=np.int64)])
        self.amount = np.concatenate([self.amount, amount])
        self.expiry_month = np.concatenate([self.expiry_month, np.full(pair.size, expiry_month)])

    def take(self, keep: NDArray[np.bool_]) -> GrantBook:
        """Remove the grants not kept and return them."""
        taken = GrantBook(self.pair[~keep], self.slot[~keep], self.amount[~keep], self.expiry_month[~keep])
        self.pair, self.slot = self.pair[keep], self.slot[keep]
        self.amount, self.expiry_month = self.amount[keep], self.expiry_month[keep]
        return taken


@dataclass
class DistrictState:
    """Dynamic state of firms, technologies and the RTI, plus running tallies."""

    stage: NDArray[np.int8]  # firms x technologies
    knowledge_channel: NDArray[np.int8]  # channel that made the pair knowledgeable
    seen_demonstration: NDArray[np.bool_]
    knowledge_clock: TransitionClocks  # towards knowledgeable
    adoption_clock: TransitionClocks  # knowledgeable towards adopted
    changed: PendingPairs  # pairs whose hazard inputs changed
    absorptive_capacity: NDArray[np.float64]
    gate: NDArray[np.float64]  # u(a_i, c_k), refreshed when a_i changes
    rti_competence: NDArray[np.float64]
    engaged: NDArray[np.bool_]  # has dealt with the RTI at least once
    n_adopted: NDArray[np.int16]
    # running tallies
    stage_counts: NDArray[np.int64]  # 4 x technologies: pairs at each stage
    adopted_by_group: NDArray[np.int64]  # technologies x size classes x roles
    adoptions_by_channel: NDArray[np.int64]  # channels x technologies x size classes
    visible_adopters: NDArray[np.int64]  # technologies
    grant_rate: NDArray[np.float64]  # firms x technologies: subsidy rate of a grant held, else 0
    legitimacy_applied: NDArray[np.float64]  # L_k already reflected in the adoption clocks
    grants: GrantBook = field(default_factory=lambda: GrantBook.empty())
    new_adoptions: list[tuple[NDArray[np.int64], NDArray[np.int64]]] = field(default_factory=list)

    def mark_changed(self, pairs: NDArray[np.int64]) -> None:
        """The hazards of these pairs (flat indices) may have changed; they are recomputed before use."""
        self.changed.add(pairs)

    def mark_firms_changed(self, firm: NDArray[np.int64]) -> None:
        k = self.stage.shape[1]
        self.mark_changed((firm[:, None] * k + np.arange(k)[None, :]).reshape(-1))

    def at_least(self) -> NDArray[np.int64]:
        """4 x technologies: pairs at stage >= level."""
        return np.cumsum(self.stage_counts[::-1], axis=0)[::-1]


def initial_state(
    firms: Firms,
    technologies: TechnologyArrays,
    gate_scale: float,
    rti_competence: NDArray[np.float64],
    thresholds: np.random.Generator,
) -> DistrictState:
    """The state before month 0; ``thresholds`` draws each pair's two Exp(1) thresholds."""
    n, k = firms.n, technologies.k
    state = DistrictState(
        stage=np.zeros((n, k), dtype=np.int8),
        knowledge_channel=np.full((n, k), -1, dtype=np.int8),
        seen_demonstration=np.zeros((n, k), dtype=bool),
        knowledge_clock=TransitionClocks(thresholds.standard_exponential(n * k)),
        adoption_clock=TransitionClocks(thresholds.standard_exponential(n * k)),
        changed=PendingPairs(),
        absorptive_capacity=firms.initial_absorptive_capacity.copy(),
        gate=absorptive_gate(firms.initial_absorptive_capacity, technologies.complexity, gate_scale),
        rti_competence=rti_competence.astype(np.float64).copy(),
        engaged=np.zeros(n, dtype=bool),
        n_adopted=np.zeros(n, dtype=np.int16),
        stage_counts=np.zeros((4, k), dtype=np.int64),
        adopted_by_group=np.zeros((k, len(SIZE_CLASSES), len(ROLES)), dtype=np.int64),
        adoptions_by_channel=np.zeros((len(CHANNELS), k, len(SIZE_CLASSES)), dtype=np.int64),
        visible_adopters=np.zeros(k, dtype=np.int64),
        grant_rate=np.zeros((n, k)),
        legitimacy_applied=np.full(k, -1.0),
    )
    state.stage_counts[UNAWARE] = n
    return state


def _raise(state: DistrictState, firm: NDArray[np.int64], tech: NDArray[np.int64], level: int) -> NDArray[np.bool_]:
    """Raise pairs to ``level``; return which of them moved. Pairs must be unique."""
    old = state.stage[firm, tech]
    moved = old < level
    if not moved.any():
        return moved
    firm, tech, old = firm[moved], tech[moved], old[moved]
    state.stage[firm, tech] = level
    k = state.stage.shape[1]
    state.mark_changed(firm * k + tech)
    state.stage_counts -= np.bincount(old.astype(np.int64) * k + tech, minlength=4 * k).reshape(4, k)
    state.stage_counts[level] += np.bincount(tech, minlength=k)
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
    np.add.at(state.n_adopted, firm, 1)
    if adoption_learning > 0.0:
        raise_absorptive_capacity(state, firm, adoption_learning, complexity, gate_scale)
    state.new_adoptions.append((firm, tech))
    return new


def raise_absorptive_capacity(
    state: DistrictState,
    firm: NDArray[np.int64],
    gain: float,
    complexity: NDArray[np.float64],
    gate_scale: float,
) -> None:
    """a <- a + gain (1 - a) once per occurrence of a firm in ``firm``; refresh the gate rows."""
    firm, occurrences = np.unique(firm, return_counts=True)
    state.absorptive_capacity[firm] = 1.0 - (1.0 - state.absorptive_capacity[firm]) * (1.0 - gain) ** occurrences
    state.gate[firm] = absorptive_gate(state.absorptive_capacity[firm], complexity, gate_scale)
    state.mark_firms_changed(firm)


def pop_new_adoptions(state: DistrictState) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    if not state.new_adoptions:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    firm = np.concatenate([pair[0] for pair in state.new_adoptions])
    tech = np.concatenate([pair[1] for pair in state.new_adoptions])
    state.new_adoptions.clear()
    return firm, tech
