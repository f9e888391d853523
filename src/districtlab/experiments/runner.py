"""Replications of several scenarios, with common random numbers, on any executor, into a store.

:func:`run_scenarios` runs every scenario of a design ``replications`` times. Each
run's seed is fixed by the plan (:mod:`districtlab.experiments.plan`), so results
are bit-identical whatever the executor and the number of workers. Runs go to
the executor in batches (a task of a few runs costs one round trip instead of
several) and only a few batches are in flight at once, so memory does not grow
with the number of runs. With ``store=`` the batches are appended to an
experiment directory as they finish (:mod:`districtlab.experiments.store`), and
running the same call again after an interruption runs only what is missing.
A :class:`RunCache` given as ``store=`` keeps runs across calls instead (the
policy lab's store: a run already made for the same scenario and seed is not
made again, and a comparison stopped half-way keeps its finished runs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import threading
from collections import OrderedDict
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
from districtlab.results import RunResult
from districtlab.simulation import simulate

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FinishedRun:
    """What :func:`run_scenarios` tells ``on_run`` about each run once it is in the store."""

    summary: RunSummary
    done: int  # runs done so far (runs already in the store count)
    total: int
    result: RunResult | None = None  # the whole run, with ``keep_results=True`` only


OnRun = Callable[[FinishedRun], None]

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
    keep_results: bool = False


@dataclass(frozen=True)
class BatchResult:
    """The summaries of a batch's runs and, when the task asked for them, the whole runs."""

    summaries: list[RunSummary]
    results: list[RunResult] | None = None


def run_batch(
    task: BatchTask,
    on_run: Callable[[], None] | None = None,
    step_progress: Progress | None = None,
) -> BatchResult:
    """Run a batch in this process and summarise each run.

    ``on_run()`` is called after each run, ``step_progress(steps_done, steps_total)``
    after each step of each run (both only in the process that runs the batch).
    """
    summaries = []
    results: list[RunResult] | None = [] if task.keep_results else None
    for spec in task.runs:
        seed = np.random.SeedSequence(task.entropy, spawn_key=spec.spawn_key)
        result = simulate(task.scenarios[spec.scenario], rng=seed, progress=step_progress)
        summaries.append(summarise(result, spec.scenario, spec.replication))
        if results is not None:
            results.append(result)
        if on_run is not None:
            on_run()
    return BatchResult(summaries, results)


def _batches(
    runs: Iterable[RunSpec], size: int, design: Design, entropy: int, *, keep_results: bool = False
) -> Iterator[BatchTask]:
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
        return BatchTask(
            entropy=entropy,
            scenarios={i: cache[i] for i in sorted(needed)},
            runs=tuple(batch),
            keep_results=keep_results,
        )

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


def _execute(tasks: Iterator[BatchTask], executor: Executor, window: int) -> Iterator[BatchResult]:
    """Results of tasks in the order they finish, with at most ``window`` tasks in flight."""
    pending: set[Future[BatchResult]] = set()
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


#: A cached run's key: the scenario (as its JSON document), the root entropy and the run's spawn key.
CacheKey = tuple[str, int, tuple[int, ...]]


class RunCache:
    """Run summaries kept across experiments, at most ``max_runs`` of them (least recently used go first).

    Given to :func:`run_scenarios` as ``store=``, it makes a :class:`CachedStore`:
    a run already made for the same scenario and seed is taken from here instead
    of being made again, whatever design it belonged to, and every new run is
    added as soon as it is stored. Safe to share between threads (the lab's sessions).
    """

    def __init__(self, max_runs: int) -> None:
        if max_runs < 1:
            raise ValueError(f"max_runs must be at least 1, got {max_runs}")
        self.max_runs = max_runs
        self._runs: OrderedDict[CacheKey, RunSummary] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._runs)

    def get(self, key: CacheKey) -> RunSummary | None:
        with self._lock:
            summary = self._runs.get(key)
            if summary is not None:
                self._runs.move_to_end(key)
            return summary

    def put(self, key: CacheKey, summary: RunSummary) -> None:
        with self._lock:
            self._runs[key] = summary
            self._runs.move_to_end(key)
            while len(self._runs) > self.max_runs:
                self._runs.popitem(last=False)

    def prepare(self, plan: ExperimentPlan) -> contextlib.AbstractContextManager[CachedStore]:
        """The store of ``plan``'s runs, holding already every run of it this cache has."""
        return contextlib.nullcontext(CachedStore(plan, self))


class CachedStore(MemoryStore):
    """The runs of an experiment in memory, taken from and added to a :class:`RunCache`."""

    def __init__(self, plan: ExperimentPlan, cache: RunCache) -> None:
        self._cache = cache
        self._documents = [scenario.model_dump_json() for scenario in plan.design]
        found = []
        for spec in plan.runs():
            summary = cache.get(self._key(plan, spec.scenario, spec.spawn_key))
            if summary is not None:  # the same run, made for another design point or experiment
                found.append(
                    dataclasses.replace(summary, scenario=spec.scenario, replication=spec.replication)
                )
        super().__init__(plan, found)

    def _key(self, plan: ExperimentPlan, scenario: int, spawn_key: tuple[int, ...]) -> CacheKey:
        return (self._documents[scenario], plan.entropy, tuple(spawn_key))

    def append(self, summaries: Sequence[RunSummary]) -> None:
        super().append(summaries)
        for summary in summaries:
            self._cache.put(self._key(self.plan, summary.scenario, summary.spawn_key), summary)


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
        """Whether every run of the plan is there (always, for :func:`run_scenarios` without ``only_replications``)."""
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
    store: str | os.PathLike[str] | RunCache | None = None,
    common_random_numbers: bool = True,
    batch_size: int | None = None,
    progress: Progress | None = None,
    on_run: OnRun | None = None,
    keep_results: bool = False,
    step_progress: Progress | None = None,
    only_replications: Iterable[int] | None = None,
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
        A :class:`RunCache` instead keeps the runs in memory across calls: runs
        it holds are not run again (the policy lab's store).
    common_random_numbers
        Give replication r of every scenario the same seed (paired comparisons).
    batch_size
        Runs per task (and per part in the store); by default about four tasks
        per worker, at most :data:`MAX_BATCH` runs each.
    progress
        Called as ``progress(runs_done, runs_total)``; runs already in the store count as done.
    on_run
        Called with a :class:`FinishedRun` for each run once it is in the store (a
        page showing which run finished, or stopping between runs, loses no finished run).
    keep_results
        Send each run's whole :class:`~districtlab.results.RunResult` back to ``on_run``
        too (``districtlab run`` writes every trajectory; large: the store keeps only summaries).
    step_progress
        Called as ``progress(steps_done, steps_total)`` after every step of a run
        made in this process (without an executor): a bar for one long run.
    only_replications
        Run only these replications of each scenario (indices below ``replications``),
        each with the seed the plan gives it whatever else runs: EMA's replicated
        model asks for one replication per call. The others count as not run (an
        experiment directory keeps them for a later call); progress and ``on_run``
        count only the runs asked for.

    Returns
    -------
    ExperimentResult
        Held in memory (a :class:`RunCache` too), or read from the directory ``store``.

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
    wanted = None if only_replications is None else frozenset(int(r) for r in only_replications)
    if wanted is not None and not all(0 <= r < replications for r in wanted):
        raise ValueError(
            f"only_replications must be indices below replications={replications}, got {sorted(wanted)}"
        )
    design = Design.of(scenarios)
    cache, directory = (
        (store, None) if isinstance(store, RunCache) else (None, None if store is None else Path(store))
    )
    if directory is not None and rng is None and is_experiment(directory):
        rng = stored_seed(directory)
    plan = ExperimentPlan.create(
        design, replications=replications, rng=rng, common_random_numbers=common_random_numbers
    )
    opening: contextlib.AbstractContextManager[RunStore]
    if directory is not None:
        opening = ExperimentStore.prepare(directory, plan)
    elif cache is not None:
        opening = cache.prepare(plan)
    else:
        opening = contextlib.nullcontext(MemoryStore(plan))
    with opening as opened:
        done = opened.completed()
        total = plan.total
        if wanted is not None:
            done = {run for run in done if run[1] in wanted}
            total = len(design) * len(wanted)
        pending = (
            spec
            for spec in plan.runs()
            if (spec.scenario, spec.replication) not in done
            and (wanted is None or spec.replication in wanted)
        )
        workers = parallelism(executor)
        size = batch_size or (
            MAX_BATCH if executor is None else default_batch_size(total - len(done), workers)
        )
        tasks = _batches(pending, size, design, plan.entropy, keep_results=keep_results)
        ran = len(done)  # runs made (counted as each ends, for the progress bar)
        stored = len(done)  # runs in the store (counted as each batch is appended, for on_run)

        def ran_one() -> None:
            nonlocal ran
            ran += 1
            if progress is not None:
                progress(ran, total)

        if progress is not None:
            progress(ran, total)
        if executor is None:
            batches: Iterator[BatchResult] = (run_batch(task, ran_one, step_progress) for task in tasks)
        else:
            batches = _execute(tasks, executor, BATCHES_IN_FLIGHT_PER_WORKER * workers)

        def stored_batch(batch: BatchResult) -> None:
            nonlocal ran, stored
            opened.append(batch.summaries)  # a directory keeps memory flat: the batch is on disk, not here
            if executor is not None:
                ran += len(batch.summaries)
                if progress is not None:
                    progress(ran, total)
            for index, summary in enumerate(batch.summaries):
                stored += 1
                if on_run is not None:
                    result = None if batch.results is None else batch.results[index]
                    on_run(FinishedRun(summary, stored, total, result))

        for batch in batches:
            stored_batch(batch)
            del batch  # hold no run while the next batch runs
    if directory is not None:
        return ExperimentResult._of(plan, path=directory)
    return ExperimentResult._of(plan, store=opened)


__all__ = [
    "MAX_BATCH",
    "BatchResult",
    "BatchTask",
    "CachedStore",
    "ExperimentResult",
    "FinishedRun",
    "MemoryStore",
    "OnRun",
    "Progress",
    "RunCache",
    "default_batch_size",
    "parallelism",
    "run_batch",
    "run_scenarios",
]
