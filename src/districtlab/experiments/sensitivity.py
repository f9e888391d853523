"""Sensitivity analysis with SALib: Morris screening and Sobol' indices, on scalar outcomes and per-step series.

The usual sequence (Ligmann-Zielinska et al. 2020, JASSS 23(1):6): screen many
parameters with Morris (elementary effects; ``mu_star`` ranks influence,
``sigma`` flags interactions and non-linearity), then estimate Sobol' indices
(``S1`` first order, ``ST`` total) for the few that matter.

1. :func:`morris_design` or :func:`saltelli_design` samples the parameter box
   with SALib into a :class:`~districtlab.experiments.designs.Design`;
2. :func:`~districtlab.experiments.run_scenarios` runs it (any executor, any store);
3. :func:`morris_indices` or :func:`sobol_indices` (or :func:`analyse`) computes
   the indices of each outcome, and of each step of each per-step series.

**Replications.** The model is stochastic. Each design point is run
``replications`` times under *common random numbers*: replication r of every
point uses the same seed, and the analysis uses each point's mean over its
replications. The random numbers are then held fixed across the design, so
differences between points come from the parameters, not from the seed. This
matters most for Morris, whose elementary effects are differences between
neighbouring points: with independent seeds they would be dominated by noise
for any step small enough to be local. What remains of the seed's influence
shrinks as replications grow; the indices describe the model averaged over
``replications`` seeds.

Integers: a Sobol' sample is spread evenly over low..high (``floor``); a Morris
grid must land on integers, so ``high - low`` must be a multiple of ``levels - 1``.
Confidence intervals are SALib's bootstrap intervals, seeded from ``rng``
(default: from the experiment's entropy, so the same results give the same intervals).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from districtlab._rng import RNGLike, SeedRecord, as_seed_sequence
from districtlab.config import Scenario
from districtlab.errors import InputError
from districtlab.experiments.designs import Design, _from_table
from districtlab.experiments.parameters import SamplingRange, check_range
from districtlab.experiments.runner import ExperimentResult

METHODS = ("morris", "sobol")
#: Columns of the tidy table of indices.
COLUMNS = ("method", "outcome", "step", "parameter", "index", "value", "conf")
#: Tag mixed into the experiment's entropy to seed the bootstrap of the intervals by default.
_BOOTSTRAP_TAG = 0x53414C6962  # "SALib"


# -- designs ---------------------------------------------------------------------------------


def _problem(
    base: Scenario, ranges: Mapping[str, tuple[float, float]]
) -> tuple[dict[str, object], list[SamplingRange]]:
    if not ranges:
        raise InputError("sensitivity analysis needs at least one parameter range")
    specs = [check_range(base, key, float(low), float(high)) for key, (low, high) in ranges.items()]
    problem = {
        "num_vars": len(specs),
        "names": list(ranges),
        "bounds": [[spec.low, spec.high] for spec in specs],
    }
    return problem, specs


def _generator(rng: RNGLike) -> tuple[np.random.Generator, SeedRecord]:
    seed = as_seed_sequence(rng)
    return np.random.default_rng(seed), SeedRecord.of(seed)


def morris_design(
    base: Scenario,
    ranges: Mapping[str, tuple[float, float]],
    *,
    trajectories: int = 10,
    levels: int = 4,
    rng: RNGLike = None,
) -> Design:
    """A Morris design: ``trajectories`` one-at-a-time paths through a grid of ``levels`` levels.

    It has ``trajectories * (parameters + 1)`` points.
    """
    if trajectories < 2:
        raise InputError(f"Morris needs at least 2 trajectories, got {trajectories}")
    if levels < 2 or levels % 2:
        raise InputError(f"Morris needs an even number of levels (4 is usual), got {levels}")
    problem, specs = _problem(base, ranges)
    for key, spec in zip(ranges, specs, strict=True):
        if spec.kind == "int" and (spec.high - spec.low) % (levels - 1):
            raise InputError(
                f"an integer parameter needs high - low to be a multiple of levels - 1 = {levels - 1} "
                f"so that the Morris grid lands on whole numbers (got {spec.low:g}:{spec.high:g})",
                field=key,
            )
    generator, seed = _generator(rng)
    sample = morris_sample.sample(problem, trajectories, num_levels=levels, seed=generator)
    table = pd.DataFrame(sample, columns=list(ranges))
    for key, spec in zip(ranges, specs, strict=True):
        if spec.kind == "int":
            table[key] = np.rint(table[key]).astype(np.int64)
    return _from_table(
        base, table, "morris", seed, _sampler(ranges, trajectories=trajectories, levels=levels)
    )


def saltelli_design(
    base: Scenario, ranges: Mapping[str, tuple[float, float]], *, n: int = 64, rng: RNGLike = None
) -> Design:
    """Saltelli's design for first-order and total Sobol' indices: ``n * (parameters + 2)`` points.

    ``n`` must be a power of two (the balance of Sobol' sequences needs it).
    """
    if n < 2 or n & (n - 1):
        raise InputError(
            f"Sobol' indices need n to be a power of two (e.g. {2 ** max(1, round(math.log2(max(n, 2))))}), got {n}"
        )
    problem, specs = _problem(base, ranges)
    # Integers are spread evenly over low..high: sample [low, high + 1) and take the floor.
    problem["bounds"] = [[s.low, s.high + 1.0] if s.kind == "int" else [s.low, s.high] for s in specs]
    generator, seed = _generator(rng)
    sample = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=generator)
    table = pd.DataFrame(sample, columns=list(ranges))
    for key, spec in zip(ranges, specs, strict=True):
        if spec.kind == "int":
            table[key] = np.minimum(np.floor(table[key]), spec.high).astype(np.int64)
    return _from_table(base, table, "saltelli", seed, _sampler(ranges, n=n))


def _sampler(ranges: Mapping[str, tuple[float, float]], **options: int) -> dict[str, object]:
    return {"ranges": {key: [float(low), float(high)] for key, (low, high) in ranges.items()}, **options}


# -- analysis -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SensitivityResult:
    """Sensitivity indices in one tidy table.

    Attributes
    ----------
    method
        ``"morris"`` or ``"sobol"``.
    parameters
        The parameter keys, in the order of the design's columns.
    indices
        One row per (outcome, step, parameter, index): ``step`` is missing for
        scalar outcomes; ``index`` is ``mu_star``, ``mu`` or ``sigma`` (Morris) or
        ``S1`` or ``ST`` (Sobol'); ``conf`` is the half-width of the bootstrap
        interval at ``confidence`` (Morris gives one for ``mu_star`` only).
    confidence
        Level of the intervals.
    replications
        Runs averaged at each design point.
    """

    method: str
    parameters: tuple[str, ...]
    indices: pd.DataFrame
    confidence: float
    replications: int

    def to_frame(self) -> pd.DataFrame:
        """The tidy table of indices (a copy)."""
        return self.indices.copy()

    def scalar(self) -> pd.DataFrame:
        """Indices of the scalar outcomes (rows without a step)."""
        return self.indices[self.indices["step"].isna()].reset_index(drop=True)

    def over_steps(self, series: str) -> pd.DataFrame:
        """Indices of one per-step series, one row per (step, parameter, index)."""
        rows = self.indices[(self.indices["outcome"] == series) & self.indices["step"].notna()]
        if rows.empty:
            raise KeyError(f"no per-step indices for {series!r}")
        return rows.reset_index(drop=True)


def _point_means(result: ExperimentResult, outcomes: Sequence[str]) -> pd.DataFrame:
    table = result.outcomes()
    unknown = [name for name in outcomes if name not in table.columns]
    if unknown:
        known = [
            c for c in table.columns if c not in ("scenario_index", "scenario", "replication", "spawn_key")
        ]
        raise InputError(f"unknown outcome {unknown[0]!r}; known: {', '.join(known)}")
    if not result.complete:
        raise InputError("the experiment is not complete: finish it (resume) before analysing it")
    return table.groupby("scenario_index")[list(outcomes)].mean().sort_index()


def _series_means(result: ExperimentResult, name: str) -> NDArray[np.float64]:
    try:
        values = result.series(name)  # points x replications x steps
    except KeyError as error:
        raise InputError(str(error).strip("'\"")) from None
    return values.mean(axis=1)


def _bootstrap_seed(result: ExperimentResult, rng: RNGLike) -> np.random.SeedSequence:
    if rng is None:
        return np.random.SeedSequence([result.entropy, _BOOTSTRAP_TAG])
    return as_seed_sequence(rng)


def _check_values(values: NDArray[np.float64], outcome: str) -> None:
    missing = int(np.isnan(values).sum())
    if missing:
        raise InputError(
            f"{outcome} is missing (NaN) at {missing} design points; sensitivity needs a value at every point"
        )


Row = dict[str, Any]


def _problem_of(table: pd.DataFrame) -> dict[str, Any]:
    """The SALib problem of a design table (bounds are not used by the analyses)."""
    names = [str(c) for c in table.columns]
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def _morris_rows(
    table: pd.DataFrame,
    values: NDArray[np.float64],
    levels: int,
    confidence: float,
    seed: np.random.SeedSequence,
) -> list[Row]:
    problem = _problem_of(table)
    if np.ptp(values) == 0.0:  # a constant output has no effect to find (and SALib would divide by zero)
        zeros = np.zeros(problem["num_vars"])
        indices: Mapping[str, Any] = {"mu_star": zeros, "mu": zeros, "sigma": zeros, "mu_star_conf": zeros}
    else:
        x = table.to_numpy(dtype=np.float64)
        rng = np.random.default_rng(seed)
        indices = morris_analyze.analyze(
            problem, x, values, num_levels=levels, conf_level=confidence, seed=rng
        )
    return [
        {
            "parameter": parameter,
            "index": index,
            "value": float(indices[index][position]),
            "conf": float(indices["mu_star_conf"][position]) if index == "mu_star" else np.nan,
        }
        for position, parameter in enumerate(problem["names"])
        for index in ("mu_star", "mu", "sigma")
    ]


def _sobol_rows(
    table: pd.DataFrame, values: NDArray[np.float64], confidence: float, seed: np.random.SeedSequence
) -> list[Row]:
    problem = _problem_of(table)
    if np.ptp(values) == 0.0:  # no variance to decompose
        nan = np.full(problem["num_vars"], np.nan)
        indices: Mapping[str, Any] = {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
    else:
        # SALib's sobol.analyze takes an int seed and uses numpy's global state when it is 0: never pass 0.
        bootstrap = int(np.random.default_rng(seed).integers(1, 2**31 - 1))
        indices = sobol_analyze.analyze(
            problem, values, calc_second_order=False, conf_level=confidence, seed=bootstrap
        )
    return [
        {
            "parameter": parameter,
            "index": index,
            "value": float(indices[index][position]),
            "conf": float(indices[f"{index}_conf"][position]),
        }
        for position, parameter in enumerate(problem["names"])
        for index in ("S1", "ST")
    ]


def analyse(
    result: ExperimentResult,
    *,
    outcomes: Sequence[str] = ("new_adopters", "laggard_share"),
    series: Sequence[str] = (),
    confidence: float = 0.95,
    rng: RNGLike = None,
) -> SensitivityResult:
    """Sensitivity indices of a Morris or Saltelli experiment (the method comes from its design).

    Parameters
    ----------
    result
        A complete experiment of a design made by :func:`morris_design` or :func:`saltelli_design`.
    outcomes
        Scalar outcomes (columns of ``result.outcomes()``).
    series
        Per-step series (``adoption_share_mean``, ``laggard_share``, ``adoption_share.<technology>``...):
        indices are computed at every step.
    confidence
        Level of the bootstrap intervals.
    rng
        Seed of the bootstrap (default: derived from the experiment's entropy).
    """
    design = result.scenarios
    table = design.table
    if design.method not in ("morris", "saltelli") or table is None:
        raise InputError(
            f"sensitivity indices need a Morris or Saltelli design, this experiment's is {design.method!r}"
        )
    if not 0 < confidence < 1:
        raise InputError(f"confidence must be between 0 and 1, got {confidence}")
    method = "morris" if design.method == "morris" else "sobol"
    levels = int((design.sampler or {}).get("levels", 4))
    seeds = iter(_bootstrap_seed(result, rng).spawn(len(outcomes) + len(series)))

    def indices_of(values: NDArray[np.float64], label: str, seed: np.random.SeedSequence) -> list[Row]:
        _check_values(values, label)
        if method == "morris":
            return _morris_rows(table, values, levels, confidence, seed)
        return _sobol_rows(table, values, confidence, seed)

    rows: list[Row] = []
    means = _point_means(result, outcomes)
    for outcome in outcomes:
        values = means[outcome].to_numpy(dtype=np.float64)
        rows.extend(
            {"method": method, "outcome": outcome, "step": pd.NA, **row}
            for row in indices_of(values, outcome, next(seeds))
        )
    for name in series:
        values = _series_means(result, name)  # points x steps
        for step, seed in enumerate(next(seeds).spawn(values.shape[1])):
            step_rows = indices_of(values[:, step], f"{name} at step {step}", seed)
            rows.extend({"method": method, "outcome": name, "step": step, **row} for row in step_rows)
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["step"] = frame["step"].astype("Int64")
    return SensitivityResult(
        method=method,
        parameters=tuple(str(c) for c in table.columns),
        indices=frame,
        confidence=confidence,
        replications=result.replications,
    )


__all__ = ["COLUMNS", "METHODS", "SensitivityResult", "analyse", "morris_design", "saltelli_design"]
