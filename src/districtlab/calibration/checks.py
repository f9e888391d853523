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
from districtlab.calibration.bias import estimate_bias, official_samples, prior_samples
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


def time_split(
    posterior: Posterior, *, draws: int = 100, rng: RNGLike | np.random.Generator = 0
) -> pd.DataFrame:
    """Hold out the last fitted year: estimate the indicator bias on the earlier years, predict that year.

    For every fitted figure of the targets' last year whose indicator and size class also
    have an earlier fitted figure, the bias (:mod:`districtlab.calibration.bias`) is
    estimated from the earlier years only and the held-out figure is predicted as unseen
    (with the drift for the years since the indicator's last earlier figure), next to the
    prior-discrepancy interval without a bias (``prior_low``/``prior_high``) for comparison.

    The parameters were still fitted to every year (a calibration per split would cost a
    whole calibration): the check tests the bias and the interval around it, not the
    parameters. Columns: district, technology, indicator, year, size_class, value, mean,
    low, high, covered, trained_until, prior_low, prior_high, prior_covered.
    """
    generator = _generator(rng)
    frame = posterior.problem.targets.frame
    fitted = frame[(frame.weight > 0) & (frame.technology != "rti")]
    held_year = int(fitted.year.max())
    tail = (1 - INTERVAL) / 2
    out = []
    for technology in sorted(set(fitted.technology)):
        rows = fitted[fitted.technology == technology].reset_index(drop=True)
        train = rows[rows.year < held_year]
        held = rows[rows.year == held_year]
        testable = [
            i
            for i, r in held.iterrows()
            if ((train.indicator == r.indicator) & (train.size_class == r.size_class)).any()
        ]
        if not testable:
            continue
        for district in posterior.districts:
            _, simulated = posterior.simulate_rows(rows, draws=draws, generator=generator, district=district)
            biases = estimate_bias(train, simulated[:, train.index.to_numpy()])
            for i in testable:
                r = rows.loc[i]
                bias = biases[r.indicator]
                samples = official_samples(
                    simulated[:, i], bias, r.size_class, held_year - bias.last_year, generator
                )
                assert samples is not None  # testable: the indicator has this size class before
                prior_sd = float(
                    np.hypot(discrepancy_sd(r.indicator), DRIFT_PER_YEAR * (held_year - bias.last_year))
                )
                prior = prior_samples(simulated[:, i], prior_sd, generator)
                low, high = np.quantile(samples, [tail, 1 - tail])
                prior_low, prior_high = np.quantile(prior, [tail, 1 - tail])
                out.append(
                    {
                        "district": district,
                        "technology": technology,
                        "indicator": r.indicator,
                        "year": held_year,
                        "size_class": r.size_class,
                        "value": float(r.value),
                        "mean": float(np.mean(samples)),
                        "low": float(low),
                        "high": float(high),
                        "covered": bool(low <= r.value <= high),
                        "trained_until": bias.last_year,
                        "prior_low": float(prior_low),
                        "prior_high": float(prior_high),
                        "prior_covered": bool(prior_low <= r.value <= prior_high),
                    }
                )
    return pd.DataFrame(out)


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


def trend_misfit(
    check: pd.DataFrame, *, indicator: str = "eurostat_e_rbt", first: int = 2018, last: int = 2020
) -> pd.DataFrame:
    """Observed against predicted change of one indicator between two years, per district and size class.

    The robot plateau: Spain's robot figures fall from 2018 to 2020, and the model, which has no
    abandonment of an adopted technology, cannot make district adoption fall. ``check`` is a
    posterior predictive check (:func:`posterior_predictive_check`). Columns: district, size_class,
    observed_first/last, predicted_first/last (posterior predictive means), observed_change and
    predicted_change (percentage points), covered_last (the last year's figure inside its 90% interval).
    """
    rows = []
    part = check[check.indicator == indicator]
    for (district, size), group in part.groupby(["district", "size_class"], sort=False):
        by_year = group.set_index("year")
        if first not in by_year.index or last not in by_year.index:
            continue
        a, b = by_year.loc[first], by_year.loc[last]
        rows.append(
            {
                "district": district,
                "indicator": indicator,
                "size_class": size,
                "observed_first": float(a["value"]),
                "observed_last": float(b["value"]),
                "predicted_first": float(a["mean"]),
                "predicted_last": float(b["mean"]),
                "observed_change": 100 * float(b["value"] - a["value"]),
                "predicted_change": 100 * float(b["mean"] - a["mean"]),
                "low_last": float(b["low"]),
                "high_last": float(b["high"]),
                "covered_last": bool(b["covered"]),
            }
        )
    return pd.DataFrame(rows)


def trend_sentence(misfit: pd.DataFrame, first: int = 2018, last: int = 2020, language: str = "en") -> str:
    """The misfit in one sentence, with its figures, in ``language`` (size classes as the label catalogue
    names them; the indicator keeps its data set's code)."""
    from districtlab.i18n.labels import label
    from districtlab.i18n.numbers import format_percent, format_signed
    from districtlab.i18n.translate import gettext_for

    if misfit.empty:
        return ""
    _ = gettext_for(language)

    def size(name: str) -> str:
        return _("all sizes") if name == "all" else label(name, language).lower()

    observed = ", ".join(
        f"{size(r.size_class)} {format_signed(r.observed_change, language)}"
        for r in misfit.drop_duplicates("size_class").itertuples()
    )
    predicted = "; ".join(
        f"{district}: "
        + ", ".join(
            f"{size(r.size_class)} {format_signed(r.predicted_change, language)}" for r in group.itertuples()
        )
        for district, group in misfit.groupby("district", sort=False)
    )
    return _(
        "Misfit: {indicator} was flat or fell from {first} to {last} (observed change, percentage points: "
        "{observed}), while the calibrated model's predictive mean rises in {rising} of {rows} district × size "
        "rows ({predicted}): the model has no abandonment of an adopted technology and cannot produce the "
        "plateau. {covered} of {rows} {last} figures still fall inside their {level} predictive intervals, only "
        "because the proxy discrepancy makes those intervals wide."
    ).format(
        indicator=misfit.indicator.iloc[0],
        first=first,
        last=last,
        observed=observed,
        rising=int((misfit.predicted_change > 0).sum()),
        rows=len(misfit),
        predicted=predicted,
        covered=int(misfit.covered_last.sum()),
        level=format_percent(INTERVAL, language, decimals=0),
    )


__all__ = [
    "CrossValidation",
    "leave_one_technology_out",
    "posterior_predictive_check",
    "predictive",
    "recovery",
    "simulated_targets",
    "time_split",
    "trend_misfit",
    "trend_sentence",
]
