"""The adoption decision (``adoption.utility_arguments``, ``adoption.decide_adoption``,
``schedule.refresh_hazards``) and legitimacy.

Fuses the utility's arguments, the adoption clocks' refresh, the decision on the due pairs,
adopting and what adopting teaches, in two kernel calls per step that take an
:class:`AdoptionArrays` handle; for :mod:`districtlab.model.adoption` and ``schedule.step``.
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
from districtlab.model.kernels.clocks import (
    due_pairs,
    queue_postponed,
    set_clock_rates,
    take_ended_postponements,
)
from districtlab.model.kernels.stages import _KNOWLEDGEABLE, gain_capacity_once, raise_to_adopted
from districtlab.model.kernels.streams import _RANDOM_STREAM, RandomStream
from districtlab.model.kernels.tallies import _TALLY_ARRAYS, TallyArrays, tally_and_spread_adoptions_with
from districtlab.model.kernels.transfer import HazardArrays, _exposure, refresh_marked_knowledge_clocks

# -- adoption utility and rates (adoption.utility_arguments, schedule.refresh_hazards, decide) ---


@njit(cache=True)
def adoption_utility(
    pairs: NDArray[np.int64],
    n_technologies: int,
    log_benefit_cost: NDArray[np.float64],
    risk: NDArray[np.float64],
    demonstration_risk_reduction: float,
    seen_demonstration: NDArray[np.bool_],
    exposure_risk_reduction: float,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    requirement: NDArray[np.float64],
    legitimacy_threshold: NDArray[np.float64],
    legitimacy_bonus: float,
    legitimacy: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(log B - log C - risk + requirement, legitimacy bonus) per pair (see :mod:`districtlab.model.adoption`).

    risk_ik = risk_k (1 - d [seen a demonstration]) (1 - e E_ik). ``requirement``
    is the buyers' requirement term by number of adopting buyers P (computed in
    numpy, since it takes ``expm1``; empty when the mechanism is off): a pair with
    P > 0 adds ``requirement[P]``. The bonus is ``legitimacy_bonus`` where the
    firm's threshold is at most L_k (``legitimacy`` empty: the mechanism is off).
    """
    base = np.empty(pairs.size)
    bonus = np.zeros(pairs.size)
    complete = numerator.size == 0
    for index in range(pairs.size):
        pair = pairs[index]
        firm = pair // n_technologies
        tech = pair - firm * n_technologies
        seen = 1.0 if seen_demonstration[pair] else 0.0
        exposure = _exposure(
            pair, firm, tech, complete, numerator, inverse_weight, adopters, complete_divisor
        )
        pair_risk = (
            risk[tech]
            * (1.0 - demonstration_risk_reduction * seen)
            * (1.0 - exposure_risk_reduction * exposure)
        )
        utility = log_benefit_cost[pair] - pair_risk
        if requirement.size and pressure[pair] != 0.0:
            utility += requirement[np.int64(pressure[pair])]
        base[index] = utility
        if legitimacy.size and legitimacy_threshold[firm] <= legitimacy[tech]:
            bonus[index] = legitimacy_bonus
    return base, bonus


@njit(cache=True)
def refresh_marked_clocks_and_utility(
    marked: NDArray[np.int64],
    flags: NDArray[np.bool_],
    now: float,
    half_slope: float,
    legitimacy: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    mark_legitimacy: bool,
    legitimacy_applied: NDArray[np.float64],
    firms_by_threshold: NDArray[np.int64],
    sorted_thresholds: NDArray[np.float64],
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
    log_benefit_cost: NDArray[np.float64],
    risk: NDArray[np.float64],
    demonstration_risk_reduction: float,
    seen_demonstration: NDArray[np.bool_],
    exposure_risk_reduction: float,
    requirement: NDArray[np.float64],
    legitimacy_threshold: NDArray[np.float64],
    legitimacy_bonus: float,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """(knowledgeable pairs, 0.5 beta x of their utility x with the legitimacy bonus and subsidies) after refreshing the marked pairs' knowledge clocks.

    Fuses :func:`distinct_marked`, :func:`refresh_knowledge_clocks` and
    :func:`adoption_utility` (``schedule.refresh_hazards`` before the adoption
    decision, up to numpy's ``tanh``): one call instead of three, the same pairs
    in the same order and the same operations. The utility is base + bonus, then
    + the grant's subsidy term, then + the project support's (``grant_term`` and
    ``support_term`` per pair, from numpy's ``log1p``; each empty when none is
    held, when nothing is added), then times ``half_slope`` = 0.5 beta (as
    numpy's ``0.5 * beta * utility`` did): the argument of the tanh that
    ``adoption.adoption_hazard_tanh`` takes in numpy.

    With ``mark_legitimacy``, the knowledgeable pairs whose firm's threshold
    L_k has just reached (:func:`legitimacy_reached`, ``adoption.prepare_adoption``)
    are marked first, after the pairs already marked.
    """
    if mark_legitimacy:
        reached = legitimacy_reached(
            legitimacy, legitimacy_applied, firms_by_threshold, sorted_thresholds, stage
        )
        if reached.size:
            marked = np.concatenate((marked, reached))
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
    utility, bonus = adoption_utility(
        knowing,
        n_technologies,
        log_benefit_cost,
        risk,
        demonstration_risk_reduction,
        seen_demonstration,
        exposure_risk_reduction,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        requirement,
        legitimacy_threshold,
        legitimacy_bonus,
        legitimacy,
    )
    for index in range(knowing.size):
        pair = knowing[index]
        with_bonus = utility[index] + bonus[index]
        if grant_term.size:
            with_bonus = with_bonus + grant_term[pair]
        if support_term.size:
            with_bonus = with_bonus + support_term[pair]
        utility[index] = half_slope * with_bonus
    return knowing, utility


@njit(cache=True)
def due_adoption_arguments(
    time: float,
    legitimacy: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    half_slope: float,
    refreshed: NDArray[np.int64],
    refreshed_tanh: NDArray[np.float64],
    now: float,
    postponed_until: NDArray[np.float64],
    gate: NDArray[np.float64],
    adoption_hazard: float,
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    n_technologies: int,
    log_benefit_cost: NDArray[np.float64],
    risk: NDArray[np.float64],
    demonstration_risk_reduction: float,
    seen_demonstration: NDArray[np.bool_],
    exposure_risk_reduction: float,
    numerator: NDArray[np.float64],
    inverse_weight: NDArray[np.float64],
    adopters: NDArray[np.float64],
    complete_divisor: float,
    pressure: NDArray[np.float64],
    requirement: NDArray[np.float64],
    legitimacy_threshold: NDArray[np.float64],
    legitimacy_bonus: float,
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """(pairs whose adoption clock runs out before ``time``, the tanh arguments of their attribution).

    First the adoption clocks of the pairs ``refreshed`` before the decision
    run from ``now`` at the rates their ``refreshed_tanh`` give
    (:func:`set_adoption_clock_rates`, ``schedule.refresh_hazards``); then
    :func:`due_pairs` (``TransitionClocks.due_before`` on the adoption clock),
    :func:`adoption_utility` and :func:`adoption_arguments` at the start of the
    adoption decision: one call instead of four, the same pairs in the same
    order. ``grant_term`` and ``support_term`` are the subsidy terms per pair
    (from numpy's ``log1p``), each empty when none is held.
    """
    set_adoption_clock_rates(
        refreshed,
        gate,
        refreshed_tanh,
        adoption_hazard,
        postponed_until,
        now,
        remaining,
        rate,
        since,
        due,
        earliest,
        n_technologies,
    )
    pairs = due_pairs(time, due, earliest, n_technologies)
    base, bonus = adoption_utility(
        pairs,
        n_technologies,
        log_benefit_cost,
        risk,
        demonstration_risk_reduction,
        seen_demonstration,
        exposure_risk_reduction,
        numerator,
        inverse_weight,
        adopters,
        complete_divisor,
        pressure,
        requirement,
        legitimacy_threshold,
        legitimacy_bonus,
        legitimacy,
    )
    grants = grant_term[pairs] if grant_term.size else np.empty(0)
    supports = support_term[pairs] if support_term.size else np.empty(0)
    return pairs, adoption_arguments(base, bonus, grants, supports, half_slope)


@njit(cache=True)
def set_adoption_clock_rates(
    pairs: NDArray[np.int64],
    gate: NDArray[np.float64],
    tanh_half_beta_u: NDArray[np.float64],
    adoption_hazard: float,
    postponed_until: NDArray[np.float64],
    now: float,
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    earliest: NDArray[np.float64],
    n_technologies: int,
) -> None:
    """Adoption clocks run at h u(a, c) 0.5 (1 + tanh(.)) from ``now``; 0 while postponed.

    ``postponed_until`` is empty when no decision has been postponed in the run.
    """
    rates = np.empty(pairs.size)
    for index in range(pairs.size):
        pair = pairs[index]
        hazard = adoption_hazard * gate[pair] * 0.5 * (1.0 + tanh_half_beta_u[index])
        if postponed_until.size and postponed_until[pair] > now:
            hazard = 0.0  # still postponed: the clock waits
        rates[index] = hazard
    set_clock_rates(pairs, rates, now, remaining, rate, since, due, earliest, n_technologies)


@njit(cache=True)
def adoption_arguments(
    base: NDArray[np.float64],
    bonus: NDArray[np.float64],
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    half_slope: float,
) -> NDArray[np.float64]:
    """0.5 beta x for the three utilities x of the attribution (3 x pairs), for numpy's tanh.

    Rows: the utility with the legitimacy bonus (no subsidy), with the bonus and
    the subsidies the pairs hold (``grant_term`` and ``support_term``,
    -log(1 - rate) from numpy, or empty: none held), and the base alone.
    Adding a subsidy of -0.0 leaves a utility unchanged, so a pair without a
    grant gets the same number in the first two rows.
    """
    arguments = np.empty((3, base.size))
    for index in range(base.size):
        with_bonus = base[index] + bonus[index]
        with_grants = with_bonus
        if grant_term.size:
            with_grants = with_grants + grant_term[index]
        if support_term.size:
            with_grants = with_grants + support_term[index]
        arguments[0, index] = half_slope * with_bonus
        arguments[1, index] = half_slope * with_grants
        arguments[2, index] = half_slope * base[index]
    return arguments


@njit(cache=True)
def adoption_channels(
    pairs: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    tanh_arguments: NDArray[np.float64],
    gate: NDArray[np.float64],
    adoption_hazard: float,
    knowledge_channel: NDArray[np.int8],
    grant_rate: NDArray[np.float64],
    grants_held: bool,
    legitimacy_channel: int,
    grant_channel: int,
) -> NDArray[np.int8]:
    """The channel each adoption is credited to (incremental attribution, :mod:`districtlab.model.adoption`).

    With h u 0.5 (1 + tanh(.)) of the rows of :func:`adoption_arguments`: the
    draw u h falls below the hazard without the legitimacy bonus and the
    grant: the knowledge channel; between that and the hazard without the
    grant: legitimacy; above it: the grant, if the pair holds one (project
    support keeps the knowledge channel).
    """
    channel = np.empty(pairs.size, dtype=np.int8)
    for index in range(pairs.size):
        pair = pairs[index]
        gated = adoption_hazard * gate[pair] * 0.5
        without_grant = gated * (1.0 + tanh_arguments[0, index])
        hazard = gated * (1.0 + tanh_arguments[1, index])
        without_either = gated * (1.0 + tanh_arguments[2, index])
        draw = uniforms[index] * hazard
        channel[index] = knowledge_channel[pair]
        if draw >= without_either and draw < without_grant:
            channel[index] = legitimacy_channel
        if grants_held and draw >= without_grant and grant_rate[pair] > 0.0:
            channel[index] = grant_channel
    return channel


# -- fused sub-steps of the schedule (schedule.step): legitimacy, the decision and adopting -------
#
# Each kernel here runs one or more whole sub-steps of ``schedule.step`` in one call, drawing its
# random numbers itself from a RandomStream (the same draws, in the same order, from the same
# stream, as the numpy code it replaces). They stop where a rule needs numpy's tanh or log1p.


@njit(cache=True)
def any_stage_at_least(pairs: NDArray[np.int64], level: int, stage: NDArray[np.int8]) -> bool:
    """Has any of ``pairs`` reached ``level``? (``GrantBook.take_reached``, before it gathers anything)."""
    for pair in pairs:  # noqa: SIM110 (a loop numba compiles; any() of a generator it does not)
        if stage[pair] >= level:
            return True
    return False


@njit(cache=True)
def legitimacy_shares(
    weighted_adopters: NDArray[np.float64], total: float, legitimacy: NDArray[np.float64]
) -> None:
    """L_k = min(1, weighted adopters of k / total visibility) into ``legitimacy``; 0 when ``total`` is not positive.

    As ``np.minimum(weighted_adopters / total, 1.0)``, NaN included (``schedule.legitimacy_exposure``).
    Written into an array the caller keeps (a step reuses its own), rather than returned.
    """
    if total <= 0.0:
        legitimacy[:] = 0.0
        return
    for tech in range(weighted_adopters.size):
        share = weighted_adopters[tech] / total
        legitimacy[tech] = 1.0 if share > 1.0 else share


@njit(cache=True)
def decide_due_adoptions(
    pairs: NDArray[np.int64],
    tanh_arguments: NDArray[np.float64],
    attribution: RandomStream,
    decisions: RandomStream,
    grants_held: bool,
    now: float,
    until: float,
    postponed_until: NDArray[np.float64],
    queue_pairs: NDArray[np.int64],
    queue_until: NDArray[np.float64],
    queue_ends: NDArray[np.int64],
    gate: NDArray[np.float64],
    adoption_hazard: float,
    knowledge_channel: NDArray[np.int8],
    grant_rate: NDArray[np.float64],
    legitimacy_channel: int,
    grant_channel: int,
    rejection_probability: float,
    remaining: NDArray[np.float64],
    rate: NDArray[np.float64],
    since: NDArray[np.float64],
    due: NDArray[np.float64],
    n_technologies: int,
) -> tuple[NDArray[np.int64], NDArray[np.int8], int]:
    """The adoption decision of the pairs due (``adoption.decide_adoption``): (pairs adopting, their channels, number postponed).

    Each pair draws one uniform from ``attribution`` for its channel
    (:func:`adoption_channels`, with the tanh of :func:`adoption_arguments`
    from numpy); then, when ``rejection_probability`` > 0, one uniform each
    from ``decisions``: the pairs drawing below it say no for now. Their
    clock restarts with a fresh Exp(1) threshold from ``decisions`` (in their
    order) at ``now`` and waits until ``until`` (``TransitionClocks.restart``).
    The others are returned with their channels (for :func:`adopt_and_learn`);
    their adoption clocks are stopped. The pairs postponed join, in order, the
    back of the postponement queue (:func:`queue_postponed`), and their number
    is returned.
    """
    channel = adoption_channels(
        pairs,
        attribution.rng.random(pairs.size),
        tanh_arguments,
        gate,
        adoption_hazard,
        knowledge_channel,
        grant_rate,
        grants_held,
        legitimacy_channel,
        grant_channel,
    )
    says_no = np.zeros(pairs.size, dtype=np.bool_)
    n_no = 0
    if rejection_probability > 0.0:
        uniforms = decisions.rng.random(pairs.size)
        for index in range(pairs.size):
            if uniforms[index] < rejection_probability:
                says_no[index] = True
                n_no += 1
    n_adopting = pairs.size - n_no
    adopting = np.empty(n_adopting, dtype=np.int64)
    adopting_channel = np.empty(n_adopting, dtype=np.int8)
    first_postponed = queue_ends[0] + queue_ends[1]  # where the first pair postponed goes
    n_no = 0
    n_adopting = 0
    for index in range(pairs.size):
        pair = pairs[index]
        if says_no[index]:
            queue_postponed(pair, until, queue_pairs, queue_until, queue_ends)
            n_no += 1
        else:
            adopting[n_adopting] = pair
            adopting_channel[n_adopting] = channel[index]
            n_adopting += 1
            rate[pair] = 0.0  # the clock stops (TransitionClocks.stop)
            due[pair] = np.inf
    if n_no:
        thresholds = decisions.rng.standard_exponential(n_no)
        for index in range(n_no):
            pair = queue_pairs[(first_postponed + index) % queue_pairs.size]
            postponed_until[pair] = until
            remaining[pair] = thresholds[index]
            since[pair] = now
            rate[pair] = 0.0
            due[pair] = np.inf
    return adopting, adopting_channel, n_no


@njit(cache=True)
def adopt_and_learn(
    pairs: NDArray[np.int64],
    channels: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    n_technologies: int,
    learning: bool,
    factor: float,
    capacity: NDArray[np.float64],
    affinity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
    complexity: NDArray[np.float64],
    scale: float,
) -> tuple[
    NDArray[np.int64],
    NDArray[np.int8],
    NDArray[np.int64],
    NDArray[np.int64],
    int,
    NDArray[np.float64],
]:
    """Adoption (``state.adopt_pairs``): :func:`raise_to_adopted`, then, when ``learning``, :func:`gain_capacity_once`.

    Returns (the new pairs, their channels, then what :func:`gain_capacity_once`
    returns for the firms of the new pairs: distinct firms, their counts, the
    largest count, the gate's argument). Without learning, or without a new
    pair, the last four are empty (largest count 0). Which of ``pairs`` were
    new is not returned (no caller reads it; each array returned costs a box).
    """
    _, adopted, adopted_channel = raise_to_adopted(
        pairs, channels, stage, stage_counts, knowledge_channel, n_technologies
    )
    if not learning or adopted.size == 0:
        none = np.empty(0, dtype=np.int64)
        return adopted, adopted_channel, none, none, 0, np.empty((0, complexity.size))
    firms = np.empty(adopted.size, dtype=np.int64)
    for index in range(adopted.size):
        firms[index] = adopted[index] // n_technologies
    distinct, counts, largest, half_z = gain_capacity_once(
        firms, factor, capacity, affinity, engagement, light_engagement, complexity, scale
    )
    return adopted, adopted_channel, distinct, counts, largest, half_z


# -- legitimacy (schedule.refresh_hazards, on behalf of adoption.prepare_adoption) ----------------


@njit(cache=True)
def legitimacy_reached(
    legitimacy: NDArray[np.float64],
    applied: NDArray[np.float64],
    order: NDArray[np.int64],
    sorted_thresholds: NDArray[np.float64],
    stage: NDArray[np.int8],
) -> NDArray[np.int64]:
    """Knowledgeable pairs whose firm's threshold L_k has just reached: in (applied_k, L_k].

    For every technology whose L_k rose, the firms with thresholds in that
    interval (``order`` sorts firms by threshold) in threshold order; ``applied``
    is raised to L_k.
    """
    k = legitimacy.size
    n_found = 0
    found = np.empty(16, dtype=np.int64)
    for tech in range(k):
        if not legitimacy[tech] > applied[tech]:
            continue
        low = np.searchsorted(sorted_thresholds, applied[tech], side="right")
        high = np.searchsorted(sorted_thresholds, legitimacy[tech], side="right")
        for position in range(low, high):
            pair = order[position] * k + tech
            if stage[pair] != _KNOWLEDGEABLE:
                continue
            if n_found == found.size:
                grown = np.empty(2 * found.size, dtype=np.int64)
                grown[:n_found] = found
                found = grown
            found[n_found] = pair
            n_found += 1
        applied[tech] = legitimacy[tech]
    return found[:n_found].copy()


@njit(cache=True)
def refresh_marked_clocks_and_utility_with(
    marked: NDArray[np.int64],
    now: float,
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    hazard: HazardArrays,
) -> int:
    """:func:`refresh_marked_clocks_and_utility` with its run's arrays from ``hazard``: the number of pairs refreshed.

    The pairs whose postponement ends by ``now`` (:func:`take_ended_postponements`)
    are marked too, after ``marked``: they reconsider from the start of the step.
    The knowledgeable pairs refreshed and their tanh arguments are written to the
    front of ``hazard.refreshed_pairs`` and ``hazard.refreshed_tanh``, where numpy
    takes the tanh in place and :func:`due_adoption_arguments_with` reads them.
    """
    ended = take_ended_postponements(now, hazard.queue_pairs, hazard.queue_until, hazard.queue_ends)
    if ended.size:
        marked = np.concatenate((marked, ended))
    knowing, arguments = refresh_marked_clocks_and_utility(
        marked,
        hazard.flags,
        now,
        hazard.half_slope,
        hazard.legitimacy,
        grant_term,
        support_term,
        hazard.mark_legitimacy,
        hazard.legitimacy_applied,
        hazard.firms_by_threshold,
        hazard.sorted_thresholds,
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
        hazard.log_benefit_cost,
        hazard.risk,
        hazard.demonstration_risk_reduction,
        hazard.seen_demonstration,
        hazard.exposure_risk_reduction,
        hazard.requirement,
        hazard.legitimacy_threshold,
        hazard.legitimacy_bonus,
    )
    n_refreshed = knowing.size
    hazard.refreshed_pairs[:n_refreshed] = knowing
    hazard.refreshed_tanh[:n_refreshed] = arguments
    return n_refreshed


# -- the adoption decision's arrays (adoption.decide_adoption) ------------------------------------
#
# As HazardArrays, for the two kernel calls of the adoption decision: the adoption clock's arrays,
# the utility's arrays and the run's constants, in one AdoptionArrays handle built once per run
# (``adoption.adoption_handle``).

#: (field, numba type) of an AdoptionArrays handle: what :func:`due_adoption_arguments` takes after
#: the postponements, then what :func:`decide_due_adoptions` takes besides, then what
#: :func:`adopt_and_learn` takes besides (the stage ladder and the capacity gained by adopting), then
#: the postponements: the month until which each pair waits (empty when no decision can be
#: postponed) and the postponement queue (:func:`queue_postponed`), then the streams that attribute
#: the adoptions' channels and draw the rejections, and the :class:`TallyArrays` handle the
#: adoptions are passed to (held in the handle: a structref argument costs about 0.7 us to pass),
#: then the project support's rate per pair, then the buffers the pairs and tanh arguments pass
#: through from the refresh to the decision (an array returned costs about 0.55 us to box): those
#: of :class:`HazardArrays`, then the pairs due and their three rows of tanh arguments, then the
#: firms that gained capacity by adopting, how many adoptions each made, and their gate's argument,
#: then 0.5 beta and the step's L_k (the run's one array, empty when the mechanism is off).
_ADOPTION_FIELDS: tuple[tuple[str, Any], ...] = (
    ("gate", types.Array(types.float64, 1, "C")),
    ("adoption_hazard", types.float64),
    ("remaining", types.Array(types.float64, 1, "A")),
    ("rate", types.Array(types.float64, 1, "A")),
    ("since", types.Array(types.float64, 1, "A")),
    ("due", types.Array(types.float64, 1, "A")),
    ("earliest", types.Array(types.float64, 1, "C")),
    ("n_technologies", types.int64),
    ("log_benefit_cost", types.Array(types.float64, 1, "C")),
    ("risk", types.Array(types.float64, 1, "C")),
    ("demonstration_risk_reduction", types.float64),
    ("seen_demonstration", types.Array(types.boolean, 1, "C")),
    ("exposure_risk_reduction", types.float64),
    ("numerator", types.Array(types.float64, 1, "C")),
    ("inverse_weight", types.Array(types.float64, 1, "C")),
    ("adopters", types.Array(types.float64, 1, "C")),
    ("complete_divisor", types.float64),
    ("pressure", types.Array(types.float64, 1, "C")),
    ("requirement", types.Array(types.float64, 1, "C")),
    ("legitimacy_threshold", types.Array(types.float64, 1, "C")),
    ("legitimacy_bonus", types.float64),
    ("knowledge_channel", types.Array(types.int8, 1, "C")),
    ("grant_rate", types.Array(types.float64, 1, "C")),
    ("legitimacy_channel", types.int64),
    ("grant_channel", types.int64),
    ("rejection_probability", types.float64),
    ("stage", types.Array(types.int8, 1, "C")),
    ("stage_counts", types.Array(types.int64, 1, "C")),
    ("learning", types.boolean),
    ("factor", types.float64),
    ("capacity", types.Array(types.float64, 1, "C")),
    ("affinity", types.Array(types.float64, 1, "C")),
    ("engagement", types.Array(types.float64, 1, "C")),
    ("light_engagement", types.Array(types.float64, 1, "C")),
    ("complexity", types.Array(types.float64, 1, "C")),
    ("gate_scale", types.float64),
    ("postponed_until", types.Array(types.float64, 1, "C")),
    ("queue_pairs", types.Array(types.int64, 1, "C")),
    ("queue_until", types.Array(types.float64, 1, "C")),
    ("queue_ends", types.Array(types.int64, 1, "C")),
    ("attribution", _RANDOM_STREAM),
    ("decisions", _RANDOM_STREAM),
    ("tally", _TALLY_ARRAYS),
    ("support_rate", types.Array(types.float64, 1, "C")),
    ("refreshed_pairs", types.Array(types.int64, 1, "C")),
    ("refreshed_tanh", types.Array(types.float64, 1, "C")),
    ("due_pairs", types.Array(types.int64, 1, "C")),
    ("due_arguments", types.Array(types.float64, 1, "C")),
    ("gate_firms", types.Array(types.int64, 1, "C")),
    ("gate_counts", types.Array(types.int64, 1, "C")),
    ("gate_half_z", types.Array(types.float64, 1, "C")),
    ("half_slope", types.float64),
    ("legitimacy", types.Array(types.float64, 1, "C")),
)


class AdoptionArrays(Handle):
    """The arrays and constants of a run that the adoption decision's kernels take (``_ADOPTION_FIELDS``)."""

    gate: NDArray[np.float64]
    adoption_hazard: float
    remaining: NDArray[np.float64]
    rate: NDArray[np.float64]
    since: NDArray[np.float64]
    due: NDArray[np.float64]
    earliest: NDArray[np.float64]
    n_technologies: int
    log_benefit_cost: NDArray[np.float64]
    risk: NDArray[np.float64]
    demonstration_risk_reduction: float
    seen_demonstration: NDArray[np.bool_]
    exposure_risk_reduction: float
    numerator: NDArray[np.float64]
    inverse_weight: NDArray[np.float64]
    adopters: NDArray[np.float64]
    complete_divisor: float
    pressure: NDArray[np.float64]
    requirement: NDArray[np.float64]
    legitimacy_threshold: NDArray[np.float64]
    legitimacy_bonus: float
    knowledge_channel: NDArray[np.int8]
    grant_rate: NDArray[np.float64]
    legitimacy_channel: int
    grant_channel: int
    rejection_probability: float
    stage: NDArray[np.int8]
    stage_counts: NDArray[np.int64]
    learning: bool
    factor: float
    capacity: NDArray[np.float64]
    affinity: NDArray[np.float64]
    engagement: NDArray[np.float64]
    light_engagement: NDArray[np.float64]
    complexity: NDArray[np.float64]
    gate_scale: float
    postponed_until: NDArray[np.float64]
    queue_pairs: NDArray[np.int64]
    queue_until: NDArray[np.float64]
    queue_ends: NDArray[np.int64]
    attribution: RandomStream
    decisions: RandomStream
    tally: TallyArrays
    support_rate: NDArray[np.float64]
    refreshed_pairs: NDArray[np.int64]
    refreshed_tanh: NDArray[np.float64]
    due_pairs: NDArray[np.int64]
    due_arguments: NDArray[np.float64]
    gate_firms: NDArray[np.int64]
    gate_counts: NDArray[np.int64]
    gate_half_z: NDArray[np.float64]
    half_slope: float
    legitimacy: NDArray[np.float64]


_AdoptionArraysType, _ADOPTION_ARRAYS = register_handle(AdoptionArrays, _ADOPTION_FIELDS)

if numba.config.DISABLE_JIT:  # type: ignore[attr-defined]

    def adoption_arrays(*values: Any) -> AdoptionArrays:
        """An :class:`AdoptionArrays` handle on the values given, in the order of ``_ADOPTION_FIELDS``."""
        return AdoptionArrays(*values)

else:
    # Written out, not generated from the fields: numba caches only a function defined in a source
    # file (see :mod:`districtlab.model.kernels._handles`).
    @njit(cache=True)
    def adoption_arrays(  # type: ignore[misc]
        gate: NDArray[np.float64],
        adoption_hazard: float,
        remaining: NDArray[np.float64],
        rate: NDArray[np.float64],
        since: NDArray[np.float64],
        due: NDArray[np.float64],
        earliest: NDArray[np.float64],
        n_technologies: int,
        log_benefit_cost: NDArray[np.float64],
        risk: NDArray[np.float64],
        demonstration_risk_reduction: float,
        seen_demonstration: NDArray[np.bool_],
        exposure_risk_reduction: float,
        numerator: NDArray[np.float64],
        inverse_weight: NDArray[np.float64],
        adopters: NDArray[np.float64],
        complete_divisor: float,
        pressure: NDArray[np.float64],
        requirement: NDArray[np.float64],
        legitimacy_threshold: NDArray[np.float64],
        legitimacy_bonus: float,
        knowledge_channel: NDArray[np.int8],
        grant_rate: NDArray[np.float64],
        legitimacy_channel: int,
        grant_channel: int,
        rejection_probability: float,
        stage: NDArray[np.int8],
        stage_counts: NDArray[np.int64],
        learning: bool,
        factor: float,
        capacity: NDArray[np.float64],
        affinity: NDArray[np.float64],
        engagement: NDArray[np.float64],
        light_engagement: NDArray[np.float64],
        complexity: NDArray[np.float64],
        gate_scale: float,
        postponed_until: NDArray[np.float64],
        queue_pairs: NDArray[np.int64],
        queue_until: NDArray[np.float64],
        queue_ends: NDArray[np.int64],
        attribution: RandomStream,
        decisions: RandomStream,
        tally: TallyArrays,
        support_rate: NDArray[np.float64],
        refreshed_pairs: NDArray[np.int64],
        refreshed_tanh: NDArray[np.float64],
        due_pairs: NDArray[np.int64],
        due_arguments: NDArray[np.float64],
        gate_firms: NDArray[np.int64],
        gate_counts: NDArray[np.int64],
        gate_half_z: NDArray[np.float64],
        half_slope: float,
        legitimacy: NDArray[np.float64],
    ) -> AdoptionArrays:
        """An :class:`AdoptionArrays` handle on the arrays given (not copied)."""
        adoption: AdoptionArrays = structref.new(_ADOPTION_ARRAYS)  # type: ignore[call-arg]
        adoption.gate = gate
        adoption.adoption_hazard = adoption_hazard
        adoption.remaining = remaining
        adoption.rate = rate
        adoption.since = since
        adoption.due = due
        adoption.earliest = earliest
        adoption.n_technologies = n_technologies
        adoption.log_benefit_cost = log_benefit_cost
        adoption.risk = risk
        adoption.demonstration_risk_reduction = demonstration_risk_reduction
        adoption.seen_demonstration = seen_demonstration
        adoption.exposure_risk_reduction = exposure_risk_reduction
        adoption.numerator = numerator
        adoption.inverse_weight = inverse_weight
        adoption.adopters = adopters
        adoption.complete_divisor = complete_divisor
        adoption.pressure = pressure
        adoption.requirement = requirement
        adoption.legitimacy_threshold = legitimacy_threshold
        adoption.legitimacy_bonus = legitimacy_bonus
        adoption.knowledge_channel = knowledge_channel
        adoption.grant_rate = grant_rate
        adoption.legitimacy_channel = legitimacy_channel
        adoption.grant_channel = grant_channel
        adoption.rejection_probability = rejection_probability
        adoption.stage = stage
        adoption.stage_counts = stage_counts
        adoption.learning = learning
        adoption.factor = factor
        adoption.capacity = capacity
        adoption.affinity = affinity
        adoption.engagement = engagement
        adoption.light_engagement = light_engagement
        adoption.complexity = complexity
        adoption.gate_scale = gate_scale
        adoption.postponed_until = postponed_until
        adoption.queue_pairs = queue_pairs
        adoption.queue_until = queue_until
        adoption.queue_ends = queue_ends
        adoption.attribution = attribution
        adoption.decisions = decisions
        adoption.tally = tally
        adoption.support_rate = support_rate
        adoption.refreshed_pairs = refreshed_pairs
        adoption.refreshed_tanh = refreshed_tanh
        adoption.due_pairs = due_pairs
        adoption.due_arguments = due_arguments
        adoption.gate_firms = gate_firms
        adoption.gate_counts = gate_counts
        adoption.gate_half_z = gate_half_z
        adoption.half_slope = half_slope
        adoption.legitimacy = legitimacy
        return adoption


@njit(cache=True)
def due_adoption_arguments_with(
    time: float,
    grant_term: NDArray[np.float64],
    support_term: NDArray[np.float64],
    n_refreshed: int,
    now: float,
    adoption: AdoptionArrays,
) -> int:
    """:func:`due_adoption_arguments` with its run's arrays from ``adoption``: the number of pairs due.

    The pairs refreshed and the tanh of their arguments are read from the front of
    ``adoption.refreshed_pairs`` and ``adoption.refreshed_tanh``
    (:func:`refresh_marked_clocks_and_utility_with`). The pairs due are written to the
    front of ``adoption.due_pairs``, and their tanh arguments (3 x pairs due, by rows)
    to the front of ``adoption.due_arguments``, where numpy takes the tanh in place and
    :func:`decide_and_adopt_with` reads them.
    """
    pairs, arguments = due_adoption_arguments(
        time,
        adoption.legitimacy,
        grant_term,
        support_term,
        adoption.half_slope,
        adoption.refreshed_pairs[:n_refreshed],
        adoption.refreshed_tanh[:n_refreshed],
        now,
        adoption.postponed_until,
        adoption.gate,
        adoption.adoption_hazard,
        adoption.remaining,
        adoption.rate,
        adoption.since,
        adoption.due,
        adoption.earliest,
        adoption.n_technologies,
        adoption.log_benefit_cost,
        adoption.risk,
        adoption.demonstration_risk_reduction,
        adoption.seen_demonstration,
        adoption.exposure_risk_reduction,
        adoption.numerator,
        adoption.inverse_weight,
        adoption.adopters,
        adoption.complete_divisor,
        adoption.pressure,
        adoption.requirement,
        adoption.legitimacy_threshold,
        adoption.legitimacy_bonus,
    )
    n_due = pairs.size
    adoption.due_pairs[:n_due] = pairs
    for row in range(3):
        adoption.due_arguments[row * n_due : (row + 1) * n_due] = arguments[row]
    return n_due


@njit(cache=True)
def decide_and_adopt_with(
    n_due: int,
    grants_held: bool,
    now: float,
    until: float,
    adoption: AdoptionArrays,
) -> tuple[NDArray[np.int64], int, int, int, int]:
    """The adoption decision and the adoptions it makes, in one call: :func:`decide_due_adoptions`, :func:`adopt_and_learn`, then :func:`tally_and_spread_adoptions`.

    The ``n_due`` pairs due and the tanh of their arguments are read from the front
    of ``adoption.due_pairs`` and ``adoption.due_arguments`` (:func:`due_adoption_arguments_with`).

    Fuses what were three kernel calls with ``state.adopt`` in between and
    ``schedule.push_adoptions`` after (nothing there is numpy's: the pairs
    decided go straight to the stage ladder, the capacity gained, the adoption
    tallies and the exposure's first set of rows), so the pairs adopting, their
    firms, technologies and channels do not cross into Python and back; the pairs
    postponed join the postponement queue. The tallies and the exposure read
    nothing that the gate's refresh or the payment of grants after this call
    change, so they can be brought up to date here rather than at the end of the
    step. Returns (the pairs to mark as changed: the new pairs, then those whose
    exposure or pressure moved; the number of new pairs; the number of firms
    that gained capacity; the largest number of adoptions by one firm; the number
    of new pairs that hold a grant or project support: without any, no grant is
    to be paid for this step's adoptions). What :func:`adopt_and_learn` gives for
    the firms (the distinct firms, their counts, and the gate's argument when no
    firm adopted twice, by rows) is written to the front of ``adoption.gate_firms``,
    ``adoption.gate_counts`` and ``adoption.gate_half_z``, for numpy's tanh.
    """
    adopting, channel, _ = decide_due_adoptions(
        adoption.due_pairs[:n_due],
        adoption.due_arguments[: 3 * n_due].reshape((3, n_due)),
        adoption.attribution,
        adoption.decisions,
        grants_held,
        now,
        until,
        adoption.postponed_until,
        adoption.queue_pairs,
        adoption.queue_until,
        adoption.queue_ends,
        adoption.gate,
        adoption.adoption_hazard,
        adoption.knowledge_channel,
        adoption.grant_rate,
        adoption.legitimacy_channel,
        adoption.grant_channel,
        adoption.rejection_probability,
        adoption.remaining,
        adoption.rate,
        adoption.since,
        adoption.due,
        adoption.n_technologies,
    )
    adopted, adopted_channel, firms, counts, largest, half_z = adopt_and_learn(
        adopting,
        channel,
        adoption.stage,
        adoption.stage_counts,
        adoption.knowledge_channel,
        adoption.n_technologies,
        adoption.learning,
        adoption.factor,
        adoption.capacity,
        adoption.affinity,
        adoption.engagement,
        adoption.light_engagement,
        adoption.complexity,
        adoption.gate_scale,
    )
    if adopted.size == 0:
        return adopted, 0, 0, 0, 0
    n_firms = firms.size
    adoption.gate_firms[:n_firms] = firms
    adoption.gate_counts[:n_firms] = counts
    if largest == 1:
        adoption.gate_half_z[: half_z.size] = half_z.reshape(half_z.size)
    n_subsidised = 0
    for pair in adopted:
        if adoption.grant_rate[pair] > 0.0 or adoption.support_rate[pair] > 0.0:
            n_subsidised += 1
    marks, touched = tally_and_spread_adoptions_with(adopted, adopted_channel, adoption.tally)
    marked = np.concatenate((adopted, marks, touched))
    return marked, adopted.size, n_firms, largest, n_subsidised
