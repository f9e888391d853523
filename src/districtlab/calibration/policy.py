"""The policy comparison under the posterior: how sure is (place-based minus generic)?

Two kinds of uncertainty are kept apart:

* **simulation noise**: for one parameter draw, the paired replications (common random
  numbers: same firms, networks and thresholds under both programmes) give a mean
  difference and its standard error; this is what the tool's ordinary 95% CIs show;
* **parameter uncertainty**: the spread of that mean difference across posterior draws.

``P(place-based beats generic)`` is the share of posterior draws whose paired mean
difference is positive (parameter uncertainty, with each draw's mean estimated from
its replications). Sobol' indices (SALib, Saltelli sampling) say which uncertain
parameters move the difference, over the box of their posterior 5-95% ranges (Sobol'
needs independent inputs; the box ignores the posterior's correlations: a stated
simplification).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from districtlab._rng import RNGLike
from districtlab.calibration.posterior import Posterior, _generator

#: Programmes compared: the difference is first minus second.
PLACE_BASED, GENERIC = "place-based", "generic"
#: End of the policy horizon: the presets' ten years from January 2016.
POLICY_UNTIL_YEAR = 2026


def _paired_difference(
    posterior: Posterior, values: dict[str, float], district: str, outcome: str, replications: int, seed: int
) -> tuple[float, float]:
    """Mean and standard error of (place-based minus generic) over paired replications for one draw."""
    from districtlab.experiments import run_scenarios

    scenarios = {
        name: posterior.scenario(values, district=district, until_year=POLICY_UNTIL_YEAR, programme=name)
        for name in (PLACE_BASED, GENERIC)
    }
    result = run_scenarios(scenarios, replications=replications, rng=seed)
    table = result.outcomes().pivot(index="replication", columns="scenario", values=outcome)
    differences = (table[PLACE_BASED] - table[GENERIC]).to_numpy(dtype=float)
    se = float(differences.std(ddof=1) / np.sqrt(len(differences))) if len(differences) > 1 else float("nan")
    return float(differences.mean()), se


@dataclass(frozen=True)
class PolicyUnderPosterior:
    """Per district and posterior draw: the paired mean difference and its simulation standard error."""

    draws: pd.DataFrame  # district, draw, difference, se, plus the draw's parameter values
    outcome: str
    replications: int

    def summary(self) -> pd.DataFrame:
        """Per district: mean difference, its 90% interval over draws (parameter uncertainty),
        the mean simulation-noise 95% half-width within a draw, and P(place-based beats generic)."""
        rows = []
        for district, group in self.draws.groupby("district", sort=False):
            d = group.difference.to_numpy()
            rows.append(
                {
                    "district": district,
                    "outcome": self.outcome,
                    "draws": len(d),
                    "replications_per_draw": self.replications,
                    "mean_difference": float(d.mean()),
                    "parameter_low": float(np.quantile(d, 0.05)),
                    "parameter_high": float(np.quantile(d, 0.95)),
                    "noise_half_width": float(1.96 * np.nanmean(group.se.to_numpy())),
                    "p_place_based_beats_generic": float(np.mean(d > 0)),
                }
            )
        return pd.DataFrame(rows)


def policy_under_posterior(
    posterior: Posterior,
    *,
    draws: int = 30,
    replications: int = 10,
    outcome: str = "new_adopters",
    rng: RNGLike = 0,
) -> PolicyUnderPosterior:
    """(place-based minus generic) of ``outcome`` for ``draws`` posterior draws in every district."""
    if draws < 2 or replications < 2:
        raise ValueError("draws and replications must be at least 2")
    generator = _generator(rng)
    parameter_draws = posterior.sample(draws, generator)
    rows = []
    for district in posterior.districts:
        for index, values in enumerate(parameter_draws.to_dict("records")):
            mean, se = _paired_difference(
                posterior, values, district, outcome, replications, int(generator.integers(2**63))
            )
            rows.append({"district": district, "draw": index, "difference": mean, "se": se, **values})
    return PolicyUnderPosterior(pd.DataFrame(rows), outcome, replications)


def sobol_indices(
    posterior: Posterior,
    *,
    district: str | None = None,
    base_samples: int = 16,
    replications: int = 2,
    outcome: str = "new_adopters",
    rng: RNGLike = 0,
) -> pd.DataFrame:
    """First-order and total Sobol' indices of (place-based minus generic) over the posterior box.

    Costs ``base_samples * (2 D + 2)`` paired comparisons (D parameters). Columns:
    parameter, S1, S1_conf, ST, ST_conf (95% bootstrap half-widths from SALib).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    name = district or posterior.districts[0]
    priors = {p.name: p for p in posterior.problem.priors}
    names = [n for n in posterior.parameters.columns if n in priors]
    summary = posterior.summary().set_index("parameter")
    bounds = []
    for n in names:
        low, high = summary.loc[n, "low"], summary.loc[n, "high"]
        if not high > low:
            high = low * 1.001 + 1e-9
        bounds.append([float(low), float(high)])
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    generator = _generator(rng)
    points = sobol_sample.sample(
        problem, base_samples, calc_second_order=False, seed=int(generator.integers(2**31))
    )
    outputs = np.array(
        [
            _paired_difference(
                posterior,
                dict(zip(names, map(float, point), strict=True)),
                name,
                outcome,
                replications,
                int(generator.integers(2**63)),
            )[0]
            for point in points
        ]
    )
    indices = sobol_analyze.analyze(
        problem, outputs, calc_second_order=False, print_to_console=False, seed=int(generator.integers(2**31))
    )
    return pd.DataFrame(
        {
            "parameter": names,
            "S1": indices["S1"],
            "S1_conf": indices["S1_conf"],
            "ST": indices["ST"],
            "ST_conf": indices["ST_conf"],
        }
    )


__all__ = ["PolicyUnderPosterior", "policy_under_posterior", "sobol_indices"]
