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
from districtlab.calibration.bias import IndicatorBias, estimate_bias, official_samples, prior_samples
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

    def simulate_rows(
        self,
        rows: pd.DataFrame,
        *,
        draws: int,
        generator: np.random.Generator,
        district: str,
    ) -> tuple[pd.DataFrame, np.ndarray]:
        """District shares of target-like ``rows`` (technology, year, size_class) for ``draws`` posterior draws.

        Returns the parameter draws and a (draws, len(rows)) array; each draw is one run
        with its own seed, so the columns of a row are paired across rows.
        """
        parameter_draws = self.sample(draws, generator)
        horizon = max(int(rows.year.max()), self.problem.targets.last_year)
        simulated = np.empty((draws, len(rows)))
        for i, values in enumerate(parameter_draws.to_dict("records")):
            scenario = self.scenario(values, district=district, until_year=horizon)
            seed = np.random.SeedSequence(int(generator.integers(2**63)))
            simulated[i] = simulate_shares(scenario, rows, self.problem.calendar, seed, 1)
        return parameter_draws, simulated

    def fitted_rows(self, technology: str) -> pd.DataFrame:
        """The fitted figures (weight > 0) of ``technology``: what the per-indicator bias is estimated from."""
        frame = self.problem.targets.frame
        rows = frame[(frame.technology == technology) & (frame.weight > 0)]
        return rows[["technology", "indicator", "year", "size_class", "value"]].reset_index(drop=True)

    def predict(
        self,
        technology: str,
        year: int,
        by: str = "size_class",
        *,
        draws: int = 100,
        rng: RNGLike | np.random.Generator = 0,
        district: str | None = None,
        indicator: str | None = None,
        per_indicator: bool = False,
    ) -> pd.DataFrame:
        """Predicted official figure of ``technology`` in ``year``: mean and 90% predictive interval.

        The district share of each posterior draw (parameter uncertainty and simulation
        noise) is turned into the figure an official indicator would report with the
        indicator's bias (:mod:`districtlab.calibration.bias`: a log-scale offset per
        indicator and size class, estimated *after* the fit from the same fitted figures,
        with its uncertainty over draws and fitted years), the year-to-year residual
        discrepancy and, after the indicator's own last fitted figure, the drift
        (:data:`~districtlab.calibration.priors.DRIFT_PER_YEAR` per year).

        ``indicator``: predict that indicator's figure (it must target ``technology``);
        rows for size classes it has no figure for have NaN mean/low/high and
        ``basis = "not covered"``. Without one, each row is the equal-weight *mixture*
        of the predictive distributions of every indicator mapped to ``technology`` that
        covers the row's size class, so the interval is honest for any of them (the
        ``indicators`` column lists them); a row no indicator covers (or a technology
        without targets) falls back to the district share with the prior proxy
        discrepancy (``basis = "prior discrepancy"``). ``per_indicator``: also return
        one row per indicator and size class (from the same draws) after the mixture rows.

        One row per size class (``by="size_class"``) or one for all firms (``by="all"``),
        per district. Columns: district, technology, indicator (``"any mapped"`` for a
        mixture), indicators, basis, year, size_class, mean, low, high (shares 0-1),
        share_mean, parameter_low/high (the district share's 90% interval from parameter
        uncertainty and simulation noise only), bias_factor (exp of the mean log bias),
        discrepancy_sd (log-scale sd added to the share: residual and drift), in_fit
        (the targets had that technology, indicator and year), last_fitted_year,
        years_beyond_fit and extrapolated.
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
        fitted = self.fitted_rows(technology)
        mapped = tuple(sorted(set(fitted.indicator)))
        if indicator is not None and indicator not in mapped:
            raise ValueError(
                f"indicator {indicator!r} is not fitted to {technology} "
                f"(fitted: {', '.join(mapped) or 'none'})"
            )
        sizes = list(SIZE_CLASSES) if by == "size_class" else [ALL_SIZES]
        wanted = pd.DataFrame({"technology": technology, "year": year, "size_class": sizes})
        rows = pd.concat([wanted, fitted[["technology", "year", "size_class"]]], ignore_index=True)
        generator = _generator(rng)
        last = self.problem.targets.last_year
        beyond = max(0, year - last)
        prior_sd = self.discrepancy(technology, year)
        tail = (1 - INTERVAL) / 2
        shown = [indicator] if indicator else list(mapped)

        def in_fit_years(indicators: tuple[str, ...]) -> set[int]:
            frame = self.problem.targets.frame
            chosen = frame[(frame.technology == technology) & frame.indicator.isin(indicators)]
            return (
                {int(y) for y in chosen.year}
                if indicators
                else {int(y) for y in frame.year[frame.technology == technology]}
            )

        out = []
        for name in districts:
            _, simulated = self.simulate_rows(rows, draws=draws, generator=generator, district=name)
            biases = estimate_bias(fitted, simulated[:, len(sizes) :]) if len(fitted) else {}
            for j, size in enumerate(sizes):
                share = simulated[:, j]
                by_indicator: dict[str, np.ndarray] = {}
                for key in shown:
                    # drift from the indicator's own last figure: its bias says nothing about later years
                    since = max(0, year - biases[key].last_year)
                    samples = official_samples(share, biases[key], size, since, generator)
                    if samples is not None:
                        by_indicator[key] = samples
                common = {
                    "district": name,
                    "technology": technology,
                    "year": year,
                    "size_class": size,
                    "share_mean": float(np.nanmean(share)),
                    "parameter_low": float(np.nanquantile(share, tail)),
                    "parameter_high": float(np.nanquantile(share, 1 - tail)),
                    "last_fitted_year": last,
                    "years_beyond_fit": beyond,
                    "extrapolated": year > last,
                }

                def row(
                    label: str,
                    covering: list[str],
                    basis: str,
                    samples: np.ndarray | None,
                    common: dict[str, object] = common,
                    biases: dict[str, IndicatorBias] = biases,
                    size: str = size,
                ) -> dict[str, object]:
                    about = mapped if label == ANY_INDICATOR else (label,)
                    sds = [
                        math.hypot(
                            biases[k].shrunk_sd()[0] * math.sqrt(1 + 1 / biases[k].years[size]),
                            DRIFT_PER_YEAR * max(0, year - biases[k].last_year),
                        )
                        for k in covering
                    ]
                    factors = [float(np.exp(np.mean(biases[k].bias[size]))) for k in covering]
                    nan = math.nan
                    return {
                        **common,
                        "indicator": label,
                        "indicators": "|".join(covering),
                        "basis": basis,
                        "mean": float(np.nanmean(samples)) if samples is not None else nan,
                        "low": float(np.nanquantile(samples, tail)) if samples is not None else nan,
                        "high": float(np.nanquantile(samples, 1 - tail)) if samples is not None else nan,
                        "bias_factor": factors[0] if len(factors) == 1 else nan,
                        "discrepancy_sd": max(sds) if sds else (prior_sd if basis == PRIOR_BASIS else nan),
                        "in_fit": year in in_fit_years(about),
                    }

                def single(key: str, by_indicator: dict[str, np.ndarray] = by_indicator) -> dict[str, object]:
                    samples = by_indicator.get(key)
                    if samples is None:
                        return row(key, [], NOT_COVERED, None)
                    return row(key, [key], BIAS_BASIS, samples)

                if indicator is not None:
                    out.append(single(indicator))
                    continue
                if by_indicator:
                    mixture = np.concatenate(list(by_indicator.values()))
                    basis = BIAS_BASIS if len(by_indicator) == 1 else MIXTURE_BASIS
                    out.append(row(ANY_INDICATOR, list(by_indicator), basis, mixture))
                else:
                    out.append(row(ANY_INDICATOR, [], PRIOR_BASIS, prior_samples(share, prior_sd, generator)))
                if per_indicator and len(shown) > 1:
                    out.extend(single(key) for key in shown)
        columns = [
            "district",
            "technology",
            "indicator",
            "indicators",
            "basis",
            "year",
            "size_class",
            "mean",
            "low",
            "high",
            "share_mean",
            "parameter_low",
            "parameter_high",
            "bias_factor",
            "discrepancy_sd",
            "in_fit",
            "last_fitted_year",
            "years_beyond_fit",
            "extrapolated",
        ]
        return pd.DataFrame(out)[columns]

    def indicator_bias(
        self,
        technology: str,
        *,
        draws: int = 100,
        rng: RNGLike | np.random.Generator = 0,
        district: str | None = None,
    ) -> pd.DataFrame:
        """The estimated bias of every indicator fitted to ``technology`` (see :mod:`districtlab.calibration.bias`)."""
        fitted = self.fitted_rows(technology)
        if fitted.empty:
            return pd.DataFrame()
        generator = _generator(rng)
        frames = []
        for name in [district] if district else list(self.districts):
            _, simulated = self.simulate_rows(fitted, draws=draws, generator=generator, district=name)
            for bias in estimate_bias(fitted, simulated).values():
                frame = bias.summary()
                frame.insert(0, "district", name)
                frames.append(frame)
        return pd.concat(frames, ignore_index=True)


#: ``indicator`` of a row that mixes every indicator mapped to the technology.
ANY_INDICATOR = "any mapped"
#: ``basis`` values of a prediction row.
BIAS_BASIS = "indicator bias"
MIXTURE_BASIS = "mixture of indicators"
PRIOR_BASIS = "prior discrepancy"
NOT_COVERED = "not covered"


__all__ = ["ANY_INDICATOR", "INTERVAL", "Posterior"]
