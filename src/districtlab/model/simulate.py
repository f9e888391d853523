"""Set up a run from a scenario and a seed, and run it to the horizon (pure: arrays in, arrays out)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from districtlab._rng import run_streams
from districtlab.config import ROLES, Scenario
from districtlab.model.adoption import log_benefit_over_cost
from districtlab.model.arrays import stable_argsort
from districtlab.model.cache import IdentityCache
from districtlab.model.context import RunData, Streams
from districtlab.model.kernels import month0_pairs
from districtlab.model.networks import Exposure, FirmNetworks, build_networks
from districtlab.model.observers import Observations, Recorder
from districtlab.model.population import Firms, draw_firms
from districtlab.model.programmes import ProgrammeRun
from districtlab.model.schedule import push_adoptions, step
from districtlab.model.state import (
    CHANNEL,
    DistrictState,
    adopt,
    initial_state,
    make_aware,
)
from districtlab.model.targeting import Tiers
from districtlab.model.technologies import TechnologyArrays
from districtlab.model.transfer import AwarenessSchedule

#: Working days in a month (220 a year), to turn RTI staff into staff-days.
WORKING_DAYS_PER_MONTH = 220.0 / 12.0


def _initial_conditions(data: RunData, state: DistrictState, rng: np.random.Generator) -> None:
    """Month-0 adopters (per technology and size class) and month-0 awareness."""
    n, k = data.firms.n, data.technologies.k
    # pair (i, k) adopts when its first draw is below the share for k in i's size class, and is
    # aware when its second is below k's share (the draws of one call: as two calls, one after the other)
    firm, tech, channel, aware = month0_pairs(
        rng.random(2 * n * k),
        data.technologies.initial_adoption,
        data.firms.size_class,
        data.technologies.initial_awareness,
        k,
        CHANNEL["initial"],
    )
    adopt(
        state,
        data.firms,
        data.visible,
        firm,
        tech,
        channel,
        0.0,
        data.technologies.complexity,
        data.behaviour.gate_scale,
    )
    make_aware(state, aware)


def visibility(firms: Firms, networks: FirmNetworks, scenario: Scenario) -> tuple[NDArray[np.float64], float]:
    """Legitimacy weights: (each firm's weight in the numerator, the denominator).

    v_j = (employees_j / mean)^e (1 + w degree_j / mean degree): larger and more central
    firms are watched more (DiMaggio & Powell 1983). The association makes its members'
    adoptions more visible, v_j (1 + boost), in the numerator only: L_k =
    min(1, sum_j v_j (1 + boost m_j) [j adopted k] / sum_j v_j), so adding an
    association can never lower legitimacy (issue 9).
    """
    behaviour = scenario.behaviour
    employees = firms.employees
    size = (employees / employees.mean()) ** behaviour.visibility_size_elasticity
    if networks.weights is not None and networks.weights.nnz:
        degree = np.diff(networks.weights.indptr).astype(np.float64)
        centrality = 1.0 + behaviour.visibility_centrality_weight * degree / max(degree.mean(), 1e-12)
    else:  # complete graph or no ties: everyone equally central
        centrality = np.full(firms.n, 1.0 + behaviour.visibility_centrality_weight)
    weight = size * centrality
    total = float(weight.sum())
    association = scenario.association
    if association.enabled and scenario.mechanisms.association_visibility:
        weight = weight * (1.0 + association.visibility_boost * firms.association_member)
    return weight, total


def _sorted_thresholds(thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = stable_argsort(thresholds)
    return order, thresholds[order]


StepHook = Callable[[int, DistrictState], None]

#: The technologies as arrays, worked out once per (frozen) technologies configuration.
_technology_arrays = IdentityCache(TechnologyArrays.from_config)
#: The RTI's initial competence per technology, once per (frozen) RTI and technologies configuration.
_rti_competence = IdentityCache(
    lambda rti, technologies: np.array([rti.competence_for(t.name) for t in technologies], dtype=np.float64)
)


def run_model(
    scenario: Scenario, seed_sequence: np.random.SeedSequence, *, on_step: StepHook | None = None
) -> Observations:
    """Simulate ``scenario`` with the random streams spawned from ``seed_sequence``.

    ``on_step(step, state)`` is called after month 0 is set up (step 0) and after
    every step; it must not change the state (it is for progress and for tests).
    """
    streams = run_streams(seed_sequence)
    technologies = _technology_arrays(scenario.technologies).copy()
    firms = draw_firms(scenario.population, streams["population"], observed=scenario.networks.observed)
    networks = build_networks(firms, scenario.networks, streams["network"])
    visible, visibility_total = visibility(firms, networks, scenario)
    rti = scenario.rti
    data = RunData(
        firms=firms,
        technologies=technologies,
        behaviour=scenario.behaviour,
        log_benefit_cost=log_benefit_over_cost(
            firms.employees,
            technologies,
            scenario.population.value_added_per_employee_eur,
            scenario.behaviour.appraisal_years,
        ).reshape(-1),
        visible=visible,
        visibility_total=visibility_total,
        legitimacy_order=_sorted_thresholds(firms.legitimacy_threshold),
        tiers=Tiers.of(firms),
        rti_enabled=rti.enabled,
        staff_days_per_month=rti.staff_fte * rti.transfer_staff_share * WORKING_DAYS_PER_MONTH,
        event_reach_multiplier=scenario.association.event_reach_multiplier
        if scenario.association.enabled
        else 1.0,
        competence_gain=rti.competence_gain,
        dt=scenario.dt,
        mechanisms=scenario.mechanisms,
        networks=networks,
        is_lead=firms.role == ROLES.index("lead"),
    )
    competence = _rti_competence(rti, scenario.technologies)  # initial_state copies it
    state = initial_state(
        firms, technologies, scenario.behaviour.gate_scale, competence, streams["thresholds"]
    )
    _initial_conditions(data, state, streams["population"])
    exposure = Exposure(networks, firms.n, technologies.k)
    push_adoptions(data, state, exposure)
    awareness = AwarenessSchedule.draw(
        state, technologies.awareness_hazard, float(scenario.months), streams["awareness"]
    )

    # One slot per entry of PROGRAMME_SLOTS; an empty slot (None) keeps the recorded shapes stable.
    slot_streams = (streams["core_services"], streams["programme"])
    programmes: list[ProgrammeRun | None] = [
        ProgrammeRun.plan(rti.core_services, technologies, slot_streams[0]) if rti.enabled else None,
        ProgrammeRun.plan(scenario.programme, technologies, slot_streams[1]),
    ]
    names = tuple(run.name if run is not None else "" for run in programmes)
    priorities = np.array(
        [run.priorities if run is not None else np.zeros(technologies.k) for run in programmes]
    )
    recorder = Recorder(data, scenario.n_steps, names, priorities)
    recorder.record(0, state, None)
    if on_step is not None:
        on_step(0, state)
    dynamics = Streams(
        programmes=slot_streams, attribution=streams["attribution"], decisions=streams["decisions"]
    )
    for index in range(scenario.n_steps):
        current = step(data, state, exposure, awareness, programmes, dynamics, index)
        recorder.record(index + 1, state, current)
        if on_step is not None:
            on_step(index + 1, state)
    for slot, run in enumerate(programmes):  # co-design may have changed them during the run
        if run is not None:
            recorder.observations.priorities[slot] = run.priorities
    return recorder.observations
