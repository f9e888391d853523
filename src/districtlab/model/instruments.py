"""The RTI's instruments (ODD.md §III.iv, Instruments and Targeting): what a programme's money buys, and its effect.

Each month, for each programme that is delivering, the instruments are bought
in a fixed order (events, diagnostics, demonstrator, projects, training; grants
are awarded in the adoption decision). A unit is bought when its account covers
it and the RTI still has staff time this month; its firms are chosen by the
programme's targeting rule (:mod:`districtlab.model.targeting`).

Issue 9: every instrument changes awareness, knowledge, perceived risk, cost or
absorptive capacity, never adoption itself (projects lower the participants'
cost through the adoption hazard). Staff days are priced at
``staff_day_cost_eur`` and charged to the instrument; firms co-fund
diagnostics, training and project seats by ``firm_cofunding_share`` (private
spend). An open demonstrator costs its running cost every month (visits' staff
time included): the programme pays while it runs, then the RTI pays outside the
budget or the demonstrator closes. A demonstrator hosted with partner firms is
a living lab (Toy Valley's Taller 4.0): the partners co-create with the RTI
(they learn the technology, and the programme covers part of their cost as in a
project) and their peers visit it at the partners' site.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from districtlab.config import INSTRUMENTS, ROLES, SIZE_CLASSES
from districtlab.model import kernels
from districtlab.model.adoption import support_projects
from districtlab.model.arrays import unique_sorted
from districtlab.model.context import RunData, Step, Streams, mark_engaged
from districtlab.model.kernels import (
    DONE,
    EVENTS,
    GATE_ROWS,
    RUNNING,
    TRAINING,
    DeliveryArrays,
    build_demonstrators,
    deliver_month,
    delivery_arrays,
    diagnose,
    enrol_trainees,
    hold_events,
    run_projects,
    seat_projects,
    set_books,
    set_first_visitors,
    set_gate_rows,
    take_due_seats,
)
from districtlab.model.mechanisms import commit, learn_from_codesign, review
from districtlab.model.networks import Exposure
from districtlab.model.programmes import INSTRUMENT, SPEND, UNIT, ProgrammeRun, staff_cost
from districtlab.model.state import (
    CHANNEL,
    DistrictState,
    make_knowledgeable,
    raise_absorptive_capacity,
)
from districtlab.model.targeting import Outreach

_PRODUCER = ROLES.index("producer")
_NO_FIRMS = np.zeros(0, dtype=np.int64)


def _books(programme: ProgrammeRun, step: Step, index: int) -> tuple[Any, ...]:
    """A programme's accounts and this step's records of spending and units, as the instruments' kernels take them.

    (accounts, spent since the last review, spend, units, private spending, the
    programme's slot, the price of a staff day, the firms' co-funding share); see
    :func:`~districtlab.model.kernels.charge_units`. Every entry is an array changed in
    place or a constant of the run (a run reuses one Step).
    """
    design = programme.design
    programme.books = (
        programme.accounts,
        programme.spent_since_review,
        step.spend,
        step.units,
        step.private,
        index,
        float(design.staff_day_cost_eur),
        float(design.firm_cofunding_share),
    )
    return programme.books


def _plan(data: RunData, programme: ProgrammeRun) -> tuple[Any, ...]:
    """The programme's fixed plan as :func:`~districtlab.model.kernels.deliver_month` reads it.

    (book lines per stage, prices, settings, channels): see the layout in
    :mod:`districtlab.model.kernels` (``deliver_month``). A unit's price is its cost
    plus its staff days at ``staff_day_cost_eur`` (``staff_cost``); a demonstrator is
    built from its account alone. The design is fixed for a run.
    """
    design = programme.design
    settings = programme.settings
    day = design.staff_day_cost_eur
    units = (
        (design.event_cost_eur, design.staff_days_per_event),
        (design.diagnostic_cost_eur, design.staff_days_per_diagnostic),
        (design.demonstrator_cost_eur, 0.0),
        (
            design.project_size * design.project_seat_cost_eur,
            design.project_size * design.staff_days_per_project_seat,
        ),
        (design.training_seat_cost_eur, design.staff_days_per_training_seat),
    )
    prices = np.zeros(kernels.N_PRICES)
    for stage, (cost, staff_days) in enumerate(units):
        prices[stage] = cost + staff_days * day
        prices[kernels.UNIT_DAYS + stage] = staff_days
    prices[kernels.P_EVENT_COST] = design.event_cost_eur
    prices[kernels.P_EVENT_DAYS] = design.staff_days_per_event
    prices[kernels.P_DIAGNOSTIC_COST] = design.diagnostic_cost_eur
    prices[kernels.P_DIAGNOSTIC_DAYS] = design.staff_days_per_diagnostic
    prices[kernels.P_DEMONSTRATOR_COST] = design.demonstrator_cost_eur
    prices[kernels.P_SEAT_COST] = design.project_seat_cost_eur
    prices[kernels.P_SEAT_DAYS] = design.staff_days_per_project_seat
    prices[kernels.P_TRAINING_COST] = design.training_seat_cost_eur
    prices[kernels.P_TRAINING_DAYS] = design.staff_days_per_training_seat
    prices[kernels.P_ROUTING_THRESHOLD] = settings.routing_gate_threshold
    prices[kernels.P_COMMITMENT_GAIN] = settings.commitment_affinity_gain
    prices[kernels.P_TIE_GAIN] = settings.commitment_affinity_gain * settings.commitment_tie_share
    prices[kernels.P_CAPACITY_FACTOR] = 1.0 - design.training_gain
    prices[kernels.P_GATE_SCALE] = data.behaviour.gate_scale
    prices[kernels.P_DT] = data.dt
    prices[kernels.P_RUNNING_COST] = design.demonstrator_running_cost_eur_per_month
    prices[kernels.P_VISITORS] = design.demonstrator_visitors_per_month
    prices[kernels.P_VISIT_DAYS] = design.staff_days_per_visit
    living_lab = _living_lab(data, programme)
    plan = np.zeros(kernels.N_SETTINGS, dtype=np.int64)
    plan[kernels.S_ATTENDEES] = max(1, round(design.event_attendees * data.event_reach_multiplier))
    plan[kernels.S_DEPTH] = min(design.diagnostic_depth, data.technologies.k)
    plan[kernels.S_ROUTING] = programme.mechanisms.diagnostic_routing
    plan[kernels.S_PROJECT_SIZE] = design.project_size
    plan[kernels.S_COMMITMENT] = programme.mechanisms.participation_commitment
    plan[kernels.S_LIVING_LAB] = living_lab
    plan[kernels.S_CLOSE_AFTER] = design.demonstrator_after_programme == "close"
    accounts = ("events", "diagnostics", "demonstrator", "projects", "training", "demonstrator")
    plan[kernels.S_OUTREACH : kernels.S_OUTREACH + len(accounts)] = [INSTRUMENT[name] for name in accounts]
    lines = np.array(
        [
            [INSTRUMENT["events"], SPEND["events"], UNIT["events"], UNIT["event_attendances"]],
            [INSTRUMENT["diagnostics"], SPEND["diagnostics"], UNIT["diagnostics"], UNIT["routed_firms"]],
            [INSTRUMENT["demonstrator"], SPEND["demonstrator"], UNIT["demonstrators_built"], 0],
            [INSTRUMENT["projects"], SPEND["projects"], UNIT["project_seats"], 0],
            [INSTRUMENT["training"], SPEND["training"], UNIT["training_seats"], 0],
            # the demonstrators' running costs and visits: the demonstrator account and the running line
            [
                INSTRUMENT["demonstrator"],
                SPEND["demonstrator_running"],
                UNIT["demonstrator_months_open"],
                UNIT["demonstrator_visits"],
            ],
        ],
        dtype=np.int64,
    )
    channels = np.array(
        [
            [CHANNEL["diagnostic"]],
            [CHANNEL["project"]],
            [CHANNEL["living_lab" if living_lab else "demonstrator"]],
        ],
        dtype=np.int8,
    )
    return lines, prices, plan, channels


def _delivery(
    data: RunData,
    state: DistrictState,
    step: Step,
    programme: ProgrammeRun,
    index: int,
    rng: np.random.Generator,
) -> DeliveryArrays:
    """The programme's stream, its outreach, the district's arrays, its books and plan as :func:`deliver_month` takes them.

    Made on the programme's first delivery (each instrument's outreach is the row
    ``INSTRUMENT[name]`` of the programme's :class:`~districtlab.model.targeting.Outreach`). The handle holds the Generator and the state's
    arrays themselves (the arrays are changed in place, never replaced); the network is the
    exposure weights, or the supply ties on the complete graph (as
    :func:`~districtlab.model.mechanisms.commit` reads it). It also holds the programme's
    run state that only the kernels change (routing queues, demonstrators).
    """
    if programme.delivery is None:
        network = data.networks.weights if data.networks.weights is not None else data.networks.supply
        outreach = programme.outreach = Outreach(data.tiers.by_rule[programme.targeting], len(INSTRUMENTS))
        lines, prices, plan, channels = _plan(data, programme)
        n_firms = state.absorptive_capacity.size
        half_z = programme.half_z = np.empty((n_firms, state.n_technologies))
        trainee_rows = programme.trainee_rows = np.empty(n_firms, dtype=np.int64)
        programme.delivery = delivery_arrays(
            rng,
            state.stage_flat,
            state.stage_counts_flat,
            state.knowledge_channel_flat,
            state.knowledge_by_channel.reshape(-1),
            state.seen_demonstration_flat,
            state.gate_flat,
            state.size_class,
            state.engaged,
            state.engaged_by_size,
            state.absorptive_capacity,
            state.rti_affinity,
            state.engagement,
            state.light_engagement,
            data.technologies.relevance,
            data.all_technologies,
            network.indptr.astype(np.int64),
            network.indices.astype(np.int64),
            len(SIZE_CLASSES),
            state.n_technologies,
            outreach.tiers,
            outreach.bounds,
            outreach.orders,
            outreach.ordered,
            outreach.cursors,
            _books(programme, step, index),
            step.post_programme,
            lines,
            prices,
            plan,
            channels,
            data.technologies.complexity,
            _NO_FIRMS,  # routed to training
            _NO_FIRMS,  # routed to projects
            _NO_FIRMS,  # demonstrators built
            True,  # demonstrators open
            _NO_FIRMS,  # a living lab's first visitors
            _NO_FIRMS,  # the last trainees
            half_z,  # the gate argument of their rows, in its first rows
            trainee_rows,  # the last trainees, when the caller sets their gate rows
            _NO_FIRMS,  # the last projects' pairs
            _NO_FIRMS,  # the pairs they made knowledgeable
            np.zeros((2, 1), dtype=np.int64),  # where each project's pairs start
            np.zeros(0),  # the running project seats' end months,
            _NO_FIRMS,  # firms
            _NO_FIRMS,  # and technologies
        )
        programme.no_gate_values = np.empty((0, state.n_technologies))
    return programme.delivery


def _living_lab(data: RunData, programme: ProgrammeRun) -> bool:
    return programme.design.demonstrator_site == "partner_firms" and data.mechanisms.living_lab


def _co_create(
    data: RunData, state: DistrictState, step: Step, programme: ProgrammeRun, index: int, tech: int
) -> None:
    """Partner firms of a living lab co-create it: they learn the technology and get project support.

    The RTI's staff time with each partner (a project seat's staff days) is charged to the programme.
    """
    if programme.living_lab_partners.size == 0:
        buyers = (data.is_lead | (data.firms.role == _PRODUCER)).nonzero()[0]  # lead firms and producers host
        order = np.argsort(-state.engagement[buyers], kind="stable")
        programme.living_lab_partners = np.sort(buyers[order[: programme.design.living_lab_partners]])
    partners = programme.living_lab_partners
    design = programme.design
    # co-creation takes RTI staff time with each partner, as a project seat does; it is priced
    staff_days = partners.size * design.staff_days_per_project_seat
    step.spend[index, SPEND["demonstrator"]] += programme.pay_from_all(
        staff_cost(design, staff_days), "demonstrator"
    )
    step.staff_days_left -= staff_days
    pair = partners * data.technologies.k + tech
    make_knowledgeable(state, pair, np.int8(CHANNEL["living_lab"]))
    state.seen_demonstration_flat[pair] = True
    state.mark_changed(pair)
    mark_engaged(state, step, partners)
    support_projects(
        state, pair, index, design.project_cost_share, programme.end_month + design.project_support_months
    )
    commit(data, state, programme, partners)


def _neighbours(data: RunData, firm: NDArray[np.int64]) -> NDArray[np.int64]:
    """Peers and trading partners of a few firms (a living lab's partners)."""
    weights = data.networks.weights if data.networks.weights is not None else data.networks.supply
    if firm.size == 0:
        return firm
    rows = [weights.indices[weights.indptr[i] : weights.indptr[i + 1]] for i in firm.tolist()]
    found = unique_sorted(np.concatenate(rows)).astype(np.int64)
    return np.setdiff1d(found, firm)


def _start_projects(
    data: RunData,
    state: DistrictState,
    step: Step,
    programme: ProgrammeRun,
    index: int,
    delivery: DeliveryArrays,
) -> None:
    """Projects just formed (:func:`~districtlab.model.kernels.run_projects`): their cost support, and their seats kept.

    Members learned the project's technology in the kernel; the project covers part of their
    adoption cost while it runs and for ``project_support_months`` after. Its seats run until
    ``project_months`` from now (:func:`complete_projects`).
    """
    design = programme.design
    end_month = step.month + design.project_months
    pair, learned, formed = seat_projects(delivery, end_month)
    expiry = step.month + design.project_months + design.project_support_months
    for project in range(formed.shape[1] - 1):  # in the order the projects formed, as their pairs were marked
        state.changed.add(learned[formed[1, project] : formed[1, project + 1]])
        support_projects(
            state, pair[formed[0, project] : formed[0, project + 1]], index, design.project_cost_share, expiry
        )
    programme.first_project_end = min(programme.first_project_end, end_month)


def complete_projects(
    data: RunData, state: DistrictState, step: Step, programme: ProgrammeRun, exposure: Exposure
) -> None:
    """Projects due this step end: participants learn, and the RTI learns.

    Participants do not adopt here: the project's share of the cost keeps lowering
    their cost (their adoption hazard) for ``project_support_months`` (issue 9).
    Called when some seat is due (``step.month >= programme.first_project_end``).
    """
    # the seats due taken from the running ones, and the projects completed per technology
    # (each distinct (end month, technology) is one project): one kernel call
    assert programme.delivery is not None  # its seats are in its handle, made when it first delivered
    firm, completed, programme.first_project_end = take_due_seats(programme.delivery, step.month)
    _learn(data, state, firm, programme.design.training_gain)
    # RTI competence grows per project completed
    state.rti_competence = 1.0 - (1.0 - state.rti_competence) * (1.0 - data.competence_gain) ** completed


def _learn(data: RunData, state: DistrictState, firm: NDArray[np.int64], gain: float) -> None:
    raise_absorptive_capacity(state, firm, gain, data.technologies.complexity, data.behaviour.gate_scale)


#: The instruments' deliveries in the order the RTI buys them each month (the stages of
#: :func:`~districtlab.model.kernels.deliver_month`); grants are awarded in the adoption decision.
DELIVERY_ORDER = (hold_events, diagnose, build_demonstrators, run_projects, enrol_trainees)


def _deliver_month(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programme: ProgrammeRun,
    index: int,
    delivering: bool,
) -> None:
    """The programme's purchases (while ``delivering``) and its open demonstrators' month.

    One :func:`~districtlab.model.kernels.deliver_month` call, and one more after each
    rule that needs Python: a living lab's co-creation, projects' cost support, the
    gate's tanh after training (numpy's, see :mod:`districtlab.model.kernels`).
    """
    delivery = programme.delivery or _delivery(data, state, step, programme, index, streams.programmes[index])
    if programme.books[2] is not step.spend:  # a new Step's records (a run reuses one: never so far)
        set_books(delivery, _books(programme, step, index), step.post_programme)
    stage = EVENTS if delivering else RUNNING
    gate_values = programme.no_gate_values
    while True:
        stage, step.staff_days_left, marked, count = deliver_month(
            delivery,
            stage,
            step.staff_days_left,
            delivering,
            programme.focus,
            programme.focus_cdf,
            state.rti_competence,
            gate_values,
        )
        state.changed.add(marked)
        # in order of how often each comes back
        if stage == GATE_ROWS:  # trainees took seats, and the month is over
            gate_values = np.tanh(programme.half_z[:count])
            state.changed.add(set_gate_rows(programme.trainee_rows[:count], gate_values, state.gate_flat))
            programme.demonstrators_running = False
            return
        if stage >= DONE:
            programme.demonstrators_running = stage == DONE
            return
        if stage == RUNNING:  # trainees took seats: their gate rows, then the demonstrators
            gate_values = np.tanh(programme.half_z[:count])
        elif stage == TRAINING:  # projects formed
            _start_projects(data, state, step, programme, index, delivery)
        else:  # a living lab built: its partners co-create it
            _co_create(data, state, step, programme, index, count)
            if programme.living_lab_peers is None:  # the partners are chosen once
                programme.living_lab_peers = _neighbours(data, programme.living_lab_partners)
                set_first_visitors(delivery, programme.living_lab_peers)


def deliver_programmes(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programmes: list[ProgrammeRun | None],
    exposure: Exposure,
) -> None:
    """Fund every programme for this step, complete due projects, deliver the instruments.

    At the start of delivery a co-designed programme learns from its participants
    (if ``codesign_information`` is on); during delivery it reviews its accounts
    (if ``adaptive_reallocation`` is on). Demonstrators keep running after their
    programme has ended if the RTI pays for them.
    """
    month = step.month
    for index, programme in enumerate(programmes):
        if programme is None:
            continue
        released, codesign = programme.fund(month, data.dt)
        if released:  # adding 0 to the step's records (which start at +0) changes nothing
            step.released[index] += released
        if codesign:
            step.spend[index, SPEND["codesign"]] += codesign
        if month >= programme.first_project_end:  # some project ends this step
            complete_projects(data, state, step, programme, exposure)
        if not data.rti_enabled:
            continue
        if programme.delivery_start_month <= month < programme.delivery_end_month:  # delivering
            if not programme.codesign_done:
                programme.codesign_done = True
                if programme.mechanisms.codesign_information:
                    participants = learn_from_codesign(
                        data, state, step, programme, index, streams.programmes[index]
                    )
                    commit(data, state, programme, participants)
            if month >= programme.next_review_month:
                review(programme, step, index)
            _deliver_month(data, state, step, streams, programme, index, True)
        elif programme.demonstrators_running:
            _deliver_month(data, state, step, streams, programme, index, False)
