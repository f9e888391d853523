"""The RTI's instruments (MODEL.md §3.1 and §3.3): what a programme's money buys, and its effect.

Each month, for each programme that is delivering, the instruments are bought
in a fixed order (events, diagnostics, demonstrator, projects, training; grants
are awarded in the adoption decision). A unit is bought when its account covers
it and the RTI still has staff time this month; its firms are chosen by the
programme's targeting rule (:mod:`districtlab.model.targeting`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from districtlab.model.adoption import adopt_after_project
from districtlab.model.context import RunData, Step, Streams, mark_engaged
from districtlab.model.networks import Exposure
from districtlab.model.programmes import SPEND, UNIT, ProgrammeRun
from districtlab.model.state import (
    ADOPTED,
    CHANNEL,
    KNOWLEDGEABLE,
    DistrictState,
    make_aware,
    make_knowledgeable,
    raise_absorptive_capacity,
)


def _units_within_capacity(step: Step, wanted: int, staff_days_per_unit: float) -> int:
    if staff_days_per_unit <= 0.0:
        return wanted
    return max(0, min(wanted, int(step.staff_days_left // staff_days_per_unit)))


def _charge(
    programme: ProgrammeRun, step: Step, index: int, instrument: str, amount: float, staff_days: float
) -> None:
    programme.spend(instrument, amount)
    step.spend[index, SPEND[instrument]] += amount
    step.staff_days_left -= staff_days


def _knowledge_trial(
    state: DistrictState,
    rng: np.random.Generator,
    pair: NDArray[np.int64],
    success: NDArray[np.float64],
    channel: str,
) -> None:
    """Pairs (flat indices) become knowledgeable with probability ``success``; the others at least aware."""
    hit = rng.random(pair.size) < success
    make_knowledgeable(state, pair[hit], np.int8(CHANNEL[channel]))
    make_aware(state, pair[~hit])


def deliver_events(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """One-to-many awareness events: attendees become aware of the event's technology."""
    design = programme.design
    n_events = _units_within_capacity(
        step, programme.affordable("events", design.event_cost_eur), design.staff_days_per_event
    )
    if n_events == 0:
        return
    attendees_per_event = max(1, round(design.event_attendees * data.event_reach_multiplier))
    acceptance = state.light_engagement
    attendees = programme.outreach_of("events", data.tiers).select(
        n_events * attendees_per_event, acceptance, streams.programmes[index]
    )
    topics = programme.draw_topics(n_events, streams.programmes[index])
    topic_of_attendee = np.repeat(topics, attendees_per_event)[: attendees.size]
    make_aware(state, attendees * data.technologies.k + topic_of_attendee)
    mark_engaged(state, step, attendees)
    _charge(
        programme,
        step,
        index,
        "events",
        n_events * design.event_cost_eur,
        n_events * design.staff_days_per_event,
    )
    step.units[index, UNIT["events"]] += n_events
    step.units[index, UNIT["event_attendances"]] += attendees.size


def deliver_diagnostics(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """One-to-one diagnostics: the firm learns the technologies that fit it best."""
    design = programme.design
    wanted = programme.affordable("diagnostics", design.diagnostic_cost_eur)
    n = _units_within_capacity(step, wanted, design.staff_days_per_diagnostic)
    if n == 0:
        return
    acceptance = state.engagement

    def has_something_to_learn(candidates: NDArray[np.int64]) -> NDArray[np.bool_]:
        return np.asarray((state.stage[candidates] < KNOWLEDGEABLE).any(axis=1))

    firms = programme.outreach_of("diagnostics", data.tiers).select(
        n, acceptance, streams.programmes[index], has_something_to_learn
    )
    if firms.size == 0:
        return
    technologies = data.technologies
    depth = min(design.diagnostic_depth, technologies.k)
    fit = technologies.relevance[None, :] * state.gate[firms]
    fit[state.stage[firms] >= KNOWLEDGEABLE] = -1.0
    best = np.argsort(-fit, axis=1, kind="stable")[:, :depth]
    firm = np.repeat(firms, depth)
    tech = best.reshape(-1)
    useful = fit[np.repeat(np.arange(firms.size), depth), tech] >= 0.0
    firm, tech = firm[useful], tech[useful]
    pair = firm * technologies.k + tech
    success = state.rti_competence[tech] * state.gate_flat[pair]
    _knowledge_trial(state, streams.programmes[index], pair, success, "diagnostic")
    mark_engaged(state, step, firms)
    _charge(
        programme,
        step,
        index,
        "diagnostics",
        firms.size * design.diagnostic_cost_eur,
        firms.size * design.staff_days_per_diagnostic,
    )
    step.units[index, UNIT["diagnostics"]] += firms.size


def build_demonstrators(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """Build a demonstrator for each top priority technology the demonstrator account can pay for."""
    design = programme.design
    for tech in programme.focus:
        if int(tech) in programme.demonstrators:
            continue
        if programme.account("demonstrator") < design.demonstrator_cost_eur:
            break
        programme.demonstrators.append(int(tech))
        _charge(programme, step, index, "demonstrator", design.demonstrator_cost_eur, 0.0)
        step.units[index, UNIT["demonstrators_built"]] += 1


def receive_visitors(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """Demonstrators receive visitors (one-to-many) for as long as the RTI runs them.

    A visitor sees one of the technologies shown, which lowers its perceived risk,
    and becomes knowledgeable in it with probability u(a, c).
    """
    design = programme.design
    if not programme.demonstrators:
        return
    expected = design.demonstrator_visitors_per_month * len(programme.demonstrators) * data.dt
    wanted = int(expected) + int(streams.programmes[index].random() < expected - int(expected))
    n = _units_within_capacity(step, wanted, design.staff_days_per_visit)
    if n == 0:
        return
    shown = np.asarray(programme.demonstrators, dtype=np.int64)

    def has_something_to_see(candidates: NDArray[np.int64]) -> NDArray[np.bool_]:
        return np.asarray((state.stage[candidates][:, shown] < ADOPTED).any(axis=1))

    acceptance = state.light_engagement
    visitors = programme.outreach_of("demonstrator", data.tiers).select(
        n, acceptance, streams.programmes[index], has_something_to_see
    )
    if visitors.size == 0:
        return
    tech = shown[streams.programmes[index].integers(0, shown.size, size=visitors.size)]
    pair = visitors * data.technologies.k + tech
    state.seen_demonstration_flat[pair] = True
    state.mark_changed(pair)
    _knowledge_trial(state, streams.programmes[index], pair, state.gate_flat[pair], "demonstrator")
    mark_engaged(state, step, visitors)
    step.staff_days_left -= visitors.size * design.staff_days_per_visit
    step.units[index, UNIT["demonstrator_visits"]] += visitors.size


def deliver_projects(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """Collaborative projects: groups of firms work with the RTI on one technology for L months."""
    design = programme.design
    project_cost = design.project_size * design.project_seat_cost_eur
    wanted = programme.affordable("projects", project_cost)
    n_projects = _units_within_capacity(
        step, wanted, design.project_size * design.staff_days_per_project_seat
    )
    if n_projects == 0:
        return
    acceptance = state.engagement
    topics = programme.draw_topics(n_projects, streams.programmes[index])
    for tech in topics:

        def has_not_adopted(candidates: NDArray[np.int64], tech: np.int64 = tech) -> NDArray[np.bool_]:
            return state.stage[candidates, tech] < ADOPTED

        members = programme.outreach_of("projects", data.tiers).select(
            design.project_size, acceptance, streams.programmes[index], has_not_adopted
        )
        if members.size == 0:
            continue
        techs = np.full(members.size, tech, dtype=np.int64)
        make_knowledgeable(state, members * data.technologies.k + techs, np.int8(CHANNEL["project"]))
        mark_engaged(state, step, members)
        programme.project_end = np.concatenate(
            [programme.project_end, np.full(members.size, step.month + design.project_months)]
        )
        programme.project_firm = np.concatenate([programme.project_firm, members])
        programme.project_tech = np.concatenate([programme.project_tech, techs])
        _charge(
            programme,
            step,
            index,
            "projects",
            members.size * design.project_seat_cost_eur,
            members.size * design.staff_days_per_project_seat,
        )
        step.units[index, UNIT["project_seats"]] += members.size


def complete_projects(
    data: RunData, state: DistrictState, step: Step, programme: ProgrammeRun, exposure: Exposure
) -> None:
    """Projects due this step end: participants adopt if it pays, learn, and the RTI learns."""
    if programme.project_end.size == 0:
        return
    due = programme.project_end <= step.month
    if not np.count_nonzero(due):
        return
    firm, tech = programme.project_firm[due], programme.project_tech[due]
    end = programme.project_end[due]
    programme.project_end = programme.project_end[~due]
    programme.project_firm = programme.project_firm[~due]
    programme.project_tech = programme.project_tech[~due]
    adopt_after_project(data, state, step, exposure, firm, tech, programme.design.project_cost_share)
    _learn(data, state, firm, programme.design.training_gain)
    # each distinct (end month, technology) is one project; RTI competence grows per project
    projects = set(zip(end.tolist(), tech.tolist(), strict=True))  # a few dozen seats at most
    completed = np.bincount(np.array([t for _, t in projects], dtype=np.int64), minlength=data.technologies.k)
    state.rti_competence = 1.0 - (1.0 - state.rti_competence) * (1.0 - data.competence_gain) ** completed


def deliver_training(
    data: RunData, state: DistrictState, step: Step, streams: Streams, programme: ProgrammeRun, index: int
) -> None:
    """Training raises absorptive capacity: a <- a + tau (1 - a)."""
    design = programme.design
    wanted = programme.affordable("training", design.training_seat_cost_eur)
    n = _units_within_capacity(step, wanted, design.staff_days_per_training_seat)
    if n == 0:
        return
    acceptance = state.engagement
    trainees = programme.outreach_of("training", data.tiers).select(n, acceptance, streams.programmes[index])
    if trainees.size == 0:
        return
    _learn(data, state, trainees, design.training_gain)
    mark_engaged(state, step, trainees)
    _charge(
        programme,
        step,
        index,
        "training",
        trainees.size * design.training_seat_cost_eur,
        trainees.size * design.staff_days_per_training_seat,
    )
    step.units[index, UNIT["training_seats"]] += trainees.size


def _learn(data: RunData, state: DistrictState, firm: NDArray[np.int64], gain: float) -> None:
    raise_absorptive_capacity(state, firm, gain, data.technologies.complexity, data.behaviour.gate_scale)


DELIVERY_ORDER = (
    deliver_events,
    deliver_diagnostics,
    build_demonstrators,
    deliver_projects,
    deliver_training,
)


def deliver_programmes(
    data: RunData,
    state: DistrictState,
    step: Step,
    streams: Streams,
    programmes: list[ProgrammeRun | None],
    exposure: Exposure,
) -> None:
    """Fund every programme for this step, complete due projects, deliver the instruments.

    Demonstrators keep receiving visitors after their programme has ended: they
    are the RTI's infrastructure from then on.
    """
    for index, programme in enumerate(programmes):
        if programme is None:
            continue
        released, codesign = programme.fund(step.month, data.dt)
        step.released[index] += released
        step.spend[index, SPEND["codesign"]] += codesign
        complete_projects(data, state, step, programme, exposure)
        if not data.rti_enabled:
            continue
        if programme.delivering(step.month):
            for deliver in DELIVERY_ORDER:
                deliver(data, state, step, streams, programme, index)
        receive_visitors(data, state, step, streams, programme, index)
