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
from districtlab.model.adoption import support_projects
from districtlab.model.arrays import unique_sorted
from districtlab.model.context import RunData, Step, Streams, mark_engaged
from districtlab.model.kernels import (
    DeliveryArrays,
    delivery_arrays,
    diagnose,
    enrol_trainees,
    hold_events,
    run_demonstrators_month,
    run_projects,
    set_gate_rows,
    take_due_projects,
)
from districtlab.model.mechanisms import commit, learn_from_codesign, review
from districtlab.model.networks import Exposure
from districtlab.model.programmes import INSTRUMENT, SPEND, UNIT, ProgrammeRun, staff_cost
from districtlab.model.state import (
    CHANNEL,
    ONE_CHANNEL,
    DistrictState,
    make_knowledgeable,
    raise_absorptive_capacity,
)
from districtlab.model.targeting import Outreach

_PRODUCER = ROLES.index("producer")
_NO_FIRMS = np.zeros(0, dtype=np.int64)


def _lines(instrument: str, *units: str) -> NDArray[np.int64]:
    """An instrument's account, its spend line and its unit lines, as its kernel takes them."""
    return np.array(
        [INSTRUMENT[instrument], SPEND[instrument], *(UNIT[name] for name in units)], dtype=np.int64
    )


_EVENT_LINES = _lines("events", "events", "event_attendances")
_DIAGNOSTIC_LINES = _lines("diagnostics", "diagnostics", "routed_firms")
_PROJECT_LINES = _lines("projects", "project_seats")
_TRAINING_LINES = _lines("training", "training_seats")
#: the demonstrators' running costs and visits are charged to the demonstrator account and the running line
_DEMONSTRATOR_LINES = np.array(
    [
        INSTRUMENT["demonstrator"],
        SPEND["demonstrator_running"],
        UNIT["demonstrator_months_open"],
        UNIT["demonstrator_visits"],
    ],
    dtype=np.int64,
)


def _books(programme: ProgrammeRun, step: Step, index: int) -> tuple[Any, ...]:
    """A programme's accounts and this step's records of spending and units, as the instruments' kernels take them.

    (accounts, spent since the last review, spend, units, private spending, the
    programme's slot, the price of a staff day, the firms' co-funding share); see
    :func:`~districtlab.model.kernels.charge_units`. Every entry is an array changed in
    place or a constant of the run (a run reuses one Step), so the tuple is built once.
    """
    cached = programme.books
    if cached is None or cached[2] is not step.spend:
        design = programme.design
        cached = programme.books = (
            programme.accounts,
            programme.spent_since_review,
            step.spend,
            step.units,
            step.private,
            index,
            float(design.staff_day_cost_eur),
            float(design.firm_cofunding_share),
        )
    return cached


def _units_to_buy(
    programme: ProgrammeRun, step: Step, instrument: str, unit_cost: float, staff_days_per_unit: float
) -> int:
    """Units the instrument's account can pay for (their staff days priced), within the staff days left.

    The price of a unit is its cost plus its staff days at ``staff_day_cost_eur`` (``staff_cost``);
    an instrument that takes no staff time is limited by its account alone.
    """
    price = unit_cost + staff_days_per_unit * programme.design.staff_day_cost_eur
    wanted = int(programme.accounts[INSTRUMENT[instrument]] // price)
    if staff_days_per_unit <= 0.0:
        return wanted
    return max(0, min(wanted, int(step.staff_days_left // staff_days_per_unit)))


def _charge(
    programme: ProgrammeRun,
    step: Step,
    index: int,
    instrument: str,
    amount: float,
    staff_days: float,
    cofunded: bool = False,
) -> None:
    """Charge units bought: their cost plus the staff days at their price; record the firms' co-funding."""
    total = amount + staff_cost(programme.design, staff_days)
    programme.spend(instrument, total)
    step.spend[index, SPEND[instrument]] += total
    step.staff_days_left -= staff_days
    share = programme.design.firm_cofunding_share
    if cofunded and share > 0.0:
        step.private[index] += total * share / (1.0 - share)


def _delivery(
    data: RunData, state: DistrictState, programme: ProgrammeRun, rng: np.random.Generator
) -> DeliveryArrays:
    """The programme's stream, its outreach and the district's arrays as the instruments' kernels take them.

    Made on the programme's first delivery (each instrument's outreach is the row
    ``INSTRUMENT[name]`` of the programme's :class:`~districtlab.model.targeting.Outreach`). The handle holds the Generator and the state's
    arrays themselves (the arrays are changed in place, never replaced); the network is the
    exposure weights, or the supply ties on the complete graph (as
    :func:`~districtlab.model.mechanisms.commit` reads it).
    """
    if programme.delivery is None:
        network = data.networks.weights if data.networks.weights is not None else data.networks.supply
        outreach = programme.outreach = Outreach(data.tiers.by_rule[programme.targeting], len(INSTRUMENTS))
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
        )
    return programme.delivery


def deliver_events(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """One-to-many awareness events: attendees become aware of the event's technology."""
    design = programme.design
    n_events = _units_to_buy(programme, step, "events", design.event_cost_eur, design.staff_days_per_event)
    if n_events == 0:
        return
    # the events bought: their attendees chosen, each event's topic drawn by priority over the
    # focus, the attendees made aware of it and marked engaged, the events charged: one kernel call
    step.staff_days_left, moved = hold_events(
        _delivery(data, state, programme, streams.programmes[index]),
        _books(programme, step, index),
        _EVENT_LINES,
        step.staff_days_left,
        n_events,
        design.event_cost_eur,
        design.staff_days_per_event,
        max(1, round(design.event_attendees * data.event_reach_multiplier)),
        programme.focus,
        programme.focus_cdf,
        INSTRUMENT["events"],
    )
    state.changed.add(moved)


def deliver_diagnostics(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """One-to-one diagnostics: the firm learns the technologies that fit it best.

    With ``diagnostic_routing`` on, diagnosed firms are routed (they join a queue
    that the instrument takes first): to training when their best fit u(a, c) over
    the programme's focus is below ``routing_gate_threshold`` (the technology is out
    of their reach), else to projects.
    """
    design = programme.design
    n = _units_to_buy(
        programme, step, "diagnostics", design.diagnostic_cost_eur, design.staff_days_per_diagnostic
    )
    if n == 0:
        return
    # the diagnostics bought: firms with something left to learn chosen, the technologies that fit
    # them best tried (a knowledge trial), the firms marked engaged, the diagnostics charged, the
    # firms routed: one kernel call
    step.staff_days_left, moved, programme.routed_training, programme.routed_projects = diagnose(
        _delivery(data, state, programme, streams.programmes[index]),
        _books(programme, step, index),
        _DIAGNOSTIC_LINES,
        step.staff_days_left,
        n,
        design.diagnostic_cost_eur,
        design.staff_days_per_diagnostic,
        INSTRUMENT["diagnostics"],
        min(design.diagnostic_depth, data.technologies.k),
        state.rti_competence,
        programme.mechanisms.diagnostic_routing,
        programme.settings.routing_gate_threshold,
        programme.focus,
        programme.routed_training,
        programme.routed_projects,
        ONE_CHANNEL[CHANNEL["diagnostic"]],
    )
    state.changed.add(moved)


def build_demonstrators(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """Build a demonstrator for each top priority technology the demonstrator account can pay for.

    A partner-hosted demonstrator (a living lab) is hosted by the ``living_lab_partners``
    most engaged buyers (lead firms and producers): they co-create it with the RTI.
    """
    design = programme.design
    for tech in programme.focus:
        if int(tech) in programme.demonstrators:
            continue
        if programme.account("demonstrator") < design.demonstrator_cost_eur:
            break
        programme.demonstrators.append(int(tech))
        _charge(programme, step, index, "demonstrator", design.demonstrator_cost_eur, 0.0)
        step.units[index, UNIT["demonstrators_built"]] += 1
        if _living_lab(data, programme):
            _co_create(data, state, step, programme, index, int(tech))


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


def run_demonstrators(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """Open demonstrators cost their running cost every month, and receive visitors while open.

    While the programme runs it pays (from the demonstrator account, then the others);
    if it cannot, the demonstrators close. After it, the RTI pays outside the budget
    (``rti_pays``) or they close (``close``).

    Visitors (one-to-many): each month brings ``demonstrator_visitors_per_month`` per
    demonstrator on average (rounded at random), as far as the accounts (while the
    programme runs) and the staff time allow. A visitor sees one of the technologies
    shown, which lowers its perceived risk, and becomes knowledgeable in it with
    probability u(a, c). A living lab's visitors are first its partners' peers and
    trading partners (it is visible to them), then firms reached by the programme's
    targeting rule. Each visit's staff time is priced and paid like the running cost.
    """
    design = programme.design
    if not programme.demonstrators or not programme.demonstrators_open:
        return
    delivering = programme.delivering(step.month)
    if not delivering and design.demonstrator_after_programme == "close":
        programme.demonstrators_open = False
        return
    living_lab = _living_lab(data, programme)
    # the running cost paid (or the demonstrators close), the visitors chosen (peers first), the
    # technology each sees drawn, their knowledge trial, the visits paid: one kernel call
    programme.demonstrators_open, step.staff_days_left, marked = run_demonstrators_month(
        _delivery(data, state, programme, streams.programmes[index]),
        _books(programme, step, index),
        _DEMONSTRATOR_LINES,
        step.post_programme,
        delivering,
        step.staff_days_left,
        data.dt,
        design.demonstrator_running_cost_eur_per_month,
        design.demonstrator_visitors_per_month,
        design.staff_days_per_visit,
        np.asarray(programme.demonstrators, dtype=np.int64),
        _partners_neighbours(data, programme) if living_lab else _NO_FIRMS,
        INSTRUMENT["demonstrator"],
        ONE_CHANNEL[CHANNEL["living_lab" if living_lab else "demonstrator"]],
    )
    state.changed.add(marked)


def _partners_neighbours(data: RunData, programme: ProgrammeRun) -> NDArray[np.int64]:
    """The living lab partners' peers and trading partners, found once per set of partners.

    The networks are static and the partners are chosen once, so the set does not change
    during a run; finding it every month cost a sort and a set difference per step.
    """
    partners = programme.living_lab_partners
    cached = programme.living_lab_peers
    if cached is None or cached[0] is not partners:
        cached = programme.living_lab_peers = (partners, _neighbours(data, partners))
    return cached[1]


def _neighbours(data: RunData, firm: NDArray[np.int64]) -> NDArray[np.int64]:
    """Peers and trading partners of a few firms (a living lab's partners)."""
    weights = data.networks.weights if data.networks.weights is not None else data.networks.supply
    if firm.size == 0:
        return firm
    rows = [weights.indices[weights.indptr[i] : weights.indptr[i + 1]] for i in firm.tolist()]
    found = unique_sorted(np.concatenate(rows)).astype(np.int64)
    return np.setdiff1d(found, firm)


def deliver_projects(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """Collaborative projects: groups of firms work with the RTI on one technology for L months.

    Routed firms join first, then the outreach fills the seats, among firms that have
    not adopted the project's technology. Members learn it, and the project covers part
    of their adoption cost while it runs and for ``project_support_months`` after.
    """
    design = programme.design
    settings = programme.settings
    k = data.technologies.k
    n_projects = _units_to_buy(
        programme,
        step,
        "projects",
        design.project_size * design.project_seat_cost_eur,
        design.project_size * design.staff_days_per_project_seat,
    )
    if n_projects == 0:
        return
    # the projects bought: their topics and members, the members made knowledgeable, marked
    # engaged and committed (mechanisms.commit), the seats charged: one kernel call
    step.staff_days_left, programme.routed_projects, pair, learned, formed = run_projects(
        _delivery(data, state, programme, streams.programmes[index]),
        _books(programme, step, index),
        _PROJECT_LINES,
        step.staff_days_left,
        n_projects,
        design.project_size,
        design.project_seat_cost_eur,
        design.staff_days_per_project_seat,
        programme.focus,
        programme.focus_cdf,
        programme.routed_projects,
        INSTRUMENT["projects"],
        programme.mechanisms.participation_commitment,
        settings.commitment_affinity_gain,
        settings.commitment_affinity_gain * settings.commitment_tie_share,
        ONE_CHANNEL[CHANNEL["project"]],
    )
    if pair.size == 0:
        return
    expiry = step.month + design.project_months + design.project_support_months
    for project in range(formed.shape[1] - 1):  # in the order the projects formed, as their pairs were marked
        state.changed.add(learned[formed[1, project] : formed[1, project + 1]])
        support_projects(
            state, pair[formed[0, project] : formed[0, project + 1]], index, design.project_cost_share, expiry
        )
    end_month = step.month + design.project_months
    firm = pair // k
    programme.project_end = np.concatenate([programme.project_end, np.full(pair.size, end_month)])
    programme.first_project_end = min(programme.first_project_end, end_month)
    programme.project_firm = np.concatenate([programme.project_firm, firm])
    programme.project_tech = np.concatenate([programme.project_tech, pair - firm * k])


def complete_projects(
    data: RunData, state: DistrictState, step: Step, programme: ProgrammeRun, exposure: Exposure
) -> None:
    """Projects due this step end: participants learn, and the RTI learns.

    Participants do not adopt here: the project's share of the cost keeps lowering
    their cost (their adoption hazard) for ``project_support_months`` (issue 9).
    """
    if step.month < programme.first_project_end:  # no project ends this step (none at all: inf)
        return
    # the seats due taken from the running ones, and the projects completed per technology
    # (each distinct (end month, technology) is one project): one kernel call
    (
        firm,
        completed,
        programme.project_end,
        programme.project_firm,
        programme.project_tech,
        programme.first_project_end,
    ) = take_due_projects(
        step.month, programme.project_end, programme.project_firm, programme.project_tech, data.technologies.k
    )
    _learn(data, state, firm, programme.design.training_gain)
    # RTI competence grows per project completed
    state.rti_competence = 1.0 - (1.0 - state.rti_competence) * (1.0 - data.competence_gain) ** completed


def deliver_training(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """Training raises absorptive capacity: a <- a + tau (1 - a)."""
    design = programme.design
    n = _units_to_buy(
        programme, step, "training", design.training_seat_cost_eur, design.staff_days_per_training_seat
    )
    if n == 0:
        return
    # the seats bought: routed firms first, then the outreach; the trainees (distinct) marked
    # engaged and charged, their capacity raised (raise_absorptive_capacity): one kernel call;
    # their gate rows follow from numpy's tanh
    step.staff_days_left, trainees, programme.routed_training, half_z = enrol_trainees(
        _delivery(data, state, programme, streams.programmes[index]),
        _books(programme, step, index),
        _TRAINING_LINES,
        step.staff_days_left,
        n,
        design.training_seat_cost_eur,
        design.staff_days_per_training_seat,
        programme.routed_training,
        INSTRUMENT["training"],
        1.0 - design.training_gain,
        data.technologies.complexity,
        data.behaviour.gate_scale,
    )
    if trainees.size:
        state.changed.add(set_gate_rows(trainees, np.tanh(half_z), state.gate_flat))


def _learn(data: RunData, state: DistrictState, firm: NDArray[np.int64], gain: float) -> None:
    raise_absorptive_capacity(state, firm, gain, data.technologies.complexity, data.behaviour.gate_scale)


DELIVERY_ORDER = (
    deliver_events,
    deliver_diagnostics,
    build_demonstrators,
    deliver_projects,
    deliver_training,
)


def _purchases(programme: ProgrammeRun) -> tuple[tuple[Any, int, float, float], ...]:
    """Per instrument in :data:`DELIVERY_ORDER`: (its delivery, its account, the price of one unit, its staff days).

    A delivery buys nothing when its account is below the price of one unit or
    the staff days left are below one unit's (as :func:`_units_to_buy` and
    :func:`build_demonstrators` find), so the month's loop skips it with two
    comparisons. The prices are those :func:`_units_to_buy` computes (the
    design is fixed for a run), worked out on the programme's first delivery.
    """
    if programme.purchases is None:
        design = programme.design
        day = design.staff_day_cost_eur
        units = (
            (design.event_cost_eur, design.staff_days_per_event),
            (design.diagnostic_cost_eur, design.staff_days_per_diagnostic),
            (design.demonstrator_cost_eur, 0.0),  # built from the account alone
            (
                design.project_size * design.project_seat_cost_eur,
                design.project_size * design.staff_days_per_project_seat,
            ),
            (design.training_seat_cost_eur, design.staff_days_per_training_seat),
        )
        accounts = ("events", "diagnostics", "demonstrator", "projects", "training")
        programme.purchases = tuple(
            (deliver, INSTRUMENT[account], cost + staff_days * day, staff_days)
            for deliver, account, (cost, staff_days) in zip(DELIVERY_ORDER, accounts, units, strict=True)
        )
    return programme.purchases


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
    for index, programme in enumerate(programmes):
        if programme is None:
            continue
        released, codesign = programme.fund(step.month, data.dt)
        if released:  # adding 0 to the step's records (which start at +0) changes nothing
            step.released[index] += released
        if codesign:
            step.spend[index, SPEND["codesign"]] += codesign
        complete_projects(data, state, step, programme, exposure)
        if not data.rti_enabled:
            continue
        if programme.delivering(step.month):
            if not programme.codesign_done:
                programme.codesign_done = True
                if programme.mechanisms.codesign_information:
                    participants = learn_from_codesign(
                        data, state, step, programme, index, streams.programmes[index]
                    )
                    commit(data, state, programme, participants)
            review(programme, step, index)
            for deliver, account, price, staff_days in _purchases(programme):
                if programme.accounts[account] < price or (
                    staff_days > 0.0 and step.staff_days_left < staff_days
                ):
                    continue  # not one unit affordable: the instrument does nothing this month
                deliver(data, state, step, streams, programme, index)
        run_demonstrators(data, state, step, streams, programme, index)
