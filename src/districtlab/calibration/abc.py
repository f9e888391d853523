"""ABC-SMC with pyabc: deterministic per (seed, population, particle), resumable after a kill.

pyabc (Klinger, Rickert & Hasenauer 2018) stores every finished population in an
SQLite database, so a calibration can be inspected and resumed. Two things make a run
exactly reproducible, killed or not:

* **Sampling.** pyabc's samplers draw from numpy's global random state, so their
  output depends on scheduling and on what ran before. :class:`SeededSampler` seeds
  that state, before every evaluation, from ``SeedSequence(seed, spawn_key=(population,
  particle))`` and accepts particles in index order, so the same particles are accepted
  whatever the number of workers (serial, forked processes or a Dask cluster). Setting
  numpy's global state is the one place districtlab does so: pyabc offers no other hook
  (its transitions and priors call scipy without a ``random_state``).
* **One path for fresh and resumed runs.** Every population is run by a new
  :class:`pyabc.ABCSMC` that loads the database and runs one generation. Epsilon and the
  transition kernel are therefore always rebuilt from the stored previous population,
  the same after a SIGKILL as in an uninterrupted run. The distance is fixed (no
  adaptive weights, which pyabc would rebuild differently after a reload).
"""

from __future__ import annotations

import functools
import logging
import math
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyabc
import scipy.stats
from pyabc.sampler import Sampler

from districtlab.calibration.priors import Prior
from districtlab.calibration.simulator import Calendar, Statistics, scenario_for, simulate_shares
from districtlab.calibration.targets import Targets
from districtlab.config import Scenario
from districtlab.errors import InputError

#: Spawn-key stream of the sampler's per-evaluation seeds (others may be added later).
SAMPLER_STREAM = 1
#: Database file inside a calibration directory.
DATABASE = "abc.db"

for _name in ("ABC", "Epsilon", "Distance", "Acceptor", "Transition", "Redis"):
    logging.getLogger(_name).setLevel(logging.WARNING)
# "total population weight ... close to zero": the weights are normalised right after, and the
# kernel floor (RegularisedTransition) bounds them away from underflow.
logging.getLogger("ABC.Population").setLevel(logging.ERROR)


def evaluation_seed(entropy: int, population: int, particle: int) -> np.random.SeedSequence:
    """The seed of evaluation ``particle`` of ``population`` (pyabc's calibration sample is -1)."""
    return np.random.SeedSequence(entropy, spawn_key=(SAMPLER_STREAM, population + 2, particle))


def _evaluate(simulate_one: Callable[[], Any], entropy: int, population: int, particle: int) -> Any:
    # pyabc 0.13 draws parameters (its transitions' and priors' rvs) from numpy's global
    # state and takes no Generator, so that state is seeded from this evaluation's own seed and
    # put back as it was afterwards: a caller's global state is left untouched. This is the one
    # place districtlab touches numpy's global state, and only inside a calibration.
    saved = np.random.get_state()  # noqa: NPY002
    np.random.seed(evaluation_seed(entropy, population, particle).generate_state(4))  # noqa: NPY002, TID251
    try:
        return simulate_one()
    finally:
        np.random.set_state(saved)  # noqa: NPY002


_FORKED: dict[str, Any] = {}


def _evaluate_forked(arguments: tuple[int, int, int]) -> Any:
    return _evaluate(_FORKED["simulate_one"], *arguments)


class SeededSampler(Sampler):
    """A pyabc sampler whose accepted particles depend only on (seed, population, particle index).

    Parameters
    ----------
    entropy
        The calibration's root seed.
    workers
        Local processes (forked, so pyabc's closures need no pickling); 1 runs serially.
    client
        A ``dask.distributed.Client``; when given, evaluations run on its cluster.
    """

    def __init__(self, entropy: int, workers: int = 1, client: Any = None) -> None:
        super().__init__()
        self.entropy = entropy
        self.workers = max(1, workers)
        self.client = client
        self.evaluated_callback: Callable[[int], None] | None = None
        if client is not None:
            threads = [
                info.get("nthreads", 1) for info in client.scheduler_info().get("workers", {}).values()
            ]
            if any(n != 1 for n in threads):
                # pyabc draws from numpy's global state, which threads of one worker would share
                raise ValueError(
                    "Dask workers must run one thread each for a reproducible calibration (--nthreads 1)"
                )

    def _batch(self) -> int:
        if self.client is not None:
            return max(8, 4 * len(self.client.scheduler_info().get("workers", {})))
        return 4 * self.workers if self.workers > 1 else 1

    def sample_until_n_accepted(
        self,
        n: int,
        simulate_one: Callable[[], Any],
        t: int,
        *,
        max_eval: float = np.inf,
        all_accepted: bool = False,
        ana_vars: Any = None,
    ) -> Any:
        sample = self._create_empty_sample()
        accepted = evaluations = next_index = 0
        pool = None
        if self.client is None and self.workers > 1:
            _FORKED["simulate_one"] = simulate_one
            pool = multiprocessing.get_context("fork").Pool(self.workers)
        try:
            while accepted < n and evaluations < max_eval:
                indices = list(range(next_index, next_index + self._batch()))
                next_index += len(indices)
                if self.client is not None:
                    task = functools.partial(_evaluate, simulate_one, self.entropy, t)
                    results = self.client.gather(self.client.map(task, indices, pure=False))
                elif pool is not None:
                    results = pool.map(_evaluate_forked, [(self.entropy, t, i) for i in indices])
                else:
                    results = [_evaluate(simulate_one, self.entropy, t, i) for i in indices]
                for particle in results:  # in index order: the first n accepted, whatever the batch
                    sample.append(particle)
                    evaluations += 1
                    accepted += int(particle.accepted)
                    if accepted >= n or evaluations >= max_eval:
                        break
                if self.evaluated_callback is not None:
                    self.evaluated_callback(accepted)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
            _FORKED.clear()
        self.nr_evaluations_ = evaluations
        if sample.n_accepted < n:
            sample.ok = False
        return sample


@dataclass(frozen=True)
class Settings:
    """How a calibration runs.

    Defaults aim at one district within 30 minutes on two shared cores (the issue's target):
    200 particles × 10 populations took 47 min and 100 × 5 took 21 min on this machine with
    a third of one core (older kernel), so 100 × 6. Not timed again (shared CPU).
    """

    particles: int = 100
    populations: int = 6
    replications: int = 2
    seed: int = 0
    workers: int = 1
    min_acceptance_rate: float = 0.005
    calendar: Calendar = field(default_factory=Calendar)


@dataclass(frozen=True)
class Problem:
    """What is fitted: districts' scenarios, targets, priors; and how figures are compared."""

    districts: Mapping[str, Scenario]
    targets: Targets
    priors: tuple[Prior, ...]
    calendar: Calendar
    replications: int

    @functools.cached_property
    def statistics(self) -> Statistics:
        return Statistics.of(self.targets)

    def natural(self, parameters: Mapping[str, float]) -> dict[str, float]:
        by_name = {p.name: p for p in self.priors}
        return {
            name: by_name[name].natural(float(value)) for name, value in parameters.items() if name in by_name
        }

    def simulate(
        self, parameters: Mapping[str, float], seed: np.random.SeedSequence
    ) -> dict[str, np.ndarray]:
        """Summary statistics per district for parameters on the prior scale."""
        values = self.natural(parameters)
        out: dict[str, np.ndarray] = {}
        rows = self.statistics.rows
        for index, (district, base) in enumerate(self.districts.items()):
            scenario = scenario_for(
                base, values, district=district, calendar=self.calendar, until_year=self.targets.last_year
            )
            child = np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, index))
            shares = simulate_shares(scenario, rows, self.calendar, child, self.replications)
            out[district] = self.statistics.vector(shares)
        return out

    def model(self, parameters: Mapping[str, float]) -> dict[str, np.ndarray]:
        """pyabc's model: its seed comes from the global state the sampler seeded."""
        entropy = int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002 (seeded per evaluation by SeededSampler)
        return self.simulate(parameters, np.random.SeedSequence(entropy))

    def observed(self) -> dict[str, np.ndarray]:
        vector = self.statistics.observed()
        return dict.fromkeys(self.districts, vector)

    def distance(self, x: Mapping[str, np.ndarray], x0: Mapping[str, np.ndarray]) -> float:
        return self.statistics.distance(
            [np.asarray(x[d]) for d in self.districts], np.asarray(x0[next(iter(self.districts))])
        )

    def prior(self) -> pyabc.Distribution:
        return pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in self.priors})


@dataclass(frozen=True)
class PopulationRecord:
    population: int
    epsilon: float
    evaluations: int
    particles: int

    @property
    def acceptance_rate(self) -> float:
        return self.particles / self.evaluations if self.evaluations else math.nan


def beaumont_bandwidth(effective_sample_size: float, dimension: int) -> float:
    """Kernel scale of ABC-PMC (Beaumont et al. 2009): proposals with twice the weighted covariance.

    pyabc's default (Silverman's rule on the effective sample size) shrinks the kernel
    as weights concentrate, which in a dozen dimensions feeds back into ever more
    degenerate weights (effective sample sizes of 1-2 of 200 particles were measured);
    twice the covariance keeps proposals spread, as Beaumont et al. and Filippi et al.
    (2013) recommend.
    """
    return math.sqrt(2.0)


#: Smallest kernel standard deviation of a parameter, as a share of its prior's width. With
#: few particles (or weights concentrated on a few) the weighted covariance is singular: in a
#: dozen dimensions 10 particles span at most 9, proposals then fall where the kernel density
#: underflows to zero and pyabc's weights prior/kernel become inf/nan ("population total weight
#: nan is not normalized"). ASSUMPTION: 1% of the prior width barely widens a kernel fitted to
#: a healthy population (posterior widths here are tens of percent of the priors) yet keeps it
#: of full rank.
KERNEL_FLOOR = 0.01
#: Fewest particles a calibration accepts. ASSUMPTION: below this the populations' weighted
#: covariance and quantile epsilon rest on too few points to mean anything.
MIN_PARTICLES = 10


class RegularisedTransition(pyabc.MultivariateNormalTransition):
    """ABC-PMC kernel (twice the weighted covariance) kept of full rank by a prior-scaled floor.

    pyabc's kernel is used as is, with its covariance plus ``diag((KERNEL_FLOOR × prior
    width)²)`` and a density floored at the smallest positive float, so that a proposal's
    weight is always finite. Deterministic: the floor depends only on the priors.
    """

    def __init__(self, widths: Mapping[str, float]) -> None:
        super().__init__(bandwidth_selector=beaumont_bandwidth)
        self.widths = dict(widths)

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:  # noqa: N803 (pyabc's signature)
        super().fit(X, w)
        floor = np.array([(KERNEL_FLOOR * self.widths[name]) ** 2 for name in X.columns])
        fitted = np.atleast_2d(np.nan_to_num(np.asarray(self.cov, dtype=np.float64)))  # type: ignore[has-type]
        self.cov = fitted + np.diag(floor)
        self.normal = scipy.stats.multivariate_normal(cov=self.cov)

    def pdf(self, x: Any) -> Any:
        return np.maximum(super().pdf(x), np.finfo(float).tiny)


def _abcsmc(problem: Problem, settings: Settings, client: Any) -> tuple[pyabc.ABCSMC, SeededSampler]:
    sampler = SeededSampler(settings.seed, workers=settings.workers, client=client)
    abc = pyabc.ABCSMC(
        problem.model,
        problem.prior(),
        problem.distance,
        population_size=settings.particles,
        sampler=sampler,
        eps=pyabc.epsilon.QuantileEpsilon(alpha=0.5),
        transitions=RegularisedTransition({p.name: p.high - p.low for p in problem.priors}),
    )
    return abc, sampler


def history_records(database: Path) -> list[PopulationRecord]:
    """The finished populations stored in a calibration database."""
    history = pyabc.History(f"sqlite:///{database}", create=False, _id=1)
    populations = history.get_all_populations()
    populations = populations[populations.t >= 0]
    return [
        PopulationRecord(int(row.t), float(row.epsilon), int(row.samples), int(row.particles))
        for row in populations.itertuples()
    ]


def run_abc(
    problem: Problem,
    database: Path,
    settings: Settings,
    *,
    resume: bool,
    client: Any = None,
    on_population: Callable[[PopulationRecord], None] | None = None,
    on_evaluations: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, np.ndarray, list[PopulationRecord]]:
    """Run (or resume) ABC-SMC until ``settings.populations`` populations are stored.

    Returns the last population's parameters (prior scale), its weights and the record of
    every population. ``on_evaluations(population, accepted)`` follows a running population.
    """
    url = f"sqlite:///{database}"
    done: list[PopulationRecord] = history_records(database) if resume and database.exists() else []
    if not resume and database.exists():
        raise FileExistsError(database)
    for record in done:
        if on_population is not None:
            on_population(record)
    while len(done) < settings.populations:
        if done and done[-1].acceptance_rate < settings.min_acceptance_rate:
            break
        abc, sampler = _abcsmc(problem, settings, client)
        population = len(done)
        if on_evaluations is not None:
            sampler.evaluated_callback = functools.partial(on_evaluations, population)
        if population == 0:
            abc.new(url, problem.observed())
        else:
            abc.load(url, 1)
        try:
            abc.run(max_nr_populations=1)
        except (AssertionError, ArithmeticError, ValueError, np.linalg.LinAlgError) as error:
            # pyabc's own checks (e.g. weights that cannot be normalised): one line, the stored
            # populations kept for --resume, never a traceback.
            reason = " ".join(str(error).split()) or type(error).__name__
            raise InputError(
                f"population {population + 1} failed inside pyabc ({reason}); the {population} finished "
                "populations are kept: try more --particles, or fewer --populations"
            ) from None
        done = history_records(database)
        if on_population is not None:
            on_population(done[-1])
    history = pyabc.History(url, create=False, _id=1)
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    order = sorted(frame.columns)
    return frame[order].reset_index(drop=True), np.asarray(weights, dtype=float), done


def check_settings(settings: Settings) -> None:
    """Raise ValueError for settings that cannot run."""
    if settings.particles < MIN_PARTICLES:
        raise ValueError(f"--particles must be at least {MIN_PARTICLES}, got {settings.particles}")
    if settings.populations < 1:
        raise ValueError(f"--populations must be at least 1, got {settings.populations}")
    if settings.replications < 1:
        raise ValueError(f"replications must be at least 1, got {settings.replications}")
    if settings.workers < 1:
        raise ValueError(f"--workers must be at least 1, got {settings.workers}")
    if not 0 <= settings.seed < 2**63:
        raise ValueError(f"--seed must be a non-negative integer, got {settings.seed}")


def names_of(priors: Sequence[Prior]) -> list[str]:
    return [p.name for p in priors]


__all__ = [
    "DATABASE",
    "PopulationRecord",
    "Problem",
    "SeededSampler",
    "Settings",
    "check_settings",
    "evaluation_seed",
    "history_records",
    "run_abc",
]
