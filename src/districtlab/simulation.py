"""Public entry points for single runs: :func:`simulate` and the Bass docking scenario."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from districtlab._rng import RNGLike, SeedRecord, as_seed_sequence
from districtlab.config import (
    RTI,
    Association,
    Behaviour,
    FirmSegment,
    Networks,
    Population,
    Programme,
    Scenario,
    SizeClassCounts,
    SizeClassShares,
    Technology,
    TraitDistribution,
    no_programme,
)
from districtlab.model import run_model
from districtlab.model.state import ADOPTED, DistrictState
from districtlab.results import FirmAdoption, RunResult


class _FirmAdoptionRecorder:
    """An ``on_step`` hook that notes the first step at which each (firm, technology) pair is adopted.

    It reads the model's state after every step and changes nothing, so a run
    recorded this way gives the same observations as one that is not.
    """

    def __init__(self) -> None:
        self.step: NDArray[np.int16] | None = None

    def __call__(self, done: int, state: DistrictState) -> None:
        if self.step is None:
            self.step = np.full(state.stage.shape, -1, dtype=np.int16)
        newly = (state.stage == ADOPTED) & (self.step < 0)
        self.step[newly] = done


def simulate(
    scenario: Scenario,
    *,
    rng: RNGLike = None,
    progress: Callable[[int, int], None] | None = None,
    record_firms: bool = False,
) -> RunResult:
    """Run one simulation of ``scenario``.

    Parameters
    ----------
    scenario
        A validated :class:`~districtlab.config.Scenario`.
    rng
        ``None`` (fresh entropy, recorded in the result), an ``int`` seed, a
        :class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator`.
    progress
        Called as ``progress(steps_done, steps_total)`` after every step.
    record_firms
        Also record when each firm adopted each technology
        (:class:`~districtlab.results.FirmAdoption`, in ``result.firms``): for
        pictures of the network and the municipalities month by month. It costs
        one comparison of the firms x technologies stages per step and does not
        change the run.

    Returns
    -------
    RunResult
        The recorded trajectory, with the seed that reproduces it.

    Examples
    --------
    >>> import districtlab
    >>> scenario = districtlab.bass_scenario(p=0.03, q=0.38, n_firms=1000, steps=30)
    >>> result = districtlab.simulate(scenario, rng=1)
    >>> result.adoption_share().shape
    (31, 1)
    """
    from districtlab.memory import district_bytes, require_memory

    require_memory(district_bytes(scenario), f"a district of {scenario.n_firms:,} firms")
    seed_sequence = as_seed_sequence(rng)
    recorder = _FirmAdoptionRecorder() if record_firms else None

    def hook(done: int, state: DistrictState) -> None:
        if recorder is not None:
            recorder(done, state)
        if progress is not None:
            progress(done, scenario.n_steps)

    needs_hook = recorder is not None or progress is not None
    observations = run_model(scenario, seed_sequence, on_step=hook if needs_hook else None)
    firms = None
    if recorder is not None and recorder.step is not None:
        firms = FirmAdoption(technology_names=observations.technology_names, step=recorder.step)
    return RunResult(
        scenario=scenario, seed=SeedRecord.of(seed_sequence), observations=observations, firms=firms
    )


def bass_scenario(*, p: float, q: float, n_firms: int, steps: int, dt: float = 1.0) -> Scenario:
    """The Bass docking scenario (ODD.md §I.i, pattern 1; Bass 1969).

    One technology, no RTI, no programme, a complete peer graph, absorptive
    capacity 1 and complexity 0 (so the gate u is 1), no legitimacy, every firm
    aware at the start and adoption immediate once knowledgeable. A non-adopter
    then adopts within a step with probability 1 - exp(-(p + q A / (N - 1)) dt).
    """
    if not (p >= 0 and q >= 0):
        raise ValueError("p and q must be non-negative")
    technology = Technology(
        name="innovation",
        label="Innovation",
        cost_fixed_eur=0.0,
        cost_per_employee_eur=0.0,
        complexity=0.0,
        relevance=1.0,
        benefit_share=1.0,
        risk=0.0,
        awareness_hazard=0.0,
        learning_hazard=p,
        imitation_strength=q,
        initial_awareness=1.0,
        initial_adoption=SizeClassShares(micro=0.0, small=0.0, medium=0.0, large=0.0),
    )
    ones = SizeClassShares(micro=1.0, small=1.0, medium=1.0, large=1.0)
    zeros = SizeClassShares(micro=0.0, small=0.0, medium=0.0, large=0.0)
    core = Programme(name="none", kind="none", budget_eur_per_year=0.0, start_month=0, duration_months=0)
    return Scenario(
        name="bass",
        district="Bass docking",
        description=f"Bass docking: p={p}, q={q}, N={n_firms}, dt={dt}",
        months=steps * dt,
        dt=dt,
        technologies=(technology,),
        population=Population(
            segments=(
                FirmSegment(
                    role="producer",
                    size_class="small",
                    count=n_firms,
                    rti_member_share=0.0,
                    association_member_share=0.0,
                ),
            ),
            max_employees=250,
            value_added_per_employee_eur=1.0,
            absorptive_capacity=TraitDistribution(mean=ones, concentration=1.0),
            rti_affinity=TraitDistribution(mean=zeros, concentration=1.0),
            legitimacy_threshold=TraitDistribution(mean=ones, concentration=1.0),
        ),
        networks=Networks(
            suppliers_per_buyer=SizeClassCounts(micro=0.0, small=0.0, medium=0.0, large=0.0),
            supply_weight=0.0,
            peer_kind="complete",
            peer_degree=0.0,
            peer_weight=1.0,
            cross_size_peer_share=0.0,
        ),
        behaviour=Behaviour(
            adoption_hazard=1.0,
            utility_slope=1.0,
            gate_scale=0.01,
            appraisal_years=1.0,
            supply_chain_hazard=0.0,
            legitimacy_bonus=0.0,
            demonstration_risk_reduction=0.0,
            exposure_risk_reduction=0.0,
            adoption_learning=0.0,
            immediate_adoption=True,
        ),
        rti=RTI(
            enabled=False,
            name="none",
            staff_fte=0.0,
            transfer_staff_share=0.0,
            competence={"innovation": 0.0},
            competence_gain=0.0,
            core_services=core,
        ),
        association=Association(enabled=False, name="none", event_reach_multiplier=1.0),
        programme=no_programme(),
    )
