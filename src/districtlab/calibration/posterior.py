"""The posterior of a calibration: parameter draws, calibrated scenarios, predictions.

Pure computation; :mod:`districtlab.calibration.store` reads and writes it.

Predictions combine three sources of uncertainty, and say so:

* **parameter uncertainty**: posterior draws (resampled by their ABC weights);
* **simulation noise**: each draw is simulated with its own seed (a district of a few
  hundred firms is itself a random draw);
* **proxy discrepancy**: the figure a target describes (national) is the district's
  share times ``exp(e)``, ``e ~ N(0, d²)``, with ``d`` the indicator's discrepancy and,
  after the last fitted year, ``d`` grown by :data:`~districtlab.calibration.priors.DRIFT_PER_YEAR`
  per year, so that predictions for years the fit never saw are wider.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from districtlab._rng import RNGLike, as_seed_sequence
from districtlab.calibration.abc import PopulationRecord, Problem, Settings
from districtlab.calibration.priors import DRIFT_PER_YEAR, discrepancy_sd
from districtlab.calibration.simulator import scenario_for, simulate_shares
from districtlab.calibration.targets import ALL_SIZES, RTI
from districtlab.config import SIZE_CLASSES, Scenario

#: Central interval of predictions and posterior summaries.
INTERVAL = 0.90


def _generator(rng: RNGLike | np.random.Generator) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(as_seed_sequence(rng))


@dataclass(frozen=True)
class Posterior:
    """The last ABC-SMC population: weighted parameter draws (prior scale) and what was fitted."""

    problem: Problem
    parameters: pd.DataFrame  # one row per particle, prior-scale values (log10 where the prior is)
    weights: np.ndarray
    populations: tuple[PopulationRecord, ...]
    settings: Settings
    directory: str | None = None  # the calibration directory it was written to or read from

    @property
    def districts(self) -> tuple[str, ...]:
        return tuple(self.problem.districts)

    @property
    def effective_sample_size(self) -> float:
        """Kish's effective sample size of the weighted particles (1 / sum of squared normalised weights)."""
        weights = self.weights / self.weights.sum()
        return float(1.0 / np.sum(weights**2))

    def natural(self) -> pd.DataFrame:
        """Particles on the natural scale (10**x for log10 priors)."""
        priors = {p.name: p for p in self.problem.priors}
        return pd.DataFrame(
            {
                name: [priors[name].natural(v) for v in self.parameters[name]]
                for name in self.parameters.columns
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per particle: natural-scale parameter values and the particle's weight."""
        frame = self.natural()
        frame["weight"] = self.weights / self.weights.sum()
        return frame

    def summary(self) -> pd.DataFrame:
        """Per parameter: prior range, weighted posterior mean, median and 90% interval (natural scale)."""
        natural = self.natural()
        weights = self.weights / self.weights.sum()
        rows = []
        for prior in self.problem.priors:
            values = natural[prior.name].to_numpy()
            order = np.argsort(values)
            cumulative = np.cumsum(weights[order])

            def quantile(
                q: float,
                values: np.ndarray = values,
                order: np.ndarray = order,
                cumulative: np.ndarray = cumulative,
            ) -> float:
                return float(values[order][min(np.searchsorted(cumulative, q), len(values) - 1)])

            tail = (1 - INTERVAL) / 2
            rows.append(
                {
                    "parameter": prior.name,
                    "level": prior.level,
                    "prior_low": prior.natural(prior.low),
                    "prior_high": prior.natural(prior.high),
                    "mean": float(np.sum(weights * values)),
                    "median": quantile(0.5),
                    "low": quantile(tail),
                    "high": quantile(1 - tail),
                }
            )
        return pd.DataFrame(rows)

    def sample(self, n: int, rng: RNGLike | np.random.Generator = None) -> pd.DataFrame:
        """``n`` parameter draws (natural scale), resampled by weight."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        generator = _generator(rng)
        index = generator.choice(len(self.weights), size=n, p=self.weights / self.weights.sum())
        return self.natural().iloc[index].reset_index(drop=True)

    def scenario(
        self,
        values: Mapping[str, float],
        *,
        district: str | None = None,
        until_year: int | None = None,
        programme: str | None = None,
    ) -> Scenario:
        """The calibrated scenario of ``district`` for one draw, on the calibration's calendar."""
        name = district or self.districts[0]
        if name not in self.problem.districts:
            raise ValueError(f"unknown district {name!r} (calibrated: {', '.join(self.districts)})")
        return scenario_for(
            self.problem.districts[name],
            values,
            district=name,
            calendar=self.problem.calendar,
            until_year=until_year or self.problem.targets.last_year,
            programme=programme,
        )

    def scenarios(
        self,
        n: int,
        rng: RNGLike | np.random.Generator = None,
        *,
        district: str | None = None,
        until_year: int | None = None,
        programme: str | None = None,
    ) -> list[Scenario]:
        """``n`` calibrated scenarios of ``district`` (default the first), one per posterior draw."""
        draws = self.sample(n, rng)
        return [
            self.scenario(row, district=district, until_year=until_year, programme=programme)
            for row in draws.to_dict("records")
        ]

    def discrepancy(self, technology: str, year: int) -> float:
        """The proxy discrepancy sd (log scale) of a figure for ``technology`` in ``year``."""
        indicators = self.problem.targets.frame.indicator[self.problem.targets.frame.technology == technology]
        base = max((discrepancy_sd(i) for i in indicators), default=discrepancy_sd(""))
        beyond = max(0, year - self.problem.targets.last_year)
        return math.hypot(base, DRIFT_PER_YEAR * beyond)

    def predict(
        self,
        technology: str,
        year: int,
        by: str = "size_class",
        *,
        draws: int = 100,
        rng: RNGLike | np.random.Generator = 0,
        district: str | None = None,
    ) -> pd.DataFrame:
        """Predicted adoption share of ``technology`` in ``year``: mean and 90% predictive interval.

        One row per size class (``by="size_class"``) or one for all firms (``by="all"``),
        per district. Columns: district, technology, year, size_class, mean, low, high
        (shares 0-1), parameter_low/high (the 90% interval of the district share from
        parameter uncertainty and simulation noise only), discrepancy_sd, in_fit (whether
        the targets had that technology and year), last_fitted_year (the targets' last
        year), years_beyond_fit and extrapolated (the year is after every fitted year: no
        data constrained it, and the interval carries the drift term on top of the proxy
        discrepancy).
        """
        if by not in ("size_class", "all"):
            raise ValueError(f"by must be 'size_class' or 'all', got {by!r}")
        if year <= self.problem.calendar.start_year:
            raise ValueError(
                f"year {year} is not after the calibration's start ({self.problem.calendar.start_year})"
            )
        if year > self.problem.calendar.start_year + 90:
            raise ValueError(f"year {year} is too far beyond the calibration's start")
        districts = [district] if district else list(self.districts)
        first = self.problem.districts.get(districts[0])
        if first is None:
            raise ValueError(f"unknown district {districts[0]!r} (calibrated: {', '.join(self.districts)})")
        if technology != RTI and technology not in first.technology_names:
            raise ValueError(
                f"unknown technology {technology!r} (known: {', '.join(first.technology_names)})"
            )
        sizes = list(SIZE_CLASSES) if by == "size_class" else [ALL_SIZES]
        rows = pd.DataFrame({"technology": technology, "year": year, "size_class": sizes})
        generator = _generator(rng)
        parameter_draws = self.sample(draws, generator)
        sd = self.discrepancy(technology, year)
        fitted = self.problem.targets.frame
        in_fit = bool(((fitted.technology == technology) & (fitted.year == year)).any())
        tail = (1 - INTERVAL) / 2
        out = []
        for name in districts:
            simulated = np.empty((draws, len(sizes)))
            for i, values in enumerate(parameter_draws.to_dict("records")):
                scenario = self.scenario(
                    values, district=name, until_year=max(year, self.problem.targets.last_year)
                )
                seed = np.random.SeedSequence(int(generator.integers(2**63)))
                simulated[i] = simulate_shares(scenario, rows, self.problem.calendar, seed, 1)
            predictive = np.clip(simulated * np.exp(generator.normal(0.0, sd, simulated.shape)), 0.0, 1.0)
            for j, size in enumerate(sizes):
                out.append(
                    {
                        "district": name,
                        "technology": technology,
                        "year": year,
                        "size_class": size,
                        "mean": float(np.nanmean(predictive[:, j])),
                        "low": float(np.nanquantile(predictive[:, j], tail)),
                        "high": float(np.nanquantile(predictive[:, j], 1 - tail)),
                        "parameter_low": float(np.nanquantile(simulated[:, j], tail)),
                        "parameter_high": float(np.nanquantile(simulated[:, j], 1 - tail)),
                        "discrepancy_sd": sd,
                        "in_fit": in_fit,
                        "last_fitted_year": self.problem.targets.last_year,
                        "years_beyond_fit": max(0, year - self.problem.targets.last_year),
                        "extrapolated": year > self.problem.targets.last_year,
                    }
                )
        return pd.DataFrame(out)


__all__ = ["INTERVAL", "Posterior"]
