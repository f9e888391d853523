"""Per-indicator bias: how an official figure relates to the district share, estimated after the fit.

Pure computation (arrays in, arrays out). :meth:`districtlab.calibration.Posterior.predict`
and :func:`districtlab.calibration.checks.time_split` use it.

Several official indicators can target one technology at different levels (Eurostat's robots
of *all* activities and INE's robots of *industry* both target ``robotics``). The fit
compromises between them, so the district share is the wrong centre for either. For each
indicator ``i`` and size class ``s`` this module estimates a log-scale bias, an empirical
Kennedy-O'Hagan-style discrepancy (Kennedy & O'Hagan 2001, estimated after the fit rather
than jointly with it)::

    log(v_isy + c) = log(m_sy + c) + b_is + e_isy,   e_isy ~ N(0, sigma_i^2)

``v`` the official figure, ``m`` the simulated district share of one posterior draw,
``c`` = :data:`~districtlab.calibration.simulator.LOG_OFFSET`. Per draw ``k``, ``b_is`` is the
mean of the log residuals over the fitted years; ``sigma_i`` (what is left year to year)
pools the indicator's size classes and is shrunk towards the prior proxy discrepancy
(:func:`~districtlab.calibration.priors.discrepancy_sd`) with :data:`PRIOR_DF` pseudo
degrees of freedom, and drawn from its scaled-inverse-chi-square posterior, so that an
indicator with few years gets t-like tails. A predicted figure is then
``exp(log(m + c) + b + N(0, sigma^2 (1 + 1/n)) + N(0, (drift * years beyond)^2)) - c``.

**Post hoc.** The bias reuses the data the parameters were fitted to: it is not a joint
posterior, the fitted figures count twice (once for the parameters, once for the bias), and
its uncertainty at the fitted years is optimistic. Years after the fit carry the drift term;
:func:`~districtlab.calibration.checks.time_split` measures whether the intervals hold for
a year the bias never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from districtlab.calibration.priors import DRIFT_PER_YEAR, discrepancy_sd
from districtlab.calibration.simulator import LOG_OFFSET

#: Pseudo degrees of freedom of the prior proxy discrepancy in the residual sd: the data
#: outweigh it once an indicator has a few repeated years.
PRIOR_DF = 2.0
#: Noise samples per posterior draw in a predictive distribution.
SAMPLES_PER_DRAW = 20


@dataclass(frozen=True)
class IndicatorBias:
    """The bias of one indicator, per draw, for the size classes it has figures for.

    ``bias``: size class -> array (draws,) of the mean log residual over its fitted years;
    ``years``: size class -> number of fitted years; ``residual_sd``: the pooled
    year-to-year sd of the log residuals (posterior-mean residuals) and ``df`` its degrees
    of freedom before the prior; ``last_year``: the indicator's last fitted year.
    """

    indicator: str
    bias: dict[str, NDArray[np.float64]]
    years: dict[str, int]
    residual_sd: float
    df: int
    last_year: int

    @property
    def size_classes(self) -> tuple[str, ...]:
        return tuple(self.bias)

    def shrunk_sd(self) -> tuple[float, float]:
        """Scale and degrees of freedom of sigma's scaled-inverse-chi-square posterior."""
        prior = discrepancy_sd(self.indicator)
        nu = PRIOR_DF + self.df
        scale2 = (PRIOR_DF * prior**2 + self.df * self.residual_sd**2) / nu
        return float(np.sqrt(scale2)), nu

    def summary(self) -> pd.DataFrame:
        """Per size class: bias mean and 90% interval over draws, years, residual sd (log scale)."""
        sd, _ = self.shrunk_sd()
        rows = []
        for size, values in self.bias.items():
            rows.append(
                {
                    "indicator": self.indicator,
                    "size_class": size,
                    "bias_mean": float(np.mean(values)),
                    "bias_low": float(np.quantile(values, 0.05)),
                    "bias_high": float(np.quantile(values, 0.95)),
                    "factor": float(np.exp(np.mean(values))),
                    "fitted_years": self.years[size],
                    "residual_sd": self.residual_sd,
                    "residual_df": self.df,
                    "sigma_used": sd,
                }
            )
        return pd.DataFrame(rows)


def estimate_bias(fitted: pd.DataFrame, simulated: NDArray[np.float64]) -> dict[str, IndicatorBias]:
    """The bias of every indicator in ``fitted`` (rows: indicator, year, size_class, value).

    ``simulated``: (draws, len(fitted)) district shares of the same rows, one row of the
    array per posterior draw.
    """
    fitted = fitted.reset_index(drop=True)
    residuals = np.log(fitted.value.to_numpy(dtype=float) + LOG_OFFSET)[None, :] - np.log(
        np.nan_to_num(simulated, nan=0.0) + LOG_OFFSET
    )
    out: dict[str, IndicatorBias] = {}
    for indicator, rows in fitted.groupby("indicator", sort=True):
        bias: dict[str, NDArray[np.float64]] = {}
        years: dict[str, int] = {}
        squares = 0.0
        df = 0
        for size, group in rows.groupby("size_class", sort=False):
            index = group.index.to_numpy()
            bias[str(size)] = residuals[:, index].mean(axis=1)
            years[str(size)] = len(index)
            central = residuals[:, index].mean(axis=0)  # posterior-mean residual per fitted year
            squares += float(np.sum((central - central.mean()) ** 2))
            df += len(index) - 1
        out[str(indicator)] = IndicatorBias(
            indicator=str(indicator),
            bias=bias,
            years=years,
            residual_sd=float(np.sqrt(squares / df)) if df else 0.0,
            df=df,
            last_year=int(rows.year.max()),
        )
    return out


def official_samples(
    share: NDArray[np.float64],
    bias: IndicatorBias,
    size_class: str,
    years_beyond: int,
    generator: np.random.Generator,
    samples_per_draw: int = SAMPLES_PER_DRAW,
) -> NDArray[np.float64] | None:
    """Predictive samples of the indicator's figure for ``size_class`` (shares 0-1), or None.

    ``share``: (draws,) simulated district shares, paired with the draws of ``bias``. None
    when the indicator has no figure for that size class (its bias there is unknown).
    """
    if size_class not in bias.bias:
        return None
    draws = len(share)
    scale, nu = bias.shrunk_sd()
    sigma = scale * np.sqrt(nu / generator.chisquare(nu, size=(draws, samples_per_draw)))
    n = bias.years[size_class]
    noise = generator.standard_normal((draws, samples_per_draw)) * sigma * np.sqrt(1.0 + 1.0 / n)
    drift = generator.standard_normal((draws, samples_per_draw)) * DRIFT_PER_YEAR * max(0, years_beyond)
    centre = np.log(np.nan_to_num(share, nan=0.0) + LOG_OFFSET) + bias.bias[size_class]
    return np.clip(np.exp(centre[:, None] + noise + drift) - LOG_OFFSET, 0.0, 1.0).ravel()


def prior_samples(
    share: NDArray[np.float64],
    sd: float,
    generator: np.random.Generator,
    samples_per_draw: int = SAMPLES_PER_DRAW,
) -> NDArray[np.float64]:
    """Samples of ``share × exp(N(0, sd²))``: the prior proxy discrepancy, no bias (no figure to estimate one)."""
    noise = generator.normal(0.0, sd, (len(share), samples_per_draw))
    return np.clip(np.asarray(share)[:, None] * np.exp(noise), 0.0, 1.0).ravel()


__all__ = [
    "PRIOR_DF",
    "SAMPLES_PER_DRAW",
    "IndicatorBias",
    "estimate_bias",
    "official_samples",
    "prior_samples",
]
