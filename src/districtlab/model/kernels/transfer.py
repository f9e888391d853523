"""Knowledge transfer (``transfer.refresh_knowledge_rates``, ``transfer.transfer_knowledge``).

Fuses the knowledge hazards' refresh, the due transfers and the attribution of each transfer to
a channel into one kernel call per step, taking the run's fixed arrays from a
:class:`HazardArrays` handle; for :mod:`districtlab.model.transfer` and ``schedule.step``.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from numba.core import types
from numba.experimental import structref
from numpy.typing import NDArray

from districtlab.model.kernels._handles import Handle, register_handle
from districtlab.model.kernels._jit import njit
from districtlab.model.kernels.clocks import distinct_marked, due_pairs, stop_clocks
from districtlab.model.kernels.stages import _ADOPTED, _KNOWLEDGEABLE, raise_to_knowledgeable
from districtlab.model.kernels.streams import _RANDOM_STREAM, RandomStream

# -- knowledge hazards (transfer.refresh_knowledge_rates, schedule.refresh_hazards) --------------


@njit(cache=True)
def _exposure(
    pair: int,
    firm: int,
    tech: int,
    complete: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
) -> float:
    """E_ik = sum_j w_ij [j adopted k] / sum_j w_ij, or A_k / (n - 1) on the complete graph."""
    if complete:
        return adopters[tech] / complete_divisor
    return numerator[pair] * inverse_weight[firm]


@njit(cache=True)
def knowledge_terms(
    pairs: NDArray[np.int64],
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The three knowledge hazard terms of ``pairs`` (see :mod:`districtlab.model.transfer`).

    learning_k [aware] u_ik,  q_k E_ik u_ik  and  h_sc P_ik u_ik, where on the
    complete graph (``numerator`` empty) E_ik = A_k / (n - 1) and otherwise
    E_ik = numerator_ik / sum_j w_ij. A term whose mechanism is off is 0.
    """
    learning = np.empty(pairs.size)
    imitation = np.zeros(pairs.size)
    supply = np.zeros(pairs.size)
    complete = numerator.size == 0
    for index in range(pairs.size):
        pair = pairs[index]
        firm = pair // n_technologies
        tech = pair - firm * n_technologies
        u = gate[pair]
        aware = 1.0 if stage[pair] == 1 else 0.0
        learning[index] = learning_hazard[tech] * aware * u
        if peer_imitation:
            exposure = _exposure(
                pair, firm, tech, complete, numerator, inverse_weight, adopters, complete_divisor
            )
            imitation[index] = imitation_strength[tech] * exposure * u
        if supply_chain_transfer:
            supply[index] = supply_chain_hazard * pressure[pair] * u
    return learning, imitation, supply


@njit(cache=True)
def refresh_knowledge_clocks(
    pairs: NDArray[np.int64],
    now: float,
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Refresh the knowledge clocks of the pairs below knowledgeable; return the knowledgeable ones.

    Fuses ``schedule.refresh_hazards``' split by stage, ``knowledge_terms`` and
    ``set_clock_rates`` in one pass over the pairs, without the arrays of the
    terms: each rate is (learning + imitation) + supply, summed in that order as
    the numpy code did (a term whose mechanism is off is 0.0), and the clock is
    set as :func:`set_clock_rates` sets it. Adopted pairs are left alone.
    """
    knowing = np.empty(pairs.size, dtype=np.int64)
    n_knowing = 0
    complete = numerator.size == 0
    for pair in pairs:
        level = stage[pair]
        if level >= _KNOWLEDGEABLE:
            if level == _KNOWLEDGEABLE:
                knowing[n_knowing] = pair
                n_knowing += 1
            continue
        firm = pair // n_technologies
        tech = pair - firm * n_technologies
        u = gate[pair]
        aware = 1.0 if level == 1 else 0.0
        learning = learning_hazard[tech] * aware * u
        imitation = 0.0
        if peer_imitation:
            exposure = _exposure(
                pair, firm, tech, complete, numerator, inverse_weight, adopters, complete_divisor
            )
            imitation = imitation_strength[tech] * exposure * u
        supply = 0.0
        if supply_chain_transfer:
            supply = supply_chain_hazard * pressure[pair] * u
        new_rate = learning + imitation + supply
        left = remaining[pair] - rate[pair] * (now - since[pair])
        remaining[pair] = left
        since[pair] = now
        rate[pair] = new_rate
        when = left / new_rate + now if new_rate > 0.0 else np.inf
        due[pair] = when
        if when < earliest[firm]:
            earliest[firm] = when
    return knowing[:n_knowing]


@njit(cache=True)
def refresh_marked_knowledge_clocks(
    marked: NDArray[np.int64],
    flags: NDArray[np.bool_],
    now: float,
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
) -> NDArray[np.int64]:
    """The pairs marked since the last refresh, each once; their knowledge clocks refreshed; the knowledgeable ones.

    Fuses :func:`distinct_marked` (``PendingPairs.take``) and
    :func:`refresh_knowledge_clocks` (``schedule.refresh_hazards`` before
    knowledge transfer): one call instead of two, the same pairs in the same order.
    """
    return refresh_knowledge_clocks(
        distinct_marked(marked, flags),
        now,
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        remaining,
        rate,
        since,
        due,
        earliest,
    )


# -- knowledge transfer: which channel moved a pair (transfer.transfer_knowledge) ----------------


@njit(cache=True)
def knowledge_channels(
    moving: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    learning: NDArray[np.float64],
    imitation: NDArray[np.float64],
    supply: NDArray[np.float64],
    n_technologies: int,
    stage: NDArray[np.int8],
    knowledge_channel: NDArray[np.int8],
    is_lead: NDArray[np.bool_],
    is_rti_channel: NDArray[np.bool_],
    buyers_indptr: NDArray[np.int64],
    buyers: NDArray[np.int64],
    pressure: NDArray[np.float64],
    channel_of_term: NDArray[np.int8],
    two_step_channel: int,
    lead_firm_channel: int,
) -> NDArray[np.int8]:
    """The channel that made each moving pair knowledgeable (see :mod:`districtlab.model.transfer`).

    A pair already knowledgeable counts every term as 0. The draw u (learning +
    imitation + supply) picks the first term whose running sum exceeds it. A
    supply-chain transfer is then credited to a lead-firm buyer whose knowledge
    came from the RTI (two-step flow), to another lead-firm buyer, or to another
    buyer, in proportion to the seller's adopting buyers of each kind.
    """
    channel = np.empty(moving.size, dtype=np.int8)
    for index in range(moving.size):
        pair = moving[index]
        still_open = 1.0 if stage[pair] < _KNOWLEDGEABLE else 0.0
        first = learning[index] * still_open
        with_imitation = first + imitation[index] * still_open
        total = with_imitation + supply[index] * still_open
        draw = uniforms[index] * total
        term = (1 if draw >= first else 0) + (1 if draw >= with_imitation else 0)
        channel[index] = channel_of_term[term]
        if term != 2:
            continue
        seller = pair // n_technologies
        tech = pair - seller * n_technologies
        lead = 0
        two_step = 0
        for entry in range(buyers_indptr[seller], buyers_indptr[seller + 1]):
            buyer = buyers[entry]
            buyer_pair = buyer * n_technologies + tech
            if stage[buyer_pair] == _ADOPTED and is_lead[buyer]:
                lead += 1
                source = knowledge_channel[buyer_pair]
                if source >= 0 and is_rti_channel[source]:
                    two_step += 1
        supply_term = total - with_imitation
        if supply_term < 1e-300:  # as np.maximum(supply_term, 1e-300), NaN included
            supply_term = 1e-300
        position = (draw - with_imitation) / supply_term * pressure[pair]
        if position < two_step:
            channel[index] = two_step_channel
        elif position < lead:
            channel[index] = lead_firm_channel
    return channel


@njit(cache=True)
def refresh_and_transfer_knowledge(
    marked: NDArray[np.int64],
    flags: NDArray[np.bool_],
    now: float,
    until: float,
    attribution: RandomStream,
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    knowledge_channel: NDArray[np.int8],
    is_lead: NDArray[np.bool_],
    is_rti_channel: NDArray[np.bool_],
    buyers_indptr: NDArray[np.int64],
    buyers: NDArray[np.int64],
    channel_of_term: NDArray[np.int8],
    two_step_channel: int,
    lead_firm_channel: int,
    stage_counts: NDArray[np.int64],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Knowledge transfer (``transfer.transfer_knowledge``): (the knowledgeable pairs marked, the pairs that moved).

    First the knowledge clocks of the pairs marked since the last refresh
    (``marked``, duplicates included; may be empty) are brought up to date from
    ``now`` (:func:`refresh_marked_knowledge_clocks`); then the pairs whose clock
    runs out before ``until`` draw one uniform each from ``attribution`` (none
    when no pair is due) and move by the channel drawn (:func:`transfer_due_knowledge`).
    """
    knowing = refresh_marked_knowledge_clocks(
        marked,
        flags,
        now,
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        remaining,
        rate,
        since,
        due,
        earliest,
    )
    moving = due_pairs(until, due, earliest, n_technologies)
    if moving.size == 0:
        return knowing, moving
    moved = transfer_due_knowledge(
        moving,
        attribution.rng.random(moving.size),
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        knowledge_channel,
        is_lead,
        is_rti_channel,
        buyers_indptr,
        buyers,
        channel_of_term,
        two_step_channel,
        lead_firm_channel,
        stage_counts,
        knowledge_by_channel,
        size_class,
        n_sizes,
        rate,
        due,
    )
    return knowing, moved


# -- fused sub-steps -----------------------------------------------------------------------------


@njit(cache=True)
def transfer_due_knowledge(
    moving: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    n_technologies: int,
    stage: NDArray[np.int8],
    gate: NDArray[np.float64],
    learning_hazard: NDArray[np.float64],
    imitation_strength: NDArray[np.float64],
    supply_chain_hazard: float,
    peer_imitation: bool,
    supply_chain_transfer: bool,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    knowledge_channel: NDArray[np.int8],
    is_lead: NDArray[np.bool_],
    is_rti_channel: NDArray[np.bool_],
    buyers_indptr: NDArray[np.int64],
    buyers: NDArray[np.int64],
    channel_of_term: NDArray[np.int8],
    two_step_channel: int,
    lead_firm_channel: int,
    stage_counts: NDArray[np.int64],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
    rate: NDArray[np.float64],
    due: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Pairs whose knowledge clock ran out become knowledgeable by the channel drawn; return those that moved.

    :func:`knowledge_terms`, then :func:`knowledge_channels`, then
    :func:`raise_to_knowledgeable`, then the clocks stop (``transfer.transfer_knowledge``), in one call.
    """
    learning, imitation, supply = knowledge_terms(
        moving,
        n_technologies,
        stage,
        gate,
        learning_hazard,
        imitation_strength,
        supply_chain_hazard,
        peer_imitation,
        supply_chain_transfer,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
    )
    channel = knowledge_channels(
        moving,
        uniforms,
        learning,
        imitation,
        supply,
        n_technologies,
        stage,
        knowledge_channel,
        is_lead,
        is_rti_channel,
        buyers_indptr,
        buyers,
        pressure,
        channel_of_term,
        two_step_channel,
        lead_firm_channel,
    )
    moved = raise_to_knowledgeable(
        moving,
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
    )
    stop_clocks(moving, rate, due)
    return moved


# -- the hazards' arrays (transfer.transfer_knowledge, schedule.refresh_hazards) -----------------
#
# The knowledge transfer and the refresh before the adoption decision are called every step with
# some forty arguments that do not change during a run: arrays of the state and data changed in
# place (none is replaced during a run) and the run's constants. A HazardArrays handle (a
# structref, as DeliveryArrays) holds them, built once per run (``transfer.hazard_arrays``), and
# crosses as one argument (about 0.45 us instead of about 0.05 us per argument). The kernels that
# take it pass its fields on to the kernels above, unchanged.

#: (field, numba type) of a HazardArrays handle: what :func:`refresh_and_transfer_knowledge` takes after
#: the stream, then what :func:`refresh_marked_clocks_and_utility` takes after the knowledge clocks, then
#: the scratch flags of :func:`distinct_marked`, then the postponement queue (:func:`queue_postponed`),
#: then the stream that attributes the knowledge transfers' channels (a RandomStream held in the
#: handle: a structref argument costs about 0.7 us to pass, a field of one nothing), then the buffers
#: the refresh before the adoption decision writes its pairs and their tanh arguments to (one entry
#: per pair: an array returned costs about 0.55 us to box, an array passed back in more), then what
#: that refresh takes that is fixed for the run: 0.5 beta, the step's L_k (the run's one array, empty
#: when the mechanism is off), whether legitimacy marks pairs, L_k applied, the firms by threshold.
_HAZARD_FIELDS: tuple[tuple[str, Any], ...] = (
    ("n_technologies", types.int64),
    ("stage", types.Array(types.int8, 1, "C")),
    ("gate", types.Array(types.float64, 1, "C")),
    ("learning_hazard", types.Array(types.float64, 1, "C")),
    ("imitation_strength", types.Array(types.float64, 1, "C")),
    ("supply_chain_hazard", types.float64),
    ("peer_imitation", types.boolean),
    ("supply_chain_transfer", types.boolean),
    ("numerator", types.Array(types.float64, 1, "C")),
    ("inverse_weight", types.Array(types.float64, 1, "C")),
    ("adopters", types.Array(types.float64, 1, "C")),
    ("complete_divisor", types.float64),
    ("pressure", types.Array(types.float64, 1, "C")),
    ("remaining", types.Array(types.float64, 1, "A")),
    ("rate", types.Array(types.float64, 1, "A")),
    ("since", types.Array(types.float64, 1, "A")),
    ("due", types.Array(types.float64, 1, "A")),
    ("earliest", types.Array(types.float64, 1, "C")),
    ("knowledge_channel", types.Array(types.int8, 1, "C")),
    ("is_lead", types.Array(types.boolean, 1, "C")),
    ("is_rti_channel", types.Array(types.boolean, 1, "C")),
    ("buyers_indptr", types.Array(types.int64, 1, "C")),
    ("buyers", types.Array(types.int64, 1, "C")),
    ("channel_of_term", types.Array(types.int8, 1, "C")),
    ("two_step_channel", types.int64),
    ("lead_firm_channel", types.int64),
    ("stage_counts", types.Array(types.int64, 1, "C")),
    ("knowledge_by_channel", types.Array(types.int64, 1, "C")),
    ("size_class", types.Array(types.int8, 1, "C")),
    ("n_sizes", types.int64),
    ("log_benefit_cost", types.Array(types.float64, 1, "C")),
    ("risk", types.Array(types.float64, 1, "C")),
    ("demonstration_risk_reduction", types.float64),
    ("seen_demonstration", types.Array(types.boolean, 1, "C")),
    ("exposure_risk_reduction", types.float64),
    ("requirement", types.Array(types.float64, 1, "C")),
    ("legitimacy_threshold", types.Array(types.float64, 1, "C")),
    ("legitimacy_bonus", types.float64),
    ("flags", types.Array(types.boolean, 1, "C")),
    ("queue_pairs", types.Array(types.int64, 1, "C")),
    ("queue_until", types.Array(types.float64, 1, "C")),
    ("queue_ends", types.Array(types.int64, 1, "C")),
    ("attribution", _RANDOM_STREAM),
    ("refreshed_pairs", types.Array(types.int64, 1, "C")),
    ("refreshed_tanh", types.Array(types.float64, 1, "C")),
    ("half_slope", types.float64),
    ("legitimacy", types.Array(types.float64, 1, "C")),
    ("mark_legitimacy", types.boolean),
    ("legitimacy_applied", types.Array(types.float64, 1, "C")),
    ("firms_by_threshold", types.Array(types.int64, 1, "C")),
    ("sorted_thresholds", types.Array(types.float64, 1, "C")),
)


class HazardArrays(Handle):
    """The arrays and constants of a run that the hazards' kernels take (``_HAZARD_FIELDS``)."""

    n_technologies: int
    stage: NDArray[np.int8]
    gate: NDArray[np.float64]
    learning_hazard: NDArray[np.float64]
    imitation_strength: NDArray[np.float64]
    supply_chain_hazard: float
    peer_imitation: bool
    supply_chain_transfer: bool
    numerator: NDArray[np.float64]
    inverse_weight: NDArray[np.float64]
    adopters: NDArray[np.float64]
    complete_divisor: float
    pressure: NDArray[np.float64]
    remaining: NDArray[np.float64]
    rate: NDArray[np.float64]
    since: NDArray[np.float64]
    due: NDArray[np.float64]
    earliest: NDArray[np.float64]
    knowledge_channel: NDArray[np.int8]
    is_lead: NDArray[np.bool_]
    is_rti_channel: NDArray[np.bool_]
    buyers_indptr: NDArray[np.int64]
    buyers: NDArray[np.int64]
    channel_of_term: NDArray[np.int8]
    two_step_channel: int
    lead_firm_channel: int
    stage_counts: NDArray[np.int64]
    knowledge_by_channel: NDArray[np.int64]
    size_class: NDArray[np.int8]
    n_sizes: int
    log_benefit_cost: NDArray[np.float64]
    risk: NDArray[np.float64]
    demonstration_risk_reduction: float
    seen_demonstration: NDArray[np.bool_]
    exposure_risk_reduction: float
    requirement: NDArray[np.float64]
    legitimacy_threshold: NDArray[np.float64]
    legitimacy_bonus: float
    flags: NDArray[np.bool_]
    queue_pairs: NDArray[np.int64]
    queue_until: NDArray[np.float64]
    queue_ends: NDArray[np.int64]
    attribution: RandomStream
    refreshed_pairs: NDArray[np.int64]
    refreshed_tanh: NDArray[np.float64]
    half_slope: float
    legitimacy: NDArray[np.float64]
    mark_legitimacy: bool
    legitimacy_applied: NDArray[np.float64]
    firms_by_threshold: NDArray[np.int64]
    sorted_thresholds: NDArray[np.float64]


_HazardArraysType, _HAZARD_ARRAYS = register_handle(HazardArrays, _HAZARD_FIELDS)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    def hazard_arrays(*values: Any) -> HazardArrays:
        """A :class:`HazardArrays` handle on the values given, in the order of ``_HAZARD_FIELDS``."""
        return HazardArrays(*values)

else:
    # Written out, not generated from the fields: numba caches only a function defined in a source
    # file (see :mod:`districtlab.model.kernels._handles`).
    @njit(cache=True)
    def hazard_arrays(  # type: ignore[misc]
        n_technologies: int,
        stage: NDArray[np.int8],
        gate: NDArray[np.float64],
        learning_hazard: NDArray[np.float64],
        imitation_strength: NDArray[np.float64],
        supply_chain_hazard: float,
        peer_imitation: bool,
        supply_chain_transfer: bool,
        numerator: NDArray[np.float64],
        inverse_weight: NDArray[np.float64],
        adopters: NDArray[np.float64],
        complete_divisor: float,
        pressure: NDArray[np.float64],
        remaining: NDArray[np.float64],
        rate: NDArray[np.float64],
        since: NDArray[np.float64],
        due: NDArray[np.float64],
        earliest: NDArray[np.float64],
        knowledge_channel: NDArray[np.int8],
        is_lead: NDArray[np.bool_],
        is_rti_channel: NDArray[np.bool_],
        buyers_indptr: NDArray[np.int64],
        buyers: NDArray[np.int64],
        channel_of_term: NDArray[np.int8],
        two_step_channel: int,
        lead_firm_channel: int,
        stage_counts: NDArray[np.int64],
        knowledge_by_channel: NDArray[np.int64],
        size_class: NDArray[np.int8],
        n_sizes: int,
        log_benefit_cost: NDArray[np.float64],
        risk: NDArray[np.float64],
        demonstration_risk_reduction: float,
        seen_demonstration: NDArray[np.bool_],
        exposure_risk_reduction: float,
        requirement: NDArray[np.float64],
        legitimacy_threshold: NDArray[np.float64],
        legitimacy_bonus: float,
        flags: NDArray[np.bool_],
        queue_pairs: NDArray[np.int64],
        queue_until: NDArray[np.float64],
        queue_ends: NDArray[np.int64],
        attribution: RandomStream,
        refreshed_pairs: NDArray[np.int64],
        refreshed_tanh: NDArray[np.float64],
        half_slope: float,
        legitimacy: NDArray[np.float64],
        mark_legitimacy: bool,
        legitimacy_applied: NDArray[np.float64],
        firms_by_threshold: NDArray[np.int64],
        sorted_thresholds: NDArray[np.float64],
    ) -> HazardArrays:
        """A :class:`HazardArrays` handle on the arrays given (not copied)."""
        hazard: HazardArrays = structref.new(_HAZARD_ARRAYS)  # type: ignore[call-arg]
        hazard.n_technologies = n_technologies
        hazard.stage = stage
        hazard.gate = gate
        hazard.learning_hazard = learning_hazard
        hazard.imitation_strength = imitation_strength
        hazard.supply_chain_hazard = supply_chain_hazard
        hazard.peer_imitation = peer_imitation
        hazard.supply_chain_transfer = supply_chain_transfer
        hazard.numerator = numerator
        hazard.inverse_weight = inverse_weight
        hazard.adopters = adopters
        hazard.complete_divisor = complete_divisor
        hazard.pressure = pressure
        hazard.remaining = remaining
        hazard.rate = rate
        hazard.since = since
        hazard.due = due
        hazard.earliest = earliest
        hazard.knowledge_channel = knowledge_channel
        hazard.is_lead = is_lead
        hazard.is_rti_channel = is_rti_channel
        hazard.buyers_indptr = buyers_indptr
        hazard.buyers = buyers
        hazard.channel_of_term = channel_of_term
        hazard.two_step_channel = two_step_channel
        hazard.lead_firm_channel = lead_firm_channel
        hazard.stage_counts = stage_counts
        hazard.knowledge_by_channel = knowledge_by_channel
        hazard.size_class = size_class
        hazard.n_sizes = n_sizes
        hazard.log_benefit_cost = log_benefit_cost
        hazard.risk = risk
        hazard.demonstration_risk_reduction = demonstration_risk_reduction
        hazard.seen_demonstration = seen_demonstration
        hazard.exposure_risk_reduction = exposure_risk_reduction
        hazard.requirement = requirement
        hazard.legitimacy_threshold = legitimacy_threshold
        hazard.legitimacy_bonus = legitimacy_bonus
        hazard.flags = flags
        hazard.queue_pairs = queue_pairs
        hazard.queue_until = queue_until
        hazard.queue_ends = queue_ends
        hazard.attribution = attribution
        hazard.refreshed_pairs = refreshed_pairs
        hazard.refreshed_tanh = refreshed_tanh
        hazard.half_slope = half_slope
        hazard.legitimacy = legitimacy
        hazard.mark_legitimacy = mark_legitimacy
        hazard.legitimacy_applied = legitimacy_applied
        hazard.firms_by_threshold = firms_by_threshold
        hazard.sorted_thresholds = sorted_thresholds
        return hazard


@njit(cache=True)
def transfer_knowledge_with(
    marked: NDArray[np.int64],
    now: float,
    until: float,
    mark_knowing: bool,
    hazard: HazardArrays,
) -> NDArray[np.int64]:
    """:func:`refresh_and_transfer_knowledge` with its run's arrays from ``hazard``: the pairs to mark as changed.

    Those are the knowledgeable pairs marked (when ``mark_knowing``), then the
    pairs that moved: the two arrays the caller marked one after the other, as one
    (one array to return and one mark instead of two).
    """
    knowing, moved = refresh_and_transfer_knowledge(
        marked,
        hazard.flags,
        now,
        until,
        hazard.attribution,
        hazard.n_technologies,
        hazard.stage,
        hazard.gate,
        hazard.learning_hazard,
        hazard.imitation_strength,
        hazard.supply_chain_hazard,
        hazard.peer_imitation,
        hazard.supply_chain_transfer,
        hazard.numerator,
        hazard.inverse_weight,
        hazard.adopters,
        hazard.complete_divisor,
        hazard.pressure,
        hazard.remaining,
        hazard.rate,
        hazard.since,
        hazard.due,
        hazard.earliest,
        hazard.knowledge_channel,
        hazard.is_lead,
        hazard.is_rti_channel,
        hazard.buyers_indptr,
        hazard.buyers,
        hazard.channel_of_term,
        hazard.two_step_channel,
        hazard.lead_firm_channel,
        hazard.stage_counts,
        hazard.knowledge_by_channel,
        hazard.size_class,
        hazard.n_sizes,
    )
    if not mark_knowing or knowing.size == 0:
        return moved
    if moved.size == 0:
        return knowing
    return np.concatenate((knowing, moved))
