"""Replications of several scenarios, with common random numbers, on any executor, into a store.

:func:`run_scenarios` runs every scenario of a design ``replications`` times. Each
run's seed is fixed by the plan (:mod:`districtlab.experiments.plan`), so results
are bit-identical whatever the executor and the number of workers. Runs go to
the executor in batches (a task of a few runs costs one round trip instead of
several) and only a few batches are in flight at once, so memory does not grow
with the number of runs. With ``store=`` the batches are appended to an
experiment directory as they finish (:mod:`districtlab.experiments.store`), and
running the same call again after an interruption runs only what is missing.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from districtlab._rng import RNGLike
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.designs import Design
from districtlab.experiments.plan import ExperimentPlan, RunSpec
from districtlab.experiments.store import (
    ID_COLUMNS,
    ExperimentStore,
    RunStore,
    empty_runs_frame,
    empty_series_frame,
    is_experiment,
    runs_table,
    series_table,
    stored_seed,
)
from districtlab.experiments.summary import ADOPTION_SHARE, SERIES, RunSummary, summarise
from districtlab.simulation import simulate

Progress = Callable[[int, int], None]

#: Most runs in one batch. A batch is one task for a worker and one part in the
#: store: larger batches cost less per run to ship and write, smaller ones lose
#: less work to a kill and balance the workers better at the end. With runs of
#: 0.03 s and more, 16 keeps the overhead over a plain loop of ``simulate`` to a
#: few per cent (benchmarks/bench_experiments.py).
MAX_BATCH = 16
#: Batches in flight per worker: enough to keep every worker busy while the
#: parent writes results, few enough that memory does not grow with the runs.
BATCHES_IN_FLIGHT_PER_WORKER = 2


# -- what a worker does --------------------------------------------------------------------


@dataclass(frozen=True)
class BatchTask:
    """A batch of runs and only the scenarios they need (what is pickled to a worker)."""

    entropy: int
    scenarios: dict[int, Scenario]
    runs: tuple[RunSpec, ...]


def run_batch(task: BatchTask, on_run: Callable[[], None] | None = None) -> list[RunSummary]:
    """Run a batch in this process and summarise each run."""
    summaries = []
    for spec in task.runs:
        seed = np.random.SeedSequence(task.entropy, spawn_key=spec.spawn_key)
        summaries.append(
            summarise(simulate(task.scenarios[spec.scenario], rng=seed), spec.scenario, spec.replication)
        )
        if on_run is not None:
            on_run()
    return summaries


def _batches(runs: Iterable[RunSpec], size: int, design: Design, entropy: int) -> Iterator[BatchTask]:
    """Group runs into tasks; a scenario is built once for consecutive batches that share it."""
    cache: dict[int, Scenario] = {}
    batch: list[RunSpec] = []

    def task() -> BatchTask:
        needed = {spec.scenario for spec in batch}
        for index in needed - cache.keys():
            cache[index] = design[index]
        for index in list(cache):
            if index not in needed:
                del cache[index]
        return BatchTask(entropy=entropy, scenarios={i: cache[i] for i in sorted(needed)}, runs=tuple(batch))

    for spec in runs:
        batch.append(spec)
        if len(batch) == size:
            yield task()
            batch = []
    if batch:
        yield task()


def parallelism(executor: Executor | None) -> int:
    """How many tasks an executor runs at once (used only to size batches, never for seeds).

    Reads ``_max_workers`` of the standard pools and asks a Dask client for its
    threads; other executors are assumed to have one worker per local core.
    """
    if executor is None:
        return 1
    workers = getattr(executor, "_max_workers", None)
    if isinstance(workers, int) and workers > 0:
        return workers
    client = getattr(executor, "_client", None)  # distributed's ClientExecutor
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, sum(client.nthreads().values()))
    return os.cpu_count() or 1


def default_batch_size(runs: int, workers: int) -> int:
    """About four batches per worker, at most :data:`MAX_BATCH` runs each."""
    return max(1, min(MAX_BATCH, math.ceil(runs / (4 * workers))))


def _execute(tasks: Iterator[BatchTask], executor: Executor, window: int) -> Iterator[list[RunSummary]]:
    """Results of tasks in the order they finish, with at most ``window`` tasks in flight."""
    pending: set[Future[list[RunSummary]]] = set()
    try:
        for task in tasks:
            pending.add(executor.submit(run_batch, task))
            if len(pending) >= window:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        for future in pending:  # an error or an interruption: do not leave work queued
            future.cancel()


# -- results -------------------------------------------------------------------------------


class MemoryStore:
    """The runs of an experiment held in memory: the :class:`RunStore` of results without a directory."""

    def __init__(self, plan: ExperimentPlan, summaries: Sequence[RunSummary] = ()) -> None:
        self.plan = plan
        self._summaries: list[RunSummary] = list(summaries)

    def completed(self) -> set[tuple[int, int]]:
        return {(run.scenario, run.replication) for run in self._summaries}

    def append(self, summaries: Sequence[RunSummary]) -> None:
        self._summaries.extend(summaries)

    def runs(self) -> tuple[RunSummary, ...]:
        return tuple(sorted(self._summaries, key=lambda run: (run.scenario, run.replication)))

    def outcomes(self) -> pd.DataFrame:
        names = self.plan.design.names
        frame = runs_table(self._summaries, names).to_pandas() if self._summaries else empty_runs_frame()
        return frame.sort_values(["scenario_index", "replication"], ignore_index=True)

    def series(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        frame = series_table(self._summaries).to_pandas() if self._summaries else empty_series_frame()
        frame["series"] = frame["series"].astype(str)
        if names is not None:
            frame = frame[frame["series"].isin(list(names))]
        return frame.sort_values(["scenario_index", "replication", "series", "step"], ignore_index=True)

    def series_values(self, name: str) -> NDArray[np.float64]:
        known = set(self._summaries[0].series) if self._summaries else set(SERIES)
        if name not in known:
            raise KeyError(f"unknown series {name!r}; known: {', '.join(sorted(known))}")
        steps = max(len(run.series[name]) for run in self._summaries)
        values = np.full((len(self.plan.design), self.plan.replications, steps), np.nan)
        for run in self._summaries:
            values[run.scenario, run.replication, : len(run.series[name])] = run.series[name]
        return values

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> pd.DataFrame:
        import duckdb  # imported when a query is made: `import districtlab` stays light

        names = self.plan.design.names
        connection = duckdb.connect()
        try:
            connection.register("runs", self.outcomes())
            connection.register("series", self.series())
            connection.register(
                "scenarios", pd.DataFrame({"scenario_index": range(len(names)), "scenario": list(names)})
            )
            design = self.plan.design.to_frame()
            design.insert(0, "scenario_index", range(len(names)))
            connection.register("design", design)
            return connection.execute(sql, list(parameters or [])).df()
        except duckdb.Error as error:
            raise InputError(f"query failed: {str(error).splitlines()[0]}") from None
        finally:
            connection.close()


@dataclass(frozen=True)
class ExperimentResult:
    """The runs of an experiment, in (scenario, replication) order, and how they were seeded.

    Results of :func:`run_scenarios` without a store are held in memory; with a
    store (and from :meth:`load`) they are read from the experiment directory
    when asked for: the outcomes table once, the per-step series on demand.

    Attributes
    ----------
    names
        One name per scenario (design point).
    scenarios
        The :class:`~districtlab.experiments.designs.Design`: ``scenarios[i]`` is scenario ``i``.
    replications
        Runs per scenario.
    entropy, spawn_key
        The root seed: run (s, r) used ``SeedSequence(entropy, spawn_key=(*spawn_key, r))``
        under common random numbers, ``(*spawn_key, s, r)`` otherwise.
    common_random_numbers
        Whether replication r of every scenario shared its seed.
    path
        The experiment directory, or ``None`` for results held in memory.
    """

    names: tuple[str, ...]
    scenarios: Design
    replications: int
    entropy: int
    common_random_numbers: bool
    spawn_key: tuple[int, ...] = ()
    path: Path | None = None
    _store: RunStore | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, path: str | Path) -> ExperimentResult:
        """The results stored in an experiment directory (complete or not), without changing it."""
        store = ExperimentStore.open(path)
        return cls._of(store.plan, path=Path(path))

    @classmethod
    def from_runs(cls, plan: ExperimentPlan, runs: Sequence[RunSummary]) -> ExperimentResult:
        """Results of runs made elsewhere (for example one at a time, in a dashboard), held in memory.

        Every run of the plan must be there exactly once, with the spawn key the plan gives it,
        so that the result is the one :func:`run_scenarios` would have returned.
        """
        expected = {(spec.scenario, spec.replication): spec.spawn_key for spec in plan.runs()}
        given = {(run.scenario, run.replication): run.spawn_key for run in runs}
        if len(given) != len(runs) or given != expected:
            raise ValueError("the runs are not exactly the plan's runs (each once, with the plan's seeds)")
        return cls._of(plan, store=MemoryStore(plan, runs))

    @classmethod
    def _of(
        cls, plan: ExperimentPlan, *, path: Path | None = None, store: RunStore | None = None
    ) -> ExperimentResult:
        """Results read through ``store`` (a directory ``path`` is opened to read when no store is given)."""
        return cls(
            names=plan.design.names,
            scenarios=plan.design,
            replications=plan.replications,
            entropy=plan.entropy,
            common_random_numbers=plan.common_random_numbers,
            spawn_key=plan.spawn_key,
            path=path,
            _store=store,
        )

    @property
    def plan(self) -> ExperimentPlan:
        return ExperimentPlan(
            self.scenarios, self.replications, self.entropy, self.spawn_key, self.common_random_numbers
        )

    @cached_property
    def store(self) -> RunStore:
        """Where the runs are read from: the experiment directory (opened to read) or memory."""
        if self._store is not None:
            return self._store
        if self.path is None:
            raise ValueError("these results hold no runs")
        return ExperimentStore.open(self.path)

    # -- outcomes ------------------------------------------------------------------------

    @cached_property
    def _outcomes(self) -> pd.DataFrame:
        return self.store.outcomes()

    def outcomes(self, *, design: bool = False) -> pd.DataFrame:
        """One row per run: scenario_index, scenario, replication, spawn_key and every scalar outcome.

        With ``design=True`` the design table's parameter columns follow the identifiers.
        """
        frame = self._outcomes.copy()
        if design and self.scenarios.table is not None:
            table = self.scenarios.table.reset_index(drop=True)
            values = table.iloc[frame["scenario_index"].to_numpy()].reset_index(drop=True)
            frame = pd.concat([frame[list(ID_COLUMNS)], values, frame.drop(columns=list(ID_COLUMNS))], axis=1)
        return frame

    def to_frame(self) -> pd.DataFrame:
        """Tidy outcomes: scenario, replication, outcome, value."""
        wide = self.outcomes().drop(columns=["scenario_index", "spawn_key"])
        return wide.melt(id_vars=["scenario", "replication"], var_name="outcome", value_name="value")

    @property
    def complete(self) -> bool:
        """Whether every run of the plan is there (always, for results of :func:`run_scenarios`)."""
        return len(self._outcomes) == len(self.names) * self.replications

    # -- series --------------------------------------------------------------------------

    def series_frame(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Tidy per-step series: scenario, scenario_index, replication, series, step, value."""
        frame = self.store.series(names)
        frame.insert(0, "scenario", np.asarray(self.names, dtype=object)[frame["scenario_index"].to_numpy()])
        return frame

    def series(self, name: str) -> NDArray[np.float64]:
        """scenarios x replications x steps array of one per-step series.

        ``name`` is one of ``SERIES`` or ``adoption_share.<technology>``. Missing
        runs (of an unfinished experiment) and steps beyond a scenario's horizon are NaN.
        """
        return self.store.series_values(name)

    def adoption_share(self) -> NDArray[np.float64]:
        """scenarios x replications x steps x technologies (the technologies of the first scenario)."""
        technologies = self.scenarios[0].technology_names
        return np.stack([self.series(ADOPTION_SHARE + name) for name in technologies], axis=-1)

    @property
    def runs(self) -> tuple[RunSummary, ...]:
        """Every run's summary in (scenario, replication) order (read whole from a store: large)."""
        return self.store.runs()

    # -- SQL -----------------------------------------------------------------------------

    def query(self, sql: str, parameters: Sequence[Any] | None = None) -> pd.DataFrame:
        """SQL (DuckDB) over the views ``runs``, ``series``, ``scenarios`` and ``design``.

        Examples
        --------
        >>> result.query('SELECT scenario, avg(new_adopters) AS adopters FROM runs GROUP BY scenario')  # doctest: +SKIP
        """
        return self.store.query(sql, parameters)

    # -- notebook display (districtlab.notebook) -----------------------------------------

    def __repr__(self) -> str:
        from districtlab.notebook import experiment_repr

        return experiment_repr(self)

    def _repr_html_(self) -> str:
        from districtlab.notebook import experiment_html

        return experiment_html(self)

    def plot(self) -> Any:
        """Mean adoption share over time per design, with its range over replications (a matplotlib figure)."""
        from districtlab.notebook import experiment_plot

        return experiment_plot(self)


# -- the runner ------------------------------------------------------------------------------


def run_scenarios(
    scenarios: Design | Sequence[Scenario] | Mapping[str, Scenario],
    *,
    replications: int,
    rng: RNGLike = None,
    executor: Executor | None = None,
    store: str | os.PathLike[str] | None = None,
    common_random_numbers: bool = True,
    batch_size: int | None = None,
    progress: Progress | None = None,
) -> ExperimentResult:
    """Run every scenario ``replications`` times.

    Parameters
    ----------
    scenarios
        A :class:`~districtlab.experiments.designs.Design`, a sequence of
        scenarios, or a mapping from names to scenarios.
    replications
        Runs per scenario.
    rng
        Root seed (int, SeedSequence, Generator, or None for fresh entropy). Its
        entropy is recorded with the results. When continuing a stored
        experiment, ``None`` takes the stored seed.
    executor
        Any :class:`concurrent.futures.Executor`: ``ProcessPoolExecutor`` for
        local cores, Dask's ``Client.get_executor()`` for a cluster; ``None``
        runs serially in this process. Results do not depend on it.
    store
        An experiment directory. It is created if it does not exist (or is
        empty); if it holds this same experiment, only the runs it lacks are
        run. Any other directory is refused with :class:`~districtlab.errors.InputError`.
    common_random_numbers
        Give replication r of every scenario the same seed (paired comparisons).
    batch_size
        Runs per task (and per part in the store); by default about four tasks
        per worker, at most :data:`MAX_BATCH` runs each.
    progress
        Called as ``progress(runs_done, runs_total)``; runs already in the store count as done.

    Returns
    -------
    ExperimentResult
        Held in memory, or read from ``store`` when one is given.

    Examples
    --------
    >>> import districtlab
    >>> from districtlab.presets import load_scenario
    >>> base = load_scenario("toy-valley").with_firms(60).with_months(12)
    >>> result = districtlab.run_scenarios(
    ...     {"none": base.with_programme("none"), "generic": base.with_programme("generic")}, replications=2, rng=7
    ... )
    >>> result.outcomes()[["scenario", "replication", "spawn_key"]].values.tolist()
    [['none', 0, '0'], ['none', 1, '1'], ['generic', 0, '0'], ['generic', 1, '1']]
    """
    if replications < 1:
        raise ValueError(f"replications must be at least 1, got {replications}")
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    design = Design.of(scenarios)
    directory = None if store is None else Path(store)
    if directory is not None and rng is None and is_experiment(directory):
        rng = stored_seed(directory)
    plan = ExperimentPlan.create(
        design, replications=replications, rng=rng, common_random_numbers=common_random_numbers
    )
    memory = MemoryStore(plan) if directory is None else None
    opening = (
        ExperimentStore.prepare(directory, plan) if directory is not None else contextlib.nullcontext(memory)
    )
    with opening as opened:
        assert opened is not None
        done = opened.completed()
        pending = (spec for spec in plan.runs() if (spec.scenario, spec.replication) not in done)
        workers = parallelism(executor)
        size = batch_size or (
            MAX_BATCH if executor is None else default_batch_size(plan.total - len(done), workers)
        )
        tasks = _batches(pending, size, design, plan.entropy)
        finished = len(done)

        def ran_one() -> None:
            nonlocal finished
            finished += 1
            if progress is not None:
                progress(finished, plan.total)

        if progress is not None:
            progress(finished, plan.total)
        if executor is None:
            results: Iterator[list[RunSummary]] = (run_batch(task, ran_one) for task in tasks)
        else:
            results = _execute(tasks, executor, BATCHES_IN_FLIGHT_PER_WORKER * workers)
        for summaries in results:
            opened.append(summaries)  # a directory keeps memory flat: the batch is on disk, not here
            if executor is not None:
                finished += len(summaries)
                if progress is not None:
                    progress(finished, plan.total)
    if directory is not None:
        return ExperimentResult._of(plan, path=directory)
    return ExperimentResult._of(plan, store=memory)


__all__ = [
    "MAX_BATCH",
    "BatchTask",
    "ExperimentResult",
    "MemoryStore",
    "Progress",
    "default_batch_size",
    "parallelism",
    "run_batch",
    "run_scenarios",
]
