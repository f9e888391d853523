"""Checks of a calibration: posterior predictive checks, leave-one-technology-out, parameter recovery.

Pure computation (calibrations write their own directories; figures are in
:mod:`districtlab.viz.calibration`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from districtlab._rng import RNGLike
from districtlab.calibration.api import calibrate
from districtlab.calibration.posterior import INTERVAL, Posterior, _generator
from districtlab.calibration.priors import DRIFT_PER_YEAR, discrepancy_sd
from districtlab.calibration.simulator import scenario_for, simulate_shares
from districtlab.calibration.targets import Targets
from districtlab.config import Scenario


def predictive(
    posterior: Posterior, rows: pd.DataFrame, *, draws: int = 100, rng: RNGLike | np.random.Generator = 0
) -> pd.DataFrame:
    """Posterior predictive distribution of target-like ``rows`` (technology, indicator, year, size_class).

    Returns ``rows`` with, per district: mean, low, high (90% predictive interval, with the
    indicator's proxy discrepancy, grown after the last fitted year) and, where ``rows`` has
    a ``value``, whether it lies in the interval (``covered``).
    """
    generator = _generator(rng)
    parameter_draws = posterior.sample(draws, generator)
    last = posterior.problem.targets.last_year
    horizon = max(last, int(rows.year.max()))
    sds = np.array(
        [
            np.hypot(discrepancy_sd(indicator), DRIFT_PER_YEAR * max(0, int(year) - last))
            for indicator, year in zip(rows.indicator, rows.year, strict=True)
        ]
    )
    tail = (1 - INTERVAL) / 2
    frames = []
    for district in posterior.districts:
        simulated = np.empty((draws, len(rows)))
        for i, values in enumerate(parameter_draws.to_dict("records")):
            scenario = posterior.scenario(values, district=district, until_year=horizon)
            seed = np.random.SeedSequence(int(generator.integers(2**63)))
            simulated[i] = simulate_shares(scenario, rows, posterior.problem.calendar, seed, 1)
        noisy = np.clip(simulated * np.exp(generator.normal(0.0, 1.0, simulated.shape) * sds), 0.0, 1.0)
        frame = rows.reset_index(drop=True).copy()
        frame.insert(0, "district", district)
        frame["mean"] = np.nanmean(noisy, axis=0)
        frame["low"] = np.nanquantile(noisy, tail, axis=0)
        frame["high"] = np.nanquantile(noisy, 1 - tail, axis=0)
        if "value" in frame:
            frame["covered"] = (frame.value >= frame.low) & (frame.value <= frame.high)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def posterior_predictive_check(posterior: Posterior, *, draws: int = 100, rng: RNGLike = 0) -> pd.DataFrame:
    """Every target (fitted or weight 0) against its 90% posterior predictive interval."""
    rows = posterior.problem.targets.frame
    return predictive(
        posterior,
        rows[["technology", "indicator", "year", "size_class", "value", "weight"]],
        draws=draws,
        rng=rng,
    )


@dataclass(frozen=True)
class CrossValidation:
    """Leave-one-technology-out: the left-out series predicted by a fit that never saw it."""

    predictions: pd.DataFrame  # one row per left-out target and district, with covered

    @property
    def coverage(self) -> pd.Series:
        """Share of left-out figures inside their 90% predictive interval, per technology."""
        return self.predictions.groupby("left_out", observed=True).covered.mean()


def leave_one_technology_out(
    scenarios: list[str | Path | Scenario],
    targets: Targets,
    out: str | Path,
    *,
    technologies: tuple[str, ...] | None = None,
    draws: int = 60,
    **settings: Any,
) -> CrossValidation:
    """Fit without each technology in turn and predict its series; ``settings`` go to :func:`calibrate`."""
    frames = []
    for technology in technologies or targets.technologies:
        posterior = calibrate(scenarios, targets.without(technology), out=Path(out) / technology, **settings)
        rows = targets.only(technology).frame
        frame = predictive(posterior, rows, draws=draws, rng=settings.get("seed", 0))
        frame["left_out"] = technology
        frames.append(frame)
    return CrossValidation(pd.concat(frames, ignore_index=True))


def simulated_targets(
    scenario: Scenario,
    truth: Mapping[str, float],
    targets: Targets,
    *,
    rng: RNGLike = 0,
    replications: int = 4,
) -> Targets:
    """``targets`` with values simulated from known parameters ``truth`` (natural scale)."""
    from districtlab._rng import as_seed_sequence

    calendar_scenario = scenario_for(
        scenario, truth, district=scenario.name, calendar=_calendar(), until_year=targets.last_year
    )
    shares = simulate_shares(
        calendar_scenario, targets.frame, _calendar(), as_seed_sequence(rng), replications
    )
    return targets.with_values(pd.Series(np.clip(shares, 0.0, 1.0)))


def _calendar() -> Any:
    from districtlab.calibration.simulator import Calendar

    return Calendar()


def recovery(posterior: Posterior, truth: Mapping[str, float]) -> pd.DataFrame:
    """Per parameter: the truth, the posterior 90% interval and whether it holds the truth."""
    summary = posterior.summary().set_index("parameter")
    rows = []
    for name, value in truth.items():
        if name not in summary.index:
            continue
        low, high = summary.loc[name, "low"], summary.loc[name, "high"]
        rows.append(
            {"parameter": name, "truth": value, "low": low, "high": high, "covered": low <= value <= high}
        )
    return pd.DataFrame(rows)


__all__ = [
    "CrossValidation",
    "leave_one_technology_out",
    "posterior_predictive_check",
    "predictive",
    "recovery",
    "simulated_targets",
]
