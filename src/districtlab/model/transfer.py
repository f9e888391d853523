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
from districtlab.model.adoption import (
    decision_buffers,
    postponement_arrays,
    step_legitimacy,
    utility_arguments,
)
from districtlab.model.context import RunData, Step, Streams
from districtlab.model.kernels import (
    HazardArrays,
    awareness_schedule,
    become_aware_until,
    hazard_arrays,
    refresh_marked_knowledge_clocks,
    transfer_knowledge_with,
)
from districtlab.model.networks import Exposure
from districtlab.model.state import (
    CHANNEL,
    RTI_CHANNEL_FLAGS,
    DistrictState,
)

_CHANNEL_OF_TERM = np.array(
    [CHANNEL["background"], CHANNEL["imitation"], CHANNEL["supply_chain"]], dtype=np.int8
)
_NO_PAIRS = np.zeros(0, dtype=np.int64)


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
        # exponential(1) * (1 / p_k) for the unaware pairs, kept when before the horizon, in time order
        flat, times = awareness_schedule(
            rng.exponential(1.0, size=n * k), hazard, state.stage_flat, horizon, k
        )
        return cls(flat_pairs=flat, times=times)


def background_awareness(
    data: RunData, state: DistrictState, step: Step, schedule: AwarenessSchedule
) -> None:
    """Pairs whose background awareness time falls before the end of the step become aware (one kernel call)."""
    moved, schedule.cursor = become_aware_until(
        step.month + data.dt,
        schedule.times,
        schedule.flat_pairs,
        schedule.cursor,
        state.stage_flat,
        state.stage_counts_flat,
        state.n_technologies,
    )
    state.changed.add(moved)


def refresh_knowledge_rates(
    data: RunData, state: DistrictState, exposure: Exposure, marked: NDArray[np.int64], now: float
) -> NDArray[np.int64]:
    """Bring the knowledge clocks of the marked pairs not yet knowledgeable up to date; return the knowledgeable ones.

    ``marked`` are the pairs taken from ``state.changed`` (:meth:`PendingPairs.take_marked`),
    duplicates included: the kernel removes them first. The rate is the sum of the three
    terms (:func:`districtlab.model.kernels.knowledge_terms`); adopted pairs are left alone.
    """
    return refresh_marked_knowledge_clocks(
        marked, state.changed.flags, now, *knowledge_clock_arguments(data, state, exposure)
    )


def knowledge_clock_arguments(data: RunData, state: DistrictState, exposure: Exposure) -> tuple[Any, ...]:
    """What the knowledge-clock kernels take after the pairs and the time, in their order:
    the hazard's terms, then the clock's arrays (built once per run: ``state.kernel_arguments``)."""
    cached = state.kernel_arguments.get("knowledge_clock")
    if cached is None:
        cached = state.kernel_arguments["knowledge_clock"] = (
            *knowledge_hazard_arguments(data, state, exposure),
            *state.knowledge_clock.arrays(),
        )
    return cached


def knowledge_hazard_arguments(data: RunData, state: DistrictState, exposure: Exposure) -> tuple[Any, ...]:
    """What every knowledge kernel takes to compute the three terms of the hazard, in their order.

    Every entry is an array updated in place or a constant of the run, so the kernels'
    argument tuples that start with it are kept for the run (:func:`knowledge_clock_arguments`).
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
    """Refresh the knowledge clocks of the pairs marked; those whose clock runs out this step become knowledgeable.

    Rates are set from the start of the step (``schedule.refresh_hazards``).
    Only the knowledge clocks are brought up to date here: the adoption clocks
    are not read until the adoption decision, so marked pairs that are
    knowledgeable are marked again and refreshed once, then, with everything
    the grants and legitimacy changed in between (refreshing a clock twice at
    the same time gives exactly the clock refreshed once with the later rate).

    A pair that an instrument made knowledgeable earlier keeps its old clock
    until it runs out here; it then draws a channel like any other pair and is
    left as it is (all its terms count as 0). One kernel call does it all
    (:func:`districtlab.model.kernels.refresh_and_transfer_knowledge`, its run's arrays in one
    handle: :func:`hazard_handle`).
    """
    # adoptions enter P at the end of the step that made them, and no adoption happens before
    # this sub-step, so the buyers adopted now are exactly those counted in P
    changed = state.changed
    marked = changed.take_marked()
    # the knowledgeable pairs marked (to refresh their adoption clocks), then the pairs that moved
    changed.add(
        transfer_knowledge_with(
            _NO_PAIRS if marked is None else marked,
            step.month,
            step.month + data.dt,
            not data.behaviour.immediate_adoption,
            hazard_handle(data, state, exposure, streams),
        )
    )


def _transfer_arguments(data: RunData, state: DistrictState, exposure: Exposure) -> tuple[Any, ...]:
    """What :func:`~districtlab.model.kernels.refresh_and_transfer_knowledge` takes after the stream.

    The knowledge clocks' arguments, then what the attribution of a channel and the tallies
    read; every entry is an array updated in place or a constant of the run, so the tuple is
    built once per run (``state.kernel_arguments``).
    """
    cached = state.kernel_arguments.get("transfer")
    if cached is None:
        buyers_indptr, buyers = exposure.buyers_of_sellers
        cached = state.kernel_arguments["transfer"] = (
            *knowledge_clock_arguments(data, state, exposure),
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
        )
    return cached


def hazard_handle(data: RunData, state: DistrictState, exposure: Exposure, streams: Streams) -> HazardArrays:
    """The :class:`~districtlab.model.kernels.HazardArrays` handle of the run (built once per run).

    What :func:`_transfer_arguments` gives, then the utility's arguments but the exposure
    arrays, then the scratch flags of the marked pairs, then the postponement queue
    (:func:`~districtlab.model.adoption.postponement_arrays`), then the stream that attributes
    the channels, then the buffers of the pairs refreshed before the adoption decision
    (:func:`~districtlab.model.adoption.decision_buffers`), then what that refresh takes that is
    fixed for the run (the step's L_k is the run's one Step's array): the arrays the knowledge transfer and the refresh before the adoption decision
    take, passed as one argument.
    """
    cached = state.kernel_arguments.get("hazard")
    if cached is None:
        utility = utility_arguments(data, state, exposure)
        cached = state.kernel_arguments["hazard"] = (
            hazard_arrays(
                *_transfer_arguments(data, state, exposure),
                *utility[:5],
                *utility[10:],
                state.changed.flags,
                *postponement_arrays(data, state)[1:],
                streams.attribution_in_kernels,
                *decision_buffers(state)[:2],
                0.5 * data.behaviour.utility_slope,
                step_legitimacy(data, data.step),
                data.behaviour.legitimacy_bonus > 0.0 and data.mechanisms.legitimacy,
                state.legitimacy_applied,
                *data.legitimacy_order,
            ),
        )
    handle: HazardArrays = cached[0]
    return handle
