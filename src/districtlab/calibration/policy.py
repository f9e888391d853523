"""The policy comparison under the posterior: how sure is (place-based minus generic)?

Two kinds of uncertainty are kept apart, and every table and text names them:

* **simulation noise**: for one parameter draw, the paired replications (common random
  numbers: same firms, networks and thresholds under both programmes) give a mean
  difference and its 95% paired t interval; this is what the tool's ordinary CIs show;
* **parameter uncertainty**: the spread of that mean difference across posterior draws
  (its 5-95% range), and the share of that spread not explained by each draw's own noise
  (:meth:`PolicyUnderPosterior.summary`, ``parameter_share_of_variance``).

Three comparisons, each paired within a draw:

* ``place_based_minus_generic``: the documented designs at their documented budgets;
* ``equal_spend``: the same at equal realised public spend
  (:func:`districtlab.experiments.spend.match_spend`, the falsification suite's rule);
* ``tailoring_premium``: the falsification suite's definition
  (:func:`districtlab.experiments.audit.tailoring_premium`): the district's own place-based
  design minus the best (by mean) of the other presets' place-based designs transplanted
  into it with the host's budget and calendar (:func:`~districtlab.experiments.audit.transplanted`).

``P(> 0)`` is the share of posterior draws whose paired mean difference is positive (for the
first two, P(place-based beats generic); for the premium, P(own design beats the best
transplanted one)). It is an estimate from a finite number of draws, so it carries its own
90% interval (Jeffreys: Beta(k + 1/2, n - k + 1/2) quantiles, k of n draws positive); each
draw's mean is itself estimated from few replications, so simulation noise also blurs it,
which is why the share of draws whose noise interval lies wholly above or below zero is
shown beside it.

Sobol' indices (SALib, Saltelli sampling) say which uncertain parameters move the difference,
over the box of their posterior 5-95% ranges (Sobol' needs independent inputs; the box ignores
the posterior's correlations: a stated simplification). The indices carry SALib's 95%
bootstrap intervals; :func:`sobol_reading` says when they are too wide to rank the parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from districtlab._rng import RNGLike
from districtlab.calibration.posterior import Posterior, _generator
from districtlab.config import Programme, Scenario
from districtlab.i18n.numbers import format_amount, format_percent, format_signed, interval_separator
from districtlab.i18n.translate import N_, gettext_for

#: Programmes compared: the difference is first minus second.
PLACE_BASED, GENERIC = "place-based", "generic"
#: End of the policy horizon: the presets' ten years from January 2016.
POLICY_UNTIL_YEAR = 2026
#: Confidence of the simulation-noise interval within one draw (as the tool's ordinary CIs).
NOISE_CONFIDENCE = 0.95
#: Central interval over posterior draws (parameter uncertainty) and of each probability.
DRAW_INTERVAL = 0.90

#: The comparisons made under the posterior, each a paired difference per draw.
COMPARISONS = ("place_based_minus_generic", "equal_spend", "tailoring_premium")
#: How each comparison is named in texts (message ids: translate with ``gettext_for(language)``).
COMPARISON_NAMES = {
    "place_based_minus_generic": N_("place-based minus generic"),
    "equal_spend": N_("place-based minus generic at equal spend"),
    "tailoring_premium": N_("tailoring premium"),
}
#: How each comparison's P(> 0) reads (message ids).
PROBABILITY_MEANING = {
    "place_based_minus_generic": N_("P(place-based beats generic)"),
    "equal_spend": N_("P(place-based beats generic at equal spend)"),
    "tailoring_premium": N_("P(own design beats the best transplanted one)"),
}


def _outcomes(result: Any, outcome: str) -> pd.DataFrame:
    """Replications x designs of one outcome (replication r of every design shares its seed)."""
    table: pd.DataFrame = result.outcomes().pivot(index="replication", columns="scenario", values=outcome)
    return table.sort_index()


def _paired(differences: NDArray[np.float64], **extra: Any) -> dict[str, Any]:
    """Mean paired difference of one draw and its simulation-noise t interval."""
    from districtlab.experiments.compare import mean_interval

    mean, _, low, high = mean_interval(np.asarray(differences, dtype=float), NOISE_CONFIDENCE)
    return {"difference": mean, "noise_low": low, "noise_high": high, **extra}


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
    executor: Executor | None = None,
) -> dict[str, dict[str, Any]]:
    """Each comparison for one posterior draw: mean paired difference and its noise interval."""
    from districtlab.experiments import run_scenarios
    from districtlab.experiments.audit import (
        documented_designs,
        tailoring_premium,
        transplanted,
        with_programme,
    )
    from districtlab.experiments.spend import match_spend

    calibrated = posterior.scenario(values, district=district, until_year=POLICY_UNTIL_YEAR)
    place, generic = calibrated.with_programme(PLACE_BASED), calibrated.with_programme(GENERIC)
    out: dict[str, dict[str, Any]] = {}
    if "place_based_minus_generic" in comparisons:
        table = _outcomes(
            run_scenarios(
                {PLACE_BASED: place, GENERIC: generic}, replications=replications, rng=seed, executor=executor
            ),
            outcome,
        )
        out["place_based_minus_generic"] = _paired((table[PLACE_BASED] - table[GENERIC]).to_numpy())
    if "equal_spend" in comparisons:
        # Replication r of every design gets the same seed whatever the batch, so the matched designs'
        # runs are taken from the matching loop's own batches instead of being run again.
        batches: list[tuple[dict[str, Scenario], Any]] = []

        def runner(scenarios: dict[str, Scenario]) -> Any:
            result = run_scenarios(scenarios, replications=replications, rng=seed, executor=executor)
            batches.append((dict(scenarios), result))
            return result

        match = match_spend(place, generic, replications=replications, rng=seed, runner=runner)

        def outcome_of(design: Scenario) -> pd.Series:
            for scenarios, result in reversed(batches):
                for name, scenario in scenarios.items():
                    if scenario == design:
                        return _outcomes(result, outcome)[name]
            table = _outcomes(
                run_scenarios({"design": design}, replications=replications, rng=seed, executor=executor),
                outcome,
            )
            return table["design"]

        table = pd.DataFrame(
            {PLACE_BASED: outcome_of(match.matched_first), GENERIC: outcome_of(match.matched_second)}
        )
        out["equal_spend"] = _paired(
            (table[PLACE_BASED] - table[GENERIC]).to_numpy(),
            spend_matched=bool(match.matched),
            detail=f"{match.scaled} budget x{match.factor:.3g}",
        )
    if "tailoring_premium" in comparisons:
        native = documented_designs(calibrated)[0]
        scenarios = {"native": with_programme(calibrated, transplanted(native, native))}
        for name, design in _foreign_designs(posterior, district).items():
            scenarios[name] = with_programme(calibrated, transplanted(design, native))
        table = _outcomes(
            run_scenarios(scenarios, replications=replications, rng=seed, executor=executor), outcome
        )
        # The audit's definition on the raw outcome: every design runs on the same seeds, so the
        # no-programme baseline the audit subtracts cancels in native minus foreign.
        best, *_ = tailoring_premium(
            {name: table[name].to_numpy(dtype=float) for name in scenarios}, "native", NOISE_CONFIDENCE
        )
        out["tailoring_premium"] = _paired(
            (table["native"] - table[best]).to_numpy(), detail=f"best transplanted: {best}"
        )
    return out


def probability_interval(positive: int, draws: int, level: float = DRAW_INTERVAL) -> tuple[float, float]:
    """Jeffreys interval of a probability estimated as ``positive`` of ``draws``.

    Examples
    --------
    >>> low, high = probability_interval(13, 20)
    >>> round(low, 2), round(high, 2)
    (0.47, 0.8)
    """
    tail = (1 - level) / 2
    a, b = positive + 0.5, draws - positive + 0.5
    low = 0.0 if positive == 0 else float(stats.beta.ppf(tail, a, b))
    high = 1.0 if positive == draws else float(stats.beta.ppf(1 - tail, a, b))
    return low, high


@dataclass(frozen=True)
class PolicyUnderPosterior:
    """Per district, comparison and posterior draw: the paired mean difference and its noise interval."""

    draws: pd.DataFrame  # district, comparison, draw, difference, noise_low/high, ..., the draw's parameters
    outcome: str
    replications: int

    def summary(self) -> pd.DataFrame:
        """Per district and comparison, the two kinds of uncertainty side by side.

        Columns: ``mean_difference``, ``median_difference``; ``parameter_low/high`` (5-95%
        of the draws' means: parameter uncertainty, plus what noise each mean keeps);
        ``noise_half_width`` (mean over draws of the 95% paired interval's half-width within
        one draw: simulation noise); ``parameter_share_of_variance`` (1 - mean within-draw
        variance of a mean / variance of the means across draws, floored at 0: how much of
        the spread over draws is parameters rather than noise); ``probability_positive``
        with ``probability_low/high`` (90% Jeffreys interval over draws); ``draws_above_zero``
        and ``draws_below_zero`` (shares of draws whose noise interval lies wholly above or
        below zero; the rest cannot be told from zero within their draw); and for the
        equal-spend comparison ``spend_matched_share``.
        """
        rows = []
        tail = (1 - DRAW_INTERVAL) / 2
        for (district, comparison), group in self.draws.groupby(["district", "comparison"], sort=False):
            d = group["difference"].to_numpy(dtype=float)
            low, high = group["noise_low"].to_numpy(dtype=float), group["noise_high"].to_numpy(dtype=float)
            half = (high - low) / 2
            t = stats.t.ppf(0.5 + NOISE_CONFIDENCE / 2, self.replications - 1)
            noise_variance = float(np.nanmean((half / t) ** 2))  # squared standard error of a draw's mean
            between = float(np.var(d, ddof=1)) if len(d) > 1 else math.nan
            positive = int(np.sum(d > 0))
            p_low, p_high = probability_interval(positive, len(d))
            row = {
                "district": district,
                "comparison": comparison,
                "outcome": self.outcome,
                "draws": len(d),
                "replications_per_draw": self.replications,
                "mean_difference": float(d.mean()),
                "median_difference": float(np.median(d)),
                "parameter_low": float(np.quantile(d, tail)),
                "parameter_high": float(np.quantile(d, 1 - tail)),
                "noise_half_width": float(np.nanmean(half)),
                "parameter_share_of_variance": (
                    max(0.0, 1.0 - noise_variance / between) if between > 0 else math.nan
                ),
                "probability_positive": positive / len(d),
                "probability_low": p_low,
                "probability_high": p_high,
                "draws_above_zero": float(np.mean(low > 0)),
                "draws_below_zero": float(np.mean(high < 0)),
            }
            if "spend_matched" in group and comparison == "equal_spend":
                row["spend_matched_share"] = float(group["spend_matched"].astype(bool).mean())
            rows.append(row)
        return pd.DataFrame(rows)


def policy_under_posterior(
    posterior: Posterior,
    *,
    draws: int = 30,
    replications: int = 10,
    outcome: str = "firms_adopting",
    comparisons: tuple[str, ...] = COMPARISONS,
    rng: RNGLike = 0,
    progress: Callable[[int, int], None] | None = None,
    parameter_draws: pd.DataFrame | None = None,
    executor: Executor | None = None,
) -> PolicyUnderPosterior:
    """Each comparison of ``outcome`` for ``draws`` posterior draws in every calibrated district.

    The same parameter draws serve every district and comparison; within a draw every design
    runs on the same seeds (paired). ``progress(done, total)`` is called after each draw.
    ``parameter_draws``: use these rows (natural scale, e.g. the first rows of a shipped
    sample) instead of resampling ``draws`` from the posterior. ``executor`` runs each
    draw's replications in parallel; results do not depend on it.
    """
    if draws < 2 or replications < 2:
        raise ValueError("draws and replications must be at least 2")
    unknown = [c for c in comparisons if c not in COMPARISONS]
    if unknown:
        raise ValueError(f"unknown comparison(s) {', '.join(unknown)} (known: {', '.join(COMPARISONS)})")
    generator = _generator(rng)
    if parameter_draws is None:
        parameter_draws = posterior.sample(draws, generator)
    else:
        parameter_draws = parameter_draws.reset_index(drop=True)
        draws = len(parameter_draws)
    rows: list[dict[str, object]] = []
    total, done = draws * len(posterior.districts), 0
    for district in posterior.districts:
        for index, values in enumerate(parameter_draws.to_dict("records")):
            seed = int(generator.integers(2**63))
            results = _comparisons(
                posterior, values, district, outcome, replications, seed, comparisons, executor
            )
            rows.extend(
                {"district": district, "comparison": name, "draw": index, "seed": seed, **fields, **values}
                for name, fields in results.items()
            )
            done += 1
            if progress is not None:
                progress(done, total)
    return PolicyUnderPosterior(pd.DataFrame(rows), outcome, replications)


def _percent(value: float, language: str = "en") -> str:
    return format_percent(value, language, decimals=0)


def _signed_interval(low: float, high: float, language: str) -> str:
    """'[-1.25, +3.50]' ('[-1,25; +3,50]' in es and ca: the comma is their decimal mark)."""
    return f"[{format_signed(low, language, decimals=2)}{interval_separator(language)}{format_signed(high, language, decimals=2)}]"


def policy_sentences(summary: pd.DataFrame, unit: str | None = None, language: str = "en") -> list[str]:
    """One sentence per district and comparison, naming each kind of uncertainty, in ``language``.

    Never says which programme kind wins: it states the probability with its interval and
    whether the interval leaves one half, and how wide simulation noise is beside it.
    ``unit`` names the outcome (translated "adopting firms" when not given).
    """
    _ = gettext_for(language)
    unit = _("adopting firms") if unit is None else unit
    sentences = []
    for row in summary.itertuples():
        meaning = _(PROBABILITY_MEANING.get(str(row.comparison), "P(> 0)"))
        decided = row.draws_above_zero + row.draws_below_zero
        if row.probability_low <= 0.5 <= row.probability_high:
            reading = _("its interval contains 1/2: the posterior does not separate the two")
        elif decided < 0.5:
            reading = _(
                "its interval leaves 1/2, but in most draws the noise interval straddles zero, so the sign of "
                "each draw's mean is itself uncertain: more replications per draw are needed before this "
                "probability can be read"
            )
        else:
            reading = _("its interval leaves 1/2 and most draws' noise intervals are clear of zero")
        share = row.parameter_share_of_variance
        parameter_share = (
            _(
                " (about {share} of the variance across draws is parameters, the rest the noise left in "
                "each draw's mean)"
            ).format(share=_percent(share, language))
            if math.isfinite(share)
            else ""
        )
        comparison = str(row.comparison)
        sentences.append(
            _(
                "{district}, {comparison}: mean {mean} {unit}; parameter uncertainty ({draw_level} of {draws} posterior "
                "draws) {parameter_interval}{parameter_share}; simulation noise within one draw ±{noise} "
                "({noise_level}, {replications} paired replications). {meaning} = {probability} ({draw_level} interval "
                "{probability_low}–{probability_high}, from the number of draws); {reading}. Noise interval "
                "wholly above zero in {above} of draws, wholly below in {below}."
            ).format(
                district=row.district,
                comparison=_(COMPARISON_NAMES[comparison]) if comparison in COMPARISON_NAMES else comparison,
                mean=format_signed(row.mean_difference, language, decimals=2),
                unit=unit,
                draw_level=_percent(DRAW_INTERVAL, language),
                noise_level=_percent(NOISE_CONFIDENCE, language),
                draws=format_amount(row.draws, language),
                parameter_interval=_signed_interval(row.parameter_low, row.parameter_high, language),
                parameter_share=parameter_share,
                noise=format_amount(row.noise_half_width, language, decimals=2),
                replications=format_amount(row.replications_per_draw, language),
                meaning=meaning,
                probability=_percent(row.probability_positive, language),
                probability_low=_percent(row.probability_low, language),
                probability_high=_percent(row.probability_high, language),
                reading=reading,
                above=_percent(row.draws_above_zero, language),
                below=_percent(row.draws_below_zero, language),
            )
        )
    return sentences


def _box(posterior: Posterior) -> tuple[list[str], list[list[float]]]:
    """The uncertain parameters and the box of their posterior 90% ranges (natural scale)."""
    priors = {p.name: p for p in posterior.problem.priors}
    names = [n for n in posterior.parameters.columns if n in priors]
    summary = posterior.summary().set_index("parameter")
    bounds = []
    for n in names:
        low, high = float(summary.loc[n, "low"]), float(summary.loc[n, "high"])
        if not high > low:  # a parameter the posterior pinned: a sliver, so SALib accepts it
            high = low * 1.001 + 1e-9
        bounds.append([low, high])
    return names, bounds


def sobol_cost(posterior: Posterior, base_samples: int) -> int:
    """Paired comparisons :func:`sobol_indices` runs: ``N (D + 2)`` (first and total order only)."""
    return base_samples * (len(_box(posterior)[0]) + 2)


def sobol_indices(
    posterior: Posterior,
    *,
    district: str | None = None,
    base_samples: int = 16,
    replications: int = 2,
    outcome: str = "firms_adopting",
    rng: RNGLike = 0,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol' indices of (place-based minus generic) over the posterior box.

    Runs :func:`sobol_cost` paired comparisons of ``replications`` runs each (``base_samples``
    must be a power of two, as Sobol' sequences need). Columns: district, parameter, S1,
    S1_conf, ST, ST_conf (95% bootstrap half-widths from SALib), base_samples, replications,
    output_variance and noise_share: the mean squared standard error of a point's paired
    mean over the variance of the outputs. Simulation noise is variance no parameter
    explains, so a large noise share pulls every S1 down and widens every interval.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    if base_samples < 2 or base_samples & (base_samples - 1):
        raise ValueError(f"Sobol' base samples must be a power of two, at least 2; got {base_samples}")
    if replications < 2:
        raise ValueError("Sobol' points need at least 2 paired replications (to measure their noise)")
    name = district or posterior.districts[0]
    names, bounds = _box(posterior)
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    generator = _generator(rng)
    points = sobol_sample.sample(
        problem, base_samples, calc_second_order=False, seed=int(generator.integers(2**31))
    )
    outputs = np.empty(len(points))
    squared_se = np.empty(len(points))
    for index, point in enumerate(points):
        result = _comparisons(
            posterior,
            dict(zip(names, map(float, point), strict=True)),
            name,
            outcome,
            replications,
            int(generator.integers(2**63)),
            ("place_based_minus_generic",),
        )["place_based_minus_generic"]
        outputs[index] = result["difference"]
        t = stats.t.ppf(0.5 + NOISE_CONFIDENCE / 2, replications - 1)
        squared_se[index] = ((result["noise_high"] - result["noise_low"]) / 2 / t) ** 2
        if progress is not None:
            progress(index + 1, len(points))
    indices = sobol_analyze.analyze(
        problem, outputs, calc_second_order=False, print_to_console=False, seed=int(generator.integers(2**31))
    )
    variance = float(np.var(outputs, ddof=1))
    return pd.DataFrame(
        {
            "district": name,
            "parameter": names,
            "S1": indices["S1"],
            "S1_conf": indices["S1_conf"],
            "ST": indices["ST"],
            "ST_conf": indices["ST_conf"],
            "base_samples": base_samples,
            "replications": replications,
            "output_variance": variance,
            "noise_share": float(np.nanmean(squared_se)) / variance if variance > 0 else math.nan,
        }
    )


def sobol_reading(indices: pd.DataFrame, language: str = "en") -> str:
    """What the indices allow one to say, given their intervals (and when N is too small to rank).

    A parameter *matters* when its total index's 95% interval excludes zero; the ranking of
    the top parameter is *settled* only when its ST interval lies wholly above the next one's.
    Written in ``language`` (parameter names stay the model's own).
    """
    _ = gettext_for(language)
    ordered = indices.sort_values("ST", ascending=False).reset_index(drop=True)
    low = ordered.ST - ordered.ST_conf
    high = ordered.ST + ordered.ST_conf
    matters = list(ordered.parameter[low > 0])
    n = int(ordered.base_samples.iloc[0])
    noise = float(ordered.noise_share.iloc[0])
    first_order = float(ordered.S1.sum())
    parts = [
        _(
            "N = {n} base samples ({points} points, {replications} paired replications each); simulation "
            "noise is about {noise} of the output variance (an estimate; {everything} or more means the outputs "
            "are all noise) and is explained by no parameter."
        ).format(
            n=format_amount(n, language),
            points=format_amount(n * (len(ordered) + 2), language),
            replications=format_amount(int(ordered.replications.iloc[0]), language),
            noise=_percent(noise, language),
            everything=_percent(1.0, language),
        )
    ]
    if first_order > 1.0:
        parts.append(
            _(
                "The first-order indices add up to {total}, more than the 1 they can sum to: the estimates are "
                "dominated by sampling error."
            ).format(total=format_amount(first_order, language, decimals=2))
        )
    if noise >= 0.5:
        if matters:
            parts.append(
                _(
                    "Noise dominates: it inflates every total index towards the noise share, so an interval clear "
                    "of zero identifies no parameter here ({parameters} only look so); no parameter can be said "
                    "to matter at this N and number of replications."
                ).format(parameters=", ".join(matters))
            )
        else:
            parts.append(
                _(
                    "Noise dominates: it inflates every total index towards the noise share, so an interval clear "
                    "of zero identifies no parameter here; no parameter can be said to matter at this N and "
                    "number of replications."
                )
            )
    elif matters:
        parts.append(
            _("Total index interval above zero: {parameters}.").format(parameters=", ".join(matters))
        )
    else:
        parts.append(_("No parameter's total-index interval excludes zero."))
    if len(ordered) > 1 and low.iloc[0] > high.iloc[1]:
        parts.append(
            _("{parameter} ranks first, its interval clear of the second's.").format(
                parameter=ordered.parameter.iloc[0]
            )
        )
    else:
        parts.append(
            _(
                "The intervals overlap: N is too small to rank the parameters (the order of the point "
                "estimates is not a finding)."
            )
        )
    return " ".join(parts)


__all__ = [
    "COMPARISONS",
    "COMPARISON_NAMES",
    "PROBABILITY_MEANING",
    "PolicyUnderPosterior",
    "policy_sentences",
    "policy_under_posterior",
    "probability_interval",
    "sobol_cost",
    "sobol_indices",
    "sobol_reading",
]
