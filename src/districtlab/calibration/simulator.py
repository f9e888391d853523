"""From parameters to the figures the targets describe: calendar, scenarios, summary statistics.

Pure computation: no files, no printing. The calibration calls the public API only
(:func:`districtlab.run_scenarios`, :class:`districtlab.RunResult`, parameter paths).

Calendar
    Month 0 of a calibration run is January of ``start_year`` (2012 by default), two
    years before the first target (cloud, 2014) and six before the first robot and 3D
    printing figures, so that the 2014-2020 size gradients and trends *emerge* from the
    dynamics. The presets' own month 0 is January 2016 (``preset_start_year``); their
    programmes' start months are moved by the difference, so the 2018 programme still
    starts in 2018. A figure for year *y* is read at month ``12 (y - start_year)``
    (surveys ask about the first quarter).

Summary statistics (all on the log scale, ``log(share + 0.005)``)
    * the level of every target with weight > 0, per district;
    * size-gradient ratios: large over small for each indicator and year;
    * time slopes: the yearly change of each indicator and size class between its first
      and last year;
    * RTI reach: the share of each size class among the firms that have dealt with the RTI.

    Each is divided by its scale: ``sqrt(d² + (se / value)²)`` for levels (``d``: the proxy
    discrepancy of the indicator, see :mod:`districtlab.calibration.priors`), ``d`` for
    gradients and ``d / years`` for slopes, then weighted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from districtlab.calibration.priors import discrepancy_sd, scenario_changes
from districtlab.calibration.targets import ALL_SIZES, RTI, Targets
from districtlab.config import SIZE_CLASSES, Scenario
from districtlab.experiments.parameters import scenario_with
from districtlab.experiments.runner import FinishedRun, run_scenarios
from districtlab.results import RunResult

#: Added to shares before taking logs: 0.5 percentage points, below every target but one.
LOG_OFFSET = 0.005


@dataclass(frozen=True)
class Calendar:
    """Which calendar month a run's month 0 is."""

    start_year: int = 2012
    preset_start_year: int = 2016

    def step_of(self, year: int, dt: float = 1.0) -> int:
        """The step at which a figure for ``year`` is read (January of that year)."""
        return round(12 * (year - self.start_year) / dt)

    def months_until(self, year: int) -> float:
        return float(12 * (year - self.start_year))


def scenario_for(
    base: Scenario,
    values: Mapping[str, float],
    *,
    district: str,
    calendar: Calendar,
    until_year: int,
    programme: str | None = None,
) -> Scenario:
    """``base`` with calibrated ``values`` (natural scale), moved to the calendar, run until ``until_year``.

    ``programme``: the programme to run (default: the scenario's own, the documented one).
    """
    if until_year <= calendar.start_year:
        raise ValueError(f"until_year {until_year} must be after the start year {calendar.start_year}")
    scenario = base if programme is None else base.with_programme(programme)
    shift = 12 * (calendar.preset_start_year - calendar.start_year)
    changes: dict[str, object] = dict(scenario_changes(scenario, values, district))
    changes["months"] = calendar.months_until(until_year)
    if shift:
        changes["programme.start_month"] = scenario.programme.start_month + shift
        for name, entry in scenario.programmes.items():
            changes[f"programmes.{name}.start_month"] = entry.start_month + shift
        reporting = getattr(scenario, "reporting", None)  # the month outcomes are read at, if set
        horizon = getattr(reporting, "horizon_months", None)
        if horizon is not None:
            changes["reporting.horizon_months"] = min(
                float(horizon) + shift, calendar.months_until(until_year)
            )
    return scenario_with(scenario, changes, label=district)


def shares_at(result: RunResult, rows: pd.DataFrame, calendar: Calendar) -> NDArray[np.float64]:
    """The simulated figure for each row (technology, year, size_class) of ``rows``: shares 0-1.

    Technology rows give the adoption share of that size class (``all``: of every firm);
    ``rti`` rows give the share of the size class among firms that have dealt with the RTI.
    """
    o = result.observations
    names = list(o.technology_names)
    firms_by_size = o.firms_by_group.sum(axis=1).astype(np.float64)
    out = np.empty(len(rows), dtype=np.float64)
    for i, (technology, year, size) in enumerate(
        zip(rows.technology, rows.year, rows.size_class, strict=True)
    ):
        step = min(calendar.step_of(int(year), o.dt), o.n_steps)
        if technology == RTI:
            engaged = o.engaged[step].astype(np.float64)
            total = engaged.sum()
            out[i] = engaged[SIZE_CLASSES.index(size)] / total if total > 0 else 0.0
            continue
        if technology not in names:
            raise ValueError(f"the scenario has no technology {technology!r}")
        adopted = o.adopted[step, names.index(technology)].sum(axis=1).astype(np.float64)  # per size class
        if size == ALL_SIZES:
            out[i] = adopted.sum() / firms_by_size.sum()
        else:
            index = SIZE_CLASSES.index(size)
            out[i] = adopted[index] / firms_by_size[index] if firms_by_size[index] > 0 else math.nan
    return out


def simulate_shares(
    scenario: Scenario,
    rows: pd.DataFrame,
    calendar: Calendar,
    seed: np.random.SeedSequence,
    replications: int,
) -> NDArray[np.float64]:
    """Shares for ``rows`` averaged over ``replications`` runs of ``scenario`` with root seed ``seed``.

    The runs go through :func:`~districtlab.experiments.run_scenarios`, so replication
    r has the seed of the experiments' one rule: ``SeedSequence(seed.entropy,
    spawn_key=(*seed.spawn_key, r))`` (the r-th child ``seed.spawn`` gives a seed that
    has spawned nothing; ``seed`` itself is not changed).
    """
    shares: dict[int, NDArray[np.float64]] = {}

    def read_shares(run: FinishedRun) -> None:
        assert run.result is not None
        shares[run.summary.replication] = shares_at(run.result, rows, calendar)

    run_scenarios(  # batches of one run: one whole result in memory at a time, as a plain loop holds
        [scenario], replications=replications, rng=seed, batch_size=1, on_run=read_shares, keep_results=True
    )
    total = np.zeros(len(rows))
    for replication in range(replications):  # in replication order: the same sum however runs finish
        total += shares[replication]
    return total / replications


@dataclass(frozen=True)
class Statistics:
    """How target figures become the summary statistics the distance compares.

    ``rows``: the fitted figures (weight > 0). The vector is ``levels``, then
    ``gradients`` (pairs of row positions: large, small), then ``slopes`` (pairs
    first, last and the years between). ``scales`` and ``weights`` follow the same order.
    """

    rows: pd.DataFrame
    gradients: tuple[tuple[int, int], ...]
    slopes: tuple[tuple[int, int, int], ...]
    scales: NDArray[np.float64]
    weights: NDArray[np.float64]
    names: tuple[str, ...]

    @classmethod
    def of(cls, targets: Targets) -> Statistics:
        rows = targets.frame[targets.frame.weight > 0].reset_index(drop=True)
        sds = np.array([discrepancy_sd(indicator) for indicator in rows.indicator])
        values = rows.value.to_numpy(dtype=float)
        relative_se = np.where(
            np.isfinite(rows.se.to_numpy(dtype=float)), rows.se / (values + LOG_OFFSET), 0.0
        )
        scales = list(np.sqrt(sds**2 + relative_se**2))
        weights = list(rows.weight.to_numpy(dtype=float))
        names = [
            f"level {t} {i} {y} {s}"
            for t, i, y, s in zip(rows.technology, rows.indicator, rows.year, rows.size_class, strict=True)
        ]
        gradients: list[tuple[int, int]] = []
        slopes: list[tuple[int, int, int]] = []
        position = {
            (i, int(y), s): k
            for k, (i, y, s) in enumerate(zip(rows.indicator, rows.year, rows.size_class, strict=True))
        }
        for (indicator, year, size), k in position.items():
            if size == "large" and (indicator, year, "small") in position and not indicator.startswith(RTI):
                gradients.append((k, position[(indicator, year, "small")]))
                scales.append(float(sds[k]))
                weights.append(float(rows.weight[k]))
                names.append(f"gradient {indicator} {year} large/small")
        for (indicator, size), group in rows.groupby(["indicator", "size_class"], sort=True, observed=True):
            years = sorted(int(y) for y in group.year)
            if len(years) < 2:
                continue
            first, last = position[(indicator, years[0], size)], position[(indicator, years[-1], size)]
            span = years[-1] - years[0]
            slopes.append((first, last, span))
            scales.append(float(sds[first]) / span)
            weights.append(float(rows.weight[first]))
            names.append(f"slope {indicator} {size} {years[0]}-{years[-1]}")
        return cls(
            rows=rows,
            gradients=tuple(gradients),
            slopes=tuple(slopes),
            scales=np.asarray(scales, dtype=np.float64),
            weights=np.asarray(weights, dtype=np.float64),
            names=tuple(names),
        )

    def vector(self, shares: NDArray[np.float64]) -> NDArray[np.float64]:
        """The summary statistics of figures ``shares`` (one per row), unscaled."""
        levels = np.log(np.nan_to_num(shares, nan=0.0) + LOG_OFFSET)
        parts = [levels]
        parts.append(np.array([levels[a] - levels[b] for a, b in self.gradients], dtype=np.float64))
        parts.append(
            np.array([(levels[b] - levels[a]) / span for a, b, span in self.slopes], dtype=np.float64)
        )
        return np.concatenate(parts)

    def observed(self) -> NDArray[np.float64]:
        return self.vector(self.rows.value.to_numpy(dtype=float))

    def distance(self, simulated: Sequence[NDArray[np.float64]], observed: NDArray[np.float64]) -> float:
        """Root mean of the weighted, scaled squared differences, over districts."""
        factors = np.sqrt(self.weights) / self.scales
        total = 0.0
        for vector in simulated:
            total += float(np.sum((factors * (vector - observed)) ** 2))
        return math.sqrt(total / (len(simulated) * float(self.weights.sum())))


__all__ = ["LOG_OFFSET", "Calendar", "Statistics", "scenario_for", "shares_at", "simulate_shares"]
