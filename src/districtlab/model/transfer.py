"""Background awareness and inter-firm transfer of knowledge (ODD.md §I.iii, steps 1 and 4, and §II.vi).

Hazards from independent sources combine as rates. For a pair (i, k) that is
not yet knowledgeable, the hazard of becoming knowledgeable this step is

    learning_k u_ik [aware]  +  q_k E_ik u_ik  +  h_sc P_ik u_ik

(vendor learning, imitation of adopters, and the two-step flow: P_ik counts i's
buyers that have adopted k; the receiving firm's absorptive capacity gates it,
issue 9). A supply-chain transfer is credited to a lead-firm buyer whose own
knowledge came from the RTI (``two_step``), to another lead-firm buyer
(``lead_firm``) or to another buyer (``supply_chain``), in proportion to the
adopting buyers of each kind. E and P are read as they were at the start of the
step. A pair moves when its integrated hazard passes an Exp(1) threshold drawn
once per run (:mod:`districtlab.model.clocks`): the same law as a Bernoulli draw
of 1 - exp(-H dt) each step. The channel is then drawn in proportion to the three
terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from districtlab.config import SIZE_CLASSES
from districtlab.model.arrays import stable_argsort
from districtlab.model.context import RunData, Step, Streams
from districtlab.model.kernels import (
    awareness_due,
    refresh_marked_knowledge_clocks,
    transfer_due_knowledge,
)
from districtlab.model.networks import Exposure
from districtlab.model.state import (
    CHANNEL,
    RTI_CHANNEL_FLAGS,
    DistrictState,
    make_aware,
)

_CHANNEL_OF_TERM = np.array(
    [CHANNEL["background"], CHANNEL["imitation"], CHANNEL["supply_chain"]], dtype=np.int8
)


@dataclass
class AwarenessSchedule:
    """Background awareness times, drawn once per run and served in time order.

    With a constant hazard p_k the waiting time to awareness is Exp(p_k); drawing
    it once is the same in law as a Bernoulli draw each step.
    """

    flat_pairs: NDArray[np.int64]  # pair indices (firm * K + technology) sorted by time
    times: NDArray[np.float64]
    cursor: int = 0

    @classmethod
    def draw(
        cls, state: DistrictState, hazard: NDArray[np.float64], horizon: float, rng: np.random.Generator
    ) -> AwarenessSchedule:
        n, k = state.stage.shape
        with np.errstate(divide="ignore"):
            scale = np.where(hazard > 0.0, 1.0 / hazard, np.inf)
        # exponential(1) * scale_k for the unaware pairs, kept when before the horizon
        flat, due = awareness_due(
            rng.exponential(1.0, size=(n, k)).reshape(-1), scale, state.stage_flat, horizon, k
        )
        order = stable_argsort(due)
        return cls(flat_pairs=flat[order], times=due[order])

    def due(self, until: float) -> NDArray[np.int64]:
        end = int(np.searchsorted(self.times, until, side="left"))
        pairs = self.flat_pairs[self.cursor : end]
        self.cursor = end
        return pairs


def background_awareness(
    data: RunData, state: DistrictState, step: Step, schedule: AwarenessSchedule
) -> None:
    make_aware(state, schedule.due(step.month + data.dt))


def refresh_knowledge_rates(
    data: RunData, state: DistrictState, exposure: Exposure, marked: NDArray[np.int64], now: float
) -> NDArray[np.int64]:
    """Bring the knowledge clocks of the marked pairs not yet knowledgeable up to date; return the knowledgeable ones.

    ``marked`` are the pairs taken from ``state.changed`` (:meth:`PendingPairs.take_marked`),
    duplicates included: the kernel removes them first. The rate is the sum of the three
    terms (:func:`districtlab.model.kernels.knowledge_terms`); adopted pairs are left alone.
    """
    return refresh_marked_knowledge_clocks(
        marked, *state.changed.scratch(), now, *knowledge_clock_arguments(data, state, exposure)
    )


def knowledge_clock_arguments(data: RunData, state: DistrictState, exposure: Exposure) -> tuple[Any, ...]:
    """What the knowledge-clock kernels take after the pairs and the time, in their order:
    the hazard's terms, then the clock's arrays."""
    return (*knowledge_hazard_arguments(data, state, exposure), *state.knowledge_clock.arrays())


def knowledge_hazard_arguments(data: RunData, state: DistrictState, exposure: Exposure) -> tuple[Any, ...]:
    """What every knowledge kernel takes to compute the three terms of the hazard, in their order.

    Every entry is an array updated in place or a constant of the run, so the tuple
    could be kept; it is rebuilt per call because ``exposure.complete_divisor`` is a float.
    """
    technologies, mechanisms = data.technologies, data.mechanisms
    return (
        technologies.k,
        state.stage_flat,
        state.gate_flat,
        technologies.learning_hazard,
        technologies.imitation_strength,
        data.behaviour.supply_chain_hazard,
        mechanisms.peer_imitation,
        mechanisms.supply_chain_transfer,
        exposure.numerator,
        exposure.inverse_weight,
        exposure.adopters,
        exposure.complete_divisor,
        exposure.pressure_flat,
    )


def transfer_knowledge(
    data: RunData, state: DistrictState, step: Step, streams: Streams, exposure: Exposure
) -> None:
    """Pairs whose knowledge clock runs out this step become knowledgeable, by the channel drawn.

    A pair that an instrument made knowledgeable earlier keeps its old clock
    until it runs out here; it then draws a channel like any other pair and is
    left as it is (all its terms count as 0).
    """
    clock = state.knowledge_clock
    moving = clock.due_before(step.month + data.dt)
    if moving.size == 0:
        return
    # adoptions enter P at the end of the step that made them, and no adoption happens before
    # this sub-step, so the buyers adopted now are exactly those counted in P
    buyers_indptr, buyers = exposure.buyers_of_sellers
    attribution_and_tallies: tuple[Any, ...] = (
        state.knowledge_channel_flat,
        data.is_lead,
        RTI_CHANNEL_FLAGS,
        buyers_indptr,
        buyers,
        _CHANNEL_OF_TERM,
        CHANNEL["two_step"],
        CHANNEL["lead_firm"],
        state.stage_counts_flat,
        state.knowledge_by_channel.reshape(-1),
        state.size_class,
        len(SIZE_CLASSES),
        clock.rate,
        clock.due,
    )
    moved = transfer_due_knowledge(
        moving,
        streams.attribution.random(moving.size),
        *knowledge_hazard_arguments(data, state, exposure),
        *attribution_and_tallies,
    )
    state.changed.add(moved)
