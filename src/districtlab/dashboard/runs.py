"""Run designs for a page through the one run engine, with progress, Stop, and runs re-used.

:func:`run_designs` is :func:`districtlab.experiments.run_scenarios` with an
integer seed and common random numbers, whose store is the lab's
:class:`~districtlab.experiments.RunCache` (shared by every session): a run
already made for the same scenario, seed and replication is not made again, and
a comparison stopped half-way keeps its finished runs for the next attempt. Runs
go one at a time (batches of one), so each is in the cache before the page is
told about it, and a Stop between two runs loses none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from districtlab.config import Scenario
from districtlab.experiments import Design, ExperimentResult, run_scenarios
from districtlab.experiments.runner import FinishedRun, RunCache

#: ``progress(runs_done, runs_total, label)``.
Progress = Callable[[int, int, str], None]


def run_designs(
    designs: Design | Mapping[str, Scenario],
    *,
    replications: int,
    seed: int,
    cache: RunCache | None = None,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Every design point ``replications`` times under common random numbers, one run at a time.

    ``designs`` is a mapping from names to scenarios, or a
    :class:`~districtlab.experiments.Design` (a Morris design, say, which the
    sensitivity analysis then reads back from the result). Without ``cache`` the
    runs are held in memory only.
    """
    if not designs:
        raise ValueError("no design to run")
    design = Design.of(designs)

    def finished(run: FinishedRun) -> None:
        if progress is not None:
            name = design.names[run.summary.scenario]
            replication = run.summary.replication + 1
            progress(run.done, run.total, f"{name}, replication {replication} of {replications}")

    return run_scenarios(
        design, replications=replications, rng=seed, store=cache, batch_size=1, on_run=finished
    )
