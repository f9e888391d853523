"""Replications of several scenarios, with common random numbers, on any executor.

Seeds: one root :class:`~numpy.random.SeedSequence` per experiment, its entropy
recorded. Replication r of every scenario uses the child ``SeedSequence(entropy,
spawn_key=(r,))`` when common random numbers are on (the default): all scenarios
then see the same firms, networks and thresholds in replication r, so their
differences are paired. Without them, scenario s and replication r use the
spawn key ``(s, r)``. Runs are sent to the executor in batches and put back in
(scenario, replication) order, so results are bit-identical whatever the
executor and the number of workers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, as_completed
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from districtlab._rng import RNGLike, as_seed_sequence
from districtlab.config import Scenario
from districtlab.experiments.summary import SERIES, RunSummary, summarise
from districtlab.simulation import simulate

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunSpec:
    scenario: int
    replication: int
    spawn_key: tuple[int, ...]


def run_batch(scenarios: Sequence[Scenario], entropy: int, specs: Sequence[RunSpec]) -> list[RunSummary]:
    """Run a batch of runs in this process (what an executor's worker does)."""
    return [
        summarise(
            simulate(
                scenarios[spec.scenario], rng=np.random.SeedSequence(entropy, spawn_key=spec.spawn_key)
            ),
            spec.scenario,
            spec.replication,
        )
        for spec in specs
    ]


@dataclass(frozen=True)
class ExperimentResult:
    """Summaries of every run, in (scenario, replication) order, and how they were seeded."""

    names: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    replications: int
    entropy: int
    common_random_numbers: bool
    runs: tuple[RunSummary, ...] = field(repr=False)

    def outcomes(self) -> pd.DataFrame:
        """One row per run: scenario, replication, spawn key and every scalar outcome."""
        rows = [
            {
                "scenario": self.names[run.scenario],
                "replication": run.replication,
                "spawn_key": "/".join(map(str, run.spawn_key)),
                **run.outcomes,
            }
            for run in self.runs
        ]
        return pd.DataFrame(rows)

    def series(self, name: str) -> NDArray[np.float64]:
        """scenarios x replications x steps array of one per-step series (see ``SERIES``)."""
        if name not in SERIES:
            raise KeyError(f"unknown series {name!r}; known: {', '.join(SERIES)}")
        return np.array(
            [[run.series[name] for run in self.runs if run.scenario == s] for s in range(len(self.names))]
        )

    def adoption_share(self) -> NDArray[np.float64]:
        """scenarios x replications x steps x technologies."""
        return np.array(
            [[run.adoption_share for run in self.runs if run.scenario == s] for s in range(len(self.names))]
        )

    def to_frame(self) -> pd.DataFrame:
        """Tidy outcomes: scenario, replication, outcome, value."""
        wide = self.outcomes().drop(columns="spawn_key")
        return wide.melt(id_vars=["scenario", "replication"], var_name="outcome", value_name="value")


def _named(scenarios: Sequence[Scenario] | Mapping[str, Scenario]) -> tuple[tuple[str, ...], tuple[Scenario, ...]]:
    if isinstance(scenarios, Mapping):
        return tuple(scenarios), tuple(scenarios.values())
    names = [f"{s.name}/{s.programme.name}" for s in scenarios]
    if len(set(names)) != len(names):
        names = [f"{i}:{name}" for i, name in enumerate(names)]
    return tuple(names), tuple(scenarios)


def run_scenarios(
    scenarios: Sequence[Scenario] | Mapping[str, Scenario],
    *,
    replications: int,
    rng: RNGLike = None,
    executor: Executor | None = None,
    common_random_numbers: bool = True,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Run every scenario ``replications`` times.

    Parameters
    ----------
    scenarios
        A sequence of scenarios, or a mapping from names to scenarios.
    replications
        Runs per scenario.
    rng
        Root seed (int, SeedSequence, Generator or None for fresh entropy). Its
        entropy is recorded in the result.
    executor
        Any :class:`concurrent.futures.Executor` (``ProcessPoolExecutor``, Dask's
        ``Client.get_executor()``, ...); ``None`` runs serially in this process.
    common_random_numbers
        Give replication r of every scenario the same seed (paired comparisons).
    batch_size
        Runs per task sent to the executor; by default about four tasks per worker.
    progress
        Called as ``progress(runs_done, runs_total)``.
    """
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    names, chosen = _named(scenarios)
    if not chosen:
        raise ValueError("no scenario to run")
    root = as_seed_sequence(rng)
    entropy = root.entropy
    if not isinstance(entropy, int):
        raise ValueError("the root seed must have a single integer as entropy")
    base_key = tuple(root.spawn_key)
    specs = [
        RunSpec(s, r, (*base_key, r) if common_random_numbers else (*base_key, s, r))
        for s in range(len(chosen))
        for r in range(replications)
    ]
    total = len(specs)
    summaries: list[RunSummary] = []
    if executor is None:
        for index, spec in enumerate(specs):
            summaries.extend(run_batch(chosen, entropy, [spec]))
            if progress is not None:
                progress(index + 1, total)
    else:
        size = batch_size or max(1, math.ceil(total / (4 * (os.cpu_count() or 1))))
        futures: list[Future[list[RunSummary]]] = [
            executor.submit(run_batch, chosen, entropy, specs[start : start + size]) for start in range(0, total, size)
        ]
        done = 0
        for future in as_completed(futures):
            done += len(future.result())
            if progress is not None:
                progress(done, total)
        for future in futures:  # reassembled in submission order, whatever finished first
            summaries.extend(future.result())
    return ExperimentResult(
        names=names,
        scenarios=chosen,
        replications=replications,
        entropy=entropy,
        common_random_numbers=common_random_numbers,
        runs=tuple(summaries),
    )
