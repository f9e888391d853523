"""The policy comparison under the posterior: how sure is (place-based minus generic)?

Two kinds of uncertainty are kept apart:

* **simulation noise**: for one parameter draw, the paired replications (common random
  numbers: same firms, networks and thresholds under both programmes) give a mean
  difference and its standard error; this is what the tool's ordinary 95% CIs show;
* **parameter uncertainty**: the spread of that mean difference across posterior draws.

Three comparisons, each paired within a draw: place-based minus generic at the documented
budgets, the same at equal realised public spend, and the tailoring premium (the district's
own design minus the best design transplanted from another district), the last two with
the falsification suite's functions (:mod:`districtlab.experiments.audit`,
:mod:`districtlab.experiments.spend`).

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
from numpy.typing import NDArray

from districtlab._rng import RNGLike
from districtlab.calibration.posterior import Posterior, _generator
from districtlab.config import Programme

#: Programmes compared: the difference is first minus second.
PLACE_BASED, GENERIC = "place-based", "generic"
#: End of the policy horizon: the presets' ten years from January 2016.
POLICY_UNTIL_YEAR = 2026


#: The comparisons made under the posterior, each a paired difference per draw.
COMPARISONS = ("place_based_minus_generic", "equal_spend", "tailoring_premium")


def _differences(result: object, first: str, second: str, outcome: str) -> NDArray[np.float64]:
    table = result.outcomes().pivot(index="replication", columns="scenario", values=outcome)  # type: ignore[attr-defined]
    return (table[first] - table[second]).to_numpy(dtype=float)


def _mean_se(differences: NDArray[np.float64]) -> tuple[float, float]:
    se = float(differences.std(ddof=1) / np.sqrt(len(differences))) if len(differences) > 1 else float("nan")
    return float(differences.mean()), se


def _foreign_designs(posterior: Posterior, district: str) -> dict[str, Programme]:
    """The documented place-based designs of the other presets (for the tailoring premium)."""
    from districtlab.experiments.audit import documented_designs
    from districtlab.presets import list_presets, load_scenario

    return {
        name: documented_designs(load_scenario(name))[0]
        for name in list_presets()
        if name != district and name != posterior.problem.districts[district].name
    }


def _comparisons(
    posterior: Posterior,
    values: dict[str, float],
    district: str,
    outcome: str,
    replications: int,
    seed: int,
    comparisons: tuple[str, ...],
) -> dict[str, tuple[float, float]]:
    """Mean and simulation standard error of each comparison for one posterior draw (paired runs)."""
    from districtlab.experiments import run_scenarios
    from districtlab.experiments.audit import documented_designs, transplanted, with_programme
    from districtlab.experiments.spend import match_spend

    calibrated = posterior.scenario(values, district=district, until_year=POLICY_UNTIL_YEAR)
    place, generic = calibrated.with_programme(PLACE_BASED), calibrated.with_programme(GENERIC)
    out: dict[str, tuple[float, float]] = {}
    if "place_based_minus_generic" in comparisons:
        result = run_scenarios({PLACE_BASED: place, GENERIC: generic}, replications=replications, rng=seed)
        out["place_based_minus_generic"] = _mean_se(_differences(result, PLACE_BASED, GENERIC, outcome))
    if "equal_spend" in comparisons:
        match = match_spend(place, generic, replications=replications, rng=seed)
        result = run_scenarios(
            {PLACE_BASED: match.matched_first, GENERIC: match.matched_second},
            replications=replications,
            rng=seed,
        )
        out["equal_spend"] = _mean_se(_differences(result, PLACE_BASED, GENERIC, outcome))
    if "tailoring_premium" in comparisons:
        native = documented_designs(calibrated)[0]
        scenarios = {"native": with_programme(calibrated, native)}
        for name, design in _foreign_designs(posterior, district).items():
            scenarios[name] = with_programme(calibrated, transplanted(design, native))
        result = run_scenarios(scenarios, replications=replications, rng=seed)
        foreign = [name for name in scenarios if name != "native"]
        table = result.outcomes().pivot(index="replication", columns="scenario", values=outcome)
        best = max(
            foreign, key=lambda name: float(table[name].mean())
        )  # as the audit: the best foreign by mean
        out["tailoring_premium"] = _mean_se((table["native"] - table[best]).to_numpy(dtype=float))
    return out


@dataclass(frozen=True)
class PolicyUnderPosterior:
    """Per district, comparison and posterior draw: the paired mean difference and its simulation se."""

    draws: pd.DataFrame  # district, comparison, draw, difference, se, plus the draw's parameter values
    outcome: str
    replications: int

    def summary(self) -> pd.DataFrame:
        """Per district and comparison: mean difference, its 90% interval over draws (parameter
        uncertainty), the mean simulation-noise 95% half-width within a draw, and the probability
        that the difference is positive (place-based beats generic; native beats transplanted)."""
        rows = []
        for (district, comparison), group in self.draws.groupby(["district", "comparison"], sort=False):
            d = group.difference.to_numpy()
            rows.append(
                {
                    "district": district,
                    "comparison": comparison,
                    "outcome": self.outcome,
                    "draws": len(d),
                    "replications_per_draw": self.replications,
                    "mean_difference": float(d.mean()),
                    "parameter_low": float(np.quantile(d, 0.05)),
                    "parameter_high": float(np.quantile(d, 0.95)),
                    "noise_half_width": float(1.96 * np.nanmean(group.se.to_numpy())),
                    "probability_positive": float(np.mean(d > 0)),
                }
            )
        return pd.DataFrame(rows)


def policy_under_posterior(
    posterior: Posterior,
    *,
    draws: int = 30,
    replications: int = 10,
    outcome: str = "firms_adopting",
    comparisons: tuple[str, ...] = COMPARISONS,
    rng: RNGLike = 0,
) -> PolicyUnderPosterior:
    """Each comparison of ``outcome`` for ``draws`` posterior draws in every calibrated district.

    ``place_based_minus_generic``: the documented designs at their documented budgets;
    ``equal_spend``: the same at equal realised public spend (``experiments.spend.match_spend``);
    ``tailoring_premium``: the district's own place-based design minus the best of the other
    presets' place-based designs transplanted into it (``experiments.audit``).
    """
    if draws < 2 or replications < 2:
        raise ValueError("draws and replications must be at least 2")
    unknown = [c for c in comparisons if c not in COMPARISONS]
    if unknown:
        raise ValueError(f"unknown comparison(s) {', '.join(unknown)} (known: {', '.join(COMPARISONS)})")
    generator = _generator(rng)
    parameter_draws = posterior.sample(draws, generator)
    rows: list[dict[str, object]] = []
    for district in posterior.districts:
        for index, values in enumerate(parameter_draws.to_dict("records")):
            seed = int(generator.integers(2**63))
            results = _comparisons(posterior, values, district, outcome, replications, seed, comparisons)
            rows.extend(
                {
                    "district": district,
                    "comparison": name,
                    "draw": index,
                    "difference": mean,
                    "se": se,
                    **values,
                }
                for name, (mean, se) in results.items()
            )
    return PolicyUnderPosterior(pd.DataFrame(rows), outcome, replications)


def sobol_indices(
    posterior: Posterior,
    *,
    district: str | None = None,
    base_samples: int = 16,
    replications: int = 2,
    outcome: str = "firms_adopting",
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
            _comparisons(
                posterior,
                dict(zip(names, map(float, point), strict=True)),
                name,
                outcome,
                replications,
                int(generator.integers(2**63)),
                ("place_based_minus_generic",),
            )["place_based_minus_generic"][0]
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


__all__ = ["COMPARISONS", "PolicyUnderPosterior", "policy_under_posterior", "sobol_indices"]
