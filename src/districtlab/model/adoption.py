"""The adoption decision of knowledgeable firms (ODD.md §II.ii and §I.iii, steps 5 and 6), with grants and legitimacy.

For a knowledgeable firm i and technology k the monthly adoption hazard is

    h * u(a_i, c_k) * logistic(beta * (log B_ik - log C_ik - log(1 - grant) - log(1 - support)
                                       - risk_ik + requirement_ik + bonus_ik))

with B_ik = v_dk * benefit_share_k * value added per employee * employees_i *
appraisal years and C_ik = fixed_k + per_employee_k * employees_i. Benefit and
cost enter as logarithms, so beta is dimensionless and the size gradient comes
from the fixed part of the cost alone. risk_ik falls with demonstrations seen
and with exposure to adopters; bonus_ik = lambda when L_k >= theta_i (legitimacy).

A pair adopts when its integrated hazard passes its Exp(1) threshold
(:mod:`districtlab.model.clocks`), the same in law as drawing 1 - exp(-h dt) each
month; the fixed thresholds keep common random numbers across programmes.

Every instrument reaches adoption only through this hazard (issue 9): projects
lower the participant's cost (``support``) while they last and for
``project_support_months`` after, they never adopt for the firm. When a pair's
clock runs out the firm still says no with probability
``rejection_probability`` (rejection or postponement, Rogers 2003): its clock
restarts with a fresh threshold after ``postponement_months``.

Grants have an application path: each month an aware firm applies with
probability ``grant_application_rate[size] * a_i`` for the technology in the
programme's focus that fits it best; writing the proposal (or the RTI's
diagnostic) makes it knowledgeable with probability u(a, c) (times the RTI's
competence); knowledgeable applicants are funded in the order of the targeting
tiers while the grant account covers them. The money is committed at award,
paid on adoption, and returned to the programme if the grant lapses unused.
requirement_ik = bonus * (1 - (1 - share)^P_ik): the chance that at least one
of i's adopting buyers requires k of it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from districtlab.model.context import RunData, Step, Streams, mark_engaged
from districtlab.model.kernels import (
    AdoptionArrays,
    adoption_arrays,
    decide_and_adopt_with,
    due_adoption_arguments_with,
    pay_reached_grants,
    settle_reached_support,
)
from districtlab.model.networks import Exposure
from districtlab.model.programmes import SPEND, UNIT, ProgrammeRun, staff_cost
from districtlab.model.state import (
    ADOPTED,
    AWARE,
    CHANNEL,
    KNOWLEDGEABLE,
    DistrictState,
    adopt,
    adoption_tally_arguments,
    make_knowledgeable,
    refresh_gate,
)
from districtlab.model.technologies import TechnologyArrays

_NONE = np.zeros(0)


def log_benefit_over_cost(
    employees: NDArray[np.float64],
    technologies: TechnologyArrays,
    value_added_per_employee: float,
    appraisal_years: float,
) -> NDArray[np.float64]:
    """log B_ik - log C_ik for every firm and technology (fixed for a run), firms x technologies."""
    benefit = (technologies.relevance * technologies.benefit_share)[None, :] * (
        value_added_per_employee * appraisal_years * employees
    )[:, None]
    cost = technologies.cost_fixed[None, :] + technologies.cost_per_employee[None, :] * employees[:, None]
    with np.errstate(divide="ignore"):
        return np.log(benefit) - np.log(np.maximum(cost, 1.0))  # even a free technology costs some effort


def utility_arguments(data: RunData, state: DistrictState, exposure: Exposure) -> tuple[Any, ...]:
    """What :func:`~districtlab.model.kernels.adoption_utility` takes after the pairs and K, but the step's L_k.

    Every entry is an array updated in place or a constant of the run, so the
    tuple is built once per run (``state.kernel_arguments``).
    """
    cached = state.kernel_arguments.get("utility")
    if cached is None:
        technologies, behaviour = data.technologies, data.behaviour
        cached = state.kernel_arguments["utility"] = (
            data.log_benefit_cost,
            technologies.risk,
            behaviour.demonstration_risk_reduction,
            state.seen_demonstration_flat,
            behaviour.exposure_risk_reduction,
            exposure.numerator,
            exposure.inverse_weight,
            exposure.adopters,
            exposure.complete_divisor,
            exposure.pressure_flat,
            data.requirement_by_pressure,
            data.firms.legitimacy_threshold,
            behaviour.legitimacy_bonus,
        )
    return cached


def step_legitimacy(data: RunData, step: Step) -> NDArray[np.float64]:
    """L_k as the utility kernels read it: empty when the legitimacy mechanism is off."""
    return step.legitimacy if data.mechanisms.legitimacy else _NONE


def _subsidy_term(rate: NDArray[np.float64] | float) -> NDArray[np.float64]:
    return -np.log1p(-np.asarray(rate))  # log C - log C (1 - s)


def subsidy_term_tables(state: DistrictState) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The subsidy terms -log(1 - rate) of the grants and of the project support, per pair, as the kernels add them.

    Each is empty while no grant (no project support) is held, and the kernels
    then add nothing, as the numpy code did (adding -log1p(-0) = 0.0 would turn
    a utility of -0.0 into 0.0). The terms are kept per pair as the
    rates change (:func:`_set_grant_rate`, :func:`_set_support_rate`), each
    computed by numpy's ``log1p`` (whose result does not depend on where an
    element sits in an array), so a kernel reads the number numpy would give.
    """
    grant = state.grant_term_flat if state.grants.pair.size and state.grant_term_flat is not None else _NONE
    support = (
        state.support_term_flat if state.support.pair.size and state.support_term_flat is not None else _NONE
    )
    return grant, support


def _set_grant_rate(state: DistrictState, pair: NDArray[np.int64], rate: float) -> None:
    """The grant subsidy rate of these pairs, and its term, from now on."""
    state.grant_rate_flat[pair] = rate
    if state.grant_term_flat is None:
        state.grant_term_flat = np.zeros(state.grant_rate_flat.size)
    state.grant_term_flat[pair] = _subsidy_term(state.grant_rate_flat[pair])


def _support_flat(state: DistrictState) -> NDArray[np.float64]:
    if state.support_rate is None:
        state.support_rate = np.zeros(state.stage.shape)
        state.support_term_flat = np.zeros(state.stage_flat.size)
    return state.support_rate.reshape(-1)


def _set_support_rate(
    state: DistrictState, pair: NDArray[np.int64], rate: NDArray[np.float64] | float
) -> None:
    """The project support rate of these pairs, and its term, from now on."""
    support = _support_flat(state)
    support[pair] = rate
    assert state.support_term_flat is not None
    state.support_term_flat[pair] = _subsidy_term(support[pair])


def support_projects(
    state: DistrictState, pair: NDArray[np.int64], slot: int, rate: float, expiry_month: float
) -> None:
    """Project participants: the project covers ``rate`` of the adoption cost until ``expiry_month``."""
    if pair.size == 0 or rate <= 0.0:
        return
    support = _support_flat(state)
    _set_support_rate(state, pair, np.maximum(support[pair], rate))
    state.support.add(pair, slot, np.zeros(pair.size), expiry_month)
    state.mark_changed(pair)


def expire_grants(state: DistrictState, step: Step, programmes: list[ProgrammeRun | None]) -> None:
    """Grants past their validity lapse; their money goes back to a programme still delivering."""
    # no entry can have expired before its book's earliest expiry (infinite for an empty book):
    # the check that GrantBook.take_expired makes first, without the calls
    if state.support.earliest_expiry <= step.month:
        ended = state.support.take_expired(step.month)
        if ended.pair.size:
            support = _support_flat(state)
            # a pair supported by two projects keeps the support of the one still running
            still = np.zeros(support.size, dtype=bool)
            still[state.support.pair] = True
            gone = ended.pair[~still[ended.pair]]
            _set_support_rate(state, gone, 0.0)
            state.mark_changed(gone)
    if not state.grants.earliest_expiry <= step.month:
        return
    lapsed = state.grants.take_expired(step.month)
    if lapsed.pair.size == 0:
        return
    _set_grant_rate(state, lapsed.pair, 0.0)
    state.mark_changed(lapsed.pair)
    for slot, programme in enumerate(programmes):
        mine = lapsed.slot == slot
        if programme is not None and mine.any() and programme.delivering(step.month):
            programme.spend("grants", -float(lapsed.amount[mine].sum()))


def award_grants(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programmes: list[ProgrammeRun | None],
) -> None:
    """This month's grant applications and awards (see the module docstring)."""
    k = data.technologies.k
    for slot, programme in enumerate(programmes):
        if programme is None or programme.design.grant_rate <= 0.0 or not programme.delivering(step.month):
            continue
        design = programme.design
        rng = streams.programmes[slot]
        if programme.account("grants") <= 0.0:
            continue
        # 1. who applies: aware firms, with a chance by size class times their absorptive capacity
        rate = np.asarray(design.grant_application_rate.as_tuple())[data.firms.size_class]
        applying = (rng.random(data.firms.n) < rate * state.absorptive_capacity * data.dt).nonzero()[0]
        if applying.size == 0:
            continue
        focus = programme.focus
        stage = state.stage[applying][:, focus]
        open_ = (stage >= AWARE) & (stage < ADOPTED) & (state.grant_rate[applying][:, focus] == 0.0)
        fit = np.where(
            open_, data.technologies.relevance[focus][None, :] * state.gate[applying][:, focus], -1.0
        )
        best = fit.argmax(axis=1)
        has = fit[np.arange(applying.size), best] >= 0.0
        firm = applying[has]
        pair = firm * k + focus[best[has]]
        if pair.size == 0:
            continue
        # applications cost the agency; stop when the account cannot assess more
        per_application = design.grant_application_cost_eur
        if design.grant_application == "diagnostic":
            per_application += design.diagnostic_cost_eur + staff_cost(
                design, design.staff_days_per_diagnostic
            )
        if per_application > 0.0:
            n_assessed = min(pair.size, int(programme.account("grants") // per_application))
            if design.grant_application == "diagnostic" and design.staff_days_per_diagnostic > 0.0:
                n_assessed = min(n_assessed, int(step.staff_days_left // design.staff_days_per_diagnostic))
            order = rng.permutation(pair.size)[:n_assessed]
            pair, firm = pair[order], firm[order]
            if pair.size == 0:
                continue
            programme.spend("grants", pair.size * per_application)
            step.spend[slot, SPEND["grant_applications"]] += pair.size * per_application
        step.units[slot, UNIT["grant_applications"]] += pair.size
        # 2. the proposal or diagnostic step: the firm learns what the project needs, or fails to
        aware = state.stage_flat[pair] == AWARE
        if design.grant_application == "diagnostic":
            success = state.rti_competence[pair - firm * k] * state.gate_flat[pair]
            channel = np.int8(CHANNEL["diagnostic"])
            step.staff_days_left -= pair.size * design.staff_days_per_diagnostic
            mark_engaged(state, step, firm)
        else:
            success = state.gate_flat[pair]
            channel = np.int8(CHANNEL["application"])
        learned = aware & (rng.random(pair.size) < success)
        make_knowledgeable(state, pair[learned], channel)
        ready = state.stage_flat[pair] == KNOWLEDGEABLE
        candidates, firm = pair[ready], firm[ready]
        if candidates.size == 0:
            continue
        # 3. awards: targeting tiers first, at random within a tier, while the account covers them
        order = np.lexsort((rng.random(candidates.size), data.tiers.rank(programme.targeting, firm)))
        candidates = candidates[order]
        amount = data.adoption_cost[candidates] * design.grant_rate
        within_budget = amount.cumsum() <= programme.account("grants")
        candidates, amount = candidates[within_budget], amount[within_budget]
        if candidates.size == 0:
            continue
        programme.spend("grants", float(amount.sum()))  # committed; recorded as spend when paid
        _set_grant_rate(state, candidates, design.grant_rate)
        state.grants.add(candidates, slot, amount, step.month + design.grant_validity_months)
        state.mark_changed(candidates)


def pay_grants(data: RunData, state: DistrictState, step: Step) -> None:
    """Pay the grants of pairs that have adopted (their money was committed at award).

    Called after the adoption decision, so a grant is paid in the step its pair
    adopts. The firm's own share of a supported adoption (the cost the grant or
    the project does not cover) is recorded as private spend of the programme.
    """
    grants, support = state.grants, state.support
    grants.unsettled = support.unsettled = False
    if grants.pair.size:
        assert state.grant_term_flat is not None  # allocated with the first grant
        # one kernel call: the grants of pairs that adopted taken from the book (GrantBook.take_reached),
        # the spend, the units, the own shares; their rates to 0
        grants.keep_first(
            pay_reached_grants(
                grants.pair,
                grants.slot,
                grants.amount,
                grants.expiry_month,
                state.stage_flat,
                ADOPTED,
                data.adoption_cost,
                state.grant_rate_flat,
                state.grant_term_flat,
                _NONE if state.support_rate is None else state.support_rate.reshape(-1),
                step.spend,
                step.units,
                step.private,
                SPEND["grants"],
                UNIT["grants"],
            )
        )
    if support.pair.size:
        rate = _support_flat(state)
        assert state.support_term_flat is not None
        # one kernel call: the support of pairs that adopted taken from the book, each pair's own
        # share once (in order of pair) added to private spend, its support rate set to 0
        support.keep_first(
            settle_reached_support(
                support.pair,
                support.slot,
                support.amount,
                support.expiry_month,
                state.stage_flat,
                ADOPTED,
                data.adoption_cost,
                rate,
                state.support_term_flat,
                step.private,
            )
        )


def prepare_adoption(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programmes: list[ProgrammeRun | None]
) -> None:
    """Before firms decide: lapse and award grants.

    The pairs whose postponement ends reconsider: they are taken off the postponement
    queue and their adoption clocks refreshed in the kernel call that refreshes the
    hazards (``schedule.refresh_hazards``, :func:`~districtlab.model.kernels.take_ended_postponements`).

    Firms whose threshold the visible adoption share has just reached get the
    legitimacy bonus from then on; only their knowledgeable pairs are marked (the
    bonus enters the adoption hazard alone, and a pair that becomes knowledgeable
    later reads it then). That is noted right after, in the kernel call that
    refreshes the hazards (``schedule.refresh_hazards``, :func:`~districtlab.model.kernels.legitimacy_reached`).
    """
    if data.behaviour.immediate_adoption:
        return
    expire_grants(state, step, programmes)
    award_grants(data, state, step, streams, programmes)


def adoption_hazard_tanh(tanh_arguments: NDArray[np.float64]) -> NDArray[np.float64]:
    """tanh(0.5 beta x) of the pairs' utility x, given 0.5 beta x (in place): their adoption hazard is h u(a, c) 0.5 (1 + tanh(0.5 beta x)).

    That is h u logistic(beta x), without overflow; the tanh is numpy's. x is
    the base utility plus the legitimacy bonus (:func:`~districtlab.model.kernels.adoption_utility`)
    plus the subsidies held (:func:`subsidy_term_tables`), computed and multiplied by 0.5 beta
    with the knowledge clocks' refresh (``schedule.refresh_hazards``). The adoption clocks run
    at these rates from the start of the step (0 while a decision is postponed);
    :func:`decide_adoption` sets them in the kernel call that finds the pairs due.
    """
    return np.tanh(tanh_arguments, out=tanh_arguments)


def decide_adoption(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programmes: list[ProgrammeRun | None],
    exposure: Exposure,
    n_refreshed: int = 0,
) -> None:
    """Knowledgeable pairs whose adoption clock runs out this step adopt (ODD.md §II.ii and §I.iii, steps 5 and 6).

    ``n_refreshed`` knowledgeable pairs had their hazard recomputed before the decision
    (``schedule.refresh_hazards``, which leaves them and their :func:`adoption_hazard_tanh`
    in the :func:`decision_buffers`): their adoption clocks are set first.
    """
    k = data.technologies.k
    behaviour = data.behaviour
    if behaviour.immediate_adoption:
        pair = state.pairs_at(KNOWLEDGEABLE)
        firm = pair // k
        adopt(
            state,
            data.firms,
            data.visible,
            firm,
            pair - firm * k,
            state.knowledge_channel_flat[pair],
            behaviour.adoption_learning,
            data.technologies.complexity,
            behaviour.gate_scale,
        )
        return
    # one kernel call: the pairs due (clock.due_before), their utility (adoption_utility) and the
    # tanh arguments of the attribution (adoption_arguments), subsidies included. Each adoption is
    # credited to the knowledge channel, unless the extra hazard that the legitimacy bonus, then
    # the grant, added explains it (incremental attribution).
    adoption = adoption_handle(data, state, exposure, streams)
    n_due = (
        due_adoption_arguments_with(  # L_k and 0.5 beta from the handle (the step's L_k is the run's array)
            step.month + data.dt,
            *subsidy_term_tables(state),
            n_refreshed,
            step.month,
            adoption,
        )
    )
    if n_due == 0:
        return
    tanh_arguments = decision_buffers(state)[3][: 3 * n_due]  # the pairs due's, by rows
    np.tanh(tanh_arguments, out=tanh_arguments)
    # one kernel call: the channels drawn, the rejections drawn (the firm says no for now and
    # reconsiders later: the postponed clocks restarted with fresh thresholds, the pairs queued
    # until then), the adopting pairs' clocks stopped, the adoptions made (state.adopt_pairs:
    # the stages raised and the capacity gained by adopting) and passed to the tallies and the
    # exposure (schedule.push_adoptions, which then finds none queued: state.adopt queues only
    # the adoptions of month 0 and of immediate adoption, each passed on before this)
    assert not state.new_adoptions, "adoptions queued before the decision would be tallied after it"
    marked, n_adopted, n_firms, largest, n_subsidised = decide_and_adopt_with(
        n_due,
        state.grants.pair.size > 0,
        step.month,
        step.month + data.dt + behaviour.postponement_months,
        adoption,
    )
    if n_adopted:  # what state.adopt_pairs and schedule.push_adoptions do after their kernel calls
        state.changed.add(marked)
        if exposure.has_further_rows:
            exposure.spread_along_further_rows(marked[:n_adopted], state.changed)
        if largest:
            buffers, k = decision_buffers(state), data.technologies.k
            refresh_gate(
                state,
                buffers[4][:n_firms],
                buffers[5][:n_firms],
                largest,
                buffers[6][: n_firms * k].reshape(n_firms, k),  # read when no firm adopted twice
                behaviour.adoption_learning,
                data.technologies.complexity,
                behaviour.gate_scale,
            )
    # a grant or project support is settled when its pair has adopted: this step's adoptions
    # that hold one, or entries added to a book for a pair adopted already (see GrantBook.unsettled)
    if n_subsidised or state.grants.unsettled or state.support.unsettled:
        pay_grants(data, state, step)


def _due_arguments(data: RunData, state: DistrictState, exposure: Exposure) -> tuple[Any, ...]:
    """What :func:`~districtlab.model.kernels.due_adoption_arguments` takes after the postponements (once per run)."""
    cached = state.kernel_arguments.get("due_adoption")
    if cached is None:
        cached = state.kernel_arguments["due_adoption"] = (
            state.gate_flat,
            data.behaviour.adoption_hazard,
            *state.adoption_clock.arrays(),
            data.technologies.k,
            *utility_arguments(data, state, exposure),
        )
    return cached


def adoption_handle(
    data: RunData, state: DistrictState, exposure: Exposure, streams: Streams
) -> AdoptionArrays:
    """The :class:`~districtlab.model.kernels.AdoptionArrays` handle of the run (built once per run).

    What :func:`_due_arguments` gives, then what :func:`_decision_arguments` gives besides, then
    what the adoptions take (``state.adopt_pairs``), the postponements, the streams of the
    channels' attribution and of the rejections, and the tallies' and the exposure's handle
    (``networks.Exposure.tally_handle``), the project support's rate, the
    :func:`decision_buffers`, 0.5 beta and the step's L_k (the run's one Step's array): the
    arrays and constants the adoption decision's two kernel calls take, passed as one argument.
    """
    cached = state.kernel_arguments.get("adoption")
    if cached is None:
        learning = data.behaviour.adoption_learning
        cached = state.kernel_arguments["adoption"] = (
            adoption_arrays(
                *_due_arguments(data, state, exposure),
                *_decision_arguments(data, state)[2:7],
                state.stage_flat,
                state.stage_counts_flat,
                learning > 0.0,
                1.0 - learning,
                state.absorptive_capacity,
                state.rti_affinity,
                state.engagement,
                state.light_engagement,
                data.technologies.complexity,
                data.behaviour.gate_scale,
                *postponement_arrays(data, state),
                streams.attribution_in_kernels,
                streams.decisions_in_kernels,
                exposure.tally_handle(adoption_tally_arguments(state, data.firms, data.visible)),
                _support_flat(state),  # allocated for the run here: the kernel reads it every step
                *decision_buffers(state),
                0.5 * data.behaviour.utility_slope,
                step_legitimacy(data, data.step),
            ),
        )
    handle: AdoptionArrays = cached[0]
    return handle


def decision_buffers(state: DistrictState) -> tuple[Any, ...]:
    """The buffers the adoption decision's pairs and tanh arguments pass through, once per run.

    (knowledgeable pairs refreshed before the decision, their tanh arguments, the pairs
    due, their three rows of tanh arguments, the firms that gained capacity by adopting,
    how many adoptions each made, their gate's argument by rows): the kernels write to
    their front and return how many, and numpy takes the tanh there (an array returned
    by a kernel costs about 0.55 us to box). One entry per pair (three for the rows,
    one per firm for the firms), so they are never too short.
    """
    cached = state.kernel_arguments.get("decision_buffers")
    if cached is None:
        size, n_firms = state.stage_flat.size, state.stage.shape[0]
        cached = state.kernel_arguments["decision_buffers"] = (
            np.empty(size, dtype=np.int64),
            np.empty(size),
            np.empty(size, dtype=np.int64),
            np.empty(3 * size),
            np.empty(n_firms, dtype=np.int64),
            np.empty(n_firms, dtype=np.int64),
            np.empty(size),
        )
    return cached


def postponement_arrays(data: RunData, state: DistrictState) -> tuple[Any, ...]:
    """(month until which each pair waits, the postponement queue's pairs, their months, its ends), once per run.

    The queue (:func:`~districtlab.model.kernels.queue_postponed`) holds the pairs whose
    decision was postponed, in the order they were, until their postponement ends. When
    no decision can be postponed (``rejection_probability`` 0) every array is empty but
    the ends (0, 0), and ``state.postponed_until`` stays None.
    """
    cached = state.kernel_arguments.get("postponement")
    if cached is None:
        size = state.stage_flat.size if data.behaviour.rejection_probability > 0.0 else 0
        if size:
            state.postponed_until = np.zeros(size)
        cached = state.kernel_arguments["postponement"] = (
            _NONE if state.postponed_until is None else state.postponed_until,
            np.empty(size, dtype=np.int64),
            np.empty(size),
            np.zeros(2, dtype=np.int64),
        )
    return cached


def _decision_arguments(data: RunData, state: DistrictState) -> tuple[Any, ...]:
    """What :func:`~districtlab.model.kernels.decide_due_adoptions` takes after the postponements (once per run)."""
    cached = state.kernel_arguments.get("decision")
    if cached is None:
        behaviour = data.behaviour
        cached = state.kernel_arguments["decision"] = (
            state.gate_flat,
            behaviour.adoption_hazard,
            state.knowledge_channel_flat,
            state.grant_rate_flat,
            CHANNEL["legitimacy"],
            CHANNEL["grant"],
            behaviour.rejection_probability,
            *state.adoption_clock.arrays()[:4],
            data.technologies.k,
        )
    return cached
