"""Run designs replication by replication, so that a page can show progress, stop, and re-use runs.

:func:`run_designs` gives exactly what :func:`districtlab.experiments.run_scenarios`
gives for an integer seed with common random numbers (replication r of every
design runs with ``SeedSequence(seed, spawn_key=(r,))``), but asks ``run_one``
for each run: the dashboard passes a cached function, so a run already made
for the same scenario, seed and replication is not made again, and a
comparison stopped half-way keeps its finished runs for the next attempt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from districtlab.config import Scenario
from districtlab.experiments import Design, ExperimentPlan, ExperimentResult, RunSummary
from districtlab.experiments.plan import run_seed
from districtlab.experiments.summary import summarise
from districtlab.simulation import simulate

#: ``run_one(scenario_json, seed, replication)``: one run's summary.
RunOne = Callable[[str, int, int], RunSummary]
#: ``progress(runs_done, runs_total, label)``.
Progress = Callable[[int, int, str], None]


def run_replication(scenario_json: str, seed: int, replication: int) -> RunSummary:
    """Replication ``replication`` of the scenario in ``scenario_json``, as run_scenarios seeds it."""
    scenario = Scenario.model_validate_json(scenario_json)
    result = simulate(scenario, rng=run_seed(seed, replication))
    return summarise(result, 0, replication)


def run_designs(
    designs: Design | Mapping[str, Scenario],
    *,
    replications: int,
    seed: int,
    run_one: RunOne = run_replication,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Every design point ``replications`` times under common random numbers, one run at a time.

    ``designs`` is a mapping from names to scenarios, or a
    :class:`~districtlab.experiments.Design` (a Morris design, say, which the
    sensitivity analysis then reads back from the result). Replications go
    round the points (replication 0 of every point, then replication 1, ...),
    so that a stopped comparison has paired runs of all of them.
    """
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    if not designs:
        raise ValueError("no design to run")
    design = Design.of(designs)
    plan = ExperimentPlan.create(design, replications=replications, rng=seed)
    documents = [scenario.model_dump_json() for scenario in design]
    total = plan.total
    runs: dict[tuple[int, int], RunSummary] = {}
    for replication in range(replications):
        for index, name in enumerate(design.names):
            summary = run_one(documents[index], seed, replication)
            runs[(index, replication)] = dataclasses.replace(summary, scenario=index)
            if progress is not None:
                progress(len(runs), total, f"{name}, replication {replication + 1} of {replications}")
    return ExperimentResult.from_runs(plan, list(runs.values()))
