"""The instruments' kernels: one per instrument, the stages of
:func:`~districtlab.model.kernels.delivery.deliver_month`.

Fuses each instrument's month (choosing its firms, its draws, its effect on them and its charge
to the programme's books), plus the knowledge trials, events' attendance, diagnostics' choices,
projects that end and the small helpers they share; for :mod:`districtlab.model.instruments`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from districtlab.model.kernels._jit import njit
from districtlab.model.kernels.delivery_arrays import DeliveryArrays
from districtlab.model.kernels.stages import (
    _ADOPTED,
    _KNOWLEDGEABLE,
    gain_capacity,
    raise_stage,
    raise_to_knowledgeable,
)
from districtlab.model.kernels.targeting import outreach_select, permuted

# -- instruments (knowledge trials, events' attendance, diagnostics' choices, eligibility filters) -


@njit(cache=True)
def knowledge_trial(
    pairs: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    success: NDArray[np.float64],
    channel: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
    n_technologies: int,
) -> NDArray[np.int64]:
    """Distinct pairs become knowledgeable by ``channel`` where u < success, the others at least aware.

    Returns the pairs that moved: those made knowledgeable first, then those made aware.
    """
    hit = uniforms < success
    learned = raise_to_knowledgeable(
        pairs[hit],
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
    )
    aware = raise_stage(pairs[~hit], 1, stage, stage_counts, n_technologies)
    moved = np.empty(learned.size + aware.size, dtype=np.int64)
    moved[: learned.size] = learned
    moved[learned.size :] = aware
    return moved


@njit(cache=True)
def attend_events(
    attendees: NDArray[np.int64],
    topics: NDArray[np.int64],
    attendees_per_event: int,
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    n_technologies: int,
    engaged: NDArray[np.bool_],
    size_class: NDArray[np.int8],
    engaged_by_size: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Event attendees become aware of their event's technology and count as engaged; return the pairs that moved.

    Fuses the events' pairing of attendees with topics
    (``np.repeat(topics, attendees_per_event)[:n] + attendees * K``),
    :func:`raise_stage` to aware (``state.make_aware``) and :func:`engage`
    (``context.mark_engaged``): attendee i went to event i // attendees_per_event.
    """
    pairs = np.empty(attendees.size, dtype=np.int64)
    for index in range(attendees.size):
        pairs[index] = attendees[index] * n_technologies + topics[index // attendees_per_event]
    moved = raise_stage(pairs, 1, stage, stage_counts, n_technologies)
    engage(attendees, engaged, size_class, engaged_by_size)
    return moved


@njit(cache=True)
def knowledge_trial_and_engage(
    pairs: NDArray[np.int64],
    uniforms: NDArray[np.float64],
    success: NDArray[np.float64],
    channel: NDArray[np.int8],
    stage: NDArray[np.int8],
    stage_counts: NDArray[np.int64],
    knowledge_channel: NDArray[np.int8],
    knowledge_by_channel: NDArray[np.int64],
    size_class: NDArray[np.int8],
    n_sizes: int,
    n_technologies: int,
    firms: NDArray[np.int64],
    engaged: NDArray[np.bool_],
    engaged_by_size: NDArray[np.int64],
) -> NDArray[np.int64]:
    """:func:`knowledge_trial` of ``pairs``, then :func:`engage` of ``firms``: one call instead of two.

    What an instrument does last for the firms it dealt with (a diagnostic, a
    demonstrator visit: :func:`diagnose`, :func:`visit_demonstrators`).
    The two touch different arrays; they run in that order all the same.
    """
    moved = knowledge_trial(
        pairs,
        uniforms,
        success,
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
    )
    engage(firms, engaged, size_class, engaged_by_size)
    return moved


@njit(cache=True)
def diagnostic_choices(
    firms: NDArray[np.int64],
    depth: int,
    relevance: NDArray[np.float64],
    gate: NDArray[np.float64],
    stage: NDArray[np.int8],
    competence: NDArray[np.float64],
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """The pairs a diagnostic covers and the chance that each is learned.

    For each firm, the ``depth`` technologies that fit it best (relevance_k
    u_ik, highest first, the lower index first among equals, as a stable sort),
    leaving out those it already knows; the chance is competence_k u_ik.
    """
    k = relevance.size
    pairs = np.empty(firms.size * depth, dtype=np.int64)
    success = np.empty(firms.size * depth)
    fit = np.empty(k)
    taken = np.zeros(k, dtype=np.bool_)
    n_pairs = 0
    for firm in firms:
        for tech in range(k):
            pair = firm * k + tech
            fit[tech] = -1.0 if stage[pair] >= _KNOWLEDGEABLE else relevance[tech] * gate[pair]
            taken[tech] = False
        for _ in range(depth):
            best = -1
            for tech in range(k):
                if not taken[tech] and (best < 0 or fit[tech] > fit[best]):
                    best = tech
            taken[best] = True
            if fit[best] >= 0.0:
                pair = firm * k + best
                pairs[n_pairs] = pair
                success[n_pairs] = competence[best] * gate[pair]
                n_pairs += 1
    return pairs[:n_pairs], success[:n_pairs]


@njit(cache=True)
def any_stage_below(
    candidates: NDArray[np.int64],
    technologies: NDArray[np.int64],
    level: int,
    stage: NDArray[np.int8],
    n_technologies: int,
) -> NDArray[np.bool_]:
    """For each candidate firm: is it below ``level`` in at least one of ``technologies``?"""
    below = np.zeros(candidates.size, dtype=np.bool_)
    for index in range(candidates.size):
        start = candidates[index] * n_technologies
        for tech in technologies:
            if stage[start + tech] < level:
                below[index] = True
                break
    return below


# -- instrument deliveries (the stages of deliver_month, below): one kernel per instrument
#
# Each kernel below is one instrument's month, once :func:`deliver_month` has found that its
# account and the RTI's staff time can buy some units (:func:`units_affordable`): choosing the firms
# (:func:`outreach_select`), what the instrument draws, its effect on the firms and the charge
# to the programme's books. What needs a transcendental function (the gate's tanh after
# training) is left to numpy. Draws come from the programme's stream in the sizes and order of
# the numpy code they replace. Each returns the pairs to mark as changed, in the order the numpy
# code marked them.
#
# ``books`` is (accounts, spent since the last review, this step's spend (programmes x spend
# lines), units (programmes x unit lines) and private spending (programmes), the programme's
# slot, the price of a staff day, the firms' co-funding share): see ``instruments._books``.
# ``lines`` is (the instrument's account, its spend line, its unit lines...).


@njit(cache=True)
def charge_units(
    books: tuple[Any, ...], account: int, spend_line: int, amount: float, staff_days: float, cofunded: bool
) -> None:
    """Charge units bought: their cost plus the staff days at their price; record the firms' co-funding.

    The caller takes the staff days from what is left this month.
    """
    accounts, spent_since_review, spend, _, private, slot, staff_day_cost, cofunding_share = books
    total = amount + staff_days * staff_day_cost
    accounts[account] -= total
    spent_since_review[account] += total
    spend[slot, spend_line] += total
    if cofunded and cofunding_share > 0.0:
        private[slot] += total * cofunding_share / (1.0 - cofunding_share)


@njit(cache=True)
def hold_events(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    staff_days_left: float,
    n_events: int,
    event_cost: float,
    staff_days_per_event: float,
    attendees_per_event: int,
    focus: NDArray[np.int64],
    focus_cdf: NDArray[np.float64],
    outreach: int,
) -> tuple[float, NDArray[np.int64]]:
    """Events (the first stage of :func:`deliver_month`): (staff days left, pairs that moved).

    ``lines``: account, spend line, units of events, units of attendances. The
    attendees are chosen (:func:`outreach_select`), then each event's topic is
    drawn by priority over the focus (inverse-CDF sampling on the cumulative
    weights ``focus_cdf``: what ``rng.choice(focus, n, p=weights)`` does with the
    same draws), then :func:`attend_events`.
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    acceptance = delivery.light_engagement
    stage = delivery.stage
    stage_counts = delivery.stage_counts
    n_technologies = delivery.n_technologies
    engaged = delivery.engaged
    size_class = delivery.size_class
    engaged_by_size = delivery.engaged_by_size
    attendees = outreach_select(
        delivery,
        n_events * attendees_per_event,
        acceptance,
        tiers,
        bounds,
        orders,
        ordered,
        cursors,
        False,
        np.zeros(0, dtype=np.int64),
        0,
        np.zeros(0, dtype=np.int8),
        0,
    )
    topics = focus[np.searchsorted(focus_cdf, delivery.rng.random(n_events), side="right")]
    moved = attend_events(
        attendees,
        topics,
        attendees_per_event,
        stage,
        stage_counts,
        n_technologies,
        engaged,
        size_class,
        engaged_by_size,
    )
    staff_days = n_events * staff_days_per_event
    charge_units(books, lines[0], lines[1], n_events * event_cost, staff_days, False)
    units, slot = books[3], books[5]
    units[slot, lines[2]] += n_events
    units[slot, lines[3]] += attendees.size
    return staff_days_left - staff_days, moved


@njit(cache=True)
def diagnose(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    staff_days_left: float,
    n: int,
    diagnostic_cost: float,
    staff_days_per_diagnostic: float,
    outreach: int,
    depth: int,
    competence: NDArray[np.float64],
    routing: bool,
    routing_threshold: float,
    focus: NDArray[np.int64],
    routed_training: NDArray[np.int64],
    routed_projects: NDArray[np.int64],
    channel: NDArray[np.int8],
) -> tuple[float, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Diagnostics (a stage of :func:`deliver_month`): (staff days left, pairs that moved, routing queues).

    ``lines``: account, spend line, units of diagnostics, units of firms routed.
    Firms with something left to learn are chosen (:func:`outreach_select`),
    then :func:`diagnostic_choices` and :func:`knowledge_trial_and_engage`; with
    ``routing`` on, each diagnosed firm joins the training queue when its best
    fit u_ik over the focus is below the threshold, else the projects queue
    (diagnostic routing, :mod:`districtlab.model.mechanisms`).
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    acceptance = delivery.engagement
    all_technologies = delivery.all_technologies
    relevance = delivery.relevance
    gate = delivery.gate
    stage = delivery.stage
    stage_counts = delivery.stage_counts
    knowledge_channel = delivery.knowledge_channel
    knowledge_by_channel = delivery.knowledge_by_channel
    size_class = delivery.size_class
    n_sizes = delivery.n_sizes
    n_technologies = delivery.n_technologies
    engaged = delivery.engaged
    engaged_by_size = delivery.engaged_by_size
    firms = outreach_select(
        delivery,
        n,
        acceptance,
        tiers,
        bounds,
        orders,
        ordered,
        cursors,
        True,
        all_technologies,
        _KNOWLEDGEABLE,
        stage,
        n_technologies,
    )
    if firms.size == 0:
        return staff_days_left, firms, routed_training, routed_projects
    pairs, success = diagnostic_choices(firms, depth, relevance, gate, stage, competence)
    moved = knowledge_trial_and_engage(
        pairs,
        delivery.rng.random(pairs.size),
        success,
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
        firms,
        engaged,
        engaged_by_size,
    )
    staff_days = firms.size * staff_days_per_diagnostic
    charge_units(books, lines[0], lines[1], firms.size * diagnostic_cost, staff_days, True)
    units, slot = books[3], books[5]
    units[slot, lines[2]] += firms.size
    if routing:
        low = np.empty(firms.size, dtype=np.bool_)
        for index in range(firms.size):
            start = firms[index] * n_technologies
            fit = gate[start + focus[0]]
            for tech in focus[1:]:
                fit = max(fit, gate[start + tech])
            low[index] = fit < routing_threshold
        routed_training = np.concatenate((routed_training, firms[low]))
        routed_projects = np.concatenate((routed_projects, firms[~low]))
        units[slot, lines[3]] += firms.size
    return staff_days_left - staff_days, moved, routed_training, routed_projects


@njit(cache=True)
def take_routed_firms(
    queue: NDArray[np.int64], n: int, eligible: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Up to ``n`` eligible firms from the front of a routing queue: (taken, rest of the queue)."""
    if queue.size == 0 or n <= 0:
        return queue[:0], queue
    taken = np.empty(min(n, queue.size), dtype=np.int64)
    rest = np.empty(queue.size, dtype=np.int64)
    n_taken = 0
    n_rest = 0
    for index in range(queue.size):
        if eligible[index] and n_taken < n:
            taken[n_taken] = queue[index]
            n_taken += 1
        else:
            rest[n_rest] = queue[index]
            n_rest += 1
    return taken[:n_taken], rest[:n_rest]


@njit(cache=True)
def enrol_trainees(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    staff_days_left: float,
    n: int,
    seat_cost: float,
    staff_days_per_seat: float,
    routed: NDArray[np.int64],
    outreach: int,
    capacity_factor: float,
    complexity: NDArray[np.float64],
    gate_scale: float,
) -> tuple[float, NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Training seats (a stage of :func:`deliver_month`): (staff days left, trainees, rest of the routing queue, gate argument).

    ``lines``: account, spend line, units of seats. Firms routed to training
    come first, each taking its seat with its light acceptance; the seats left
    are offered by the outreach; the trainees are the distinct firms of both in
    increasing order. They are marked engaged and charged, and their absorptive
    capacity is raised once, a <- 1 - (1 - a) ``capacity_factor``
    (:func:`gain_capacity`, as ``state.raise_absorptive_capacity`` does for
    distinct firms); the gate's argument 0.5 (a - c_k) / s of their rows is
    returned for the caller to take its tanh in numpy and hand it to
    :func:`set_gate_rows`.
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    light_acceptance = delivery.light_engagement
    acceptance = delivery.engagement
    engaged = delivery.engaged
    size_class = delivery.size_class
    engaged_by_size = delivery.engaged_by_size
    eligible = np.zeros(0, dtype=np.bool_)
    if routed.size:
        eligible = np.empty(routed.size, dtype=np.bool_)
        uniforms = delivery.rng.random(routed.size)
        for index in range(routed.size):
            eligible[index] = uniforms[index] < light_acceptance[routed[index]]
    trainees, rest = take_routed_firms(routed, n, eligible)
    if trainees.size < n:
        more = outreach_select(
            delivery,
            n - trainees.size,
            acceptance,
            tiers,
            bounds,
            orders,
            ordered,
            cursors,
            False,
            np.zeros(0, dtype=np.int64),
            0,
            np.zeros(0, dtype=np.int8),
            0,
        )
        trainees = union_sorted(trainees, more)
    if trainees.size == 0:
        return staff_days_left, trainees, rest, np.empty((0, complexity.size))
    engage(trainees, engaged, size_class, engaged_by_size)
    staff_days = trainees.size * staff_days_per_seat
    charge_units(books, lines[0], lines[1], trainees.size * seat_cost, staff_days, True)
    books[3][books[5], lines[2]] += trainees.size
    half_z = gain_capacity(
        trainees,
        np.full(1, capacity_factor),
        delivery.absorptive_capacity,
        delivery.rti_affinity,
        acceptance,
        light_acceptance,
        complexity,
        gate_scale,
    )
    return staff_days_left - staff_days, trainees, rest, half_z


@njit(cache=True)
def raise_affinity(
    firms: NDArray[np.int64],
    gain: float,
    affinity: NDArray[np.float64],
    capacity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
) -> None:
    """r <- 1 - (1 - r)(1 - gain) for distinct firms; refresh r a and sqrt(r a) (``mechanisms._raise_affinity``)."""
    if firms.size == 0 or gain <= 0.0:
        return
    for firm in firms:
        raised = 1.0 - (1.0 - affinity[firm]) * (1.0 - gain)
        affinity[firm] = raised
        engaged = raised * capacity[firm]
        engagement[firm] = engaged
        light_engagement[firm] = np.sqrt(engaged)


@njit(cache=True)
def commit_participants(
    firms: NDArray[np.int64],
    gain: float,
    tie_gain: float,
    indptr: NDArray[Any],
    indices: NDArray[Any],
    affinity: NDArray[np.float64],
    capacity: NDArray[np.float64],
    engagement: NDArray[np.float64],
    light_engagement: NDArray[np.float64],
) -> None:
    """Participation builds commitment (``mechanisms.commit``): the participants' partners gain ``tie_gain``, then they ``gain``.

    Partners are the distinct neighbours of the distinct participants in the
    CSR network (``indptr``, ``indices``).
    """
    if firms.size == 0:
        return
    distinct = union_sorted(firms, firms[:0])
    n_partners = 0
    for firm in distinct:
        n_partners += indptr[firm + 1] - indptr[firm]
    partners = np.empty(n_partners, dtype=np.int64)
    n_partners = 0
    for firm in distinct:
        for entry in range(indptr[firm], indptr[firm + 1]):
            partners[n_partners] = indices[entry]
            n_partners += 1
    partners = union_sorted(partners, partners[:0])
    raise_affinity(partners, tie_gain, affinity, capacity, engagement, light_engagement)
    raise_affinity(distinct, gain, affinity, capacity, engagement, light_engagement)


@njit(cache=True)
def run_projects(
    delivery: DeliveryArrays,
    books: tuple[Any, ...],
    lines: NDArray[np.int64],
    staff_days_left: float,
    n_projects: int,
    project_size: int,
    seat_cost: float,
    staff_days_per_seat: float,
    focus: NDArray[np.int64],
    focus_cdf: NDArray[np.float64],
    routed: NDArray[np.int64],
    outreach: int,
    commitment: bool,
    commitment_gain: float,
    tie_gain: float,
    channel: NDArray[np.int8],
) -> tuple[float, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Collaborative projects (a stage of :func:`deliver_month`).

    Returns (staff days left, rest of the routing queue, the members' pairs
    (firm * K + technology) of the projects formed one after the other, the
    pairs each made knowledgeable one after the other, and ``formed``: for
    project p, ``[formed[0, p], formed[0, p + 1])`` are its members' pairs and
    ``[formed[1, p], formed[1, p + 1])`` the pairs it made knowledgeable).
    ``lines``: account, spend line, units of seats.

    The ``n_projects`` projects are each given a topic drawn by priority over
    the focus; for each in turn, firms routed to projects that have not adopted
    the topic join first (each with its light acceptance), then the outreach
    fills the seats left among firms that have not adopted it; the members
    become knowledgeable by the project channel, are marked engaged, with
    ``commitment`` on gain affinity (:func:`commit_participants`), and their
    seats are charged. The project's cost support is left to the caller (it is
    recorded in Python, between the projects' marks).
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    indptr = delivery.indptr
    indices = delivery.indices
    affinity = delivery.rti_affinity
    capacity = delivery.absorptive_capacity
    engagement = delivery.engagement
    light_engagement = delivery.light_engagement
    stage = delivery.stage
    stage_counts = delivery.stage_counts
    knowledge_channel = delivery.knowledge_channel
    knowledge_by_channel = delivery.knowledge_by_channel
    size_class = delivery.size_class
    n_sizes = delivery.n_sizes
    n_technologies = delivery.n_technologies
    engaged = delivery.engaged
    engaged_by_size = delivery.engaged_by_size
    topics = focus[np.searchsorted(focus_cdf, delivery.rng.random(n_projects), side="right")]
    member_pairs = np.empty(n_projects * project_size, dtype=np.int64)
    learned = np.empty(n_projects * project_size, dtype=np.int64)
    formed = np.zeros((2, n_projects + 1), dtype=np.int64)
    n_formed = 0
    for tech in topics:
        eligible = np.zeros(0, dtype=np.bool_)
        if routed.size:
            eligible = np.empty(routed.size, dtype=np.bool_)
            uniforms = delivery.rng.random(routed.size)
            for index in range(routed.size):
                firm = routed[index]
                eligible[index] = (stage[firm * n_technologies + tech] < _ADOPTED) & (
                    uniforms[index] < light_engagement[firm]
                )
        members, routed = take_routed_firms(routed, project_size, eligible)
        if members.size < project_size:
            more = outreach_select(
                delivery,
                project_size - members.size,
                engagement,
                tiers,
                bounds,
                orders,
                ordered,
                cursors,
                True,
                np.full(1, tech, dtype=np.int64),
                _ADOPTED,
                stage,
                n_technologies,
            )
            members = union_sorted(members, more)
        if members.size == 0:
            continue
        pairs = members * n_technologies + tech
        moved = raise_to_knowledgeable(
            pairs,
            channel,
            stage,
            stage_counts,
            knowledge_channel,
            knowledge_by_channel,
            size_class,
            n_sizes,
            n_technologies,
        )
        engage(members, engaged, size_class, engaged_by_size)
        if commitment:
            commit_participants(
                members,
                commitment_gain,
                tie_gain,
                indptr,
                indices,
                affinity,
                capacity,
                engagement,
                light_engagement,
            )
        start, learned_start = formed[0, n_formed], formed[1, n_formed]
        member_pairs[start : start + pairs.size] = pairs
        learned[learned_start : learned_start + moved.size] = moved
        n_formed += 1
        formed[0, n_formed] = start + pairs.size
        formed[1, n_formed] = learned_start + moved.size
        staff_days = members.size * staff_days_per_seat
        charge_units(books, lines[0], lines[1], members.size * seat_cost, staff_days, True)
        books[3][books[5], lines[2]] += members.size
        staff_days_left -= staff_days
    return (
        staff_days_left,
        routed,
        member_pairs[: formed[0, n_formed]].copy(),
        learned[: formed[1, n_formed]].copy(),
        formed[:, : n_formed + 1].copy(),
    )


@njit(cache=True)
def visit_demonstrators(
    delivery: DeliveryArrays,
    n: int,
    shown: NDArray[np.int64],
    peers: NDArray[np.int64],
    outreach: int,
    channel: NDArray[np.int8],
) -> tuple[int, NDArray[np.int64]]:
    """Up to ``n`` demonstrator visits (:func:`run_demonstrators_month`): (visitors, pairs to mark changed).

    Only firms that have not adopted every technology ``shown`` visit. A living
    lab's ``peers`` (empty otherwise) come first: in a random order, each visits
    with its acceptance; the visits left are offered by the outreach (the
    visitors are then the distinct firms of both in increasing order). Each
    visitor sees one technology shown, drawn uniformly, and has the knowledge
    trial with success u(a, c). The pairs returned are the pairs visited, then
    those that moved, as they were marked one call after the other.
    """
    tiers, bounds = delivery.tiers, delivery.bounds
    orders, ordered, cursors = (
        delivery.orders[outreach],
        delivery.ordered[outreach],
        delivery.cursors[outreach],
    )
    acceptance = delivery.light_engagement
    seen_demonstration = delivery.seen_demonstration
    gate = delivery.gate
    stage = delivery.stage
    stage_counts = delivery.stage_counts
    knowledge_channel = delivery.knowledge_channel
    knowledge_by_channel = delivery.knowledge_by_channel
    size_class = delivery.size_class
    n_sizes = delivery.n_sizes
    n_technologies = delivery.n_technologies
    engaged = delivery.engaged
    engaged_by_size = delivery.engaged_by_size
    visitors = np.zeros(0, dtype=np.int64)
    if peers.size:
        peers = peers[any_stage_below(peers, shown, _ADOPTED, stage, n_technologies)]
        if peers.size:
            peers = permuted(delivery, peers)
            uniforms = delivery.rng.random(peers.size)
            keep = np.empty(peers.size, dtype=np.bool_)
            for index in range(peers.size):
                keep[index] = uniforms[index] < acceptance[peers[index]]
            visitors = peers[keep][:n]
    if visitors.size < n:
        more = outreach_select(
            delivery,
            n - visitors.size,
            acceptance,
            tiers,
            bounds,
            orders,
            ordered,
            cursors,
            True,
            shown,
            _ADOPTED,
            stage,
            n_technologies,
        )
        visitors = union_sorted(visitors, more) if visitors.size else more
    if visitors.size == 0:
        return 0, np.zeros(0, dtype=np.int64)
    seen = shown[delivery.rng.integers(0, shown.size, size=visitors.size)]
    pairs = visitors * n_technologies + seen
    success = np.empty(pairs.size)
    for index in range(pairs.size):
        seen_demonstration[pairs[index]] = True
        success[index] = gate[pairs[index]]
    moved = knowledge_trial_and_engage(
        pairs,
        delivery.rng.random(pairs.size),
        success,
        channel,
        stage,
        stage_counts,
        knowledge_channel,
        knowledge_by_channel,
        size_class,
        n_sizes,
        n_technologies,
        visitors,
        engaged,
        engaged_by_size,
    )
    marked = np.empty(pairs.size + moved.size, dtype=np.int64)
    marked[: pairs.size] = pairs
    marked[pairs.size :] = moved
    return visitors.size, marked


@njit(cache=True)
def seat_projects(
    delivery: DeliveryArrays, end_month: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The projects the last :func:`deliver_month` call formed: (members' pairs, pairs learned, ``formed``).

    Their seats join the running ones, each until ``end_month``: the lists grow as
    ``np.concatenate`` would, firm = pair // K and technology = pair - firm K.
    """
    pairs, k = delivery.project_pairs, delivery.n_technologies
    kept = delivery.seat_end.size
    seat_end = np.empty(kept + pairs.size)
    seat_firm = np.empty(kept + pairs.size, dtype=np.int64)
    seat_tech = np.empty(kept + pairs.size, dtype=np.int64)
    seat_end[:kept] = delivery.seat_end
    seat_firm[:kept] = delivery.seat_firm
    seat_tech[:kept] = delivery.seat_tech
    for index in range(pairs.size):
        firm = pairs[index] // k
        seat_end[kept + index] = end_month
        seat_firm[kept + index] = firm
        seat_tech[kept + index] = pairs[index] - firm * k
    delivery.seat_end, delivery.seat_firm, delivery.seat_tech = seat_end, seat_firm, seat_tech
    return pairs, delivery.project_learned, delivery.project_formed


@njit(cache=True)
def take_due_seats(
    delivery: DeliveryArrays, month: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], float]:
    """:func:`take_due_projects` of the programme's running seats: (firms due, projects completed per technology, the earliest end month left)."""
    firms, completed, delivery.seat_end, delivery.seat_firm, delivery.seat_tech, first_end = (
        take_due_projects(
            month, delivery.seat_end, delivery.seat_firm, delivery.seat_tech, delivery.n_technologies
        )
    )
    return firms, completed, first_end


@njit(cache=True)
def set_books(delivery: DeliveryArrays, books: tuple[Any, ...], post_programme: NDArray[np.float64]) -> None:
    """The programme's books and the RTI's running costs after it (the step's records: a run reuses them)."""
    delivery.books = books
    delivery.post_programme = post_programme


@njit(cache=True)
def set_first_visitors(delivery: DeliveryArrays, peers: NDArray[np.int64]) -> None:
    """A living lab's visitors first: its partners' peers and trading partners."""
    delivery.peers = peers


# -- projects that end (instruments.complete_projects) ------------------------------------------


@njit(cache=True)
def take_due_projects(
    month: float,
    project_end: NDArray[np.float64],
    project_firm: NDArray[np.int64],
    project_tech: NDArray[np.int64],
    n_technologies: int,
) -> tuple[
    NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64], NDArray[np.int64], float
]:
    """The project seats due by ``month`` taken from the lists of running seats.

    Returns (firms of the seats due, in list order; projects completed per
    technology, a project being one distinct (end month, technology); the end
    months, firms and technologies of the seats still running; the earliest
    end month still running, infinite if none).
    """
    n_due = 0
    for end in project_end:
        if end <= month:
            n_due += 1
    firms = np.empty(n_due, dtype=np.int64)
    completed = np.zeros(n_technologies, dtype=np.int64)
    kept = project_end.size - n_due
    end_kept = np.empty(kept)
    firm_kept = np.empty(kept, dtype=np.int64)
    tech_kept = np.empty(kept, dtype=np.int64)
    n_due = 0
    kept = 0
    first_end = np.inf
    for index in range(project_end.size):
        end, tech = project_end[index], project_tech[index]
        if end <= month:
            firms[n_due] = project_firm[index]
            n_due += 1
            counted = False  # a seat of a project already counted?
            for earlier in range(index):
                if project_end[earlier] == end and project_tech[earlier] == tech:
                    counted = True
                    break
            if not counted:
                completed[tech] += 1
        else:
            end_kept[kept], firm_kept[kept], tech_kept[kept] = end, project_firm[index], tech
            kept += 1
            if end < first_end:
                first_end = end
    return firms, completed, end_kept, firm_kept, tech_kept, first_end


# -- small helpers of the instruments ------------------------------------------------------------


@njit(cache=True)
def engage(
    firms: NDArray[np.int64],
    engaged: NDArray[np.bool_],
    size_class: NDArray[np.int8],
    engaged_by_size: NDArray[np.int64],
) -> None:
    """Firms dealt with the RTI: those not engaged before count once in ``engaged_by_size``.

    Whether a firm is new is read for all of them before any is marked (as a
    numpy gather then scatter would), so a firm listed twice counts twice.
    """
    new = np.empty(firms.size, dtype=np.bool_)
    for index in range(firms.size):
        new[index] = not engaged[firms[index]]
    for index in range(firms.size):
        if new[index]:
            firm = firms[index]
            engaged[firm] = True
            engaged_by_size[size_class[firm]] += 1


@njit(cache=True)
def union_sorted(first: NDArray[np.int64], second: NDArray[np.int64]) -> NDArray[np.int64]:
    """The distinct values of both arrays in increasing order (``np.unique(np.concatenate(...))``)."""
    ordered = np.sort(np.concatenate((first, second)))
    distinct = np.empty(ordered.size, dtype=np.int64)
    n_distinct = 0
    for index in range(ordered.size):
        if index == 0 or ordered[index] != ordered[index - 1]:
            distinct[n_distinct] = ordered[index]
            n_distinct += 1
    return distinct[:n_distinct]
